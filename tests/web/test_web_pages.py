"""The HTML pages: the archive at `/` with every feed, search with counts, an item with its
matched spans marked and its decision, a story side by side, sources with "crawl now" — and
scraped text always escaped."""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Callable

from fastapi.testclient import TestClient

from storage.db import session_scope
from storage.models import CrawlLock, CrawlRun, Item
from web.highlight import explain, mark

FEEDS = [f"feeds/{name}.{fmt}" for name in ("all", "osce", "interpol") for fmt in ("atom", "rss")]


def test_the_archive_is_the_home_page_and_links_every_feed(web: TestClient) -> None:
    page = web.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page.text
    assert "<strong>5</strong> items" in page.text and page.text.count('class="result"') == 5
    assert "OSCE – INTERPOL Co-operation and the Way Ahead" in page.text
    for href in FEEDS:  # linked, and announced for feed readers
        assert f'href="{href}"' in page.text
        assert f'<link rel="alternate" type="application/{href.rsplit(".", 1)[1]}+xml"' \
            in page.text
    assert 'formaction="feeds/search.atom"' in page.text  # subscribe to the search as a feed
    assert '<link rel="stylesheet" href="static/style.css">' in page.text
    assert "<script" not in page.text


def test_search_shows_the_count_and_marks_the_words(web: TestClient) -> None:
    page = web.get("/", params={"q": "Bratislava", "source": "osce"})
    assert "<strong>1</strong> item" in page.text and "<mark>BRATISLAVA</mark>" in page.text
    assert 'href="feeds/search.atom?q=Bratislava&amp;source=osce' in page.text
    none = web.get("/", params={"q": "zanzibar"})
    assert "<strong>0</strong> items" in none.text and "Nothing matches" in none.text
    bad = web.get("/", params={"q": "border;"})
    assert bad.status_code == 400 and "is query syntax" in bad.text


def test_pages_follow_the_cursor(web: TestClient, sqlite_url: str) -> None:
    seen: list[str] = []
    url = "/?level=primary"
    for _ in range(3):
        page = web.get(url).text
        seen += re.findall(r'href="items/(\d+)"', page)
        nxt = re.search(r'rel="next" href="([^"]+)"', page)
        if not nxt:
            break
        url = "/" + nxt.group(1).replace("&amp;", "&")
    assert sorted(seen) == ["1", "2", "3", "5"]


def test_item_page_shows_why_it_matched(web: TestClient) -> None:
    page = web.get("/items/1").text
    assert re.search(r'<mark class="alias" title="alias:interpol">INTERPOL</mark>', page)
    assert '<span class="decisive">' in page  # the sentence that decided
    assert "title sentence scores 7.50 ≥ primary_score 3" in page
    assert 'class="level level-primary">primary</span>' in page
    assert 'href="../stories/1"' in page and 'href="../static/style.css"' in page


def test_story_page_puts_the_versions_side_by_side(web: TestClient) -> None:
    page = web.get("/stories/2").text
    assert 'class="versions"' in page
    assert page.index('class="version org-osce"') < page.index('class="version org-interpol"')
    assert "Why these are one story" in page


def test_missing_pages_are_404_html(web: TestClient) -> None:
    for path in ("/items/999", "/items/abc", "/stories/0", "/runs/5"):
        page = web.get(path)
        assert page.status_code == 404 and "Not found" in page.text, path


def test_an_address_no_route_answers_gets_the_sites_404_page(web: TestClient) -> None:
    for path in ("/no-such-page", "/items/1/extra", "/static/missing.css"):
        page = web.get(path)
        assert page.status_code == 404, path
        assert page.headers["content-type"].startswith("text/html"), path
        assert "<h1>Not found</h1>" in page.text and "There is no page at this address" \
            in page.text, path
    # programs' paths keep answering JSON
    for path in ("/api/nothing-here", "/feeds/nothing.atom"):
        answer = web.get(path)
        assert answer.status_code == 404 and answer.headers["content-type"].startswith(
            "application/json"), path


def test_scraped_text_is_escaped_everywhere(web: TestClient, sqlite_url: str,
                                            app_for: Callable[..., TestClient]) -> None:
    from core.article import Article
    from relevance import classify_article, load_rules
    from storage.batch import upsert_article

    evil = '<script>alert("x")</script> OSCE and INTERPOL sign a joint <b>plan</b>'
    article = Article(source="osce", url="https://www.osce.org/x/1", title=evil,
                      body=f"{evil}. The OSCE and INTERPOL signed a joint action plan.",
                      place='<img src=x onerror=alert(1)>')
    article.relevance = classify_article(article, load_rules())
    with session_scope(sqlite_url) as session:
        item_id = upsert_article(session, article).item.id
    for path in ("/", f"/items/{item_id}", "/?q=plan"):
        page = web.get(path).text
        assert "<script>" not in page and "<img src=x" not in page and "<b>plan" not in page
        assert "&lt;script&gt;" in page, path


def test_mark_escapes_each_piece_and_never_misplaces_a_span() -> None:
    reasons = [{"rule": "alias:interpol", "field": "body", "start": 5, "end": 13,
                "text": "INTERPOL", "weight": 0.0},
               {"rule": "cue:joint", "field": "body", "start": 14, "end": 19, "text": "joint",
                "weight": 3.0},  # its text is not at its position: left unmarked
               {"rule": "decision:joint", "field": "body", "start": 0, "end": 13,
                "text": "<i>  INTER", "weight": 3.0, "level": "primary"}]
    html = str(mark("<i>  INTERPOL <b>& co", reasons))
    assert html == ('<span class="decisive">&lt;i&gt;  </span><span class="decisive">'
                    '<mark class="alias" title="alias:interpol">INTERPOL</mark></span>'
                    ' &lt;b&gt;&amp; co')


def test_sources_page_offers_crawl_now(web: TestClient, sqlite_url: str, token: str,
                                       app_for: Callable[..., TestClient]) -> None:
    page = web.get("/sources").text
    assert 'action="sources/osce/crawl"' in page and 'type="password" name="token"' in page
    refused = web.post("/sources/osce/crawl", data={"token": "wrong"})
    assert refused.status_code == 401 and "wrong API token" in refused.text
    with session_scope(sqlite_url) as session:
        session.add(CrawlLock(source="osce", holder="test", pid=os.getpid(),
                              host=socket.gethostname()))
    busy = web.post("/sources/osce/crawl", data={"token": token})
    assert busy.status_code == 409 and "already running" in busy.text
    assert 'href="../../static/style.css"' in busy.text  # relative links still resolve
    off = app_for(sqlite_url, COOPWATCH_API_TOKEN="").get("/sources").text
    assert "Crawling on demand is off" in off and 'name="token"' not in off


def test_the_body_shown_is_the_reading_the_spans_fit() -> None:
    # The classifier read "summary\n\nbody" (the body did not repeat its lead): positions
    # count from the summary's start, so that is the text shown and marked.
    item = Item(title="Joint course", summary="OSCE and INTERPOL train.", body="Later text.",
                relevance_reasons=[{"rule": "pair", "field": "body", "start": 0, "end": 17,
                                    "text": "OSCE and INTERPOL", "weight": 2.0}])
    marked = explain(item)
    assert str(marked.body) == ('<mark class="pair" title="pair">OSCE and INTERPOL</mark>'
                                " train.\n\nLater text.")
    assert marked.unplaced == [] and marked.decision is None


def test_a_joint_act_is_marked_and_explained() -> None:
    # issue 15's pair:subject reason ("… performed"): marked like the pair, and the decision
    # names it, straight from the classifier's reasons
    from relevance import classify

    body = ("The event opened in Bishkek with twenty officers. The OSCE Border Unit and the "
            "INTERPOL Secretariat performed the assessment.")
    result = classify("Assessment ends", body, source="osce")
    item = Item(title="Assessment ends", body=body, relevance_reasons=result.reasons)
    marked = explain(item)
    assert '<mark class="pair" title="pair:subject">performed</mark>' in str(marked.body)
    assert marked.decision is not None and "pair:subject" in marked.decision["detail"]
    assert marked.unplaced == []


def test_a_running_crawl_page_reloads_itself_only_when_asked(web: TestClient,
                                                             sqlite_url: str) -> None:
    # A timed refresh the user did not ask for fails WCAG 2.2.1 (axe: critical): the page
    # reloads only with ?follow=1 (the "crawl now" box sets it) and offers to stop.
    with session_scope(sqlite_url) as session:
        running = CrawlRun(source="osce", status="running")
        done = CrawlRun(source="osce", status="ok")
        session.add_all([running, done])
    refresh = '<meta http-equiv="refresh"'
    plain = web.get(f"/runs/{running.id}").text
    assert refresh not in plain and f'href="{running.id}?follow=1">Follow it' in plain
    followed = web.get(f"/runs/{running.id}", params={"follow": 1}).text
    assert refresh in followed and f'href="{running.id}">Stop reloading' in followed
    assert refresh not in web.get(f"/runs/{done.id}", params={"follow": 1}).text
    assert 'name="follow" value="1" checked' in web.get("/sources").text
