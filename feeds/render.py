"""Write entries as an Atom 1.0 or RSS 2.0 document with feedgen.

The output is a function of its inputs only (no "now"): the feed's `updated`/`lastBuildDate`
is the newest stored change, so the same archive state always gives the same bytes and the
ETag computed from that state (feeds.build) describes them truthfully.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from core.sources import ORGANISATIONS
from feeds.entries import Entry, Link
from feeds.spec import MEDIA_TYPES, FeedSpec, Format
from feeds.text import one_line

NEVER = datetime(1970, 1, 1, tzinfo=UTC)  # `updated` of a feed with nothing in it yet
TOPIC = "OSCE–INTERPOL co-operation"
ATOM_NS = "http://www.w3.org/2005/Atom"


class RelatedLinks(BaseEntryExtension):  # type: ignore[misc]
    """Atom `<link rel="related">` to a story's other versions. feedgen 1.0 writes entry links
    without their rel (lkiesow/python-feedgen#135), which would make every version an
    "alternate"; so these links are written here. The rel-less alternate link feedgen writes
    is correct as it is (RFC 4287 §4.2.7.2: no rel means alternate)."""

    def __init__(self) -> None:
        self.links: tuple[Link, ...] = ()

    def extend_atom(self, entry: Any) -> Any:
        for link in self.links:
            etree.SubElement(entry, "link", href=link.href, rel="related", type="text/html",
                             title=link.title)
        return entry


class RssHubLink(BaseExtension):  # type: ignore[misc]
    """`<atom:link rel="hub">` in an RSS channel (WebSub §4). feedgen writes only the self
    link of an RSS feed's atom:links; Atom feeds get the hub link from feedgen itself."""

    def __init__(self) -> None:
        self.hub = ""

    def extend_rss(self, feed: Any) -> Any:
        etree.SubElement(feed[0], f"{{{ATOM_NS}}}link", href=self.hub, rel="hub")
        return feed


def describe(spec: FeedSpec, names: dict[str, str]) -> tuple[str, str]:
    """(title, description) saying what the feed holds."""
    def name(org: str) -> str:
        return names.get(org, org.upper())

    levels = ", ".join(spec.levels)
    if spec.kind == "combined":
        return (f"{TOPIC} — news from both organisations",
                f"Items about co-operation between {' and '.join(map(name, ORGANISATIONS))}, "
                f"from both organisations' websites, any other source configured, and a seeded "
                f"archive of historical documents. One entry per story: a story published by "
                f"both organisations "
                f"links both versions. Relevance levels: {levels}.")
    if spec.kind == "source" and spec.source:
        others = " and ".join(name(o) for o in ORGANISATIONS if o != spec.source)
        # only the organisations' own newsrooms have documents in the seeded archive
        seeded = f", with the {name(spec.source)} documents of the seeded archive" \
            if spec.source in ORGANISATIONS else ""
        return (f"{TOPIC} — {name(spec.source)} news",
                f"Items from the {name(spec.source)} website about co-operation with {others}"
                f"{seeded}. One entry per item. Relevance levels: {levels}.")
    scope = f" from {name(spec.source)}" if spec.source else ""
    what = f'"{spec.query}"' if spec.query else "all items"
    return (one_line(f"{TOPIC} — search: {spec.query or 'all'}{scope}"),
            one_line(f"Archive items matching {what}{scope}, newest first. Relevance levels: "
                     f"{levels}.", 1000))


def render(spec: FeedSpec, entries: list[Entry], fmt: Format, base_url: str,
           updated: datetime | None, names: dict[str, str], self_url: str | None = None,
           hub: str | None = None) -> bytes:
    """`self_url`: the feed's own URL (its id and rel="self"; default: under `base_url`);
    `hub`: a WebSub hub to link."""
    title, description = describe(spec, names)
    self_url = self_url or base_url + spec.path(fmt)
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(title)
    fg.description(description)
    fg.link(href=self_url, rel="self", type=MEDIA_TYPES[fmt].split(";")[0])
    if hub and fmt == "atom":
        fg.link(href=hub, rel="hub")
    elif hub:
        fg.register_extension("websub", RssHubLink, atom=False, rss=True)
        fg.websub.hub = hub
    fg.link(href=f"{base_url}/", rel="alternate", type="text/html")
    fg.language("en")
    fg.updated(updated or NEVER)
    fg.lastBuildDate(updated or NEVER)
    for entry in entries:
        fe = fg.add_entry(order="append")
        fe.guid(entry.guid, permalink=False)  # also the Atom id
        fe.title(entry.title)
        fe.link(href=entry.link, rel="alternate")
        fe.published(entry.published)
        fe.updated(entry.updated)
        for author in entry.authors:
            fe.author(name=author)
        for term in entry.categories:
            fe.category(term=term)
        if fmt == "atom":
            fe.summary(entry.summary_html, type="html")
            fe.register_extension("related", RelatedLinks, atom=True, rss=False)
            fe.related.links = entry.related
        else:
            fe.description(entry.summary_html)  # lists every version's link (RSS has one link)
    out = fg.atom_str(pretty=True) if fmt == "atom" else fg.rss_str(pretty=True)
    return bytes(out)
