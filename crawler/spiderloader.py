"""Scrapy's spider loader, read from the source registry (core.sources) instead of by scanning
modules: `scrapy list`, `scrapy crawl NAME` and the crawl child all find a source's spider by
the import path its registry entry names, so a source exists in one place only."""

from __future__ import annotations

import builtins
from importlib import import_module
from typing import Self

from scrapy import Request, Spider
from scrapy.settings import BaseSettings

from core.sources import SOURCES


class RegistrySpiderLoader:
    """Implements scrapy.spiderloader.SpiderLoaderProtocol (SPIDER_LOADER_CLASS)."""

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        return cls()

    def load(self, spider_name: str) -> type[Spider]:
        if spider_name not in SOURCES:
            raise KeyError(f"Spider not found: {spider_name}")
        module, _, name = SOURCES[spider_name].spider.partition(":")
        spider: type[Spider] = getattr(import_module(module), name)
        return spider

    def list(self) -> list[str]:
        return list(SOURCES)

    def find_by_request(self, request: Request) -> builtins.list[str]:
        return [name for name in SOURCES if self.load(name).handles_request(request)]
