"""The dispatcher against a real SMTP server and a real webhook receiver: delivered once,
retried with backoff, dead after N tries, never sent twice by two dispatchers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from receivers import Mailbox, Webhook, text_of
from sqlalchemy import select

from core.article import Article, Level, Relevance
from core.config import Config, load_config
from scheduler.alerts import CLAIM_LEASE, _claim, backoff, deliver_pending, retry, send_test
from storage.batch import upsert_article
from storage.db import session_factory, session_scope
from storage.models import AlertOutbox
from storage.outbox import enqueue_news_alerts, policy_from_config

BODY = "The OSCE and INTERPOL signed a joint action plan on border security in {place}."
TOPICS = ("", "border security", "cybercrime", "trafficking", "firearms")


def config(*urls: str, **extra: str) -> Config:
    return load_config({"COOPWATCH_ALERT_URLS": " ".join(urls), "COOPWATCH_ALERT_RETRY_S": "60",
                        "COOPWATCH_ALERT_MAX_TRIES": "3"} | extra)


def store_item(url: str, cfg: Config, n: int = 1, source: str = "osce") -> int:
    """A new primary item and its alert rows, in one transaction as the crawler does it."""
    # different topics a month apart: separate stories, each with its own alert
    article = Article(source=source, url=f"https://www.{source}.org/node/{700 + n}",
                      title=f"Joint action plan number {n} signed on {TOPICS[n]}",
                      place=f"City{n}", body=BODY.format(place=f"City{n}") + TOPICS[n],
                      published_at=datetime(2025, n, 1, tzinfo=UTC),
                      relevance=Relevance(level=Level.PRIMARY, score=0.9))
    with session_scope(url) as session:
        result = upsert_article(session, article)
        enqueue_news_alerts(session, result, policy_from_config(cfg, source_primed=True))
        session.flush()
        return result.item.id


def statuses(url: str) -> list[tuple[str, int]]:
    with session_scope(url) as session:
        rows = session.scalars(select(AlertOutbox).order_by(AlertOutbox.id))
        return [(r.status, r.attempts) for r in rows]


def test_backoff_doubles_up_to_six_hours() -> None:
    assert [backoff(n, 60).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert backoff(30, 60) == timedelta(hours=6)


def test_one_mail_and_one_webhook_call_per_item(migrated_url: str, mailbox: Mailbox,
                                                webhook: Webhook) -> None:
    cfg = config(mailbox.url, webhook.url)
    store_item(migrated_url, cfg)
    report = deliver_pending(migrated_url, cfg)
    assert (report.sent, report.retrying, report.dead) == (2, 0, 0)
    assert deliver_pending(migrated_url, cfg).sent == 0  # nothing left to send
    [mail] = mailbox.messages
    assert "Joint action plan number 1 signed" in mail["Subject"]
    assert "https://www.osce.org/node/701" in text_of(mail)
    [call] = webhook.calls
    assert "Joint action plan number 1 signed" in call["title"]
    assert "https://www.osce.org/node/701" in call["message"]
    assert statuses(migrated_url) == [("sent", 1), ("sent", 1)]


def test_channel_down_is_retried_with_backoff_then_delivered_once(
        migrated_url: str, mailbox: Mailbox, webhook: Webhook) -> None:
    cfg = config(mailbox.url, webhook.url)
    store_item(migrated_url, cfg)
    webhook.status, mailbox.refuse = 503, True
    now = datetime.now(UTC)
    report = deliver_pending(migrated_url, cfg, now=now)
    assert (report.sent, report.retrying) == (0, 2)
    # The wait runs from the failure (a few ms after `now`, more on a busy machine).
    assert deliver_pending(migrated_url, cfg, now=now + timedelta(seconds=59)).retrying == 0
    assert deliver_pending(migrated_url, cfg, now=now + timedelta(seconds=70)).retrying == 2
    with session_scope(migrated_url) as session:
        row = session.scalars(select(AlertOutbox)).first()
        assert row is not None and row.attempts == 2 and row.last_error
        wait = row.next_attempt_at - (now + timedelta(seconds=70))
        assert timedelta(seconds=120) <= wait < timedelta(seconds=125)  # doubled
    webhook.status, mailbox.refuse = 200, False
    assert deliver_pending(migrated_url, cfg, now=now + timedelta(seconds=200)).sent == 2
    assert deliver_pending(migrated_url, cfg, now=now + timedelta(hours=7)).sent == 0
    assert len(webhook.calls) == 1 and webhook.refused == 2 and len(mailbox.messages) == 1


def test_dead_after_max_tries_until_retried(migrated_url: str, webhook: Webhook) -> None:
    cfg = config(webhook.url)
    store_item(migrated_url, cfg)
    webhook.status = 500
    now = datetime.now(UTC)
    for hours in range(3):
        deliver_pending(migrated_url, cfg, now=now + timedelta(hours=hours * 7))
    assert statuses(migrated_url) == [("dead", 3)]
    with session_scope(migrated_url) as session:
        assert retry(session) == 1
    webhook.status = 200
    assert deliver_pending(migrated_url, cfg).sent == 1
    assert statuses(migrated_url) == [("sent", 1)] and len(webhook.calls) == 1


def test_two_dispatchers_never_send_a_row_twice(migrated_url: str, webhook: Webhook) -> None:
    cfg = config(webhook.url)
    for n in range(1, 5):
        store_item(migrated_url, cfg, n)
    webhook.delay_s = 0.2  # both dispatchers see the same due rows
    threads = [threading.Thread(target=deliver_pending, args=(migrated_url, cfg))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    titles = sorted(c["title"] for c in webhook.calls)
    assert len(titles) == 4 == len(set(titles))
    assert statuses(migrated_url) == [("sent", 1)] * 4


def test_digest_sends_one_message_per_channel(migrated_url: str, mailbox: Mailbox,
                                              webhook: Webhook) -> None:
    cfg = config(mailbox.url, webhook.url, COOPWATCH_ALERT_DIGEST="true")
    for n in range(1, 4):
        store_item(migrated_url, cfg, n)
    assert deliver_pending(migrated_url, cfg).sent == 6
    [mail], [call] = mailbox.messages, webhook.calls
    assert mail["Subject"] == call["title"] == "[coopwatch] 3 new items"
    assert all(f"number {n} signed" in call["message"] for n in (1, 2, 3))


def test_a_channel_removed_from_the_config_is_dead_at_once(migrated_url: str,
                                                           webhook: Webhook) -> None:
    store_item(migrated_url, config(webhook.url))
    report = deliver_pending(migrated_url, config())
    assert report.dead == 1 and "not configured any more" in report.errors[0]


def test_send_test_reports_each_channel(mailbox: Mailbox) -> None:
    cfg = config(mailbox.url, COOPWATCH_HEALTH_URLS="json://127.0.0.1:1/nobody-listens")
    results = send_test(cfg)
    assert [(purpose, ok) for purpose, _, ok, _ in results] == [("news", True), ("health", False)]
    assert results[1][3] and "Connection" in results[1][3]
    assert "test message" in mailbox.messages[0]["Subject"]


def test_a_row_claimed_by_a_dispatcher_that_died_goes_out_once_after_its_claim(
        migrated_url: str, webhook: Webhook) -> None:
    cfg = config(webhook.url)
    store_item(migrated_url, cfg)
    with session_scope(migrated_url) as session:
        row = session.scalars(select(AlertOutbox)).one()
    now = datetime.now(UTC)
    # A monitor claims the row and dies before sending it (kill -9 on another host).
    assert _claim(session_factory(migrated_url), row.id, row.attempts, now)
    assert deliver_pending(migrated_url, cfg).sent == 0  # still claimed: not sent twice
    assert webhook.calls == []
    later = now + CLAIM_LEASE + timedelta(seconds=1)
    assert deliver_pending(migrated_url, cfg, now=later).sent == 1
    assert deliver_pending(migrated_url, cfg, now=later).sent == 0
    assert len(webhook.calls) == 1 and statuses(migrated_url) == [("sent", 2)]
