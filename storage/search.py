"""Search the archive: one function over SQLite FTS5 and PostgreSQL full-text search.

Free text is quoted into phrases, so user input can never be query syntax: words are ANDed,
"double-quoted phrases" stay phrases, and characters that only mean something to a query
language (`;`, `*`, `(`, `:` …) are refused with a message rather than half-interpreted.
`raw=True` hands the text to the engine's own syntax (FTS5 MATCH / websearch_to_tsquery).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, column, func, literal_column, select, table, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from storage.article import LEVELS
from storage.db import as_utc_midnight
from storage.fulltext import PG_SEARCH_VECTOR
from storage.models import Item

MAX_LIMIT = 1000
_SYNTAX = re.compile(r"[;*()\[\]{}:^+=<>|\\~`$#@!?%]")
_TERM = re.compile(r'"([^"]*)"|([^\s"]+)')
# title, subtitle, summary, body, place, tags (FTS5 column order in storage.fulltext)
_BM25 = "bm25(item_fts, 10.0, 5.0, 3.0, 1.0, 4.0, 2.0)"
# A literal, not a parameter: a REGCONFIG bind cannot be inlined by --show-sql.
_EN: ColumnElement[Any] = literal_column("'english'")


class BadQuery(ValueError):
    """The user's query cannot be run; the message says why and how to fix it."""


@dataclass(frozen=True)
class SearchQuery:
    text: str | None = None
    source: str | None = None
    since: date | None = None
    until: date | None = None
    levels: tuple[str, ...] = ()
    limit: int = 20
    raw: bool = False


@dataclass
class Hit:
    item: Item
    rank: float | None = None
    snippet: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


def parse_terms(query: str) -> list[str]:
    """Split free text into words and phrases; raise BadQuery on query-language syntax."""
    if query.count('"') % 2:
        raise BadQuery('unbalanced double quote: close the "phrase" or remove the quote')
    if m := _SYNTAX.search(query):
        raise BadQuery(f"'{m.group()}' is query syntax, not text: search words or \"phrases\","
                       " or use raw mode (--raw) for the full-text engine's own syntax")
    terms = [(phrase or word).strip() for phrase, word in
             _TERM.findall(query)]
    terms = [t for t in terms if re.search(r"\w", t)]
    if not terms:
        raise BadQuery("nothing to search for: give at least one word")
    return terms


def fts5_expression(terms: list[str]) -> str:
    """`"word" "a phrase"` — each term a quoted FTS5 string (inner quotes doubled)."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def validate(q: SearchQuery) -> None:
    bad = [lv for lv in q.levels if lv not in LEVELS]
    if bad:
        raise BadQuery(f"unknown level {', '.join(bad)}: use {', '.join(LEVELS)}")
    if not 1 <= q.limit <= MAX_LIMIT:
        raise BadQuery(f"limit must be between 1 and {MAX_LIMIT}")
    if q.since and q.until and q.since > q.until:
        raise BadQuery(f"--since {q.since} is after --until {q.until}")


def _filters(stmt: Select[Any, Any, Any], q: SearchQuery) -> Select[Any, Any, Any]:
    if q.source:
        stmt = stmt.where(Item.source == q.source)
    if q.since:
        stmt = stmt.where(Item.published_at >= as_utc_midnight(q.since))
    if q.until:
        stmt = stmt.where(Item.published_at < as_utc_midnight(q.until + timedelta(days=1)))
    if q.levels:
        stmt = stmt.where(Item.relevance_level.in_(q.levels))
    return stmt


def build_statement(session: Session, q: SearchQuery) -> Select[Any, Any, Any]:
    validate(q)
    dialect = session.get_bind().dialect.name
    stmt: Select[Any, Any, Any]
    if not q.text or not q.text.strip():
        stmt = select(Item, literal_column("NULL").label("rank"),
                      literal_column("NULL").label("snippet"))
        stmt = _filters(stmt, q).order_by(Item.published_at.desc().nulls_last(), Item.id.desc())
        return stmt.limit(q.limit)
    if dialect == "sqlite":
        match = q.text if q.raw else fts5_expression(parse_terms(q.text))
        fts = table("item_fts", column("rowid"))
        stmt = (select(Item, literal_column(_BM25).label("rank"),
                       literal_column("snippet(item_fts, 3, '[', ']', '…', 16)").label("snippet"))
                .join(fts, fts.c.rowid == Item.id)
                .where(text("item_fts MATCH :match").bindparams(match=match))
                .order_by(literal_column("rank"), Item.id.desc()))
    else:
        vector: ColumnElement[Any] = literal_column(PG_SEARCH_VECTOR)
        tsq: ColumnElement[Any]
        if q.raw:
            tsq = func.websearch_to_tsquery(_EN, q.text)
        else:
            parts = [func.phraseto_tsquery(_EN, t) for t in parse_terms(q.text)]
            tsq = parts[0]
            for part in parts[1:]:
                tsq = tsq.op("&&")(part)
        rank = func.ts_rank_cd(vector, tsq)
        snippet = func.ts_headline(_EN, func.left(Item.body, 20000), tsq,
                                   "StartSel=[,StopSel=],MaxWords=25,MinWords=10")
        stmt = (select(Item, (-rank).label("rank"), snippet.label("snippet"))
                .where(vector.op("@@")(tsq)).order_by(literal_column("rank"), Item.id.desc()))
    return _filters(stmt, q).limit(q.limit)


def search(session: Session, q: SearchQuery) -> list[Hit]:
    stmt = build_statement(session, q)
    try:
        rows = session.execute(stmt).all()
    except OperationalError as err:
        if not q.raw:
            raise  # not the user's query: a missing table, a locked file …
        # FTS5 rejects its own syntax errors at run time.
        session.rollback()
        raise BadQuery(f"the full-text engine rejected the query: {err.orig}") from err
    return [Hit(item=row[0], rank=row[1], snippet=row[2]) for row in rows]


def show_sql(session: Session, q: SearchQuery) -> str:
    """The statement search() would run, with its parameters inlined, for --show-sql."""
    stmt = build_statement(session, q)
    dialect = session.get_bind().dialect
    return str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
