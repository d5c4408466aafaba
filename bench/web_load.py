"""The web server under concurrent load: requests/s and p99 latency at 100 concurrent clients
for `/api/items` (the newest 20 with a total) and `/` (the search page), then the issue-13 mix
— GETs spread over every kind of route (pages, API, feeds, item and story pages, /metrics) —
with its errors and the /healthz latency right after it.

`coopwatch serve` runs as its own process on the archive (benchdata.archive's generated one,
shared with bench/search.py and bench/feed.py); a bounded Python client (httpx, asyncio) sends
a fixed number of requests per route with CLIENTS connections at once and times each one.
Baseline: `/healthz` on the same server in the same run — the whole stack (uvicorn, the
middleware, the admission queue, a session and one indexed query) without the route's own
work. An error is a 5xx or a client timeout (CLIENT_TIMEOUT_S). The server lets in as many
requests as its pool has connections and queues the rest (web.admission), so p99 at 100
clients is mostly time spent in that queue. No target: the issue asks for no errors, no wedge.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import benchdata
import benchlib
from benchlib import bench_env, free_port, parser, percentile, process, wait_http

CLIENTS = 100
CLIENT_TIMEOUT_S = 30.0
# Idle connections are dropped well before uvicorn's 5 s keep-alive timeout: at equal timeouts a
# request can be sent on a connection the server is closing (a ReadError that is no server fault).
KEEPALIVE_S = 2.0


async def hammer(base: str, paths: list[str], total: int, clients: int) -> dict[str, Any]:
    """`total` GETs over `paths` in turn, `clients` at once: rate, latencies, outcomes."""
    import httpx

    outcomes: Counter[str] = Counter()
    latencies: list[float] = []
    sent = 0
    async with httpx.AsyncClient(base_url=base, timeout=CLIENT_TIMEOUT_S,
                                 limits=httpx.Limits(max_connections=clients,
                                                     keepalive_expiry=KEEPALIVE_S)) as client:
        async def one_client() -> None:
            nonlocal sent
            while sent < total:
                path = paths[sent % len(paths)]
                sent += 1
                started = time.perf_counter()
                try:
                    outcomes[str((await client.get(path)).status_code)] += 1
                except httpx.HTTPError as err:
                    outcomes[type(err).__name__] += 1
                latencies.append(time.perf_counter() - started)
        await client.get(paths[0])  # the connection pool and the route warmed up
        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        took = time.perf_counter() - started
    errors = sum(n for k, n in outcomes.items() if not k.isdigit() or int(k) >= 500)
    return {"requests": total, "duration_s": round(took, 2), "rps": total / took,
            "p50_ms": percentile(latencies, 50) * 1000, "p99_ms": percentile(latencies, 99) * 1000,
            "errors": errors, "outcomes": dict(outcomes)}


def mixed_paths(n_items: int) -> list[str]:
    """The issue's reproduction: every kind of GET route, items and stories across the archive
    (benchdata.archive: item i's story is i, except for every 40th item)."""
    paths = ["/", "/?q=border", "/api/items", "/api/items?q=border+management", "/sources",
             "/api/sources", "/feeds/all.atom", "/feeds/osce.rss", "/feeds/search.atom?q=police",
             "/metrics", "/api/runs", "/healthz"]
    for n in range(12):
        item = 1 + (n * 7919) % n_items
        item -= item % 40 == 0  # its story is its neighbour's: the story page would be a 404
        paths += [f"/items/{item}", f"/api/items/{item}", f"/stories/{item}",
                  f"/api/stories/{item}"]
    return paths


def run_load(archive_url: str, n_items: int, work: Path, per_route: int,
             mixed: int) -> dict[str, Any]:
    import httpx

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out: dict[str, Any] = {}
    with process([benchlib.COOPWATCH, "serve", "--port", str(port)],
                 bench_env(work, archive_url, COOPWATCH_LOG_LEVEL="WARNING"),
                 work / "serve.log"):
        wait_http(f"{base}/healthz", 60)
        for name, path in (("healthz", "/healthz"), ("api_items", "/api/items"), ("page", "/")):
            out[name] = asyncio.run(hammer(base, [path], per_route, CLIENTS))
            print(f"{path}: {out[name]['rps']:.0f} req/s, p99 {out[name]['p99_ms']:.0f} ms, "
                  f"errors {out[name]['errors']}", flush=True)
        out["mixed"] = asyncio.run(hammer(base, mixed_paths(n_items), mixed, CLIENTS))
        started = time.perf_counter()
        status = httpx.get(f"{base}/healthz", timeout=CLIENT_TIMEOUT_S).status_code
        out["healthz_after_ms"] = (time.perf_counter() - started) * 1000
        out["healthz_after"] = status
    # What the server said besides its access log: the cause of any error counted above.
    out["server_log"] = [line for line in (work / "serve.log").read_text(errors="replace")
                         .splitlines() if not line.startswith("INFO:")][-50:]
    return out


def main() -> int:
    p = parser(__doc__)
    p.add_argument("--items", type=int, default=10_000, help="archive size")
    p.add_argument("--requests", type=int, default=3000, help="requests per route")
    p.add_argument("--mixed", type=int, default=3000, help="requests over the mixed routes")
    args = p.parse_args()
    items = 2000 if args.quick else args.items
    per_route, mixed = (300, 300) if args.quick else (args.requests, args.mixed)
    report = benchlib.Report("web_load", args)
    url, _ = benchdata.archive(items, Path(args.results_dir) / "data")
    with tempfile.TemporaryDirectory(prefix="coopwatch-bench-web-") as tmp:
        runs = run_load(url, items, Path(tmp), per_route, mixed)
    report.details = {"items": items, "clients": CLIENTS, "per_route": per_route,
                      "client": "python-httpx", **runs}
    base = runs["healthz"]
    for key, label in (("api_items", "/api/items"), ("page", "/ (search page)")):
        run = runs[key]
        note = f"{run['requests']} requests, {run['errors']} errors, {CLIENTS} clients"
        report.add(f"{label} at {CLIENTS} clients, {items:,} items", run["rps"], "req/s",
                   baseline=base["rps"], baseline_name="/healthz, same server", note=note)
        report.add(f"{label} p99 at {CLIENTS} clients", run["p99_ms"], "ms",
                   baseline=base["p99_ms"], baseline_name="/healthz, same server", note=note)
    mix = runs["mixed"]
    report.add(f"errors (5xx, timeouts) in {mix['requests']} mixed GETs at {CLIENTS} clients",
               mix["errors"], "errors", baseline=base["errors"],
               baseline_name="/healthz, same server", target="0", met=mix["errors"] == 0,
               note=f"{mix['rps']:.0f} req/s, p99 {mix['p99_ms']:.0f} ms; {mix['outcomes']}")
    report.add("/healthz right after the mixed load", runs["healthz_after_ms"], "ms",
               baseline=base["p50_ms"], baseline_name="/healthz p50 under load",
               note=f"HTTP {runs['healthz_after']}")
    report.finish()
    return 0


if __name__ == "__main__":
    sys.exit(main())
