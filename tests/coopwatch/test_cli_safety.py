"""Issue 13 (4, 5, 8, 11): the CLI's promises under hostile input — a bounded search, stored
text that cannot steer the terminal, and one line on stderr (no traceback) for what a user can
get wrong: dates and ids at the edge, a database that is not one, a port that is not one, a bad
config value named alone."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import text
from typer.testing import CliRunner

from coopwatch.cli import app
from core.config import ConfigError, load_config
from feeds.spec import feed_defaults
from storage.db import session_scope
from storage.search import MAX_TERMS

runner = CliRunner()
ESC, CSI, RLO = "\x1b", "\x9b", "\u202e"


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def one_line_error(result: Result, message: str) -> None:
    """Exit 1, a single `Error: …` line on stderr holding `message`, no exception escaped."""
    assert result.exit_code == 1, (result.stdout, result.stderr, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], lines


@pytest.fixture
def seeded(cli_env: dict[str, str]) -> str:
    assert run("db", "upgrade").exit_code == 0
    assert run("archive", "seed").exit_code == 0
    return cli_env["COOPWATCH_DATABASE_URL"]


# --- 4: the search is bounded ------------------------------------------------------------

def test_query_bounds_its_words_and_repeats_cost_nothing(seeded: str) -> None:
    words = " ".join(f"word{n}" for n in range(MAX_TERMS + 1))
    one_line_error(run("query", words), f"search at most {MAX_TERMS}")
    once = json.loads(run("query", "Bratislava", "--json").stdout)
    many = run("query", " ".join(["Bratislava"] * 2000), "--json")
    assert many.exit_code == 0 and json.loads(many.stdout) == once and len(once) == 2


def test_query_past_its_time_limit_is_one_line(seeded: str, monkeypatch: pytest.MonkeyPatch,
                                               add_matches: Callable[[str, int], None]) -> None:
    add_matches(seeded, 500)  # ranked in more steps than the progress handler's first call
    monkeypatch.setenv("COOPWATCH_SEARCH_TIMEOUT_S", "0.000001")
    one_line_error(run("query", "border"), "took longer than 1e-06 s and was stopped")
    monkeypatch.setenv("COOPWATCH_SEARCH_TIMEOUT_S", "soon")
    one_line_error(run("query", "border"), "COOPWATCH_SEARCH_TIMEOUT_S must be a number")


# --- 5: stored text never steers the terminal --------------------------------------------

HOSTILE = (f"OSCE {ESC}]0;owned{chr(7)} and {ESC}[2J INTERPOL "
           f"{ESC}]8;;https://evil.example/{ESC}\\link{ESC}]8;;{ESC}\\ {CSI}31m {RLO}gpj.exe")


def test_rows_stored_before_the_fix_print_escaped(seeded: str) -> None:
    # Written past the Article (which now cleans): what an archive of today's main may hold.
    with session_scope(seeded) as session:
        session.execute(text("UPDATE item SET title = :t, place = :t, body = :b WHERE id = 1"),
                        {"t": HOSTILE, "b": f"First line\n\tindented {HOSTILE}"})
    for args in (("show", "1"), ("query", "owned"), ("query",)):
        result = run(*args)
        assert result.exit_code == 0, result.stderr
        for char in (ESC, CSI, RLO, "\x07"):
            assert char not in result.stdout, (args, char)
    shown = run("show", "1").stdout
    assert "OSCE \\x1b]0;owned\\x07 and \\x1b[2J INTERPOL" in shown
    assert "\\u202egpj.exe" in shown
    assert re.search(r"First line\n +indented", shown)  # the body's own breaks and tab stay
    # JSON keeps the strings exactly, with C1 and bidi characters written as escapes
    raw = run("show", "1", "--json").stdout
    assert CSI not in raw and RLO not in raw and json.loads(raw)["title"] == HOSTILE


def test_table_cells_are_not_rich_markup(seeded: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with session_scope(seeded) as session:
        session.execute(text("UPDATE item SET title = :t WHERE id = 1"),
                        {"t": "[link=https://evil.example/]OSCE and INTERPOL[/link]"})
    monkeypatch.setenv("COLUMNS", "400")
    out = run("query", "--source", "osce").stdout
    assert "[link=https://evil.example/]OSCE and INTERPOL[/link]" in out


# --- 8: one line, not a traceback ----------------------------------------------------------

def test_until_the_last_day_there_is_means_no_upper_bound(seeded: str) -> None:
    result = run("query", "--until", "9999-12-31", "--json")
    assert result.exit_code == 0, result.exception
    assert len(json.loads(result.stdout)) == 5


@pytest.mark.parametrize("args, message", [
    (["show", "9223372036854775808"], "no item 9223372036854775808"),
    (["show", "2147483648"], "no item 2147483648"),
    (["alerts", "retry", "99999999999999999999999"], "no alert 99999999999999999999999"),
    (["serve", "--port", "70000"], "port 70000 (--port or COOPWATCH_PORT) is not a TCP port"),
])
def test_out_of_range_numbers_are_one_line(seeded: str, args: list[str], message: str) -> None:
    one_line_error(run(*args), message)


@pytest.mark.parametrize("args", [["query"], ["db", "upgrade"], ["archive", "seed"]])
def test_a_file_that_is_not_sqlite_is_one_line(cli_env: dict[str, str], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               args: list[str]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database, but someone's notes\n" * 100)
    monkeypatch.setenv("COOPWATCH_DATABASE_URL", f"sqlite:///{notes}")
    one_line_error(run(*args), f"{notes} is not a SQLite database")
    assert notes.read_text() == "not a database, but someone's notes\n" * 100  # untouched


@pytest.mark.parametrize("url, message", [
    ("not a url", "the database URL (COOPWATCH_DATABASE_URL) is not a URL"),
    ("mysql://me:secret@127.0.0.1/db", "unsupported database 'mysql'"),
    ("postgresql+asyncpg://me:secret@127.0.0.1/db", "no driver 'postgresql+asyncpg'"),
])
@pytest.mark.parametrize("args", [["query"], ["db", "upgrade"], ["archive", "seed"]])
def test_an_unusable_database_url_is_one_line(cli_env: dict[str, str],
                                              monkeypatch: pytest.MonkeyPatch, url: str,
                                              message: str, args: list[str]) -> None:
    monkeypatch.setenv("COOPWATCH_DATABASE_URL", url)
    result = run(*args)
    one_line_error(result, message)
    assert "secret" not in result.stderr


# --- 11: a bad option is named alone ------------------------------------------------------

def test_a_bad_feed_size_names_only_its_key() -> None:
    cfg = load_config({"COOPWATCH_CONFIG": "", "COOPWATCH_FEED_SIZE": "-5"})
    with pytest.raises(ConfigError) as err:
        feed_defaults(cfg)
    assert "COOPWATCH_FEED_SIZE" in str(err.value) and "-5" in str(err.value)
    assert "LEVELS" not in str(err.value)
    cfg = load_config({"COOPWATCH_CONFIG": "", "COOPWATCH_FEED_LEVELS": ","})
    with pytest.raises(ConfigError, match="COOPWATCH_FEED_LEVELS needs at least one level") \
            as err:
        feed_defaults(cfg)
    assert "SIZE" not in str(err.value)
