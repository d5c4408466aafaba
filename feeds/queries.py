"""Read-only queries behind the feeds: which items a feed shows, and a cheap fingerprint of
everything that could change them (for ETag / Last-Modified without rendering).

Rules, in one place:
- An item's entry date is its publication date, or when we first saw it if the page had none.
- Seeds (origin `seed`) are in the combined and per-source feeds whatever their level: the five
  documents were chosen by hand as co-operation documents (storage/seeds/manifest.json).
- A story is in the combined feed when any of its items is; the entry then links all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import Session, defer

from feeds.spec import FeedSpec
from storage.article import Origin
from storage.models import Item, Source
from storage.search import SearchQuery, build_statement
from storage.state import current

ENTRY_DATE = func.coalesce(Item.published_at, Item.first_seen_at)
# An item without a story should not exist (storage assigns one in the same flush); if one
# does, it stands alone under a key no story id can take, rather than vanishing from the feed.
STORY_KEY = func.coalesce(Item.story_id, -Item.id)


def in_feed(spec: FeedSpec) -> ColumnElement[bool]:
    at_level = Item.relevance_level.in_(spec.levels)
    if spec.kind == "search":  # storage.search filters on levels only
        return at_level
    return or_(at_level, Item.origin == Origin.SEED.value)


@dataclass(frozen=True)
class FeedState:
    fingerprint: str  # changes whenever what the feed shows may have changed
    last_modified: datetime | None  # newest stored change among the items it draws from


def feed_state(session: Session, spec: FeedSpec) -> FeedState:
    """The archive's change counter (storage.state): one primary-key read, bumped in the same
    transaction as every new item, revision or level change. It covers the whole archive, so it
    may change when this feed did not — a needless 200 — but never stays put when it did."""
    version, changed_at = current(session)
    return FeedState(fingerprint=f"v{version}", last_modified=changed_at)


def story_groups(session: Session, spec: FeedSpec) -> list[list[Item]]:
    """The newest `spec.size` stories with an item in the feed, each as its items by id."""
    first = func.min(ENTRY_DATE).label("first")
    key = STORY_KEY.label("key")
    keys = session.execute(
        select(key, first).group_by(STORY_KEY)
        .having(func.max(case((in_feed(spec), 1), else_=0)) == 1)
        .order_by(first.desc(), key.desc()).limit(spec.size)
    ).scalars().all()
    if not keys:
        return []
    items = session.scalars(
        select(Item).options(defer(Item.body))
        .where(or_(Item.story_id.in_([k for k in keys if k > 0]),
                   Item.id.in_([-k for k in keys if k < 0])))
        .order_by(Item.id)
    ).all()
    by_key: dict[int, list[Item]] = {}
    for item in items:
        by_key.setdefault(item.story_id if item.story_id is not None else -item.id, []).append(item)
    return [by_key[k] for k in keys if k in by_key]


def source_items(session: Session, spec: FeedSpec) -> list[Item]:
    """The newest `spec.size` items of one organisation in the feed (each version its own)."""
    return list(session.scalars(
        select(Item).options(defer(Item.body))
        .where(Item.source == spec.source, in_feed(spec))
        .order_by(ENTRY_DATE.desc(), Item.id.desc()).limit(spec.size)
    ))


def search_items(session: Session, spec: FeedSpec) -> list[Item]:
    """The newest `spec.size` matches of a saved search, through storage.search.

    search() ranks by relevance; a feed wants the newest matches, or a new item that ranks low
    would never appear. So its statement keeps its filters but is re-ordered by date before the
    LIMIT applies, and drops rank and snippet, which a feed does not show and which would be
    computed for every match (SQLite, 5,000 matches: 270 ms with them, 65 ms without)."""
    q = SearchQuery(text=spec.query, source=spec.source, levels=spec.levels, limit=spec.size)
    stmt = (build_statement(session, q).with_only_columns(Item).options(defer(Item.body))
            .order_by(None).order_by(ENTRY_DATE.desc(), Item.id.desc()))
    return list(session.scalars(stmt))


def source_titles(session: Session) -> dict[str, str]:
    """{"osce": "OSCE", "interpol": "INTERPOL"}: display names from the source table."""
    return {name: title for name, title in session.execute(select(Source.name, Source.title))}
