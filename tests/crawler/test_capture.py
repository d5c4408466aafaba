"""`coopwatch capture` against a replica on a free port: captured cases pass the fixture test
unchanged, bytes are kept as served, and each failing URL costs one line and the exit code."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from coopwatch import cli_replica
from coopwatch.capture import CaptureError, capture, case_name, origin_of
from crawler.pages.fixtures import (
    Case,
    compare,
    discover,
    expected_problems,
    extract,
    fixtures_root,
)
from replica.server import ReplicaHandle, serve_replica

UA = "coopwatch-test"


@pytest.fixture(scope="module")
def replica() -> Iterator[ReplicaHandle]:
    with serve_replica() as handle:
        yield handle


def app() -> typer.Typer:
    return cli_replica.app


def test_captured_case_passes_the_fixture_check(replica: ReplicaHandle, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    case_dir = capture("osce", replica.url("/bishkek/74659"), out_dir=tmp_path, kind="article",
                       user_agent=UA)
    assert case_dir == tmp_path / "osce" / "article_bishkek-74659"
    meta = json.loads((case_dir / "meta.json").read_text())
    assert meta["origin"] == "replica" and meta["kind"] == "article" and meta["status"] == 200
    assert meta["headers"]["content-type"] == "text/html; charset=utf-8"
    text = (case_dir / "expected.json").read_text()
    assert expected_problems(text) == []
    expected = json.loads(text)
    assert expected["page_object"] == "Osce2023Layout"
    assert expected["published_at"] == {"layer": "selector", "value": "2010-12-20T00:00:00+00:00"}
    assert expected["place"] == {"layer": "dateline", "value": "BISHKEK"}
    # the same discovery the fixture test uses, pointed at the temporary folder
    monkeypatch.setenv("COOPWATCH_FIXTURES_DIR", str(tmp_path))
    assert discover(fixtures_root()) == [case_dir]
    assert compare(extract(Case.load(case_dir)), expected) == []


def test_latin1_bytes_are_kept_and_decoded_from_the_headers(replica: ReplicaHandle,
                                                            tmp_path: Path) -> None:
    case_dir = capture("osce", replica.url("/latin1"), out_dir=tmp_path, kind="article",
                       user_agent=UA, name="article_latin1")
    assert b"Z\xfcrich" in (case_dir / "input.html").read_bytes()
    case = Case.load(case_dir)
    assert "Zürich" in case.text() and "Genève" in case.text()
    assert json.loads((case_dir / "expected.json").read_text())["place"]["value"] == "ZÜRICH"


def test_listing_and_feed_cases(replica: ReplicaHandle, tmp_path: Path) -> None:
    listing = capture("interpol", replica.url("/en/News-and-Events/News"), out_dir=tmp_path,
                      kind="listing", user_agent=UA)
    feed = capture("interpol", replica.url("/en/News-and-Events/News/rss"), out_dir=tmp_path,
                   kind="feed", user_agent=UA)
    assert json.loads((listing / "expected.json").read_text())["next_url"]["value"] == \
        replica.url("/en/News-and-Events/News?page=2")
    assert len(json.loads((feed / "expected.json").read_text())["entries"]) == 20


@pytest.mark.parametrize(("path", "why"), [
    ("/status/404", "HTTP 404"), ("/status/500", "HTTP 500"), ("/huge", "larger than the 2 MB"),
])
def test_fetch_errors_are_one_clear_line(replica: ReplicaHandle, tmp_path: Path, path: str,
                                         why: str) -> None:
    with pytest.raises(CaptureError, match=why) as err:
        capture("osce", replica.url(path), out_dir=tmp_path, kind="article", user_agent=UA)
    assert "\n" not in str(err.value)
    assert not list(tmp_path.iterdir()), "a failed capture must leave nothing behind"


def test_a_reviewed_case_is_not_overwritten(replica: ReplicaHandle, tmp_path: Path) -> None:
    url = replica.url("/secretariat/441263")
    case_dir = capture("osce", url, out_dir=tmp_path, kind="article", user_agent=UA)
    (case_dir / "expected.json").write_text('{"reviewed": true}\n')
    with pytest.raises(CaptureError, match="pass --force"):
        capture("osce", url, out_dir=tmp_path, kind="article", user_agent=UA)
    assert json.loads((case_dir / "expected.json").read_text()) == {"reviewed": True}
    capture("osce", url, out_dir=tmp_path, kind="article", user_agent=UA, force=True)
    assert json.loads((case_dir / "expected.json").read_text())["page_object"] == \
        "Osce2025Layout"


def test_cli_captures_the_good_urls_and_fails_on_the_bad(replica: ReplicaHandle, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOPWATCH_CONFIG", "")
    monkeypatch.setenv("COOPWATCH_USER_AGENT", "coopwatch-cli-test (+https://example.org)")
    result = CliRunner().invoke(app(), [
        "capture", "interpol", replica.url("/status/503"),
        replica.url("/en/News-and-media/News/2017/N2017-065"), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "error: " in result.output and "HTTP 503" in result.output
    assert "captured" in result.output
    case = tmp_path / "interpol" / "article_en-news-and-media-news-2017-n2017-065"
    assert json.loads((case / "expected.json").read_text())["page_object"] == \
        "InterpolLegacyLayout"
    assert "coopwatch-cli-test (+https://example.org)" in replica.stats()["user_agents"]


def test_cli_refuses_unknown_kind_and_source(tmp_path: Path) -> None:
    bad_kind = CliRunner().invoke(app(), ["capture", "osce", "http://127.0.0.1:9/x",
                                          "--kind", "page", "--out", str(tmp_path)])
    assert bad_kind.exit_code == 2 and "article, listing, feed" in bad_kind.output
    bad_source = CliRunner().invoke(app(), ["capture", "nato", "http://127.0.0.1:9/x",
                                            "--out", str(tmp_path)])
    assert bad_source.exit_code == 1 and "no page objects for source 'nato'" in bad_source.output


def test_origin_and_case_names() -> None:
    assert origin_of("http://127.0.0.1:8090/x") == "replica"
    assert origin_of("http://localhost/x") == "replica"
    assert origin_of("https://www.osce.org/secretariat/441257") == "live"
    assert case_name("listing", "https://www.osce.org/press-releases?page=2") == \
        "listing_press-releases-page-2"
