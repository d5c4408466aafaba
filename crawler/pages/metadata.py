"""Read the metadata a page declares about itself: JSON-LD, og:*, article:*, <time datetime>.

Parsed once per page (Document.meta); JSON-LD is read by extruct, one <script> at a time so
that one broken block does not hide the others. Neither site is known to publish any of it
(osce.md, interpol.md: "unknown"), so a field taken from here is a fallback: layer "meta".
Text values have their HTML entities decoded: JSON-LD often carries "&#039;" and "&amp;".
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
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

# schema.org types of a news item besides every "…Article" (NewsArticle, ReportageNewsArticle,
# AnalysisNewsArticle …): blog and live-blog posts, reports, press releases.
ARTICLE_TYPES = frozenset({"BlogPosting", "LiveBlogPosting", "Report", "PressRelease"})
# schema.org WebPage and its subtypes: what a CMS declares for a page that is no item (About,
# Contact), and, with an article node beside it, for the page an article is on.
WEB_PAGE_TYPES = frozenset({"WebPage", "AboutPage", "ContactPage", "CollectionPage",
                            "ProfilePage", "FAQPage", "QAPage", "SearchResultsPage",
                            "ItemPage", "CheckoutPage", "MedicalWebPage", "RealEstateListing"})


@cache
def _json_ld() -> Any:
    """extruct's JSON-LD reader, imported on first use: the package imports rdflib and its
    other extractors (~0.25 s of CPU), which a crawl child whose site pages declare no JSON-LD
    need not pay at start-up."""
    from extruct.jsonld import JsonLdExtractor

    return JsonLdExtractor()


def is_article_type(name: object) -> bool:
    return isinstance(name, str) and (name.endswith("Article") or name in ARTICLE_TYPES)


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
    og_type: str | None = None
    json_ld_type: str | None = None  # the @type of the article node, when there is one
    json_ld_web_page: bool = False  # a WebPage node (of any subtype) in the JSON-LD
    article_body: str | None = None  # JSON-LD articleBody

    @property
    def declares_article(self) -> bool:
        """The page says it is an article: og:type article or an article JSON-LD node."""
        return bool(self.json_ld_type) or (self.og_type or "").lower().startswith("article")

    @property
    def declares_plain_page(self) -> bool:
        """The JSON-LD says this is a web page and names no article in it (its og:type is not
        trusted here: Yoast and others write "article" on every page)."""
        return self.json_ld_web_page and not self.json_ld_type


def clean(value: object) -> str | None:
    """A metadata string with entities decoded and whitespace collapsed; None if empty."""
    if not isinstance(value, str):
        return None
    return " ".join(html.unescape(value).split()) or None


def json_ld_nodes(root: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page: top-level items, @graph members and mainEntity."""
    found: list[dict[str, Any]] = []

    def walk(item: Any) -> None:
        if isinstance(item, list):
            for member in item:
                walk(member)
        elif isinstance(item, dict):
            found.append(item)
            walk(item.get("@graph"))
            walk(item.get("mainEntity"))

    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            walk(_json_ld().extract_items(script))
        except ValueError:  # broken JSON-LD is common; it is only a fallback anyway
            continue
    return found


def _types(node: dict[str, Any]) -> set[str]:
    types = node.get("@type")
    return {t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)}


def _json_ld_article(nodes: list[dict[str, Any]]) -> tuple[dict[str, Any], str | None]:
    """The first article node of the page's JSON-LD and its article @type."""
    for node in nodes:
        types = node.get("@type")
        for name in types if isinstance(types, list) else [types]:
            if is_article_type(name):
                return node, name
    return {}, None


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
    nodes = json_ld_nodes(root)
    (ld, ld_type), tags = _json_ld_article(nodes), _meta_tags(root)
    # the original publication date only: never dateModified or article:modified_time
    raw = next((v for v in (ld.get("datePublished"), tags.get("article:published_time"),
                            first_time_datetime(root)) if isinstance(v, str) and v), None)
    lang = root.get("lang") or ld.get("inLanguage") or tags.get("og:locale")
    return Metadata(
        title=clean(ld.get("headline")) or clean(tags.get("og:title")),
        published=parse_iso(raw) if raw else None,
        published_raw=raw,
        description=clean(ld.get("description")) or clean(tags.get("og:description"))
        or clean(tags.get("description")),
        section=clean(ld.get("articleSection")),
        keywords=_keywords(ld.get("keywords") or tags.get("keywords")),
        language=str(lang).replace("_", "-").split("-")[0].lower() if lang else None,
        canonical=canonical_link(root, url),
        og_type=tags.get("og:type"),
        json_ld_type=ld_type,
        json_ld_web_page=any(_types(node) & WEB_PAGE_TYPES for node in nodes),
        article_body=ld.get("articleBody") if isinstance(ld.get("articleBody"), str) else None,
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
