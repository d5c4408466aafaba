"""crawler.extensions.RunRecorder, built as Scrapy builds it (get_crawler + build_from_crawler):
it takes the source's lock and opens a run row when the spider opens, refuses a source another
process crawls, and closes the run from the stats when the spider closes; a dry run writes
nothing."""

from __future__ import annotations

import socket

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from sqlalchemy import func, select

from crawler.extensions import RunRecorder
from storage import locks
from storage.db import session_scope
from storage.models import CrawlLock, CrawlRun


def recorder(url: str, **settings: object) -> tuple[RunRecorder, Crawler]:
    crawler = get_crawler(Spider, {"COOPWATCH_DATABASE_URL": url, **settings})
    return build_from_crawler(RunRecorder, crawler), crawler


def test_run_recorder_locks_records_and_releases(migrated_url: str) -> None:
    spider = Spider(name="osce")
    first, crawler = recorder(migrated_url, COOPWATCH_TRIGGER="api")
    first.spider_opened(spider)
    assert crawler.stats is not None
    run_id = crawler.stats.get_value("coopwatch/run_id")
    with session_scope(migrated_url) as session:
        assert locks.holder(session, "osce") is not None
        run = session.get_one(CrawlRun, run_id)
        assert (run.source, run.trigger, run.finished_at) == ("osce", "api", None)

    crawler.stats.set_value("coopwatch/listing_pages", 1)
    first.spider_closed(spider, "finished")
    summary = crawler.stats.get_value("coopwatch/summary")  # what crawler.run prints
    assert (summary["status"], summary["run_id"], summary["source"]) == ("ok", run_id, "osce")
    with session_scope(migrated_url) as session:
        run = session.get_one(CrawlRun, run_id)
        assert run.status == "ok" and run.finished_at is not None
        assert locks.holder(session, "osce") is None


def test_run_recorder_refuses_a_source_another_process_crawls(migrated_url: str) -> None:
    with session_scope(migrated_url) as session:  # pid 1 is alive on every host
        session.add(CrawlLock(source="osce", holder="1@here", pid=1, host=socket.gethostname()))
    busy, crawler = recorder(migrated_url)
    busy.spider_opened(Spider(name="osce"))
    assert crawler.stats is not None
    assert "a crawl of osce is already running (1@here" in crawler.stats.get_value("coopwatch/busy")
    with session_scope(migrated_url) as session:
        assert session.scalar(select(func.count(CrawlRun.id))) == 0


def test_run_recorder_writes_nothing_on_a_dry_run(migrated_url: str) -> None:
    dry, crawler = recorder(migrated_url, COOPWATCH_DRY_RUN=True)
    dry.spider_opened(Spider(name="osce"))
    dry.spider_closed(Spider(name="osce"), "finished")
    assert crawler.stats is not None and crawler.stats.get_value("coopwatch/run_id") is None
    with session_scope(migrated_url) as session:
        assert session.scalar(select(func.count(CrawlRun.id))) == 0
        assert locks.holder(session, "osce") is None
