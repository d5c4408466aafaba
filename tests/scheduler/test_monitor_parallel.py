"""`coopwatch run` as a real process with several sources due at once: the crawl runs it
records (started_at .. finished_at) never overlap beyond COOPWATCH_MAX_PARALLEL_CRAWLS, and
never two of one host — the two built-in sources on one replica are one host."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from receivers import free_port
from sqlalchemy import select
from test_monitor_e2e import Monitor, wait_until

from replica.server import ReplicaHandle, serve_replica
from storage import migrate
from storage.db import engine_for, session_scope
from storage.models import CrawlRun

pytestmark = pytest.mark.slow


@pytest.fixture
def replica() -> Iterator[ReplicaHandle]:
    with serve_replica() as handle:
        yield handle


def overlapping(runs: list[CrawlRun]) -> list[tuple[int, int]]:
    """Pairs of runs whose [started_at, finished_at] overlap."""
    return [(a.id, b.id) for a in runs for b in runs if a.id < b.id and
            a.started_at < b.finished_at and b.started_at < a.finished_at]  # type: ignore[operator]


def test_two_sources_of_one_host_never_crawl_together(tmp_path: Path,
                                                      replica: ReplicaHandle) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'coopwatch.db'}"
    env = {**os.environ, "COOPWATCH_DATA_DIR": str(tmp_path / "data"),
           "COOPWATCH_DATABASE_URL": url, "COOPWATCH_CONFIG": "",
           "COOPWATCH_PORT": str(free_port()), "COOPWATCH_CHECK_SOURCES": "all",
           # both due every 1.2 s: each check is due again before the other's crawl ends
           "COOPWATCH_CHECK_EVERY_MIN": "0.02", "COOPWATCH_JITTER_S": "0",
           "COOPWATCH_MAX_PARALLEL_CRAWLS": "2",  # the limit would allow both at once
           "COOPWATCH_BASE_URL": replica.base_url, "COOPWATCH_DOWNLOAD_DELAY_S": "0",
           "COOPWATCH_MAX_PAGES": "1", "COOPWATCH_SHUTDOWN_GRACE_S": "30",
           "COOPWATCH_CRAWL_TIMEOUT_S": "120"}
    migrate.upgrade(url)
    monitor = Monitor(env=env, log=tmp_path / "monitor.log")

    def finished() -> list[CrawlRun]:
        with session_scope(url) as s:
            runs = list(s.scalars(select(CrawlRun).where(CrawlRun.finished_at.is_not(None))))
            s.expunge_all()
            return runs

    try:
        monitor.start()
        wait_until("three runs of each source", lambda: all(
            sum(r.source == name for r in finished()) >= 3 for name in ("osce", "interpol")),
            180)
        assert monitor.stop() == 0
    finally:
        if monitor.proc is not None and monitor.proc.poll() is None:
            monitor.proc.kill()
            monitor.proc.wait(timeout=10)
        engine_for(url).dispose()
    runs = finished()
    log = monitor.log.read_text(errors="replace")
    assert overlapping(runs) == [], log[-3000:]
    # waiting is neither an error nor a run: every run is a crawl that ran
    assert {r.status for r in runs} <= {"ok", "errors", "abandoned"}, log[-3000:]
    assert "waits for a crawl slot: its host is being crawled for" in log
