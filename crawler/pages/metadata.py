"""Read the metadata a page declares about itself: JSON-LD, og:*, article:*, <time datetime>.

Parsed once per page (Document.meta). Neither site is known to publish any of it
(osce.md, interpol.md: "unknown"), so a field taken from here is a fallback: layer "meta".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from lxml.html import HtmlElement

from crawler.pages.dates import parse_iso
from crawler.pages.text import is_related_heading, text_of

ARTICLE_TYPES = frozenset({"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting",
                           "AnalysisNewsArticle", "PressRelease"})


@dataclass(frozen=True)
class Metadata:
    title: str | None = None
    published: datetime | None = None
    published_raw: str | None = None
    description: str | None = None
    section: str | None = None
    keywords: list[str] = field(default_factory=list)
    language: str | None = None
    canonical: str | None = None


def _json_ld_article(root: HtmlElement) -> dict[str, Any]:
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except ValueError:  # broken JSON-LD is common; it is only a fallback anyway
            continue
        nodes = data if isinstance(data, list) else data.get("@graph", [data])
        for node in nodes:
            types = node.get("@type") if isinstance(node, dict) else None
            types = set(types) if isinstance(types, list) else {types}
            if types & ARTICLE_TYPES:
                return node
    return {}


def _meta_tags(root: HtmlElement) -> dict[str, str]:
    tags: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        value = " ".join((meta.get("content") or "").split())
        if key and value:
            tags.setdefault(key, value)
    return tags


def first_time_datetime(root: HtmlElement) -> str | None:
    """The datetime of the first <time> element, unless a "Related news" heading comes first."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if is_related_heading(element):
            return None
        if element.tag == "time" and element.get("datetime"):
            return element.get("datetime")
    return None


def _keywords(value: Any) -> list[str]:
    items = value if isinstance(value, list) else str(value or "").split(",")
    return [k for k in (" ".join(str(i).split()) for i in items) if k]


def read_metadata(root: HtmlElement, url: str) -> Metadata:
    ld, tags = _json_ld_article(root), _meta_tags(root)
    raw = next((v for v in (ld.get("datePublished"), tags.get("article:published_time"),
                            first_time_datetime(root)) if isinstance(v, str) and v), None)
    title = " ".join(str(ld.get("headline") or tags.get("og:title") or "").split())
    lang = root.get("lang") or ld.get("inLanguage") or tags.get("og:locale")
    canonical = next((link.get("href") for link in root.iter("link")
                      if (link.get("rel") or "").lower() == "canonical" and link.get("href")), None)
    return Metadata(
        title=title or None,
        published=parse_iso(raw) if raw else None,
        published_raw=raw,
        description=ld.get("description") or tags.get("og:description")
        or tags.get("description"),
        section=ld.get("articleSection") if isinstance(ld.get("articleSection"), str) else None,
        keywords=_keywords(ld.get("keywords") or tags.get("keywords")),
        language=str(lang).replace("_", "-").split("-")[0].lower() if lang else None,
        canonical=urljoin(url, canonical) if canonical else None,
    )


def title_tag(root: HtmlElement) -> str | None:
    """The <title> text, without a site suffix ("… | OSCE", "… - INTERPOL")."""
    for element in root.iter("title"):
        text = text_of(element)
        for separator in (" | ", " – ", " - "):
            head, found, _ = text.rpartition(separator)
            if found and head:
                text = head
                break
        return text or None
    return None
