"""`coopwatch run` as a real process with several sources due at once: the crawl runs it
records (started_at .. finished_at) never overlap beyond COOPWATCH_MAX_PARALLEL_CRAWLS, and
never two of one host — the two built-ins on one replica; a dozen configured sources on four
replicas (four hosts)."""

from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path

import pytest
from receivers import free_port
from sqlalchemy import select
from test_monitor_e2e import Monitor, wait_until

from replica.server import serve_replica
from storage import migrate
from storage.db import engine_for, session_scope
from storage.models import CrawlRun

pytestmark = pytest.mark.slow


def monitor_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """A monitor whose sources are due every 1.2 s (each is due again before a crawl of
    another ends), two crawls at a time; its archive migrated."""
    url = f"sqlite:///{tmp_path / 'data' / 'coopwatch.db'}"
    migrate.upgrade(url)
    return {**os.environ, "COOPWATCH_DATA_DIR": str(tmp_path / "data"),
            "COOPWATCH_DATABASE_URL": url, "COOPWATCH_CONFIG": "",
            "COOPWATCH_PORT": str(free_port()), "COOPWATCH_CHECK_SOURCES": "all",
            "COOPWATCH_CHECK_EVERY_MIN": "0.02", "COOPWATCH_JITTER_S": "0",
            "COOPWATCH_MAX_PARALLEL_CRAWLS": "2", "COOPWATCH_DOWNLOAD_DELAY_S": "0",
            "COOPWATCH_MAX_PAGES": "1", "COOPWATCH_SHUTDOWN_GRACE_S": "30",
            "COOPWATCH_CRAWL_TIMEOUT_S": "120"} | overrides


def finished_runs(url: str) -> list[CrawlRun]:
    with session_scope(url) as s:
        runs = list(s.scalars(select(CrawlRun).where(CrawlRun.finished_at.is_not(None))))
        s.expunge_all()
        return runs


def run_monitor(tmp_path: Path, env: dict[str, str], sources: list[str],
                runs_each: int) -> tuple[list[CrawlRun], str]:
    """Run the monitor until every source has `runs_each` finished runs, stop it with SIGTERM;
    its runs and its log."""
    url = env["COOPWATCH_DATABASE_URL"]
    monitor = Monitor(env=env, log=tmp_path / "monitor.log")

    def done() -> bool:
        runs = finished_runs(url)
        return all(sum(r.source == name for r in runs) >= runs_each for name in sources)

    try:
        monitor.start()
        wait_until(f"{runs_each} run(s) of each source", done, 60 + 30 * len(sources))
        assert monitor.stop() == 0
    finally:
        if monitor.proc is not None and monitor.proc.poll() is None:
            monitor.proc.kill()
            monitor.proc.wait(timeout=10)
        engine_for(url).dispose()
    return finished_runs(url), monitor.log.read_text(errors="replace")


def overlapping(runs: list[CrawlRun]) -> list[tuple[CrawlRun, CrawlRun]]:
    """Pairs of runs whose [started_at, finished_at] overlap."""
    return [(a, b) for a in runs for b in runs if a.id < b.id and
            a.started_at < b.finished_at and b.started_at < a.finished_at]  # type: ignore[operator]


def test_two_sources_of_one_host_never_crawl_together(tmp_path: Path) -> None:
    with serve_replica() as replica:  # both built-ins on it: one host
        env = monitor_env(tmp_path, COOPWATCH_BASE_URL=replica.base_url)
        runs, log = run_monitor(tmp_path, env, ["osce", "interpol"], runs_each=3)
    # the limit (2) would allow both at once; their host does not
    assert [(a.id, b.id) for a, b in overlapping(runs)] == [], log[-3000:]
    # waiting is neither an error nor a run: every run is a crawl that ran
    assert {r.status for r in runs} <= {"ok", "errors", "abandoned"}, log[-3000:]
    assert "waits for a crawl slot: its host is being crawled for" in log


def most_at_once(runs: list[CrawlRun]) -> int:
    """The most runs that were running at one instant."""
    events = sorted([(r.started_at, 1) for r in runs] + [(r.finished_at, -1) for r in runs],
                    key=lambda e: (e[0], e[1]))  # an end before a start at the same instant
    running = most = 0
    for _, step in events:
        running += step
        most = max(most, running)
    return most


HOSTS = 4  # replica servers, each a host of its own
PER_HOST = {  # three sources on each: the start URLs the replica serves
    "feed": ("/en/News-and-Events/News/rss", None),
    "news": ("/en/News-and-Events/News", r"/News-and-Events/News/\d{4}/"),
    "press": ("/press-releases?page=0", r"/[a-z][a-z0-9-]*/\d+$"),
}


def test_a_dozen_configured_sources_on_four_hosts_two_crawls_at_a_time(
        tmp_path: Path) -> None:
    with ExitStack() as stack:
        replicas = [stack.enter_context(serve_replica()) for _ in range(HOSTS)]
        tables, host_of = [], {}
        for n, replica in enumerate(replicas):
            for kind, (path, pattern) in PER_HOST.items():
                name = f"{kind}{n}"
                host_of[name] = replica.base_url
                tables.append(f'[sources.{name}]\ntitle = "{kind} on replica {n}"\n'
                              f'speaks_for = "other"\nstart_urls = ["{replica.url(path)}"]\n'
                              "interval_minutes = 0.02\n" +
                              (f"article_url_pattern = '{pattern}'\n" if pattern else ""))
        config = tmp_path / "coopwatch.toml"
        config.write_text("".join(tables), encoding="utf-8")
        env = monitor_env(tmp_path, COOPWATCH_CONFIG=str(config),
                          COOPWATCH_CHECK_SOURCES=" ".join(host_of))
        runs, log = run_monitor(tmp_path, env, list(host_of), runs_each=1)
    assert len({r.source for r in runs}) == 12
    assert most_at_once(runs) == 2  # the limit was reached, never passed
    assert [(a.source, b.source) for a, b in overlapping(runs)
            if host_of[a.source] == host_of[b.source]] == [], log[-3000:]
    assert {r.status for r in runs} <= {"ok", "errors", "abandoned"}, \
        [(r.source, r.status, r.reason) for r in runs]
