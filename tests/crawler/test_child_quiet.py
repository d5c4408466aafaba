"""A quiet crawl child (the monitor's, the web's): its log goes to the run's file only, and
whatever escapes its logging on stderr reaches the parent's log as records, one per line."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from crawler.child import crawl_in_child


def test_a_quiet_childs_stray_stderr_becomes_records_and_no_log_file_is_left(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    site = tmp_path / "site"
    site.mkdir()  # runs in the child before anything of ours: its output escapes logging
    (site / "sitecustomize.py").write_text(
        "import sys\nsys.stderr.write('stray line one\\nstray line two\\n')\n")
    data = tmp_path / "data"
    env = {"PYTHONPATH": str(site), "COOPWATCH_CONFIG": "", "COOPWATCH_DATA_DIR": str(data),
           # no tables: the crawl opens no run, so it keeps no log file
           "COOPWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    with caplog.at_level(logging.WARNING, logger="crawler.child"):
        summary = crawl_in_child("osce", base_url="http://127.0.0.1:9", quiet=True, env=env,
                                 timeout_s=120)
    assert summary["status"] == "failed" and "coopwatch db upgrade" in summary["reason"]
    assert [r.getMessage() for r in caplog.records] == [
        "Crawl child of osce: stray line one", "Crawl child of osce: stray line two"]
    assert list((data / "logs" / "runs").iterdir()) == []
