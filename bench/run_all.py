"""Run every benchmark, one after the other, each as its own process, and print one summary.

    python bench/run_all.py [--quick] [--only crawl,feed] [--results-dir DIR]

Each script prints its table and writes DIR/NAME.json; this writes DIR/summary.json with
every figure, the machine and how long the whole run took. A missed target is reported, not
an error: the exit status is non-zero only when a script itself failed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import benchlib
from benchlib import ROOT, Figure, parser, table

# search builds the 1M-item archive that feed then reuses; upsert builds the 10k and 100k ones.
BENCHES = ("crawl", "idle_check", "upsert", "search", "feed", "web_load", "daemon_memory",
           "alert_latency", "freshness", "extraction")


def main() -> int:
    p = parser(__doc__)
    p.add_argument("--only", default="", help="comma-separated subset of " + ", ".join(BENCHES))
    args = p.parse_args()
    names = [n for n in BENCHES if not args.only or n in args.only.split(",")]
    results = Path(args.results_dir)
    started = time.monotonic()
    durations: dict[str, float] = {}
    failed: list[str] = []
    for name in names:
        cmd = [sys.executable, str(ROOT / "bench" / f"{name}.py"), "--results-dir",
               str(results), *(["--quick"] if args.quick else [])]
        print(f"\n=== {name}: {' '.join(cmd[1:])}", flush=True)
        t0 = time.monotonic()
        code = subprocess.run(cmd, cwd=ROOT, check=False).returncode
        durations[name] = time.monotonic() - t0
        if code:
            failed.append(name)
            print(f"=== {name} FAILED (exit {code})", flush=True)
    total = time.monotonic() - started
    figures: list[Figure] = []
    summary: dict[str, object] = {"machine": benchlib.machine(), "quick": args.quick,
                                  "total_s": round(total, 1), "failed": failed,
                                  "durations_s": {k: round(v, 1) for k, v in durations.items()},
                                  "command": "python bench/run_all.py" +
                                  (" --quick" if args.quick else ""), "figures": {}}
    for name in names:
        path = results / f"{name}.json"
        if name in failed or not path.exists():
            continue
        data = json.loads(path.read_text())
        summary["figures"][name] = data["figures"]  # type: ignore[index]
        for f in data["figures"]:
            f.pop("ratio", None)
            figures.append(Figure(**{**f, "name": f"{name}: {f['name']}"}))
    (results / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print("\n" + table(figures))
    missed = [f.name for f in figures if f.met is False]
    print(f"\n{len(names) - len(failed)} of {len(names)} benchmarks ran in {total / 60:.1f} min "
          f"({', '.join(f'{k} {v:.0f} s' for k, v in durations.items())}); "
          f"targets missed: {len(missed)}" + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
