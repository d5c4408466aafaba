"""Issue 17's "Done when", as a user meets it: the real `coopwatch run` with a config file that
adds the replica's third site (`[sources.wire]`, alerts on, its RSS feed) and a second
configured source with alerts left out (opt-in: none), the real SMTP sink, on SQLite and
PostgreSQL. After priming, one
relevant post on the wire site is one mail naming it, and its story links the OSCE version of
the same event; then from outside: `coopwatch query --source wire --json`, the wire's own feed,
the combined feed (at its levels), /api/sources and /sources, `coopwatch sources check`. A bad
table is refused with one line before anything starts."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import feedparser
import httpx
import pytest
from receivers import Mailbox, free_port, text_of
from sqlalchemy import select
from test_monitor_e2e import COOPWATCH, Monitor, fast_env, monitor_of, wait_until

from replica.inventory import expected_items
from replica.server import ReplicaHandle, serve_replica
from storage.db import session_scope
from storage.models import Item, Source

pytestmark = pytest.mark.slow
# The same event as the OSCE replica's "OSCE and INTERPOL agree on new Joint Action Plan for
# 2026 to 2028" (VIENNA, 21 January 2026), told by the wire.
PLAN = expected_items("osce")[1]
WIRE_POST = {
    "title": "OSCE and INTERPOL agree new Joint Action Plan for 2026 to 2028",
    "body": "The OSCE and INTERPOL today agreed a new Joint Action Plan for 2026 to 2028, "
            "extending their co-operation against trafficking and terrorism at borders.",
    "place": "VIENNA", "date": PLAN["published"]}
QUIET_POST = {
    "title": "INTERPOL and OSCE train customs officers on stolen vehicle checks",
    "body": "INTERPOL and the OSCE trained customs officers from Central Asia in a joint "
            "course on checking vehicles against INTERPOL's stolen motor vehicle database."}


def config_text(replica: ReplicaHandle) -> str:
    return f"""
[sources.interpol]
enabled = false

[sources.wire]
title = "Border Security Wire"
speaks_for = "other"
start_urls = ["{replica.url('/wire/feed/')}"]
interval_minutes = 0.02
alerts = true

[sources.quiet]
title = "INTERPOL news, read as a third party"
speaks_for = "other"
start_urls = ["{replica.url('/en/News-and-Events/News/rss')}"]
interval_minutes = 0.02
"""


@pytest.fixture
def replica() -> Iterator[ReplicaHandle]:
    with serve_replica() as handle:
        yield handle


@pytest.fixture
def monitor(tmp_path: Path, replica: ReplicaHandle, mailbox: Mailbox,
            db_url: str) -> Iterator[Monitor]:
    """The daemon on a fresh archive of each backend (tests/conftest.py's db_url)."""
    config = tmp_path / "coopwatch.toml"
    config.write_text(config_text(replica), encoding="utf-8")
    env = fast_env(tmp_path, db_url, replica, COOPWATCH_CONFIG=str(config),
                   COOPWATCH_CHECK_SOURCES="all", COOPWATCH_ALERT_URLS=mailbox.url,
                   COOPWATCH_MAX_PARALLEL_CRAWLS="2")
    with monitor_of(env, tmp_path / "monitor.log") as mon:
        yield mon


def primed(db_url: str, *names: str) -> bool:
    with session_scope(db_url) as s:
        return all((row := s.get(Source, n)) is not None and row.primed_at is not None
                   for n in names)


def stored(db_url: str, source: str, url: str) -> Item | None:
    with session_scope(db_url) as s:
        item = s.scalars(select(Item).where(Item.source == source, Item.url == url)).first()
        if item is not None:
            s.expunge(item)
        return item


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([COOPWATCH, *args], env=env, capture_output=True, text=True,
                          timeout=120)


def test_a_configured_source_end_to_end(monitor: Monitor, replica: ReplicaHandle,
                                        mailbox: Mailbox) -> None:
    db, env = monitor.db_url, monitor.env
    web = f"http://127.0.0.1:{env['COOPWATCH_PORT']}"
    monitor.start()
    wait_until("osce, wire and quiet primed", lambda: primed(db, "osce", "wire", "quiet"), 180)
    assert monitor.outbox() == [], "priming must not alert"

    quiet_url = replica.publish("interpol", **QUIET_POST)
    wire_url = replica.publish("wire", **WIRE_POST)
    [mail] = mailbox.wait_for(1, timeout_s=90)
    assert WIRE_POST["title"] in mail["Subject"] and wire_url in text_of(mail)
    # alerts are opt-in: the quiet source stores its new relevant item, and nothing goes out
    quiet = wait_until("quiet stored its new item", lambda: stored(db, "quiet", quiet_url), 90)
    assert quiet.relevance_level in ("primary", "secondary")
    assert monitor.outbox(quiet_url) == [] and len(mailbox.messages) == 1
    post = stored(db, "wire", wire_url)
    assert post is not None and post.relevance_level == "primary"

    # its story links the OSCE version of the same event, on the story page
    story = httpx.get(f"{web}/api/stories/{post.story_id}", timeout=30).json()
    versions = {i["url"]: i["id"] for i in story["items"]}
    assert wire_url in versions and replica.url(PLAN["url"]) in versions, story
    page = httpx.get(f"{web}/stories/{post.story_id}", timeout=30)
    assert page.status_code == 200
    assert all(f'items/{n}"' in page.text for n in versions.values())

    # from outside, as a user would
    query = cli(env, "query", "--source", "wire", "--json", "--limit", "100")
    assert query.returncode == 0, query.stderr
    listed = json.loads(query.stdout)
    # the feed's ten newest posts (the priming crawl) and the one published since
    want = {wire_url} | {replica.url(i["url"]) for i in expected_items("wire")[:10]}
    assert {i["url"] for i in listed} == want
    assert {i["source"] for i in listed} == {"wire"}

    relevant = {i["url"] for i in listed if i["relevance"] in ("primary", "secondary")}
    own = feedparser.parse(httpx.get(f"{web}/feeds/wire.atom", timeout=30).content)
    assert {e.link for e in own.entries} == relevant and wire_url in relevant
    combined = feedparser.parse(httpx.get(f"{web}/feeds/all.atom", timeout=30).content)
    links = {link.href for e in combined.entries for link in e.links}
    assert wire_url in links or replica.url(PLAN["url"]) in links
    unrelated = {i["url"] for i in listed if i["relevance"] in ("mention", "none")}
    assert unrelated and not unrelated & links, "the combined feed is at its levels only"

    api = httpx.get(f"{web}/api/sources", timeout=30).json()
    wire = next(s for s in api if s["source"] == "wire")
    assert (wire["title"], wire["builtin"], wire["alerts"]) == ("Border Security Wire", False,
                                                                True)
    assert "Border Security Wire" in httpx.get(f"{web}/sources", timeout=30).text

    check = cli(env, "sources", "check", replica.url("/wire/feed/"), "--json")
    assert check.returncode == 0, check.stderr
    preview = json.loads(check.stdout)
    assert preview["kind"] == "feed" and len(preview["articles"]) == 5
    assert monitor.stop() == 0


def test_a_bad_source_table_is_refused_before_anything_starts(tmp_path: Path) -> None:
    config = tmp_path / "coopwatch.toml"
    config.write_text('[sources.wire]\ntitle = "Wire"\nspeaks_for = "other"\n'
                      'start_urls = ["ftp://x"]\n', encoding="utf-8")
    port = free_port()
    proc = subprocess.run(
        [COOPWATCH, "run"], capture_output=True, text=True, timeout=120,
        env={**os.environ, "COOPWATCH_CONFIG": str(config), "COOPWATCH_PORT": str(port),
             "COOPWATCH_DATA_DIR": str(tmp_path / "data"),
             "COOPWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'coopwatch.db'}"})
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "[sources.wire] start_urls" in lines[0] and "ftp://x" in lines[0]
    with socket.socket() as sock:  # nothing bound the port
        sock.bind(("127.0.0.1", port))
    assert not (tmp_path / "data" / "coopwatch.db").exists()
