"""Issue 13 (4): /api/items is bounded like `coopwatch query` — storage.search underneath."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from storage.search import MAX_TERMS


def test_too_many_words_is_a_400_with_the_bound(api: TestClient) -> None:
    words = "+".join(f"word{n}" for n in range(MAX_TERMS + 1))
    response = api.get(f"/api/items?q={words}")
    assert response.status_code == 400
    assert f"search at most {MAX_TERMS}" in response.json()["error"]


def test_a_repeated_word_is_one_word(api: TestClient) -> None:
    once = api.get("/api/items?q=Bratislava").json()
    many = api.get("/api/items?q=" + "+".join(["Bratislava"] * 40)).json()
    assert many["items"] == once["items"] and many["total"] == once["total"] == 2


def test_a_search_past_the_time_limit_is_a_400_that_says_so(
        sqlite_url: str, app_for: Callable[..., TestClient],
        add_matches: Callable[[str, int], None]) -> None:
    add_matches(sqlite_url, 500)
    # 500 matches are ranked in more than one step of SQLite's progress handler: a deadline of
    # 1 µs has passed by its first call.
    response = app_for(sqlite_url, COOPWATCH_SEARCH_TIMEOUT_S="0.000001").get(
        "/api/items?q=border")
    assert response.status_code == 400
    assert "took longer than 1e-06 s and was stopped" in response.json()["error"]
    assert app_for(sqlite_url).get("/api/items?q=border").json()["total"] == 500
