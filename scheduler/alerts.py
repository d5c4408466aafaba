"""Deliver the alert outbox through apprise: claim a due row, send it, mark it sent, retrying
with exponential backoff and marking it dead after COOPWATCH_ALERT_MAX_TRIES attempts.

Exactly once = at-least-once delivery + idempotent marking. A row is claimed by a conditional
UPDATE (still pending, due, same attempt count) that counts the attempt and moves
next_attempt_at one CLAIM_LEASE ahead, so two dispatchers (the daemon's pass and `coopwatch
alerts retry`, or two hosts on PostgreSQL) never send the same row. The residual window: if the
process dies after apprise handed the message over and before the row is marked sent, the row
falls due again when the lease ends and the message is sent a second time. A crash before the
send loses nothing: the row is still pending and goes out after the lease.

News messages are composed at delivery time from the item's story, so a story that both
organisations reported names both. Digest mode (COOPWATCH_ALERT_DIGEST) sends one message per
channel per pass — the daemon runs a pass after each crawl, so one per run.
Settings: COOPWATCH_ALERT_URLS, COOPWATCH_HEALTH_URLS, COOPWATCH_ALERT_MAX_TRIES,
COOPWATCH_ALERT_RETRY_S, COOPWATCH_ALERT_DIGEST.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import groupby

import apprise
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from core.config import Config
from storage.db import session_factory, utcnow
from storage.models import AlertOutbox, Item
from storage.outbox import channels, compose_news

logger = logging.getLogger(__name__)

# Longer than one apprise call can take (its HTTP and SMTP timeouts are seconds), so a live
# sender always finishes before its claim runs out.
CLAIM_LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)
    channels: set[str] = field(default_factory=set)  # those tried in this pass

    def __str__(self) -> str:
        return f"{self.sent} sent, {self.retrying} to retry, {self.dead} dead"


def backoff(attempts: int, base_s: float) -> timedelta:
    """Wait before the next try after `attempts` failed ones: base, 2·base, 4·base … ≤ 6 h."""
    return min(timedelta(seconds=base_s * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def send(url: str, title: str, body: str) -> tuple[bool, str | None]:
    """One message through one apprise URL; (delivered, why not)."""
    notifier = apprise.Apprise()
    if not notifier.add(url):
        return False, "not a valid apprise URL (see https://appriseit.com/services/)"
    with apprise.LogCapture(level=logging.WARNING) as captured:
        ok = bool(notifier.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT))
        log = captured.getvalue().strip().splitlines()
    # apprise says why in its log only; keep its last line, without the timestamp prefix
    return ok, None if ok else (log[-1].split(" - ")[-1] if log else "apprise reported failure")


def _claim(factory: sessionmaker[Session], row_id: int, seen_attempts: int,
           now: datetime) -> bool:
    with factory() as session:
        claimed = session.execute(
            update(AlertOutbox).where(AlertOutbox.id == row_id, AlertOutbox.status == "pending",
                                      AlertOutbox.attempts == seen_attempts,
                                      AlertOutbox.next_attempt_at <= now)
            # the lease runs from the claim, not from the start of a pass that may be long
            .values(attempts=seen_attempts + 1,
                    next_attempt_at=max(now, utcnow()) + CLAIM_LEASE))
        session.commit()
        return claimed.rowcount == 1  # type: ignore[attr-defined]


def _message(session: Session, rows: list[AlertOutbox]) -> tuple[str, str]:
    composed = []
    for row in rows:
        item = session.get(Item, row.item_id) if row.item_id is not None else None
        composed.append(compose_news(item, row.event) if item else (row.title, row.body))
    if len(composed) == 1:
        return composed[0]
    title = f"[coopwatch] {len(composed)} new items"
    return title, "\n\n----\n\n".join(f"{t}\n{b}" for t, b in composed)


def _mark(factory: sessionmaker[Session], ids: list[int], ok: bool, error: str | None,
          cfg: Config, now: datetime, report: DeliveryReport, give_up: bool = False) -> None:
    max_tries, base_s = cfg.get_int("COOPWATCH_ALERT_MAX_TRIES"), cfg.get_float(
        "COOPWATCH_ALERT_RETRY_S")
    with factory() as session:
        for row in session.scalars(select(AlertOutbox).where(AlertOutbox.id.in_(ids))):
            if ok:
                row.status, row.sent_at, row.last_error = "sent", utcnow(), None
                report.sent += 1
            elif row.attempts >= max_tries or give_up:
                row.status, row.last_error = "dead", error
                report.dead += 1
            else:
                row.next_attempt_at = max(now, utcnow()) + backoff(row.attempts, base_s)
                row.last_error = error
                report.retrying += 1
            # A sent row is in the pass's one line (scheduler.path.deliver_due); a failure
            # says why, per row.
            logger.log(logging.DEBUG if ok else logging.WARNING,
                       "Alert %(alert_id)s (%(kind)s, item %(item_id)s, alarm %(alarm_id)s) to "
                       "%(channel)s: %(outcome)s after %(attempts)s attempt(s)%(error)s",
                       {"alert_id": row.id, "kind": row.kind, "item_id": row.item_id,
                        "alarm_id": row.alarm_id, "channel": row.channel, "outcome": row.status,
                        "attempts": row.attempts, "error": f": {error}" if error else ""})
        session.commit()
    if error:
        report.errors.append(error)


def deliver_pending(db_url: str, cfg: Config, now: datetime | None = None) -> DeliveryReport:
    """Send every due pending row once; safe to run from several processes at a time."""
    now = now or utcnow()
    factory = session_factory(db_url)
    targets = channels(cfg, "COOPWATCH_ALERT_URLS") | channels(cfg, "COOPWATCH_HEALTH_URLS")
    digest = cfg.get_bool("COOPWATCH_ALERT_DIGEST")
    with factory() as session:  # ix_alert_outbox__status_next_attempt_at
        due = list(session.scalars(select(AlertOutbox).where(
            AlertOutbox.status == "pending", AlertOutbox.next_attempt_at <= now)
            .order_by(AlertOutbox.channel, AlertOutbox.id)))
    batches = [[r] for r in due if r.kind != "news" or not digest]
    if digest:  # one message per channel for all its due news rows
        news = [r for r in due if r.kind == "news"]
        batches += [list(rows) for _, rows in groupby(news, key=lambda r: r.channel)]
    report = DeliveryReport()
    for batch in batches:
        claimed = [r for r in batch if _claim(factory, r.id, r.attempts, now)]
        if not claimed:
            continue  # another dispatcher has it
        report.channels.add(claimed[0].channel)
        url = targets.get(claimed[0].channel)
        if url is None:  # its URL left the configuration: retrying cannot help
            gone = f"channel {claimed[0].channel} is not configured any more"
            _mark(factory, [r.id for r in claimed], False, gone, cfg, now, report, give_up=True)
            continue
        with factory() as session:
            title, body = _message(session, claimed)
        ok, error = send(url, title, body)
        _mark(factory, [r.id for r in claimed], ok, error, cfg, now, report)
    return report


def retry(session: Session, ids: list[int] | None = None) -> int:
    """Make dead rows (or the given rows) due now with a fresh attempt count; the caller commits.
    """
    stmt = update(AlertOutbox).values(status="pending", attempts=0, next_attempt_at=utcnow())
    stmt = (stmt.where(AlertOutbox.id.in_(ids), AlertOutbox.status != "sent") if ids
            else stmt.where(AlertOutbox.status == "dead"))
    return session.execute(stmt).rowcount  # type: ignore[attr-defined, no-any-return]


def send_test(cfg: Config) -> list[tuple[str, str, bool, str | None]]:
    """A test message to every configured channel: (purpose, channel, delivered, why not)."""
    results = []
    for purpose, option in (("news", "COOPWATCH_ALERT_URLS"), ("health", "COOPWATCH_HEALTH_URLS")):
        for name, url in channels(cfg, option).items():
            ok, error = send(url, f"[coopwatch] test message ({purpose} channel {name})",
                             "If you can read this, coopwatch can reach this channel.")
            results.append((purpose, name, ok, error))
    return results
