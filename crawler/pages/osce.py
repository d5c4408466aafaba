"""www.osce.org page objects: the "Newsroom" listing and articles in two layouts.

Facts are from shared/sites/osce.md. Layers, best first: visible labels ("Publishing date:",
"Date:", "Place:", "Fields of work:") → the Drupal/2025 markup → metadata → the dateline.
Layouts are tried newest first; archived pages keep the old one.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from lxml.html import HtmlElement

from core.article import Article
from crawler.pages.base import (
    Document,
    Field,
    LayoutSwitch,
    Listing,
    ListingEntry,
    UseGeneric,
    build_article,
    entry,
    select,
)
from crawler.pages.dates import parse_date, parse_iso
from crawler.pages.generic import dateline_fields, fill_missing
from crawler.pages.text import body_text, text_of

# The 2025 layout says "News Item" where listings say "News": keep one vocabulary.
CONTENT_TYPES = {"news item": "News"}
FACT_LABELS = ("date", "issued on", "place", "source", "issued by", "fields of work")


def _label(text: str | None) -> str:
    return " ".join((text or "").split()).rstrip(":").strip().lower()


def _comma_list(text: str) -> list[str]:
    return [part for part in (" ".join(p.split()) for p in text.split(",")) if part]


class _OsceLayout:
    """What both layouts share: canonical URL, language, and the meta/dateline fallbacks."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc

    @property
    def name(self) -> str:
        return type(self).__name__

    def url(self) -> Field[str]:
        # /node/<nid> declares its /<section>/<nid> twin as canonical; trust only the same host.
        canonical = self.doc.canonical
        if canonical and urlsplit(canonical).netloc == urlsplit(self.doc.url).netloc:
            return Field(canonical, "selector")
        return Field(self.doc.url, "url")

    def language(self) -> Field[str] | None:
        lang = self.doc.root.get("lang")
        return Field(lang.split("-")[0].lower(), "selector") if lang else None

    def fallback_date(self, from_dateline: Field | None) -> Field | None:
        meta = self.doc.meta
        if meta.published is not None:
            return Field(meta.published, "meta", meta.published_raw)
        return from_dateline

    def article(self, fields: dict[str, Field | None]) -> Article:
        body = fields.get("body")
        place, dated = dateline_fields(body.value if body else "")
        fields["place"] = fields.get("place") or place
        fields["published_at"] = fields.get("published_at") or self.fallback_date(dated)
        return build_article("osce", fill_missing(self.doc, {
            "url": self.url(), "language": self.language(), **fields}))


class Osce2025Layout(_OsceLayout):
    """Since ~2024: content-type word, <h1>, a list of labelled facts, then the body."""

    def __init__(self, doc: Document) -> None:
        super().__init__(doc)
        self.facts = self.read_facts(doc.root)
        self.h1 = doc.root.find(".//h1")

    @staticmethod
    def read_facts(root: HtmlElement) -> dict[str, HtmlElement]:
        """Label ("date", "place" …) -> the element holding its value (the <dd> after <dt>)."""
        facts: dict[str, HtmlElement] = {}
        for dt in root.iter("dt"):
            label, value = _label(text_of(dt)), dt.getnext()
            if label in FACT_LABELS and value is not None and value.tag == "dd":
                facts.setdefault(label, value)
        return facts

    @classmethod
    def matches(cls, doc: Document) -> bool:
        # any labelled fact will do: an item may lack its date, and must still parse here
        return doc.root.find(".//h1") is not None and bool(cls.read_facts(doc.root))

    def published(self) -> Field | None:
        value = self.facts.get("date", self.facts.get("issued on"))
        if value is None:
            return None
        for time in value.iter("time"):
            raw = time.get("datetime") or ""
            if (found := parse_iso(raw)) is not None:
                return Field(found, "label", raw)
        text = text_of(value)
        found = parse_date(text)
        return Field(found, "label", text) if found else None

    def content_type(self) -> Field[str] | None:
        before = self.h1.getprevious() if self.h1 is not None else None
        text = text_of(before) if before is not None else ""
        if not text or len(text) > 40:
            return None
        return Field(CONTENT_TYPES.get(text.lower(), text), "selector")

    def summary(self) -> Field[str] | None:
        # News items repeat their lead between the title and the facts.
        after = self.h1.getnext() if self.h1 is not None else None
        if after is not None and after.tag == "p" and text_of(after):
            return Field(text_of(after), "selector")
        return None

    def to_article(self) -> Article:
        facts_list = next(iter(self.facts.values())).getparent()
        place = self.facts.get("place")
        tags = self.facts.get("fields of work")
        body = body_text(facts_list.getparent(), after=facts_list)
        return self.article({
            "title": Field(text_of(self.h1), "selector"),
            "content_type": self.content_type(),
            "summary": self.summary(),
            "published_at": self.published(),
            "place": Field(text_of(place), "label") if place is not None else None,
            "tags": Field(_comma_list(text_of(tags)), "label") if tags is not None else None,
            "body": Field(body, "selector") if body else None,
        })


class Osce2023Layout(_OsceLayout):
    """Drupal 6 with Panels, as 2023 scrapers saw it (div.content--header > h1 …)."""

    TITLE = "div.content--header > h1, div.content--content > h1"
    BODY = "div.content--content > div > div.pane-content"

    @classmethod
    def matches(cls, doc: Document) -> bool:
        return bool(select(doc.root, cls.TITLE))

    def first(self, selector: str) -> HtmlElement | None:
        found = select(self.doc.root, selector)
        return found[0] if found else None

    def published(self) -> Field | None:
        span = self.first("span.date-display-single")
        text = text_of(span) if span is not None else ""
        found = parse_date(text) if text else None
        return Field(found, "selector", text) if found else None

    def to_article(self) -> Article:
        title = self.first(self.TITLE)
        teaser = self.first("div.field-field-description .field-item")
        # the first pane with text is the body; later panes hold the source and downloads
        body = next((t for pane in select(self.doc.root, self.BODY) if (t := body_text(pane))),
                    "")
        return self.article({
            "title": Field(text_of(title), "selector"),
            "summary": Field(text_of(teaser), "selector") if teaser is not None else None,
            "published_at": self.published(),
            "body": Field(body, "selector") if body else None,
        })


class OsceArticlePage(LayoutSwitch):
    layouts = (Osce2025Layout, Osce2023Layout)


class OsceListingPage:
    """/press-releases?page=N and /press-releases/<words>: Drupal apachesolr results."""

    name = "OsceListingPage"
    ITEM = ".pane-apachesolr-result .search-result-news"

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.items = select(doc.root, self.ITEM)
        if not self.items and not select(doc.root, ".pane-apachesolr-result"):
            raise UseGeneric(f"{doc.url}: no apachesolr results pane")

    @staticmethod
    def own_texts(item: HtmlElement) -> list[tuple[HtmlElement, str, str]]:
        """(element, its own text, lowercased) for each element of item that has some: read
        once, for every label looked for."""
        return [(element, own, own.lower()) for element in item.iter()
                if isinstance(element.tag, str) and (own := " ".join((element.text or "").split()))]

    @staticmethod
    def labelled(owns: list[tuple[HtmlElement, str, str]], label: str) -> str | None:
        """The text after a visible label ("Publishing date: 3 July 2025" -> "3 July 2025")."""
        for element, own, lower in owns:
            if lower.startswith(label.lower()):
                line = text_of(element if own != label else element.getparent())
                value = line[line.lower().index(label.lower()) + len(label):].strip()
                return value or None
        return None

    def entry(self, item: HtmlElement) -> ListingEntry | None:
        links = select(item, "dt.search-title > h3 > a") or select(item, "h3 a")
        if not links or not links[0].get("href"):
            return None
        owns = self.own_texts(item)
        date_text = self.labelled(owns, "Publishing date:")
        published = parse_date(date_text) if date_text else None
        content_type = self.labelled(owns, "Content type:")
        tags = self.labelled(owns, "What we do:")
        snippet = select(item, ".search-snippet")
        return entry(
            Field(self.doc.absolute(links[0].get("href")), "selector"),
            Field(text_of(links[0]), "selector"),
            published=Field(published.date(), "label") if published else None,
            content_type=Field(content_type, "label") if content_type else None,
            tags=Field(_comma_list(tags), "label") if tags else None,
            teaser=Field(text_of(snippet[0]), "selector") if snippet else None,
        )

    def next_url(self) -> Field[str] | None:
        for link in select(self.doc.root, "ul.pager li.pager-next > a[href]"):
            return Field(self.doc.absolute(link.get("href")), "selector")
        for link in self.doc.root.iter("a"):
            if link.get("href") and text_of(link).lower().startswith("next"):
                return Field(self.doc.absolute(link.get("href")), "label")
        return None

    def to_listing(self) -> Listing:
        next_url = self.next_url()
        return Listing([e for e in map(self.entry, self.items) if e is not None],
                       next_url.value if next_url else None,
                       {"next_url": next_url.layer} if next_url else {})


ARTICLE_PAGE = OsceArticlePage
LISTING_PAGE = OsceListingPage
PAGE_OBJECTS = (OsceListingPage, Osce2025Layout, Osce2023Layout)
