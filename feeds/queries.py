"""Read-only queries behind the feeds: which items a feed shows, and a cheap fingerprint of
everything that could change them (for ETag / Last-Modified without rendering).

Rules, in one place:
- An item's entry date is its publication date, or when we first saw it if the page had none.
- Seeds (origin `seed`) are in the combined and per-source feeds whatever their level: the five
  documents were chosen by hand as co-operation documents (storage/seeds/manifest.json).
- A story is in the combined feed when any of its items is; the entry then links all of them.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import ColumnElement, Connection, Engine, and_, func, or_, select
from sqlalchemy.orm import Session, defer

from core.article import Origin
from feeds.spec import FeedSpec
from storage.models import Item, Source
from storage.search import SearchQuery, build_statement
from storage.state import current, read_current

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


def feed_state(db: Session | Connection, spec: FeedSpec) -> FeedState:
    """The archive's change counter (storage.state): one primary-key read, bumped in the same
    transaction as every new item, revision or level change. It covers the whole archive, so it
    may change when this feed did not — a needless 200 — but never stays put when it did."""
    return _state(*current(db))


def read_feed_state(engine: Engine, spec: FeedSpec) -> FeedState:
    """feed_state() on a connection of its own: what a conditional request costs."""
    return _state(*read_current(engine))


def _state(version: int, changed_at: datetime | None) -> FeedState:
    return FeedState(fingerprint=f"v{version}", last_modified=changed_at)


def story_groups(session: Session, spec: FeedSpec) -> list[list[Item]]:
    """The newest `spec.size` stories with an item in the feed, each as its items by id.

    A story's date is its earliest item's entry date; stories are newest first (ties: the
    higher key first). Found by walking the feed's items newest first (an index range, not a
    GROUP BY over the archive: 2 s at 1M items, bench/feed.py): every story met is dated
    exactly from its own items, and the walk stops once `size` of them are dated after the
    walk's position — any story not met yet has all its feed items, so its date, at or before
    that position."""
    dated: dict[int, datetime] = {}  # story key -> exact story date
    for chunk in _feed_items_newest_first(session, spec):
        new = {key for key, _ in chunk if key not in dated}
        dated.update(_story_dates(session, new))
        frontier = chunk[-1][1]
        if sum(1 for when in dated.values() if when > frontier) >= spec.size:
            break
    keys = sorted(dated, key=lambda k: (dated[k], k), reverse=True)[:spec.size]
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


def _feed_items_newest_first(session: Session,
                             spec: FeedSpec) -> Iterator[list[tuple[int, datetime]]]:
    """(story key, entry date) of the feed's items by entry date, newest first, in growing
    chunks. Entry date is coalesce(published_at, first_seen_at), which no index covers, so
    dated items (ix_item__published_at) and undated ones (rare: each raised a health alarm)
    are walked apart and merged."""
    merged = heapq.merge(_walk(session, spec, dated=True), _walk(session, spec, dated=False),
                         key=lambda row: (row[1], row[2]), reverse=True)
    for size in _growing(spec):
        chunk = [(key, when) for key, when, _ in itertools.islice(merged, size)]
        if not chunk:
            return
        yield chunk


def _walk(session: Session, spec: FeedSpec,
          dated: bool) -> Iterator[tuple[int, datetime, int]]:
    """(story key, date, id) of the feed's dated or undated items, newest first, by keyset."""
    when = Item.published_at if dated else Item.first_seen_at
    which = Item.published_at.is_not(None) if dated else Item.published_at.is_(None)
    after: tuple[datetime, int] | None = None
    for size in _growing(spec):
        stmt = select(STORY_KEY, when, Item.id).where(which, in_feed(spec))
        if after is not None:
            stmt = stmt.where(or_(when < after[0], and_(when == after[0], Item.id < after[1])))
        rows = [(key, cast(datetime, at), item_id) for key, at, item_id in session.execute(
            stmt.order_by(when.desc(), Item.id.desc()).limit(size))]
        yield from rows
        if len(rows) < size:
            return
        after = (rows[-1][1], rows[-1][2])


def _growing(spec: FeedSpec) -> Iterator[int]:
    """Chunk sizes: twice the feed's size first (usually enough), then 4× larger each time."""
    size = 2 * spec.size
    while True:
        yield size
        size = min(size * 4, 20_000)


def _story_dates(session: Session, keys: set[int]) -> dict[int, datetime]:
    """Each story's date: the earliest entry date among ALL its items (in the feed or not)."""
    out: dict[int, datetime] = {}
    stories = [k for k in keys if k > 0]
    for first in range(0, len(stories), 500):  # ix_item__story_id
        out.update((cast(int, key), when) for key, when in session.execute(
            select(Item.story_id, func.min(ENTRY_DATE)).where(
                Item.story_id.in_(stories[first:first + 500])).group_by(Item.story_id)
        ))
    lone = [-k for k in keys if k < 0]
    for first in range(0, len(lone), 500):
        out.update(session.execute(
            select(-Item.id, ENTRY_DATE).where(Item.id.in_(lone[first:first + 500]))
        ).all())
    return out


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
