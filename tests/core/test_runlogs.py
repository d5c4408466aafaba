"""core.runlogs: where a run's log lives, why it may be missing, and pruning by age."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core import runlogs
from core.config import Config, ConfigError, load_config


def cfg_for(tmp_path: Path, days: str = "14") -> Config:
    return load_config({"COOPWATCH_DATA_DIR": str(tmp_path), "COOPWATCH_CONFIG": "",
                        "COOPWATCH_RUN_LOG_DAYS": days})


def aged(path: Path, days: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("log\n")
    then = time.time() - days * 86400
    os.utime(path, (then, then))
    return path


def test_prune_removes_only_logs_older_than_the_option(tmp_path: Path) -> None:
    cfg = cfg_for(tmp_path, "14")
    old = aged(runlogs.log_path(cfg, 1), 14.1)
    dead_child = aged(runlogs.runs_dir(cfg) / "pending-4242.log", 20)
    kept = aged(runlogs.log_path(cfg, 2), 13.9)
    other = aged(runlogs.runs_dir(cfg) / "notes.txt", 30)  # not a run log: left alone
    assert sorted(runlogs.prune(cfg)) == sorted([old, dead_child])
    assert kept.exists() and other.exists() and not old.exists()
    assert runlogs.prune(cfg) == []


def test_zero_days_keeps_every_log_and_a_bad_value_is_one_clear_error(tmp_path: Path) -> None:
    old = aged(runlogs.log_path(cfg_for(tmp_path), 1), 400)
    assert runlogs.prune(cfg_for(tmp_path, "0")) == [] and old.exists()
    assert runlogs.prune(cfg_for(tmp_path / "none")) == []  # no directory yet: nothing to do
    for bad in ("-1", "two weeks", "nan"):
        with pytest.raises(ConfigError, match="COOPWATCH_RUN_LOG_DAYS must be a number"):
            runlogs.prune(cfg_for(tmp_path, bad))


def test_find_log_says_pruned_or_never_here(tmp_path: Path) -> None:
    cfg = cfg_for(tmp_path, "14")
    now = datetime.now(UTC)
    path = aged(runlogs.log_path(cfg, 7), 0)
    assert runlogs.find_log(cfg, 7, now) == path
    with pytest.raises(runlogs.RunLogMissing, match="the log of run 8 was pruned: run logs "
                                                    "are kept COOPWATCH_RUN_LOG_DAYS=14 days"):
        runlogs.find_log(cfg, 8, (now - timedelta(days=15)).replace(tzinfo=None))
    with pytest.raises(runlogs.RunLogMissing, match="run 9 has no log file"):
        runlogs.find_log(cfg, 9, now - timedelta(days=13))


def test_the_pending_log_takes_its_run_name(tmp_path: Path) -> None:
    cfg = cfg_for(tmp_path)
    pending = runlogs.pending_path(cfg)
    pending.parent.mkdir(parents=True)
    with pending.open("w") as log:  # the child keeps writing to the renamed file
        log.write("before\n")
        log.flush()
        assert runlogs.name_after_run(pending, 31) == runlogs.log_path(cfg, 31)
        log.write("after\n")
    assert runlogs.log_path(cfg, 31).read_text() == "before\nafter\n"
    assert not pending.exists()
