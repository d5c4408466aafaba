"""RFC 2616 caching that never hides a failing site, and spares robots.txt.

Scrapy's RFC2616Policy serves the cached copy when the site answers 5xx (allowed by RFC 9111
§4.2.4 for caches serving people). For a monitor that copy looks like an unchanged listing:
a site down for a week would read as "no news". A 5xx must reach the spider as an error.

Nor is the cached copy served when the download itself fails (connection refused, timeout):
Scrapy's HttpCacheMiddleware does that ("httpcache/errorrecovery"), and a site that stopped
answering would read as "not modified" — no error, no health alarm. NoStaleOnErrorMiddleware
lets the failure through to the retry middleware and then to the spider's errback.

Every request asks for revalidation (settings: Cache-Control: max-age=0) — except robots.txt,
which a cached copy younger than ROBOTS_MAX_AGE_S answers with no request at all: Google
caches it for up to 24 hours (RFC 9309 §2.4), and an idle check should cost one request.
"""

from __future__ import annotations

from time import time

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Response

ROBOTS_MAX_AGE_S = 24 * 3600


class RevalidatingPolicy(RFC2616Policy):
    def should_cache_request(self, request: Request) -> bool:
        # Article pages are fetched once and never revalidated: caching them only costs writes.
        if request.meta.get("coopwatch_kind") == "article":
            return False
        return super().should_cache_request(request)

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        if request.url.endswith("/robots.txt"):
            date = cachedresponse.headers.get(b"Date")
            age = self._compute_current_age(cachedresponse, request, time()) if date else None
            return age is not None and age < ROBOTS_MAX_AGE_S
        return super().is_cached_response_fresh(cachedresponse, request)

    def is_cached_response_valid(self, cachedresponse: Response, response: Response,
                                 request: Request) -> bool:
        if response.status >= 500:
            return False
        return super().is_cached_response_valid(cachedresponse, response, request)


class NoStaleOnErrorMiddleware(HttpCacheMiddleware):
    def process_exception(self, request: Request, exception: Exception,
                          spider: Spider | None = None) -> Request | Response | None:
        # Forget the copy fetched for revalidation; a retry of this request looks it up again.
        request.meta.pop("cached_response", None)
        return None
