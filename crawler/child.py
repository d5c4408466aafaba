"""Run one crawl in a child process (`python -m crawler.run`) and return its summary.

The child is killed (its whole process group) after timeout_s and its run recorded as `killed`,
counting what it had stored; its lease on the source is freed then and there (we know it is
dead). The child gets our COOPWATCH_INSTANCE, so its lease and run name this monitor. The
child dies with us: it watches its stdin, which only we hold open (--exit-with-parent).
Ctrl-C asks it to stop gracefully (a second Ctrl-C, or STOP_GRACE_S, kills it) and raises
CrawlInterrupted with the run's summary.
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
from functools import partial
from typing import IO, Any

from sqlalchemy import select

from core.config import load_config
from crawler.run import STOP_LINE
from storage import locks
from storage.db import session_scope
from storage.models import CrawlRun
from storage.runs import mark_run

logger = logging.getLogger(__name__)

# How long a crawl asked to stop may take to finish its in-flight requests and store its batch.
STOP_GRACE_S = 30.0


class CrawlInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a crawl; `summary` is what its run recorded."""

    def __init__(self, summary: dict[str, Any]) -> None:
        super().__init__(summary.get("reason"))
        self.summary = summary


def child_command(source: str, *, base_url: str | None = None, since: date | None = None,
                  max_pages: int | None = None, dry_run: bool = False,
                  trigger: str = "cli", quiet: bool = False) -> list[str]:
    cmd = [sys.executable, "-m", "crawler.run", source, "--trigger", trigger,
           "--exit-with-parent"]
    if quiet:
        cmd.append("--quiet")
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
                   stderr: int | None = None, on_log: Callable[[str], None] | None = None,
                   quiet: bool = False) -> dict[str, Any]:
    """Crawl SOURCE in a child process. Its log always goes to the run's log file; also,
    unless `quiet`, its stderr goes to ours by default, to `stderr` if given, or line by line
    to `on_log` (a progress display)."""
    cmd = child_command(source, base_url=base_url, since=since, max_pages=max_pages,
                        dry_run=dry_run, trigger=trigger, quiet=quiet)
    if quiet and on_log is None and stderr is None:
        on_log = partial(_stray_line, source)
    child_env = {**os.environ, **(env or {})}
    child_env["COOPWATCH_INSTANCE"] = load_config(child_env).instance
    # Its own session, so the terminal's Ctrl-C reaches only us: we stop it gracefully.
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
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
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        reason = f"killed after the {timeout_s:.0f} s crawl timeout"
        logger.error("Crawl of %(source)s %(reason)s", {"source": source, "reason": reason})
        return _close_runs_of(proc.pid, source, "killed", reason, child_env)
    except KeyboardInterrupt:
        raise CrawlInterrupted(_stop(proc, pumps, out, source, child_env)) from None
    for pump in pumps:
        pump.join()
    return _summary_of(proc, "".join(out), source, child_env)


def _stop(proc: subprocess.Popen[str], pumps: list[threading.Thread], out: list[str],
          source: str, env: dict[str, str]) -> dict[str, Any]:
    """Ask the child to stop (it stores what it has and records its run), wait, summarise."""
    logger.warning("Stopping the crawl of %(source)s (Ctrl-C again to kill it at once)",
                   {"source": source})
    try:
        assert proc.stdin is not None
        proc.stdin.write(STOP_LINE + "\n")
        proc.stdin.flush()
    except OSError:  # it has just ended by itself
        pass
    try:
        proc.wait(timeout=STOP_GRACE_S)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    for pump in pumps:
        pump.join()
    return _summary_of(proc, "".join(out), source, env)


def _stray_line(source: str, line: str) -> None:
    """A quiet child writes to stderr only what escapes its logging (a crash before logging is
    set up, a C library's message): each such line becomes one record of ours, in our format."""
    logger.warning("Crawl child of %(source)s: %(line)s", {"source": source, "line": line})


def _pump(stream: IO[str], on_log: Callable[[str], None]) -> None:
    for line in stream:
        on_log(line.rstrip("\n"))


def _summary_of(proc: subprocess.Popen[str], out: str, source: str,
                env: dict[str, str]) -> dict[str, Any]:
    """The child's own summary, or — when it died without one — the run it left open, closed."""
    summary = parse_summary(out, source, proc.returncode)
    if summary.get("run_id") is None and proc.returncode < 0:
        reason = f"the crawl process was killed by signal {-proc.returncode} without a summary"
        return _close_runs_of(proc.pid, source, "killed", reason, env)
    return summary


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


def _close_runs_of(pid: int, source: str, status: str, reason: str,
                   env: dict[str, str]) -> dict[str, Any]:
    """Record the runs a dead child left open, with what they stored; the last one's summary."""
    cfg = load_config(env)
    summary: dict[str, Any] = {"status": status, "source": source, "run_id": None,
                               "reason": reason}
    with session_scope(cfg.database_url) as session:
        ids = session.scalars(select(CrawlRun.id).where(
            CrawlRun.pid == pid, CrawlRun.instance == cfg.instance,
            CrawlRun.finished_at.is_(None))).all()
        for run_id in ids:
            summary = mark_run(session, run_id, status, reason) or summary
        locks.release_killed(session, pid)
    return summary
