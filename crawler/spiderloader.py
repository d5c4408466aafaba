"""Scrapy's spider loader, read from the source registry (core.sources) instead of by scanning
modules: `scrapy list`, `scrapy crawl NAME` and the crawl child all find a source's spider by
the import path its registry entry names, so a source exists in one place only.

A configured source's spider class is shared by every configured source: the loader binds it
to the source (`bind(source)` makes a subclass named after it). A built-in changed by the
config file (its alerts, schedule, time zone) gets a subclass carrying the changed Source."""

from __future__ import annotations

import builtins
from importlib import import_module
from typing import Self

from scrapy import Request, Spider
from scrapy.settings import BaseSettings

from core.config import ConfigError
from core.sources import Source, enabled_sources


class RegistrySpiderLoader:
    """Implements scrapy.spiderloader.SpiderLoaderProtocol (SPIDER_LOADER_CLASS)."""

    def __init__(self, sources: dict[str, Source]) -> None:
        self.sources = sources

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        try:
            return cls(dict(enabled_sources()))
        except ConfigError as err:
            # `scrapy crawl` / `scrapy list` on a bad [sources.NAME] table: the one line that
            # says what to fix, exit 1, no traceback and nothing started
            raise SystemExit(f"coopwatch: {err}") from err

    def load(self, spider_name: str) -> type[Spider]:
        if spider_name not in self.sources:
            raise KeyError(f"Spider not found: {spider_name}")
        source = self.sources[spider_name]
        module, _, name = source.spider.partition(":")
        spider: type[Spider] = getattr(import_module(module), name)
        if not source.builtin:
            bound: type[Spider] = spider.bind(source)  # type: ignore[attr-defined]
            return bound
        if spider.source != source:  # type: ignore[attr-defined]
            return type(spider.__name__, (spider,), {"source": source})
        return spider

    def list(self) -> list[str]:
        return list(self.sources)

    def find_by_request(self, request: Request) -> builtins.list[str]:
        return [name for name in self.sources if self.load(name).handles_request(request)]
