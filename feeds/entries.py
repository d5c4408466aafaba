"""Turn stored items into feed entries — one per item (per-source and search feeds) or one per
story (combined feed). Pure: no session, no XML; every string comes out XML-safe.

GUID rule: an item entry carries the item's stored guid. A story entry carries the guid of the
story's *first stored* item (lowest id), not of its earliest published one: a version published
earlier can be stored later (a backfill), and the entry must keep its identity when the other
organisation's version arrives. The guid changes only if that item is removed from the archive.
The entry's title and link are its lead version's: an organisation's own, when the story has
one, even if a third party's report of the event was stored first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from feeds.text import clean_html, is_web_url, one_line, xml_safe
from storage.models import Item
from storage.stories import is_third_party


@dataclass(frozen=True)
class Link:
    href: str
    title: str


@dataclass(frozen=True)
class Entry:
    guid: str
    title: str
    link: str  # rel="alternate": the lead version
    published: datetime
    updated: datetime
    summary_html: str
    categories: tuple[str, ...]
    authors: tuple[str, ...]
    related: tuple[Link, ...] = ()  # the other versions of a story


def item_link(item: Item, base_url: str) -> str:
    """The page on the organisation's site, or ours when the site's URL is unknown (seeds)."""
    return xml_safe(item.url) if item.url and is_web_url(item.url) else (
        f"{base_url}/items/{item.id}")


def entry_date(item: Item) -> datetime:
    return item.published_at or item.first_seen_at


def changed_at(item: Item) -> datetime:
    """Its publication, or its last material revision if later."""
    published = entry_date(item)
    return max(published, item.updated_at) if item.updated_at else published


def _org(item: Item, names: dict[str, str]) -> str:
    return names.get(item.source, item.source.upper())


def _day(value: datetime) -> str:
    return f"{value.day} {value:%B %Y}"


def _categories(items: list[Item]) -> tuple[str, ...]:
    tags = (one_line(str(tag), 100) for item in items for tag in item.tags or ())
    return tuple(dict.fromkeys(t for t in tags if t))


def _summary(item: Item, names: dict[str, str]) -> str:
    meta = " · ".join(x for x in (_org(item, names), item.content_type, item.place) if x)
    text = item.summary or item.subtitle
    return f"<p>{escape(meta)}</p>" + (f"<p>{text}</p>" if text else "")  # text: scraped HTML


def item_entry(item: Item, base_url: str, names: dict[str, str]) -> Entry:
    return Entry(guid=item.guid, title=one_line(item.title) or "(untitled)",
                 link=item_link(item, base_url), published=entry_date(item),
                 updated=changed_at(item), summary_html=clean_html(_summary(item, names)),
                 categories=_categories([item]), authors=(_org(item, names),))


def story_entry(items: list[Item], base_url: str, names: dict[str, str]) -> Entry:
    """One entry for the versions of one event; `items` in storage order (by id). The
    organisations' own versions lead, a third party's report follows them, each side in
    storage order; the GUID stays the first stored item's, whichever leads (module doc)."""
    ordered = sorted(items, key=lambda i: (is_third_party(i.source), i.id))
    lead, others = ordered[0], ordered[1:]
    if not others:
        return item_entry(lead, base_url, names)
    versions = "".join(
        f'<li><a href="{escape(item_link(i, base_url))}">{escape(_org(i, names))}: '
        f"{escape(one_line(i.title))}</a> ({escape(i.content_type or 'item')}, "
        f"{_day(entry_date(i))})</li>" for i in ordered)
    orgs = tuple(dict.fromkeys(_org(i, names) for i in ordered))
    summary = (f"{_summary(lead, names)}<p>Published by {escape(' and '.join(orgs))}:</p>"
               f"<ul>{versions}</ul>")
    return Entry(guid=items[0].guid, title=one_line(lead.title) or "(untitled)",
                 link=item_link(lead, base_url),
                 published=min(entry_date(i) for i in items),
                 updated=max(changed_at(i) for i in items),
                 summary_html=clean_html(summary), categories=_categories(items), authors=orgs,
                 related=tuple(Link(item_link(i, base_url),
                                    one_line(f"{_org(i, names)}: {i.title}")) for i in others))
