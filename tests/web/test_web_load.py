"""The web server under load, as `coopwatch serve` runs it: a real server process on a free
port, an archive of ~60 items, a few hundred GETs over every kind of route at 100 concurrent
clients. Bounded in count and time; nothing here asserts a speed (bench/web_load.py measures
it). Issue 13: this load used to exhaust the connection pool and wedge the server — 503s that
blamed the database, 30 s timeouts, a /healthz that timed out minutes later, SIGTERM ignored.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from core.article import Article
from relevance import classify_article, load_rules
from storage.batch import upsert_articles
from storage.db import engine_for, session_scope
from storage.models import Item
from storage.seed import import_seeds

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 100
REQUESTS = 500
CLIENT_TIMEOUT_S = 30.0  # what the clients waited before giving up
BOUND_S = 240.0  # the whole load, however busy the machine: a wedged server fails, not hangs
# Idle connections are dropped well before uvicorn's 5 s keep-alive timeout: at equal timeouts a
# request can be sent on a connection the server is closing (a ReadError that is no server fault).
KEEPALIVE_S = 2.0


def archive_paths(items: list[int], stories: list[int]) -> list[str]:
    """Every kind of GET route, the item and story pages spread over the archive."""
    paths = ["/", "/?q=border", "/api/items", "/api/items?q=border+management", "/sources",
             "/api/sources", "/feeds/all.atom", "/feeds/osce.rss", "/feeds/search.atom?q=police",
             "/metrics", "/api/runs", "/healthz"]
    for n, (item, story) in enumerate(zip(items[::4], stories[::3], strict=False)):
        paths += [f"/items/{item}", f"/stories/{story}"] if n % 2 else [
            f"/api/items/{item}", f"/api/stories/{story}"]
    return paths


def fill(url: str, count: int = 55) -> None:
    """The seeded archive plus `count` classified articles, a few co-operation stories."""
    rules = load_rules()
    start = datetime(2025, 1, 1, tzinfo=UTC)
    articles = []
    for n in range(count):
        source = "osce" if n % 2 else "interpol"
        body = (f"The OSCE and INTERPOL held a joint border management course number {n} for "
                "police officers, on the use of INTERPOL databases." if n % 3 == 0 else
                f"Officers from {20 + n} countries met to discuss policing and border security.")
        article = Article(source=source, url=f"https://www.{source}.org/news/load-{n}",
                          title=f"Border security meeting {n}", body=body, place="Vienna",
                          published_at=start + timedelta(days=n))
        article.relevance = classify_article(article, rules)
        articles.append(article)
    with session_scope(url) as session:
        import_seeds(session, classify=lambda a: classify_article(a, rules))
    with session_scope(url) as session:
        upsert_articles(session, articles)


@contextmanager
def serving(url: str, work: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], list[str]]]:
    """`coopwatch serve` on the filled archive at `url`: (base URL, the process, the paths to
    request)."""
    fill(url)
    with session_scope(url) as session:
        rows = session.execute(select(Item.id, Item.story_id).order_by(Item.id)).all()
    engine_for(url).dispose()
    paths = archive_paths([r.id for r in rows], sorted({r.story_id for r in rows}))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("COOPWATCH_")} | {
        "COOPWATCH_DATABASE_URL": url, "COOPWATCH_CONFIG": "",
        "COOPWATCH_DATA_DIR": str(work / "data"), "COOPWATCH_LOG_LEVEL": "WARNING"}
    log_path = work / "serve.log"
    coopwatch = str(Path(sys.executable).parent / "coopwatch")
    with log_path.open("wb") as log:
        proc = subprocess.Popen([coopwatch, "serve", "--port", str(port)], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
        yield base, proc, paths
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


async def hammer(base: str, paths: list[str], total: int, clients: int) -> Counter[str]:
    """`total` GETs over `paths`, `clients` at once; counts answers by status (or error)."""
    outcomes: Counter[str] = Counter()
    sent = 0
    async with httpx.AsyncClient(base_url=base, timeout=CLIENT_TIMEOUT_S,
                                 limits=httpx.Limits(max_connections=clients,
                                                     keepalive_expiry=KEEPALIVE_S)) as client:
        async def one_client() -> None:
            nonlocal sent
            while sent < total:
                path = paths[sent % len(paths)]
                sent += 1
                try:
                    response = await client.get(path)
                    outcomes[str(response.status_code)] += 1
                    if response.status_code >= 500:
                        outcomes[f"{path} {response.status_code}: {response.text[:100]}"] += 1
                except httpx.HTTPError as err:
                    outcomes[f"{type(err).__name__} on {path}"] += 1
        await asyncio.wait_for(asyncio.gather(*(one_client() for _ in range(clients))), BOUND_S)
    return outcomes


def test_concurrent_load_is_answered_and_health_is_immediate_after(
        migrated_url: str, tmp_path: Path) -> None:
    with serving(migrated_url, tmp_path) as (base, proc, paths):
        outcomes = asyncio.run(hammer(base, paths, REQUESTS, CLIENTS))
        health = httpx.get(f"{base}/healthz", timeout=5)  # at once: nothing is left queued
        assert proc.poll() is None
    failures = {k: n for k, n in outcomes.items() if not k.isdigit() or int(k) >= 500}
    assert not failures, failures
    assert sum(outcomes.values()) == REQUESTS
    assert set(outcomes) == {"200"}, outcomes
    assert health.status_code == 200 and health.json()["status"] == "ok"


async def load_then_terminate(base: str, proc: subprocess.Popen[bytes],
                              paths: list[str]) -> None:
    load = asyncio.create_task(hammer(base, paths, REQUESTS, CLIENTS))
    await asyncio.sleep(1.0)  # the server is busy with a queue of requests
    proc.send_signal(signal.SIGTERM)
    try:  # a bound, not a speed: the wedged server took SIGKILL after minutes
        await asyncio.to_thread(proc.wait, 30)
    except subprocess.TimeoutExpired:
        pytest.fail("the server ignored SIGTERM for 30 s under load")
    finally:
        load.cancel()  # requests still queued were refused or cut off: not the point here
        await asyncio.gather(load, return_exceptions=True)


def test_sigterm_under_load_stops_the_server_promptly(sqlite_url: str, tmp_path: Path) -> None:
    with serving(sqlite_url, tmp_path) as (base, proc, paths):
        asyncio.run(load_then_terminate(base, proc, paths))
    assert proc.returncode in (0, -signal.SIGTERM)  # uvicorn re-raises the signal it handled
