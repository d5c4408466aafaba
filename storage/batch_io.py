"""storage.batch's rows, reads and writes: the items a batch can see (loaded before its first
decision, or new in it) with the indexes its lookups use, the bulk reads that load them, and the
bulk writes that store what the decisions made of them. Internal to storage.batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session

from core.article import Article
from storage.fingerprint import fingerprints
from storage.models import Item, ItemAlias, ItemRevision, Story, StoryMerge
from storage.repository import Outcome, UpsertResult
from storage.state import bump
from storage.stories import OWN_SOURCES, STORY_WINDOW_DAYS, is_third_party, place_key

ITEM: Table = Item.__table__  # type: ignore[assignment]
STORY: Table = Story.__table__  # type: ignore[assignment]
# Columns a decision may read of an item it did not find by URL (its body only when needed).
LIGHT = ("id", "source", "published_at", "title", "place", "simhash", "story_id",
         "content_hash")
FULL = tuple(c.name for c in ITEM.columns)
WINDOW = timedelta(days=STORY_WINDOW_DAYS)
_IN_CHUNK = 500  # bound parameters per IN list


class NewStory:
    """A story this batch creates; its id is known after the INSERT."""

    __slots__ = ("first_published_at", "id", "title")

    def __init__(self, title: str, first_published_at: datetime | None) -> None:
        self.title, self.first_published_at = title, first_published_at
        self.id: int | None = None


class Row:
    """An item as the batch sees it: loaded (some or all columns) or new in this batch.
    Columns never loaded stay unset, so reading one is an AttributeError, not a wrong answer.
    Slots, not a __dict__ per row: a batch may load thousands of rows, and the garbage
    collector's passes over all those dicts made loading a row 2.5x dearer (5.7 µs, now 2.2)."""

    __slots__ = (*FULL, "dirty", "new", "order", "revisions", "story")
    # the columns every row has (LIGHT), and body; the others are read by name
    id: int  # set for a new row by its INSERT
    source: str
    canonical_url: str  # (loaded only for rows found by URL)
    published_at: datetime | None
    title: str
    place: str | None
    simhash: int
    content_hash: str
    body: str
    relevance_level: str

    def __init__(self, names: Iterable[str], values: Iterable[Any],
                 seq: int | None = None) -> None:
        for name, value in zip(names, values, strict=True):
            setattr(self, name, value)
        self.new = seq is not None
        # Candidates are taken in id order, and a new item's id comes after every old one's.
        self.order = (1, seq) if seq is not None else (0, self.id)
        self.story: int | NewStory | None = getattr(self, "story_id", None)
        self.dirty: set[str] | None = None  # the columns this batch changed
        self.revisions = 0

    def set(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self, name, value)
        if self.dirty is None:
            self.dirty = set()
        self.dirty.update(values)

    def has(self, name: str) -> bool:
        return hasattr(self, name)


@dataclass
class Prepared:
    article: Article
    canonical: str
    values: dict[str, Any]
    chash: str | None = None
    shash: int | None = None
    shingles: list[str] = field(default_factory=list)

    def hashes(self) -> tuple[str, int]:
        if self.chash is None or self.shash is None:
            self.chash, self.shash, self.shingles = fingerprints(self.values["title"],
                                                                 self.values["body"])
        return self.chash, self.shash

    def shingle_set(self) -> frozenset[str]:
        """shingle_set(f"{title} {body}"), from the shingles hashes() made."""
        self.hashes()
        return frozenset(self.shingles)


@dataclass
class Decision:
    outcome: Outcome
    row: Row
    previous_level: str | None = None
    changed_fields: tuple[str, ...] = ()
    duplicate_rule: str | None = None


@dataclass
class State:
    """The rows of the batch and the indexes its lookups use, kept current as it goes."""

    now: datetime
    rows: dict[int, Row] = field(default_factory=dict)  # loaded rows by id
    by_url: dict[str, Row] = field(default_factory=dict)
    by_alias: dict[str, Row] = field(default_factory=dict)
    by_hash: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    by_day: dict[date, list[Row]] = field(default_factory=lambda: defaultdict(list))
    new_rows: list[Row] = field(default_factory=list)
    new_stories: list[NewStory] = field(default_factory=list)
    aliases: list[tuple[Row, str, str, str]] = field(default_factory=list)
    revisions: list[tuple[Row, int, list[str], dict[str, Any], str]] = field(
        default_factory=list)
    merges: list[tuple[Row, int | NewStory, Row | None, str, str]] = field(
        default_factory=list)
    story_first: dict[int, datetime] = field(default_factory=dict)  # old story -> earliest
    # stories holding an organisation's version (storage.stories.may_link), among those of
    # the loaded third-party rows and those this batch made or joined
    stories_with_own: set[int | NewStory] = field(default_factory=set)
    bumps: int = 0

    def index(self, row: Row) -> None:
        self.by_hash[row.content_hash].append(row)
        if row.published_at is not None:
            self.by_day[_utc_day(row.published_at)].append(row)

    def unindex(self, row: Row) -> None:
        self.by_hash[row.content_hash].remove(row)
        if row.published_at is not None:
            self.by_day[_utc_day(row.published_at)].remove(row)

    def load(self, names: Sequence[str], values: Sequence[Any]) -> Row:
        known = self.rows.get(values[0])  # names[0] is "id"
        if known is None:
            known = self.rows[values[0]] = Row(names, values)
            self.index(known)
        return known

    def published_between(self, low: datetime, high: datetime) -> list[Row]:
        """Rows published in [low, high], in the order of ix_item__published_at."""
        found = []
        day, last = _utc_day(low), _utc_day(high)
        while day <= last:  # (every row of by_day has a date)
            found += [(p, r.order, r) for r in self.by_day.get(day, ())
                      if (p := r.published_at) is not None and low <= p <= high]
            day += timedelta(days=1)
        return [r for *_, r in sorted(found, key=lambda f: f[:2])]


# --- reads ---------------------------------------------------------------------------------

def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    items = list(dict.fromkeys(values))
    for first in range(0, len(items), _IN_CHUNK):
        yield items[first:first + _IN_CHUNK]


def _load_rows(session: Session, state: State, names: Sequence[str], where: Any) -> None:
    for row in session.execute(select(*(ITEM.c[n] for n in names)).where(where)):
        loaded = state.load(names, row)
        if names is FULL:
            state.by_url[loaded.canonical_url] = loaded


def load(session: Session, state: State, prepared: list[Prepared]) -> None:
    urls = [p.canonical for p in prepared]
    for chunk in _chunks(urls):  # uq_item__canonical_url; all columns: these may be updated
        _load_rows(session, state, FULL, ITEM.c.canonical_url.in_(chunk))
    if state.rows:
        ids = list(state.rows)
        for chunk in _chunks(ids):
            for item_id, count in session.execute(
                    select(ItemRevision.item_id, func.count())
                    .where(ItemRevision.item_id.in_(chunk)).group_by(ItemRevision.item_id)):
                state.rows[item_id].revisions = count
    targets: dict[str, int] = {}
    for chunk in _chunks(u for u in urls if u not in state.by_url):  # uq_item_alias__…
        for url, item_id in session.execute(select(ItemAlias.canonical_url, ItemAlias.item_id)
                                            .where(ItemAlias.canonical_url.in_(chunk))):
            targets[url] = item_id
    for chunk in _chunks(i for i in targets.values() if i not in state.rows):
        _load_rows(session, state, LIGHT, ITEM.c.id.in_(chunk))
    state.by_alias = {url: state.rows[item_id] for url, item_id in targets.items()}
    # Only an article whose URL is new to the archive and to the batch so far can be a
    # duplicate by content or a new item: every other one is found by its URL.
    seen = set(state.by_url) | set(state.by_alias)
    fresh = []
    for p in prepared:
        if p.canonical not in seen:
            seen.add(p.canonical)
            fresh.append(p)
    for chunk in _chunks(p.hashes()[0] for p in fresh):  # ix_item__content_hash
        _load_rows(session, state, LIGHT, ITEM.c.content_hash.in_(chunk))
    dated = [p for p in fresh if p.values["published_at"] is not None]
    windows = _merged((p.values["published_at"] - WINDOW, p.values["published_at"] + WINDOW)
                      for p in dated)
    for first in range(0, len(windows), _IN_CHUNK // 2):  # ix_item__published_at
        ranges = windows[first:first + _IN_CHUNK // 2]
        _load_rows(session, state, LIGHT,
                   or_(*(ITEM.c.published_at.between(lo, hi) for lo, hi in ranges)))
    _load_stories_with_own(session, state)
    _load_bodies(session, state, dated)


def _load_stories_with_own(session: Session, state: State) -> None:
    """Which stories of the loaded third-party rows hold an organisation's version (their
    versions may lie outside the loaded windows, hence a query)."""
    stories = {r.story for r in state.rows.values()
               if isinstance(r.story, int) and is_third_party(r.source)}
    for chunk in _chunks(stories):
        state.stories_with_own.update(session.scalars(
            select(ITEM.c.story_id).distinct()
            .where(ITEM.c.story_id.in_(chunk), ITEM.c.source.in_(OWN_SOURCES))))


def _merged(windows: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for low, high in sorted(windows):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        else:
            merged.append((low, high))
    return merged


def _load_bodies(session: Session, state: State, dated: list[Prepared]) -> None:
    """Bodies of the loaded rows a decision may compare texts with: same source and day (the
    near-duplicate test), or same place within the story window (the place_terms rule)."""
    bodiless = [r for r in state.rows.values() if not r.has("body")]
    by_place: dict[str, list[Row]] = defaultdict(list)
    for row in bodiless:
        if row.published_at is not None and (key := place_key(row.place)) is not None:
            by_place[key].append(row)
    need: set[int] = set()
    for p in dated:
        published = p.values["published_at"]
        day = published.replace(hour=0, minute=0, second=0, microsecond=0)
        end = day + timedelta(days=1)
        need.update(r.id for r in state.published_between(day, end)
                    if r.source == p.article.source and r.published_at < end
                    and not r.has("body"))
        low, high = published - WINDOW, published + WINDOW
        need.update(r.id for r in by_place.get(place_key(p.values["place"]) or "", ())
                    if low <= r.published_at <= high)
    for chunk in _chunks(need):
        for item_id, body in session.execute(select(ITEM.c.id, ITEM.c.body)
                                             .where(ITEM.c.id.in_(chunk))):
            state.rows[item_id].body = body


# --- writes --------------------------------------------------------------------------------

def story_id_of(story: int | NewStory | None) -> int | None:
    if isinstance(story, NewStory):
        assert story.id is not None
        return story.id
    return story


def _inserted_ids(session: Session, table: Table, rows: list[dict[str, Any]],
                  key: tuple[str, ...]) -> list[int]:
    """INSERT the rows — one multi-row INSERT … RETURNING per page of SQLAlchemy's
    insertmanyvalues — and return their ids in row order. RETURNING's order is unspecified
    (SQLite says so; SQLAlchemy then inserts row by row to keep it, one FTS5 flush each), so
    the ids are matched to rows by `key` instead; rows with equal keys take theirs in ascending
    order, the order the rows were inserted in."""
    stmt = insert(table).returning(table.c.id, *(table.c[k] for k in key))
    ids: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for item_id, *values in session.execute(stmt, rows):
        ids[tuple(values)].append(item_id)
    for same in ids.values():
        same.sort(reverse=True)
    return [ids[tuple(row[k] for k in key)].pop() for row in rows]


def write(session: Session, state: State) -> None:
    now = state.now
    if state.new_stories:
        story_ids = _inserted_ids(session, STORY, [
            {"title": s.title, "first_published_at": s.first_published_at, "created_at": now}
            for s in state.new_stories], key=("title", "first_published_at"))
        for story, story_id in zip(state.new_stories, story_ids, strict=True):
            story.id = story_id
    if state.new_rows:
        rows = [{c: getattr(r, c) for c in FULL if c not in ("id", "story_id")}
                | {"story_id": story_id_of(r.story)} for r in state.new_rows]
        for row, item_id in zip(state.new_rows,
                                _inserted_ids(session, ITEM, rows, key=("canonical_url",)),
                                strict=True):
            row.id = item_id
            state.rows[item_id] = row
    if state.merges:
        session.execute(insert(_table(StoryMerge)), [
            {"story_id": story_id_of(story), "item_id": row.id,
             "matched_item_id": cand.id if cand else None, "rule": rule,
             "reason": f"matched item {cand.id}: {reason}" if cand else reason,
             "created_at": now}
            for row, story, cand, rule, reason in state.merges])
    if state.aliases:
        session.execute(insert(_table(ItemAlias)), [
            {"item_id": row.id, "url": url, "canonical_url": canonical, "rule": rule,
             "first_seen_at": now} for row, url, canonical, rule in state.aliases])
    if state.revisions:
        session.execute(insert(_table(ItemRevision)), [
            {"item_id": row.id, "revision": n, "changed_fields": changed, "previous": previous,
             "content_hash": chash, "recorded_at": now}
            for row, n, changed, previous, chash in state.revisions])
    _write_updates(session, [r for r in state.rows.values() if r.dirty and not r.new])
    if state.story_first:
        session.execute(
            update(STORY).where(STORY.c.id == bindparam("_id"),
                                or_(STORY.c.first_published_at.is_(None),
                                    STORY.c.first_published_at > bindparam("_first")))
            .values(first_published_at=bindparam("_first")),
            [{"_id": k, "_first": v} for k, v in state.story_first.items()])
    if state.bumps:
        bump(session, state.bumps)


def _write_updates(session: Session, rows: list[Row]) -> None:
    """One executemany per set of changed columns. A row whose text did not change does not
    name the text columns, so SQLite's FTS5 update trigger (AFTER UPDATE OF …) stays idle."""
    groups: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for row in rows:
        assert row.dirty is not None
        groups[tuple(sorted(row.dirty))].append(row)
    for names, group in groups.items():
        stmt = (update(ITEM).where(ITEM.c.id == bindparam("_id"))
                .values({n: bindparam(n) for n in names}))
        session.execute(stmt, [{"_id": r.id} | {n: getattr(r, n) for n in names}
                               for r in group])


def results(session: Session, state: State, decisions: list[Decision]) -> list[UpsertResult]:
    """The decisions as UpsertResults over ORM Items, read back in one query. Items and
    stories the session already held are refreshed: the writes above bypassed them."""
    ids = {d.row.id for d in decisions}
    stories = {story_id_of(r.story) for r in state.rows.values() if r.dirty or r.new}
    for obj in list(session.identity_map.values()):
        if ((isinstance(obj, Item) and obj.id in ids)
                or (isinstance(obj, Story) and obj.id in stories)):
            session.expire(obj)
    items = {i.id: i for chunk in _chunks(ids)
             for i in session.scalars(select(Item).where(Item.id.in_(chunk)))}
    return [UpsertResult(d.outcome, items[d.row.id], previous_level=d.previous_level,
                         changed_fields=d.changed_fields, duplicate_rule=d.duplicate_rule)
            for d in decisions]


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _utc_day(value: datetime) -> date:
    return value.astimezone(UTC).date()
