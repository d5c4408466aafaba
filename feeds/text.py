"""Make scraped strings safe to put in a feed: XML-legal text, short one-line titles, and
summary HTML that a reader can render without running anything.

HTML is sanitised by nh3 (the Rust ammonia sanitiser), never by regexes: an allow-list of
tags and attributes, `script`/`style` dropped with their content, links limited to http(s)
and mailto. The one regex here removes code points that XML 1.0 forbids outright (lxml, and so
feedgen, refuses them), which is a character-class question, not an HTML one.
"""

from __future__ import annotations

import re

import nh3

# XML 1.0 §2.2 Char: everything outside these ranges is illegal in any XML document.
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
TITLE_MAX_CHARS = 300  # readers show one line; a longer "title" is a scraping accident

SUMMARY_TAGS = frozenset({"a", "p", "br", "b", "strong", "i", "em", "ul", "ol", "li",
                          "blockquote", "q", "cite", "code", "sub", "sup"})
SUMMARY_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def xml_safe(text: str) -> str:
    """`text` without the code points XML 1.0 forbids (C0 controls, lone surrogates, U+FFFE…)."""
    return _XML_ILLEGAL.sub("", text)


def one_line(text: str, limit: int = TITLE_MAX_CHARS) -> str:
    """XML-safe text on one line, whitespace collapsed, cut at a word boundary with "…"."""
    line = " ".join(xml_safe(text).split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def clean_html(fragment: str) -> str:
    """An HTML fragment with only harmless markup left (no script, style, on* attributes,
    javascript: URLs), XML-safe."""
    return nh3.clean(xml_safe(fragment), tags=set(SUMMARY_TAGS),
                     clean_content_tags={"script", "style"},
                     attributes={k: set(v) for k, v in SUMMARY_ATTRIBUTES.items()},
                     url_schemes=set(URL_SCHEMES))


def is_web_url(url: str | None) -> bool:
    return bool(url) and str(url).lower().startswith(("http://", "https://"))
