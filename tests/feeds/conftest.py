"""Fixtures for the feed tests: a seeded archive on each backend, its config, an app client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from feed_helpers import BASE, config_for

from core.config import Config
from storage.db import session_scope
from storage.seed import import_seeds
from web.app import create_app


@pytest.fixture
def seeded_url(migrated_url: str) -> str:
    """The five seeded documents (3 stories), committed, on SQLite and PostgreSQL."""
    with session_scope(migrated_url) as session:
        import_seeds(session)
    return migrated_url


@pytest.fixture
def cfg(seeded_url: str) -> Config:
    return config_for(seeded_url, COOPWATCH_PUBLIC_URL=BASE)


@pytest.fixture
def client(cfg: Config) -> Iterator[TestClient]:
    """The app on a seeded archive, on each backend."""
    with TestClient(create_app(cfg)) as c:
        yield c


@pytest.fixture
def sqlite_client(sqlite_url: str) -> Iterator[TestClient]:
    """The app on a seeded SQLite archive, for HTTP behaviour that no query decides."""
    with session_scope(sqlite_url) as session:
        import_seeds(session)
    with TestClient(create_app(config_for(sqlite_url, COOPWATCH_PUBLIC_URL=BASE))) as c:
        yield c
