"""Feeds: render time of the combined feed (the 50 newest stories in it) at 100k and 1M items,
and requests/s for 200 and 304 answers under a load generator on loopback, with errors.

Render: feeds.build.build_feed(session, all, "atom") in-process — the queries that choose the
entries and feedgen's rendering, never cached; also the validators alone (the work a 304
costs). Baseline: the 50 newest items by id (primary key) through the same entry and render
functions — what a feed costs when choosing its entries is free. Load: `coopwatch serve`
against the archive, `wrk` (Debian's; or a bounded Python client when wrk is missing) for a
fixed time, without and with If-None-Match; after the first request the server answers 200s
from its memory of rendered feeds (feeds.build.RenderedFeeds), so both loads measure the
validator read and the HTTP stack. Baseline: the same uvicorn stack answering the same bytes
from memory (bench/static_feed_server.py), with no framework and no database. The archive is
benchdata.archive's (shared with bench/search.py).
Targets: render ≤ 30 ms; 304 path ≥ 2,000 requests/s.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import benchdata
import benchlib
from benchlib import ROOT, bench_env, free_port, parser, process, wait_http

TARGET_RENDER_MS = 30.0
TARGET_304_RPS = 2000.0


def render_times(url: str, repeat: int) -> dict[str, Any]:
    from sqlalchemy import select
    from sqlalchemy.orm import defer

    from core.config import load_config
    from feeds.build import build_feed, feed_validators
    from feeds.entries import item_entry
    from feeds.queries import source_titles
    from feeds.render import render
    from feeds.spec import standard_feeds
    from storage.db import session_factory
    from storage.models import Item

    spec = standard_feeds(load_config({"COOPWATCH_CONFIG": ""}))["all"]
    base = "http://127.0.0.1:8080"
    build_ms, valid_ms, naive_ms = [], [], []
    size = 0
    with session_factory(url)() as session:
        names = source_titles(session)
        for _ in range(repeat):
            started = time.perf_counter()
            feed_validators(session, spec, "atom", base)
            valid_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            size = len(build_feed(session, spec, "atom", base))
            build_ms.append((time.perf_counter() - started) * 1000)
            session.expunge_all()
            started = time.perf_counter()
            items = session.scalars(select(Item).options(defer(Item.body))
                                    .order_by(Item.id.desc()).limit(spec.size)).all()
            render(spec, [item_entry(i, base, names) for i in items], "atom", base, None, names)
            naive_ms.append((time.perf_counter() - started) * 1000)
            session.expunge_all()
    return {"build_ms": build_ms, "validators_ms": valid_ms, "newest_by_id_ms": naive_ms,
            "feed_bytes": size}


def parse_wrk(out: str, duration_s: float) -> dict[str, Any]:
    def number(pattern: str) -> float:
        m = re.search(pattern, out)
        return float(m.group(1)) if m else 0.0

    socket_errors = sum(int(n) for n in re.findall(
        r"(?:connect|read|write|timeout) (\d+)", out.split("Socket errors:")[-1].split("\n")[0]
    )) if "Socket errors:" in out else 0
    return {"tool": "wrk", "requests": int(number(r"(\d+) requests in")),
            "duration_s": duration_s, "rps": number(r"Requests/sec:\s+([\d.]+)"),
            "errors": socket_errors + int(number(r"Non-2xx or 3xx responses: (\d+)")),
            "latency_p50": re.search(r"50%\s+(\S+)", out).group(1)  # type: ignore[union-attr]
            if "50%" in out else None, "raw": out}


async def python_load(url: str, headers: dict[str, str], duration_s: float, connections: int,
                      max_requests: int) -> dict[str, Any]:
    """A bounded client: at most `max_requests`, at most `duration_s`, `connections` at once."""
    import httpx

    statuses: dict[int, int] = {}
    errors = 0
    sent = 0
    deadline = time.monotonic() + duration_s
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=connections),
                                 timeout=10) as client:
        async def worker() -> None:
            nonlocal errors, sent
            while time.monotonic() < deadline and sent < max_requests:
                sent += 1
                try:
                    r = await client.get(url, headers=headers)
                    statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                except httpx.HTTPError:
                    errors += 1
        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(connections)))
        took = time.monotonic() - started
    done = sum(statuses.values())
    bad = sum(n for s, n in statuses.items() if s >= 400)
    return {"tool": "python-httpx", "requests": done, "duration_s": took, "rps": done / took,
            "errors": errors + bad, "statuses": statuses}


def load(url: str, etag: str | None, duration_s: float, connections: int) -> dict[str, Any]:
    headers = {"If-None-Match": etag} if etag else {}
    if shutil.which("wrk"):
        cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration_s:g}s", "--timeout", "10s",
               "--latency", url]
        for name, value in headers.items():
            cmd[1:1] = ["-H", f"{name}: {value}"]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration_s + 60,
                             check=True).stdout
        return parse_wrk(out, duration_s)
    return asyncio.run(python_load(url, headers, duration_s, connections, 200_000))


def fetch(url: str, etag: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        if err.code == 304:
            return 304, dict(err.headers), b""
        raise


def load_tests(archive_url: str, work: Path, duration_s: float,
               connections: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    port = free_port()
    env = bench_env(work / "serve", archive_url)
    with process([str(benchlib.VENV_BIN / "coopwatch"), "serve", "--port", str(port)], env,
                 work / "serve.log"):
        wait_http(f"http://127.0.0.1:{port}/healthz", 60)
        url = f"http://127.0.0.1:{port}/feeds/all.atom"
        status, headers, body = fetch(url)
        etag = headers.get("etag") or headers.get("ETag")
        assert status == 200 and etag, (status, headers)
        check, _, _ = fetch(url, etag)
        out["check_304_status"] = check
        out["coopwatch_200"] = load(url, None, duration_s, connections)
        out["coopwatch_304"] = load(url, etag, duration_s, connections)
    feed_file = work / "all.atom"
    feed_file.write_bytes(body)
    port = free_port()
    with process([sys.executable, str(ROOT / "bench" / "static_feed_server.py"), str(feed_file),
                  etag, str(port)], env, work / "static.log"):
        url = f"http://127.0.0.1:{port}/feeds/all.atom"
        wait_http(url, 30)
        out["static_200"] = load(url, None, duration_s, connections)
        out["static_304"] = load(url, etag, duration_s, connections)
    return out


def main() -> int:
    p = parser(__doc__)
    p.add_argument("--sizes", default="100000,1000000", help="archive sizes for render time")
    p.add_argument("--repeat", type=int, default=5, help="timed renders per size")
    p.add_argument("--duration", type=float, default=10, help="seconds per load test")
    p.add_argument("--connections", type=int, default=16, help="concurrent connections")
    args = p.parse_args()
    sizes = [2000] if args.quick else [int(s) for s in args.sizes.split(",")]
    duration = 1.0 if args.quick else args.duration
    report = benchlib.Report("feed", args)
    cache = Path(args.results_dir) / "data"
    for size in sizes:
        url, build_s = benchdata.archive(size, cache)
        times = render_times(url, 2 if args.quick else args.repeat)
        report.details[f"render_{size}"] = times | {"archive_build_s": build_s}
        build, naive = benchlib.median(times["build_ms"]), benchlib.median(times["newest_by_id_ms"])
        big = size == max(sizes)
        report.add(f"render combined feed (50 newest) at {size:,} items", build, "ms",
                   baseline=naive, baseline_name="50 newest by id + render",
                   target=f"≤ {TARGET_RENDER_MS:g} ms" if big else "",
                   met=build <= TARGET_RENDER_MS if big else None)
        report.add(f"validators only (the 304 path) at {size:,} items",
                   benchlib.median(times["validators_ms"]), "ms")
        print(f"{size:,} items: build {build:.1f} ms, validators "
              f"{benchlib.median(times['validators_ms']):.1f} ms, baseline {naive:.1f} ms",
              flush=True)
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="coopwatch-bench-feed-") as tmp:
            url, _ = benchdata.archive(size, cache)
            runs = load_tests(url, Path(tmp), duration, args.connections)
        report.details[f"load_{size}"] = {
            k: ({kk: vv for kk, vv in v.items() if kk != "raw"} if isinstance(v, dict) else v)
            for k, v in runs.items()}
        report.details[f"load_raw_{size}"] = {k: v.get("raw") for k, v in runs.items()
                                              if isinstance(v, dict)}
        big = size == max(sizes)
        for kind in ("200", "304"):
            ours, static = runs[f"coopwatch_{kind}"], runs[f"static_{kind}"]
            target = big and kind == "304"
            done = (f"{ours['requests']} answered, {ours['errors']} errors" if ours["requests"]
                    else "no request was answered within the run (none failed)")
            report.add(f"/feeds/all.atom {kind} answers at {size:,} items", ours["rps"],
                       "req/s", baseline=static["rps"],
                       baseline_name="same server, bytes from memory",
                       target=f"≥ {TARGET_304_RPS:,.0f} req/s" if target else "",
                       met=ours["rps"] >= TARGET_304_RPS if target else None,
                       note=f"{done} ({ours['tool']}, {args.connections} connections, "
                            f"{ours['duration_s']:g} s)")
            report.add(f"errors during the {kind} load at {size:,} items", ours["errors"],
                       "errors", baseline=static["errors"],
                       baseline_name="same server, bytes from memory")
    report.finish()
    return 0


if __name__ == "__main__":
    sys.exit(main())
