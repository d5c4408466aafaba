"""Every benchmark script runs end to end in its tiny mode (`--quick`) and writes its figures.

Only that the scripts work is checked here: the figures themselves are reported by
`make bench`, never asserted (a timed assertion fails on a busy machine, not on a slow change).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCHES = ("crawl", "idle_check", "upsert", "search", "feed", "web_load", "daemon_memory",
           "alert_latency", "freshness", "extraction")

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name", BENCHES)
def test_bench_runs_in_quick_mode(name: str, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / f"{name}.py"), "--quick",
                           "--results-dir", str(tmp_path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=240, check=False)
    assert done.returncode == 0, f"{name}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    result = json.loads((tmp_path / f"{name}.json").read_text())
    assert result["bench"] == name and result["quick"] is True
    assert result["command"].startswith(f"python bench/{name}.py")
    assert {"cpu_count", "cpu_model", "python", "sqlite"} <= result["machine"].keys()
    assert result["figures"], f"{name} reported no figure"
    for figure in result["figures"]:
        assert figure["value"] is not None, f"{name}: {figure['name']} has no value"
        assert {"baseline", "ratio", "target", "met", "unit"} <= figure.keys()
    assert "figure" in done.stdout and "baseline" in done.stdout  # the printed table


def test_run_all_lists_every_bench() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import run_all
    finally:
        sys.path.remove(str(ROOT / "bench"))
    assert tuple(run_all.BENCHES) == BENCHES
    assert all((ROOT / "bench" / f"{name}.py").exists() for name in BENCHES)
