"""Feed documents from the seeded archive, on SQLite and PostgreSQL: valid in both formats,
one entry per story in the combined feed, stable GUIDs across rebuilds and updates."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from feed_helpers import BASE, config_for, parse_valid
from sqlalchemy import select

from core.article import Article, Level, Relevance
from feeds.build import build_feed
from feeds.spec import FORMATS, FeedSpec, Format, search_feed, standard_feeds
from storage.batch import upsert_article
from storage.db import session_scope
from storage.models import Item
from storage.repository import Outcome
from storage.seed import seed_articles

ALL = FeedSpec("combined", "all")


def parse(url: str, spec: FeedSpec, fmt: Format) -> Any:
    with session_scope(url) as session:
        data = build_feed(session, spec, fmt, BASE)
    return parse_valid(data, f"{spec.name}.{fmt}")


def guids(url: str) -> dict[int, str]:
    with session_scope(url) as session:
        return {item_id: guid for item_id, guid in session.execute(select(Item.id, Item.guid))}


def test_every_feed_is_valid_and_says_what_it_is(seeded_url: str) -> None:
    cfg = config_for(seeded_url)
    specs = [*standard_feeds(cfg).values(), search_feed(cfg, "border", None, ["none"])]
    for spec, fmt in itertools.product(specs, FORMATS):
        feed = parse(seeded_url, spec, fmt)
        assert feed.version == ("atom10" if fmt == "atom" else "rss20")
        assert "co-operation" in feed.feed.title and len(feed.feed.subtitle) > 40
        assert feed.feed.link == f"{BASE}/"
        self_links = [lk.href for lk in feed.feed.links if lk.rel == "self"]
        assert self_links == [BASE + spec.path(fmt)]
        assert feed.entries, spec.name
        for entry in feed.entries:
            assert entry.id.startswith("urn:uuid:") and entry.title and entry.link
            assert entry.published_parsed is not None
            if fmt == "rss":
                assert entry.guidislink is False  # isPermaLink="false"
        dates = [e.published_parsed for e in feed.entries]
        if spec.kind != "combined":
            assert dates == sorted(dates, reverse=True), "newest first"


def test_combined_feed_has_one_entry_per_story_linking_every_version(seeded_url: str) -> None:
    ids = guids(seeded_url)
    atom, rss = parse(seeded_url, ALL, "atom"), parse(seeded_url, ALL, "rss")
    interpol_url = "https://www.interpol.int/News-and-Events/News/2019/INTERPOL-and-OSCE"
    for feed in (atom, rss):
        # Stories {000, 001}, {002, 004}, {003}: items 1..5 in manifest order; each story's
        # guid is its first stored item's.
        assert [e.id for e in feed.entries] == [ids[4], ids[1], ids[3]]
        single, bratislava, vienna = feed.entries
        assert bratislava.link == f"{BASE}/items/1"  # the OSCE release has no known URL
        assert f'href="{BASE}/items/1"' in bratislava.summary  # RSS: every version's link
        assert f'href="{interpol_url}' in bratislava.summary
        assert "Published by INTERPOL and OSCE" in vienna.summary
        assert "Published by" not in single.summary
        # published = the earliest version (the OSCE speech, 16 May 2017)
        assert vienna.published_parsed[:3] == (2017, 5, 16)
        assert [t.term for t in bratislava.tags] == ["Border management", "Countering terrorism"]
    single, bratislava, vienna = atom.entries
    related = [lk.href for lk in bratislava.links if lk.rel == "related"]
    assert len(related) == 1 and related[0].startswith(interpol_url)
    assert [lk.rel for lk in single.links] == ["alternate"]
    assert [a.name for a in bratislava.authors] == ["OSCE", "INTERPOL"]
    assert vienna.updated_parsed[:3] == (2017, 5, 17)  # updated = the latest version


def test_per_source_feeds_keep_each_version(seeded_url: str) -> None:
    ids = guids(seeded_url)
    osce = parse(seeded_url, FeedSpec("source", "osce", source="osce"), "atom")
    interpol = parse(seeded_url, FeedSpec("source", "interpol", source="interpol"), "rss")
    assert [e.id for e in osce.entries] == [ids[4], ids[1], ids[5]]  # 2021, 2019, 2017
    assert [e.id for e in interpol.entries] == [ids[2], ids[3]]
    assert all("Published by" not in e.summary for e in osce.entries + interpol.entries)


def test_feed_levels_and_size_come_from_the_config(seeded_url: str) -> None:
    cfg = config_for(seeded_url, COOPWATCH_FEED_SIZE="2", COOPWATCH_FEED_LEVELS="primary")
    spec = standard_feeds(cfg)["all"]
    assert spec.levels == ("primary",) and spec.size == 2
    assert len(parse(seeded_url, spec, "atom").entries) == 2


def test_crawled_items_enter_by_level_and_seeds_always(seeded_url: str) -> None:
    def crawled(n: int, level: Level) -> Article:
        return Article(source="osce", url=f"https://www.osce.org/secretariat/{600000 + n}",
                       title=f"Unrelated item number {n} about {level.value} things",
                       body=f"Body {n} " + "words " * n, published_at=datetime(2025, 1, n,
                                                                          tzinfo=UTC),
                       relevance=Relevance(level=level))
    with session_scope(seeded_url) as session:
        for n, level in enumerate([Level.PRIMARY, Level.MENTION, Level.NONE], start=1):
            upsert_article(session, crawled(n, level))
    titles = [e.title for e in parse(seeded_url, ALL, "atom").entries]
    assert titles[0] == "Unrelated item number 1 about primary things"
    assert len(titles) == 4  # the primary item and the three seeded stories


def test_guids_are_stable_across_rebuilds_and_after_an_update(seeded_url: str) -> None:
    before = {fmt: [e.id for e in parse(seeded_url, ALL, fmt).entries] for fmt in FORMATS}
    again = {fmt: [e.id for e in parse(seeded_url, ALL, fmt).entries] for fmt in FORMATS}
    assert before == again and before["atom"] == before["rss"]
    interpol_before = [e.id for e in parse(
        seeded_url, FeedSpec("source", "interpol", source="interpol"), "atom").entries]

    revised = seed_articles()[1]  # INTERPOL's Bratislava item: a corrected title
    revised.title += " (updated)"
    with session_scope(seeded_url) as session:
        assert upsert_article(session, revised).outcome is Outcome.UPDATED

    after = parse(seeded_url, ALL, "atom")
    assert [e.id for e in after.entries] == before["atom"]
    story = after.entries[1]
    assert story.title.startswith("OSCE and INTERPOL discuss")  # still the first stored item
    assert story.updated_parsed > story.published_parsed  # the revision shows as an update
    interpol = parse(seeded_url, FeedSpec("source", "interpol", source="interpol"), "atom")
    assert [e.id for e in interpol.entries] == interpol_before
    assert interpol.entries[0].title.endswith("(updated)")


def test_story_guid_survives_the_other_version_arriving_later(seeded_url: str) -> None:
    body = ("VIENNA, 3 March 2025 – The OSCE and INTERPOL held a joint training course for "
            "border officers from Central Asia on the use of INTERPOL databases at border "
            "crossing points. Twenty officers took part in the five-day course.")
    first = Article(source="osce", url="https://www.osce.org/secretariat/700001",
                    title="OSCE and INTERPOL train border officers from Central Asia", body=body,
                    published_at=datetime(2025, 3, 3, tzinfo=UTC),
                    relevance=Relevance(level=Level.PRIMARY))
    with session_scope(seeded_url) as session:
        upsert_article(session, first)
    lead = parse(seeded_url, ALL, "atom").entries[0]

    # INTERPOL's version, published a day *earlier*, is stored later (a backfill).
    other = Article(source="interpol", url="https://www.interpol.int/News-and-Events/News/2025/x",
                    title="INTERPOL and OSCE train border officers from Central Asia",
                    body=body, published_at=datetime(2025, 3, 3, tzinfo=UTC) - timedelta(days=1),
                    relevance=Relevance(level=Level.MENTION))
    with session_scope(seeded_url) as session:
        result = upsert_article(session, other)
        assert result.outcome is Outcome.NEW and result.item.story_id is not None
    entries = parse(seeded_url, ALL, "atom").entries
    assert len(entries) == 4
    assert entries[0].id == lead.id and entries[0].title == lead.title
    assert entries[0].published_parsed[:3] == (2025, 3, 2)
    assert [lk.href for lk in entries[0].links if lk.rel == "related"] == [other.url]
    interpol = parse(seeded_url, FeedSpec("source", "interpol", source="interpol",
                                          levels=("mention",)), "rss")
    assert interpol.entries[0].link == other.url  # the per-source feed keeps the version


def test_search_feed_lists_the_newest_matches_first(seeded_url: str) -> None:
    cfg = config_for(seeded_url)
    spec = search_feed(cfg, "border", None, ["none"])
    dates = [e.published_parsed for e in parse(seeded_url, spec, "atom").entries]
    assert len(dates) >= 2 and dates == sorted(dates, reverse=True)
    only_interpol = search_feed(cfg, "transnational", "interpol", ["none"])
    entries = parse(seeded_url, only_interpol, "rss").entries
    assert entries and all("INTERPOL ·" in e.summary for e in entries)
