"""Run one crawl in a child process (`python -m crawler.run`) and return its summary.

The child is killed (its whole process group) after timeout_s and its run recorded as `killed`;
its lock is then free, because a lock whose holder died is taken over.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import date
from typing import IO, Any

from sqlalchemy import select

from coopwatch.config import load_config
from storage.db import session_scope
from storage.models import CrawlRun
from storage.runs import mark_run

logger = logging.getLogger(__name__)


def child_command(source: str, *, base_url: str | None = None, since: date | None = None,
                  max_pages: int | None = None, dry_run: bool = False,
                  trigger: str = "cli") -> list[str]:
    cmd = [sys.executable, "-m", "crawler.run", source, "--trigger", trigger]
    if base_url:
        cmd += ["--base-url", base_url]
    if since:
        cmd += ["--since", since.isoformat()]
    if max_pages:
        cmd += ["--max-pages", str(max_pages)]
    if dry_run:
        cmd.append("--dry-run")
    return cmd


def crawl_in_child(source: str, *, base_url: str | None = None, since: date | None = None,
                   max_pages: int | None = None, dry_run: bool = False, trigger: str = "cli",
                   timeout_s: float = 900, env: dict[str, str] | None = None,
                   stderr: int | None = None,
                   on_log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Crawl SOURCE in a child process. The child's stderr (its log) goes to ours by default,
    to `stderr` if given, or line by line to `on_log` (a progress display)."""
    cmd = child_command(source, base_url=base_url, since=since, max_pages=max_pages,
                        dry_run=dry_run, trigger=trigger)
    child_env = {**os.environ, **(env or {})}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE if on_log else stderr, env=child_env,
                            start_new_session=True, text=True, errors="replace")
    out: list[str] = []
    stdout = proc.stdout
    assert stdout is not None
    pumps = [threading.Thread(target=lambda: out.append(stdout.read()), daemon=True)]
    if on_log is not None:
        pumps.append(threading.Thread(target=_pump, args=(proc.stderr, on_log), daemon=True))
    for pump in pumps:
        pump.start()
    try:
        proc.wait(timeout=timeout_s)
        for pump in pumps:
            pump.join()
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        reason = f"killed after the {timeout_s:.0f} s crawl timeout"
        run_id = _close_runs_of(proc.pid, "killed", reason, child_env)
        logger.error("Crawl of %(source)s %(reason)s", {"source": source, "reason": reason})
        return {"status": "killed", "source": source, "run_id": run_id, "reason": reason}
    return parse_summary("".join(out), source, proc.returncode)


def _pump(stream: IO[str], on_log: Callable[[str], None]) -> None:
    for line in stream:
        on_log(line.rstrip("\n"))


def parse_summary(out: str, source: str, returncode: int) -> dict[str, Any]:
    """The last JSON line the child printed; its absence is itself a failure to report."""
    for line in reversed(out.strip().splitlines()):
        try:
            summary = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(summary, dict) and "status" in summary:
            return summary
    return {"status": "failed", "source": source, "run_id": None,
            "reason": f"the crawl process exited {returncode} without a summary"}


def _close_runs_of(pid: int, status: str, reason: str, env: dict[str, str]) -> int | None:
    """Record the runs a dead child left open; returns the run's id."""
    url = load_config(env).database_url
    with session_scope(url) as session:
        ids = session.scalars(select(CrawlRun.id).where(
            CrawlRun.pid == pid, CrawlRun.finished_at.is_(None))).all()
        for run_id in ids:
            mark_run(session, run_id, status, reason)
    return ids[-1] if ids else None
