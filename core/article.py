"""The Article: what a page object extracts and what storage keeps.

It lives in storage because storage is the one package every other one may import
(crawler -> storage <- feeds); it imports nothing of theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from core.controls import one_line, text_block

# Where a field's value came from, best first (ARCHITECTURE.md, "page objects"). The generic
# layer's libraries: trafilatura (main text), htmldate (date), jsonld (a JSON-LD articleBody).
LAYERS = ("url", "label", "selector", "listing", "meta", "dateline", "heuristic", "trafilatura",
          "htmldate", "jsonld", "first_seen", "seed")
# Layers that mean the site-specific extraction failed for that field: a health signal.
FALLBACK_LAYERS = frozenset({"meta", "heuristic", "trafilatura", "htmldate", "jsonld",
                             "first_seen"})

# Text fields cleaned of terminal controls and bidi overrides (core.controls) when set.
LINE_FIELDS = frozenset({"title", "subtitle", "place", "content_type", "language",
                         "published_raw"})
BLOCK_FIELDS = frozenset({"body", "summary"})

LEVELS = ("primary", "secondary", "mention", "none")


class Level(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    MENTION = "mention"
    NONE = "none"

    @property
    def rank(self) -> int:
        """Higher is more relevant: none=0 … primary=3."""
        return 3 - LEVELS.index(self.value)


class Origin(StrEnum):
    SEED = "seed"
    CRAWL = "crawl"
    CAPTURE = "capture"


@dataclass
class Relevance:
    level: Level = Level.NONE
    score: float = 0.0
    # Each reason: {"rule": str, "field": str, "start": int, "end": int, "text": str, ...}
    reasons: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Article:
    """One news item as extracted, before storage decides what it is (new, duplicate …)."""

    source: str  # "osce" | "interpol"
    url: str
    title: str
    body: str = ""
    subtitle: str | None = None
    summary: str | None = None
    place: str | None = None
    content_type: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    published_at: datetime | None = None  # tz-aware UTC
    published_raw: str | None = None  # the text the date was read from
    # field name -> layer that produced it (see LAYERS), e.g. {"title": "selector"}
    provenance: dict[str, str] = field(default_factory=dict)
    origin: Origin = Origin.CRAWL
    relevance: Relevance = field(default_factory=Relevance)

    def __setattr__(self, name: str, value: Any) -> None:
        # Every text field passes here: when a page object, the seeds or an import make the
        # Article, and when a spider fills one in later from the listing (content type, tags).
        # So what is classified, stored and printed is clean, and relevance spans fit it.
        if isinstance(value, str):
            if name in LINE_FIELDS:
                value = one_line(value)
            elif name in BLOCK_FIELDS:
                value = text_block(value)
        elif name == "tags" and isinstance(value, list):
            value = [one_line(t) if isinstance(t, str) else t for t in value]
        super().__setattr__(name, value)

    @property
    def published_layer(self) -> str | None:
        return self.provenance.get("published_at")

    def fallback_fields(self) -> list[str]:
        """Fields that only a generic fallback layer produced."""
        return sorted(f for f, layer in self.provenance.items() if layer in FALLBACK_LAYERS)
