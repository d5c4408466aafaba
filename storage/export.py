"""Export the archive as JSON lines (everything `storage.archive_import` needs to rebuild it) or
CSV (one row per item, for spreadsheets), streamed in chunks of CHUNK items.

The JSONL layout, one object per line, in this order (import checks it):
  {"format": "coopwatch-archive", "version": 1}
  {"type": "source", …}   the sources the items name (an import adds those the target lacks)
  {"type": "story", …}    the stories the items belong to, by id
  {"type": "item", …}     each item with its relevance, story id, field provenance, GUID, and
                          its aliases and revisions nested
  {"type": "merge", …}    why each item joined its story

Rows are read by keyset (id > last, LIMIT CHUNK) on one read snapshot, so memory holds one chunk
whatever the archive's size, and a crawl writing meanwhile never yields an item whose story is
missing from the file. Ids are kept: an import gives every item and story its id back, so links
to /items/N keep working.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, FromClause, Row, Table, and_, case, select
from sqlalchemy.orm import Session

from storage.db import as_utc_midnight
from storage.models import Item, ItemAlias, ItemRevision, Source, Story, StoryMerge

FORMAT = "coopwatch-archive"
VERSION = 1
CHUNK = 500

ITEM = cast(Table, Item.__table__)
ALIAS = cast(Table, ItemAlias.__table__)
REVISION = cast(Table, ItemRevision.__table__)
STORY = cast(Table, Story.__table__)
MERGE = cast(Table, StoryMerge.__table__)
SOURCE = cast(Table, Source.__table__)

# Item columns as they appear in a record (the relevance columns under shorter names).
ITEM_FIELDS = {
    "id": "id", "guid": "guid", "source": "source", "url": "url",
    "canonical_url": "canonical_url", "title": "title", "subtitle": "subtitle",
    "summary": "summary", "body": "body", "place": "place", "content_type": "content_type",
    "tags": "tags", "language": "language", "published": "published_at",
    "published_layer": "published_layer", "published_raw": "published_raw",
    "provenance": "provenance", "relevance": "relevance_level", "score": "relevance_score",
    "reasons": "relevance_reasons", "story": "story_id", "origin": "origin",
    "first_seen": "first_seen_at", "last_seen": "last_seen_at", "updated": "updated_at",
    "content_hash": "content_hash", "simhash": "simhash",
}
STORY_FIELDS = {"id": "id", "title": "title", "first_published": "first_published_at",
                "created": "created_at"}
SOURCE_FIELDS = {"name": "name", "title": "title", "home_url": "home_url"}
ALIAS_FIELDS = {"url": "url", "canonical_url": "canonical_url", "rule": "rule",
                "first_seen": "first_seen_at"}
REVISION_FIELDS = {"revision": "revision", "recorded": "recorded_at",
                   "changed_fields": "changed_fields", "previous": "previous",
                   "content_hash": "content_hash"}
MERGE_FIELDS = {"story": "story_id", "item": "item_id", "matched_item": "matched_item_id",
                "rule": "rule", "reason": "reason", "created": "created_at"}
CSV_COLUMNS = ("id", "guid", "source", "url", "title", "published", "place", "content_type",
               "tags", "language", "relevance", "score", "reasons", "story", "origin",
               "first_seen", "last_seen", "updated", "aliases", "provenance", "summary", "body")


@dataclass(frozen=True)
class ExportFilter:
    """Which items to export; stories, merges and sources follow the items chosen."""

    source: str | None = None
    since: date | None = None  # published on or after
    levels: Sequence[str] = ()

    def clauses(self) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if self.source:
            where.append(ITEM.c.source == self.source)
        if self.since:
            where.append(ITEM.c.published_at >= as_utc_midnight(self.since))
        if self.levels:
            where.append(ITEM.c.relevance_level.in_(list(self.levels)))
        return where


def _value(value: Any) -> Any:
    # Full precision, UTC: the import must read back the very same instant.
    return value.isoformat().replace("+00:00", "Z") if isinstance(value, datetime) else value


def _record(row: Row[Any], fields: dict[str, str]) -> dict[str, Any]:
    mapping = row._mapping
    return {key: _value(mapping[column]) for key, column in fields.items()}


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def read_snapshot(session: Session) -> None:
    """Make every following query of `session` read one snapshot of the archive. Call first."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        return
    # pysqlite opens no transaction for a SELECT, so each query would see the latest commit;
    # an explicit BEGIN holds one WAL read snapshot until the session ends.
    raw = session.connection().connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        raw.execute("BEGIN")


def _chunks(session: Session, table: FromClause, where: Sequence[ColumnElement[bool]],
            chunk: int) -> Iterator[Sequence[Row[Any]]]:
    """Rows of `table` matching `where`, by id, `chunk` at a time (keyset: id > last)."""
    last: int | None = None
    while True:
        stmt = select(table).where(*where).order_by(table.c.id).limit(chunk)
        if last is not None:
            stmt = stmt.where(table.c.id > last)
        rows = session.execute(stmt).all()
        if rows:
            yield rows
        if len(rows) < chunk:
            return
        last = rows[-1].id


def _nested(session: Session, table: FromClause, item_ids: list[int],
            order: ColumnElement[Any]) -> dict[int, list[Row[Any]]]:
    """Aliases or revisions of one chunk of items, by item id."""
    found: dict[int, list[Row[Any]]] = {}
    for row in session.execute(select(table).where(table.c.item_id.in_(item_ids))
                               .order_by(table.c.item_id, order)):
        found.setdefault(row.item_id, []).append(row)
    return found


def _items(session: Session, chosen: ExportFilter, chunk: int) -> Iterator[
        tuple[Row[Any], list[Row[Any]], list[Row[Any]]]]:
    """(item, aliases, revisions), chunk by chunk."""
    for rows in _chunks(session, ITEM, chosen.clauses(), chunk):
        ids = [row.id for row in rows]
        aliases = _nested(session, ALIAS, ids, ALIAS.c.id)
        revisions = _nested(session, REVISION, ids, REVISION.c.revision)
        for row in rows:
            yield row, aliases.get(row.id, []), revisions.get(row.id, [])


def export_jsonl(session: Session, chosen: ExportFilter = ExportFilter(),
                 chunk: int = CHUNK) -> Iterator[str]:
    """The archive (or the items `chosen`) as JSON lines, one record per line."""
    read_snapshot(session)
    items = select(ITEM.c.id).where(*chosen.clauses())
    yield _line({"format": FORMAT, "version": VERSION})
    for row in session.execute(select(SOURCE).where(SOURCE.c.name.in_(
            select(ITEM.c.source).where(*chosen.clauses()))).order_by(SOURCE.c.name)):
        yield _line({"type": "source"} | _record(row, SOURCE_FIELDS))
    stories = STORY.c.id.in_(select(ITEM.c.story_id).where(*chosen.clauses()))
    for rows in _chunks(session, STORY, [stories], chunk):
        for row in rows:
            yield _line({"type": "story"} | _record(row, STORY_FIELDS))
    for row, aliases, revisions in _items(session, chosen, chunk):
        yield _line({"type": "item"} | _record(row, ITEM_FIELDS) | {
            "aliases": [_record(a, ALIAS_FIELDS) for a in aliases],
            "revisions": [_record(r, REVISION_FIELDS) for r in revisions]})
    # A merge's matched item may have been left out by the filter: then it is not named.
    matched = case((MERGE.c.matched_item_id.in_(items), MERGE.c.matched_item_id),
                   else_=None).label("matched_item_id")
    merges = select(MERGE.c.id, MERGE.c.story_id, MERGE.c.item_id, matched, MERGE.c.rule,
                    MERGE.c.reason, MERGE.c.created_at).where(
        and_(MERGE.c.item_id.in_(items), MERGE.c.story_id.in_(
            select(ITEM.c.story_id).where(*chosen.clauses())))).subquery()
    for rows in _chunks(session, merges, [], chunk):
        for row in rows:
            yield _line({"type": "merge"} | _record(row, MERGE_FIELDS))


def export_csv(session: Session, chosen: ExportFilter = ExportFilter(),
               chunk: int = CHUNK) -> Iterator[str]:
    """One CSV row per item (header first); lists and reasons as JSON text, aliases as URLs."""
    read_snapshot(session)
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def row_text(values: Sequence[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield row_text(CSV_COLUMNS)
    for row, aliases, _ in _items(session, chosen, chunk):
        record = _record(row, ITEM_FIELDS)
        record |= {"tags": "; ".join(map(str, record["tags"] or [])),
                   "reasons": json.dumps(record["reasons"], ensure_ascii=False),
                   "provenance": json.dumps(record["provenance"], ensure_ascii=False),
                   "aliases": " ".join(a.url for a in aliases)}
        yield row_text([record[column] for column in CSV_COLUMNS])
