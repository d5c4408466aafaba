"""One page of archive search results, shared by `GET /api/items` and the search page `/`:
the filters checked once (the saved-search feed's rules), storage.search underneath, a total
count, and an opaque cursor for the next page.

The cursor: a listing without `q` is ordered by publication date, newest first, then id — it
encodes the last item's (published, id) and the next page starts strictly after it (keyset:
items stored meanwhile never shift a page); ids alone would not do, as they do not follow
publication dates (a backfill stores the newest item first). A text search is ordered by
rank, which has no stable key: its cursor encodes an offset. Either way the client passes
`next_cursor` back unchanged with the same filters.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.orm import Session

from core.config import Config
from feeds.spec import search_feed
from storage.models import Item
from storage.search import (
    BadQuery,
    Hit,
    SearchQuery,
    build_statement,
    count_matches,
    ranked_statement,
    time_limit,
)

MAX_PAGE = 200


@dataclass(frozen=True)
class Page:
    hits: list[Hit]
    total: int
    next_cursor: str | None


def make_query(cfg: Config, q: str | None, source: str | None, since: date | None,
               until: date | None, levels: list[str] | None, limit: int) -> SearchQuery:
    """The SearchQuery for these filters, or BadQuery (a 400) saying what to fix."""
    levels = [part for value in levels or [] for part in value.replace(",", " ").split()]
    spec = search_feed(cfg, q, source, levels)  # length, control characters, terms, names
    if not 1 <= limit <= MAX_PAGE:
        raise BadQuery(f"limit must be between 1 and {MAX_PAGE}")
    if until == date.max:  # the last day there is: no upper bound (its next day overflows)
        until = None
    query = SearchQuery(text=spec.query, source=spec.source, since=since, until=until,
                        levels=spec.levels if levels else (), limit=limit,
                        timeout_s=cfg.get_seconds("COOPWATCH_SEARCH_TIMEOUT_S"))
    if since and until and since > until:
        raise BadQuery(f"since {since} is after until {until}")
    return query


def _encode(data: dict[str, Any]) -> str:
    raw = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode())
    return raw.decode().rstrip("=")  # no padding: nothing to escape in a URL


def _decode(cursor: str) -> dict[str, Any]:
    bad = BadQuery("cursor is not one this server gave out: start again without it")
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii") + b"=="))
    except (ValueError, binascii.Error, UnicodeError) as err:
        raise bad from err
    if not isinstance(data, dict):
        raise bad
    if isinstance(data.get("o"), int) and data["o"] >= 0:
        return data
    if isinstance(data.get("i"), int) and (data.get("p") is None or isinstance(data["p"], str)):
        try:
            data["p"] = datetime.fromisoformat(data["p"]) if data["p"] else None
        except ValueError as err:
            raise bad from err
        if data["p"] is None or data["p"].tzinfo is not None:
            return data
    raise bad


def _after(published: datetime | None, item_id: int) -> ColumnElement[bool]:
    """Rows after (published, id) in the order `published DESC NULLS LAST, id DESC`."""
    if published is None:
        return and_(Item.published_at.is_(None), Item.id < item_id)
    return or_(Item.published_at < published, Item.published_at.is_(None),
               and_(Item.published_at == published, Item.id < item_id))


def search_page(session: Session, query: SearchQuery, cursor: str | None = None) -> Page:
    """Up to `query.limit` hits after `cursor`, the total number of matches, the next cursor."""
    position = _decode(cursor) if cursor else {}
    if (query.text and "i" in position) or (not query.text and "o" in position):
        raise BadQuery("cursor belongs to another kind of query: start again without it")
    probe = replace(query, limit=query.limit + 1)  # one more tells whether a next page exists
    offset = position.get("o", 0)
    if query.text:
        stmt = ranked_statement(session, probe, offset)
    else:
        stmt = build_statement(session, probe)
        if "i" in position:
            stmt = stmt.where(_after(position["p"], position["i"]))
    with time_limit(session, query):
        rows = session.execute(stmt).all()
        total = count_matches(session, query)
    hits = [Hit(item=row[0], rank=row[1], snippet=row[2]) for row in rows]
    next_cursor = None
    if len(hits) > query.limit:
        hits = hits[:query.limit]
        last = hits[-1].item
        next_cursor = _encode({"o": offset + query.limit} if query.text else
                              {"p": last.published_at.isoformat() if last.published_at else None,
                               "i": last.id})
    return Page(hits=hits, total=total, next_cursor=next_cursor)
