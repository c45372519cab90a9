"""``benchmarks/web_benchmark.py`` checks a target for every uncached public page."""

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "web_benchmark.py"


@pytest.fixture(scope="module")
def web_benchmark():
    spec = importlib.util.spec_from_file_location("web_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["web_benchmark"] = module  # its dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules["web_benchmark"]


def uncached_target(web_benchmark, page: str, ratio: float):
    target = web_benchmark.Target(
        f"{page} (uncached)",
        "/",
        "uncached",
        "uncached_public",
        share=web_benchmark.UNCACHED_TARGETS[page],
    )
    target.result = {"rps": 10.0, "errors": 0, "requests": 100, "ratio_to_ping": ratio}
    return target


def share_check(web_benchmark, target) -> dict:
    checks = web_benchmark.check_targets([target], {})
    return next(check for check in checks if "of /ping" in check["check"])


@pytest.mark.parametrize(
    ("page", "share"), [("catalogue", 0.05), ("home", 0.05), ("county", 0.05), ("project", 0.08)]
)
def test_each_uncached_page_has_its_share_of_ping(web_benchmark, page, share):
    assert web_benchmark.UNCACHED_TARGETS[page] == share
    missed = share_check(web_benchmark, uncached_target(web_benchmark, page, share - 0.001))
    met = share_check(web_benchmark, uncached_target(web_benchmark, page, share))
    assert missed["ok"] is False
    assert f"≥ {share:.0%} of /ping" in missed["check"]
    assert met["ok"] is True


def test_the_run_measures_the_four_uncached_pages_with_their_targets(web_benchmark):
    source = SCRIPT.read_text()
    for page in ("catalogue", "home", "project", "county"):
        assert f'share=UNCACHED_TARGETS["{page}"]' in source


def test_the_database_cpu_counts_new_backends_and_never_goes_negative(web_benchmark, monkeypatch):
    """A backend that ends during a measurement counts nothing (it made the cold report's
    PostgreSQL CPU negative); one that starts counts whole; the others their increase."""
    ticks = {101: 50, 102: 70}
    monkeypatch.setattr(web_benchmark, "postgres_backends", lambda database: list(ticks))
    monkeypatch.setattr(web_benchmark, "process_ticks", lambda pid: ticks[pid])
    before = web_benchmark.backend_ticks("partnership_bench")
    assert before == {101: 50, 102: 70}
    del ticks[102]  # ended
    ticks[101] = 65
    ticks[103] = 8  # started
    assert web_benchmark.backend_ticks_since("partnership_bench", before) == 15 + 8
