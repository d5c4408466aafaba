"""upsert_articles (storage.batch) is upsert_article applied in order: the same outcomes and the
same archive — items, aliases, revisions, stories and their merges, the change counter — for a
hand-built nasty sequence on SQLite and PostgreSQL, and for generated sequences on SQLite."""

from __future__ import annotations

import dataclasses
import shutil
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from storage import migrate
from storage.article import Article, Level, Relevance
from storage.batch import upsert_articles
from storage.db import engine_for, make_engine
from storage.models import ArchiveState, Item, ItemAlias, ItemRevision, Story, StoryMerge
from storage.repository import UpsertResult, upsert_article
from storage.seed import seed_articles

D = datetime(2024, 3, 3, 10, 0, tzinfo=UTC)
BORDER = ("VIENNA, 3 March 2024 – The OSCE and INTERPOL held a joint training course for "
          "border officers from Central Asia on the use of INTERPOL databases at border "
          "crossing points. Twenty officers took part in the five-day course, which covered "
          "stolen travel documents, foreign terrorist fighters and risk analysis.")
ELECTION = ("The OSCE opened an election observation mission in Albania ahead of the "
            "parliamentary elections, with 30 long-term observers based in Tirana and in "
            "eight regions of the country.")
CYBER = ("LYON – INTERPOL hosted a conference on cybercrime and digital evidence for "
         "investigators of twenty member countries, with sessions on ransomware, "
         "cryptocurrency tracing and the exchange of electronic evidence across borders.")
PLAN = ("VIENNA – Experts met to review the joint action plan on border security and the "
        "fight against organized crime, and the exchange of police information between "
        "the two organizations, before the ministerial council.")
TRAFFICKING = ("Police from nine countries took part in an operation against human trafficking "
               "and migrant smuggling on the Balkan route; 42 suspects were arrested and "
               "120 victims identified, among them 30 minors.")
# Excluded from the comparison: when a row was written, not what it says.
CLOCK = {"first_seen_at", "last_seen_at", "recorded_at", "created_at", "changed_at"}


def art(url: str, body: str = BORDER, **kw: Any) -> Article:
    base: dict[str, Any] = {"source": "osce", "url": url, "title": body.split(" – ")[-1][:60],
                            "body": body, "place": "VIENNA", "published_at": D,
                            "provenance": {"title": "selector"}}
    return Article(**(base | kw))


def level(name: str, score: float = 1.0) -> Relevance:
    return Relevance(Level(name), score, [{"rule": name}])


def osce(n: int) -> str:
    return f"https://www.osce.org/secretariat/{n}"


def interpol(slug: str) -> str:
    return f"https://www.interpol.int/en/News-and-Events/News/2024/{slug}"


# --- running a sequence both ways and comparing the archives --------------------------------

def sequential(engine: Engine, articles: Sequence[Article]) -> list[tuple[Any, ...]]:
    """One session and transaction per article, as the crawler used to store them."""
    out = []
    for a in articles:
        with Session(engine) as session, session.begin():
            out.append(outcome(upsert_article(session, dataclasses.replace(a))))
    return out


def batched(engine: Engine, articles: Sequence[Article], size: int) -> list[tuple[Any, ...]]:
    out = []
    for first in range(0, len(articles), size):
        chunk = [dataclasses.replace(a) for a in articles[first:first + size]]
        with Session(engine) as session, session.begin():
            out += [outcome(r) for r in upsert_articles(session, chunk)]
    return out


def outcome(r: UpsertResult) -> tuple[Any, ...]:
    # Not the item's other fields: a batch's results share the item's final state (the
    # archives are compared instead).
    return (r.outcome.value, r.item.id, r.previous_level, r.changed_fields, r.duplicate_rule,
            r.item.story_id)


def snapshot(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    tables = (Item, ItemAlias, ItemRevision, Story, StoryMerge, ArchiveState)
    with engine.connect() as conn:
        return {m.__tablename__: [
            {k: (v is not None if k == "updated_at" else v) for k, v in row._mapping.items()
             if k not in CLOCK}
            for row in conn.execute(select(m.__table__).order_by(m.__table__.c.id))]
            for m in tables}


def assert_same(a: Engine, b: Engine) -> None:
    sa, sb = snapshot(a), snapshot(b)
    for table in sa:
        assert sa[table] == sb[table], table


# --- the hand-built sequence ----------------------------------------------------------------

def archive_articles() -> list[Article]:
    """What both archives hold before the sequence: the seeds, and a few of our own."""
    return [*seed_articles(),
            art(osce(500001), title="OSCE and INTERPOL train border officers"),
            art(interpol("Cyber"), CYBER, source="interpol", place="LYON, France",
                published_at=D - timedelta(days=2), relevance=level("mention")),
            art(osce(500100), ELECTION, title="Election observation mission opens in Tirana",
                place="TIRANA", published_at=D + timedelta(days=1)),
            art(osce(500200), TRAFFICKING, published_at=None, place=None),
            # an alias in the archive: the same text under another URL
            art(osce(500300), ELECTION, title="Election observation mission opens in Tirana",
                place="TIRANA", published_at=D + timedelta(days=1))]


def nasty_sequence() -> list[Article]:
    late = D.replace(hour=23, minute=30)
    return [
        # a new item that joins the archive's border story (same text, other URL's day)
        art(osce(600001), BORDER + " The course ended with an exercise.",
            title="OSCE and INTERPOL train Central Asian border officers",
            published_at=D + timedelta(days=1)),
        art("http://osce.org/secretariat/500001/", title="OSCE and INTERPOL train border "
            "officers"),                                        # unchanged (URL variant)
        art(osce(500001), title="OSCE and INTERPOL train 20 border officers",
            relevance=level("secondary")),                      # updated, level rises
        art(osce(500001), BORDER + " Photos: OSCE.",
            title="OSCE and INTERPOL train 20 border officers",
            relevance=level("secondary")),                      # updated again, same batch
        art("https://www.osce.org/node/600001?utm_source=x",
            BORDER + " The course ended with an exercise.",
            title="OSCE and INTERPOL train Central Asian border officers",
            published_at=D + timedelta(days=1), relevance=level("primary")),  # level only
        art(osce(600002), BORDER + " The course ended with an exercise.",
            title="OSCE and INTERPOL train Central Asian border officers",
            published_at=D + timedelta(days=1)),                # duplicate of a batch item
        art(osce(600003), ELECTION, title="Election observation mission opens in Tirana",
            place="TIRANA", published_at=D + timedelta(days=1)),  # duplicate of the archive's
        art(osce(600002), BORDER),                              # duplicate by the new alias
        art(osce(500300), ELECTION),                            # by the archive's alias
        art(osce(600004), BORDER + " The course ended with an exercise. More photos.",
            title="OSCE and INTERPOL train Central Asian border officers",
            published_at=D + timedelta(days=1, hours=3)),       # near-duplicate, same day
        art(interpol("Border-training"), BORDER + " The course ended with an exercise.",
            source="interpol", title="INTERPOL and OSCE train border officers",
            place="VIENNA, Austria", published_at=D + timedelta(days=1),
            relevance=level("primary")),                        # other source: same story
        art(osce(600005), PLAN, title="Joint action plan reviewed by experts",
            published_at=D - timedelta(days=1)),                # border story, earlier date
        art(interpol("Plan"), PLAN.replace("Experts met", "Officials gathered"),
            source="interpol", title="Experts review joint action plan",
            place="VIENNA, Austria", published_at=D - timedelta(days=2)),
        art(osce(600006), TRAFFICKING, title="Operation against trafficking",
            published_at=None, place=None),                     # no date: duplicate by hash
        art(osce(600007), TRAFFICKING + " The operation was coordinated from Vienna.",
            title="Operation against human trafficking", published_at=None),  # no date: new
        art(osce(600008), CYBER, title="Cybercrime conference", place="LYON",
            published_at=late),                                 # new, late in the day
        art(osce(600008), CYBER.replace("twenty", "thirty"), title="Cybercrime conference",
            place="LYON", published_at=late),                   # a batch item updated
        art(osce(600009), CYBER.replace("twenty", "thirty"), title="Cybercrime conference",
            place="LYON", published_at=late + timedelta(hours=1)),  # its new text, next day
        art(interpol("Cyber"), ELECTION.replace("Albania", "Montenegro"), source="interpol",
            title="Observation mission in Montenegro", place="LYON, France",
            published_at=D - timedelta(days=2), relevance=level("none")),  # text replaced
        art(osce(600010), CYBER, source="interpol", place="LYON, France",
            published_at=D - timedelta(days=2)),                # its old text, new URL: new
        art(interpol("Election"), ELECTION + " Observers come from 20 states.",
            source="interpol", title="Election observers deployed", place="TIRANA, Albania",
            published_at=D),                                    # an archive story, earlier
        art(osce(600011), "Nul\x00 characters\x00 in the text.", title="Nul\x00 title",
            published_at=D + timedelta(days=5)),
        art(osce(600001), BORDER + " The course ended with an exercise.",
            title="OSCE and INTERPOL train Central Asian border officers",
            published_at=D + timedelta(days=1), relevance=level("primary")),  # unchanged
        art(osce(600008), ELECTION, title="Election observation mission opens in Tirana",
            place="LYON", published_at=late),                   # now an archive item's text
        art(osce(600012), ELECTION, title="Election observation mission opens in Tirana",
            place="TIRANA", published_at=D),                    # a duplicate: of the older
    ]


@pytest.fixture
def two_archives(db_url: str, second_db_url: str) -> Iterator[tuple[Engine, Engine]]:
    """The same migrated archive twice, on the backend of db_url."""
    engines = []
    for url in (db_url, second_db_url):
        migrate.upgrade(url)
        engines.append(engine_for(url))
        sequential(engine_for(url), archive_articles())
    yield engines[0], engines[1]


def test_the_nasty_sequence_in_one_batch_is_the_sequence(two_archives: tuple[Engine, Engine]
                                                         ) -> None:
    one, many = two_archives
    seq = nasty_sequence()
    expected = sequential(one, seq)
    assert batched(many, seq, len(seq)) == expected
    assert_same(one, many)
    # the sequence exercises what it claims to
    outcomes = [o[0] for o in expected]
    rules = {o[4] for o in expected}
    assert {"new", "unchanged", "updated", "duplicate"} <= set(outcomes)
    assert {"alias", "content_hash", "near_duplicate"} <= rules
    with Session(one) as s:
        merges = set(s.scalars(select(StoryMerge.rule)))
        assert {"new_story", "simhash", "title", "place_terms"} <= merges, merges
        # an archive story now starts earlier, with the item of the sequence that joined it
        assert s.scalar(select(Story.first_published_at).join(Item, Item.story_id == Story.id)
                        .where(Item.url == interpol("Election"))) == D
        assert s.scalar(select(ItemRevision.revision).order_by(ItemRevision.revision.desc())
                        .limit(1)) == 2


def test_batches_of_any_size_are_the_sequence(two_archives: tuple[Engine, Engine]) -> None:
    one, many = two_archives
    seq = nasty_sequence()
    expected = sequential(one, seq)
    assert batched(many, seq, 4) == expected
    assert_same(one, many)


def test_an_empty_batch_does_nothing(session: Session) -> None:
    assert upsert_articles(session, []) == []


def test_items_the_session_holds_are_refreshed(session: Session) -> None:
    first = upsert_article(session, art(osce(700001)))
    session.commit()
    item = first.item
    results = upsert_articles(session, [art(osce(700001), title="A new title"),
                                        art(osce(700002), BORDER + " More.")])
    assert results[0].item is item and item.title == "A new title"
    assert [r.outcome.value for r in results] == ["updated", "duplicate"]
    assert len(item.revisions) == 1 and results[1].item is item


def test_a_bad_url_fails_before_anything_is_written(session: Session) -> None:
    from storage.canonical import BadURL

    with pytest.raises(BadURL):
        upsert_articles(session, [art(osce(700003)), art("not a url")])
    assert session.scalars(select(Item)).all() == []


# --- generated sequences (SQLite: a copied template archive per example) ---------------------

TEXTS = (BORDER, ELECTION, CYBER, PLAN, TRAFFICKING)
DAYS = [D + timedelta(days=d, hours=h) for d, h in ((0, 0), (0, 13), (1, -9), (1, 14), (3, 1),
                                                    (9, 0))]


@st.composite
def articles(draw: st.DrawFn) -> Article:
    source = draw(st.sampled_from(("osce", "interpol")))
    n = draw(st.integers(1, 8))
    url = (osce(800000 + n) if source == "osce" else interpol(f"N{n}"))
    if draw(st.booleans()):
        url = url.replace("https://www.", "http://") + "/?utm_source=feed"
    body = draw(st.sampled_from(TEXTS))
    edit = draw(st.sampled_from(("", " Photos: OSCE.", " The meeting ended on Friday.",
                                 " It was the third such meeting in Vienna this year.")))
    title = draw(st.sampled_from(("OSCE and INTERPOL train border officers",
                                  "INTERPOL and OSCE train border officers",
                                  "Joint action plan reviewed", "Election observation",
                                  "Cybercrime conference in Lyon")))
    return art(url, body + edit, source=source, title=title,
               place=draw(st.sampled_from(("VIENNA", "VIENNA, Austria", "LYON", None))),
               published_at=draw(st.sampled_from([*DAYS, None])),
               relevance=level(draw(st.sampled_from(("primary", "secondary", "none")))))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("batch") / "template.db"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    sequential(engine_for(url), archive_articles())
    engine_for(url).dispose()
    return path


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seq=st.lists(articles(), min_size=1, max_size=14), size=st.integers(1, 14))
def test_generated_sequences_batched_are_the_sequence(template: Path, tmp_path: Path,
                                                      seq: list[Article], size: int) -> None:
    paths = [tmp_path / f"{uuid.uuid4().hex}.db" for _ in range(2)]
    engines = []
    for path in paths:
        shutil.copyfile(template, path)
        engines.append(make_engine(f"sqlite:///{path}"))
    try:
        assert batched(engines[1], seq, size) == sequential(engines[0], seq)
        assert_same(*engines)
    finally:
        for engine, path in zip(engines, paths, strict=True):
            engine.dispose()
            path.unlink()

