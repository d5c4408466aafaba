"""The fallback page objects, for pages whose layout no site page object recognises.

Fields come from the page's own metadata (layer "meta": JSON-LD, og:*, article:*, <time>),
then from text heuristics: the lead's dateline ("dateline") and the first date under the
title, never one from a "Related news" block ("heuristic"). Every field read here is a
fallback (storage.article.FALLBACK_LAYERS), which is what makes a redesign visible.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.pages.base import (
    Document,
    Field,
    Listing,
    ListingEntry,
    NotAnArticle,
    build_article,
    entry,
)
from crawler.pages.dateline import find_dateline
from crawler.pages.dates import parse_date
from crawler.pages.metadata import title_tag
from crawler.pages.text import body_text, date_after, is_related_heading, text_of
from storage.article import Article

_NEXT_TEXT = re.compile(r"^(?:next|older|suivant)\b|[›»]$", re.IGNORECASE)
HEADINGS = ("h1", "h2", "h3", "h4")
LISTING_MIN_LINKED_HEADINGS = 3


def article_container(root: HtmlElement) -> HtmlElement:
    for tag in ("article", "main"):
        found = root.find(f".//{tag}")
        if found is not None:
            return found
    body = root.find(".//body")
    return body if body is not None else root


def linked_headings(root: HtmlElement) -> list[HtmlElement]:
    """Headings that hold a link, before any "Related news" heading: a listing's items."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if is_related_heading(element):
            break
        if element.tag in HEADINGS and element.find(".//a[@href]") is not None:
            found.append(element)
    return found


def dateline_fields(body: str) -> tuple[Field[str] | None, Field | None]:
    """Place and date from the dateline opening the body's first paragraph."""
    dateline = find_dateline(body.split("\n", 1)[0]) if body else None
    if dateline is None:
        return None, None
    date = dateline.published
    return (Field(dateline.place, "dateline"),
            Field(date, "dateline", dateline.date_raw) if date else None)


class GenericArticlePage:
    name = "GenericArticlePage"

    def __init__(self, doc: Document, source: str) -> None:
        self.doc, self.source = doc, source
        self.h1 = doc.root.find(".//h1")
        self.container = article_container(doc.root)

    def title(self) -> Field[str] | None:
        if self.doc.meta.title:
            return Field(self.doc.meta.title, "meta")
        if self.h1 is not None and text_of(self.h1):
            return Field(text_of(self.h1), "heuristic")
        title = title_tag(self.doc.root)
        return Field(title, "heuristic") if title else None

    def body(self) -> Field[str] | None:
        inside = self.h1 is not None and self.container in self.h1.iterancestors()
        text = body_text(self.container, after=self.h1 if inside else None)
        return Field(text, "heuristic") if text else None

    def published(self, from_dateline: Field | None) -> Field | None:
        meta = self.doc.meta
        if meta.published is not None:
            return Field(meta.published, "meta", meta.published_raw)
        if from_dateline:
            return from_dateline
        if self.h1 is not None and (under := date_after(self.h1)):
            text = under[0]
            return Field(parse_date(text), "heuristic", text)
        return None

    def to_article(self) -> Article:
        if len(linked_headings(self.doc.root)) >= LISTING_MIN_LINKED_HEADINGS:
            raise NotAnArticle(f"{self.doc.url}: looks like a listing page")
        meta = self.doc.meta
        body = self.body()
        place, dated = dateline_fields(body.value if body else "")
        return build_article(self.source, {
            "url": Field(meta.canonical, "meta") if meta.canonical else Field(self.doc.url, "url"),
            "title": self.title(),
            "body": body,
            "summary": Field(meta.description, "meta") if meta.description else None,
            "place": place,
            "published_at": self.published(dated),
            "content_type": Field(meta.section, "meta") if meta.section else None,
            "tags": Field(meta.keywords, "meta") if meta.keywords else None,
            "language": Field(meta.language, "meta") if meta.language else None,
        })


class GenericListingPage:
    """Items are headings that hold a link; the date is the first date-only text after it."""

    name = "GenericListingPage"

    def __init__(self, doc: Document) -> None:
        self.doc = doc

    def entries(self) -> list[ListingEntry]:
        found: dict[str, ListingEntry] = {}
        for heading in linked_headings(self.doc.root):
            link = heading.find(".//a[@href]")
            url = self.doc.absolute(link.get("href"))
            if url in found or not text_of(link):
                continue
            dated = date_after(heading, limit=3)
            date_text = dated[0] if dated else None
            published = parse_date(date_text) if date_text else None
            teaser = next((t for p in heading.getparent().iter("p")
                           if (t := text_of(p)) and t != date_text), None)
            found[url] = entry(
                Field(url, "heuristic"), Field(text_of(link), "heuristic"),
                published=Field(published.date(), "heuristic") if published else None,
                teaser=Field(teaser, "heuristic") if teaser else None,
            )
        return list(found.values())

    def next_url(self) -> str | None:
        root = self.doc.root
        for element in (*root.iter("link"), *root.iter("a")):
            rel = (element.get("rel") or "").lower().split()
            if element.get("href") and ("next" in rel or (
                    element.tag == "a" and _NEXT_TEXT.search(text_of(element)))):
                return self.doc.absolute(element.get("href"))
        return None

    def to_listing(self) -> Listing:
        next_url = self.next_url()
        return Listing(self.entries(), next_url,
                       {"next_url": "heuristic"} if next_url else {})


PAGE_OBJECTS = (GenericArticlePage, GenericListingPage)
