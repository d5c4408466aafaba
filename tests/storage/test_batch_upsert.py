"""The upsert engine (storage.batch) against the definitions of its outcomes.

A reference model below applies the definitions one article at a time to a plain copy of the
archive's tables — loops over every row, no indexes, no batches, no SQL — and the engine must
leave the database exactly as the model leaves its copy: items, aliases, revisions, stories and
their merges, the change counter, and the same result for each article. Run for a hand-built
nasty sequence (whose outcomes are also listed explicitly) at batch sizes 1, 3 and 50, and for
generated sequences at generated batch sizes, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import copy
import dataclasses
import shutil
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from core.article import Article, Level, Relevance
from storage import migrate
from storage.batch import (
    MATERIAL_FIELDS,
    NEAR_DUPLICATE_RESEMBLANCE,
    upsert_article,
    upsert_articles,
)
from storage.canonical import canonical_url, guid_for
from storage.db import engine_for, make_engine
from storage.fingerprint import content_hash, jaccard, normalise, shingle_set, simhash64
from storage.models import ArchiveState, Item, ItemAlias, ItemRevision, Story, StoryMerge
from storage.repository import UpsertResult
from storage.seed import seed_articles
from storage.stories import STORY_WINDOW_DAYS, match_reason

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
# Left out of the comparison: when a row was written, not what it says.
CLOCK = {"first_seen_at", "last_seen_at", "recorded_at", "created_at", "changed_at"}
TABLES = (Item, ItemAlias, ItemRevision, Story, StoryMerge, ArchiveState)


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


# --- the reference model --------------------------------------------------------------------

Result = tuple[str, int, str | None, tuple[str, ...], str | None, int | None]
Tables = dict[str, list[dict[str, Any]]]


def stored(a: Article) -> dict[str, Any]:
    """The columns an article sets: its fields (the Article cleaned their text), the title
    stripped."""
    return {"title": a.title.strip(), "subtitle": a.subtitle, "summary": a.summary,
            "body": a.body or "", "place": a.place,
            "published_at": a.published_at, "content_type": a.content_type,
            "tags": list(a.tags), "language": a.language, "published_layer": a.published_layer,
            "published_raw": a.published_raw, "provenance": dict(a.provenance),
            "relevance_level": a.relevance.level.value, "relevance_score": a.relevance.score,
            "relevance_reasons": list(a.relevance.reasons)}


def comparable(value: Any) -> Any:
    return normalise(value) if isinstance(value, str) else value


class Reference:
    """The outcomes by their definitions, on a copy of the tables as snapshot() reads them."""

    def __init__(self, tables: Tables) -> None:
        self.t = copy.deepcopy(tables)

    def add(self, table: str, **row: Any) -> dict[str, Any]:
        row = {"id": max((r["id"] for r in self.t[table]), default=0) + 1, **row}
        self.t[table].append(row)
        return row

    def get(self, table: str, row_id: int) -> dict[str, Any]:
        return next(r for r in self.t[table] if r["id"] == row_id)

    def bump(self) -> None:
        self.t["archive_state"][0]["version"] += 1

    def upsert(self, a: Article) -> Result:
        canonical, values = canonical_url(a.url, a.source), stored(a)
        text = f"{values['title']} {values['body']}"
        for item in self.t["item"]:
            if item["canonical_url"] == canonical:
                return self.update(item, values)
        for alias in self.t["item_alias"]:
            if alias["canonical_url"] == canonical:
                item = self.get("item", alias["item_id"])
                return ("duplicate", item["id"], None, (), "alias", item["story_id"])
        chash = content_hash(values["title"], values["body"])
        for item, rule in self.duplicates(a.source, chash, text, values["published_at"]):
            self.add("item_alias", item_id=item["id"], url=a.url, canonical_url=canonical,
                     rule=rule)
            return ("duplicate", item["id"], None, (), rule, item["story_id"])
        item = self.add("item", source=a.source, url=a.url if "://" in a.url else None,
                        canonical_url=canonical, guid=guid_for(canonical), content_hash=chash,
                        simhash=simhash64(text), origin=a.origin.value, updated_at=False,
                        story_id=None, **values)
        self.join_story(item)
        self.bump()
        return ("new", item["id"], None, (), None, item["story_id"])

    def update(self, item: dict[str, Any], values: dict[str, Any]) -> Result:
        changed = tuple(f for f in MATERIAL_FIELDS
                        if comparable(item[f]) != comparable(values[f]))
        before = item["relevance_level"]
        if not changed:
            for key in ("relevance_level", "relevance_score", "relevance_reasons", "provenance"):
                item[key] = values[key]
            if item["relevance_level"] != before:
                self.bump()
            return ("unchanged", item["id"], before, (), None, item["story_id"])
        revisions = [r for r in self.t["item_revision"] if r["item_id"] == item["id"]]
        self.add("item_revision", item_id=item["id"], revision=len(revisions) + 1,
                 changed_fields=list(changed), content_hash=item["content_hash"],
                 previous={f: item[f].isoformat() if isinstance(item[f], datetime) else item[f]
                           for f in changed})
        item.update(values, updated_at=True,
                    content_hash=content_hash(values["title"], values["body"]),
                    simhash=simhash64(f"{values['title']} {values['body']}"))
        self.bump()
        return ("updated", item["id"], before, changed, None, item["story_id"])

    def duplicates(self, source: str, chash: str, text: str, published: datetime | None
                   ) -> Iterator[tuple[dict[str, Any], str]]:
        """An item of the same source with the same text, the first by id; else one published
        the same day with nearly the same wording, the first by date and id."""
        ours = [i for i in self.t["item"] if i["source"] == source]
        yield from ((i, "content_hash") for i in ours if i["content_hash"] == chash)
        if published is None:
            return
        day = published.replace(hour=0, minute=0, second=0, microsecond=0)
        same_day = [i for i in ours if i["published_at"] is not None
                    and day <= i["published_at"] < day + timedelta(days=1)]
        for i in sorted(same_day, key=lambda i: (i["published_at"], i["id"])):
            if jaccard(shingle_set(f"{i['title']} {i['body']}"),
                       shingle_set(text)) >= NEAR_DUPLICATE_RESEMBLANCE:
                yield i, "near_duplicate"

    def join_story(self, item: dict[str, Any]) -> None:
        """The story of the best match published within the window (the first by date and id
        of the best), or a story of the item's own."""
        best: tuple[dict[str, Any], str, str, float] | None = None
        published, window = item["published_at"], timedelta(days=STORY_WINDOW_DAYS)
        if published is not None:
            nearby = [c for c in self.t["item"] if c is not item and c["published_at"] is not None
                      and published - window <= c["published_at"] <= published + window]
            for cand in sorted(nearby, key=lambda c: (c["published_at"], c["id"])):
                found = match_reason(SimpleNamespace(**item), SimpleNamespace(**cand))
                if found and (best is None or found[2] > best[3]):
                    best = (cand, *found)
        if best is None:
            story = self.add("story", title=item["title"], first_published_at=published)
            self.add("story_merge", story_id=story["id"], item_id=item["id"],
                     matched_item_id=None, rule="new_story",
                     reason="no item of a nearby date matched")
        else:
            cand, rule, reason, _ = best
            story = self.get("story", cand["story_id"])
            if story["first_published_at"] is None or published < story["first_published_at"]:
                story["first_published_at"] = published
            self.add("story_merge", story_id=story["id"], item_id=item["id"],
                     matched_item_id=cand["id"], rule=rule,
                     reason=f"matched item {cand['id']}: {reason}")
        item["story_id"] = story["id"]


# --- the engine, and reading what it wrote --------------------------------------------------

def batched(engine: Engine, articles: Sequence[Article], size: int) -> list[Result]:
    """upsert_articles, `size` articles per session and transaction."""
    out: list[Result] = []
    for first in range(0, len(articles), size):
        chunk = [dataclasses.replace(a) for a in articles[first:first + size]]
        with Session(engine) as session, session.begin():
            out += [result(r) for r in upsert_articles(session, chunk)]
    return out


def result(r: UpsertResult) -> Result:
    # Not the item's other fields: a batch's results share the item's final state (the
    # tables are compared instead).
    return (r.outcome.value, r.item.id, r.previous_level, r.changed_fields, r.duplicate_rule,
            r.item.story_id)


def snapshot(engine: Engine) -> Tables:
    with engine.connect() as conn:
        return {m.__tablename__: [
            {k: (v is not None if k == "updated_at" else v) for k, v in row._mapping.items()
             if k not in CLOCK}
            for row in conn.execute(select(m.__table__).order_by(m.__table__.c.id))]
            for m in TABLES}


def assert_engine_is_reference(engine: Engine, articles: Sequence[Article], size: int
                               ) -> list[Result]:
    reference = Reference(snapshot(engine))
    expected = [reference.upsert(a) for a in articles]
    assert batched(engine, articles, size) == expected
    tables = snapshot(engine)
    for name, rows in reference.t.items():
        assert tables[name] == rows, name
    return expected


# --- the hand-built sequence ----------------------------------------------------------------

def archive_articles() -> list[Article]:
    """What the archive holds before the sequence: the seeds, and a few of our own."""
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
            published_at=None, place=None),                     # no date, other title: new
        art(osce(600007), TRAFFICKING + " The operation was coordinated from Vienna.",
            title="Operation against human trafficking", published_at=None),  # no date: new
        art(osce(600008), CYBER, title="Cybercrime conference", place="LYON",
            published_at=late),                                 # new, late in the day
        art(osce(600008), CYBER.replace("twenty", "thirty"), title="Cybercrime conference",
            place="LYON", published_at=late),                   # a batch item updated
        art(osce(600009), CYBER.replace("twenty", "thirty"), title="Cybercrime conference",
            place="LYON", published_at=late + timedelta(hours=1)),  # its new text: duplicate
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


# What the definitions make of the nasty sequence, article by article: (outcome, rule).
NASTY_OUTCOMES = [
    ("new", None), ("unchanged", None), ("updated", None), ("updated", None),
    ("unchanged", None), ("duplicate", "content_hash"), ("duplicate", "content_hash"),
    ("duplicate", "alias"), ("duplicate", "alias"), ("duplicate", "near_duplicate"),
    ("new", None), ("new", None), ("new", None),
    ("new", None),  # 600006: another title, so another content hash; no date, no near-dup test
    ("new", None), ("new", None), ("updated", None),
    ("duplicate", "content_hash"),  # 600009: 600008's new text, the same source
    ("updated", None), ("new", None), ("new", None), ("new", None), ("unchanged", None),
    ("updated", None), ("duplicate", "content_hash"),
]


def load_archive(url: str) -> Engine:
    migrate.upgrade(url)
    engine = engine_for(url)
    batched(engine, archive_articles(), len(archive_articles()))
    return engine


@pytest.mark.parametrize("size", [1, 3, 50])
def test_the_nasty_sequence_follows_the_definitions_at_any_batch_size(db_url: str, size: int
                                                                       ) -> None:
    engine = load_archive(db_url)
    results = assert_engine_is_reference(engine, nasty_sequence(), size)
    assert [(r[0], r[4]) for r in results] == NASTY_OUTCOMES
    # the sequence exercises what it claims to
    with Session(engine) as s:
        merges = set(s.scalars(select(StoryMerge.rule)))
        assert {"new_story", "simhash", "title", "place_terms"} <= merges, merges
        # an archive story now starts earlier, with the item of the sequence that joined it
        assert s.scalar(select(Story.first_published_at).join(Item, Item.story_id == Story.id)
                        .where(Item.url == interpol("Election"))) == D
        assert s.scalar(select(ItemRevision.revision).order_by(ItemRevision.revision.desc())
                        .limit(1)) == 2


def test_one_article_is_a_batch_of_one(session: Session) -> None:
    first = upsert_article(session, art(osce(700001)))
    again = upsert_article(session, art(osce(700001)))
    assert (first.outcome.value, again.outcome.value) == ("new", "unchanged")
    assert again.item is first.item


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


# --- generated sequences: a copy of a template archive per example ---------------------------

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


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[str]:
    """A migrated archive to copy: an SQLite file, or a PostgreSQL template database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('batch') / 'template.db'}"
        load_archive(url).dispose()
        yield url
        return
    admin_url = request.getfixturevalue("pg_admin_url")
    name = f"coopwatch_tmpl_{uuid.uuid4().hex[:12]}"
    with pg_admin(admin_url) as admin:
        admin.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    load_archive(url).dispose()  # CREATE DATABASE … TEMPLATE wants no one connected to it
    yield url
    with pg_admin(admin_url) as admin:
        admin.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def pg_admin(admin_url: str) -> Iterator[Any]:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


@contextmanager
def copy_of(template_url: str, tmp_path: Path) -> Iterator[Engine]:
    if template_url.startswith("sqlite"):
        path = tmp_path / f"{uuid.uuid4().hex}.db"
        shutil.copyfile(make_url(template_url).database or "", path)
        engine = make_engine(f"sqlite:///{path}")
        try:
            yield engine
        finally:
            engine.dispose()
            path.unlink()
        return
    template = make_url(template_url)
    admin_url = template.set(database="postgres").render_as_string(hide_password=False)
    name = f"coopwatch_test_{uuid.uuid4().hex[:12]}"
    with pg_admin(admin_url) as admin:
        admin.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template.database}"'))
    engine = make_engine(template.set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with pg_admin(admin_url) as admin:
            admin.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seq=st.lists(articles(), min_size=1, max_size=14), size=st.integers(1, 14))
def test_generated_sequences_follow_the_definitions(template: str, tmp_path: Path,
                                                    seq: list[Article], size: int) -> None:
    with copy_of(template, tmp_path) as engine:
        assert_engine_is_reference(engine, seq, size)
