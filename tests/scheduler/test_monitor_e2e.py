"""`coopwatch run` as a real process against the replica, with a real SMTP server and a real
webhook receiver: silent priming, one alert per new item, retry until a channel is back,
exactly once across a `kill -9`, one health alarm and one "resolved", a clean SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from receivers import Mailbox, Webhook, free_port, text_of
from sqlalchemy import func, select

from replica.server import ReplicaHandle, serve_replica
from storage import migrate
from storage.db import engine_for, session_scope
from storage.models import AlertOutbox, CrawlRun, Item, Source

pytestmark = pytest.mark.slow
COOPWATCH = str(Path(sys.executable).parent / "coopwatch")
JOINT_PLAN = ("OSCE and INTERPOL sign joint action plan against human trafficking",
              "The OSCE and INTERPOL today signed a joint action plan to strengthen their "
              "co-operation against trafficking in human beings. The plan covers joint training "
              "and information exchange.")
WORKSHOP = ("OSCE and INTERPOL hold joint cybercrime workshop for prosecutors",
            "The OSCE and INTERPOL organized a joint workshop on cybercrime investigations and "
            "digital evidence for prosecutors from South-Eastern Europe.")


def wait_until(what: str, check: Callable[[], Any], timeout_s: float = 60) -> Any:
    deadline = time.monotonic() + timeout_s
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting until {what}")
        time.sleep(0.05)
    return result


@dataclass
class Monitor:
    """The daemon as a real process, with its archive and its log."""

    env: dict[str, str]
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def db_url(self) -> str:
        return self.env["COOPWATCH_DATABASE_URL"]

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen([COOPWATCH, "run"], env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT)

    def stop(self, timeout_s: float = 60) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout_s)

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(timeout=10)

    def finished_runs(self) -> int:
        with session_scope(self.db_url) as s:
            return s.scalar(select(func.count(CrawlRun.id)).where(
                CrawlRun.finished_at.is_not(None))) or 0

    def wait_runs(self, count: int, timeout_s: float = 60) -> None:
        """Wait until `count` more runs have finished."""
        target = self.finished_runs() + count
        wait_until(f"{count} more run(s) finished", lambda: self.finished_runs() >= target,
                   timeout_s)

    def wait_primed(self) -> None:
        def primed() -> bool:
            with session_scope(self.db_url) as s:
                return s.get_one(Source, "osce").primed_at is not None
        wait_until("osce is primed", primed, 90)

    def outbox(self, item_url: str | None = None) -> list[AlertOutbox]:
        with session_scope(self.db_url) as s:
            stmt = select(AlertOutbox).order_by(AlertOutbox.id)
            if item_url:
                stmt = stmt.join(Item).where(Item.url == item_url)
            return list(s.scalars(stmt))


@pytest.fixture
def replica() -> Iterator[ReplicaHandle]:
    with serve_replica() as handle:
        yield handle


def fast_env(tmp_path: Path, url: str, replica: ReplicaHandle, **extra: str) -> dict[str, str]:
    """A monitor on the replica that checks every 1.2 s (a check starts as soon as the previous
    one ended), reads one listing page, retries alerts after 1 s and stops within 2 s."""
    return {**os.environ, "COOPWATCH_DATA_DIR": str(tmp_path / "data"),
            "COOPWATCH_DATABASE_URL": url, "COOPWATCH_CONFIG": "",
            "COOPWATCH_PORT": str(free_port()),
            "COOPWATCH_CHECK_EVERY_MIN": "0.02", "COOPWATCH_JITTER_S": "0",
            "COOPWATCH_BASE_URL": replica.base_url, "COOPWATCH_DOWNLOAD_DELAY_S": "0",
            "COOPWATCH_MAX_PAGES": "1", "COOPWATCH_ALERT_RETRY_S": "1",
            "COOPWATCH_SHUTDOWN_GRACE_S": "2", "COOPWATCH_CRAWL_TIMEOUT_S": "60"} | extra


@contextmanager
def monitor_of(env: dict[str, str], log: Path) -> Iterator[Monitor]:
    """A Monitor on a migrated archive; killed if the test left it running, its log's tail
    printed (shown on failure)."""
    url = env["COOPWATCH_DATABASE_URL"]
    migrate.upgrade(url)
    mon = Monitor(env=env, log=log)
    try:
        yield mon
    finally:
        if mon.proc is not None and mon.proc.poll() is None:
            mon.proc.kill()
            mon.proc.wait(timeout=10)
        engine_for(url).dispose()
        sys.stderr.write(mon.log.read_text(errors="replace")[-4000:])


@pytest.fixture
def monitor(tmp_path: Path, replica: ReplicaHandle, mailbox: Mailbox,
            webhook: Webhook) -> Iterator[Monitor]:
    env = fast_env(tmp_path, f"sqlite:///{tmp_path / 'data' / 'coopwatch.db'}", replica,
                   COOPWATCH_CHECK_SOURCES="osce",
                   COOPWATCH_ALERT_URLS=f"{mailbox.url} {webhook.url}",
                   COOPWATCH_HEALTH_URLS=webhook.url.replace("/hook", "/health"),
                   COOPWATCH_ERROR_STREAK="2")
    with monitor_of(env, tmp_path / "monitor.log") as mon:
        yield mon


def news(webhook: Webhook) -> list[dict[str, Any]]:
    return [c for c in webhook.calls if c["path"] == "/hook"]


def health(webhook: Webhook) -> list[str]:
    return [c["title"] for c in webhook.calls if c["path"] == "/health"]


def test_new_item_alerts_once_and_a_down_channel_gets_it_when_back(
        monitor: Monitor, replica: ReplicaHandle, mailbox: Mailbox, webhook: Webhook) -> None:
    monitor.start()
    monitor.wait_primed()
    assert monitor.outbox() == [], "the backfill must not alert"
    assert "priming silently" in monitor.log.read_text()

    link = replica.publish("osce", title=JOINT_PLAN[0], body=JOINT_PLAN[1], place="VIENNA")
    [mail] = mailbox.wait_for(1)
    [call] = webhook.wait_for(1)
    assert JOINT_PLAN[0] in mail["Subject"] and link in text_of(mail)
    assert JOINT_PLAN[0] in call["title"] and link in call["message"]
    monitor.wait_runs(1)  # a later run sees the item unchanged: no second alert
    assert len(mailbox.messages) == 1 and len(webhook.calls) == 1

    webhook.status, mailbox.refuse = 503, True
    link2 = replica.publish("osce", title=WORKSHOP[0], body=WORKSHOP[1], place="SKOPJE")
    wait_until("the webhook was tried twice", lambda: webhook.refused >= 2)
    assert {r.status for r in monitor.outbox(link2)} == {"pending"}
    assert all(r.attempts >= 1 and r.last_error for r in monitor.outbox(link2))
    webhook.status, mailbox.refuse = 200, False
    wait_until("both channels got it", lambda: len(news(webhook)) == 2 and
               len(mailbox.messages) == 2, 30)
    monitor.wait_runs(1)
    assert len(news(webhook)) == 2 and len(mailbox.messages) == 2
    assert WORKSHOP[0] in news(webhook)[1]["title"] and link2 in text_of(mailbox.messages[1])
    assert {r.status for r in monitor.outbox()} == {"sent"}
    assert monitor.stop() == 0


def test_a_source_with_alerts_off_stores_and_publishes_but_only_health_alarms_go_out(
        monitor: Monitor, replica: ReplicaHandle, mailbox: Mailbox, webhook: Webhook,
        tmp_path: Path) -> None:
    config = tmp_path / "coopwatch.toml"
    config.write_text("[sources.osce]\nalerts = false\n")  # what a configured source defaults to
    monitor.env["COOPWATCH_CONFIG"] = str(config)
    monitor.start()
    monitor.wait_primed()
    link = replica.publish("osce", title=JOINT_PLAN[0], body=JOINT_PLAN[1], place="VIENNA")

    def stored() -> bool:
        with session_scope(monitor.db_url) as s:
            return s.scalar(select(Item.id).where(Item.url == link)) is not None
    wait_until("the new item was stored", stored)
    monitor.wait_runs(1)
    feed = httpx.get(f"http://127.0.0.1:{monitor.env['COOPWATCH_PORT']}/feeds/osce.atom")
    assert feed.status_code == 200 and JOINT_PLAN[0] in feed.text  # published
    assert monitor.outbox() == [] and mailbox.messages == [] and news(webhook) == []
    run_logs = Path(monitor.env["COOPWATCH_DATA_DIR"], "logs", "runs").glob("*.log")
    assert any("News alerts are off for osce" in log.read_text() for log in run_logs)
    replica.set_fault("osce", "500")
    wait_until("the health alarm arrived", lambda: health(webhook), 60)
    assert health(webhook) == ["[coopwatch] OSCE health alarm: error_streak"]
    assert mailbox.messages == [] and news(webhook) == []
    assert monitor.stop() == 0


def test_kill_9_between_storing_and_delivering_delivers_once_after_restart(
        monitor: Monitor, replica: ReplicaHandle, mailbox: Mailbox, webhook: Webhook) -> None:
    # Delivery passes only after each crawl and every 60 s: the window after the child stores
    # the item and before the daemon delivers is the rest of the crawl.
    monitor.env["COOPWATCH_ALERT_RETRY_S"] = "60"
    monitor.start()
    monitor.wait_primed()
    link = replica.publish("osce", title=JOINT_PLAN[0], body=JOINT_PLAN[1], place="VIENNA")
    wait_until("the item and its alert rows are stored", lambda: monitor.outbox(link), 60)
    monitor.kill9()
    rows = monitor.outbox(link)
    assert [(r.status, r.attempts) for r in rows] == [("pending", 0)] * 2, "killed too late"
    assert mailbox.messages == [] and webhook.calls == []

    monitor.start()
    mailbox.wait_for(1)
    webhook.wait_for(1)
    monitor.wait_runs(1)
    assert len(mailbox.messages) == 1 and len(webhook.calls) == 1
    assert {r.status for r in monitor.outbox(link)} == {"sent"}
    assert monitor.stop() == 0


def test_a_source_turned_to_500s_raises_one_alarm_and_one_resolved(
        monitor: Monitor, replica: ReplicaHandle, webhook: Webhook) -> None:
    monitor.start()
    monitor.wait_primed()
    replica.set_fault("osce", "500")
    wait_until("the health alarm arrived", lambda: health(webhook), 60)
    monitor.wait_runs(1)  # still failing: the same episode, no second alarm
    assert health(webhook) == ["[coopwatch] OSCE health alarm: error_streak"]
    replica.set_fault("osce", None)
    wait_until("the recovery arrived", lambda: len(health(webhook)) == 2, 60)
    monitor.wait_runs(1)
    assert health(webhook) == ["[coopwatch] OSCE health alarm: error_streak",
                               "[coopwatch] OSCE recovered: error_streak"]
    assert news(webhook) == []  # health never goes to the news channel
    assert monitor.stop() == 0


def test_sigterm_abandons_a_hanging_crawl_and_the_cli_says_one_is_running(
        monitor: Monitor, replica: ReplicaHandle) -> None:
    monitor.start()
    monitor.wait_primed()
    replica.set_fault("osce", "slow", seconds=60)

    def crawl_running() -> bool:
        with session_scope(monitor.db_url) as s:
            return bool(s.scalar(select(CrawlRun.id).where(CrawlRun.finished_at.is_(None))))
    wait_until("a crawl hangs on the slow site", crawl_running, 30)
    # the loop stays responsive while a check runs: the feed server answers at once
    feeds = httpx.get(f"http://127.0.0.1:{monitor.env['COOPWATCH_PORT']}/healthz", timeout=5)
    assert feeds.status_code == 200
    cli = subprocess.run([COOPWATCH, "crawl", "osce", "--base-url", replica.base_url, "--quiet"],
                         env=monitor.env, capture_output=True, text=True, timeout=60)
    assert cli.returncode == 3 and "already running" in cli.stdout + cli.stderr

    assert monitor.stop() == 0  # within stop()'s deadline: the grace is 2 s, then the kill
    with session_scope(monitor.db_url) as s:
        last = s.scalars(select(CrawlRun).where(CrawlRun.trigger == "schedule")
                         .order_by(CrawlRun.id.desc())).first()
        assert last is not None and last.status == "abandoned"
        assert last.reason and "did not finish within 2 s" in last.reason
        assert s.scalar(select(func.count(CrawlRun.id)).where(
            CrawlRun.finished_at.is_(None))) == 0
    assert "Monitor stopped" in monitor.log.read_text()
