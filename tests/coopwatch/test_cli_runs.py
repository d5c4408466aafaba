"""Run logs from the CLI, for real against the replica: `coopwatch crawl` without a terminal
prints its log and summary as before and keeps the log in the run's file; the live table still
reads the child's log; `coopwatch runs show ID --log` prints the file or says in one line why
there is none."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from rich.console import Console

from coopwatch.progress import CrawlProgress
from core.config import load_config
from replica.server import ReplicaHandle, serve_replica
from scheduler.path import crawl_source
from storage import migrate
from storage.db import session_scope
from storage.models import CrawlRun

pytestmark = pytest.mark.slow
COOPWATCH = str(Path(sys.executable).parent / "coopwatch")


@pytest.fixture
def replica() -> Iterator[ReplicaHandle]:
    with serve_replica() as handle:
        yield handle


@pytest.fixture
def env(tmp_path: Path, replica: ReplicaHandle) -> dict[str, str]:
    data = tmp_path / "data"
    url = f"sqlite:///{data / 'coopwatch.db'}"
    migrate.upgrade(url)
    return {"PATH": str(Path(sys.executable).parent), "COOPWATCH_DATA_DIR": str(data),
            "COOPWATCH_DATABASE_URL": url, "COOPWATCH_CONFIG": "",
            "COOPWATCH_DOWNLOAD_DELAY_S": "0", "COOPWATCH_MAX_PAGES": "1"}


def cw(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([COOPWATCH, *args], env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


def test_crawl_keeps_its_log_in_the_run_file_and_runs_show_prints_it(
        env: dict[str, str], replica: ReplicaHandle) -> None:
    crawled = cw(env, "crawl", "osce", "--base-url", replica.base_url)
    assert crawled.returncode == 0, crawled.stderr
    # without a terminal: the summary line on stdout and the crawl's log on stderr, as before
    assert crawled.stdout.startswith("osce: ok (run 1): new ")
    assert "Run 1 of osce started" in crawled.stderr
    log = Path(env["COOPWATCH_DATA_DIR"]) / "logs" / "runs" / "1.log"
    text = log.read_text()
    assert text.splitlines()[0] == crawled.stderr.splitlines()[0]  # from Scrapy's first line
    for line in ("Overridden settings", "Run 1 of osce started", "Dumping Scrapy stats",
                 "Run 1 of osce: ok"):
        assert line in text
    assert list(log.parent.iterdir()) == [log], "no pending log is left"

    shown = cw(env, "runs", "show", "1", "--log")
    assert shown.returncode == 0 and shown.stdout == text
    shown = cw(env, "runs", "show", "1")
    assert "status        ok" in shown.stdout and "trigger       cli" in shown.stdout
    listed = cw(env, "runs", "list", "--json")
    assert '"id": 1' in listed.stdout and '"status": "ok"' in listed.stdout

    dry = cw(env, "crawl", "osce", "--base-url", replica.base_url, "--dry-run")
    assert dry.returncode == 0 and list(log.parent.iterdir()) == [log], "a dry run keeps none"


def test_runs_show_log_says_in_one_line_why_there_is_none(
        env: dict[str, str], replica: ReplicaHandle) -> None:
    assert cw(env, "crawl", "osce", "--base-url", replica.base_url).returncode == 0
    Path(env["COOPWATCH_DATA_DIR"], "logs", "runs", "1.log").unlink()
    for args, message in (
            (("99",), "Error: no crawl run 99; `coopwatch runs list` shows the ids\n"),
            (("1",), "Error: run 1 has no log file (it ran on another host or before run "
                     "logs were kept)\n")):
        shown = cw(env, "runs", "show", *args, "--log")
        assert (shown.returncode, shown.stdout, shown.stderr) == (1, "", message)
    with session_scope(env["COOPWATCH_DATABASE_URL"]) as session:
        run = session.get_one(CrawlRun, 1)
        run.started_at -= timedelta(days=15)
    shown = cw(env, "runs", "show", "1", "--log")
    assert shown.stderr == ("Error: the log of run 1 was pruned: run logs are kept "
                            "COOPWATCH_RUN_LOG_DAYS=14 days\n")


def test_the_live_table_still_reads_the_childs_log(
        env: dict[str, str], replica: ReplicaHandle, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    progress = CrawlProgress(Console(file=io.StringIO(), force_terminal=True, width=100))
    with progress:
        progress.start("osce")
        summary = crawl_source(load_config(), "osce", trigger="cli",
                               base_url=replica.base_url, on_log=progress.on_log)
    counts = progress.counts["osce"]
    assert summary["new"] > 0 and counts["new"] == summary["new"]
    assert counts["listing pages"] >= 1 and counts["matched"] == summary["matched"]
