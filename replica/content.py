"""The replica's items: what each page says, and what a correct extractor should read from it.

An Item is made from one of the five seeds (seeds.py), the real samples (samples.py) or the
generated catalogue (catalogue.py); everything is deterministic (random choices use a fixed
seed per item). `Item.expected()` is the record the tests compare against: title, published
date, place, canonical path (the replica serves any host, so URLs are paths). Every item of a
site, in order: inventory.py.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from replica.catalogue import (
    CONTENT_TYPES,
    FIELDS,
    PARAGRAPHS,
    SECTIONS,
    TOPICS,
    InterpolSpec,
    OsceSpec,
)
from replica.samples import Sample
from replica.wire_catalogue import AGENCY, WireSpec

SITES = ("osce", "interpol")  # the organisations' own sites (their page objects exist)
WIRE = "wire"  # a third party's WordPress newsroom (wire_catalogue.py, wire_pages.py)
ALL_SITES = (*SITES, WIRE)
# Dateline styles that carry no date: a date-less dateline says nothing about publication.
DATELESS_STYLES = ("interpol", "agency")
OTHER_ORG = {"osce": "INTERPOL", "interpol": "OSCE"}
# OSCE node ids grow with time; generated items get ids interpolated between real ones.
_NID_ANCHORS = ((date(2010, 1, 1), 60000), (date(2010, 12, 20), 74659),
                (date(2013, 7, 24), 103861), (date(2014, 6, 18), 119912),
                (date(2017, 11, 2), 354326), (date(2019, 5, 8), 418955),
                (date(2020, 1, 31), 445177), (date(2021, 9, 24), 498936),
                (date(2024, 10, 14), 580531), (date(2026, 12, 31), 600000))
NEW_OSCE_LAYOUT_FROM = date(2024, 1, 1)  # older items keep the 2023 Drupal layout
NEW_INTERPOL_SITE_FROM = date(2019, 1, 1)  # older items also live at an old-site URL


@dataclass(frozen=True)
class Block:
    """A piece of an article body: a paragraph, or media that a body must not include."""

    kind: str  # "p" | "figure" (photo + caption) | "carousel" (captions) | "quote" (pull quote)
    text: str = ""
    cite: str = ""
    captions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Item:
    site: str
    key: str  # OSCE node id; INTERPOL "<YYYY>/<Slug>"; wire "<YYYY>/<MM>/<DD>/<slug>"
    title: str
    published: date | None  # None only for items published with the missing_date fault
    blocks: tuple[Block, ...]  # the body; the first paragraph without its dateline
    relevance: str  # primary | secondary | mention | none (a hint for relevance tests)
    place: str = ""  # the dateline's place, or the "Place:" label of a 2025 press release
    style: str = "none"  # dateline style (catalogue.py)
    content_type: str = ""
    tags: tuple[str, ...] = ()  # OSCE fields of work; INTERPOL topic
    units: tuple[str, ...] = ()  # OSCE "Where we are" / "Issued by" / "Source"
    section: str = ""  # OSCE section slug
    layout: str = ""  # OSCE "2025" | "2023" (INTERPOL items all use the 2019 site)
    summary: str = ""  # OSCE lead or teaser; INTERPOL standfirst
    date_on_page: bool = True  # False: only listings and the dateline (if any) carry the date
    with_meta: bool = False  # og:*, article:published_time and JSON-LD
    old_path: str = ""  # INTERPOL pre-2019 URL
    downloads: tuple[str, ...] = ()  # OSCE attachments
    menu: str = ""  # OSCE 2025 layout: the seed whose navigation menu the page carries
    fault: str = ""  # missing_date | latin1 | truncated | huge (published items only)
    post_id: int = 0  # wire: the WordPress post id (body class, shortlink, feed guid)
    modified: datetime = field(default=datetime(2010, 1, 1, tzinfo=UTC), compare=False)

    @property
    def path(self) -> str:
        if self.site == "osce":
            return f"/{self.section}/{self.key}"
        if self.site == WIRE:
            return f"/wire/{self.key}/"
        return f"/en/News-and-Events/News/{self.key}"

    @property
    def alt_paths(self) -> tuple[str, ...]:
        if self.site == "osce":
            return (f"/node/{self.key}",)
        if self.site == WIRE:
            return ()
        paths = (f"/News-and-Events/News/{self.key}", f"/fr/News-and-Events/News/{self.key}")
        return (*paths, self.old_path) if self.old_path else paths

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "p"]

    @property
    def lead(self) -> str:
        return self.paragraphs[0] if self.paragraphs else ""

    def dateline(self) -> str:
        """The words that open the first paragraph, e.g. "BISHKEK, 20 December 2010 - "."""
        day = day_text(self.published) if self.published else ""
        if self.style == "none" or not self.place or (not day and
                                                       self.style not in DATELESS_STYLES):
            return ""
        return {
            "hyphen": f"{self.place}, {day} - ", "endash": f"{self.place}, {day} – ",
            "emdash": f"{self.place}, {day} — ", "osce": f"{self.place}, {day} (OSCE) - ",
            "after": f"{self.place} – {day}. ", "interpol": f"{self.place} – ",
            "agency": f"{self.place} ({AGENCY}) — ",
        }[self.style]

    def text(self) -> str:
        return "\n".join([self.title, self.summary, *self.paragraphs])

    def expected(self) -> dict[str, Any]:
        """What a correct extractor reads from this item's page (and listing)."""
        labelled_place = self.site == "osce" and self.layout == "2025" and \
            self.content_type == "Press release"
        return {
            "site": self.site, "key": self.key, "url": self.path,
            "alt_urls": list(self.alt_paths), "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            # what the article page alone tells (its date element, or a dated dateline)
            "published_on_page": self.published.isoformat() if self.published and (
                self.date_on_page or (self.style not in DATELESS_STYLES and self.dateline()))
            else None,
            "place": self.place if (self.dateline() or labelled_place) and self.place else None,
            "content_type": self.content_type or None, "tags": list(self.tags),
            "relevance": self.relevance,
        }


def day_text(day: date) -> str:
    """"5 December 2019": day not zero-padded, English month (osce.md, interpol.md)."""
    return f"{day.day} {day:%B %Y}"


def stable_int(*parts: object) -> int:
    """A number derived from the parts: the same on every run (unlike hash())."""
    return int(hashlib.sha256(repr(parts).encode()).hexdigest()[:8], 16)


def interpol_slug(title: str) -> str:
    """INTERPOL's slugs: words joined by "-", apostrophes become "-s" ("chief’s" → "chief-s")."""
    spaced = re.sub(r"['’]", " ", title)  # before folding to ASCII, which drops "’"
    ascii_title = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[A-Za-z0-9]+", ascii_title))


def interpol_key(published: date, title: str) -> str:
    return f"{published.year}/{interpol_slug(title)}"


def wire_key(published: date, title: str) -> str:
    """WordPress's "/%year%/%monthnum%/%day%/%postname%/" permalink: a lower-case slug."""
    return f"{published:%Y/%m/%d}/{interpol_slug(title).lower()}"


def _nid_for(day: date) -> int:
    days = [d for d, _ in _NID_ANCHORS]
    i = min(max(bisect_left(days, day), 1), len(days) - 1)
    (d0, n0), (d1, n1) = _NID_ANCHORS[i - 1], _NID_ANCHORS[i]
    return n0 + (n1 - n0) * (day - d0).days // max((d1 - d0).days, 1)


def continue_body(site: str, key: str, lead: str, relevance: str, fill: dict[str, str],
                  ) -> tuple[str, ...]:
    """Two or three catalogue paragraphs after the lead; a relevant item names the other
    organisation at least once, a hard negative never does."""
    pool = list(PARAGRAPHS[(site, relevance)])
    chosen = random.Random(stable_int(site, key)).sample(pool, k=min(3, len(pool)))
    other = OTHER_ORG[site]
    if relevance != "none" and not any(other in p for p in [lead, *chosen]):
        chosen[0] = next(p for p in pool if other in p)
    return tuple(p.format(**fill) for p in chosen)


def modified_at(day: date | None) -> datetime:
    return datetime.combine(day or date(2010, 1, 1), time(12), tzinfo=UTC)


def _osce_item(spec: OsceSpec | Sample, nid: str, lead_and_more: tuple[str, ...]) -> Item:
    published = date.fromisoformat(spec.date)
    units, country = SECTIONS[spec.section]
    tags = tuple(FIELDS[f] for f in spec.fields.split())
    topic = next((TOPICS[t] for t in tags if t in TOPICS), "its work")
    fill = {"unit": f"OSCE {units[0]}", "topic": topic, "country": country}
    content_type = CONTENT_TYPES[spec.content_type]
    layout = "2025" if published >= NEW_OSCE_LAYOUT_FROM else "2023"
    dateline_only = "dateline-only" in spec.flags
    more = continue_body("osce", nid, " ".join(lead_and_more), spec.relevance, fill)
    paragraphs = (*lead_and_more, *more[: max(0, 4 - len(lead_and_more))])
    figure = layout == "2025" and int(nid) % 3 == 0
    blocks = ((Block("figure", "Participants of the event. (OSCE)"),) if figure else ()) + \
        tuple(Block("p", p) for p in paragraphs)
    summary = paragraphs[0] if content_type == "News" or int(nid) % 2 else ""
    return Item(
        site="osce", key=nid, title=spec.title, published=published, blocks=blocks,
        relevance=spec.relevance, place=spec.place, style=spec.style, content_type=content_type,
        tags=tags, units=units, section=spec.section, layout=layout, summary=summary,
        date_on_page=not dateline_only and "no-date" not in spec.flags,
        with_meta=not dateline_only and "no-date" not in spec.flags and int(nid) % 2 == 0,
        modified=modified_at(published),
    )


def _interpol_media(index: int, paragraphs: tuple[str, ...]) -> list[tuple[int, Block]]:
    """Photos whose captions, and pull quotes whose text, repeat a body sentence (seed 001)."""
    media = []
    if index % 3 == 0 and len(paragraphs) > 1:
        media.append((1, Block("figure", paragraphs[1].split(". ")[0].rstrip(".") + ".")))
    quote = next((p for p in paragraphs if p.startswith("“")), None)
    if index % 4 == 1 and quote:
        said = quote.split("” said ")
        media.append((len(paragraphs), Block("quote", said[0] + "”",
                                             said[-1].rstrip(".") if len(said) > 1 else "")))
    return media


def _interpol_item(spec: InterpolSpec | Sample, index: int, lead_and_more: tuple[str, ...], *,
                   key: str = "", old_code: str = "", topic: str = "", standfirst: str = "",
                   ) -> Item:
    published = date.fromisoformat(spec.date)
    key = key or interpol_key(published, spec.title)
    more = continue_body("interpol", key, " ".join(lead_and_more), spec.relevance, {})
    paragraphs = (*lead_and_more, *more[: max(0, 4 - len(lead_and_more))])
    blocks = [Block("p", p) for p in paragraphs]
    for position, block in sorted(_interpol_media(index, paragraphs), reverse=True):
        blocks.insert(position, block)
    if published < NEW_INTERPOL_SITE_FROM:
        code = old_code or (f"PR{10 + 7 * index % 90:03d}" if published.year <= 2013
                            else f"N{published.year}-{10 + 7 * index % 90:03d}")
        old_path = f"/en/News-and-media/News/{published.year}/{code}"
    else:
        old_path = ""
    return Item(
        site="interpol", key=key, title=spec.title, published=published, blocks=tuple(blocks),
        relevance=spec.relevance, place=spec.place, style="interpol" if spec.place else "none",
        content_type="News", tags=(topic,) if topic else (),
        summary=standfirst, old_path=old_path,
        with_meta=stable_int("interpol", key) % 2 == 0, modified=modified_at(published),
    )


def listing_order(item: Item) -> tuple[date, str]:
    """Sort key for listings (used with reverse=True): by date, then by key, numbers as such."""
    return (item.published or date.min, item.key.zfill(12))


def _wire_item(spec: WireSpec, post_id: int) -> Item:
    published = date.fromisoformat(spec.date)
    return Item(
        site=WIRE, key=wire_key(published, spec.title), title=spec.title, published=published,
        blocks=tuple(Block("p", p) for p in spec.paragraphs), relevance=spec.relevance,
        place=spec.place, style="agency" if spec.place else "none", content_type="News",
        tags=tuple(spec.tags.split("|")), summary=spec.paragraphs[0], with_meta=True,
        post_id=post_id, modified=modified_at(published),
    )
