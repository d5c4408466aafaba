"""Each crawl run's full log (Scrapy's settings, middlewares, every request, the stats), one
file per run: `<data_dir>/logs/runs/<run_id>.log`.

The crawl child writes it from its first line as `pending-<pid>.log` (the run id is known only
once the child has locked the source and opened its run row) and renames it after its run
(crawler.extensions.RunRecorder); a child that opens no run (busy source, a crawl that could
not start) removes it — its summary says why. A dry run, which records no run, writes none.
The file stays on the host that ran the crawl. Read by `coopwatch runs show ID --log` and
/runs/{id}/log; files older than COOPWATCH_RUN_LOG_DAYS are pruned by the monitor, at start
and every PRUNE_EVERY_S.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import UTC, datetime
from pathlib import Path

from core.config import Config, ConfigError

logger = logging.getLogger(__name__)
PRUNE_EVERY_S = 3600


class RunLogMissing(Exception):
    """A run has no log file here; the message says why (pruned, never written here)."""


def runs_dir(cfg: Config) -> Path:
    return cfg.data_dir / "logs" / "runs"


def log_path(cfg: Config, run_id: int) -> Path:
    return runs_dir(cfg) / f"{run_id}.log"


def keep_days(cfg: Config) -> float:
    days = cfg.get_float("COOPWATCH_RUN_LOG_DAYS")
    if not days >= 0:  # NaN too
        raise ConfigError(f"COOPWATCH_RUN_LOG_DAYS must be a number of days, 0 or more "
                          f"(0: keep run logs forever), got {days!r}")
    return days


def name_after_run(pending: Path, run_id: int) -> Path:
    """Give the pending log its run's name. The child keeps writing to the same open file."""
    final = pending.with_name(f"{run_id}.log")
    pending.replace(final)
    return final


def find_log(cfg: Config, run_id: int, started_at: datetime) -> Path:
    """The run's log file, or RunLogMissing saying why there is none."""
    path = log_path(cfg, run_id)
    if path.is_file():
        return path
    days = keep_days(cfg)
    age_days = (datetime.now(UTC) - started_at.replace(tzinfo=started_at.tzinfo or UTC)
                ).total_seconds() / 86400
    if days and age_days > days:
        raise RunLogMissing(f"the log of run {run_id} was pruned: run logs are kept "
                            f"COOPWATCH_RUN_LOG_DAYS={days:g} days")
    raise RunLogMissing(f"run {run_id} has no log file (it ran on another host "
                        "or before run logs were kept)")


def prune(cfg: Config, now: float | None = None) -> list[Path]:
    """Remove run logs last written more than COOPWATCH_RUN_LOG_DAYS ago (0: keep all);
    returns what was removed. A pending log that old was left by a child that died."""
    days = keep_days(cfg)
    folder = runs_dir(cfg)
    if not days or not folder.is_dir():
        return []
    cutoff = (time.time() if now is None else now) - days * 86400
    removed = []
    for path in folder.glob("*.log"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:  # another monitor on this data directory pruned it first
            continue
    if removed:
        logger.info("Pruned %(count)s run log(s) older than %(days)g days from %(dir)s",
                    {"count": len(removed), "days": days, "dir": str(folder)})
    return removed


def pending_path(cfg: Config) -> Path:
    """Where this crawl child writes its log until its run is open."""
    return runs_dir(cfg) / f"pending-{os.getpid()}.log"
