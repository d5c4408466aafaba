"""feeds.queries.story_groups walks the newest feed items instead of grouping the archive; it
must choose exactly the stories the plain GROUP BY chooses, in the same order, on archives
built to trip it: stories whose first item is old, undated items, items outside the feed,
seeds, items without a story, equal dates."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import case, func, insert, select
from sqlalchemy.orm import Session

from feeds.queries import ENTRY_DATE, STORY_KEY, in_feed, story_groups
from feeds.spec import FeedSpec
from storage.models import Item, Story

START = datetime(2020, 1, 1, tzinfo=UTC)


def grouped(session: Session, spec: FeedSpec) -> list[int]:
    """The reference: every story's date by GROUP BY over the whole archive."""
    first = func.min(ENTRY_DATE).label("first")
    key = STORY_KEY.label("key")
    return list(session.execute(
        select(key, first).group_by(STORY_KEY)
        .having(func.max(case((in_feed(spec), 1), else_=0)) == 1)
        .order_by(first.desc(), key.desc()).limit(spec.size)
    ).scalars())


def build_archive(session: Session, rng: random.Random, stories: int, days: int = 60) -> None:
    session.execute(insert(Story), [{"id": s, "title": f"story {s}"}
                                    for s in range(1, stories + 1)])
    rows = []
    for n in range(1, stories * 3 + 1):
        story = rng.randint(1, stories)
        # Coarse days so that dates tie; a story's items straddle its neighbours' dates.
        published = START + timedelta(days=rng.randint(0, days) + story * days // 240)
        seen = START + timedelta(days=rng.randint(0, 90), seconds=rng.choice((0, 1)))
        rows.append({
            "id": n, "source": rng.choice(("osce", "interpol")), "canonical_url": f"u{n}",
            "guid": f"g{n}", "title": f"t{n}", "body": "b", "content_hash": f"h{n}",
            "simhash": 0, "first_seen_at": seen, "last_seen_at": seen,
            "published_at": None if rng.random() < 0.15 else published,
            "relevance_level": rng.choice(("primary", "secondary", "none", "none", "mention")),
            "origin": "seed" if rng.random() < 0.03 else "crawl",
            "story_id": None if rng.random() < 0.05 else story, "relevance_reasons": [],
        })
    session.execute(insert(Item), rows)


@pytest.mark.parametrize("seed", range(4))
def test_walk_chooses_what_grouping_chooses(session: Session, seed: int) -> None:
    rng = random.Random(seed)
    # Few days: most dates tie, so the walk's stopping rule meets stories dated at its edge.
    build_archive(session, rng, stories=rng.choice((40, 400)), days=rng.choice((2, 60)))
    for size in (1, 3, 10, 50, 1000):
        for levels in (("primary", "secondary"), ("primary",), ("mention",)):
            spec = FeedSpec(kind="combined", name="all", levels=levels, size=size)
            got = [group[0].story_id or -group[0].id for group in story_groups(session, spec)]
            assert got == grouped(session, spec), (size, levels)


def test_each_group_holds_all_of_its_storys_items(session: Session) -> None:
    build_archive(session, random.Random(7), stories=40)
    spec = FeedSpec(kind="combined", name="all", size=10)
    for group in story_groups(session, spec):
        story = group[0].story_id
        if story is None:
            assert len(group) == 1
            continue
        ids = session.scalars(select(Item.id).where(Item.story_id == story).order_by(Item.id))
        assert [item.id for item in group] == list(ids)
