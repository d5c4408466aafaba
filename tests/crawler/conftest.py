"""A replica of both sites per test module, and a way to crawl it into a private archive."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.child import crawl_in_child
from replica.server import ReplicaHandle, serve_replica
from storage import migrate

Crawl = Callable[..., dict[str, Any]]


@pytest.fixture(scope="module")
def replica_server() -> Iterator[ReplicaHandle]:
    with serve_replica() as handle:
        yield handle


@pytest.fixture
def replica(replica_server: ReplicaHandle) -> ReplicaHandle:
    replica_server.reset()
    return replica_server


@pytest.fixture
def crawl_env(tmp_path: Path) -> dict[str, str]:
    data = tmp_path / "data"
    return {"COOPWATCH_DATA_DIR": str(data),
            "COOPWATCH_DATABASE_URL": f"sqlite:///{data / 'coopwatch.db'}",
            "COOPWATCH_CONFIG": "", "COOPWATCH_DOWNLOAD_DELAY_S": "0",
            "COOPWATCH_LOG_LEVEL": "WARNING", "COOPWATCH_ALERT_URLS": ""}


@pytest.fixture
def archive_url(crawl_env: dict[str, str]) -> str:
    url = crawl_env["COOPWATCH_DATABASE_URL"]
    migrate.upgrade(url)
    return url


@pytest.fixture
def crawl(replica: ReplicaHandle, crawl_env: dict[str, str], archive_url: str) -> Crawl:
    """crawl("osce", **kwargs) -> the child's run summary, against the replica."""

    def run(source: str, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("base_url", replica.base_url)
        kwargs.setdefault("timeout_s", 120)
        env = {**crawl_env, **kwargs.pop("env", {})}
        return crawl_in_child(source, env=env, **kwargs)

    return run
