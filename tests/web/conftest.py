"""Fixtures for the web tests: the seeded archive classified as `coopwatch archive seed` does it,
on each backend; a Config that ignores the developer's environment; an app client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core.article import Article
from core.config import Config, load_config
from relevance import classify_article, load_rules
from storage.batch import upsert_article
from storage.db import session_scope
from storage.seed import import_seeds
from web.app import create_app

TOKEN = "s3cret-token"


def web_config(url: str, **options: str) -> Config:
    return load_config({"COOPWATCH_DATABASE_URL": url, "COOPWATCH_CONFIG": "",
                        "COOPWATCH_API_TOKEN": TOKEN, **options})


def seed(url: str) -> None:
    rules = load_rules()
    with session_scope(url) as session:
        import_seeds(session, classify=lambda a: classify_article(a, rules))


@pytest.fixture
def add_article(migrated_url: str) -> Callable[..., int]:
    """add_article(title=…, body=…, published=datetime|None, source=…) -> item id, classified."""
    rules = load_rules()

    def add(title: str, body: str = "", published: datetime | None = None,
            source: str = "osce", **fields: Any) -> int:
        article = Article(source=source, url=f"https://www.{source}.org/news/{abs(hash(title))}",
                          title=title, body=body, published_at=published, **fields)
        article.relevance = classify_article(article, rules)
        with session_scope(migrated_url) as session:
            return upsert_article(session, article).item.id

    return add


@pytest.fixture
def seeded(migrated_url: str) -> str:
    seed(migrated_url)
    return migrated_url


@pytest.fixture
def token() -> str:
    """The API token of every app made here."""
    return TOKEN


@pytest.fixture
def app_for(tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """app_for(url, **options) -> a client of the app on `url` with those options (its data
    directory, where a crawl keeps its HTTP cache, is private to the test)."""
    data = {"COOPWATCH_DATA_DIR": str(tmp_path / "data")}
    with ExitStack() as stack:
        yield lambda url, **options: stack.enter_context(
            TestClient(create_app(web_config(url, **data | options))))


@pytest.fixture
def api(seeded: str, app_for: Callable[..., TestClient]) -> TestClient:
    """The app on the classified seeded archive, on SQLite and PostgreSQL."""
    return app_for(seeded)


@pytest.fixture
def web(sqlite_url: str, app_for: Callable[..., TestClient]) -> TestClient:
    """The app on the classified seeded archive, SQLite only (pages, not queries)."""
    seed(sqlite_url)
    return app_for(sqlite_url)
