"""One upsert, four outcomes; stories with their reasons — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.article import Article, Level, Relevance
from storage.batch import upsert_article
from storage.models import Item, ItemAlias, ItemRevision, StoryMerge
from storage.repository import Outcome

BODY = ("VIENNA, 3 March 2024 – The OSCE and INTERPOL held a joint training course for border "
        "officers from Central Asia on the use of INTERPOL databases at border crossing points. "
        "Twenty officers took part in the five-day course, which covered stolen travel documents, "
        "foreign terrorist fighters and risk analysis.")


def article(**kw: object) -> Article:
    base: dict[str, object] = dict(
        source="osce", url="https://www.osce.org/secretariat/500001",
        title="OSCE and INTERPOL train border officers", body=BODY, place="VIENNA",
        published_at=datetime(2024, 3, 3, tzinfo=UTC), provenance={"title": "selector"})
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def store(session: Session, a: Article) -> Outcome:
    result = upsert_article(session, a)
    session.commit()
    return result.outcome


def test_new_then_unchanged(session: Session) -> None:
    assert store(session, article()) is Outcome.NEW
    assert store(session, article()) is Outcome.UNCHANGED
    item = session.scalars(select(Item)).one()
    assert item.guid.startswith("urn:uuid:")
    assert item.canonical_url == "https://www.osce.org/node/500001"
    assert item.published_at == datetime(2024, 3, 3, tzinfo=UTC)
    assert item.published_at.tzinfo is not None


def test_whitespace_only_change_is_not_an_update(session: Session) -> None:
    store(session, article())
    assert store(session, article(body=BODY.replace(" ", "  "))) is Outcome.UNCHANGED


def test_material_change_makes_a_revision_and_keeps_the_guid(session: Session) -> None:
    store(session, article())
    guid = session.scalars(select(Item.guid)).one()
    changed = article(title="OSCE and INTERPOL train 20 border officers")
    assert store(session, changed) is Outcome.UPDATED
    item = session.scalars(select(Item)).one()
    assert item.guid == guid
    assert item.updated_at is not None
    rev = session.scalars(select(ItemRevision)).one()
    assert rev.revision == 1 and rev.changed_fields == ["title"]
    assert rev.previous == {"title": "OSCE and INTERPOL train border officers"}


@pytest.mark.parametrize("variant", [
    "http://osce.org/secretariat/500001/",
    "https://www.osce.org/node/500001?utm_source=newsletter",
    "https://osce.org/border-management/500001#main",
])
def test_url_variants_are_the_same_item(session: Session, variant: str) -> None:
    store(session, article())
    assert store(session, article(url=variant)) is Outcome.UNCHANGED
    assert session.scalar(select(func.count(Item.id))) == 1


def test_same_text_under_another_url_is_a_duplicate(session: Session) -> None:
    store(session, article())
    other = article(url="https://www.osce.org/secretariat/500999")
    assert store(session, other) is Outcome.DUPLICATE
    assert session.scalar(select(func.count(Item.id))) == 1
    alias = session.scalars(select(ItemAlias)).one()
    assert alias.rule == "content_hash"
    # Seen again under the alias: still the one item, still a duplicate.
    assert store(session, other) is Outcome.DUPLICATE


def test_near_duplicate_same_day_is_a_duplicate(session: Session) -> None:
    store(session, article())
    reworded = article(url="https://www.osce.org/node/500002", body=BODY + " Photos: OSCE.")
    assert store(session, reworded) is Outcome.DUPLICATE
    assert session.scalars(select(ItemAlias.rule)).one() == "near_duplicate"


def test_the_other_organisations_version_is_a_story_not_a_duplicate(session: Session) -> None:
    store(session, article())
    theirs = article(source="interpol",
                     url="https://www.interpol.int/en/News-and-Events/News/2024/Border-training",
                     title="INTERPOL and OSCE train border officers", place="VIENNA, Austria")
    assert store(session, theirs) is Outcome.NEW
    items = session.scalars(select(Item).order_by(Item.id)).all()
    assert len(items) == 2 and items[0].story_id == items[1].story_id
    merge = session.scalars(select(StoryMerge).where(StoryMerge.item_id == items[1].id)).one()
    assert merge.matched_item_id == items[0].id and merge.rule in ("simhash", "title")
    assert "matched item" in merge.reason


def test_unrelated_items_get_stories_of_their_own(session: Session) -> None:
    store(session, article())
    store(session, article(url="https://www.osce.org/node/600000",
                           title="Election observation mission opens in Tirana",
                           body="The OSCE opened an election observation mission in Albania "
                                "ahead of the parliamentary elections, with 30 observers.",
                           place="TIRANA"))
    stories = session.scalars(select(Item.story_id)).all()
    assert len(set(stories)) == 2 and None not in stories


def test_relevance_is_stored_and_a_rise_is_reported(session: Session) -> None:
    store(session, article(relevance=Relevance(Level.SECONDARY, 0.5, [{"rule": "x"}])))
    result = upsert_article(session, article(
        title="OSCE and INTERPOL sign a joint plan",
        relevance=Relevance(Level.PRIMARY, 0.9, [{"rule": "y"}])))
    assert result.outcome is Outcome.UPDATED and result.level_rose
    assert result.item.relevance_reasons == [{"rule": "y"}]


def test_missing_date_is_stored_as_null(session: Session) -> None:
    assert store(session, article(published_at=None)) is Outcome.NEW
    assert session.scalars(select(Item.published_at)).one() is None


def test_naive_datetimes_are_refused(session: Session) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        store(session, article(published_at=datetime(2024, 3, 3)))


def test_nul_characters_are_dropped_not_fatal(session: Session) -> None:
    # PostgreSQL refuses NUL in text; scraped pages sometimes carry one.
    assert store(session, article(title="OSCE\x00 and INTERPOL", body=BODY + "\x00")) is (
        Outcome.NEW)
    item = session.scalars(select(Item)).one()
    assert "\x00" not in item.title + item.body


def test_the_change_counter_moves_with_what_feeds_can_show(session: Session) -> None:
    from storage.state import current

    start = current(session)[0]
    store(session, article())
    assert current(session)[0] == start + 1  # new
    store(session, article())
    assert current(session)[0] == start + 1  # unchanged: feeds stay 304
    store(session, article(title="OSCE and INTERPOL train 40 border officers"))
    assert current(session)[0] == start + 2  # a revision
    store(session, article(title="OSCE and INTERPOL train 40 border officers",
                           relevance=Relevance(Level.PRIMARY, 9.0, [])))
    assert current(session)[0] == start + 3  # only the level moved


def test_the_counter_read_in_plain_sql_gives_what_the_model_holds(migrated_url: str) -> None:
    from storage.db import engine_for, session_scope
    from storage.models import ArchiveState
    from storage.state import current, read_current

    with session_scope(migrated_url) as session:
        store(session, article())
    with session_scope(migrated_url) as session:
        state = session.get_one(ArchiveState, 1)
        by_model = (state.version, state.changed_at)
        assert current(session) == by_model
    version, changed_at = read_current(engine_for(migrated_url))
    assert (version, changed_at) == by_model and changed_at is not None
    assert changed_at.tzinfo is not None and changed_at.utcoffset() == timedelta(0)
