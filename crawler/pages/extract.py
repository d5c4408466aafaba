"""One page in, its fields and their provenance out: what `coopwatch extract` prints for each
input line, and what bench/extraction.py measures.

`source` names the site whose page objects read the page first (the generic layer fills in
per field, as in a crawl); "generic" skips the site layer and reads with the generic one only.
"""

from __future__ import annotations

from typing import Any

from core.article import Article
from crawler.pages.base import Document, NotAnArticle
from crawler.pages.dispatch import parse_article_with_page, site_module
from crawler.pages.generic import GenericArticlePage

GENERIC = "generic"
FIELDS = ("title", "published", "place", "summary", "body")


def check_source(source: str) -> None:
    """ValueError naming the problem if `source` has no page objects (and is not "generic")."""
    if source != GENERIC:
        site_module(source)


def read_article(source: str, url: str, html: str) -> tuple[Article, str]:
    """The Article and the page object that read it; NotAnArticle for what is not one."""
    if source == GENERIC:
        page = GenericArticlePage(Document.parse(url, html), GENERIC)
        return page.to_article(), page.name
    return parse_article_with_page(source, url, html)


def extract(source: str, url: str, html: str) -> dict[str, Any]:
    """{"parsed": true, "title", "published", "place", "summary", "body", "page_object",
    "provenance": {field: layer}} or {"parsed": false, "error": "…"}."""
    try:
        article, page = read_article(source, url, html)
    except NotAnArticle as err:
        return {"parsed": False, "error": str(err)}
    provenance = {"published" if name == "published_at" else name: layer
                  for name, layer in article.provenance.items()}
    return {
        "parsed": True,
        "title": article.title,
        "published": article.published_at.isoformat() if article.published_at else None,
        "place": article.place,
        "summary": article.summary,
        "body": article.body,
        "page_object": page,
        "provenance": {k: v for k, v in provenance.items() if k in FIELDS},
    }
