"""Conditional GET: the header rules (RFC 9110 §13) and the app's 304s, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from feed_helpers import BASE, parse_valid
from sqlalchemy.orm import Session

import feeds.routes
from core.article import Article, Level, Relevance
from core.config import Config, load_config
from feeds import build
from feeds.build import RenderedFeeds
from feeds.conditional import (
    SETTLED_S,
    cache_headers,
    etag_matches,
    http_date,
    is_not_modified,
    shortest_check_min,
)
from feeds.spec import FeedSpec, Format, WebSub
from storage.batch import upsert_article
from storage.db import session_scope
from storage.models import ArchiveState, Item

ETAG = '"abc123"'
CHANGED = datetime(2025, 3, 3, 12, 0, 30, 500_000, tzinfo=UTC)
LATER = CHANGED + timedelta(hours=1)


@pytest.mark.parametrize(("header", "match"), [
    ('"abc123"', True), ('W/"abc123"', True), ('"x", W/"abc123"', True), ("*", True),
    ('"abc124"', False), ('"abc123', False), ("", False), ('"a,b", "abc123"', True),
])
def test_if_none_match_uses_weak_comparison_over_a_list(header: str, match: bool) -> None:
    assert etag_matches(header, ETAG) is match


def test_if_modified_since_compares_whole_seconds_and_yields_to_if_none_match() -> None:
    sent = cache_headers(ETAG, CHANGED, 30, now=LATER)["Last-Modified"]
    assert sent == http_date(CHANGED) == "Mon, 03 Mar 2025 12:00:30 GMT"

    def not_modified(headers: dict[str, str], last_modified: datetime | None = CHANGED) -> bool:
        return is_not_modified(headers, ETAG, last_modified, now=LATER)

    assert not_modified({"if-modified-since": sent})
    assert not not_modified({"if-modified-since": "Mon, 03 Mar 2025 12:00:29 GMT"})
    assert not not_modified({"if-modified-since": "yesterday"})
    assert not not_modified({"if-modified-since": sent}, last_modified=None)
    # If-None-Match present: it alone decides, even when the date would say "not modified".
    assert not not_modified({"if-none-match": '"old"', "if-modified-since": sent})
    assert not_modified({"if-none-match": ETAG, "if-modified-since": "Thu, 01 Jan 1970 "
                         "00:00:00 GMT"})


def test_a_change_younger_than_a_minute_is_not_a_date_validator_yet() -> None:
    # A crawl's commit can land after its timestamp, in a second a reader already holds.
    fresh = LATER - timedelta(seconds=SETTLED_S - 1)
    assert "Last-Modified" not in cache_headers(ETAG, fresh, 30, now=LATER)
    assert not is_not_modified({"if-modified-since": http_date(LATER)}, ETAG, fresh, now=LATER)
    assert is_not_modified({"if-none-match": ETAG}, ETAG, fresh, now=LATER)


def store_new_item(url: str) -> None:
    with session_scope(url) as session:
        upsert_article(session, Article(
            source="interpol", url="https://www.interpol.int/News-and-Events/News/2025/new",
            title="INTERPOL and OSCE open a joint border training centre",
            body="LYON – INTERPOL and the OSCE opened a joint training centre for border police.",
            published_at=datetime(2025, 6, 1, tzinfo=UTC),
            relevance=Relevance(level=Level.PRIMARY)))


def backdate_archive(url: str) -> None:
    with session_scope(url) as session:
        for item in session.query(Item):
            item.first_seen_at -= timedelta(days=1)
        state = session.get_one(ArchiveState, 1)  # the feeds' Last-Modified
        state.changed_at -= timedelta(days=1)


def test_etag_and_if_modified_since_give_304_until_a_crawl_stores_an_item(
        client: TestClient, cfg: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    backdate_archive(cfg.database_url)  # seeded a day ago: its Last-Modified has settled
    first = client.get("/feeds/all.atom")
    assert first.status_code == 200
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    # half the shortest check interval: COOPWATCH_MIN_CHECK_EVERY_MIN (5) under the adaptive
    # schedule, which checks that often in a source's busy hours
    assert first.headers["cache-control"] == "public, max-age=150"
    assert first.headers["content-type"] == "application/atom+xml; charset=utf-8"

    # A 304 must not render the feed: that is the point of computing the ETag cheaply.
    def no_rendering(*args: object) -> bytes:
        raise AssertionError("rendered a feed for a 304")
    monkeypatch.setattr("feeds.routes.build_feed", no_rendering)
    by_etag = client.get("/feeds/all.atom", headers={"If-None-Match": etag})
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_etag.headers["etag"] == etag and by_etag.headers["cache-control"]
    by_date = client.get("/feeds/all.atom", headers={"If-Modified-Since": modified})
    assert by_date.status_code == 304
    head = client.head("/feeds/all.atom", headers={"If-None-Match": etag})
    assert head.status_code == 304
    monkeypatch.undo()

    store_new_item(cfg.database_url)
    after = client.get("/feeds/all.atom", headers={"If-None-Match": etag,
                                                   "If-Modified-Since": modified})
    assert after.status_code == 200 and after.headers["etag"] != etag
    titles = [e.title for e in parse_valid(after.content).entries]
    assert titles[0] == "INTERPOL and OSCE open a joint border training centre"
    assert "last-modified" not in after.headers  # the change is seconds old
    assert client.get("/feeds/all.atom", headers={"If-Modified-Since": modified}
                      ).status_code == 200


def test_same_state_same_bytes_and_etags_differ_per_feed_and_format(
        sqlite_client: TestClient) -> None:
    client = sqlite_client
    a, b = client.get("/feeds/all.atom"), client.get("/feeds/all.atom")
    assert a.content == b.content and a.headers["etag"] == b.headers["etag"]
    etags = {client.get(p).headers["etag"] for p in
             ("/feeds/all.atom", "/feeds/all.rss", "/feeds/osce.atom", "/feeds/osce.rss",
              "/feeds/search.atom?q=border", "/feeds/search.atom?q=police")}
    assert len(etags) == 6


def test_head_answers_like_get_without_a_body(sqlite_client: TestClient) -> None:
    client = sqlite_client
    get, head = client.get("/feeds/interpol.rss"), client.head("/feeds/interpol.rss")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-type"] == "application/rss+xml; charset=utf-8"


def test_etag_changes_when_the_rendering_changes(sqlite_client: TestClient,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    etag = sqlite_client.get("/feeds/all.atom").headers["etag"]
    monkeypatch.setattr(build, "RENDERING", build.RENDERING + 1)
    assert sqlite_client.get("/feeds/all.atom", headers={"If-None-Match": etag}).status_code == 200


def test_an_unchanged_feed_is_rendered_once_and_served_from_memory(
        client: TestClient, cfg: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    renders: list[str] = []
    real_build = feeds.routes.build_feed

    def counting_build(session: Session, spec: FeedSpec, fmt: Format, url: str,
                       websub: WebSub | None) -> bytes:
        renders.append(f"{spec.name}.{fmt} {url}")
        return real_build(session, spec, fmt, url, websub)
    monkeypatch.setattr("feeds.routes.build_feed", counting_build)

    first = client.get("/feeds/all.atom")
    again = client.get("/feeds/all.atom")  # no validators: a reader that never revalidates
    assert again.status_code == 200 and again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert renders == [f"all.atom {BASE}"]
    client.get("/feeds/all.rss")
    assert len(renders) == 2  # another document, another ETag

    store_new_item(cfg.database_url)
    after = client.get("/feeds/all.atom")
    assert len(renders) == 3 and after.headers["etag"] != first.headers["etag"]
    titles = [e.title for e in parse_valid(after.content).entries]
    assert titles[0] == "INTERPOL and OSCE open a joint border training centre"


def test_memory_of_rendered_feeds_is_bounded_and_keeps_the_recent() -> None:
    rendered = RenderedFeeds(capacity=2)
    rendered.put('"a"', b"A")
    rendered.put('"b"', b"B")
    assert rendered.get('"a"') == b"A"  # now the most recent
    rendered.put('"c"', b"C")
    assert rendered.get('"b"') is None
    assert (rendered.get('"a"'), rendered.get('"c"')) == (b"A", b"C")


def test_max_age_follows_a_fixed_interval_when_one_is_set(tmp_path: Path) -> None:
    fixed = load_config({"COOPWATCH_DATA_DIR": str(tmp_path), "COOPWATCH_CHECK_EVERY_MIN": "30"})
    assert cache_headers(ETAG, None, shortest_check_min(fixed))["Cache-Control"] == \
        "public, max-age=900"
    adaptive = load_config({"COOPWATCH_DATA_DIR": str(tmp_path)})
    assert shortest_check_min(adaptive) == 5
