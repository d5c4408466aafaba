"""Read the metadata a page declares about itself: JSON-LD, og:*, article:*, <time datetime>.

Parsed once per page (Document.meta). Neither site is known to publish any of it
(osce.md, interpol.md: "unknown"), so a field taken from here is a fallback: layer "meta".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement

from crawler.pages.dates import parse_iso
from crawler.pages.text import RELATED_HEADINGS, is_related_heading, text_of

# The text nodes before an element in document order: among them the .text of every element
# before it and of every ancestor. A heading's own text holds its words, whitespace between.
_TEXT_BEFORE = etree.XPath("preceding::text()", smart_strings=False)
_NTH_TEXT_BEFORE = etree.XPath("(preceding::text())[$n]")  # with its element: a smart string
_HEADING_IN = re.compile("|".join(r"\s+".join(map(re.escape, heading.split()))
                                  for heading in sorted(RELATED_HEADINGS)))

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
    first = next((t for t in root.iter("time") if t.get("datetime")), None)
    if first is None or is_related_heading(first):
        return None
    # Only an element whose own text holds a heading's words can be one: look at those, not at
    # every element before the <time> (a Python call per element costs more than the parse).
    texts = _TEXT_BEFORE(first)
    if _HEADING_IN.search("\n".join(texts).lower()):
        for n, text in enumerate(texts, 1):
            if _HEADING_IN.search(text.lower()):
                node = _NTH_TEXT_BEFORE(first, n=n)[0]
                if node.is_text and is_related_heading(node.getparent()):
                    return None
    return first.get("datetime")


def _keywords(value: Any) -> list[str]:
    items = value if isinstance(value, list) else str(value or "").split(",")
    return [k for k in (" ".join(str(i).split()) for i in items) if k]


def canonical_link(root: HtmlElement, url: str) -> str | None:
    """The absolute URL of <link rel="canonical">, if the page declares one."""
    href = next((link.get("href") for link in root.iter("link")
                 if (link.get("rel") or "").lower() == "canonical" and link.get("href")), None)
    return urljoin(url, href) if href else None


def read_metadata(root: HtmlElement, url: str) -> Metadata:
    ld, tags = _json_ld_article(root), _meta_tags(root)
    raw = next((v for v in (ld.get("datePublished"), tags.get("article:published_time"),
                            first_time_datetime(root)) if isinstance(v, str) and v), None)
    title = " ".join(str(ld.get("headline") or tags.get("og:title") or "").split())
    lang = root.get("lang") or ld.get("inLanguage") or tags.get("og:locale")
    return Metadata(
        title=title or None,
        published=parse_iso(raw) if raw else None,
        published_raw=raw,
        description=ld.get("description") or tags.get("og:description")
        or tags.get("description"),
        section=ld.get("articleSection") if isinstance(ld.get("articleSection"), str) else None,
        keywords=_keywords(ld.get("keywords") or tags.get("keywords")),
        language=str(lang).replace("_", "-").split("-")[0].lower() if lang else None,
        canonical=canonical_link(root, url),
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
