"""Issue 17 point 6 on the replica's third site, Border Security Wire (/wire/, WordPress): a
source configured through each kind of start URL the site offers — its RSS feed, its Yoast
sitemap index, its category listing with and without an article_url_pattern — stores every item
it should with the exact title, date, place and URL GET /_replica/items?site=wire lists, no page
that is not a post (/wire/about/, tag and date archives), and a second crawl fetches no post
again."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from replica.server import ReplicaHandle
from storage.db import session_scope
from storage.models import Item

NAME = "wire"
POST = re.compile(r"^/wire/\d{4}/\d{2}/\d{2}/[^/]+/$")
# start path, article_url_pattern, how many of the newest posts it reaches (None: all)
CASES = {
    "feed": ("/wire/feed/", None, 10),
    "sitemap": ("/wire/sitemap_index.xml", None, None),
    "listing-pattern": ("/wire/category/news/", r"/wire/\d{4}/\d{2}/\d{2}/[^/]+/$", None),
    "listing": ("/wire/category/news/", None, None),
}


def replica_items(replica: ReplicaHandle) -> list[dict[str, Any]]:
    """What the replica says a correct crawl of the site stores, newest first."""
    with urllib.request.urlopen(replica.url("/_replica/items?site=wire"), timeout=10) as reply:
        body = json.load(reply)
    return list(body["items"] if isinstance(body, dict) else body)


def stored(url: str) -> dict[str, Item]:
    with session_scope(url) as session:
        return {i.url: i for i in session.scalars(select(Item).where(Item.source == NAME))}


def post_requests(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [p for p, n in after["requests"].items()
            if POST.match(p) and n > before["requests"].get(p, 0)]


@pytest.fixture
def crawl_wire(crawl, replica: ReplicaHandle, tmp_path: Path):
    """crawl_wire(start_path, pattern) -> the run summary of `[sources.wire]` starting there,
    crawled by the crawl child (`python -m crawler.run wire`, as `coopwatch crawl` does)."""

    def run(start: str, pattern: str | None) -> dict[str, Any]:
        config = tmp_path / "coopwatch.toml"
        config.write_text(
            f'[sources.{NAME}]\ntitle = "Border Security Wire"\nspeaks_for = "other"\n'
            f'start_urls = ["{replica.url(start)}"]\n'
            + (f"article_url_pattern = '{pattern}'\n" if pattern else ""), encoding="utf-8")
        return crawl(NAME, base_url=None, env={"COOPWATCH_CONFIG": str(config)})

    return run


@pytest.mark.parametrize("case", CASES)
def test_a_wire_source_stores_every_post_exactly_and_nothing_else(
        case: str, crawl_wire, replica: ReplicaHandle, archive_url: str) -> None:
    start, pattern, count = CASES[case]
    want = replica_items(replica)[:count]
    summary = crawl_wire(start, pattern)
    assert (summary["status"], summary["new"]) == ("ok", len(want)), summary

    items = stored(archive_url)
    extra = sorted(set(items) - {replica.url(e["url"]) for e in want})
    assert not extra, f"stored pages that are not the posts it should reach: {extra}"
    wrong = []
    for e in want:
        got = items.get(replica.url(e["url"]))
        if got is None:
            wrong.append(f"missing {e['url']}")
            continue
        day = got.published_at.date().isoformat() if got.published_at else None
        if (got.title, day, got.place) != (e["title"], e["published"], e["place"]):
            wrong.append(f"{e['url']}: {(got.title, day, got.place)} != "
                         f"{(e['title'], e['published'], e['place'])}")
    assert not wrong, "\n".join(wrong)

    before = replica.stats()
    again = crawl_wire(start, pattern)
    after = replica.stats()
    assert again["status"] == "ok" and again["new"] == again["parsed"] == 0, again
    assert post_requests(before, after) == [], "a second crawl fetched known posts again"
    assert len(stored(archive_url)) == len(want)
