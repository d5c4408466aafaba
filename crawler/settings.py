"""Scrapy settings for every spider; values users tune come from coopwatch's config
(crawler/options.py).

Politeness: robots.txt obeyed, one request at a time per site, AutoThrottle (on the site's
latency, not our CPU time: crawler/throttle.py), Retry-After honoured, a User-Agent with a
contact URL. Incremental: Scrapy's HTTP cache with the RFC 2616 policy, and every request asks
for revalidation (Cache-Control: max-age=0), so repeat fetches are conditional (If-None-Match /
If-Modified-Since) and an unchanged page costs a 304.
"""

from __future__ import annotations

BOT_NAME = "coopwatch"
SPIDER_LOADER_CLASS = "crawler.spiderloader.RegistrySpiderLoader"

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 2
CONCURRENT_REQUESTS_PER_DOMAIN = 1
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 2  # first try + 2 retries = 3 requests
# 429 is retried by RetryAfterMiddleware, which waits as long as the site asks.
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Like the telnet console: no HTTP server in a crawl that runs the Python code sent to it (its
# token in a file in the user's profile). Scrapy still imports it (aiohttp) to find it is off.
REMOTE_CONTROL_ENABLED = False
# Scrapy re-parses each callback's source per response to warn about `return` in generators
# (its cache is keyed by the short-lived bound method): ~2 ms per page, for a lint.
WARN_ON_GENERATOR_RETURN_VALUE = False
LOG_LEVEL = "INFO"
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/rss+xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en",
    "Cache-Control": "max-age=0",  # always revalidate the cached copy: conditional GET
}

HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "crawler.httpcache.RevalidatingPolicy"  # RFC 2616, but a 5xx is an error
HTTPCACHE_STORAGE = "scrapy.extensions.httpcache.FilesystemCacheStorage"
HTTPCACHE_ALWAYS_STORE = True  # keep a validator even when the site says no-cache
HTTPCACHE_IGNORE_HTTP_CODES = [301, 302, 303, 307, 308, 403, 404, 429, 500, 502, 503, 504]

DOWNLOADER_MIDDLEWARES = {
    # Scrapy's cache middleware, except that a failed download is never answered from the cache.
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
    "crawler.httpcache.NoStaleOnErrorMiddleware": 900,
    "crawler.middlewares.RetryAfterMiddleware": 560,
    # Below HttpCacheMiddleware (900): it sees the site's own answer, a 304 included.
    "crawler.middlewares.CacheHintMiddleware": 950,
}
ITEM_PIPELINES = {
    "crawler.pipelines.RequireFields": 100,  # drop, with a reason, items missing url/title/text
    "crawler.pipelines.ScoreRelevance": 200,  # pure: Article -> level, score, reasons
    "crawler.pipelines.StoreItem": 300,  # batches of articles, one transaction each; outcomes
}
# AutoThrottle on the site's latency, without this process's own CPU time (crawler/throttle.py);
# bench/bare_spider.py crawls with it too.
THROTTLE_EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.throttle.ServerLatencyThrottle": 0,
}
DOWNLOAD_HANDLERS = {scheme: "crawler.throttle.TimedHTTP11DownloadHandler"
                     for scheme in ("http", "https")}
EXTENSIONS = {
    "crawler.extensions.RunRecorder": 100,  # lock, run row, summary, health
    **THROTTLE_EXTENSIONS,
}

# The options users tune (user agent, delays, sizes, the database, the cache directory …) are
# set from coopwatch's config when a spider's crawler is built (crawler/options.py).
COOPWATCH_DRY_RUN = False
# StoreItem stores this many articles per transaction, or what waits this long after the first.
COOPWATCH_STORE_BATCH = 50
COOPWATCH_STORE_BATCH_S = 2.0
COOPWATCH_TRIGGER = "cli"
# `coopwatch sources check` (coopwatch/check.py): a dry run that reads no archive either.
COOPWATCH_PREVIEW = False
# Retry-After longer than this is not waited for: the run ends, recorded as rate limited.
COOPWATCH_RETRY_AFTER_MAX_S = 120

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
