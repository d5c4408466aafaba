"""Issue 13 (4): a query's work is bounded — repeated words are searched once, the number of
words and phrases is capped, and a statement past its time limit is stopped — on both
backends, in the library that the CLI and the API share."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from storage.search import (
    MAX_TERMS,
    MAX_WORDS,
    BadQuery,
    SearchQuery,
    SearchTimeout,
    fts5_expression,
    parse_terms,
    search,
    time_limit,
)
from storage.seed import import_seeds


@pytest.fixture
def seeded(session: Session) -> Session:
    import_seeds(session)
    session.commit()
    return session


def test_repeated_words_and_phrases_are_searched_once() -> None:
    # FTS5's snippet() compares every passage with every phrase instance: N copies of one word
    # cost N² (1,000 copies: seconds on five items). One copy is the same search.
    assert parse_terms(" ".join(["border"] * 5000)) == ["border"]
    assert parse_terms('Border border "BORDER" "joint  action" joint-action') == [
        "Border", "joint  action"]
    assert fts5_expression(parse_terms("border " * 1000)) == '"border"'


def test_a_repeated_word_finds_what_the_word_finds(seeded: Session) -> None:
    once = [(h.item.id, h.rank, h.snippet) for h in search(seeded, SearchQuery(text="Bratislava"))]
    many = search(seeded, SearchQuery(text=" ".join(["Bratislava"] * 400)))
    assert [(h.item.id, h.rank, h.snippet) for h in many] == once and len(once) == 2


@pytest.mark.parametrize("query, raw, message", [
    (" ".join(f"word{n}" for n in range(MAX_TERMS + 1)), False,
     f"{MAX_TERMS + 1} different words and phrases; search at most {MAX_TERMS}"),
    ('"' + " ".join(f"w{n}" for n in range(MAX_WORDS + 1)) + '"', False,
     f"{MAX_WORDS + 1} words; search at most {MAX_WORDS}"),
    (" OR ".join(["border"] * MAX_WORDS), True, f"search at most {MAX_WORDS}"),
])
def test_too_many_words_is_a_clear_bad_query(seeded: Session, query: str, raw: bool,
                                             message: str) -> None:
    with pytest.raises(BadQuery, match=message):
        search(seeded, SearchQuery(text=query, raw=raw))
    # within the bounds, the same kind of query runs
    assert search(seeded, SearchQuery(text=" ".join(["border"] * (MAX_WORDS + 1)))) is not None


def _long_statement(session: Session) -> str:
    if session.get_bind().dialect.name == "sqlite":
        return ("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n "
                "WHERE x < 10000000000) SELECT count(*) FROM n")
    return "SELECT pg_sleep(60)"


def test_a_statement_past_the_time_limit_is_stopped(seeded: Session) -> None:
    with pytest.raises(SearchTimeout, match=r"took longer than 0\.05 s and was stopped"), \
            time_limit(seeded, SearchQuery(timeout_s=0.05)):
        seeded.execute(text(_long_statement(seeded)))
    # the session is usable again, and the limit is gone with its block: a statement of more
    # than the progress handler's step runs well past the (1 µs) deadline of this block …
    with time_limit(seeded, SearchQuery(timeout_s=1e-6)):
        pass
    count = seeded.scalar(text("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n "
                               "WHERE x < 20000) SELECT count(*) FROM n"))
    assert count == 20000
    if seeded.get_bind().dialect.name == "postgresql":  # … and statement_timeout is reset
        default = seeded.scalar(text("SHOW statement_timeout"))
        with time_limit(seeded, SearchQuery(timeout_s=2.5)):
            assert seeded.scalar(text("SHOW statement_timeout")) == "2500ms"
        assert seeded.scalar(text("SHOW statement_timeout")) == default


def test_the_time_limit_must_be_positive(seeded: Session) -> None:
    with pytest.raises(BadQuery, match="time limit"):
        search(seeded, SearchQuery(text="border", timeout_s=0))
