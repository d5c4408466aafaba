"""The foundation's CLI end to end: migrate, seed, query, show — and bad input refused clearly."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from coopwatch.cli import app

runner = CliRunner()


def cw(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def seeded(cli_env: dict[str, str]) -> dict[str, str]:
    assert cw("db", "upgrade")[0] == 0
    code, _, err = cw("archive", "seed")
    assert code == 0, err
    return cli_env


def test_query_lists_the_seeded_archive(seeded: dict[str, str]) -> None:
    code, out, _ = cw("query", "--json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 5
    for row in rows:
        assert {"id", "source", "url", "title", "published", "place", "relevance", "score",
                "story", "first_seen"} <= row.keys()
    by_title = {r["title"]: r for r in rows}
    osce = by_title["OSCE and INTERPOL discuss ways to strengthen co-operation in countering "
                    "transnational threats"]
    assert (osce["source"], osce["published"], osce["place"]) == ("osce", "2019-12-05",
                                                                   "BRATISLAVA")
    old = by_title["OSCE Secretariat and INTERPOL launch joint action plan to combat "
                   "transnational crime"]
    assert (old["source"], old["published"], old["place"]) == ("interpol", "2017-05-17",
                                                                "ST JOHANN IM PONGAU, Austria")
    assert old["url"] == "https://www.interpol.int/en/News-and-media/News/2017/N2017-065"
    speech = by_title["OSCE – INTERPOL Co-operation and the Way Ahead"]
    assert (speech["source"], speech["published"]) == ("osce", "2017-05-16")
    assert all(r["relevance"] in ("primary", "secondary") for r in rows)


def test_bratislava_returns_both_versions_in_one_story(seeded: dict[str, str]) -> None:
    rows = json.loads(cw("query", "Bratislava", "--json")[1])
    assert sorted(r["source"] for r in rows) == ["interpol", "osce"]
    assert rows[0]["story"] == rows[1]["story"]


def test_joint_action_plan_finds_the_2017_news(seeded: dict[str, str]) -> None:
    rows = json.loads(cw("query", "joint action plan", "--json")[1])
    assert any(r["url"] and r["url"].endswith("N2017-065") for r in rows)


def test_second_seed_changes_nothing(seeded: dict[str, str]) -> None:
    code, out, _ = cw("archive", "seed", "--json")
    counts = json.loads(out)
    assert code == 0 and counts["new"] == 0 and counts["unchanged"] == 5


def test_show_prints_story_and_reasons(seeded: dict[str, str]) -> None:
    code, out, _ = cw("show", "2", "--json")
    data = json.loads(out)
    assert code == 0 and data["story_detail"]["items"][0]["id"] == 1
    assert data["reasons"] and data["provenance"]["title"] == "seed"
    code, out, _ = cw("show", "2")
    assert code == 0 and "story" in out and "BRATISLAVA" in out


def test_table_output(seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    code, out, _ = cw("query", "--source", "interpol")
    assert code == 0 and "INTERPOL and OSCE discuss" in out


@pytest.mark.parametrize("args, message", [
    (["query", '"joint action'], "unbalanced double quote"),
    (["query", "'; DROP TABLE item; --"], "query syntax"),
    (["query", "NEAR(osce interpol)"], "query syntax"),
    (["query", "--since", "2019-13-45"], "not a date"),
    (["query", "--until", "yesterday"], "not a date"),
    (["query", "--level", "urgent"], "unknown level"),
    (["query", "--source", "europol"], "use osce or interpol"),
    (["query", "--limit", "0"], "limit"),
    (["show", "999"], "no item 999"),
])
def test_bad_input_is_one_clear_line(seeded: dict[str, str], args: list[str],
                                     message: str) -> None:
    code, out, err = cw(*args)
    assert code != 0
    assert message in err
    assert "Traceback" not in err + out
    assert len(json.loads(cw("query", "--json")[1])) == 5  # nothing lost


def test_unmigrated_database_says_what_to_do(cli_env: dict[str, str]) -> None:
    code, _, err = cw("query")
    assert code == 1 and "coopwatch db upgrade" in err and "Traceback" not in err


def test_bad_config_file_is_one_clear_line(cli_env: dict[str, str], tmp_path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("check_every_min = [unclosed\n")
    monkeypatch.setenv("COOPWATCH_CONFIG", str(bad))
    code, _, err = cw("query")
    assert code == 1 and "not valid TOML" in err
    bad.write_text("chek_every_min = 5\n")
    code, _, err = cw("query")
    assert code == 1 and "unknown option(s) chek_every_min" in err


def test_the_console_script_runs(seeded: dict[str, str]) -> None:
    exe = os.path.join(os.path.dirname(sys.executable), "coopwatch")
    proc = subprocess.run([exe, "query", "Bratislava", "--json"], capture_output=True,
                          text=True, env={**os.environ, **seeded}, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)) == 2
