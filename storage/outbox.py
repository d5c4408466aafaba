"""Alert rows written in the same transaction as the item that causes them (transactional
outbox); scheduler.alerts delivers them later, once.

Rules: a NEW item at an alert level gets one row per channel — unless the source is still
priming (its first crawl is a silent backfill) or another item of the same story already
alerted (one alert per story). An UPDATED item alerts again only when its level rises into
the alert levels (event "level:<new level>").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from storage.models import AlertOutbox, Item
from storage.repository import Outcome, UpsertResult


@dataclass(frozen=True)
class AlertPolicy:
    channels: tuple[str, ...] = ()  # names of configured channels ("alert-1", …)
    levels: frozenset[str] = field(default_factory=lambda: frozenset({"primary", "secondary"}))
    priming: bool = False  # True during a source's first crawl: store, don't alert


def _message(item: Item) -> tuple[str, str]:
    published = item.published_at.date().isoformat() if item.published_at else "date unknown"
    title = f"[coopwatch] {item.source.upper()} ({item.relevance_level}): {item.title}"
    why = "; ".join(str(r.get("text") or r.get("rule")) for r in item.relevance_reasons[-3:])
    lines = [item.title, "", f"{item.source.upper()} · {published} · {item.place or ''}".rstrip(),
             item.url or item.canonical_url, ""]
    if item.summary:
        lines += [item.summary, ""]
    if why:
        lines.append(f"Why: {why}")
    return title, "\n".join(lines).strip()


def _story_already_alerted(session: Session, item: Item) -> bool:
    if item.story_id is None:
        return False
    return bool(session.scalar(select(exists().where(
        AlertOutbox.kind == "news", AlertOutbox.item_id == Item.id, Item.story_id == item.story_id,
        Item.id != item.id))))


def enqueue_news_alerts(session: Session, result: UpsertResult, policy: AlertPolicy,
                        run_id: int | None = None) -> list[AlertOutbox]:
    """Add this upsert's alert rows to the session (the caller commits with the item)."""
    item = result.item
    if not policy.channels or policy.priming or item.relevance_level not in policy.levels:
        return []
    if result.outcome is Outcome.NEW:
        if _story_already_alerted(session, item):
            return []
        event = "new"
    elif result.outcome is Outcome.UPDATED and result.level_rose:
        event = f"level:{item.relevance_level}"
    else:
        return []
    title, body = _message(item)
    rows = [AlertOutbox(kind="news", event=event, channel=channel, item_id=item.id, run_id=run_id,
                        title=title, body=body) for channel in policy.channels]
    session.add_all(rows)
    return rows
