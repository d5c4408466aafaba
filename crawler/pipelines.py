"""Item pipelines, one step each; the order is in settings.ITEM_PIPELINES.

Settings: COOPWATCH_DATABASE_URL, COOPWATCH_RELEVANCE, COOPWATCH_DRY_RUN.
Stats: coopwatch/dropped/<reason>, coopwatch/outcome/<outcome>, coopwatch/matched,
coopwatch/errors/store, coopwatch/new_item_ids, coopwatch/dry_run_items.
"""

from __future__ import annotations

import logging
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector
from sqlalchemy.exc import SQLAlchemyError

from coopwatch.config import load_config
from crawler.relevance import Rules, classify_article, load_rules
from storage.article import Article
from storage.db import session_scope
from storage.outbox import enqueue_news_alerts, policy_from_config
from storage.repository import upsert_article
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
        return cls(load_rules(crawler.settings.getdict("COOPWATCH_RELEVANCE")))

    def process_item(self, item: Article) -> Article:
        item.relevance = classify_article(item, self.rules)
        return item


class StoreItem:
    """Upsert each article with its alert rows in one transaction; count the outcome."""

    def __init__(self, crawler: Crawler) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.url = crawler.settings.get("COOPWATCH_DATABASE_URL")
        self.dry_run = crawler.settings.getbool("COOPWATCH_DRY_RUN")
        self.crawler = crawler

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
            self.policy = policy_from_config(load_config(), source_primed=primed)
            if not primed:
                logger.info("First crawl of %(source)s: priming silently, no alerts for the "
                            "backfill", {"source": self.source})

    def process_item(self, item: Article) -> Article:
        level = item.relevance.level.value
        if self.dry_run:
            self.stats.inc_value("coopwatch/outcome/would_store")
            found = self.stats.get_value("coopwatch/dry_run_items") or []
            found.append({"url": item.url, "title": item.title, "level": level,
                          "published": item.published_at.date().isoformat()
                          if item.published_at else None, "place": item.place})
            self.stats.set_value("coopwatch/dry_run_items", found)
            return item
        run_id = self.stats.get_value("coopwatch/run_id")
        try:
            with session_scope(self.url) as session:
                result = upsert_article(session, item)
                enqueue_news_alerts(session, result, self.policy, run_id=run_id)
                session.flush()
                item_id = result.item.id
        except SQLAlchemyError as err:
            self.stats.inc_value("coopwatch/errors/store")
            logger.error("Cannot store %(url)s: %(err)s", {"url": item.url, "err": err})
            raise DropItem(f"store failed: {item.url}") from err
        outcome = result.outcome.value
        self.stats.inc_value(f"coopwatch/outcome/{outcome}")
        if outcome in ("new", "updated") and level in MATCH_LEVELS:
            self.stats.inc_value("coopwatch/matched")
        if outcome == "new":
            ids = self.stats.get_value("coopwatch/new_item_ids") or []
            self.stats.set_value("coopwatch/new_item_ids", [*ids, item_id])
        logger.info("Stored %(url)s: %(outcome)s (level %(level)s, item %(item_id)s)",
                    {"url": item.url, "outcome": outcome, "level": level, "item_id": item_id})
        return item
