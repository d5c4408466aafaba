"""Alert rows written in the same transaction as the item that causes them (transactional
outbox); scheduler.alerts delivers them later, once.

Rules: a NEW item at an alert level gets one row per channel — unless its source's alerts are
off (a configured source's are, until its table says alerts = true), the source is still
priming (its first crawl is a silent backfill) or another item of the same story already
alerted (one alert per story; the message, composed at delivery, names every source of the
story). An UPDATED item alerts again only when its level rises into the alert levels (event
"level:<new level>"), and then only if no other item of its story has alerted.

Channels are named, never stored as URLs (apprise URLs carry passwords and tokens): a name is
the URL's scheme plus a short hash of the whole URL, e.g. "mailto-3fa2c1d0". The dispatcher maps
names back to URLs from the configuration.
Settings: COOPWATCH_ALERT_URLS, COOPWATCH_HEALTH_URLS, COOPWATCH_ALERT_LEVELS.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from core.article import LEVELS
from storage.models import AlertOutbox, Item
from storage.repository import Outcome, UpsertResult

if TYPE_CHECKING:
    from core.config import Config


@dataclass(frozen=True)
class AlertPolicy:
    channels: tuple[str, ...] = ()  # channel names, see channel_name()
    levels: frozenset[str] = field(default_factory=lambda: frozenset({"primary", "secondary"}))
    priming: bool = False  # True during a source's first crawl: store, don't alert


def channel_name(url: str) -> str:
    """A stable name for an apprise URL that reveals no secret in it."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else "url"
    return f"{scheme}-{hashlib.sha256(url.encode()).hexdigest()[:8]}"


def channels(cfg: Config, option: str) -> dict[str, str]:
    """Channel name -> apprise URL for COOPWATCH_ALERT_URLS or COOPWATCH_HEALTH_URLS."""
    return {channel_name(url): url for url in cfg.get_list(option)}


def policy_from_config(cfg: Config, source_primed: bool,
                       source_alerts: bool = True) -> AlertPolicy:
    """The policy a crawl of one source stores alerts with; `source_alerts` is the source's
    `alerts` switch (core.sources): off, its items queue no news alert on any channel."""
    from core.config import ConfigError

    levels = frozenset(cfg.get_list("COOPWATCH_ALERT_LEVELS"))
    if unknown := levels - set(LEVELS):
        raise ConfigError(f"COOPWATCH_ALERT_LEVELS: unknown level(s) {', '.join(sorted(unknown))};"
                          f" use any of {', '.join(LEVELS)}")
    return AlertPolicy(channels=tuple(channels(cfg, "COOPWATCH_ALERT_URLS"))
                       if source_alerts else (), levels=levels, priming=not source_primed)


def _day(item: Item) -> str:
    return item.published_at.date().isoformat() if item.published_at else "date unknown"


def compose_news(item: Item, event: str = "new") -> tuple[str, str]:
    """Title and body of a news alert, naming every source of the item's story."""
    others = [i for i in (item.story.items if item.story else []) if i.id != item.id]
    sources = dict.fromkeys([item.source.upper()] + [i.source.upper() for i in others])
    prefix = "now " if event.startswith("level:") else ""
    title = f"[coopwatch] {' + '.join(sources)} ({prefix}{item.relevance_level}): {item.title}"
    lines = [item.title, "", f"{item.source.upper()} · {_day(item)} · {item.place or ''}".rstrip(
        " ·"), item.url or item.canonical_url, ""]
    for other in others[:3]:
        lines += [f"Also {other.source.upper()} · {_day(other)}: {other.title}",
                  other.url or other.canonical_url, ""]
    if item.summary:
        lines += [item.summary, ""]
    why = "; ".join(str(r.get("text") or r.get("rule")) for r in item.relevance_reasons[-3:])
    if why:
        lines.append(f"Why {item.relevance_level}: {why}")
    return title, "\n".join(lines).strip()


def _story_already_alerted(session: Session, item: Item) -> bool:
    if item.story_id is None:
        return False
    # ix_item__story_id; the outbox side is small (one row per alert per channel)
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
        event = "new"
    elif result.outcome is Outcome.UPDATED and result.level_rose:
        event = f"level:{item.relevance_level}"
    else:
        return []
    if _story_already_alerted(session, item):
        return []
    title, body = compose_news(item, event)  # a snapshot; delivery recomposes from the story
    rows = [AlertOutbox(kind="news", event=event, channel=channel, item_id=item.id, run_id=run_id,
                        title=title, body=body) for channel in policy.channels]
    session.add_all(rows)
    return rows
