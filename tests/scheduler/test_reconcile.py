"""The configuration changes between two monitor starts: the real monitor (scheduler.daemon.run,
its feed server and job store) started again on the same data directory adds the job of a
source added, replaces the job of a source whose interval changed, removes the job of a source
removed or disabled — and leaves an unchanged source's planned check where it was."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from receivers import free_port

from core.config import load_config
from scheduler import daemon
from scheduler.daemon import make_scheduler
from storage import migrate
from storage.db import engine_for, session_scope
from storage.models import Source

pytestmark = pytest.mark.slow


def start_and_stop(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                   monkeypatch: pytest.MonkeyPatch, sources: str,
                   toml: str) -> dict[str, tuple[str, datetime]]:
    """Start the monitor with this configuration, stop it once it has scheduled its checks;
    returns each source's check job (id, next run) as the job store then holds it."""
    url = f"sqlite:///{tmp_path / 'coopwatch.db'}"
    config = tmp_path / "coopwatch.toml"
    config.write_text(toml)
    # the environment too: the monitor's jobs read their configuration themselves
    for name, value in {"COOPWATCH_DATA_DIR": str(tmp_path), "COOPWATCH_DATABASE_URL": url,
                        "COOPWATCH_CONFIG": str(config), "COOPWATCH_CHECK_SOURCES": sources,
                        "COOPWATCH_PORT": str(free_port()), "COOPWATCH_JITTER_S": "0"}.items():
        monkeypatch.setenv(name, value)
    cfg = load_config()
    migrate.upgrade(url)
    caplog.clear()

    async def scenario() -> None:
        stop = asyncio.Event()
        monitor = asyncio.create_task(daemon.run(cfg, stop))
        for _ in range(600):
            if "job(s) added" in caplog.text or monitor.done():  # "Monitor NAME started: …"
                break
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(monitor, 60)

    async def stored_jobs() -> dict[str, tuple[str, datetime]]:
        store = make_scheduler(cfg)
        store.start(paused=True)
        try:
            return {job.args[0]: (job.id, job.next_run_time)
                    for job in store.get_jobs(jobstore="default")}
        finally:
            store.shutdown(wait=False)

    with caplog.at_level(logging.INFO, logger="scheduler.daemon"):
        asyncio.run(scenario())
    assert "Monitor stopped" in caplog.text
    try:
        return asyncio.run(stored_jobs())
    finally:
        engine_for(url).dispose()


def why(tmp_path: Path) -> dict[str, str | None]:
    with session_scope(f"sqlite:///{tmp_path / 'coopwatch.db'}") as s:
        return {src.name: src.next_check_why for src in s.query(Source)}


UNODC = """
[sources.unodc]
title = "UNODC press releases"
speaks_for = "other"
start_urls = ["http://127.0.0.1:9/unodc/press/rss.xml"]
interval_minutes = 60
"""


def test_adding_changing_and_removing_sources_between_two_starts(
        tmp_path: Path, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    hourly = "[sources.osce]\ninterval_minutes = 60\n"
    off = "[sources.interpol]\nenabled = false\n"
    first = start_and_stop(tmp_path, caplog, monkeypatch, "all", hourly + off)
    assert list(first) == ["osce"]  # interpol is disabled: no job
    assert why(tmp_path)["osce"] == "first check after start"

    # interpol enabled, a configured source added; osce unchanged keeps its planned check
    on = "[sources.interpol]\ninterval_minutes = 30\n"
    second = start_and_stop(tmp_path, caplog, monkeypatch, "all", hourly + on + UNODC)
    assert sorted(second) == ["interpol", "osce", "unodc"]
    assert second["osce"] == first["osce"]
    # osce's plan is still ahead, so the start leaves it (and its why) as it was: a monitor
    # starting beside another never pulls the shared slot (scheduler.schedule.record); the
    # configured source has its row from this start
    assert why(tmp_path) == {"osce": "first check after start",
                             "interpol": "first check after start",
                             "unodc": "first check after start"}
    assert "2 job(s) added, 0 removed" in caplog.text

    # osce's interval changed: a new job in place of the old; interpol disabled again and
    # unodc removed: no job for either
    third = start_and_stop(tmp_path, caplog, monkeypatch, "all",
                           "[sources.osce]\ninterval_minutes = 15\n" + off)
    assert list(third) == ["osce"] and third["osce"][0] != first["osce"][0]
    assert "1 job(s) added, 3 removed" in caplog.text
    # its first check on the new job comes within the first-check spread of this start
    assert third["osce"][1] - first["osce"][1] < timedelta(hours=1)
