"""Search the archive: one function over SQLite FTS5 and PostgreSQL full-text search.

Free text is quoted into phrases, so user input can never be query syntax: words are ANDed,
"double-quoted phrases" stay phrases, and characters that only mean something to a query
language (`;`, `*`, `(`, `:` …) are refused with a message rather than half-interpreted.
`raw=True` hands the text to the engine's own syntax (FTS5 MATCH / websearch_to_tsquery).

Every query is bounded, in the CLI and the API alike. A word or phrase given twice is searched
once: FTS5's snippet() weighs each candidate passage against every instance of every phrase,
so N copies of one word cost N² (1,000 × "border": 4 s on five items). At most MAX_TERMS words
and phrases and MAX_WORDS words in all are searched, and the statements stop after
`SearchQuery.timeout_s` (COOPWATCH_SEARCH_TIMEOUT_S): SQLite's progress handler,
PostgreSQL's statement_timeout. Each limit is a BadQuery that says what to change.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, column, func, literal_column, select, table, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from core.article import LEVELS
from storage.db import as_utc_midnight
from storage.fulltext import PG_SEARCH_VECTOR
from storage.models import Item

MAX_LIMIT = 1000
MAX_TERMS = 16
MAX_WORDS = 32
SEARCH_TIMEOUT_S = 10.0
# SQLite calls the progress handler every this many virtual machine instructions (~10-50 µs).
_PROGRESS_STEPS = 1000
_WORD = re.compile(r"\w+")
_SYNTAX = re.compile(r"[;*()\[\]{}:^+=<>|\\~`$#@!?%]")
_TERM = re.compile(r'"([^"]*)"|([^\s"]+)')
# title, subtitle, summary, body, place, tags (FTS5 column order in storage.fulltext)
_BM25 = "bm25(item_fts, 10.0, 5.0, 3.0, 1.0, 4.0, 2.0)"
_SNIPPET = "snippet(item_fts, 3, '[', ']', '…', 16)"
# A literal, not a parameter: a REGCONFIG bind cannot be inlined by --show-sql.
_EN: ColumnElement[Any] = literal_column("'english'")


class BadQuery(ValueError):
    """The user's query cannot be run; the message says why and how to fix it."""


class SearchTimeout(BadQuery):
    """The query ran past its time limit and was stopped."""


class QuerySyntax(BadQuery):
    """Query-language syntax in free text. The message offers the CLI's way out, raw mode;
    `plain` is the same without it, for the web API and pages, which have no raw mode."""

    def __init__(self, syntax: str) -> None:
        self.plain = f"'{syntax}' is query syntax, not text: search words or \"phrases\""
        super().__init__(f"{self.plain}, or use raw mode (--raw) for the full-text engine's "
                         "own syntax")


@dataclass(frozen=True)
class SearchQuery:
    text: str | None = None
    source: str | None = None
    since: date | None = None
    until: date | None = None
    levels: tuple[str, ...] = ()
    limit: int = 20
    raw: bool = False
    timeout_s: float = SEARCH_TIMEOUT_S


@dataclass
class Hit:
    item: Item
    rank: float | None = None
    snippet: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


def _check_words(count: int) -> None:
    if count > MAX_WORDS:
        raise BadQuery(f"the query has {count} words; search at most {MAX_WORDS}")


def parse_terms(query: str) -> list[str]:
    """Split free text into distinct words and phrases (the first spelling of each, compared
    case-insensitively); raise BadQuery on query-language syntax or past the bounds."""
    if query.count('"') % 2:
        raise BadQuery('unbalanced double quote: close the "phrase" or remove the quote')
    if m := _SYNTAX.search(query):
        raise QuerySyntax(m.group())
    distinct: dict[str, str] = {}
    for phrase, word in _TERM.findall(query):
        term = " ".join(_WORD.findall(phrase or word))
        if term:
            distinct.setdefault(term.casefold(), (phrase or word).strip())
    if not distinct:
        raise BadQuery("nothing to search for: give at least one word")
    if len(distinct) > MAX_TERMS:
        raise BadQuery(f"the query has {len(distinct)} different words and phrases; "
                       f"search at most {MAX_TERMS}")
    _check_words(sum(len(_WORD.findall(key)) for key in distinct))
    return list(distinct.values())


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
    if not q.timeout_s > 0:
        raise BadQuery(f"the time limit must be more than 0 seconds, not {q.timeout_s}")
    if q.raw and q.text:
        _check_words(len(_WORD.findall(q.text)))


def _filters(stmt: Select[Any, Any, Any], q: SearchQuery) -> Select[Any, Any, Any]:
    if q.source:
        stmt = stmt.where(Item.source == q.source)
    if q.since:
        stmt = stmt.where(Item.published_at >= as_utc_midnight(q.since))
    if q.until and q.until < date.max:  # the last day there is: no bound (its next day is not)
        stmt = stmt.where(Item.published_at < as_utc_midnight(q.until + timedelta(days=1)))
    if q.levels:
        stmt = stmt.where(Item.relevance_level.in_(q.levels))
    return stmt


def _match(q: SearchQuery) -> str:
    """The FTS5 MATCH expression of a text query."""
    return (q.text or "") if q.raw else fts5_expression(parse_terms(q.text or ""))


def _pg_tsquery(q: SearchQuery) -> ColumnElement[Any]:
    if q.raw:
        return func.websearch_to_tsquery(_EN, q.text)
    parts = [func.phraseto_tsquery(_EN, t) for t in parse_terms(q.text or "")]
    tsq: ColumnElement[Any] = parts[0]
    for part in parts[1:]:
        tsq = tsq.op("&&")(part)
    return tsq


def _has_filters(q: SearchQuery) -> bool:
    return bool(q.source or q.since or q.until or q.levels)


def build_statement(session: Session, q: SearchQuery) -> Select[Any, Any, Any]:
    """Every match of `q` with its filters as one flat join (Item, rank, snippet), best first,
    `q.limit` rows: the statement to re-order or count (saved-search feeds order it by date).
    Its SQLite rank and snippet are computed for every match before the sort: to show ranked
    hits, run ranked_statement(), which returns the same rows in the same order."""
    validate(q)
    stmt: Select[Any, Any, Any]
    if not q.text or not q.text.strip():
        stmt = select(Item, literal_column("NULL").label("rank"),
                      literal_column("NULL").label("snippet"))
        stmt = _filters(stmt, q).order_by(Item.published_at.desc().nulls_last(), Item.id.desc())
        return stmt.limit(q.limit)
    if session.get_bind().dialect.name == "sqlite":
        fts = table("item_fts", column("rowid"))
        stmt = (select(Item, literal_column(_BM25).label("rank"),
                       literal_column(_SNIPPET).label("snippet"))
                .join(fts, fts.c.rowid == Item.id)
                .where(text("item_fts MATCH :match").bindparams(match=_match(q)))
                .order_by(literal_column("rank"), Item.id.desc()))
    else:
        vector: ColumnElement[Any] = literal_column(PG_SEARCH_VECTOR)
        tsq = _pg_tsquery(q)
        rank = func.ts_rank_cd(vector, tsq)
        snippet = func.ts_headline(_EN, func.left(Item.body, 20000), tsq,
                                   "StartSel=[,StopSel=],MaxWords=25,MinWords=10")
        stmt = (select(Item, (-rank).label("rank"), snippet.label("snippet"))
                .where(vector.op("@@")(tsq)).order_by(literal_column("rank"), Item.id.desc()))
    return _filters(stmt, q).limit(q.limit)


def ranked_statement(session: Session, q: SearchQuery, offset: int = 0
                     ) -> Select[Any, Any, Any]:
    """Rows `offset` … `offset + q.limit` of build_statement()'s order: what search() runs.

    SQLite: bm25 is ranked inside item_fts, where a sort row is (rowid, score) instead of a whole
    item, and only the page's rows are then joined to item and given a snippet (snippet() reads
    and tokenizes the item's text, so one per match cost more than the ranking). bm25 itself is
    still computed for every match: that is what makes the ranking exact (bench/search.py)."""
    if not q.text or not q.text.strip() or session.get_bind().dialect.name != "sqlite":
        stmt = build_statement(session, q)
        return stmt.offset(offset) if offset else stmt
    validate(q)
    match = _match(q)
    fts = table("item_fts", column("rowid"))
    top = (select(fts.c.rowid.label("id"), literal_column(_BM25).label("score"))
           .where(text("item_fts MATCH :match").bindparams(match=match)))
    if _has_filters(q):
        top = _filters(top.join_from(fts, Item, Item.id == fts.c.rowid), q)
    ranked = (top.order_by(literal_column("score"), fts.c.rowid.desc())
              .limit(q.limit).offset(offset).subquery("top"))
    # A correlated subquery, not a join: SQLite would otherwise scan item_fts for every match
    # again as the outer loop of the join.
    snippet = (select(literal_column(_SNIPPET)).select_from(fts)
               .where(text("item_fts MATCH :snippet_match").bindparams(snippet_match=match),
                      fts.c.rowid == ranked.c.id).scalar_subquery())
    return (select(Item, ranked.c.score.label("rank"), snippet.label("snippet"))
            .join_from(ranked, Item, Item.id == ranked.c.id)
            .order_by(ranked.c.score, ranked.c.id.desc()))


def count_matches(session: Session, q: SearchQuery) -> int:
    """How many items build_statement() would find without its limit."""
    validate(q)
    if q.text and q.text.strip() and session.get_bind().dialect.name == "sqlite" \
            and not _has_filters(q):
        # Every item_fts row is an item (triggers keep them in step): joining item would read
        # each matching item's row only to count it.
        fts = table("item_fts", column("rowid"))
        stmt = select(func.count()).select_from(fts).where(
            text("item_fts MATCH :match").bindparams(match=_match(q)))
    else:
        counted = build_statement(session, q).with_only_columns(Item.id)
        stmt = select(func.count()).select_from(counted.order_by(None).limit(None).subquery())
    return session.scalar(stmt) or 0


@contextmanager
def time_limit(session: Session, q: SearchQuery) -> Iterator[None]:
    """Run the statements inside under `q`'s time limit, and its raw syntax errors as what they
    are: SearchTimeout or BadQuery (the session rolled back), never an engine error."""
    conn = session.connection()
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        driver: Any = conn.connection.driver_connection
        deadline = time.monotonic() + q.timeout_s
        driver.set_progress_handler(lambda: time.monotonic() > deadline, _PROGRESS_STEPS)
    else:
        conn.execute(text(f"SET LOCAL statement_timeout = {max(1, round(q.timeout_s * 1000))}"))
    try:
        yield
        if not sqlite:
            conn.execute(text("SET LOCAL statement_timeout TO DEFAULT"))
    except OperationalError as err:
        if sqlite:  # before the rollback hands the connection back to the pool
            driver.set_progress_handler(None, 0)
        # SQLite's progress handler ends the statement with "interrupted"; PostgreSQL cancels
        # it with SQLSTATE 57014 (query_canceled).
        stopped = str(err.orig) == "interrupted" or getattr(err.orig, "sqlstate", None) == "57014"
        if not stopped and not q.raw:
            raise  # not the user's query: a missing table, a locked file …
        session.rollback()
        if stopped:
            raise SearchTimeout(f"the search took longer than {q.timeout_s:g} s and was stopped: "
                                "search fewer or rarer words, or add filters") from err
        # FTS5 rejects its own syntax errors at run time.
        raise BadQuery(f"the full-text engine rejected the query: {err.orig}") from err
    finally:
        if sqlite:
            driver.set_progress_handler(None, 0)


def search(session: Session, q: SearchQuery, offset: int = 0) -> list[Hit]:
    stmt = ranked_statement(session, q, offset)
    with time_limit(session, q):
        rows = session.execute(stmt).all()
    return [Hit(item=row[0], rank=row[1], snippet=row[2]) for row in rows]


def show_sql(session: Session, q: SearchQuery) -> str:
    """The statement search() would run, with its parameters inlined, for --show-sql."""
    stmt = ranked_statement(session, q)
    dialect = session.get_bind().dialect
    return str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
