"""crawler.middlewares, each built as Scrapy builds it (get_crawler + build_from_crawler): the
crawler's own settings and stats collector, no stand-ins."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.httpcache import NoStaleOnErrorMiddleware
from crawler.middlewares import CacheHintMiddleware, RetryAfterMiddleware

URL = "http://127.0.0.1:1/press-releases?page=0"


def stats_of(middleware: RetryAfterMiddleware | CacheHintMiddleware) -> dict[str, object]:
    assert isinstance(middleware.stats, StatsCollector)
    return middleware.stats.get_stats()


@pytest.fixture
def retry_after() -> RetryAfterMiddleware:
    crawler = get_crawler(Spider, {"RETRY_TIMES": 2, "COOPWATCH_RETRY_AFTER_MAX_S": 120})
    return build_from_crawler(RetryAfterMiddleware, crawler)


def answer(mw: RetryAfterMiddleware, request: Request, status: int,
           retry_after: str | None) -> Request | Response:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return asyncio.run(mw.process_response(request, Response(URL, status=status,
                                                              headers=headers)))


def test_retry_after_waits_as_asked_then_retries(retry_after: RetryAfterMiddleware) -> None:
    retry = answer(retry_after, Request(URL), 429, "0")
    assert isinstance(retry, Request) and retry.url == URL and retry.dont_filter
    assert retry.meta["retry_after_times"] == 1
    assert stats_of(retry_after) == {"coopwatch/http/retry_after": 1,
                                     "coopwatch/http/retry_after_s": 0}


@pytest.mark.parametrize(("header", "longest"), [("600", 600), ("soon", None)])
def test_retry_after_too_long_or_unreadable_gives_up(retry_after: RetryAfterMiddleware,
                                                     header: str, longest: int | None) -> None:
    response = answer(retry_after, Request(URL), 503, header)
    assert isinstance(response, Response) and response.status == 503
    stats = stats_of(retry_after)
    assert stats["coopwatch/errors/rate_limited"] == 1
    assert stats.get("coopwatch/http/retry_after_s") == longest
    assert "coopwatch/http/retry_after" not in stats


def test_retry_after_stops_after_retry_times(retry_after: RetryAfterMiddleware) -> None:
    tried = Request(URL, meta={"retry_after_times": 2})
    assert isinstance(answer(retry_after, tried, 429, "0"), Response)
    assert stats_of(retry_after)["coopwatch/errors/rate_limited"] == 1


def test_retry_after_leaves_other_answers_alone(retry_after: RetryAfterMiddleware) -> None:
    assert isinstance(answer(retry_after, Request(URL), 200, "5"), Response)
    assert isinstance(answer(retry_after, Request(URL), 429, None), Response)
    assert stats_of(retry_after) == {}


@pytest.fixture
def cache_hint() -> CacheHintMiddleware:
    return build_from_crawler(CacheHintMiddleware, get_crawler(Spider))


def hint(mw: CacheHintMiddleware, url: str, cache_control: str) -> None:
    response = Response(url, headers={"Cache-Control": cache_control})
    assert mw.process_response(Request(url), response) is response


def test_cache_hint_keeps_the_first_pages_max_age(cache_hint: CacheHintMiddleware) -> None:
    hint(cache_hint, "http://127.0.0.1:1/robots.txt", "max-age=86400")  # not a page
    hint(cache_hint, URL, "public, max-age=300")
    hint(cache_hint, URL + "&page=1", "max-age=60")
    assert stats_of(cache_hint) == {"coopwatch/http/max_age_s": 300}


def test_cache_hint_ignores_a_max_age_that_is_no_number(cache_hint: CacheHintMiddleware) -> None:
    hint(cache_hint, URL, "max-age=soon")
    assert stats_of(cache_hint) == {}


@pytest.mark.parametrize("middleware", [HttpCacheMiddleware, NoStaleOnErrorMiddleware])
def test_no_stale_on_error_never_answers_a_failed_download_from_the_cache(
        middleware: type[HttpCacheMiddleware], tmp_path: Path) -> None:
    # Scrapy's own cache answers a failed revalidation with the stale copy (a dead site then
    # looks like "no news"); ours lets the failure through to the retries and the run's errors.
    crawler = get_crawler(Spider, {"HTTPCACHE_ENABLED": True, "HTTPCACHE_DIR": str(tmp_path),
                                   "HTTPCACHE_POLICY": "crawler.httpcache.RevalidatingPolicy"})
    crawler.spider = crawler._create_spider("cache-test")
    mw = build_from_crawler(middleware, crawler)
    request = Request(URL)
    request.meta["cached_response"] = Response(URL, status=200, body=b"yesterday's listing")
    answer = mw.process_exception(request, TimeoutError("the site did not answer"),
                                  crawler.spider)
    if middleware is NoStaleOnErrorMiddleware:
        assert answer is None and "cached_response" not in request.meta
    else:
        assert isinstance(answer, Response) and answer.body == b"yesterday's listing"
