"""The generic layer's readers built on the field's libraries: trafilatura for the main text,
htmldate for the publication date (JSON-LD and og:* are read by extruct in metadata.py).

Each reader returns a Field whose layer names the library ("trafilatura", "htmldate",
"jsonld"), so a stored item says which library read which field. Choices were measured with
bench/extraction.py on 181 real news pages; the figures are in README.md, "Performance".
"""

from __future__ import annotations

import logging
from copy import deepcopy
from datetime import UTC, datetime

from lxml.html import HtmlElement

from crawler.pages.base import Document, Field
from crawler.pages.text import is_related_heading

# Both libraries log every page they give up on; a crawl reports that itself (NotAnArticle).
# They are imported where used (~0.3 s of CPU): a crawl child reading pages its site's page
# objects know never needs them, and its start-up counts against the crawl timeout.
for _name in ("trafilatura", "htmldate"):
    logging.getLogger(_name).setLevel(logging.ERROR)

# A JSON-LD articleBody is used only when trafilatura finds no text: on the real pages that
# carry one it is often a truncated teaser (F1 0.19 to 0.86 where trafilatura reads 0.96+).
JSON_LD_BODY_MIN_CHARS = 200


def without_related(root: HtmlElement) -> HtmlElement:
    """The page without its "Related news" blocks (each such heading and what follows it in
    its parent): other items' titles and dates are not this one's. A copy when anything goes."""
    headings = [e for e in root.iter() if is_related_heading(e)]
    if not headings:
        return root
    positions = {i for i, e in enumerate(root.iter()) if any(e is h for h in headings)}
    copy = deepcopy(root)
    for heading in [e for i, e in enumerate(copy.iter()) if i in positions]:
        parent = heading.getparent()
        if parent is None:
            continue
        for element in [heading, *heading.itersiblings()]:
            parent.remove(element)
    return copy


def main_text(root: HtmlElement, doc: Document) -> Field[str] | None:
    """The article's own text, paragraphs joined by newlines (trafilatura, then JSON-LD);
    root is the page without its "Related news" blocks."""
    # favor_precision, on the page without its related blocks: body F1 0.963 against 0.960
    # for trafilatura's defaults on the real pages, in the same run (fewer teaser lines).
    # Comments are readers' text, never the article's.
    import trafilatura

    text = trafilatura.extract(root, url=doc.url, favor_precision=True, include_comments=False)
    if text and text.strip():
        return Field(text.strip(), "trafilatura")
    ld_body = doc.meta.article_body
    if ld_body and len(ld_body.strip()) >= JSON_LD_BODY_MIN_CHARS:
        return Field(ld_body.strip(), "jsonld")
    return None


def _says_modified(meta: HtmlElement) -> bool:
    key = " ".join(meta.get(a) or "" for a in ("name", "property", "itemprop")).lower()
    return "modified" in key or "updated" in key


def _modified_json_ld(script: HtmlElement) -> bool:
    """A JSON-LD block that dates the page's last change only (a CMS's WebPage node)."""
    text = script.text or ""
    return (script.get("type") or "").strip().lower() == "application/ld+json" and \
        "dateModified" in text and "datePublished" not in text


def without_modified(root: HtmlElement) -> HtmlElement:
    """The page without its "modified"/"updated" <meta> tags and JSON-LD blocks that give only
    a dateModified: htmldate, even asked for the original date, falls back to them when nothing
    else is dated (a copy when any goes)."""
    def modified(element: HtmlElement) -> bool:
        return _says_modified(element) if element.tag == "meta" else _modified_json_ld(element)

    if not any(modified(e) for e in root.iter("meta", "script")):
        return root
    copy = deepcopy(root)
    for element in [e for e in copy.iter("meta", "script") if modified(e)]:
        element.getparent().remove(element)
    return copy


def published_date(root: HtmlElement, url: str) -> Field | None:
    """The original publication day as htmldate reads it (metadata, URL, date elements; never
    a "modified" date); root is the page without its "Related news" blocks."""
    from htmldate import find_date

    found = find_date(without_modified(root), url=url, original_date=True,
                      extensive_search=False, outputformat="%Y-%m-%d")
    if not found:
        return None
    day = datetime.strptime(found, "%Y-%m-%d").replace(tzinfo=UTC)
    return Field(day, "htmldate", found)
