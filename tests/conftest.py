"""Shared fixtures: a fresh archive on every backend (SQLite file, real PostgreSQL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from storage import migrate
from storage.db import engine_for, session_factory, session_scope, utcnow
from storage.models import Item, Source

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    url = os.environ.get("COOPWATCH_TEST_PG_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must test PostgreSQL: .ci/run exports COOPWATCH_TEST_PG_URL")
        pytest.skip("COOPWATCH_TEST_PG_URL not set (bash .ci/run starts a server)")
    return url


def _fresh_pg_database(admin_url: str) -> Iterator[str]:
    name = f"coopwatch_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        engine_for(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'coopwatch.db'}"
        yield url
        engine_for(url).dispose()
    else:
        yield from _fresh_pg_database(request.getfixturevalue("pg_admin_url"))


@pytest.fixture
def second_db_url(db_url: str, request: pytest.FixtureRequest,
                  tmp_path: Path) -> Iterator[str]:
    """Another empty database on db_url's backend (to compare two ways of filling one)."""
    if db_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'coopwatch-b.db'}"
        yield url
        engine_for(url).dispose()
    else:
        yield from _fresh_pg_database(request.getfixturevalue("pg_admin_url"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'coopwatch.db'}"
    migrate.upgrade(url)
    yield url
    engine_for(url).dispose()


@pytest.fixture
def migrated_url(db_url: str) -> str:
    migrate.upgrade(db_url)
    return db_url


@pytest.fixture
def session(migrated_url: str) -> Iterator[Session]:
    with session_factory(migrated_url)() as s:
        yield s
        s.rollback()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Environment for a CLI run on a private SQLite archive."""
    env = {"COOPWATCH_DATA_DIR": str(tmp_path / "data"),
           "COOPWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'coopwatch.db'}",
           "COOPWATCH_CONFIG": ""}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def add_matches() -> Callable[[str, int], None]:
    """add_matches(url, count): `count` OSCE items that all match "border" (a search whose
    ranking takes many steps of SQLite's virtual machine)."""
    def add(url: str, count: int) -> None:
        now = utcnow()
        with session_scope(url) as session:
            if session.get(Source, "osce") is None:
                session.add(Source(name="osce", title="OSCE", home_url="https://www.osce.org/"))
            for n in range(count):
                link = f"https://www.osce.org/news/border-{n}"
                session.add(Item(source="osce", url=link, canonical_url=link, guid=link,
                                 title=f"Border management {n}", body="Border guards trained.",
                                 content_hash=f"border-{n}", simhash=n, first_seen_at=now,
                                 last_seen_at=now))

    return add
