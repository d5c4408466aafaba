"""The HTTP app: index page with autodiscovery, every feed route, /healthz, and a search feed
that answers odd query strings with a 400 and a message, never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from feed_helpers import BASE, config_for, parse_valid
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.db import session_scope
from storage.seed import import_seeds
from web.app import create_app

FEED_PATHS = [f"/feeds/{name}.{fmt}" for name in ("all", "osce", "interpol")
              for fmt in ("atom", "rss")]


def test_index_lists_every_feed_with_autodiscovery(sqlite_client: TestClient) -> None:
    page = sqlite_client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for path in FEED_PATHS:
        kind = "atom" if path.endswith("atom") else "rss"
        assert f'<link rel="alternate" type="application/{kind}+xml"' in page.text
        assert f'href="{path.lstrip("/")}"' in page.text
    assert 'action="feeds/search.atom"' in page.text


def test_every_feed_route_serves_a_valid_feed(client: TestClient) -> None:
    for path in FEED_PATHS:
        response = client.get(path)
        assert response.status_code == 200
        feed = parse_valid(response.content, path)
        assert [lk.href for lk in feed.feed.links if lk.rel == "self"] == [BASE + path]
        expected = {"all": 3, "osce": 3, "interpol": 2}[path.split("/")[2].split(".")[0]]
        assert len(feed.entries) == expected, path


def test_links_follow_the_address_used_when_no_public_url_is_set(sqlite_url: str) -> None:
    with session_scope(sqlite_url) as session:
        import_seeds(session)
    with TestClient(create_app(config_for(sqlite_url)), base_url="http://10.0.0.7:9000") as c:
        feed = parse_valid(c.get("/feeds/all.rss").content)
    assert feed.entries[1].link == "http://10.0.0.7:9000/items/1"


def test_search_feed_filters_and_keeps_its_query_in_rel_self(client: TestClient) -> None:
    path = "/feeds/search.rss?q=%22joint+action+plan%22&source=interpol&level=none"
    response = client.get(path)
    assert response.status_code == 200
    feed = parse_valid(response.content)
    assert [e.title for e in feed.entries] == [  # newest first, INTERPOL's only
        "INTERPOL and OSCE discuss ways to strengthen cooperation in countering transnational "
        "threats",
        "OSCE Secretariat and INTERPOL launch joint action plan to combat transnational crime"]
    self_href = next(lk.href for lk in feed.feed.links if lk.rel == "self")
    assert self_href == f"{BASE}/feeds/search.rss?q=%22joint+action+plan%22&source=interpol" \
                        "&level=none"
    assert "joint action plan" in feed.feed.title


@pytest.mark.parametrize(("query", "message"), [
    ('q="border', "unbalanced double quote"),
    ("q=border;drop", "';' is query syntax"),
    ("q=border&level=urgent", "unknown level urgent"),
    ("q=border&source=europol", "unknown source 'europol'"),
    ("q=a%00b", "control characters"),
    ("q=" + "x" * 600, "keep it under 500"),
    ("q=%22%22", "nothing to search for"),
])
def test_bad_search_queries_answer_400_with_a_message(sqlite_client: TestClient, query: str,
                                                      message: str) -> None:
    response = sqlite_client.get(f"/feeds/search.atom?{query}")
    assert response.status_code == 400
    assert message in response.json()["detail"]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=40), level=st.sampled_from(["", "primary", "none,mention", "x"]))
def test_odd_search_queries_never_answer_500(client: TestClient, q: str, level: str) -> None:
    response = client.get("/feeds/search.rss", params={"q": q, "level": level})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        parse_valid(response.content, repr(q))
    else:
        assert response.json()["detail"]


def test_unknown_feeds_and_formats_are_404(sqlite_client: TestClient) -> None:
    assert "use one of all, osce, interpol, search" in sqlite_client.get("/feeds/nato.atom").text
    assert sqlite_client.get("/feeds/all.json").status_code == 404


def test_healthz_says_whether_the_archive_answers(sqlite_client: TestClient,
                                                  tmp_path: Path) -> None:
    assert sqlite_client.get("/healthz").json() == {"status": "ok", "database": "ok"}
    unmigrated = config_for(f"sqlite:///{tmp_path / 'empty.db'}")
    with TestClient(create_app(unmigrated)) as bare:
        assert bare.get("/healthz").status_code == 503
        feed = bare.get("/feeds/all.atom")
        assert feed.status_code == 503 and "coopwatch db upgrade" in feed.json()["detail"]
