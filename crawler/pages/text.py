"""Turn HTML into the text a reader sees: parse leniently, read blocks, keep the article only.

Shared by every page object. What is left out of an article body is decided by HTML semantics
and visible text, not by class names (INTERPOL's are unknown): navigation, figures and their
captions, pull quotes, carousel counters ("1 / 6"), forms, and everything from a "Related news"
heading on. Blocks that merely repeat a sentence of the body are dropped too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import lxml.html
from lxml.etree import ParserError
from lxml.html import HtmlElement

from crawler.pages.dates import parse_date

# Never part of an article's text.
SKIP_TAGS = frozenset({
    "nav", "header", "footer", "aside", "figure", "figcaption", "blockquote", "form", "button",
    "script", "style", "noscript", "template", "svg", "select", "iframe",
})
BLOCK_TAGS = ("p", "li", "h2", "h3", "h4", "h5", "h6")
INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template"})
RELATED_HEADINGS = frozenset({"related news", "related articles", "more news", "see also"})
_COUNTER = re.compile(r"^\d+\s*/\s*\d+$")
UTF8_PARSER = lxml.html.HTMLParser(encoding="utf-8")
MAX_DATE_CHARS = 40  # "Tuesday, 5 December 2019" fits; a sentence with a date does not
# A date behind its label, as many CMS listings print it: "Publishing date: 29 June 2019".
_DATE_LABEL = re.compile(r"^[^\W\d][^:\d]{0,30}:\s*")


class EmptyDocument(ValueError):
    """The input has no HTML element at all (empty, or only whitespace or a comment)."""


def parse_html(html: str) -> HtmlElement:
    """Parse leniently: truncated pages, XML declarations and stray bytes are all accepted."""
    if not html or not html.strip():
        raise EmptyDocument("empty page")
    try:
        return lxml.html.document_fromstring(html)
    except ValueError:  # a str with an XML encoding declaration: let lxml read the bytes
        try:
            return lxml.html.document_fromstring(html.encode("utf-8"), parser=UTF8_PARSER)
        except ParserError as err:
            raise EmptyDocument(str(err)) from err
    except ParserError as err:
        raise EmptyDocument(str(err)) from err


def text_of(element: HtmlElement) -> str:
    """Visible text with whitespace collapsed; <br> and block boundaries count as spaces."""
    tag = element.tag
    if not isinstance(tag, str) or tag in INVISIBLE_TAGS:
        return ""
    if len(element) == 0:  # a leaf (most calls): its padding spaces vanish in the collapse
        return " ".join((element.text or "").split())
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        if isinstance(node.tag, str) and node.tag not in INVISIBLE_TAGS:
            if node.tag == "br" or node.tag in BLOCK_TAGS or node.tag == "div":
                parts.append(" ")
            parts.append(node.text or "")
            for child in node:
                walk(child)
                parts.append(child.tail or "")
            if node.tag in BLOCK_TAGS or node.tag == "div":
                parts.append(" ")

    walk(element)
    return " ".join("".join(parts).split())


def _hides_text(node: HtmlElement) -> bool:
    return node.tag in SKIP_TAGS or node.get("hidden") is not None or \
        node.get("aria-hidden") == "true" or node.get("role") == "navigation"


Ancestry = dict[HtmlElement, tuple[bool, bool]]


def _ancestry(node: HtmlElement | None, container: HtmlElement,
              memo: Ancestry) -> tuple[bool, bool]:
    """(node or an ancestor of it below container hides its text, node or any ancestor is a
    text block). Each element is judged once per memo: blocks share most of their ancestors."""
    path = []
    while node is not None and node not in memo:
        path.append(node)
        node = node.getparent()
    hidden, block = memo[node] if node is not None else (False, False)
    for element in reversed(path):
        hidden = element is not container and (hidden or _hides_text(element))
        block = block or element.tag in BLOCK_TAGS
        memo[element] = hidden, block
    return hidden, block


def is_related_heading(element: HtmlElement) -> bool:
    """A "Related news" heading: where an article ends and other items' dates begin.
    Only the element's own text is read, so the check is cheap enough for every element."""
    text = element.text
    if not text:  # most elements: no own text, no heading
        return False
    return isinstance(element.tag, str) and \
        " ".join(text.split()).lower().rstrip(":") in RELATED_HEADINGS


def following(anchor: HtmlElement) -> Iterator[HtmlElement]:
    """Elements after anchor in document order, not counting anchor's own descendants."""
    node: HtmlElement | None = anchor
    while node is not None:
        for sibling in node.itersiblings():
            yield sibling
            yield from sibling.iterdescendants()
        node = node.getparent()


def following_within(anchor: HtmlElement, container: HtmlElement) -> Iterator[HtmlElement]:
    """following(anchor) up to the end of container (nothing if anchor is not inside it):
    the climb stops at container instead of testing every element's ancestors."""
    if not any(a is container for a in anchor.iterancestors()):
        return
    node: HtmlElement | None = anchor
    while node is not None and node is not container:
        for sibling in node.itersiblings():
            yield sibling
            yield from sibling.iterdescendants()
        node = node.getparent()


def blocks(container: HtmlElement, *, after: HtmlElement | None = None) -> Iterator[HtmlElement]:
    """Text blocks of container in document order (optionally only those after an element),
    stopping at a "Related news" heading; nested blocks (a <p> in an <li>) count once."""
    if after is None:
        elements: Iterable[HtmlElement] = container.iterdescendants()
    else:
        elements = following_within(after, container)
    memo: Ancestry = {}
    for element in elements:
        if not isinstance(element.tag, str):
            continue
        if is_related_heading(element):
            return
        if element.tag not in BLOCK_TAGS or _ancestry(element, container, memo)[0]:
            continue
        if _ancestry(element.getparent(), container, memo)[1]:
            continue
        yield element


_NON_WORD = re.compile(r"[^\w]+")
_QUOTE_END = re.compile(r"\s[-–—]\s|\s*”\s*[-–—]")


def _core(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


def article_paragraphs(texts: Iterable[str]) -> list[str]:
    """Keep real paragraphs: drop empty ones, counters, and ones that repeat another's text
    (a caption or pull quote restating a body sentence, "… security." - Secretary General)."""
    candidates = [t for t in texts if t and not _COUNTER.match(t)]
    cores = [_core(t) for t in candidates]
    kept: list[str] = []
    for index, (text, core) in enumerate(zip(candidates, cores, strict=True)):
        cut = _QUOTE_END.search(text)
        quoted = _core(text[:cut.start()]) if cut else core  # the words before "… - Someone"
        if len(quoted) >= 40 and len(core) < 2 * len(quoted) + 40 and \
                quoted in " | ".join(c for c in cores if c != core):  # exact repeats: below
            continue
        if core in cores[:index]:
            continue
        kept.append(text)
    return kept


def body_text(container: HtmlElement, *, after: HtmlElement | None = None) -> str:
    """The article text inside container: paragraphs joined by newlines."""
    texts = [text_of(b) for b in blocks(container, after=after)]
    if not texts and after is None:  # a body of bare text and <br>s, no <p>
        texts = [text_of(container)]
    return "\n".join(article_paragraphs(texts))


def date_after(anchor: HtmlElement, *, limit: int = 12) -> tuple[str, HtmlElement] | None:
    """The first element after anchor whose whole text is a date ("5 December 2019"), or a
    label and a date ("Publishing date: 5 December 2019": the date's text is returned),
    looking at no more than `limit` leaf elements and never past "Related news"."""
    leaves = 0
    for element in following(anchor):
        if not isinstance(element.tag, str) or element.tag in INVISIBLE_TAGS:
            continue
        text = text_of(element)
        if not text:
            continue
        if is_related_heading(element):
            return None
        text = _DATE_LABEL.sub("", text, count=1)
        if len(text) <= MAX_DATE_CHARS and parse_date(text) is not None:
            return text, element
        if len(element) == 0:
            leaves += 1
            if leaves >= limit:
                return None
    return None
