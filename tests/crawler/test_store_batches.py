"""StoreItem stores in batches (N articles, T seconds after the first, spider close), writes alert
rows with the items that cause them, counts every outcome, and loses only a bad article."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy import Spider
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from core.article import Article, Level, Relevance
from crawler.pipelines import StoreItem
from storage.db import session_scope
from storage.models import AlertOutbox, Item, Source

D = datetime(2025, 5, 5, tzinfo=UTC)


class Timers:
    """Stands in for scrapy.utils.asyncio.call_later: the test fires the timer."""

    def __init__(self) -> None:
        self.pending: list[tuple[float, Callable[[], None]]] = []

    def __call__(self, delay: float, fn: Callable[[], None]) -> SimpleNamespace:
        entry = (delay, fn)
        self.pending.append(entry)
        return SimpleNamespace(cancel=lambda: entry in self.pending and self.pending.remove(entry))

    def fire(self) -> None:
        (_, fn), = self.pending
        self.pending.clear()
        fn()


def article(n: int, level: str = "none", **kw: Any) -> Article:
    base: dict[str, Any] = {
        "source": "osce", "url": f"https://www.osce.org/secretariat/{900000 + n}",
        "title": f"Item number {n} about topic {n * 7919 % 1000}",
        "body": f"Body {n}: " + " ".join(f"word{n}x{i}" for i in range(40)),
        "place": f"PLACE{n}", "published_at": D + timedelta(days=10 * n),
        "relevance": Relevance(Level(level), 1.0, [{"rule": level}])}
    return Article(**(base | kw))


@pytest.fixture
def timers(monkeypatch: pytest.MonkeyPatch) -> Timers:
    fake = Timers()
    monkeypatch.setattr("crawler.pipelines.call_later", fake)
    return fake


@pytest.fixture
def make(migrated_url: str, monkeypatch: pytest.MonkeyPatch,
         timers: Timers) -> Callable[..., StoreItem]:
    monkeypatch.setenv("COOPWATCH_CONFIG", "")
    monkeypatch.setenv("COOPWATCH_ALERT_URLS", "json://localhost/alerts")

    def build(batch: int = 3, dry_run: bool = False, primed: bool = True) -> StoreItem:
        if primed:
            with session_scope(migrated_url) as s:
                s.get_one(Source, "osce").primed_at = D
        # Built as Scrapy builds it: a crawler with its settings and stats collector.
        crawler = get_crawler(Spider, {
            "COOPWATCH_DATABASE_URL": migrated_url, "COOPWATCH_DRY_RUN": dry_run,
            "COOPWATCH_STORE_BATCH": batch, "COOPWATCH_STORE_BATCH_S": 2.0})
        crawler.spider = Spider(name="osce")
        pipeline = build_from_crawler(StoreItem, crawler)
        pipeline.open_spider()
        return pipeline

    return build


def stored(url: str) -> list[str]:
    with session_scope(url) as s:
        return list(s.scalars(select(Item.url).order_by(Item.id)))


def test_batches_of_n_then_the_timer_then_close(make: Callable[..., StoreItem], timers: Timers,
                                                migrated_url: str) -> None:
    store = make(batch=3)
    arts = [article(n, level="secondary" if n == 2 else "none") for n in range(5)]
    for a in arts[:2]:
        assert store.process_item(a) is a
    assert stored(migrated_url) == [] and len(timers.pending) == 1
    store.process_item(arts[2])  # the third: a batch
    assert stored(migrated_url) == [a.url for a in arts[:3]] and timers.pending == []
    store.process_item(arts[3])
    assert len(timers.pending) == 1 and timers.pending[0][0] == 2.0
    timers.fire()  # 2 s after the fourth arrived
    assert len(stored(migrated_url)) == 4
    store.process_item(arts[4])
    store.process_item(arts[1])  # again: unchanged
    store.close_spider()
    assert stored(migrated_url) == [a.url for a in arts] and timers.pending == []
    stats = store.stats.get_stats()
    assert stats["coopwatch/outcome/new"] == 5 and stats["coopwatch/outcome/unchanged"] == 1
    assert stats["coopwatch/matched"] == 1 and "coopwatch/errors/store" not in stats
    with session_scope(migrated_url) as s:
        ids = list(s.scalars(select(Item.id).order_by(Item.id)))
    assert stats["coopwatch/new_item_ids"] == ids


def test_a_bad_article_loses_only_itself(make: Callable[..., StoreItem],
                                         migrated_url: str) -> None:
    store = make(batch=4)
    good = [article(n, level="primary") for n in range(3)]
    # storage adds a row for an unknown source, but not one whose name its column cannot hold
    bad_source = article(7, source="x" * 33)
    bad_url = article(8, url="not a url")  # refused before any SQL
    for a in (good[0], bad_source, good[1], bad_url, good[2]):
        store.process_item(a)
    store.close_spider()
    assert stored(migrated_url) == [a.url for a in good]
    stats = store.stats.get_stats()
    assert stats["coopwatch/errors/store"] == 2
    assert stats["coopwatch/outcome/new"] == 3 and stats["coopwatch/matched"] == 3
    with session_scope(migrated_url) as s:  # one alert per good item, none lost or doubled
        alerted = sorted(s.scalars(select(AlertOutbox.item_id)))
        assert alerted == sorted(s.scalars(select(Item.id)))


def test_alert_rows_commit_with_their_batch(make: Callable[..., StoreItem],
                                            migrated_url: str) -> None:
    store = make(batch=10)
    first = article(1, level="primary", title="OSCE and INTERPOL train border officers")
    same_story = article(2, level="primary", title="INTERPOL and OSCE train border officers",
                         published_at=first.published_at)
    quiet = article(3, level="none")
    for a in (first, same_story, quiet):
        store.process_item(a)
    with session_scope(migrated_url) as s:
        assert s.scalars(select(AlertOutbox)).all() == []  # nothing before the batch commits
    store.close_spider()
    with session_scope(migrated_url) as s:
        rows = s.scalars(select(AlertOutbox)).all()
        items = {i.url: i for i in s.scalars(select(Item))}
        assert items[first.url].story_id == items[same_story.url].story_id
        # one alert per story: the first item of the story
        assert [(r.item_id, r.event) for r in rows] == [(items[first.url].id, "new")]


def test_the_first_crawl_stores_without_alerts(make: Callable[..., StoreItem],
                                               migrated_url: str) -> None:
    store = make(batch=2, primed=False)
    for n in range(3):
        store.process_item(article(n, level="primary"))
    store.close_spider()
    with session_scope(migrated_url) as s:
        assert len(stored(migrated_url)) == 3 and s.scalars(select(AlertOutbox)).all() == []


def test_dry_run_buffers_nothing_and_writes_nothing(make: Callable[..., StoreItem],
                                                    timers: Timers, migrated_url: str) -> None:
    store = make(dry_run=True, primed=False)
    for n in range(4):
        store.process_item(article(n))
    store.close_spider()
    assert stored(migrated_url) == [] and timers.pending == []
    stats = store.stats.get_stats()
    assert stats["coopwatch/outcome/would_store"] == 4
    assert [i["url"] for i in stats["coopwatch/dry_run_items"]] == [
        article(n).url for n in range(4)]
