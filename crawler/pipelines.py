"""Item pipelines, one step each; the order is in settings.ITEM_PIPELINES.

Settings: COOPWATCH_DATABASE_URL, COOPWATCH_RELEVANCE, COOPWATCH_DRY_RUN,
COOPWATCH_STORE_BATCH, COOPWATCH_STORE_BATCH_S.
Stats: coopwatch/dropped/<reason>, coopwatch/outcome/<outcome>, coopwatch/matched,
coopwatch/errors/store, coopwatch/new_item_ids, coopwatch/dry_run_items.
"""

from __future__ import annotations

import logging
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import CallLaterResult, call_later
from sqlalchemy.exc import SQLAlchemyError

from core.article import Article
from core.config import load_config
from core.sources import registry
from relevance import Rules, classify_article, load_rules
from storage.batch import upsert_articles
from storage.db import session_scope
from storage.outbox import enqueue_news_alerts, policy_from_config
from storage.repository import Outcome
from storage.runs import is_primed

logger = logging.getLogger(__name__)
MATCH_LEVELS = frozenset({"primary", "secondary"})


class RequireFields:
    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_item(self, item: Article) -> Article:
        for name in ("url", "title", "body"):
            if not getattr(item, name):
                self.stats.inc_value(f"coopwatch/dropped/no_{name}")
                raise DropItem(f"no {name}: {item.url}")
        return item


class ScoreRelevance:
    def __init__(self, rules: Rules) -> None:
        self.rules = rules

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(load_rules(crawler.settings.getdict("COOPWATCH_RELEVANCE"), registry()))

    def process_item(self, item: Article) -> Article:
        item.relevance = classify_article(item, self.rules)
        return item


class StoreItem:
    """Store articles in batches — each batch with its alert rows in one transaction — and
    count every article's outcome once its batch has committed.

    A batch is stored when COOPWATCH_STORE_BATCH articles wait, COOPWATCH_STORE_BATCH_S seconds
    after the first of them arrived, and when the spider closes (before the run recorder reads
    the stats). One transaction per batch instead of per article: storage.batch decides a
    batch set-based (bench/upsert.py). If a batch fails, its articles are stored again one per
    transaction, so only a bad one is lost (counted in coopwatch/errors/store).
    """

    def __init__(self, crawler: Crawler) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.url = crawler.settings.get("COOPWATCH_DATABASE_URL")
        self.dry_run = crawler.settings.getbool("COOPWATCH_DRY_RUN")
        self.batch_size = max(1, crawler.settings.getint("COOPWATCH_STORE_BATCH", 50))
        self.batch_s = crawler.settings.getfloat("COOPWATCH_STORE_BATCH_S", 2.0)
        self.crawler = crawler
        self.buffer: list[Article] = []
        self.timer: CallLaterResult | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        assert spider is not None
        self.source = spider.name
        if not self.dry_run:
            with session_scope(self.url) as session:
                primed = is_primed(session, self.source)
            alerts = registry()[self.source].alerts
            self.policy = policy_from_config(load_config(), source_primed=primed,
                                             source_alerts=alerts)
            if not alerts:
                logger.info("News alerts are off for %(source)s (alerts = true in its "
                            "[sources.NAME] table turns them on)", {"source": self.source})
            elif not primed:
                logger.info("First crawl of %(source)s: priming silently, no alerts for the "
                            "backfill", {"source": self.source})

    def close_spider(self) -> None:
        self.flush()

    def process_item(self, item: Article) -> Article:
        if self.dry_run:
            self.stats.inc_value("coopwatch/outcome/would_store")
            found = self.stats.get_value("coopwatch/dry_run_items") or []
            found.append({"url": item.url, "title": item.title,
                          "level": item.relevance.level.value,
                          "published": item.published_at.date().isoformat()
                          if item.published_at else None, "place": item.place,
                          "provenance": dict(item.provenance)})
            self.stats.set_value("coopwatch/dry_run_items", found)
            return item
        self.buffer.append(item)
        if len(self.buffer) >= self.batch_size:
            self.flush()
        elif self.timer is None:
            self.timer = call_later(self.batch_s, self._flush_due)
        return item

    def _flush_due(self) -> None:
        self.timer = None
        self.flush()

    def flush(self) -> None:
        """Store what waits; never raises (an article that cannot be stored is counted)."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        batch, self.buffer = self.buffer, []
        if not batch:
            return
        try:
            self._store(batch)
            return
        except Exception as err:  # whatever it was, the articles are retried alone
            if len(batch) == 1:
                self._failed(batch[0], err)
                return
            logger.warning("Cannot store a batch of %(n)d articles (%(err)s); storing them one "
                           "by one", {"n": len(batch), "err": err})
        for article in batch:
            try:
                self._store([article])
            except Exception as err:
                self._failed(article, err)

    def _store(self, batch: list[Article]) -> None:
        run_id = self.stats.get_value("coopwatch/run_id")
        with session_scope(self.url) as session:
            results = upsert_articles(session, batch)
            for result in results:
                enqueue_news_alerts(session, result, self.policy, run_id=run_id)
            session.flush()
            stored = [(a, r.outcome, r.item.id) for a, r in zip(batch, results, strict=True)]
        for article, outcome, item_id in stored:  # committed: count them
            self._count(article, outcome, item_id)

    def _count(self, article: Article, outcome: Outcome, item_id: int) -> None:
        level = article.relevance.level.value
        self.stats.inc_value(f"coopwatch/outcome/{outcome.value}")
        if outcome in (Outcome.NEW, Outcome.UPDATED) and level in MATCH_LEVELS:
            self.stats.inc_value("coopwatch/matched")
        if outcome is Outcome.NEW:
            ids = self.stats.get_value("coopwatch/new_item_ids") or []
            self.stats.set_value("coopwatch/new_item_ids", [*ids, item_id])
        logger.info("Stored %(url)s: %(outcome)s (level %(level)s, item %(item_id)s)",
                    {"url": article.url, "outcome": outcome.value, "level": level,
                     "item_id": item_id})

    def _failed(self, article: Article, err: Exception) -> None:
        self.stats.inc_value("coopwatch/errors/store")
        logger.error("Cannot store %(url)s: %(err)s", {"url": article.url, "err": err},
                     exc_info=not isinstance(err, SQLAlchemyError | ValueError))
