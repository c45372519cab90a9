"""Load test: the portal under gunicorn, 32 concurrent clients for 20 s over the public pages.

Prepares a PostgreSQL database of its own (created if missing, migrated, the Mazovian
records loaded), runs ``collectstatic``, starts gunicorn with ``gunicorn.conf.py`` on
127.0.0.1, and then keeps ``--clients`` HTTP/1.1 connections busy for ``--duration``
seconds. Each client walks the list of public pages (home, counties, a county, the
catalogue with several filter combinations, project, cycle and edition pages, sources,
open data, the sitemap, the certificate check and their ``/en/`` variants) from its own
starting point, so every page is requested about equally often. It prints the requests
and statuses per page, the total, requests per second, latency percentiles and the non-2xx
count (the target is 0), writes the same as JSON under ``benchmarks/results/``, and exits 1
if any response was not 2xx.

    .venv/bin/python benchmarks/load_test.py                      # 32 clients, 20 s
    .venv/bin/python benchmarks/load_test.py --clients 64 --duration 60 --workers 9
    .venv/bin/python benchmarks/load_test.py --redis-url redis://127.0.0.1:6379/5
    .venv/bin/python benchmarks/load_test.py --url http://127.0.0.1:8000   # a running portal
    .venv/bin/python benchmarks/load_test.py --threads 1        # sync workers, for comparison
    .venv/bin/python benchmarks/load_test.py --client wrk       # wrk instead of Python threads

The default client is Python threads, each with its own keep-alive ``http.client``
connection (sync workers answer ``Connection: close``, and the client then reconnects);
it counts statuses per page. ``--client wrk`` drives the same rotation with wrk and a Lua
script (less client CPU; totals only). The same helpers (``Portal``, ``run_load``,
``public_paths``) drive the fault scenarios in ``benchmarks/faults.py`` and
``benchmarks/two_instances.py``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/partnership_load"


# -- The database and the server ---------------------------------------------------------


def ensure_database(database_url: str) -> bool:
    """Create the PostgreSQL database if it does not exist; True when it was created."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists:
            return False
        connection.execute(f'CREATE DATABASE "{name}"')
        return True


def drop_database(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def portal_env(database_url: str, redis_url: str = "", **extra: str) -> dict[str, str]:
    """The environment of a production-like portal: DEBUG off, a random SECRET_KEY."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(40),
        PYTHONUNBUFFERED="1",
        LOG_LEVEL=env.get("LOG_LEVEL", "WARNING"),
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return result.stdout if capture else ""


def prepare_portal_database(env: dict[str, str]) -> None:
    """Migrate, load the Mazovian records (idempotent) and collect the static files."""
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "loadrecords", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")


PATHS_SCRIPT = r"""
import json
from django.urls import reverse
from django.utils import translation
from programmes.models import County, Programme
from projects.models import ProjectIdea
from workshops.models import WorkshopCycle

county = County.objects.filter(cycles__isnull=False).order_by("code").first()
projects = list(ProjectIdea.objects.order_by("pk").values_list("slug", flat=True)[:3])
cycle = WorkshopCycle.objects.order_by("pk").first()
edition = Programme.objects.order_by("pk").first()
paths = []
for language in ("pl", "en"):
    with translation.override(language):
        catalogue = reverse("projects:list")
        paths += [
            ("home", reverse("portal:home")),
            ("counties", reverse("portal:county_list")),
            ("county", reverse("portal:county_detail", args=[county.slug])),
            ("editions", reverse("portal:programme_list")),
            ("edition", reverse("portal:programme_detail", args=[edition.slug])),
            ("catalogue", catalogue),
            ("catalogue?all", catalogue + "?scope=all"),
            ("catalogue?county", catalogue + f"?scope=all&county={county.slug}"),
            ("catalogue?q", catalogue + "?scope=all&q=turystyka&ordering=-year"),
            ("catalogue?year+status", catalogue + "?scope=all&year=2017&status=selected"),
            ("cycle", reverse("workshops:cycle_detail", args=[cycle.slug])),
            ("sources", reverse("portal:source_list")),
            ("open-data", reverse("opendata:index")),
            ("certificate-check", reverse("workshops:certificate_lookup")),
        ]
        paths += [("project", reverse("projects:detail", args=[slug])) for slug in projects]
paths = [(("en " if path.startswith("/en/") else "") + label, path) for label, path in paths]
paths.append(("sitemap", "/sitemap.xml"))
paths.append(("robots", "/robots.txt"))
print(json.dumps(paths))
"""


def public_paths(env: dict[str, str]) -> list[tuple[str, str]]:
    """(label, path) of the public pages, Polish and English, read from the database."""
    output = manage(env, "shell", "-c", PATHS_SCRIPT, capture=True)
    return [tuple(item) for item in json.loads(output.strip().splitlines()[-1])]


def free_port(start: int = 8200, end: int = 8299) -> int:
    for port in range(start, end + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {start}-{end}")


class Portal:
    """A gunicorn master serving the portal on 127.0.0.1:<port>, with ``gunicorn.conf.py``."""

    def __init__(
        self,
        env: dict[str, str],
        *,
        port: int | None = None,
        workers: int = 4,
        threads: int | None = None,
        log: Path | None = None,
    ):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_ACCESS_LOG": env.get("GUNICORN_ACCESS_LOG", ""),
        }
        if threads is not None:  # else gunicorn.conf.py's default
            self.env["GUNICORN_THREADS"] = str(threads)
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.log_path = log or RESULTS / f"gunicorn-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Portal:
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - the venv's gunicorn, our config
            [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py")],
            env=self.env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                status, _headers, _body = request(self.base, "/robots.txt", timeout=5)
                if status == 200 and len(self.worker_pids()) >= int(self.env["GUNICORN_WORKERS"]):
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout} s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "_log", None):
            self._log.close()

    def __enter__(self) -> Portal:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# -- The client ---------------------------------------------------------------------------


def request(
    base: str,
    path: str,
    *,
    method: str = "GET",
    headers: dict | None = None,
    body: bytes | None = None,
    timeout: float = 30,
):
    """One request on a fresh connection: (status, headers, body)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


@dataclass
class Sample:
    start: float  # seconds since the load began
    end: float
    label: str
    status: int  # 0: no HTTP response (refused, reset, timed out)
    retry_after: str | None = None
    error: str = ""


@dataclass
class LoadResult:
    duration: float
    clients: int
    samples: list[Sample] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.samples)

    @property
    def non_2xx(self) -> list[Sample]:
        return [s for s in self.samples if not 200 <= s.status < 300]

    def per_page(self) -> dict[str, Counter]:
        pages: dict[str, Counter] = defaultdict(Counter)
        for sample in self.samples:
            pages[sample.label][sample.status or sample.error] += 1
        return dict(pages)

    def latencies_ms(self) -> list[float]:
        return sorted((s.end - s.start) * 1000 for s in self.samples if s.status)

    def summary(self) -> dict:
        latencies = self.latencies_ms()

        def pct(p: float) -> float:
            return round(latencies[min(len(latencies) - 1, int(len(latencies) * p))], 1)

        return {
            "clients": self.clients,
            "duration_s": round(self.duration, 2),
            "requests": self.total,
            "requests_per_s": round(self.total / self.duration, 1),
            "non_2xx": len(self.non_2xx),
            "statuses": dict(Counter(s.status or s.error for s in self.samples)),
            "latency_ms": {
                "p50": pct(0.5),
                "p95": pct(0.95),
                "p99": pct(0.99),
                "max": round(latencies[-1], 1),
                "mean": round(statistics.fmean(latencies), 1),
            }
            if latencies
            else {},
        }


def run_load(
    base: str,
    paths: list[tuple[str, str]],
    *,
    clients: int = 32,
    duration: float = 20.0,
    timeout: float = 30.0,
    on_tick=None,
) -> LoadResult:
    """``clients`` threads, each on its own keep-alive connection, for ``duration`` s.

    ``on_tick(elapsed)`` is called about every 0.1 s from the main thread (the fault
    scenarios use it to restart a database at a chosen moment). A ``{n}`` in a path is
    replaced by a value unique to each request.
    """
    parts = urlsplit(base)
    result = LoadResult(duration=duration, clients=clients)
    lock = threading.Lock()
    t0 = stop_at = 0.0  # set just before the start line opens
    start_line = threading.Barrier(clients + 1)

    def client(number: int) -> None:
        samples: list[Sample] = []
        connection = None
        index = number * 7
        start_line.wait()
        while time.monotonic() < stop_at:
            label, path = paths[index % len(paths)]
            index += 1
            if "{n}" in path:  # a fresh query string: no cache can answer it
                path = path.replace("{n}", f"{number}-{index}")
            if connection is None:
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
            begun = time.monotonic()
            try:
                connection.request("GET", path, headers={"Accept-Language": "pl"})
                response = connection.getresponse()
                response.read()
                samples.append(
                    Sample(
                        begun - t0,
                        time.monotonic() - t0,
                        label,
                        response.status,
                        response.getheader("Retry-After"),
                    )
                )
                if response.will_close:
                    connection.close()
                    connection = None
            except Exception as error:  # noqa: BLE001 - any failure is a sample, not a crash
                samples.append(
                    Sample(begun - t0, time.monotonic() - t0, label, 0, error=type(error).__name__)
                )
                connection.close()
                connection = None
                time.sleep(0.05)  # a refused connection fails at once: do not spin
        if connection is not None:
            connection.close()
        with lock:
            result.samples.extend(samples)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    t0 = time.monotonic()
    stop_at = t0 + duration
    start_line.wait()
    while time.monotonic() < stop_at:
        if on_tick is not None:
            on_tick(time.monotonic() - t0)
        time.sleep(0.1)
    for thread in threads:
        thread.join(timeout + 5)
    result.duration = max(duration, time.monotonic() - t0)
    result.samples.sort(key=lambda s: s.start)
    return result


WRK_SCRIPT = r"""
-- Rotates over the paths in the file LOAD_PATHS (one a line), each connection group from
-- its own starting point, and counts the responses by status.
local paths = {}
for line in io.lines(os.getenv("LOAD_PATHS")) do table.insert(paths, line) end
local threads = {}
function setup(thread)
  thread:set("number", #threads)
  table.insert(threads, thread)
end
function init(args)
  counter = number * 7
  statuses = {}
end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1], {["Accept-Language"] = "pl"})
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(totals) do table.insert(parts, string.format('"%d": %d', status, n)) end
  local e = summary.errors
  io.write(string.format(
    'LOAD_RESULT {"requests": %d, "duration_us": %d, "statuses": {%s}, ' ..
    '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p95": %d, "p99": %d, "max": %d, "mean": %d}}\n',
    summary.requests, summary.duration, table.concat(parts, ", "),
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
"""


def run_wrk(base: str, paths: list[tuple[str, str]], *, clients: int, duration: float) -> dict:
    """The same rotation driven by ``wrk`` (C, two threads): totals only, no per-page counts."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed (apt-get install wrk), use --client python")
    with tempfile.TemporaryDirectory(prefix="load-test-") as workdir:
        script = Path(workdir) / "rotate.lua"
        script.write_text(WRK_SCRIPT)
        listing = Path(workdir) / "paths.txt"
        listing.write_text("".join(path.replace("{n}", "0") + "\n" for _label, path in paths))
        output = subprocess.run(  # noqa: S603 - wrk with our own arguments
            [
                wrk,
                "-t2",
                f"-c{clients}",
                f"-d{duration:g}s",
                "--timeout",
                "30s",
                "-s",
                str(script),
                base,
            ],
            env={**os.environ, "LOAD_PATHS": str(listing)},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    line = next(x for x in output.splitlines() if x.startswith("LOAD_RESULT "))
    raw = json.loads(line.removeprefix("LOAD_RESULT "))
    seconds = raw["duration_us"] / 1e6
    statuses = {int(k): v for k, v in raw["statuses"].items()}
    errors = sum(raw["socket_errors"].values())
    return {
        "client": "wrk",
        "clients": clients,
        "duration_s": round(seconds, 2),
        "requests": raw["requests"],
        "requests_per_s": round(raw["requests"] / seconds, 1),
        "non_2xx": sum(n for status, n in statuses.items() if not 200 <= status < 300) + errors,
        "statuses": statuses,
        "socket_errors": raw["socket_errors"],
        "latency_ms": {k: round(v / 1000, 1) for k, v in raw["latency_us"].items()},
    }


def print_report(result: LoadResult, title: str) -> None:
    summary = result.summary()
    print(f"\n{title}")
    print(f"{'page':28} {'requests':>9}  statuses")
    for label, statuses in sorted(result.per_page().items()):
        shown = ", ".join(
            f"{status}: {count}"
            for status, count in sorted(statuses.items(), key=lambda item: str(item[0]))
        )
        print(f"{label:28} {sum(statuses.values()):>9}  {shown}")
    latency = summary["latency_ms"]
    print(
        f"\ntotal {summary['requests']} requests in {summary['duration_s']} s "
        f"with {summary['clients']} clients: {summary['requests_per_s']} req/s; "
        f"non-2xx: {summary['non_2xx']}"
    )
    if latency:
        print(
            f"latency ms: p50 {latency['p50']}, p95 {latency['p95']}, p99 {latency['p99']}, "
            f"max {latency['max']}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default="", help="e.g. redis://127.0.0.1:6379/5")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("GUNICORN_WORKERS", 5)))
    parser.add_argument(
        "--threads", type=int, default=None, help="1: sync workers (default: gunicorn.conf.py's)"
    )
    parser.add_argument("--port", type=int, default=0, help="0: the first free in 8200-8299")
    parser.add_argument("--url", default="", help="load an already running portal instead")
    parser.add_argument(
        "--client",
        choices=["python", "wrk"],
        default="python",
        help="python: threads with per-page counts (default); wrk: lighter, totals only",
    )
    parser.add_argument(
        "--no-warmup",
        action="store_true",
        help="measure from cold caches (by default every page is fetched once)",
    )
    args = parser.parse_args()

    env = portal_env(args.database_url, args.redis_url)
    if not args.url:
        created = ensure_database(args.database_url)
        print(("created" if created else "using") + f" database {args.database_url}")
        prepare_portal_database(env)
    paths = public_paths(env)
    print(f"{len(paths)} public pages in rotation")

    portal = None
    base = args.url.rstrip("/")
    if not base:
        portal = Portal(env, port=args.port or None, workers=args.workers, threads=args.threads)
        portal.start()
        base = portal.base
        threads = args.threads or int(os.environ.get("GUNICORN_THREADS", 4))
        kind = f"gthread × {threads}" if threads > 1 else "sync"
        print(f"gunicorn on {base}: {args.workers} {kind} workers")
    try:
        if not args.no_warmup:
            for label, path in paths:
                status, _headers, _body = request(base, path)
                if status != 200:
                    print(f"warm-up: {label} {path} answered {status}")
        if args.client == "wrk":
            summary = run_wrk(base, paths, clients=args.clients, duration=args.duration)
        else:
            result = run_load(base, paths, clients=args.clients, duration=args.duration)
            summary = {**result.summary(), "client": "python"}
    finally:
        if portal is not None:
            portal.stop()
    title = f"Load test: {args.clients} clients × {args.duration:g} s on {base}"
    if args.client == "wrk":
        latency = summary["latency_ms"]
        print(
            f"\n{title} (wrk)\nstatuses: {summary['statuses']}; socket errors: "
            f"{summary['socket_errors']}"
        )
        print(
            f"total {summary['requests']} requests in {summary['duration_s']} s: "
            f"{summary['requests_per_s']} req/s; non-2xx: {summary['non_2xx']}\n"
            f"latency ms: p50 {latency['p50']}, p95 {latency['p95']}, p99 {latency['p99']}, "
            f"max {latency['max']}"
        )
    else:
        print_report(result, title)
        summary["pages"] = {label: dict(c) for label, c in result.per_page().items()}
    load = os.getloadavg()
    print(
        f"machine load average at the end: {load[0]:.1f} (1 min), {load[1]:.1f} (5 min) "
        f"on {os.cpu_count()} cores, client included"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "load_test.json"
    out.write_text(
        json.dumps(
            {
                **summary,
                "workers": args.workers,
                "threads": args.threads or int(os.environ.get("GUNICORN_THREADS", 4)),
                "redis": bool(args.redis_url),
                "load_average": load,
            },
            indent=2,
            default=str,
        )
    )
    print(f"written {out.relative_to(ROOT)}")
    return 0 if not summary["non_2xx"] and summary["requests"] else 1


if __name__ == "__main__":
    sys.exit(main())
