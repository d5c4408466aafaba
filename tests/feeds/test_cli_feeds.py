"""`coopwatch feed build` and `coopwatch serve --get`, through the feeds area's own Typer app
(the main `coopwatch` app adds the same commands)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from feed_helpers import parse_valid
from typer.testing import CliRunner

from coopwatch.cli_feeds import app
from storage import migrate
from storage.db import session_scope
from storage.seed import import_seeds


@pytest.fixture
def seeded_env(cli_env: dict[str, str]) -> dict[str, str]:
    url = cli_env["COOPWATCH_DATABASE_URL"]
    migrate.upgrade(url)
    with session_scope(url) as session:
        import_seeds(session)
    return cli_env


def test_feed_build_writes_the_static_site(seeded_env: dict[str, str], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOPWATCH_PUBLIC_URL", "https://feeds.example.org/")
    out = tmp_path / "site"
    result = CliRunner().invoke(app, ["feed", "build", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    written = {Path(w["path"]).relative_to(out).as_posix(): w for w in json.loads(result.stdout)}
    assert sorted(written) == ["feeds/all.atom", "feeds/all.rss", "feeds/interpol.atom",
                               "feeds/interpol.rss", "feeds/osce.atom", "feeds/osce.rss",
                               "index.html"]
    counts = {"all": 3, "osce": 3, "interpol": 2}
    for name, entry in written.items():
        if name.startswith("feeds/"):
            feed = parse_valid((out / name).read_bytes(), name)
            assert len(feed.entries) == counts[Path(name).stem]
            self_href = next(lk.href for lk in feed.feed.links if lk.rel == "self")
            assert self_href == entry["url"] == f"https://feeds.example.org/{name}"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="feeds/all.atom"' in index and "<form" not in index  # no server, no search
    assert not list(out.rglob(".*.tmp"))


def test_serve_get_runs_one_request_in_process(seeded_env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["serve", "--get", "/feeds/all.atom"])
    assert result.exit_code == 0, result.output
    assert "HTTP 200" in result.stderr and "etag:" in result.stderr
    feed = parse_valid(result.stdout_bytes)
    assert len(feed.entries) == 3
    assert feed.entries[0].link == "http://127.0.0.1:8080/items/4"  # COOPWATCH_HOST/PORT

    bad = CliRunner().invoke(app, ["serve", "--get", "/feeds/search.rss?q=%22border"])
    assert bad.exit_code == 1 and "HTTP 400" in bad.stderr
    assert "unbalanced double quote" in bad.stdout


def test_feed_build_on_an_unmigrated_archive_says_what_to_do(cli_env: dict[str, str],
                                                             tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["feed", "build", "--out", str(tmp_path / "site")])
    assert result.exit_code == 1
    assert "coopwatch db upgrade" in result.stderr
