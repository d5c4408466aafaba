"""The other ways in: `scrapy crawl`/`scrapy list` from the repo root and `coopwatch crawl`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from replica.server import ReplicaHandle
from storage.db import session_scope
from storage.models import CrawlRun, HealthAlarm, Item

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=180)


def test_scrapy_list_and_crawl_from_the_repo_root(replica: ReplicaHandle,
                                                  crawl_env: dict[str, str],
                                                  archive_url: str) -> None:
    listed = run([str(BIN / "scrapy"), "list"], crawl_env)
    assert listed.stdout.split() == ["interpol", "osce"], listed.stderr
    proc = run([str(BIN / "scrapy"), "crawl", "osce", "-a", f"base_url={replica.base_url}",
                "-a", "max_pages=1"], crawl_env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    with session_scope(archive_url) as s:
        assert s.scalar(select(func.count(Item.id))) > 0
        run_row = s.scalars(select(CrawlRun)).one()  # recorded like any other crawl
        assert run_row.status == "ok" and run_row.new > 0


def test_coopwatch_crawl_all_json(replica: ReplicaHandle, crawl_env: dict[str, str],
                                  archive_url: str) -> None:
    proc = run([str(BIN / "coopwatch"), "crawl", "all", "--base-url", replica.base_url,
                "--max-pages", "1", "--json", "--quiet"], crawl_env)
    assert proc.returncode == 0, proc.stderr
    summaries = json.loads(proc.stdout)
    assert [s["source"] for s in summaries] == ["osce", "interpol"]
    assert all(s["status"] == "ok" and s["new"] > 0 for s in summaries)


def test_coopwatch_crawl_dry_run_lists_what_it_would_store(replica: ReplicaHandle,
                                                           crawl_env: dict[str, str],
                                                           archive_url: str) -> None:
    proc = run([str(BIN / "coopwatch"), "crawl", "interpol", "--base-url", replica.base_url,
                "--dry-run", "--quiet"], crawl_env)
    assert proc.returncode == 0, proc.stderr
    assert "(dry run)" in proc.stdout and "would store [" in proc.stdout
    with session_scope(archive_url) as s:
        assert s.scalar(select(func.count(Item.id))) == 0


def test_coopwatch_crawl_bad_arguments(crawl_env: dict[str, str]) -> None:
    for args, message in ((["europol"], "use osce, interpol or all"),
                          (["osce", "--since", "last week"], "not a date"),
                          (["osce", "--max-pages", "0"], "must be 1 or more")):
        proc = run([str(BIN / "coopwatch"), "crawl", *args], crawl_env)
        assert proc.returncode == 2 and message in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr


def test_a_failed_crawl_exits_non_zero_with_its_reason(replica: ReplicaHandle,
                                                       crawl_env: dict[str, str],
                                                       archive_url: str) -> None:
    replica.set_fault("osce", "403")
    proc = run([str(BIN / "coopwatch"), "crawl", "osce", "--base-url", replica.base_url,
                "--quiet"], crawl_env)
    assert proc.returncode == 1
    assert "osce: blocked" in proc.stdout and "403" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    with session_scope(archive_url) as s:  # judged like a scheduled check: one open alarm
        alarm = s.scalars(select(HealthAlarm).where(HealthAlarm.source == "osce")).one()
        assert alarm.kind == "blocked" and alarm.resolved_at is None
