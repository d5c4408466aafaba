"""The monitor's schedule from a real archive: what the plan learns from, what the site's
headers add, how a check's plan moves its APScheduler job, and where the plan is shown."""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED, JobExecutionEvent
from scrapy import Request
from scrapy.http import Response
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler
from typer.testing import CliRunner

from coopwatch.cli import app
from core.config import Config, ConfigError, load_config
from crawler.middlewares import CacheHintMiddleware
from scheduler import schedule, spread
from scheduler.daemon import make_scheduler, reschedule_after_check, sync_jobs
from storage.db import session_scope
from storage.models import CrawlRun, Item, Source

NOW = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)  # a Tuesday


def cfg_for(tmp_path: Path, url: str, **env: str) -> Config:
    return load_config({"COOPWATCH_DATA_DIR": str(tmp_path), "COOPWATCH_DATABASE_URL": url,
                        "COOPWATCH_JITTER_S": "0"} | env)


def add_item(session: object, n: int, first_seen: datetime, published: datetime | None,
             origin: str = "crawl") -> None:
    session.add(Item(source="osce", url=f"https://www.osce.org/n/{n}",  # type: ignore[attr-defined]
                     canonical_url=f"https://osce.org/node/{n}", guid=f"urn:uuid:{n}",
                     title=f"item {n}", content_hash=f"{n:064x}", simhash=n,
                     first_seen_at=first_seen, published_at=published, origin=origin))


def test_first_seen_after_priming_is_placed_between_two_checks_backfill_uses_its_time(
        sqlite_url: str) -> None:
    primed = NOW - timedelta(days=20)
    with session_scope(sqlite_url) as s:
        s.get_one(Source, "osce").primed_at = primed
        for start in (NOW - timedelta(days=2, hours=2), NOW - timedelta(days=2)):
            s.add(CrawlRun(source="osce", started_at=start, finished_at=start, status="ok"))
        # found by the second check: appeared between the two
        add_item(s, 1, NOW - timedelta(days=2) + timedelta(seconds=5), None)
        # backfilled: its first-seen is the backfill; published with a time → that time
        add_item(s, 2, primed - timedelta(minutes=1), NOW - timedelta(days=30, hours=3))
        # backfilled with a date only (midnight): no hour to learn
        add_item(s, 3, primed - timedelta(minutes=1),
                 datetime(2025, 5, 1, tzinfo=UTC))
        add_item(s, 4, NOW - timedelta(days=1), NOW - timedelta(days=9, hours=5), origin="seed")
    with session_scope(sqlite_url) as s:
        seen = sorted(schedule.appearances(s, "osce", NOW))
    assert seen == [NOW - timedelta(days=30, hours=3), NOW - timedelta(days=9, hours=5),
                    NOW - timedelta(days=2, hours=1) + timedelta(seconds=2.5)]


def test_retry_after_and_max_age_of_the_last_crawl_hold_the_next_check(
        sqlite_url: str, tmp_path: Path) -> None:
    cfg = cfg_for(tmp_path, sqlite_url)
    with session_scope(sqlite_url) as s:
        s.add(CrawlRun(source="osce", started_at=NOW, finished_at=NOW, status="failed",
                       stats={"coopwatch/http/retry_after_s": 3600,
                              "coopwatch/http/max_age_s": 600}))
        s.add(CrawlRun(source="interpol", started_at=NOW, finished_at=NOW, status="ok",
                       stats={"coopwatch/http/max_age_s": 3000}))
    with session_scope(sqlite_url) as s:
        osce = schedule.plan(s, cfg, "osce", NOW)
        interpol = schedule.plan(s, cfg, "interpol", NOW)
    assert osce == schedule.planner.Plan(NOW + timedelta(hours=1),
                                         "Retry-After: the site asked to wait 3600 s")
    assert interpol == schedule.planner.Plan(NOW + timedelta(seconds=3000),
                                             "Cache-Control: max-age=3000 on its listing")


def on_grid(at: datetime, origin: datetime, every: timedelta, phase: float) -> bool:
    """Whether `at` is origin + (k + phase) × every for a whole k."""
    steps = (at - origin) / every - phase
    return abs(steps - round(steps)) < 1e-6


def test_fixed_interval_when_set_adaptive_otherwise(sqlite_url: str, tmp_path: Path) -> None:
    fixed = cfg_for(tmp_path, sqlite_url, COOPWATCH_CHECK_EVERY_MIN="15")
    adaptive = cfg_for(tmp_path, sqlite_url)
    phase = spread.phase_of("osce")
    with session_scope(sqlite_url) as s:
        every_15 = schedule.plan(s, fixed, "osce", NOW)
        every_30 = schedule.plan(s, adaptive, "osce", NOW)
    # Each on the source's own grid, moved at most half an interval from now + interval.
    assert every_15.why == "fixed: every 15 min"
    assert abs(every_15.at - (NOW + timedelta(minutes=15))) <= timedelta(minutes=7.5)
    assert on_grid(every_15.at, datetime(1970, 1, 1, tzinfo=UTC), timedelta(minutes=15), phase)
    assert every_30.why == "no history yet: every 30 min"
    assert abs(every_30.at - (NOW + timedelta(minutes=30))) <= timedelta(minutes=15)
    monday = datetime(2025, 6, 8, 22, 0, tzinfo=UTC)  # Monday 00:00 in Vienna
    assert on_grid(every_30.at, monday, timedelta(minutes=30), phase)
    with pytest.raises(ConfigError, match="daily budget"):
        schedule.budget(cfg_for(tmp_path, sqlite_url, COOPWATCH_DAILY_REQUESTS="0"), "osce")
    with pytest.raises(ConfigError, match="COOPWATCH_MAX_CHECK_EVERY_MIN must be a number"):
        schedule.budget(cfg_for(tmp_path, sqlite_url, COOPWATCH_MAX_CHECK_EVERY_MIN="often"),
                        "osce")


def test_a_checks_plan_moves_its_job_and_is_shown(sqlite_url: str, tmp_path: Path) -> None:
    cfg = cfg_for(tmp_path, sqlite_url, COOPWATCH_CHECK_SOURCES="osce")
    planned = datetime.now(UTC) + timedelta(minutes=47)

    async def scenario() -> None:
        sched = make_scheduler(cfg)
        sched.start(paused=True)
        [job_id] = sync_jobs(sched, cfg)[0]
        event = JobExecutionEvent(EVENT_JOB_EXECUTED, job_id, "default", datetime.now(UTC),
                                  retval={"status": "ok", "next_check": {
                                      "at": planned, "why": "busy hours: every 12 min"}})
        reschedule_after_check(sched, event, sqlite_url)
        assert sched.get_job(job_id, jobstore="default").next_run_time == planned
        sched.shutdown(wait=False)

    asyncio.run(scenario())
    with session_scope(sqlite_url) as s:
        src = s.get_one(Source, "osce")
        assert (src.next_check_at, src.next_check_why) == (planned, "busy hours: every 12 min")
    env = {"COOPWATCH_DATABASE_URL": sqlite_url, "COOPWATCH_DATA_DIR": str(tmp_path),
           "COOPWATCH_CONFIG": ""}
    out = CliRunner().invoke(app, ["sources", "--json"], env=env)
    [osce] = [r for r in json.loads(out.stdout) if r["source"] == "osce"]
    assert osce["next_check_why"] == "busy hours: every 12 min"
    assert osce["next_check"].startswith(planned.strftime("%Y-%m-%dT%H:%M"))


def test_max_age_of_the_discovery_page_is_recorded_not_robots_txt() -> None:
    crawler = get_crawler()
    stats = MemoryStatsCollector(crawler)
    hints = CacheHintMiddleware(stats)

    def answer(url: str, cache_control: str) -> None:
        hints.process_response(Request(url), Response(url, headers={
            "Cache-Control": cache_control}))

    answer("https://www.osce.org/robots.txt", "max-age=86400")
    answer("https://www.osce.org/press-releases", "public, max-age=900")
    answer("https://www.osce.org/node/1", "max-age=60")
    assert stats.get_value("coopwatch/http/max_age_s") == 900


def test_of_two_monitors_one_claims_each_interval_and_a_dead_ones_slot_falls_due(
        migrated_url: str, tmp_path: Path) -> None:
    every = {"COOPWATCH_CHECK_EVERY_MIN": "10"}
    a, b = (cfg_for(tmp_path, migrated_url, COOPWATCH_INSTANCE=name, **every)
            for name in ("mon-a", "mon-b"))
    claims: list[str | None] = []

    def claim(cfg: Config) -> None:
        with session_scope(migrated_url) as session:
            claims.append(schedule.claim(session, cfg, "osce"))

    threads = [threading.Thread(target=claim, args=(cfg,)) for cfg in (a, b, a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert claims.count(None) == 1, claims  # one check for the interval, across monitors
    skips = [c for c in claims if c is not None]
    assert all(c.startswith("another monitor has this interval's check") and
               "checking now (mon-" in c for c in skips), skips
    with session_scope(migrated_url) as session:
        src = session.get_one(Source, "osce")
        assert timedelta(minutes=9) < src.next_check_at - datetime.now(UTC) <= timedelta(
            minutes=10)
        # the claimer died: nobody recorded its plan, the slot it moved on falls due
        src.next_check_at = datetime.now(UTC) - timedelta(seconds=1)
    claims.clear()
    claim(b)
    assert claims == [None]
