"""What every benchmark shares: machine facts, the result table and JSON file, and child
processes that are always stopped. Generated data lives in benchdata.py (articles, an
archive of N items), a replica with a generated catalogue in benchreplica.py.

Nothing here asserts a time: figures are measured, printed and written, never judged by a test.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shlex
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/x.py` puts bench/ first, not the repo root
    sys.path.insert(1, str(ROOT))

RESULTS_DIR = ROOT / "bench" / "results"
VENV_BIN = Path(sys.executable).parent
COOPWATCH = str(VENV_BIN / "coopwatch")


# --- machine and results ---------------------------------------------------------------------

def machine() -> dict[str, Any]:
    """The facts a reader needs to compare a figure with their own machine's."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        mem_kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
    return {"cpu_count": os.cpu_count(), "cpu_model": model or platform.processor(),
            "memory_gb": round(mem_kb / 1024 / 1024, 1), "os": platform.platform(),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            # the machine may be shared: other work at the start of a run slows it down
            "load_avg_1m": round(os.getloadavg()[0], 2)}


@dataclass
class Figure:
    """One measured number; `ratio` is value / baseline when there is a baseline."""

    name: str
    value: float | None
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    met: bool | None = None  # None: no target for this figure
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline


@dataclass
class Report:
    """A benchmark's figures and details; printed as a table and written as JSON."""

    name: str
    args: argparse.Namespace
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(
        timespec="seconds"))

    def add(self, name: str, value: float | None, unit: str, **kwargs: Any) -> Figure:
        fig = Figure(name, value, unit, **kwargs)
        self.figures.append(fig)
        return fig

    def finish(self) -> Path:
        """Print the table and write results/NAME.json; returns the file's path."""
        duration = time.monotonic() - self.started
        out_dir = Path(self.args.results_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{self.name}.json"
        data = {
            "bench": self.name, "quick": self.args.quick, "started_at": self.started_at,
            "duration_s": round(duration, 1),
            "command": " ".join(shlex.quote(a) for a in
                                ["python", f"bench/{self.name}.py", *sys.argv[1:]]),
            "machine": machine(),
            "figures": [asdict(f) | {"ratio": f.ratio} for f in self.figures],
            "details": self.details,
        }
        path.write_text(json.dumps(data, indent=2, default=str) + "\n")
        print(table(self.figures))
        print(f"\n{self.name}: {duration:.1f} s; written to {path}")
        return path


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if abs(value) >= 100 or float(value).is_integer():
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.3g}" if abs(value) < 0.01 else f"{value:.2f}"
    return f"{text} {unit}".strip()


def table(figures: Sequence[Figure]) -> str:
    rows = [("figure", "value", "baseline", "ratio", "target", "met")]
    for f in figures:
        base = f"{fmt(f.baseline, f.unit)} ({f.baseline_name})" if f.baseline is not None \
            else (f.baseline_name or "—")
        met = {True: "yes", False: "NO", None: ""}[f.met]
        rows.append((f.name, fmt(f.value, f.unit), base,
                     f"{f.ratio:.2f}" if f.ratio is not None else "—", f.target or "", met))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def parser(doc: str | None) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="A tiny run that only proves the script works (seconds, not minutes)")
    p.add_argument("--results-dir", default=str(RESULTS_DIR),
                   help="Where NAME.json is written (default: bench/results)")
    return p


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p50 of [1, 2, 3, 4] is 2)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


# --- processes -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_env(data_dir: Path, db_url: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a coopwatch child: a private data dir and archive, no config file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COOPWATCH_")}
    env |= {"COOPWATCH_DATA_DIR": str(data_dir), "COOPWATCH_CONFIG": "",
            "COOPWATCH_DATABASE_URL": db_url or f"sqlite:///{data_dir / 'coopwatch.db'}",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                        os.environ.get("PYTHONPATH")]))}
    return env | extra


@contextlib.contextmanager
def process(cmd: list[str], env: dict[str, str], log: Path,
            stop_timeout_s: float = 60) -> Iterator[subprocess.Popen[bytes]]:
    """A child that is stopped (SIGTERM, then SIGKILL) when the block ends, whatever happens."""
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=stop_timeout_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextlib.contextmanager
def stderr_to(path: Path) -> Iterator[None]:
    """Send this process's file descriptor 2 — and so the log of every child that inherits it,
    like the crawl children of scheduler.jobs.check_source — to `path` for the block."""
    sys.stderr.flush()
    saved = os.dup(2)
    with path.open("ab") as log:
        os.dup2(log.fileno(), 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def wait_until(what: str, check: Any, timeout_s: float, interval_s: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout_s
    while not (result := check()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout_s:g} s waiting until {what}")
        time.sleep(interval_s)
    return result


def wait_http(url: str, timeout_s: float = 30) -> None:
    import urllib.error
    import urllib.request

    def up() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except (urllib.error.URLError, OSError):
            return False
    wait_until(f"{url} answers", up, timeout_s, 0.1)


def rss_kb(pid: int) -> int | None:
    """VmRSS of a live process in kB (None once it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def children_of(pid: int) -> list[int]:
    """Child processes of `pid`, started from any of its threads."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError, ValueError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found
