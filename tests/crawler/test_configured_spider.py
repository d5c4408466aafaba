"""A configured source (issue 17 point 2) against the replica, through each kind of start URL
the replica serves: INTERPOL's RSS feed, OSCE's sitemap index, OSCE's listing with an
article_url_pattern, and one article page. Every item stored with its exact fields, a second
crawl fetches no article again, and the health judgement means something for a source whose
only layer is the generic one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from crawler.extensions import summarise
from replica.inventory import expected_items
from replica.server import ReplicaHandle
from storage.db import session_scope
from storage.models import CrawlRun, Item
from storage.models import Source as SourceRow

NAME = "thirdparty"
# The start URLs name the real sites; the crawl's base_url points them at the replica.
OSCE_ARTICLE = r"^https?://[^/]+/[a-z][a-z0-9-]*/\d+$"
CASES = {
    "feed": ("https://www.interpol.int/en/News-and-Events/News/rss", None, "interpol", 20),
    "sitemap": ("https://www.osce.org/sitemap.xml", None, "osce", None),
    "listing": ("https://www.osce.org/press-releases?page=0", OSCE_ARTICLE, "osce", None),
}


@pytest.fixture
def crawl_source(crawl, crawl_env: dict[str, str], archive_url: str, tmp_path: Path):
    """crawl_source(start_url, pattern) -> the run summary of a [sources.NAME] table with that
    start URL, crawled by the crawl child (`python -m crawler.run NAME`) against the replica."""
    with session_scope(archive_url) as session:  # the row the registry's wiring adds
        session.add(SourceRow(name=NAME, title="A third party", home_url="https://example.org"))

    def run(start_url: str, pattern: str | None = None) -> dict[str, Any]:
        config = tmp_path / "coopwatch.toml"
        config.write_text(
            f'[sources.{NAME}]\ntitle = "A third party"\nspeaks_for = "other"\n'
            f'start_urls = ["{start_url}"]\n'
            + (f"article_url_pattern = '{pattern}'\n" if pattern else ""), encoding="utf-8")
        return crawl(NAME, env={"COOPWATCH_CONFIG": str(config)})

    return run


def on_replica(replica: ReplicaHandle, url: str) -> str:
    parts = urlsplit(url)
    return replica.url(parts.path + (f"?{parts.query}" if parts.query else ""))


def stored(url: str) -> dict[str, Item]:
    with session_scope(url) as session:
        return {i.url: i for i in session.scalars(select(Item).where(Item.source == NAME))}


def article_requests(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Article paths requested between two replica stats snapshots."""
    grown = [p for p, n in after["requests"].items() if n > before["requests"].get(p, 0)]
    return [p for p in grown if re.match(r"^/[a-z][a-z0-9-]*/\d+$", p)
            or re.match(r"^(/[a-z]{2})?/News-and-(Events|media)/News/\d{4}/", p)]


def assert_exact(items: dict[str, Item], want: list[dict[str, Any]], replica: ReplicaHandle,
                 undated: frozenset[str] = frozenset()) -> None:
    """Every expected item stored with its title, date and URL; `undated`: URLs whose date
    neither the page nor the way the crawl came to it says."""
    assert len(items) == len(want)
    for e in want:
        got = items.get(replica.url(e["url"]))
        assert got is not None, f"missing {e['url']}"
        assert got.title == e["title"], e["url"]
        day = got.published_at.date().isoformat() if got.published_at else None
        assert day == (None if e["url"] in undated else e["published"]), e["url"]


@pytest.mark.parametrize("kind", CASES)
def test_a_configured_source_stores_every_item_of_its_start_url(
        kind: str, crawl_source, replica: ReplicaHandle, archive_url: str) -> None:
    start, pattern, site, count = CASES[kind]
    summary = crawl_source(start, pattern)
    assert summary["start_kinds"] == {on_replica(replica, start): kind}
    want = expected_items(site)[:count]
    # A sitemap knows no publication date: a page that shows none stays undated, and says so.
    undated = frozenset(e["url"] for e in want if kind == "sitemap" and
                        e["published_on_page"] is None)
    status = "errors" if undated else "ok"
    assert (summary["status"], summary["new"]) == (status, len(want)), summary
    if undated:
        assert summary["reason"] == f"{len(undated)} article(s) without a date"
    assert_exact(stored(archive_url), want, replica, undated)
    with session_scope(archive_url) as session:
        run = session.scalars(select(CrawlRun).where(CrawlRun.source == NAME)).one()
        assert (run.status, run.new, run.parsed) == (status, len(want), len(want))
        assert run.health["generic_only"] and not run.health["fallback_alarm"]

    before = replica.stats()
    again = crawl_source(start, pattern)
    after = replica.stats()
    assert again["status"] == "ok" and again["new"] == again["parsed"] == 0, again
    assert article_requests(before, after) == []
    assert again["not_modified"] >= 1, again


def test_a_start_url_that_is_an_article_is_stored_once_and_not_fetched_again(
        crawl_source, replica: ReplicaHandle, archive_url: str) -> None:
    item = expected_items("osce")[3]
    summary = crawl_source(f"https://www.osce.org{item['url']}")
    assert summary["status"] == "ok" and summary["new"] == 1, summary
    assert summary["start_kinds"] == {on_replica(replica, item["url"]): "article"}
    assert_exact(stored(archive_url), [item], replica)

    before = replica.stats()
    again = crawl_source(f"https://www.osce.org{item['url']}")
    after = replica.stats()
    assert again["status"] == "ok" and again["new"] == 0, again
    assert after["requests"].get(item["url"], 0) == before["requests"].get(item["url"], 0)


def test_a_listing_walks_its_own_next_links_and_stops_at_known_items(
        crawl_source, replica: ReplicaHandle, archive_url: str) -> None:
    crawl_source("https://www.osce.org/press-releases?page=0", OSCE_ARTICLE)
    before = replica.stats()
    crawl_source("https://www.osce.org/press-releases?page=0", OSCE_ARTICLE)
    after = replica.stats()
    listings = {p: n - before["requests"].get(p, 0) for p, n in after["requests"].items()
                if p.startswith("/press-releases") and n > before["requests"].get(p, 0)}
    assert listings == {"/press-releases?page=0": 1}, "the first page of known items ends it"


def test_health_judges_a_generic_only_source_by_what_the_generic_layer_found() -> None:
    complete = {"coopwatch/health/generic_only": 1, "coopwatch/articles_parsed": 10,
                "coopwatch/listing_pages": 1, "coopwatch/health/fallback_articles": 10}
    ok = summarise(complete, "finished", 0.5)
    assert ok["status"] == "ok" and not ok["health"]["fallback_alarm"], ok
    unreadable = {**complete, "coopwatch/health/incomplete_articles": 4,
                  "coopwatch/errors/not_an_article": 3}
    bad = summarise(unreadable, "finished", 0.5)
    assert bad["health"]["fallback_alarm"] and bad["health"]["article_pages"] == 13
    assert "no title, text or date found on 54% of article pages" in bad["reason"]
    nothing = summarise({"coopwatch/health/generic_only": 1, "coopwatch/listing_pages": 1,
                         "coopwatch/errors/not_an_article": 5}, "finished", 0.5)
    assert nothing["health"]["fallback_alarm"], "no page was an article: an alarm"


def test_scrapy_crawl_runs_a_configured_source_from_the_repo_root(
        replica: ReplicaHandle, crawl_env: dict[str, str], archive_url: str,
        tmp_path: Path) -> None:
    with session_scope(archive_url) as session:
        session.add(SourceRow(name=NAME, title="A third party", home_url="https://example.org"))
    config = tmp_path / "coopwatch.toml"
    config.write_text(f'[sources.{NAME}]\ntitle = "A third party"\nspeaks_for = "other"\n'
                      'start_urls = ["https://www.interpol.int/en/News-and-Events/News/rss"]\n',
                      encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([str(Path(sys.executable).parent / "scrapy"), "crawl", NAME, "-a",
                           f"base_url={replica.base_url}"], cwd=root, capture_output=True,
                          text=True, timeout=300,
                          env={**os.environ, **crawl_env, "COOPWATCH_CONFIG": str(config)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    with session_scope(archive_url) as session:
        run = session.scalars(select(CrawlRun).where(CrawlRun.source == NAME)).one()
        assert (run.status, run.new) == ("ok", 20)
