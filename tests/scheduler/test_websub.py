"""WebSub pings against a real local hub endpoint: one ping per changed feed and change, only
the feeds whose content changed, retries with backoff until the hub is back, one claim per
change, and a dead hub that never fails a crawl and shows in `coopwatch sources` and /metrics."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from receivers import Hub, free_port

from core.article import Article, Level, Relevance
from core.config import Config, load_config
from replica.server import serve_replica
from scheduler.websub import _due, publish_changes
from storage import migrate
from storage.batch import upsert_article
from storage.db import engine_for, session_scope
from storage.models import WebSubTopic
from storage.seed import import_seeds
from storage.state import current
from web.app import create_app

PUBLIC = "https://feeds.example.org"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
COOPWATCH = str(Path(sys.executable).parent / "coopwatch")


def topics(*names: str) -> list[str]:
    return sorted(f"{PUBLIC}/feeds/{name}.{fmt}" for name in names for fmt in ("atom", "rss"))


ALL_TOPICS = topics("all", "osce", "interpol")


def cfg_for(url: str, hub_url: str) -> Config:
    return load_config({"COOPWATCH_DATABASE_URL": url, "COOPWATCH_CONFIG": "",
                        "COOPWATCH_WEBSUB_HUB": hub_url, "COOPWATCH_PUBLIC_URL": PUBLIC})


@pytest.fixture
def seeded(migrated_url: str) -> str:
    with session_scope(migrated_url) as session:
        import_seeds(session)
    return migrated_url


def store(url: str, n: int, level: Level) -> None:
    with session_scope(url) as session:
        upsert_article(session, Article(
            source="osce", url=f"https://www.osce.org/secretariat/{700000 + n}",
            title=f"Item {n} at level {level.value}", body=f"Body {n} " + "words " * n,
            published_at=datetime(2026, 3, 1, tzinfo=UTC), relevance=Relevance(level=level)))


def version(url: str) -> int:
    with session_scope(url) as session:
        return current(session)[0]


def test_each_changed_feed_is_pinged_once_per_change(seeded: str, hub: Hub) -> None:
    cfg = cfg_for(seeded, hub.url)
    report = publish_changes(cfg, now=T0)
    assert report is not None and sorted(report.pinged) == ALL_TOPICS and not report.failed
    assert sorted(hub.topics()) == ALL_TOPICS  # the first pass announces every feed
    assert all(form["hub.mode"] == ["publish"] for form in hub.published)

    again = publish_changes(cfg, now=T0 + timedelta(minutes=1))
    assert again is not None and again.pinged == [] and len(hub.published) == 6

    before = version(seeded)
    store(seeded, 1, Level.NONE)  # archived, but in no feed (COOPWATCH_FEED_LEVELS)
    assert version(seeded) > before
    publish_changes(cfg, now=T0 + timedelta(minutes=2))
    assert len(hub.published) == 6

    store(seeded, 2, Level.PRIMARY)  # an OSCE item: its feed and the combined one changed
    publish_changes(cfg, now=T0 + timedelta(minutes=3))
    assert sorted(hub.topics()[6:]) == topics("all", "osce")
    publish_changes(cfg, now=T0 + timedelta(minutes=4))
    assert len(hub.published) == 10


def test_a_failing_hub_is_retried_with_backoff_until_it_accepts(sqlite_url: str,
                                                                hub: Hub) -> None:
    with session_scope(sqlite_url) as session:
        import_seeds(session)
    cfg = cfg_for(sqlite_url, hub.url)
    hub.status = 503
    report = publish_changes(cfg, now=T0)
    assert report is not None and sorted(report.failed) == ALL_TOPICS
    assert set(report.failed.values()) == {"the hub answered 503 Service Unavailable"}
    assert hub.refused == 6
    publish_changes(cfg, now=T0 + timedelta(seconds=29))  # first retry after 30 s
    assert hub.refused == 6
    publish_changes(cfg, now=T0 + timedelta(seconds=30))
    assert hub.refused == 12
    publish_changes(cfg, now=T0 + timedelta(seconds=89))  # then 60 s
    assert hub.refused == 12
    with session_scope(sqlite_url) as session:
        rows = list(session.query(WebSubTopic))
        assert {(r.attempts, r.next_try_at) for r in rows} == {(2, T0 + timedelta(seconds=90))}

    hub.status = 202
    report = publish_changes(cfg, now=T0 + timedelta(seconds=90))
    assert report is not None and sorted(report.pinged) == ALL_TOPICS
    assert sorted(hub.topics()) == ALL_TOPICS
    publish_changes(cfg, now=T0 + timedelta(hours=2))
    assert len(hub.published) == 6 and hub.refused == 12
    with session_scope(sqlite_url) as session:
        assert {(r.attempts, r.last_error, r.pending_digest) for r in
                session.query(WebSubTopic)} == {(0, None, None)}


def test_a_change_is_claimed_by_one_pass(sqlite_url: str, hub: Hub) -> None:
    """The daemon's pass and a CLI crawl's: whoever claims a due change pings it, alone."""
    cfg = cfg_for(sqlite_url, hub.url)
    hub.status = 500
    publish_changes(cfg, now=T0)  # every topic now has a change waiting, due at T0 + 30 s
    due = T0 + timedelta(seconds=30)
    first = _due(cfg, due)
    assert sorted(t for t, _, _ in first) == ALL_TOPICS
    assert _due(cfg, due) == []
    hub.status = 204
    report = publish_changes(cfg, now=due)
    assert report is not None and report.pinged == [] and hub.topics() == []


def test_a_dead_hub_is_reported_and_shown(sqlite_url: str) -> None:
    dead = f"http://127.0.0.1:{free_port()}/hub"  # nothing listens there
    cfg = cfg_for(sqlite_url, dead)
    report = publish_changes(cfg, now=T0)
    assert report is not None and sorted(report.failed) == ALL_TOPICS
    assert all(e.startswith("no answer from the hub:") for e in report.failed.values())
    with TestClient(create_app(cfg)) as client:
        metrics = client.get("/metrics").text
    assert "coopwatch_websub_waiting_changes 6.0" in metrics
    assert "coopwatch_websub_failed_pings 6.0" in metrics


@pytest.mark.slow
def test_cli_crawls_ping_once_and_a_dead_hub_fails_no_crawl(tmp_path: Path, hub: Hub) -> None:
    url = f"sqlite:///{tmp_path / 'coopwatch.db'}"
    migrate.upgrade(url)
    env = {**os.environ, "COOPWATCH_DATA_DIR": str(tmp_path), "COOPWATCH_DATABASE_URL": url,
           "COOPWATCH_CONFIG": "", "COOPWATCH_PUBLIC_URL": PUBLIC,
           "COOPWATCH_WEBSUB_HUB": hub.url, "COOPWATCH_DOWNLOAD_DELAY_S": "0",
           "COOPWATCH_MAX_PAGES": "1"}

    def crawl(base_url: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([COOPWATCH, "crawl", "osce", "--base-url", base_url, "--quiet"],
                              env=env | extra, capture_output=True, text=True, timeout=120)

    try:
        with serve_replica() as replica:
            first = crawl(replica.base_url)
            assert first.returncode == 0, first.stderr
            assert sorted(hub.topics()) == ALL_TOPICS
            second = crawl(replica.base_url)  # nothing new on the site
            assert second.returncode == 0, second.stderr
            assert len(hub.published) == 6

            replica.publish("osce", title="OSCE and INTERPOL sign a joint action plan",
                            body="The OSCE and INTERPOL today signed a joint action plan to "
                                 "strengthen their co-operation against trafficking.",
                            place="VIENNA")
            dead = f"http://127.0.0.1:{free_port()}/hub"
            third = crawl(replica.base_url, COOPWATCH_WEBSUB_HUB=dead)
            assert third.returncode == 0, third.stderr  # stored, whatever the hub
            assert "WebSub: ping of" in third.stderr and "no answer from the hub" in third.stderr
            shown = subprocess.run([COOPWATCH, "sources"], env=env | {
                "COOPWATCH_WEBSUB_HUB": dead, "COLUMNS": "200"},
                capture_output=True, text=True, timeout=60)
            assert shown.returncode == 0, shown.stderr
            assert f"WebSub hub {dead}: 6 feed(s), 4 change(s) waiting" in shown.stdout
            assert "no answer from the hub" in shown.stdout
    finally:
        engine_for(url).dispose()


@pytest.mark.slow
def test_the_monitor_pings_after_its_checks(tmp_path: Path, hub: Hub) -> None:
    url = f"sqlite:///{tmp_path / 'coopwatch.db'}"
    migrate.upgrade(url)
    log = tmp_path / "monitor.log"
    with serve_replica() as replica, log.open("wb") as out:
        env = {**os.environ, "COOPWATCH_DATA_DIR": str(tmp_path), "COOPWATCH_DATABASE_URL": url,
               "COOPWATCH_CONFIG": "", "COOPWATCH_PUBLIC_URL": PUBLIC,
               "COOPWATCH_WEBSUB_HUB": hub.url, "COOPWATCH_PORT": str(free_port()),
               "COOPWATCH_CHECK_SOURCES": "osce", "COOPWATCH_CHECK_EVERY_MIN": "0.02",
               "COOPWATCH_JITTER_S": "0", "COOPWATCH_BASE_URL": replica.base_url,
               "COOPWATCH_DOWNLOAD_DELAY_S": "0", "COOPWATCH_MAX_PAGES": "1"}
        monitor = subprocess.Popen([COOPWATCH, "run"], env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: len(hub.published) >= 6, "the first pings", log)
            replica.publish("osce", title="OSCE and INTERPOL hold a joint workshop",
                            body="The OSCE and INTERPOL organized a joint workshop on "
                                 "cybercrime investigations for prosecutors.", place="SKOPJE")
            wait_for(lambda: len(hub.published) >= 10, "the pings of the new item", log)
            assert sorted(hub.topics()[:6]) == ALL_TOPICS
            assert sorted(hub.topics()[6:]) == topics("all", "osce")
        finally:
            monitor.terminate()
            monitor.wait(timeout=60)
            engine_for(url).dispose()
    assert len(hub.published) == 10  # the checks in between changed nothing


def wait_for(done: Callable[[], bool], what: str, log: Path, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
