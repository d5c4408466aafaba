"""Scraped strings at their worst still make a valid feed: control characters, `]]>`, `&`,
emoji, right-to-left text, markup with scripts, 10,000-character titles."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import lxml.etree
import lxml.html
from feed_helpers import BASE, parse_valid
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from core.article import Article, Level, Relevance
from feeds.build import build_feed
from feeds.entries import item_entry, story_entry
from feeds.render import render
from feeds.spec import FORMATS, FeedSpec
from feeds.text import TITLE_MAX_CHARS, clean_html, one_line, xml_safe
from storage.batch import upsert_article
from storage.models import Item

FRAGMENTS = ["\x00", "\x01\x08", "\x0b\x0c", "\x1b[31m", "\x7f", "\ufffe", "\ud800", "]]>",
             "<![CDATA[", "&", "&amp;", "&nbsp;", "&#0;", "<", ">", '"', "'", "🚓🤝🇪🇺",
             "مرحبا بالعالم", "שלום", "\u202eevil", "\u200f", "\r\n", "\t",
             "<script>alert(1)</script>", "<style>body{}</style>",
             '<a href="javascript:alert(1)" onclick="x()">click</a>', "<img src=x onerror=y>",
             "x" * 10_000, "ك " * 5_000]
messy = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)),
                 max_size=6).map("".join)


def transient_item(n: int, source: str, title: str, summary: str, tags: list[str]) -> Item:
    return Item(id=n, source=source, url=None if n % 2 else f"https://www.osce.org/node/{n}",
                guid=f"urn:uuid:00000000-0000-0000-0000-{n:012d}", title=title,
                summary=summary, subtitle=None, content_type=summary[:30] or None,
                place=title[:20] or None, tags=tags, story_id=1,
                published_at=datetime(2024, 1, n, tzinfo=UTC),
                first_seen_at=datetime(2024, 1, n, 8, tzinfo=UTC), updated_at=None)


@settings(max_examples=100, deadline=None)
@given(title=messy, summary=messy, tag=messy, other_title=messy)
@example(title="<![CDATA[&amp;" + "x" * 10_000, summary="", tag="", other_title="")
def test_messy_strings_make_a_valid_feed_in_both_formats(title: str, summary: str, tag: str,
                                                         other_title: str) -> None:
    first = transient_item(1, "osce", title, summary, [tag, "Border management"])
    second = transient_item(2, "interpol", other_title, summary, [])
    names = {"osce": "OSCE", "interpol": "INTERPOL"}
    entries = [story_entry([first, second], BASE, names), item_entry(second, BASE, names)]
    for fmt in FORMATS:
        data = render(FeedSpec("combined", "all"), entries, fmt, BASE,
                      datetime(2024, 2, 1, tzinfo=UTC), names)
        feed = parse_valid(data, fmt)
        assert [e.id for e in feed.entries] == [first.guid, second.guid]
        # The title as written, read by an XML parser: feedparser guesses that an RSS title
        # holding "&amp;" or "<![CDATA[" is HTML and escapes it again, which lengthens it.
        titles = lxml.etree.fromstring(data).xpath(
            "//*[local-name()='entry' or local-name()='item']/*[local-name()='title']/text()")
        assert len(titles[0]) <= TITLE_MAX_CHARS
        for entry in feed.entries:
            assert_harmless(entry.summary)


def assert_harmless(fragment: str) -> None:
    """No element or attribute that could run code (escaped text may say anything)."""
    for element in lxml.html.fromstring(f"<div>{fragment}</div>").iter():
        assert element.tag not in ("script", "style"), fragment
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), fragment
            assert not value.strip().lower().startswith("javascript:"), fragment


def test_text_helpers() -> None:
    assert xml_safe("a\x00b\x1fc\ud800d\ufffee\t\n") == "abcde\t\n"
    assert one_line("  Border\n\tsecurity \x0b ") == "Border security"
    long = one_line("word " * 3000)
    assert len(long) <= TITLE_MAX_CHARS and long.endswith("word…")
    assert clean_html('<p onclick="x()">A &amp; B <script>bad()</script></p>') == (
        "<p>A &amp; B </p>")
    assert clean_html('<a href="javascript:alert(1)">x</a>') == '<a rel="noopener noreferrer">x</a>'


def test_a_stored_messy_item_makes_a_valid_feed(session: Session) -> None:
    # No NUL here: PostgreSQL refuses it in text columns before the feed ever sees it.
    title = "Border & \x01security ]]> 🚓 مرحبا " + "x" * 10_000
    upsert_article(session, Article(
        source="osce", url="https://www.osce.org/secretariat/555001", title=title,
        body="OSCE and INTERPOL " * 20, summary='<b onmouseover="x">bold</b> ]]> \x0b & <i>',
        tags=["\x07Policing", "Border management"], published_at=datetime(2024, 5, 5, tzinfo=UTC),
        relevance=Relevance(level=Level.PRIMARY)))
    session.commit()
    for spec, fmt in itertools.product((FeedSpec("combined", "all"),
                                        FeedSpec("source", "osce", source="osce")), FORMATS):
        feed = parse_valid(build_feed(session, spec, fmt, BASE))
        entry = feed.entries[0]
        assert entry.title.startswith("Border & security ]]> 🚓 مرحبا x")
        assert_harmless(entry.summary)
        assert "<b>bold</b>" in entry.summary
        assert [t.term for t in entry.tags] == ["Policing", "Border management"]
