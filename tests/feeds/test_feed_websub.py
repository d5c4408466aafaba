"""WebSub discovery: with COOPWATCH_WEBSUB_HUB set, every feed — combined, per source, saved
search; Atom and RSS; served and `coopwatch feed build` — links the hub and its own public URL
(the topic the hub is pinged with); without it, no hub link."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from feed_helpers import config_for
from lxml import etree

from feeds.spec import FORMATS, search_feed, standard_feeds
from storage.db import session_scope
from storage.seed import import_seeds
from web.app import create_app

HUB = "https://hub.example.net/"
PUBLIC = "https://feeds.example.org"
ATOM = "{http://www.w3.org/2005/Atom}link"
COOPWATCH = str(Path(sys.executable).parent / "coopwatch")


def links(data: bytes) -> dict[str, list[str]]:
    """rel -> hrefs of the feed-level Atom links (atom:feed/link, rss/channel/atom:link)."""
    root = etree.fromstring(data)
    parent = root if root.tag.endswith("feed") else root.find("channel")
    assert parent is not None
    out: dict[str, list[str]] = {}
    for link in parent.findall(ATOM):
        out.setdefault(link.get("rel", "alternate"), []).append(link.get("href"))
    return out


def paths(cfg_url: str) -> list[str]:
    cfg = config_for(cfg_url)
    specs = [*standard_feeds(cfg).values(), search_feed(cfg, "border", "osce", ["primary"])]
    return [spec.path(fmt) for spec, fmt in itertools.product(specs, FORMATS)]


def test_served_feeds_link_the_hub_and_their_public_url(seeded_url: str) -> None:
    cfg = config_for(seeded_url, COOPWATCH_PUBLIC_URL=PUBLIC, COOPWATCH_WEBSUB_HUB=HUB)
    with TestClient(create_app(cfg), base_url="http://127.0.0.1:9") as client:
        for path in paths(seeded_url):
            got = links(client.get(path).content)
            assert got["hub"] == [HUB] and got["self"] == [PUBLIC + path], path


def test_no_hub_link_unless_set_and_the_etag_follows_the_setting(seeded_url: str) -> None:
    plain = config_for(seeded_url, COOPWATCH_PUBLIC_URL=PUBLIC)
    with_hub = config_for(seeded_url, COOPWATCH_PUBLIC_URL=PUBLIC, COOPWATCH_WEBSUB_HUB=HUB)
    with TestClient(create_app(plain)) as a, TestClient(create_app(with_hub)) as b:
        for path in paths(seeded_url):
            without = a.get(path)
            assert "hub" not in links(without.content), path
            assert links(without.content)["self"] == [PUBLIC + path]
            # a reader's cached copy without the hub link is not "current" once it is set
            assert b.get(path, headers={"If-None-Match": without.headers["etag"]}).status_code \
                == 200


def test_static_feeds_link_the_hub(sqlite_url: str, tmp_path: Path) -> None:
    with session_scope(sqlite_url) as session:
        import_seeds(session)
    env = {**os.environ, "COOPWATCH_DATABASE_URL": sqlite_url, "COOPWATCH_CONFIG": "",
           "COOPWATCH_PUBLIC_URL": PUBLIC, "COOPWATCH_WEBSUB_HUB": HUB}
    out = tmp_path / "site"
    proc = subprocess.run([COOPWATCH, "feed", "build", "--out", str(out)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    built = sorted(out.glob("feeds/*"))
    assert len(built) == 6
    for file in built:
        got = links(file.read_bytes())
        assert got["hub"] == [HUB] and got["self"] == [f"{PUBLIC}/feeds/{file.name}"]

    bad = subprocess.run([COOPWATCH, "feed", "build", "--out", str(out)],
                         env=env | {"COOPWATCH_WEBSUB_HUB": "hub.example.net"},
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
    assert bad.stderr.strip() == ("Error: COOPWATCH_WEBSUB_HUB must be an http(s) URL, got "
                                  "'hub.example.net'")
