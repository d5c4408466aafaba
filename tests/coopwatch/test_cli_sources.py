"""`coopwatch sources` and a bad `[sources.NAME]` table, through the real commands: every
command that would start something refuses with one line and exits non-zero."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage import migrate

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[2]
GOOD = """
[sources.unodc]
title = "UNODC press releases"
speaks_for = "other"
start_urls = ["https://www.unodc.org/unodc/en/press/allpress.html"]
article_url_pattern = "/press/releases/"
interval_minutes = 60

[sources.osce]
enabled = false
"""
NEW = '[sources.unodc]\ntitle = "U"\nspeaks_for = "other"\nstart_urls = ["https://u.example/"]\n'
# one bad table per kind of mistake the issue names, and the line that reports it
BAD = {
    "unknown key": (NEW + "feed_url = 'x'\n", "[sources.unodc] feed_url: unknown key (use "),
    "bad URL": (NEW.replace("https://u.example/", "ftp://x"),
                "[sources.unodc] start_urls: 'ftp://x' is not an http(s) URL"),
    "bad regex": (NEW + "article_url_pattern = '(news'\n",
                  "[sources.unodc] article_url_pattern: '(news' does not compile: "),
    "bad speaks_for": (NEW.replace('"other"', '"unodc"'),
                       "[sources.unodc] speaks_for: 'unodc' is not one of osce, interpol, other"),
    "duplicate name": (NEW + NEW.replace("unodc", "UNODC"),
                       "[sources.UNODC] and [sources.unodc] name one source"),
    "missing key": ('[sources.unodc]\ntitle = "U"\nspeaks_for = "other"\n',
                    "[sources.unodc] start_urls: missing (required for a source that is not "
                    "built in)"),
    "wrong type": (NEW + "enabled = 'yes'\n", "[sources.unodc] enabled: 'yes' is not true or "
                                              "false"),
}


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env={**os.environ, **env}, cwd=REPO, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)


def words(boxed: str) -> str:
    """Typer's error box, as one line of words."""
    return " ".join(boxed.replace("│", " ").split())


def write_config(env: dict[str, str], tmp_path: Path, text: str) -> Path:
    path = tmp_path / "coopwatch.toml"
    path.write_text(text, encoding="utf-8")
    env["COOPWATCH_CONFIG"] = str(path)
    return path


@pytest.mark.parametrize("kind", list(BAD))
def test_a_bad_table_stops_coopwatch_sources_with_one_line(
        kind: str, cli_env: dict[str, str], tmp_path: Path) -> None:
    text, line = BAD[kind]
    path = write_config(cli_env, tmp_path, text)
    done = run(cli_env, str(BIN / "coopwatch"), "sources")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"Error: {path}: {line}")


@pytest.mark.parametrize("command", [("coopwatch", "run"), ("coopwatch", "crawl", "osce"),
                                     ("coopwatch", "crawl", "all"), ("scrapy", "crawl", "osce"),
                                     ("scrapy", "list")])
def test_a_bad_table_starts_nothing(command: tuple[str, ...], cli_env: dict[str, str],
                                    tmp_path: Path) -> None:
    text, line = BAD["bad URL"]
    path = write_config(cli_env, tmp_path, text)
    migrate.upgrade(cli_env["COOPWATCH_DATABASE_URL"])
    before = sorted(p.name for p in (tmp_path / "data").iterdir())
    done = run(cli_env, str(BIN / command[0]), *command[1:])
    assert done.returncode != 0 and done.stdout == ""
    prefix = "Error: " if command[0] == "coopwatch" else "coopwatch: "
    assert done.stderr == f"{prefix}{path}: {line}\n"
    # no job store, no HTTP cache, no log, no run: nothing was started
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == before


def test_sources_lists_configured_sources(cli_env: dict[str, str], tmp_path: Path) -> None:
    write_config(cli_env, tmp_path, GOOD)
    migrate.upgrade(cli_env["COOPWATCH_DATABASE_URL"])
    done = run(cli_env, str(BIN / "coopwatch"), "sources", "--json")
    assert done.returncode == 0, done.stderr
    rows = {r["source"]: r for r in json.loads(done.stdout)}
    assert list(rows) == ["interpol", "osce", "unodc"]
    assert {k: rows["unodc"][k] for k in ("title", "speaks_for", "start_urls", "enabled",
                                          "alerts", "builtin", "interval_minutes",
                                          "article_url_pattern", "state")} == {
        "title": "UNODC press releases", "speaks_for": "other",
        "start_urls": ["https://www.unodc.org/unodc/en/press/allpress.html"], "enabled": True,
        "alerts": False, "builtin": False, "interval_minutes": 60,
        "article_url_pattern": "/press/releases/", "state": "unknown"}
    assert (rows["osce"]["enabled"], rows["osce"]["builtin"]) == (False, True)
    table = run({**cli_env, "COLUMNS": "250"}, str(BIN / "coopwatch"), "sources")
    assert table.returncode == 0 and "UNODC press releases" in table.stdout
    assert "adaptive" in table.stdout and "60 min" in table.stdout


def test_crawl_refuses_a_disabled_source_and_base_url_for_a_configured_one(
        cli_env: dict[str, str], tmp_path: Path) -> None:
    write_config(cli_env, tmp_path, GOOD)
    disabled = run(cli_env, str(BIN / "coopwatch"), "crawl", "osce")
    assert disabled.returncode == 2
    assert "'osce' is disabled (enabled = false in its [sources.NAME] table): use interpol, " \
        "unodc or all" in words(disabled.stderr)
    based = run(cli_env, str(BIN / "coopwatch"), "crawl", "unodc", "--base-url",
                "http://127.0.0.1:9")
    assert based.returncode == 2
    assert "unodc is a configured source: it crawls its own start_urls" in words(based.stderr)
