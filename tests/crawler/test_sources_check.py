"""`coopwatch sources check URL` (issue 17 point 4) against the replica: what the URL is, the
first five articles a source starting there would store, nothing written; every bad input one
line and a non-zero exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from replica.inventory import expected_items
from replica.server import ReplicaHandle

ROOT = Path(__file__).resolve().parents[2]
COOPWATCH = str(Path(sys.executable).parent / "coopwatch")
OSCE_ARTICLE = r"^https?://[^/]+/[a-z][a-z0-9-]*/\d+$"


def check(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([COOPWATCH, "sources", "check", *args], cwd=ROOT,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=300)


def tree(path: Path) -> dict[str, tuple[int, int]]:
    """Every file under path with its size and modification time."""
    return {str(p.relative_to(path)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(path.rglob("*"))}


def by_url(replica: ReplicaHandle, site: str) -> dict[str, dict[str, Any]]:
    return {replica.url(e["url"]): e for e in expected_items(site)}


@pytest.mark.parametrize(("path", "pattern", "kind", "site"), [
    ("/en/News-and-Events/News/rss", None, "feed", "interpol"),
    ("/sitemap.xml", None, "sitemap", "osce"),
    ("/press-releases?page=0", OSCE_ARTICLE, "listing", "osce"),
])
def test_check_says_what_the_url_is_and_previews_five_articles_writing_nothing(
        path: str, pattern: str | None, kind: str, site: str, replica: ReplicaHandle,
        crawl_env: dict[str, str], archive_url: str) -> None:
    data = Path(crawl_env["COOPWATCH_DATA_DIR"])
    before = tree(data)
    proc = check([replica.url(path), "--json", *(["--pattern", pattern] if pattern else [])],
                 crawl_env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    assert set(result) == {"kind", "url", "articles", "warnings"}
    assert (result["kind"], result["url"]) == (kind, replica.url(path))
    assert len(result["articles"]) == 5
    expected = by_url(replica, site)
    for article in result["articles"]:
        want = expected[article["url"]]
        assert article["title"] == want["title"]
        assert article["published_at"] == want["published"]
        assert article["level"] in ("primary", "secondary", "mention", "none")
        assert article["provenance"]["title"] in ("meta", "heuristic", "selector")
        assert "published_at" in article["provenance"]
    assert tree(data) == before, "the check wrote to the data directory"


def test_check_of_an_article_page_prints_its_fields_and_their_layers(
        replica: ReplicaHandle, crawl_env: dict[str, str]) -> None:
    item = next(e for e in expected_items("interpol") if e["place"])
    proc = check([replica.url(item["url"])], crawl_env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    assert lines[0] == f"{replica.url(item['url'])}: article — first 1 article(s) it would store:"
    assert lines[1].startswith(f"1. {item['title']} (")
    assert f"date {item['published']} (" in lines[2] and f"place {item['place']} (dateline)" \
        in lines[2]
    assert lines[3].strip() == replica.url(item["url"])
    assert not Path(crawl_env["COOPWATCH_DATA_DIR"]).exists(), "nothing created, not even a dir"


@pytest.mark.parametrize(("target", "pattern", "message"), [
    ("ftp://127.0.0.1/feed", None, "'ftp://127.0.0.1/feed' is not an http(s) URL"),
    ("/press-releases?page=0", "([a-z", "--pattern '([a-z' does not compile: "),
    ("unreachable", None, "cannot fetch http://127.0.0.1:"),
    ("/secretariat/1", None, "answered HTTP 404"),
    ("/robots.txt", None, "text/plain is neither a feed, a sitemap nor an HTML page"),
    ("/_replica/stats", None, "refused: the site's robots.txt forbids fetching"),
])
def test_bad_input_is_one_line_and_a_non_zero_exit(
        target: str, pattern: str | None, message: str, replica: ReplicaHandle,
        crawl_env: dict[str, str], free_tcp_port: int) -> None:
    url = (f"http://127.0.0.1:{free_tcp_port}/news" if target == "unreachable" else
           replica.url(target) if target.startswith("/") else target)
    proc = check([url, *(["--pattern", pattern] if pattern else [])], crawl_env)
    assert proc.returncode != 0 and proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert proc.stderr.startswith("Error: ") and message in proc.stderr, proc.stderr
