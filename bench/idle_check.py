"""Idle check: what one scheduled check of each source costs when nothing changed.

Against the replica (its standard catalogue), each source is first crawled once (the silent
priming backfill); then scheduler.jobs.check_source(SOURCE) — the daemon's job: a crawl child
with trigger "schedule", health evaluation, alert delivery — runs again with nothing new.
Requests are counted by the replica (by target and status) and bytes on the wire by a relay in
front of it. Baseline: a plain poller fetching the same pages without validators (the whole
page every time) of robots.txt and the discovery pages (OSCE: keyword listing and newsroom;
INTERPOL: RSS feed). Also measured: the OSCE check that walks the newsroom listing too, which a
scheduled check does every COOPWATCH_FULL_LISTING_EVERY_H (6) hours.
Target: 1 conditional request per source, answered 304.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import benchlib
from benchlib import bench_env, parser, stderr_to
from benchreplica import CountingProxy, serve_replica

SOURCES = ("osce", "interpol")
TARGET_REQUESTS = 1
# What a poller without coopwatch's cache would fetch on every check: robots.txt and each
# discovery page (OSCE: the keyword listing and the newsroom; INTERPOL: the RSS feed).
DISCOVERY = {"osce": ("/robots.txt", "/press-releases/interpol?page=0", "/press-releases?page=0"),
             "interpol": ("/robots.txt", "/en/News-and-Events/News/rss")}


def plain_fetch(base_url: str, targets: list[str]) -> int:
    """Bytes a poller without validators receives for the same targets (status line, headers,
    body), through the same relay."""
    total = 0
    for target in targets:
        with urllib.request.urlopen(base_url + target, timeout=30) as response:
            body = response.read()
            head = sum(len(k) + len(v) + 4 for k, v in response.getheaders()) + 17
            total += len(body) + head
    return total


def main() -> int:
    p = parser(__doc__)
    p.add_argument("--checks", type=int, default=3, help="idle checks per source (median)")
    args = p.parse_args()
    checks = 1 if args.quick else args.checks
    report = benchlib.Report("idle_check", args)
    from replica.state import ReplicaState

    details: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="coopwatch-bench-idle-") as tmp, \
            serve_replica(ReplicaState()) as handle:
        proxy = CountingProxy(int(handle.base_url.rsplit(":", 1)[1]))
        data = Path(tmp)
        env = bench_env(data, COOPWATCH_BASE_URL=proxy.base_url, COOPWATCH_DOWNLOAD_DELAY_S="0",
                        COOPWATCH_CHECK_SOURCES=" ".join(SOURCES))
        os.environ.update(env)  # check_source reads the configuration from the environment
        from scheduler.jobs import check_source
        from storage import migrate

        def measured_check(source: str) -> dict[str, Any]:
            before = handle.stats()["statuses"]
            sent0, received0, _ = proxy.counts()
            started = time.perf_counter()
            with stderr_to(data / "crawl.log"):
                summary = check_source(source)
            took = time.perf_counter() - started
            sent1, received1, _ = proxy.counts()
            targets: dict[str, dict[str, int]] = {}
            for target, statuses in handle.stats()["statuses"].items():
                new = {s: n - before.get(target, {}).get(s, 0) for s, n in statuses.items()}
                if any(new.values()):
                    targets[target] = {s: n for s, n in new.items() if n}
            return {"wall_s": took, "status": summary.get("status"), "new": summary.get("new"),
                    "targets": targets,
                    "requests": sum(sum(st.values()) for st in targets.values()),
                    "not_modified": sum(st.get("304", 0) for st in targets.values()),
                    "bytes_sent": sent1 - sent0, "bytes_received": received1 - received0}

        migrate.upgrade(env["COOPWATCH_DATABASE_URL"])
        for source in SOURCES:
            primed = measured_check(source)
            if primed["status"] != "ok":
                raise RuntimeError(f"priming {source} failed: {primed}")
            runs = [measured_check(source) for _ in range(checks)]
            last = runs[-1]
            pages = DISCOVERY[source]
            base_bytes = plain_fetch(proxy.base_url, list(pages))
            idle_bytes = last["bytes_sent"] + last["bytes_received"]
            all_304 = last["not_modified"] == last["requests"]
            report.add(f"{source}: requests per idle check", last["requests"], "requests",
                       baseline=len(pages), baseline_name="plain poller of its discovery pages",
                       target=f"{TARGET_REQUESTS} conditional, 304",
                       met=last["requests"] <= TARGET_REQUESTS and all_304,
                       note=f"{last['not_modified']} of {last['requests']} answered 304: "
                            + ", ".join(sorted(last["targets"])))
            report.add(f"{source}: bytes on the wire per idle check", idle_bytes, "B",
                       baseline=base_bytes, baseline_name="plain poller of its discovery pages")
            report.add(f"{source}: idle check time (crawl child + health + alerts)",
                       benchlib.median([r["wall_s"] for r in runs]), "s")
            details[source] = {"priming": {k: primed[k] for k in ("status", "new", "requests")},
                               "idle_checks": runs, "plain_poller_pages": list(pages),
                               "plain_poller_bytes": base_bytes}
        # Every COOPWATCH_FULL_LISTING_EVERY_H a scheduled OSCE check also walks the newsroom.
        os.environ["COOPWATCH_FULL_LISTING_EVERY_H"] = "0"
        walk = measured_check("osce")
        del os.environ["COOPWATCH_FULL_LISTING_EVERY_H"]
        report.add("osce: requests of the 6-hourly check that also walks the newsroom",
                   walk["requests"], "requests", baseline=len(DISCOVERY["osce"]),
                   baseline_name="plain poller of its discovery pages",
                   note=f"{walk['not_modified']} answered 304")
        details["osce_full_walk"] = walk
        proxy.close()
    report.details = details
    report.finish()
    return 0


if __name__ == "__main__":
    sys.exit(main())
