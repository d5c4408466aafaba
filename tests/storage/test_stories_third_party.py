"""Stories across sources (issue 17 point 3), on SQLite and PostgreSQL: a third party's report
joins the story of the organisations' own versions in whatever order they are stored, its
items never glue two events' stories together, a source storage has no row for is stored, and
the story page and the combined feed's entry put the organisations' versions first."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.article import Article
from core.config import load_config
from feeds.entries import story_entry
from storage.batch import upsert_article, upsert_articles
from storage.db import session_factory
from storage.models import Item, Source, StoryMerge
from storage.repository import Outcome
from web.app import create_app

WIRE = "https://bsw.example/wire"
JULY = {day: datetime(2025, 7, day, 10, tzinfo=UTC) for day in (3, 4, 5)}


def osce_a() -> Article:
    return Article(
        source="osce", url="https://www.osce.org/secretariat/586843", place="VIENNA",
        title="OSCE and INTERPOL step up joint efforts against firearms trafficking in "
              "South-Eastern Europe", published_at=JULY[3],
        body="VIENNA, 3 July 2025 – The OSCE and INTERPOL today agreed to step up their joint "
             "efforts against firearms trafficking in South-Eastern Europe. Experts will help "
             "investigators trace illicit weapons seized at border crossing points.")


def interpol_a() -> Article:
    return Article(
        source="interpol", place="VIENNA, Austria", published_at=JULY[3],
        url="https://www.interpol.int/en/News-and-Events/News/2025/INTERPOL-and-OSCE-firearms",
        title="INTERPOL and OSCE step up cooperation against firearms trafficking in "
              "South-Eastern Europe",
        body="VIENNA, Austria – INTERPOL and the OSCE will step up their cooperation against "
             "firearms trafficking in South-Eastern Europe, helping investigators trace illicit "
             "weapons seized at border crossing points.")


def osce_b() -> Article:
    """Another event, two days later in the same city."""
    return Article(
        source="osce", url="https://www.osce.org/secretariat/586901", place="VIENNA",
        title="OSCE meeting discusses electronic evidence in cybercrime cases",
        published_at=JULY[5],
        body="VIENNA, 5 July 2025 – Prosecutors from Central Asia met OSCE experts in Vienna "
             "today to discuss the use of electronic evidence in cybercrime investigations.")


# The agency's sign-off under every report: shared words that say nothing about the event.
SIGN_OFF = (" Border Security Wire correspondents in Vienna follow border security co-operation "
            "across the region every day for subscribers.")


def wire(slug: str, title: str, body: str, day: int, **kw: object) -> Article:
    return Article(source="wire", url=f"{WIRE}/2025/07/0{day}/{slug}/", title=title,
                   body=body + SIGN_OFF, place="VIENNA", published_at=JULY[day], **kw)


def wire_a() -> Article:
    return wire("osce-and-interpol-widen-joint-work-against-gun-smuggling",
                "OSCE and INTERPOL widen joint work against gun smuggling in the Balkans",
                "VIENNA (BSW) — The OSCE and INTERPOL will extend their joint efforts against "
                "firearms trafficking in South-Eastern Europe, officials said on Thursday. "
                "Investigators are to get help to trace illicit weapons seized at border "
                "crossing points.", 4)


def wire_b() -> Article:
    return wire("prosecutors-discuss-electronic-evidence",
                "Central Asian prosecutors look at electronic evidence",
                "VIENNA (BSW) — Prosecutors from Central Asia discussed electronic evidence in "
                "cybercrime investigations with OSCE experts in Vienna on Saturday.", 5)


def roundup() -> Article:
    """A week's events in one report: it names both A and B."""
    return wire("week-in-vienna", "The week in Vienna: guns, cyber and borders",
                "VIENNA (BSW) — The OSCE and INTERPOL agreed to step up joint efforts against "
                "firearms trafficking in South-Eastern Europe this week. On Saturday, "
                "prosecutors from Central Asia meet OSCE experts to discuss electronic evidence "
                "in cybercrime investigations.", 4)


def store(session: Session, *articles: Article) -> list[Item]:
    """Store the articles one at a time, then every item by id."""
    for article in articles:
        assert upsert_article(session, article).outcome is Outcome.NEW
        session.commit()
    return list(session.scalars(select(Item).order_by(Item.id)))


def story_of(items: list[Item], url: str) -> int | None:
    return next(i.story_id for i in items if i.url == url)


def test_a_third_partys_report_joins_the_organisations_story(session: Session) -> None:
    items = store(session, osce_a(), interpol_a(), wire_a())
    assert len({i.story_id for i in items}) == 1
    merge = session.scalars(select(StoryMerge).where(StoryMerge.item_id == items[2].id)).one()
    assert merge.matched_item_id in (items[0].id, items[1].id) and merge.rule == "place_terms"


def test_the_organisations_versions_join_a_report_stored_first(session: Session) -> None:
    items = store(session, wire_a(), osce_a(), interpol_a())
    assert len({i.story_id for i in items}) == 1


def test_one_batch_decides_as_one_article_at_a_time(session: Session) -> None:
    upsert_articles(session, [wire_a(), osce_a(), wire_b(), interpol_a(), osce_b()])
    session.commit()
    items = list(session.scalars(select(Item)))
    a, b = story_of(items, osce_a().url), story_of(items, osce_b().url)
    assert a != b
    assert {story_of(items, u) for u in (wire_a().url, interpol_a().url)} == {a}
    assert story_of(items, wire_b().url) == b


def test_a_third_partys_reports_of_two_events_stay_apart(session: Session) -> None:
    """The sign-off and the city alone would make the two reports one story (place_terms)."""
    items = store(session, wire_a(), wire_b(), osce_a(), osce_b())
    stories = {story_of(items, a.url) for a in (wire_a(), osce_a())}, \
        {story_of(items, b.url) for b in (wire_b(), osce_b())}
    assert len(stories[0]) == len(stories[1]) == 1 and stories[0] != stories[1]


@pytest.mark.parametrize("first", ["roundup", "osce"])
def test_a_report_of_several_events_never_merges_their_stories(session: Session,
                                                                first: str) -> None:
    """The roundup matches both events' items; it joins one story and bridges no other."""
    order = (roundup(), osce_a()) if first == "roundup" else (osce_a(), roundup())
    items = store(session, *order, osce_b(), interpol_a())
    a, b = story_of(items, osce_a().url), story_of(items, osce_b().url)
    assert a != b
    assert story_of(items, roundup().url) == a == story_of(items, interpol_a().url)


def test_an_item_of_a_source_storage_never_heard_of_is_stored(session: Session) -> None:
    store(session, wire_a())
    source = session.get(Source, "wire")
    assert source is not None and (source.title, source.home_url) == ("wire", "https://bsw.example/")
    assert upsert_article(session, wire_a()).outcome is Outcome.UNCHANGED
    too_long = wire_b()
    too_long.source = "x" * 33
    with pytest.raises(ValueError, match=r"source name 'x+' is longer than 32 characters"):
        upsert_article(session, too_long)
    session.rollback()
    assert session.scalars(select(Item.source)).all() == ["wire"]


def test_the_feed_entry_leads_with_an_organisations_version(session: Session) -> None:
    items = store(session, wire_a(), interpol_a(), osce_a())
    entry = story_entry(items, "http://feeds.example/", {"osce": "OSCE", "interpol": "INTERPOL"})
    assert entry.guid == items[0].guid  # the first stored item's, as before
    assert (entry.title, entry.link) == (items[1].title, items[1].url)
    assert [link.href for link in entry.related] == [items[2].url, items[0].url]
    assert entry.authors == ("INTERPOL", "OSCE", "WIRE")
    assert entry.summary_html.index(items[1].url) < entry.summary_html.index(items[2].url) < \
        entry.summary_html.index(items[0].url)


def test_the_story_page_shows_the_organisations_versions_first(sqlite_url: str,
                                                                tmp_path: Path) -> None:
    with session_factory(sqlite_url)() as session:
        story = store(session, wire_a(), interpol_a(), osce_a())[0].story_id
    config = load_config({"COOPWATCH_DATABASE_URL": sqlite_url, "COOPWATCH_CONFIG": "",
                          "COOPWATCH_DATA_DIR": str(tmp_path / "data")})
    with TestClient(create_app(config)) as web:
        page = web.get(f"/stories/{story}").text
    assert page.index('class="version org-osce"') < page.index('class="version org-interpol"') \
        < page.index('class="version org-wire"')
