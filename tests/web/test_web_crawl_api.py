"""POST /api/crawl/{source} for real: a crawl child against the replica, started in the
background, followed at /api/runs/{id}, reaped, and its new item searchable at once."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from replica.server import ReplicaHandle, serve_replica
from storage.db import session_scope
from storage.models import CrawlRun

pytestmark = pytest.mark.slow
TITLE = "OSCE and INTERPOL open a joint border training centre in Vienna"


@pytest.fixture(scope="module")
def replica() -> Iterator[ReplicaHandle]:
    with serve_replica() as handle:
        yield handle


def follow(api: TestClient, status_url: str, timeout_s: float = 90) -> dict[str, object]:
    deadline = time.monotonic() + timeout_s
    while True:
        run = api.get(status_url).json()
        if run["status"] != "running" or time.monotonic() > deadline:
            return run
        time.sleep(0.3)


def source_state(api: TestClient, source: str) -> str:
    return next(s["state"] for s in api.get("/api/sources").json() if s["source"] == source)


def test_crawl_now_runs_in_the_background_and_is_followed(
        replica: ReplicaHandle, app_for: Callable[..., TestClient], sqlite_url: str,
        token: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOPWATCH_LOG_LEVEL", "WARNING")
    replica.publish("osce", title=TITLE, date="2026-11-20", place="Vienna",
                    body="The OSCE and INTERPOL signed a joint action plan to train border "
                         "guards in the use of INTERPOL databases.")
    api = app_for(sqlite_url, COOPWATCH_BASE_URL=replica.base_url,
                  COOPWATCH_DOWNLOAD_DELAY_S="0", COOPWATCH_MAX_PAGES="1",
                  COOPWATCH_SINCE="2026-01-01")
    auth = {"Authorization": f"Bearer {token}"}
    response = api.post("/api/crawl/osce", headers=auth)
    assert response.status_code == 202, response.text
    body = response.json()
    # answered once the run opened, not at its end: the run is still running (the 409 below)
    assert body["status"] == "running", body
    assert body["status_url"] == f"/api/runs/{body['run_id']}"
    again = api.post("/api/crawl/osce", headers=auth)
    assert again.status_code == 409 and "already" in again.json()["error"]

    run = follow(api, body["status_url"])
    assert run["status"] == "ok" and run["trigger"] == "api", run
    assert run["instance"] == f"{socket.gethostname()}-{os.getpid()}"  # the server's name
    assert run["new"] >= 1 and run["requests"] >= 2
    # its full crawl log, in its run's file, linked from its page
    assert f'href="{run["id"]}/log"' in api.get(f"/runs/{run['id']}").text
    log = api.get(f"/runs/{run['id']}/log").text
    assert f"Run {run['id']} of osce started" in log and "Dumping Scrapy stats" in log
    hits = api.get("/api/items", params={"q": "joint border training centre"}).json()["items"]
    assert hits and hits[0]["title"] == TITLE and hits[0]["relevance"] == "primary"

    with session_scope(sqlite_url) as session:
        pid = session.get_one(CrawlRun, body["run_id"]).pid
    assert pid is not None
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the thread waits for its child: no zombie stays
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"crawl child {pid} was never reaped")
    deadline = time.monotonic() + 10  # then the thread judges health, as a scheduled check
    while (state := source_state(api, "osce")) == "unknown" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert state == "ok"
