"""RFC 2616 caching that never hides a failing site.

Scrapy's RFC2616Policy serves the cached copy when the site answers 5xx (allowed by RFC 9111
§4.2.4 for caches serving people). For a monitor that copy looks like an unchanged listing:
a site down for a week would read as "no news". A 5xx must reach the spider as an error.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Response


class RevalidatingPolicy(RFC2616Policy):
    def is_cached_response_valid(self, cachedresponse: Response, response: Response,
                                 request: Request) -> bool:
        if response.status >= 500:
            return False
        return super().is_cached_response_valid(cachedresponse, response, request)
