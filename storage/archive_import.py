"""Import a JSON-lines export (storage.export) into an empty archive: the same ids, GUIDs,
stories, relevance, provenance, aliases and revisions, so that exporting the result gives the
very same file.

Every line is checked before it is stored — JSON, record type, the export's section order, each
field known, present and of its type, ids unique, references to earlier records — and the first
bad line ends the import with ImportFailed naming the line. The caller runs the import in one
transaction (`coopwatch import` does), so a failed import stores nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage import state
from storage.export import (
    ALIAS,
    ALIAS_FIELDS,
    FORMAT,
    ITEM,
    ITEM_FIELDS,
    MERGE,
    MERGE_FIELDS,
    REVISION,
    REVISION_FIELDS,
    SOURCE,
    SOURCE_FIELDS,
    STORY,
    STORY_FIELDS,
    VERSION,
)

BATCH = 500
SECTIONS = ("source", "story", "item", "merge")  # the order of an export's records


class ImportFailed(ValueError):
    """A line that cannot be imported, or an archive that cannot take an import."""


def _check(kind: type | tuple[type, ...], nullable: bool = False) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value is None and nullable:
            return None
        # bool is an int to Python, never to the archive.
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise ValueError(f"must be {names}{' or null' if nullable else ''}")
        return value
    return check


def _instant(nullable: bool = False) -> Callable[[Any], datetime | None]:
    def check(value: Any) -> datetime | None:
        if value is None and nullable:
            return None
        try:
            parsed = datetime.fromisoformat(_check(str)(value))
        except ValueError as err:
            raise ValueError("must be an ISO 8601 date-time with its UTC offset") from err
        if parsed.tzinfo is None:
            raise ValueError("must be an ISO 8601 date-time with its UTC offset")
        return parsed
    return check


TEXT, TEXT_OR_NULL = _check(str), _check(str, nullable=True)
INT, INT_OR_NULL = _check(int), _check(int, nullable=True)
LIST, DICT = _check(list), _check(dict)
WHEN, WHEN_OR_NULL = _instant(), _instant(nullable=True)

SOURCE_TYPES = {"name": TEXT, "title": TEXT, "home_url": TEXT}
STORY_TYPES = {"id": INT, "title": TEXT, "first_published": WHEN_OR_NULL, "created": WHEN}
ITEM_TYPES = {
    "id": INT, "guid": TEXT, "source": TEXT, "url": TEXT_OR_NULL, "canonical_url": TEXT,
    "title": TEXT, "subtitle": TEXT_OR_NULL, "summary": TEXT_OR_NULL, "body": TEXT,
    "place": TEXT_OR_NULL, "content_type": TEXT_OR_NULL, "tags": LIST,
    "language": TEXT_OR_NULL, "published": WHEN_OR_NULL, "published_layer": TEXT_OR_NULL,
    "published_raw": TEXT_OR_NULL, "provenance": DICT, "relevance": TEXT,
    "score": _check((int, float)), "reasons": LIST, "story": INT_OR_NULL, "origin": TEXT,
    "first_seen": WHEN, "last_seen": WHEN, "updated": WHEN_OR_NULL, "content_hash": TEXT,
    "simhash": INT, "aliases": LIST, "revisions": LIST,
}
ALIAS_TYPES = {"url": TEXT, "canonical_url": TEXT, "rule": TEXT, "first_seen": WHEN}
REVISION_TYPES = {"revision": INT, "recorded": WHEN, "changed_fields": LIST, "previous": DICT,
                  "content_hash": TEXT}
MERGE_TYPES = {"story": INT, "item": INT, "matched_item": INT_OR_NULL, "rule": TEXT,
               "reason": TEXT, "created": WHEN}


def _fields(record: dict[str, Any], types: dict[str, Callable[[Any], Any]],
            what: str) -> dict[str, Any]:
    """The record's values, each checked and converted; ValueError says which field."""
    unknown = sorted(set(record) - set(types))
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r} in {what}")
    missing = [name for name in types if name not in record]
    if missing:
        raise ValueError(f"{what} lacks the field {missing[0]!r}")
    values = {}
    for name, check in types.items():
        try:
            values[name] = check(record[name])
        except ValueError as err:
            raise ValueError(f"{what}: {name!r} {err}") from err
    return values


def _row(values: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
    return {column: values[key] for key, column in fields.items()}


class _Importer:
    """The import's state: ids seen (for references and duplicates), rows waiting in batches."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.sources = set(session.scalars(select(SOURCE.c.name)))
        self.stories: set[int] = set()
        self.items: set[int] = set()
        self.section = -1
        self.pending: dict[str, list[dict[str, Any]]] = {t: [] for t in (
            "source", "story", "item", "alias", "revision", "merge")}
        self.first_pending = 0
        self.counts = dict.fromkeys(("sources", "stories", "items", "aliases", "revisions",
                                     "merges"), 0)

    def add(self, number: int, record: dict[str, Any]) -> None:
        kind = record.pop("type", None)
        if kind not in SECTIONS:
            raise ValueError(f"'type' must be one of {', '.join(SECTIONS)}, not {kind!r}")
        if SECTIONS.index(kind) < self.section:
            raise ValueError(f"a {kind} record after the {SECTIONS[self.section]} records "
                             f"(an export lists {', '.join(SECTIONS)}, in this order)")
        self.section = SECTIONS.index(kind)
        if not any(self.pending.values()):
            self.first_pending = number
        getattr(self, f"_{kind}")(record)
        if sum(map(len, self.pending.values())) >= BATCH:
            self.flush(number)

    def _source(self, record: dict[str, Any]) -> None:
        values = _fields(record, SOURCE_TYPES, "a source record")
        if values["name"] not in self.sources:  # a target's own sources are kept as they are
            self.sources.add(values["name"])
            self.pending["source"].append(_row(values, SOURCE_FIELDS))

    def _story(self, record: dict[str, Any]) -> None:
        values = _fields(record, STORY_TYPES, "a story record")
        if values["id"] in self.stories:
            raise ValueError(f"story {values['id']} appears twice")
        self.stories.add(values["id"])
        self.pending["story"].append(_row(values, STORY_FIELDS))

    def _item(self, record: dict[str, Any]) -> None:
        values = _fields(record, ITEM_TYPES, "an item record")
        item_id = values["id"]
        if item_id in self.items:
            raise ValueError(f"item {item_id} appears twice")
        if values["source"] not in self.sources:
            raise ValueError(f"item {item_id} names source {values['source']!r}, which "
                             "neither the archive nor an earlier source record has")
        if values["story"] is not None and values["story"] not in self.stories:
            raise ValueError(f"item {item_id} names story {values['story']}, which no "
                             "earlier story record has")
        self.items.add(item_id)
        self.pending["item"].append(_row(values, ITEM_FIELDS))
        for alias in values["aliases"]:
            checked = _fields(_check(dict)(alias), ALIAS_TYPES, f"an alias of item {item_id}")
            self.pending["alias"].append({"item_id": item_id} | _row(checked, ALIAS_FIELDS))
        for revision in values["revisions"]:
            checked = _fields(_check(dict)(revision), REVISION_TYPES,
                              f"a revision of item {item_id}")
            self.pending["revision"].append({"item_id": item_id} |
                                            _row(checked, REVISION_FIELDS))

    def _merge(self, record: dict[str, Any]) -> None:
        values = _fields(record, MERGE_TYPES, "a merge record")
        for key, known in (("story", self.stories), ("item", self.items),
                           ("matched_item", self.items)):
            if values[key] is not None and values[key] not in known:
                raise ValueError(f"merge names {key.replace('_', ' ')} {values[key]}, which "
                                 "no earlier record has")
        self.pending["merge"].append(_row(values, MERGE_FIELDS))

    def flush(self, number: int) -> None:
        """Store the waiting rows, parents first. A constraint the checks above cannot see
        (the same GUID or canonical URL twice) names the lines of the batch."""
        tables: dict[str, tuple[Table, str]] = {
            "source": (SOURCE, "sources"), "story": (STORY, "stories"),
            "item": (ITEM, "items"), "alias": (ALIAS, "aliases"),
            "revision": (REVISION, "revisions"), "merge": (MERGE, "merges")}
        try:
            for kind, rows in self.pending.items():
                if rows:
                    table, counter = tables[kind]
                    self.session.execute(insert(table), rows)
                    self.counts[counter] += len(rows)
        except IntegrityError as err:
            detail = str(err.orig).strip().splitlines()[0]
            raise ImportFailed(f"lines {self.first_pending}–{number}: the archive refused "
                               f"them: {detail}") from err
        for rows in self.pending.values():
            rows.clear()


def _restart_sequences(session: Session) -> None:
    """PostgreSQL hands out ids from sequences, which explicit ids do not move: set them past
    the imported ids, or the next crawl's item would collide. (SQLite uses max(id) + 1.)"""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("item", "story"):
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"))


def import_archive(session: Session, lines: Iterable[bytes | str]) -> dict[str, int]:
    """Read an export into the empty archive of `session`; counts of what was stored.
    Raises ImportFailed; the caller's transaction then holds a partial import: roll it back."""
    stored = session.scalar(select(func.count()).select_from(ITEM))
    stories = session.scalar(select(func.count()).select_from(STORY))
    if stored or stories:
        raise ImportFailed(f"the archive is not empty ({stored} items, {stories} stories): "
                           "import into a new database (`coopwatch db upgrade` on a fresh "
                           "COOPWATCH_DATABASE_URL)")
    importer = _Importer(session)
    number = 0
    for number, raw in enumerate(lines, 1):
        try:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            if not line.strip():
                continue
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("a record must be a JSON object")
            if number == 1:
                _header(record)
            else:
                importer.add(number, record)
        except ImportFailed:
            raise
        except UnicodeDecodeError as err:
            raise ImportFailed(f"line {number}: not UTF-8 (byte {err.start})") from err
        except json.JSONDecodeError as err:
            raise ImportFailed(f"line {number}: not valid JSON ({err.msg} at column "
                               f"{err.colno})") from err
        except (ValueError, RecursionError) as err:
            raise ImportFailed(f"line {number}: {err}") from err
    if number == 0:
        raise ImportFailed("the file is empty: an export starts with its format line")
    importer.flush(number)
    _restart_sequences(session)
    if importer.counts["items"]:
        state.bump(session)
    return importer.counts


def _header(record: dict[str, Any]) -> None:
    if record.get("format") != FORMAT:
        raise ValueError(f"not a coopwatch export: the first line must be "
                         f'{{"format": "{FORMAT}", "version": {VERSION}}}')
    if record.get("version") != VERSION or set(record) != {"format", "version"}:
        raise ValueError(f"export version {record.get('version')!r} is not one this "
                         f"coopwatch reads (version {VERSION})")
