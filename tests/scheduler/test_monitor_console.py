"""What `coopwatch run` prints, as a real process against the replica: one line per check —
the crawl's own Scrapy log (settings, middlewares, stats: ~145 lines) goes to the run's log
file, not the console — no line per HTTP request, and JSON lines for log shippers."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from test_monitor_e2e import (  # noqa: F401  (the e2e tests' monitor and replica fixtures)
    COOPWATCH,
    Monitor,
    monitor,
    replica,
    wait_until,
)

from storage.db import session_scope
from storage.models import CrawlRun

pytestmark = pytest.mark.slow
CHECK = re.compile(r"check osce schedule ok run=(\d+) requests=(\d+) not_modified=(\d+) "
                   r"new=0 updated=0 [\d.]+s$")


def lines(mon: Monitor) -> list[str]:
    return mon.log.read_text(errors="replace").splitlines()


def finished_after(mon: Monitor, run_id: int) -> list[int]:
    with session_scope(mon.db_url) as s:
        return list(s.scalars(select(CrawlRun.id).where(
            CrawlRun.id > run_id, CrawlRun.finished_at.is_not(None)).order_by(CrawlRun.id)))


def primed_run(mon: Monitor) -> int:
    """Start the monitor on the replica and return the id of its (silent) priming run, once
    the monitor has printed all it prints for it: the next check has begun."""
    mon.start()
    mon.wait_primed()
    with session_scope(mon.db_url) as s:
        first = s.scalar(select(func.min(CrawlRun.id)))
    assert first is not None

    def next_started() -> bool:
        with session_scope(mon.db_url) as s:
            return s.scalar(select(func.max(CrawlRun.id))) != first

    wait_until("the next check", next_started, 60)
    return int(first)


def test_an_idle_monitor_prints_at_most_two_lines_per_check(
        monitor: Monitor) -> None:  # noqa: F811
    # A check every 12 s: an idle check takes 1-6 s on a busy machine. One that outlasts the
    # interval adds APScheduler's "skipped: maximum number of running instances" line.
    monitor.env["COOPWATCH_CHECK_EVERY_MIN"] = "0.2"
    first = primed_run(monitor)
    start = len(lines(monitor))
    port = monitor.env["COOPWATCH_PORT"]
    for path in ("/healthz", "/feeds/all.atom", "/sources"):  # no access-log line each
        assert httpx.get(f"http://127.0.0.1:{port}{path}").status_code == 200
    wait_until("4 idle checks", lambda: len(finished_after(monitor, first)) >= 4, 120)
    window = lines(monitor)[start:]
    checks = len(finished_after(monitor, first))  # read after: every line has its check
    assert len(window) <= 2 * checks, (f"{len(window)} console lines for {checks} idle "
                                       "checks:\n" + "\n".join(window[:40]))

    last = finished_after(monitor, first)[-1]
    line = wait_until(f"the line of run {last}", lambda: next(
        (x for x in lines(monitor) if f"run={last} " in x), None), 60)
    match = CHECK.search(line)
    assert match, line
    assert int(match.group(3)) >= 1, "an idle check is answered 304"
    # the full log of every check is in its run's file, and the CLI prints it
    for run_id in finished_after(monitor, first - 1):
        log = (Path(monitor.env["COOPWATCH_DATA_DIR"]) / "logs" / "runs" / f"{run_id}.log")
        text = log.read_text()
        assert "Overridden settings" in text and "Dumping Scrapy stats" in text, run_id
        assert f"Run {run_id} of osce started" in text
    shown = subprocess.run([COOPWATCH, "runs", "show", str(last), "--log"], env=monitor.env,
                           capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert f"Run {last} of osce started" in shown.stdout
    assert shown.stdout == (Path(monitor.env["COOPWATCH_DATA_DIR"]) / "logs" / "runs" /
                            f"{last}.log").read_text()
    assert monitor.stop() == 0


def test_json_log_format_prints_one_object_per_line_and_prunes_old_run_logs(
        monitor: Monitor) -> None:  # noqa: F811
    runs_dir = Path(monitor.env["COOPWATCH_DATA_DIR"]) / "logs" / "runs"
    runs_dir.mkdir(parents=True)
    old, recent = runs_dir / "9001.log", runs_dir / "9002.log"
    for path, age_days in ((old, 15), (recent, 13)):
        path.write_text("a crawl log\n")
        then = time.time() - age_days * 86400
        os.utime(path, (then, then))
    monitor.env |= {"COOPWATCH_LOG_FORMAT": "json", "COOPWATCH_RUN_LOG_DAYS": "14"}
    first = primed_run(monitor)
    assert monitor.stop() == 0

    records = [json.loads(line) for line in lines(monitor)]  # every line is one object
    assert all({"ts", "level", "logger", "message"} <= r.keys() for r in records)
    [check] = [r for r in records if r.get("run_id") == first and "source" in r]
    assert {k: check[k] for k in ("source", "trigger", "status", "updated")} == {
        "source": "osce", "trigger": "schedule", "status": "ok", "updated": 0}
    assert check["new"] > 0 and check["requests"] > 0 and check["duration_s"] > 0
    assert check["message"].startswith(f"check osce schedule ok run={first} ")
    assert not old.exists() and recent.exists(), "pruned at start: only the older one"
    assert any(r.get("count") == 1 and "Pruned" in r["message"] for r in records)
