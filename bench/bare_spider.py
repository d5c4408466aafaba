"""The crawl baseline: a bare Scrapy spider that only fetches a list of URLs — no parsing, no
classification, no storage, no HTTP cache — with coopwatch's own download settings (robots.txt,
concurrency, AutoThrottle, delay, User-Agent, headers, reactor, download handler, consoles),
so the difference to a coopwatch crawl of the same pages is what coopwatch does with them.

    python bench/bare_spider.py URLS_FILE [--download-delay S]

Prints one JSON line: Scrapy's counters (requests, responses, bytes, statuses, elapsed).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response

# Download behaviour copied from crawler.settings; everything that handles pages is left out.
MIRRORED = ("USER_AGENT", "ROBOTSTXT_OBEY", "CONCURRENT_REQUESTS",
            "CONCURRENT_REQUESTS_PER_DOMAIN", "AUTOTHROTTLE_ENABLED", "AUTOTHROTTLE_MAX_DELAY",
            "AUTOTHROTTLE_TARGET_CONCURRENCY", "DOWNLOAD_TIMEOUT", "DOWNLOAD_MAXSIZE",
            "RETRY_ENABLED", "RETRY_TIMES", "RETRY_HTTP_CODES", "REDIRECT_MAX_TIMES",
            "COOKIES_ENABLED", "TELNETCONSOLE_ENABLED", "REMOTE_CONTROL_ENABLED",
            "DEFAULT_REQUEST_HEADERS", "TWISTED_REACTOR", "LOG_LEVEL", "DOWNLOAD_HANDLERS")


class FetchOnly(Spider):
    name = "fetch_only"

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls

    async def start(self) -> AsyncIterator[Request]:
        for url in self.urls:
            yield Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response: Response) -> None:
        return None


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("urls_file")
    p.add_argument("--download-delay", type=float, default=0.0)
    p.add_argument("--set", action="append", default=[], metavar="NAME=JSON",
                   help="Override one Scrapy setting, e.g. --set AUTOTHROTTLE_ENABLED=false")
    args = p.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    import crawler.settings as coop  # the values coopwatch crawls with
    from core.config import load_config
    from crawler.options import config_settings

    tuned = config_settings(load_config())
    settings = {name: tuned[name] if name in tuned else getattr(coop, name) for name in MIRRORED}
    settings["EXTENSIONS"] = coop.THROTTLE_EXTENSIONS  # coopwatch's AutoThrottle
    settings |= {"DOWNLOAD_DELAY": args.download_delay,
                 "AUTOTHROTTLE_START_DELAY": args.download_delay, "HTTPCACHE_ENABLED": False}
    for item in args.set:
        name, value = item.split("=", 1)
        settings[name] = json.loads(value)
    urls = [u for u in Path(args.urls_file).read_text().split() if u]
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(FetchOnly)
    process.crawl(crawler, urls=urls)
    process.start()
    assert crawler.stats is not None
    stats = crawler.stats.get_stats()
    keep = {k: v for k, v in stats.items() if isinstance(v, int | float) and
            k.startswith(("downloader/", "response_received", "elapsed", "robotstxt/"))}
    sys.stdout.write(json.dumps(keep) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
