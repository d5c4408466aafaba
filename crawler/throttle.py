"""AutoThrottle on the site's latency, not on ours.

Scrapy's AutoThrottle sets the delay before the next request to a site from each response's
latency, timed until the event loop reads the response. While the loop is busy parsing,
scoring and storing the previous page, the next response waits unread, so its latency includes
that work: AutoThrottle takes the crawler's own CPU time for a slow site and waits about as
long again before the next request (bench/crawl.py: a second idle per 500 pages on loopback,
a quarter of the crawl; nothing a remote site would notice either way).

TimedHTTP11DownloadHandler notes the process's CPU time as each request goes out, and
ServerLatencyThrottle takes the CPU time spent while the request was out off its latency.
Politeness is unchanged: one request at a time per site (CONCURRENT_REQUESTS_PER_DOMAIN),
never sooner than DOWNLOAD_DELAY after the last one, and a site that answers slowly still slows
the crawl down, because waiting for it costs this process no CPU time.

Kept free of coopwatch's storage imports: bench/bare_spider.py crawls with it too.
"""

from __future__ import annotations

import time

from scrapy import Request, Spider
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response

CPU_AT_SEND = "coopwatch_cpu_at_send"  # request.meta: time.process_time() as it went out


class TimedHTTP11DownloadHandler(HTTP11DownloadHandler):
    async def download_request(self, request: Request) -> Response:
        request.meta[CPU_AT_SEND] = time.process_time()
        return await super().download_request(request)


class ServerLatencyThrottle(AutoThrottle):
    def _response_downloaded(self, response: Response, request: Request,
                             spider: Spider) -> None:
        latency = request.meta.get("download_latency")
        sent = request.meta.get(CPU_AT_SEND)
        if latency is None or sent is None:
            super()._response_downloaded(response, request, spider)
            return
        own = time.process_time() - sent
        # AutoThrottle reads the latency from meta; everything after it sees Scrapy's figure.
        request.meta["download_latency"] = max(0.0, latency - own)
        try:
            super()._response_downloaded(response, request, spider)
        finally:
            request.meta["download_latency"] = latency
