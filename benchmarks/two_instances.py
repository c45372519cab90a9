"""Two app servers sharing PostgreSQL and Redis: the same data, one cache, one login.

Starts a Redis server of its own (``redis-server`` on 127.0.0.1:``--redis-port``, default
56379, nothing saved to disk), prepares a PostgreSQL database (``--database-url``, default
``partnership_two`` on the local server: created if missing, migrated, records loaded),
and runs two gunicorn instances, A and B, on two ports with the same ``DATABASE_URL`` and
``REDIS_URL``. Then it checks, printing PASS or FAIL for each:

1. **same data**: a set of public pages rendered independently by A and by B (a fresh
   query string, so neither answers from the cache) have the same ``<main>``;
2. **shared cache, invalidated at once**: a project page fetched twice from B is a cache
   hit (``X-Cache: hit``); an administrator logged in on A changes that project's title
   through the admin form (a real POST of the whole form, as a browser sends it); the very
   next request for the page on B is a miss that shows the new title;
3. **one session for both**: the session cookie A issued at login opens the admin on B
   (sessions are ``cached_db`` when ``REDIS_URL`` is set), still does after Redis is
   emptied (the database keeps them), and after logging out on A, B sends the same cookie
   to the login page.

    .venv/bin/python benchmarks/two_instances.py

Exit status 0 when all three pass.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from faults import Browser  # noqa: E402
from load_test import (  # noqa: E402
    RESULTS,
    Portal,
    ensure_database,
    manage,
    portal_env,
    prepare_portal_database,
    public_paths,
    request,
)

ADMIN_USER = "ops.admin"
ADMIN_PASSWORD = "ops-two-instances-2026"  # noqa: S105 - a throwaway account
ADMIN_SCRIPT = f"""
import json
from django.contrib.auth.models import User
from projects.models import ProjectIdea
user, _ = User.objects.get_or_create(username="{ADMIN_USER}")
user.is_staff = user.is_superuser = True
user.set_password("{ADMIN_PASSWORD}")
user.save()
idea = ProjectIdea.objects.order_by("pk").first()
print(json.dumps({{"pk": idea.pk, "slug": idea.slug, "title": idea.title}}))
"""


class FormReader(HTMLParser):
    """The fields a browser would submit from the form with ``form_id``."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def main_of(body: str) -> str:
    match = re.search(r"<main\b.*?</main>", body, re.S)
    return match.group(0) if match else body


def title_of(body: str) -> str:
    match = re.search(r"<h1\b[^>]*>(.*?)</h1>", body, re.S)
    return html.unescape(re.sub(r"<[^>]+>|\s+", " ", match.group(1))).strip() if match else ""


def start_redis(port: int) -> tuple[subprocess.Popen, Path]:
    workdir = Path(tempfile.mkdtemp(prefix="ops-redis-"))
    process = subprocess.Popen(  # noqa: S603
        [  # noqa: S607
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        ping = subprocess.run(  # noqa: S603
            ["redis-cli", "-p", str(port), "ping"],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        if ping.stdout.strip() == "PONG":
            return process, workdir
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("redis-server did not start")


def submit_admin_form(browser: Browser, path: str, form_id: str, **changes: str):
    status, _headers, body = browser.get(path)
    if status != 200:
        raise RuntimeError(f"admin form {path}: {status}")
    reader = FormReader(form_id)
    reader.feed(body)
    fields = [(name, value) for name, value in reader.fields if name not in changes]
    fields += list(changes.items())
    fields.append(("_save", "Save"))
    token = dict(reader.fields).get("csrfmiddlewaretoken", browser.cookies.get("csrftoken"))
    body = "&".join(f"{quote(n)}={quote(v)}" for n, v in fields if n != "csrfmiddlewaretoken")
    body += f"&csrfmiddlewaretoken={quote(token)}"
    status, headers, text = request(
        browser.base,
        path,
        method="POST",
        body=body.encode(),
        headers=browser._headers({"Content-Type": "application/x-www-form-urlencoded"}),
    )
    browser._remember(headers)
    return status, text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/partnership_two"
    )
    parser.add_argument("--redis-port", type=int, default=56379)
    args = parser.parse_args()

    redis, redis_dir = start_redis(args.redis_port)
    redis_url = f"redis://127.0.0.1:{args.redis_port}/0"
    results: dict[str, bool] = {}
    figures: dict = {}
    try:
        ensure_database(args.database_url)
        env = portal_env(args.database_url, redis_url)
        prepare_portal_database(env)
        idea = json.loads(manage(env, "shell", "-c", ADMIN_SCRIPT, capture=True).splitlines()[-1])
        paths = public_paths(env)
        project_path = next(p for label, p in paths if label == "project" and idea["slug"] in p)
        with Portal(env, workers=2) as a, Portal(env, workers=2) as b:
            print(
                f"A on {a.base}, B on {b.base}; PostgreSQL {args.database_url}; Redis {redis_url}"
            )

            # 1. The same data, rendered independently by each.
            different = []
            for label, path in paths:
                fresh = path + ("&" if "?" in path else "?") + f"n={time.monotonic_ns()}"
                _sa, _ha, body_a = request(a.base, fresh)
                _sb, _hb, body_b = request(b.base, fresh + "b")
                # Absolute links (sitemap, robots.txt, canonical) name each server's port.
                page_a = main_of(body_a.decode()).replace(a.base, "<server>")
                page_b = main_of(body_b.decode()).replace(b.base, "<server>")
                if page_a != page_b:
                    different.append(label)
            results["same data"] = not different
            print(
                f"1. same data: {len(paths) - len(different)}/{len(paths)} pages identical "
                f"→ {'PASS' if not different else 'FAIL ' + str(different)}"
            )

            # 2. A page cached on B changes at once after an edit made through A.
            request(b.base, project_path)
            _s, cached_headers, cached_body = request(b.base, project_path)
            before = title_of(cached_body.decode())
            browser = Browser(a.base)
            browser.login(ADMIN_USER, ADMIN_PASSWORD)
            new_title = f"{idea['title']} (zmieniono {time.strftime('%H:%M:%S')})"
            change = f"/en/admin/projects/projectidea/{idea['pk']}/change/"
            saved_status, _text = submit_admin_form(
                browser, change, "projectidea_form", title=new_title
            )
            saved_at = time.monotonic()
            _s, after_headers, after_body = request(b.base, project_path)
            seen_after = time.monotonic() - saved_at
            after = title_of(after_body.decode())
            ok = (
                cached_headers.get("X-Cache") == "hit"
                and saved_status == 302
                and after_headers.get("X-Cache") == "miss"
                and after == new_title
            )
            results["cache invalidated at once"] = ok
            figures["cache"] = {
                "before": before,
                "before_x_cache": cached_headers.get("X-Cache"),
                "admin_post": saved_status,
                "after": after,
                "after_x_cache": after_headers.get("X-Cache"),
                "next_request_ms": round(seen_after * 1000, 1),
            }
            print(
                f"2. B before: {before!r} (X-Cache: {cached_headers.get('X-Cache')}); "
                f"admin POST on A: {saved_status}; B's next request "
                f"({seen_after * 1000:.0f} ms later): {after!r} "
                f"(X-Cache: {after_headers.get('X-Cache')}) → {'PASS' if ok else 'FAIL'}"
            )

            # 3. A's session works on B, and logging out on A ends it on B.
            on_b = Browser(b.base)
            on_b.cookies = dict(browser.cookies)
            status_in, _h, body_in = on_b.get("/en/admin/")
            logged_in = status_in == 200 and "Log out" in body_in
            sessions = subprocess.run(  # noqa: S603
                ["redis-cli", "-p", str(args.redis_port), "--scan", "--pattern", "*session*"],  # noqa: S607
                capture_output=True,
                text=True,
                check=False,
            ).stdout.split()
            # The session is in the database too: with the cache emptied, B still knows it.
            subprocess.run(  # noqa: S603
                ["redis-cli", "-p", str(args.redis_port), "flushall"],  # noqa: S607
                capture_output=True,
                check=True,
            )
            status_flushed, _h, body_flushed = on_b.get("/en/admin/")
            survived = status_flushed == 200 and "Log out" in body_flushed
            browser.post("/en/admin/logout/", {})
            status_out, headers_out, _ = on_b.get("/en/admin/")
            logged_out = status_out == 302 and "/admin/login/" in headers_out.get("Location", "")
            results["one session"] = logged_in and survived and logged_out
            print(
                f"3. A's session on B: {status_in} ({'admin index' if logged_in else 'NOT'});"
                f" with Redis emptied: {status_flushed};"
                f" after logout on A, B answers {status_out} → "
                f"{headers_out.get('Location', '')} → "
                f"{'PASS' if results['one session'] else 'FAIL'} "
                f"(session keys in Redis while logged in: {len(sessions)})"
            )

            # Put the title back, so that the next run starts from the records.
            browser = Browser(a.base)
            browser.login(ADMIN_USER, ADMIN_PASSWORD)
            submit_admin_form(browser, change, "projectidea_form", title=idea["title"])
    finally:
        redis.terminate()
        redis.wait(10)
        shutil.rmtree(redis_dir, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "two_instances.json").write_text(
        json.dumps({"checks": results, **figures}, indent=2, ensure_ascii=False)
    )
    passed = all(results.values()) and len(results) == 3
    print(f"two instances: {'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
