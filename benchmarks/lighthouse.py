"""Lighthouse's mobile scores of the home, catalogue, county and cycle pages.

    .venv/bin/python benchmarks/lighthouse.py          # or: make lighthouse
    .venv/bin/python benchmarks/lighthouse.py --base http://127.0.0.1:8000   # a running portal

Without ``--base`` it starts a portal of its own as in production: a throwaway SQLite
database with the Mazovian records (``migrate``, ``loadrecords``), ``collectstatic`` into a
temporary ``STATIC_ROOT`` (whitenoise, compressed, hashed names), ``DEBUG`` off, gunicorn
with ``gunicorn.conf.py`` on a free port of 127.0.0.1; and stops it at the end.

Lighthouse (npm, pinned in ``package.json``; ``npm ci``) runs its default mobile profile
(a Moto G Power, simulated slow 4G and 4× CPU slowdown) in Debian's Chromium
(``CHROME_PATH``, default ``/usr/bin/chromium``), each page ``--runs`` times (5) after a
warm-up request (the page cache filled, as for any visitor but the first), and keeps the
run with the median Performance score, as Lighthouse's documentation advises: on a shared
machine one run's blocking time varies with the other processes' load. It prints, per
page, the four category scores and the metrics behind Performance, and exits 1 when a
median Performance score is under ``--target`` (95). Reports go to
``benchmarks/results/lighthouse/`` (JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
RESULTS = ROOT / "benchmarks" / "results" / "lighthouse"
PAGES = {
    "home": "/",
    "catalogue": "/projekty/",
    "county": "/powiaty/plocki/",
    "cycle": "/cykle-warsztatow/wlosg-2017-plocki/",
}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("The portal exited before answering; see its log.")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"The portal did not answer {url}.")


def start_portal(workdir: Path) -> tuple[str, subprocess.Popen]:
    """A production-like portal on a throwaway database: its base URL and its process."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DATABASE_URL=f"sqlite:///{workdir / 'portal.sqlite3'}",
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(workdir / "static"),
        LOG_LEVEL="WARNING",
    )
    env.pop("REDIS_URL", None)
    for command in (
        ["migrate", "-v0"],
        ["loadrecords", "-v0"],
        ["collectstatic", "-v0", "--noinput"],
    ):
        subprocess.run([str(PYTHON), "manage.py", *command], env=env, cwd=ROOT, check=True)  # noqa: S603
    port = free_port()
    log = (workdir / "gunicorn.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - the venv's gunicorn, our arguments
        [
            str(GUNICORN),
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--chdir",
            str(ROOT),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
            "partnership.wsgi:application",
        ],
        env=dict(env, GUNICORN_ACCESS_LOG=""),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/ping", process)
    return base, process


def lighthouse(url: str, chrome: str, out: Path) -> dict:
    """One Lighthouse run (mobile, its defaults); the report as a dict."""
    env = dict(os.environ, CHROME_PATH=chrome)
    subprocess.run(  # noqa: S603 - the pinned Lighthouse, our arguments
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ],
        env=env,
        check=True,
        timeout=300,
    )
    return json.loads(out.read_text(encoding="utf-8"))


def summary(report: dict) -> dict:
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    metrics = {short: report["audits"][audit]["displayValue"] for audit, short in METRICS.items()}
    return {"scores": scores, "metrics": metrics}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", help="a running portal's base URL (default: start one)")
    parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    parser.add_argument("--target", type=int, default=95, help="the lowest Performance score")
    parser.add_argument("--runs", type=int, default=5, help="runs per page (the median is kept)")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is missing: run `npm ci --ignore-scripts` (make lighthouse does).")
    if not Path(args.chrome).exists():
        sys.exit(f"No Chromium at {args.chrome}: apt-get install chromium, or --chrome.")
    RESULTS.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="lighthouse-"))
    process = None
    try:
        base = args.base.rstrip("/") if args.base else None
        if base is None:
            base, process = start_portal(workdir)
        results = {}
        for name, path in PAGES.items():
            urllib.request.urlopen(base + path, timeout=30).read()  # noqa: S310 - warm-up
            runs = sorted(
                (
                    summary(lighthouse(base + path, args.chrome, RESULTS / f"{name}-{run}.json"))
                    for run in range(args.runs)
                ),
                key=lambda result: result["scores"]["performance"],
            )
            results[name] = runs[len(runs) // 2]
            results[name]["performance_runs"] = [run["scores"]["performance"] for run in runs]
            scores, metrics = results[name]["scores"], results[name]["metrics"]
            print(
                f"{name:10} {path:42} "
                + " ".join(f"{category} {score}" for category, score in scores.items())
                + " | "
                + " ".join(f"{short} {value}" for short, value in metrics.items())
                + f" | performance in each run: {results[name]['performance_runs']}",
                flush=True,
            )
        (RESULTS / "summary.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
        low = [
            name
            for name, result in results.items()
            if result["scores"]["performance"] < args.target
        ]
        if low:
            print(f"Performance under {args.target}: {', '.join(low)}")
            return 1
        return 0
    finally:
        if process is not None:
            os.killpg(process.pid, 15)
            process.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
