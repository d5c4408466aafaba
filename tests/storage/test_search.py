"""Full-text search on both backends: ranking, filters, and bad input refused clearly."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from storage.models import Item
from storage.search import (
    MAX_LIMIT,
    BadQuery,
    SearchQuery,
    build_statement,
    count_matches,
    parse_terms,
    search,
    show_sql,
)
from storage.seed import import_seeds


@pytest.fixture
def seeded(session: Session) -> Session:
    import_seeds(session)
    session.commit()
    return session


def titles(session: Session, **kw: object) -> list[str]:
    return [h.item.title for h in search(session, SearchQuery(**kw))]  # type: ignore[arg-type]


def test_bratislava_finds_both_versions_of_one_story(seeded: Session) -> None:
    hits = search(seeded, SearchQuery(text="Bratislava"))
    assert len(hits) == 2 and hits[0].item.story_id == hits[1].item.story_id
    assert {h.item.source for h in hits} == {"osce", "interpol"}
    assert all(h.snippet for h in hits)


def test_phrase_and_words(seeded: Session) -> None:
    assert "OSCE Secretariat and INTERPOL launch joint action plan to combat transnational " \
           "crime" in titles(seeded, text="joint action plan")
    assert titles(seeded, text='"joint action plan" Pongau')[0].startswith(("OSCE Secretariat",
                                                                            "OSCE – INTERPOL"))


def test_title_matches_rank_first(seeded: Session) -> None:
    assert titles(seeded, text="way ahead")[0] == "OSCE – INTERPOL Co-operation and the Way Ahead"


def test_filters(seeded: Session) -> None:
    assert len(titles(seeded)) == 5
    assert len(titles(seeded, source="interpol")) == 2
    assert len(titles(seeded, since=date(2019, 1, 1))) == 3
    assert len(titles(seeded, since=date(2017, 5, 16), until=date(2017, 5, 16))) == 1
    assert titles(seeded, levels=("primary",)) == []  # unclassified seeds are level none
    assert titles(seeded)[0].startswith("Innovative responses")  # newest first without text


def test_operators_are_literal_words(seeded: Session) -> None:
    # "AND", "OR", "NOT", "NEAR" are words here, not operators: no error, sensible results.
    assert titles(seeded, text="OSCE AND INTERPOL") == titles(seeded, text="osce and interpol")


@pytest.mark.parametrize("bad, message", [
    ('"joint action', "unbalanced double quote"),
    ("'; DROP TABLE item; --", "query syntax"),
    ("interp*", "query syntax"),
    ("title:OSCE", "query syntax"),
    ("   ", None),
    ("-- ..", "nothing to search for"),
])
def test_bad_queries_are_refused_and_harm_nothing(seeded: Session, bad: str,
                                                  message: str | None) -> None:
    if message is None:  # blank text lists everything
        assert len(titles(seeded, text=bad)) == 5
        return
    with pytest.raises(BadQuery, match=message):
        search(seeded, SearchQuery(text=bad))
    assert "item" in inspect(seeded.get_bind()).get_table_names()
    assert len(seeded.scalars(select(Item)).all()) == 5


def test_bad_levels_limits_and_ranges(seeded: Session) -> None:
    with pytest.raises(BadQuery, match="unknown level"):
        search(seeded, SearchQuery(levels=("urgent",)))
    with pytest.raises(BadQuery, match="limit"):
        search(seeded, SearchQuery(limit=0))
    with pytest.raises(BadQuery, match="after"):
        search(seeded, SearchQuery(since=date(2020, 1, 1), until=date(2019, 1, 1)))


def test_raw_mode_speaks_the_engines_syntax(seeded: Session) -> None:
    if seeded.get_bind().dialect.name == "sqlite":  # FTS5: prefix queries; errors are refused
        with pytest.raises(BadQuery, match="rejected"):
            search(seeded, SearchQuery(text='"unclosed AND (', raw=True))
        assert len(titles(seeded, text="interpol*", raw=True)) == 5
    else:  # websearch_to_tsquery: never a syntax error; "-word" excludes
        assert len(titles(seeded, text='"unclosed AND (', raw=True)) == 0
        assert len(titles(seeded, text="interpol -bratislava", raw=True)) == 3


def clone(session: Session, item: Item, copies: int) -> None:
    """Items with `item`'s text under other URLs: equal bm25 scores, ties broken by id."""
    for n in range(copies):
        url = f"https://example.org/clone/{item.id}/{n}"
        session.add(Item(source=item.source, url=url, canonical_url=url, guid=url,
                         title=item.title, summary=item.summary, body=item.body,
                         place=item.place, tags=item.tags, published_at=item.published_at,
                         content_hash=f"clone-{item.id}-{n}", simhash=n))
    session.flush()


@pytest.mark.parametrize("kw", [
    {"text": "INTERPOL"}, {"text": "OSCE", "source": "osce"},
    {"text": "joint action plan", "levels": ("none",)},
    {"text": "INTERPOL", "since": date(2017, 1, 1), "until": date(2021, 12, 31)},
    {"text": "interpol*", "raw": True}, {"text": "nowhere-to-be-found"}, {},
])
def test_every_page_is_the_flat_statements_rows(seeded: Session, kw: dict[str, Any]) -> None:
    # search() ranks inside the FTS table and joins only one page of items: it must give the
    # rows, ranks, snippets and order of the flat join sorted by rank (what feeds re-order),
    # ties included, on every page; count_matches() counts the same matches.
    for item in seeded.scalars(select(Item)).all():
        clone(seeded, item, 2)
    q = SearchQuery(limit=3, **kw)
    whole = [(r[0].id, r[1], r[2]) for r in seeded.execute(
        build_statement(seeded, replace(q, limit=MAX_LIMIT))).all()]
    pages = [[(h.item.id, h.rank, h.snippet) for h in search(seeded, q, offset)]
             for offset in range(0, len(whole) + 3, 3)]
    assert [row for page in pages for row in page] == whole and pages[-1] == []
    assert count_matches(seeded, q) == len(whole)
    assert len(whole) > 3 or kw.get("text") == "nowhere-to-be-found"


def test_show_sql_prints_the_statement(seeded: Session) -> None:
    sql = show_sql(seeded, SearchQuery(text="Bratislava", source="osce"))
    assert "item" in sql and "osce" in sql


def test_parse_terms_keeps_phrases() -> None:
    assert parse_terms('joint "action plan" INTERPOL\'s') == ["joint", "action plan",
                                                              "INTERPOL's"]
