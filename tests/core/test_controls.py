"""Issue 13 (5): terminal controls and bidi overrides never get past the Article — from a page
(raw or as `&#x1b;`), the seeds, an import, or a field a spider fills in later — while a body
keeps its line breaks and tabs, and what is classified and stored is the cleaned text."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from core.article import Article
from core.controls import one_line, text_block, visible
from crawler.pages.dispatch import parse_article_with_page
from relevance import classify_article
from storage.batch import upsert_articles

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
ESC = "\x1b"


def test_one_line_and_text_block() -> None:
    hostile = f"a{ESC}]0;x\x07b{ESC}[2Jc\x9b1m\u202ed\u2066e\x00f\x7fg"
    assert one_line(hostile) == "a]0;xb[2Jc1mdefg"
    assert one_line("title\r\n\tcontinued\x0bhere") == "title continued here"
    assert text_block(f"one\r\ntwo\rthree\n\tfour{ESC}[2J\x0cfive") == (
        "one\ntwo\nthree\n\tfour[2J\nfive")
    assert visible(f"a{ESC}[2J\u202eb\n\tc", keep="\n") == "a\\x1b[2J\\u202eb\n\\tc"


def test_an_article_is_clean_whatever_sets_its_fields() -> None:
    article = Article(source="osce", url="https://www.osce.org/x", title=f"OSCE{ESC}]0;hi\x07",
                      body=f"Line one.{ESC}[2J\n\tLine two \u202e.", summary="S\x9bum\r\nmary",
                      subtitle="Sub\ntitle", place="Vienna\u2067", published_raw="5 May\x00",
                      tags=[f"t{ESC}ag", 3])  # type: ignore[list-item]
    assert (article.title, article.body, article.summary) == (
        "OSCE]0;hi", "Line one.[2J\n\tLine two .", "Sum\nmary")
    assert (article.subtitle, article.place, article.published_raw, article.tags) == (
        "Sub title", "Vienna", "5 May", ["tag", 3])
    article.content_type = f"News{ESC}[31m"  # a spider fills these in from the listing
    article.tags = [f"Border{ESC}]8;;http://x/{ESC}\\"]
    assert article.content_type == "News[31m" and article.tags == ["Border]8;;http://x/\\"]


PAGE = """<!doctype html><html><head><title>x</title></head><body><main><article>
<h1>OSCE &#x1b;]0;owned&#x7; and INTERPOL \x1b[2J sign &#x202e;plan</h1>
<p>OSCE and INTERPOL &#x1b;]8;;https://evil.example/&#x1b;\\click&#x1b;]8;;&#x1b;\\ signed a
joint action plan on border security in Vienna today, the two organisations said.</p>
<p>The plan covers training for border guards on INTERPOL databases \x9b31m in 2026.</p>
</article></main></body></html>"""


def test_a_hostile_page_becomes_a_clean_article_and_item(session: Session) -> None:
    article, _ = parse_article_with_page("osce", "https://www.osce.org/secretariat/1", PAGE)
    for name in ("title", "body", "summary", "subtitle", "place"):
        value = getattr(article, name) or ""
        assert not UNSAFE.search(value), (name, value)
    assert article.title.startswith("OSCE ]0;owned and INTERPOL [2J sign plan")
    article.relevance = classify_article(article)
    [result] = upsert_articles(session, [article])  # the crawler's path
    session.flush()
    item = result.item
    assert not UNSAFE.search(item.title + item.body)
    for reason in item.relevance_reasons:  # spans point into the stored (clean) text
        if reason.get("field") == "title" and reason.get("text"):
            assert item.title[reason["start"]:reason["end"]].startswith(reason["text"])
