"""Daemon memory: RSS of `coopwatch run` over many scheduled check cycles against the replica.

`coopwatch run` runs as a real process (scheduler, alert dispatcher, feed server) checking both
sources of a replica (standard catalogue) as often as it can (COOPWATCH_CHECK_EVERY_MIN=0.005,
no jitter): after the priming backfill every check is an idle one. A cycle is one finished check
of each source. VmRSS of the daemon is read from /proc every 0.5 s, and the crawl children's
peak separately. 500 cycles take ~12 min here (each check is a child process that starts Scrapy),
so the default run stops after --cycles (100) and extrapolates the growth to 500 with a
least-squares slope over the cycles after warm-up; `--cycles 500` measures it all. Baseline: the
daemon's RSS once warm (after --warmup cycles). Target: growth ≤ 10 MB over 500 cycles.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import benchlib
from benchlib import bench_env, children_of, free_port, parser, process, rss_kb
from benchreplica import serve_replica

TARGET_GROWTH_MB = 10.0
SOURCES = ("osce", "interpol")


def finished_runs(url: str) -> int:
    from sqlalchemy import func, select

    from storage.db import session_scope
    from storage.models import CrawlRun

    with session_scope(url) as session:
        return session.scalar(select(func.count(CrawlRun.id)).where(
            CrawlRun.finished_at.is_not(None), CrawlRun.trigger == "schedule")) or 0


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y over x."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    var = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / var if var else 0.0


def main() -> int:
    p = parser(__doc__)
    p.add_argument("--cycles", type=int, default=100, help="check cycles to run")
    p.add_argument("--warmup", type=int, default=10, help="cycles before the baseline RSS")
    p.add_argument("--max-minutes", type=float, default=14, help="stop after this long anyway")
    args = p.parse_args()
    cycles, warmup = (4, 1) if args.quick else (args.cycles, args.warmup)
    report = benchlib.Report("daemon_memory", args)
    from replica.state import ReplicaState
    from storage import migrate

    samples: list[dict[str, Any]] = []
    child_peak_kb = 0
    with tempfile.TemporaryDirectory(prefix="coopwatch-bench-daemon-") as tmp, \
            serve_replica(ReplicaState()) as replica:
        data = Path(tmp) / "data"
        env = bench_env(data, COOPWATCH_PORT=str(free_port()),
                        COOPWATCH_CHECK_SOURCES=" ".join(SOURCES),
                        COOPWATCH_CHECK_EVERY_MIN="0.005", COOPWATCH_JITTER_S="0",
                        COOPWATCH_BASE_URL=replica.base_url, COOPWATCH_DOWNLOAD_DELAY_S="0",
                        COOPWATCH_CRAWL_TIMEOUT_S="120", COOPWATCH_SHUTDOWN_GRACE_S="5")
        url = env["COOPWATCH_DATABASE_URL"]
        migrate.upgrade(url)
        started = time.monotonic()
        deadline = started + args.max_minutes * 60
        with process([benchlib.COOPWATCH, "run"], env, Path(tmp) / "daemon.log") as daemon:
            done = 0
            while done < cycles and time.monotonic() < deadline and daemon.poll() is None:
                time.sleep(0.5)
                rss = rss_kb(daemon.pid)
                for child in children_of(daemon.pid):
                    child_peak_kb = max(child_peak_kb, rss_kb(child) or 0)
                done = finished_runs(url) // len(SOURCES)
                if rss is not None:
                    samples.append({"t_s": round(time.monotonic() - started, 2),
                                    "cycles": done, "rss_kb": rss})
            if daemon.poll() is not None:
                raise RuntimeError(f"the daemon exited {daemon.returncode}; see its log")
        elapsed = time.monotonic() - started
        replica_requests = sum(replica.stats()["requests"].values())
    warm = [s for s in samples if s["cycles"] >= warmup]
    if not warm:
        raise RuntimeError(f"fewer than {warmup} cycles ran in {elapsed:.0f} s")
    base_kb, end_kb = warm[0]["rss_kb"], samples[-1]["rss_kb"]
    per_cycle_kb = slope([(s["cycles"], s["rss_kb"]) for s in warm])
    done = samples[-1]["cycles"]
    growth_mb = (end_kb - base_kb) / 1024
    projected_mb = max(growth_mb, per_cycle_kb * (500 - warmup) / 1024)
    report.add(f"daemon RSS after {done} cycles", end_kb / 1024, "MB",
               baseline=base_kb / 1024, baseline_name=f"RSS after {warmup} cycles")
    report.add(f"RSS growth over {done - warmup} cycles (measured)", growth_mb, "MB")
    report.add("RSS growth over 500 cycles" + (" (extrapolated)" if done < 500 else ""),
               projected_mb, "MB", target=f"≤ {TARGET_GROWTH_MB:g} MB",
               met=projected_mb <= TARGET_GROWTH_MB,
               note=f"slope {per_cycle_kb:.1f} kB/cycle after warm-up")
    report.add("seconds per cycle (both sources)", elapsed / max(done, 1), "s")
    report.add("crawl child peak RSS", child_peak_kb / 1024, "MB")
    report.details = {"cycles": done, "elapsed_s": elapsed, "warmup_cycles": warmup,
                      "slope_kb_per_cycle": per_cycle_kb, "replica_requests": replica_requests,
                      "samples": samples[:: max(1, len(samples) // 400)]}
    report.finish()
    return 0


if __name__ == "__main__":
    sys.exit(main())
