"""The daemon's scheduling: stable job ids, add-missing/remove-stale that keeps stored run
times, one catch-up run after downtime — and crawls that did not end on their own."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED

from core.article import Article
from core.config import Config, ConfigError, load_config
from scheduler.daemon import make_scheduler, sync_jobs, wanted_jobs
from scheduler.jobs import abandon_crawl, check_source, recover_runs
from storage.batch import upsert_article
from storage.db import session_scope, utcnow
from storage.models import CrawlLock, CrawlRun, Source


def cfg_for(tmp_path: Path, **env: str) -> Config:
    return load_config({"COOPWATCH_DATA_DIR": str(tmp_path)} | env)


def test_job_ids_hash_their_config(tmp_path: Path) -> None:
    a = wanted_jobs(cfg_for(tmp_path))
    assert [k.rsplit("-", 1)[0] for k in a] == ["check-osce", "check-interpol"]
    assert a.keys() == wanted_jobs(cfg_for(tmp_path)).keys()
    b = wanted_jobs(cfg_for(tmp_path, COOPWATCH_CHECK_EVERY_MIN="15"))
    assert a.keys().isdisjoint(b.keys())
    one = wanted_jobs(cfg_for(tmp_path, COOPWATCH_CHECK_SOURCES="osce", COOPWATCH_JITTER_S="0"))
    [(trigger)] = [spec["trigger"] for spec in one.values()]
    assert trigger.interval == timedelta(minutes=30) and trigger.jitter is None  # type: ignore


def test_per_source_interval_from_a_toml_table(tmp_path: Path) -> None:
    toml = tmp_path / "coopwatch.toml"
    toml.write_text("check_every_min = 0.05\n[sources.interpol]\ncheck_every_min = 120\n")
    specs = wanted_jobs(cfg_for(tmp_path, COOPWATCH_CONFIG=str(toml)))
    intervals = {spec["args"][0]: spec["trigger"].interval for spec in specs.values()}  # type: ignore
    assert intervals == {"osce": timedelta(seconds=3), "interpol": timedelta(hours=2)}
    with pytest.raises(ConfigError):
        wanted_jobs(cfg_for(tmp_path, COOPWATCH_CHECK_EVERY_MIN="0"))


def test_sync_keeps_stored_jobs_and_their_next_run(tmp_path: Path) -> None:
    async def scenario() -> None:
        cfg = cfg_for(tmp_path)
        first = make_scheduler(cfg)
        first.start(paused=True)
        added, removed = sync_jobs(first, cfg)
        assert len(added) == 2 and removed == []
        later = datetime.now(UTC) + timedelta(minutes=7)
        first.modify_job(added[0], jobstore="default", next_run_time=later)
        first.shutdown(wait=False)

        again = make_scheduler(cfg)  # a restart: the job store file is still there
        again.start(paused=True)
        assert sync_jobs(again, cfg) == ([], [])
        assert again.get_job(added[0], jobstore="default").next_run_time == later
        changed = cfg_for(tmp_path, COOPWATCH_CHECK_SOURCES="osce", COOPWATCH_CHECK_EVERY_MIN="10")
        added2, removed2 = sync_jobs(again, changed)
        assert len(added2) == 1 and sorted(removed2) == sorted(added)
        again.shutdown(wait=False)

    asyncio.run(scenario())
    assert (tmp_path / "jobs.sqlite").exists()


def test_downtime_gives_one_catch_up_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The job itself fails fast (no archive here): an error event proves it ran, not missed.
    monkeypatch.setenv("COOPWATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    cfg = cfg_for(tmp_path, COOPWATCH_CHECK_SOURCES="osce", COOPWATCH_CHECK_EVERY_MIN="60",
                  COOPWATCH_JITTER_S="0")
    events: list[int] = []

    async def scenario() -> None:
        sched = make_scheduler(cfg)
        sched.add_listener(lambda e: events.append(e.code),
                           EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
        sched.start(paused=True)
        [job_id] = sync_jobs(sched, cfg)[0]
        # down for three hours: three hourly runs were missed
        sched.modify_job(job_id, jobstore="default",
                         next_run_time=datetime.now(UTC) - timedelta(hours=3))
        sched.resume()
        # Wait for the first outcome however busy the machine is, then a little for any other.
        for _ in range(600):
            if events:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
        sched.shutdown(wait=False)

    asyncio.run(scenario())
    assert events == [EVENT_JOB_ERROR]  # ran once (coalesced), not dropped as a misfire


def _sleeper() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                            start_new_session=True)


def stored_article(url: str, source: str = "osce") -> Article:
    return Article(source=source, url=url, title="A stored item", body="Its text.",
                   published_at=datetime(2026, 11, 20, tzinfo=UTC))


def test_abandoned_crawl_is_killed_and_recorded_without_touching_the_source(
        sqlite_url: str) -> None:
    child = _sleeper()
    try:
        with session_scope(sqlite_url) as session:
            session.add(CrawlRun(source="osce", trigger="schedule", pid=child.pid,
                                 instance="mon-a"))
            session.add(CrawlLock(source="osce", holder=f"mon-a ({child.pid}@here)",
                                  instance="mon-a", pid=child.pid, host=socket.gethostname()))
        with session_scope(sqlite_url) as session:  # a batch the crawl committed before
            upsert_article(session, stored_article("https://www.osce.org/secretariat/500001"))
        assert abandon_crawl(sqlite_url, "interpol", "stop", "mon-a") is None  # nothing to do
        assert abandon_crawl(sqlite_url, "osce", "stop", "mon-b") is None  # not mon-b's crawl
        assert child.poll() is None
        run_id = abandon_crawl(sqlite_url, "osce", "the monitor stopped", "mon-a")
        assert child.wait(timeout=10) == -9
        with session_scope(sqlite_url) as session:
            run = session.get_one(CrawlRun, run_id)
            assert (run.status, run.reason) == ("abandoned", "the monitor stopped")
            assert run.new == 1  # what it had stored is counted, as for a killed CLI crawl
            src = session.get_one(Source, "osce")
            assert (src.error_streak, src.primed_at, src.last_success_at) == (0, None, None)
            assert session.get(CrawlLock, "osce") is None  # its lease is free at once
    finally:
        child.kill()


def test_runs_left_open_by_dead_holders_are_recovered_and_live_leases_left_alone(
        sqlite_url: str) -> None:
    now = utcnow()
    with session_scope(sqlite_url) as s:
        # osce: crawled on another host under a live lease (its pid means nothing here)
        s.add_all([CrawlRun(id=1, source="osce", pid=999_999, instance="other"),
                   # interpol: two dead runs, one under an expired lease, one with none
                   CrawlRun(id=2, source="interpol", pid=999_998, instance="gone"),
                   CrawlRun(id=3, source="interpol", pid=os.getpid(), instance="old")])
        s.add_all([CrawlLock(source="osce", holder="other (999999@elsewhere)", pid=999_999,
                             host="elsewhere", run_id=1, expires_at=now + timedelta(minutes=1)),
                   CrawlLock(source="interpol", holder="gone (999998@elsewhere)", pid=999_998,
                             host="elsewhere", run_id=2, expires_at=now - timedelta(seconds=1))])
    with session_scope(sqlite_url) as s:
        upsert_article(s, stored_article("https://www.interpol.int/News-and-Events/News/"
                                         "2024/Dead-run-item", source="interpol"))
    assert sorted(recover_runs(sqlite_url)) == [2, 3]
    with session_scope(sqlite_url) as s:
        statuses = {r.id: r.status for r in s.query(CrawlRun)}
        assert s.get_one(CrawlRun, 2).new + s.get_one(CrawlRun, 3).new >= 1
    assert statuses == {1: "running", 2: "abandoned", 3: "abandoned"}
    assert recover_runs(sqlite_url) == []


def test_a_new_holder_that_has_not_opened_its_run_keeps_the_old_runs_for_itself(
        sqlite_url: str) -> None:
    with session_scope(sqlite_url) as s:
        s.add(CrawlRun(id=1, source="osce", pid=999_999, instance="gone"))
        s.add(CrawlLock(source="osce", holder="new (1@elsewhere)", pid=1, host="elsewhere",
                        expires_at=utcnow() + timedelta(minutes=1)))  # run_id not set yet
    assert recover_runs(sqlite_url) == []  # the holder closes it (close_stale_runs)


def test_a_check_of_a_source_removed_from_the_file_is_skipped_in_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """The monitor's jobs come from the file as it was at start; a check reads it again, so a
    source removed or disabled since then is skipped with a reason, not a thread's traceback."""
    config = tmp_path / "coopwatch.toml"
    config.write_text("[sources.interpol]\nenabled = false\n")
    monkeypatch.setenv("COOPWATCH_CONFIG", str(config))
    monkeypatch.setenv("COOPWATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'never-made.db'}")
    for name, why in (("unodc", "no source 'unodc'"), ("interpol", "is disabled")):
        summary = check_source(name)
        assert summary["status"] == "not started" and why in summary["reason"]
        assert "restart the monitor" in summary["reason"]
    assert not (tmp_path / "never-made.db").exists()  # nothing was started
    assert caplog.text.count("Skipped ") == 2
