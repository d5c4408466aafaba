"""The JSON API: search with filters and both kinds of cursor, one item / story / source / run,
the crawl endpoint's token and lock checks, and errors as {"error", "status"} — on both backends
where a query decides."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core.config import load_config
from storage.db import session_scope, utcnow
from storage.models import CrawlLock, CrawlRun
from web.security import CSP
from web.server import make_server

SEEDED_NEWEST_FIRST = [4, 2, 1, 3, 5]


def walk(client: TestClient, url: str) -> list[dict[str, Any]]:
    """Every page of a listing, following `next`."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.text
        pages.append(response.json())
        url = response.json()["next"]
    return pages


def test_listing_is_newest_first_with_a_total(api: TestClient) -> None:
    body = api.get("/api/items").json()
    assert [i["id"] for i in body["items"]] == SEEDED_NEWEST_FIRST
    assert body["total"] == body["count"] == 5 and body["next_cursor"] is None
    first = body["items"][0]
    for key in ("id", "source", "url", "title", "published", "place", "relevance", "score",
                "story", "first_seen"):
        assert key in first  # the shape of `coopwatch query --json`


def test_keyset_cursor_neither_skips_nor_repeats(api: TestClient,
                                                 add_article: Callable[..., int]) -> None:
    # Ids do not follow dates (a backfill stores the newest first), ties share a date, and an
    # undated item sorts last: the cursor must still visit each item once, in order.
    same_day = datetime(2019, 12, 5, tzinfo=UTC)
    extra = [add_article("OSCE border course", "INTERPOL databases.", same_day),
             add_article("OSCE police seminar", "", None),
             add_article("INTERPOL notice", "", datetime(2030, 1, 1, tzinfo=UTC),
                         source="interpol")]
    pages = walk(api, "/api/items?limit=2")
    ids = [i["id"] for page in pages for i in page["items"]]
    assert len(pages) == 4 and all(p["total"] == 8 for p in pages)
    assert ids == [extra[2], 4, extra[0], 2, 1, 3, 5, extra[1]]


def test_text_search_pages_by_offset_in_rank_order(api: TestClient) -> None:
    whole = api.get("/api/items", params={"q": "INTERPOL", "limit": 50}).json()
    pages = walk(api, "/api/items?q=INTERPOL&limit=2")
    assert [i["id"] for p in pages for i in p["items"]] == [i["id"] for i in whole["items"]]
    assert whole["total"] == 5 and "snippet" in whole["items"][0]
    phrase = api.get("/api/items", params={"q": '"joint action plan"'}).json()
    assert phrase["items"][0]["title"].startswith("OSCE Secretariat and INTERPOL launch joint")


@pytest.mark.parametrize(("params", "ids"), [
    ({"source": "interpol"}, [2, 3]),
    ({"level": "secondary"}, [4]),
    ({"level": ["secondary", "primary"]}, SEEDED_NEWEST_FIRST),
    ({"level": "primary,secondary", "source": "osce"}, [4, 1, 5]),
    ({"since": "2019-12-05", "until": "2019-12-05"}, [2, 1]),
    ({"until": "9999-12-31"}, SEEDED_NEWEST_FIRST),
    ({"q": "Bratislava", "source": "osce"}, [1]),
])
def test_filters(api: TestClient, params: dict[str, Any], ids: list[int]) -> None:
    body = api.get("/api/items", params=params).json()
    assert sorted(i["id"] for i in body["items"]) == sorted(ids) and body["total"] == len(ids)


@pytest.mark.parametrize(("query", "message"), [
    ("q=border;drop", "';' is query syntax"),
    ('q="border', "unbalanced double quote"),
    ("q=a%00b", "control characters"),
    ("level=urgent", "unknown level urgent"),
    ("source=europol", "unknown source 'europol'"),
    ("since=2020-02-30", "since"),
    ("since=2020-01-02&until=2020-01-01", "is after"),
    ("limit=0", "limit"),
    ("limit=201", "limit"),
    ("cursor=bm9wZQ", "cursor is not one this server gave out"),
    ("cursor=eyJvIjoyfQ", "cursor belongs to another kind of query"),  # offset, no text
])
def test_bad_parameters_are_400_with_a_message(api: TestClient, query: str,
                                               message: str) -> None:
    response = api.get(f"/api/items?{query}")
    assert response.status_code == 400
    assert response.json()["status"] == 400 and message in response.json()["error"]


def test_bad_query_messages_speak_in_api_terms(api: TestClient) -> None:
    for path in ("/api/items?q=border;drop", "/api/items?q=a:b", "/feeds/search.atom?q=a*"):
        message = api.get(path).json()
        message = message.get("error") or message["detail"]
        assert "query syntax" in message and "--" not in message, path  # no CLI flags
    page = api.get("/?q=border;drop")
    assert page.status_code == 400 and "query syntax" in page.text and "--raw" not in page.text


def test_runs_of_an_unknown_source_are_400_as_items_are(api: TestClient) -> None:
    for path in ("/api/runs?source=bogus", "/api/items?source=bogus"):
        response = api.get(path)
        assert response.status_code == 400, path
        assert response.json()["error"] == "unknown source 'bogus': use osce or interpol"
    assert api.get("/api/runs?source=").status_code == 200  # empty: any source, as for items


def test_runs_of_an_unknown_trigger_are_400_naming_the_triggers(api: TestClient) -> None:
    response = api.get("/api/runs?trigger=bogus")
    assert response.status_code == 400
    assert response.json() == {"error": "unknown trigger 'bogus': use cli or schedule or api",
                                "status": 400}
    for ok in ("schedule", ""):
        assert api.get(f"/api/runs?trigger={ok}").status_code == 200, ok


def test_no_page_loads_code_from_elsewhere(api: TestClient) -> None:
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        assert api.get(path).status_code == 404, path  # Swagger UI / ReDoc came from a CDN
    assert api.get("/openapi.json").json()["paths"]  # the API's document stays


def test_one_item_in_full_with_reasons_and_story(api: TestClient) -> None:
    item = api.get("/api/items/1").json()
    assert item["relevance"] == "primary" and item["reasons"][-1]["rule"].startswith("decision:")
    assert item["provenance"]["title"] == "seed" and item["revisions"] == []
    assert sorted(i["id"] for i in item["story_detail"]["items"]) == [1, 2]
    story = api.get("/api/stories/2").json()
    assert sorted(i["source"] for i in story["items"]) == ["interpol", "osce"]
    assert story["merges"] and all(m["reason"] for m in story["merges"])


@pytest.mark.parametrize("path", ["/api/items/999", "/api/stories/999", "/api/runs/999",
                                  "/api/nothing-here"])
def test_missing_things_are_404_json(api: TestClient, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 404 and response.json()["status"] == 404
    assert response.json()["error"]


def test_ids_out_of_range_are_400_not_a_database_error(api: TestClient) -> None:
    for path in ("/api/items/0", "/api/items/99999999999", "/api/stories/-1", "/api/runs/x"):
        assert api.get(path).status_code == 400, path


def test_sources_and_runs(api: TestClient, seeded: str) -> None:
    with session_scope(seeded) as session:
        session.add_all(CrawlRun(source="osce", trigger=t, status=s, requests=4, not_modified=3,
                                 finished_at=utcnow()) for t, s in
                        (("cli", "ok"), ("schedule", "errors"), ("api", "ok")))
    sources = {s["source"]: s for s in api.get("/api/sources").json()}
    assert set(sources) == {"osce", "interpol"}
    osce = sources["osce"]
    assert osce["not_modified_ratio"] == 0.75 and osce["crawl"] == "/api/crawl/osce"
    assert [r["trigger"] for r in osce["last_runs"]] == ["api", "schedule", "cli"]
    runs = api.get("/api/runs", params={"source": "osce", "limit": 2}).json()
    assert [r["trigger"] for r in runs["runs"]] == ["api", "schedule"]
    older = api.get("/api/runs", params={"before": runs["before"]}).json()["runs"]
    assert [r["trigger"] for r in older] == ["cli"]
    run = api.get(f"/api/runs/{older[0]['id']}").json()
    assert run["status"] == "ok" and run["requests"] == 4 and run["finished"]


def test_crawl_needs_the_token(app_for: Callable[..., TestClient], sqlite_url: str,
                               token: str) -> None:
    api = app_for(sqlite_url)
    missing = api.post("/api/crawl/osce")
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert missing.json() == {"error": missing.json()["error"], "status": 401}
    wrong = api.post("/api/crawl/osce", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "wrong API token"
    unknown = api.post("/api/crawl/europol", headers={"Authorization": f"Bearer {token}"})
    assert unknown.status_code == 404 and "no source 'europol'" in unknown.json()["error"]
    off = app_for(sqlite_url, COOPWATCH_API_TOKEN="").post(
        "/api/crawl/osce", headers={"Authorization": "Bearer anything"})
    assert off.status_code == 403 and "COOPWATCH_API_TOKEN" in off.json()["error"]


def test_crawl_of_a_busy_source_is_409(api: TestClient, seeded: str, token: str) -> None:
    with session_scope(seeded) as session:  # a live holder: this very process
        session.add(CrawlLock(source="osce", holder="cli", pid=os.getpid(),
                              host=socket.gethostname(), run_id=7))
    response = api.post("/api/crawl/osce", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 409
    assert "already running (run 7" in response.json()["error"]


def test_only_the_crawl_writes(api: TestClient) -> None:
    schema = api.get("/openapi.json").json()
    writes = [(path, method) for path, ops in schema["paths"].items() for method in ops
              if method not in ("get", "head")]
    assert writes == [("/api/crawl/{source}", "post")]
    for path, ops in schema["paths"].items():
        if path.startswith("/api/"):
            assert all("422" not in op["responses"] for op in ops.values()), path


def test_unmigrated_archive_is_503_json(app_for: Callable[..., TestClient],
                                        tmp_path: Path) -> None:
    api = app_for(f"sqlite:///{tmp_path / 'empty.db'}")
    response = api.get("/api/items")
    assert response.status_code == 503 and response.json()["status"] == 503
    assert api.get("/api/sources").status_code == 503


def test_every_response_carries_the_csp(api: TestClient) -> None:
    for path in ("/", "/api/items", "/api/items/999", "/feeds/all.atom", "/static/style.css"):
        headers = api.get(path).headers
        assert headers["content-security-policy"] == CSP, path
        assert headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" not in CSP and "unsafe-inline" not in CSP


def test_the_server_binds_to_loopback_unless_told(sqlite_url: str) -> None:
    cfg = load_config({"COOPWATCH_DATABASE_URL": sqlite_url, "COOPWATCH_CONFIG": ""})
    assert make_server(cfg).config.host == "127.0.0.1"
    assert make_server(cfg, host="0.0.0.0").config.host == "0.0.0.0"



def test_unmigrated_archive_gives_people_a_page_and_programs_json(
        app_for: Callable[..., TestClient], tmp_path: Path) -> None:
    app = app_for(f"sqlite:///{tmp_path / 'empty.db'}")
    for path in ("/", "/?q=border", "/items/1", "/stories/1", "/sources", "/runs/1"):
        page = app.get(path)
        assert page.status_code == 503, path
        assert page.headers["content-type"].startswith("text/html"), path
        assert "Archive unavailable" in page.text and page.headers["retry-after"] == "60"
    feed = app.get("/feeds/all.atom")
    assert feed.status_code == 503 and "coopwatch db upgrade" in feed.json()["detail"]
