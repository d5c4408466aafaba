"""The Scrapy settings a user tunes, read from coopwatch's config when a spider's crawler is
built (CoopSpider.update_settings), not when crawler.settings is imported: importing it
(`scrapy list`, a test, bench/bare_spider.py) reads no file and no environment, and a bad
option fails the crawl that uses it. They are set at the "addon" priority, below the project's
settings, so what the crawl entry, a test or `-s` sets still wins.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings

from core.config import Config, load_config


def config_settings(cfg: Config) -> dict[str, Any]:
    delay = cfg.get_float("COOPWATCH_DOWNLOAD_DELAY_S")
    max_bytes = cfg.get_int("COOPWATCH_MAX_PAGE_BYTES")
    return {
        "USER_AGENT": cfg["COOPWATCH_USER_AGENT"],
        "DOWNLOAD_DELAY": delay,
        "AUTOTHROTTLE_START_DELAY": delay,
        "DOWNLOAD_TIMEOUT": cfg.get_int("COOPWATCH_DOWNLOAD_TIMEOUT_S"),
        "DOWNLOAD_MAXSIZE": max_bytes,
        "DOWNLOAD_WARNSIZE": max_bytes // 2,
        "HTTPCACHE_DIR": str((cfg.data_dir / "httpcache").resolve()),
        "COOPWATCH_DATABASE_URL": cfg.database_url,
        "COOPWATCH_SINCE": cfg["COOPWATCH_SINCE"],
        "COOPWATCH_MAX_PAGES": cfg.get_int("COOPWATCH_MAX_PAGES"),
        "COOPWATCH_FULL_LISTING_EVERY_H": cfg.get_float("COOPWATCH_FULL_LISTING_EVERY_H"),
        "COOPWATCH_RELEVANCE": cfg.table("relevance"),
        "COOPWATCH_FALLBACK_ALARM_SHARE": cfg.get_float("COOPWATCH_FALLBACK_ALARM_SHARE"),
        "COOPWATCH_INSTANCE": cfg.instance,
        "COOPWATCH_LEASE_S": cfg.get_seconds("COOPWATCH_LEASE_S"),
    }


def apply_config(settings: BaseSettings) -> None:
    settings.update(config_settings(load_config()), priority="addon")
