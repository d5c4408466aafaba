"""HTML building blocks shared by both sites' templates: escaping, metadata, faults of a page.

A template returns a `Page` (text + how to serve it); the app turns it into bytes, headers and
conditional-GET answers. Faults that live in a page's bytes (latin-1, truncation, padding past
the size cap) are applied here, so every route gets them the same way.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from replica.content import Item, day_text, stable_int

SNIPPET_CHARS = 200
HUGE_BYTES = 3 * 1024 * 1024  # past the 2 MB cap that capture and the spiders apply
TRUNCATE_AT = 0.5  # keep this share of the body's markup
# Every article template wraps its body in these, so faults know where the body is.
BODY_START, BODY_END = "<!-- body -->", "<!-- /body -->"


@dataclass(frozen=True)
class Page:
    text: str
    last_modified: datetime
    media_type: str = "text/html"
    charset: str = "utf-8"

    def encoded(self) -> bytes:
        # Characters latin-1 lacks (dashes, curly quotes) become character references, as a
        # latin-1 CMS would write them; the page still reads the same once decoded.
        return self.text.encode(self.charset, errors="xmlcharrefreplace")

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset={self.charset}"


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def inline(text: str) -> str:
    """Escaped text; "**bold**" (the speech dump's markdown) becomes <strong>, line breaks <br>."""
    marked = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", esc(text))
    return marked.replace("\n", "<br>\n")


def snippet(item: Item) -> str:
    """A listing's teaser: the lead with its dateline, cut at a word with " ..." (osce.md)."""
    text = item.dateline() + item.lead
    if len(text) <= SNIPPET_CHARS:
        return text
    return text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " ..."


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def published_datetime(item: Item) -> datetime:
    """When in the day (Vienna time, as a Drupal site would print it) the item went out."""
    assert item.published is not None
    summer = _last_sunday(item.published.year, 3) <= item.published < \
        _last_sunday(item.published.year, 10)
    zone = timezone(timedelta(hours=2 if summer else 1))
    seed = stable_int(item.site, item.key)
    return datetime.combine(item.published, time(9 + seed % 8, seed % 60), tzinfo=zone)


def meta_tags(item: Item, url: str, site_name: str, *, force: bool = False) -> str:
    """og:*, article:published_time and a JSON-LD NewsArticle: only on items that carry them
    (or on every page of a redesigned site: `force`)."""
    if not (item.with_meta or force):
        return ""
    when = published_datetime(item).isoformat() if item.published else None
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": item.title,
          "mainEntityOfPage": url, "inLanguage": "en",
          "publisher": {"@type": "Organization", "name": site_name}}
    if when:
        ld["datePublished"] = when
    if item.content_type:
        ld["articleSection"] = item.content_type
    if item.tags:
        ld["keywords"] = ", ".join(item.tags)
    if item.summary or item.lead:
        ld["description"] = item.summary or item.lead
    tags = [f'<meta property="og:title" content="{esc(item.title)}">',
            '<meta property="og:type" content="article">',
            f'<meta property="og:url" content="{esc(url)}">',
            f'<meta property="og:site_name" content="{esc(site_name)}">']
    if when:
        tags.append(f'<meta property="article:published_time" content="{when}">')
    # "</" inside JSON would end the script element early
    data = json.dumps(ld, ensure_ascii=False).replace("</", "<\\/")
    tags.append(f'<script type="application/ld+json">{data}</script>')
    return "\n".join(tags)


def with_fault(page: Page, fault: str) -> Page:
    """Apply an item's publish-time fault to its rendered article page."""
    body_start, body_end = page.text.find(BODY_START), page.text.find(BODY_END)
    if fault == "latin1":
        text = re.sub(r'charset=("?)utf-8', r"charset=\1iso-8859-1", page.text, flags=re.I)
        return Page(text, page.last_modified, charset="iso-8859-1")
    if fault == "truncated":  # cut mid-body, mid-element: no closing tags, as a dropped transfer
        cut = body_start + int((body_end - body_start) * TRUNCATE_AT)
        return Page(page.text[:cut], page.last_modified)
    if fault == "huge":
        filler = "<p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 20 + "</p>\n"
        padding = '<div class="gallery" hidden>' + filler * (HUGE_BYTES // len(filler) + 1) + \
            "</div>"
        return Page(page.text[:body_end] + padding + page.text[body_end:], page.last_modified)
    return page


def unknown_listing(items: list[Item], *, site_title: str, next_href: str | None,
                    feed_href: str | None) -> str:
    """A listing after a redesign no page object knows (the `redesigned_listing` fault): image
    cards whose links hold no text (the title is in aria-label and in a sibling <div>), no
    headings, a "Load older news" link; the head announces the new feed if there is one."""
    cards = "\n".join(
        f'<li class="r5-tile"><a class="r5-tile__link" href="{item.path}" aria-label="'
        f'{esc(item.title)}"><img src="/assets/tiles/{item.key.replace("/", "-")}.webp" '
        f'alt=""></a><div class="r5-tile__meta"><span>{esc(item.content_type)}</span>'
        f'<span>{day_text(item.published) if item.published else ""}</span></div>'
        f'<div class="r5-tile__name">{esc(item.title)}</div></li>' for item in items)
    feed = (f'<link rel="alternate" type="application/atom+xml" title="{esc(site_title)}" '
            f'href="{feed_href}">' if feed_href else "")
    more = f'<a class="r5-more" href="{next_href}">Load older news</a>' if next_href else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(site_title)}</title>
{feed}</head>
<body><div data-r5-app><div class="r5-top">{esc(site_title)}</div>
<ul class="r5-tiles">
{cards}
</ul>
{more}
</div></body></html>
"""


def atom(items: list[Item], origin: str, *, title: str, self_path: str) -> str:
    """An Atom feed of the newest items, as a redesigned site might add one."""
    def one(item: Item) -> str:
        published = (f"<published>{published_datetime(item).isoformat()}</published>"
                     if item.published else "")
        return (f"<entry><title>{esc(item.title)}</title><link href=\"{origin}{item.path}\"/>"
                f"<id>{origin}{item.path}</id>{published}<updated>"
                f"{item.modified.isoformat()}</updated><summary>{esc(snippet(item))}</summary>"
                "</entry>")
    updated = max((i.modified for i in items), default=datetime(2010, 1, 1, tzinfo=UTC))
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{esc(title)}</title><id>{origin}{self_path}</id>"
            f'<link rel="self" href="{origin}{self_path}"/><updated>{updated.isoformat()}</updated>'
            + "\n".join(map(one, items)) + "</feed>\n")


def sitemap(items: list[Item], origin: str) -> str:
    urls = "\n".join(f"<url><loc>{origin}{i.path}</loc><lastmod>{i.modified:%Y-%m-%d}</lastmod>"
                     "<changefreq>monthly</changefreq></url>" for i in items)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">\n{urls}\n</urlset>\n')
