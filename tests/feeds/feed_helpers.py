"""Helpers shared by the feed tests (imported by name: tests/feeds is on sys.path)."""

from __future__ import annotations

from typing import Any

import feedparser

from core.config import Config, load_config

BASE = "http://feeds.test"


def config_for(url: str, **options: str) -> Config:
    """A Config on `url` that ignores the developer's environment and config file."""
    return load_config({"COOPWATCH_DATABASE_URL": url, "COOPWATCH_CONFIG": "", **options})


def parse_valid(data: bytes, what: str = "feed") -> Any:
    """feedparser's result, after checking it found nothing malformed."""
    parsed = feedparser.parse(data)
    assert not parsed.bozo, f"{what}: {parsed.get('bozo_exception')}"
    return parsed
