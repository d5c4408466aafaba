"""Issue 13: nothing lost, nothing hidden. A crawl cut short is completed by the next one and
counts what it stored; a site that stopped answering fails its run and raises the alarm; the
crawl child never outlives the process that started it; stale runs are closed; a crawl that
cannot be recorded does not crawl; a crawl that cannot start says why in one line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from crawler.middlewares import retry_after_seconds
from replica.inventory import expected_items
from replica.server import ReplicaHandle, serve_replica
from storage import migrate
from storage.canonical import canonical_url
from storage.db import session_scope
from storage.models import CrawlLock, CrawlRun, HealthAlarm, Item

ROOT = Path(__file__).resolve().parents[2]
COOPWATCH = str(Path(sys.executable).parent / "coopwatch")
WAIT_S = 60  # a generous bound on waiting for a process under load; never asserted on


def wait_for(what: str, check: Callable[[], Any], timeout_s: float = WAIT_S) -> Any:
    deadline = time.monotonic() + timeout_s
    while not (found := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)
    return found


def open_run(url: str) -> CrawlRun | None:
    with session_scope(url) as s:
        return s.scalar(select(CrawlRun).where(CrawlRun.finished_at.is_(None)))


def last_run(url: str) -> CrawlRun:
    with session_scope(url) as s:
        return s.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()


def item_count(url: str, source: str) -> int:
    with session_scope(url) as s:
        return s.scalar(select(func.count(Item.id)).where(Item.source == source)) or 0


def alive(pid: int) -> bool:
    """Running, not a zombie (an orphan's exit may wait for a reaper that never comes)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def cli(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([COOPWATCH, "crawl", *args, "--quiet"], cwd=ROOT,
                            env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


# -- 1. a crawl cut short --------------------------------------------------------------------

def test_unchanged_listings_still_fetch_the_items_missing_from_the_archive(
        crawl, replica: ReplicaHandle, archive_url: str) -> None:
    """The state a cut-short crawl leaves: listings in the HTTP cache, items not stored (here
    the newest, on the first listing page)."""
    for site in ("osce", "interpol"):
        assert crawl(site)["status"] == "ok"
        with session_scope(archive_url) as s:
            lost = s.scalars(select(Item).where(Item.source == site)
                             .order_by(Item.published_at.desc()).limit(5)).all()
            lost_urls = {i.canonical_url for i in lost}
            for item in lost:
                s.delete(item)
        again = crawl(site)
        assert again["not_modified"] >= 1, again  # the listings did answer 304
        assert again["status"] == "ok" and again["new"] == 5, again
        with session_scope(archive_url) as s:
            back = set(s.scalars(select(Item.canonical_url).where(Item.source == site)))
        assert lost_urls <= back


def test_a_killed_crawl_counts_what_it_stored_and_the_next_one_completes_the_archive(
        crawl, replica: ReplicaHandle, archive_url: str) -> None:
    replica.set_fault("osce", "slow", seconds=0.2)  # long enough to be caught mid-walk
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(crawl, "osce")
        run = wait_for("the crawl's run row", lambda: open_run(archive_url))
        wait_for("a first stored batch", lambda: item_count(archive_url, "osce") >= 3)
        # the run row counts its requests while it runs
        made = wait_for("its requests recorded", lambda: getattr(open_run(archive_url),
                                                                 "requests", 0))
        os.kill(run.pid, signal.SIGKILL)  # kill -9 of the crawl child
        killed = running.result()
    stored = item_count(archive_url, "osce")
    assert killed["status"] == "killed" and killed["run_id"] == run.id, killed
    assert killed["new"] == stored > 0, killed
    assert killed["requests"] >= made > 0, killed  # not 0: what it had recorded is kept
    assert (last_run(archive_url).status, last_run(archive_url).new) == ("killed", stored)
    assert last_run(archive_url).requests == killed["requests"]
    want = {canonical_url(replica.url(e["url"]), "osce") for e in expected_items("osce")
            if e["published"] >= "2010-01-01"}
    assert stored < len(want)
    replica.set_fault("osce", None)
    again = crawl("osce")
    assert again["status"] == "ok" and again["new"] == len(want) - stored, again
    with session_scope(archive_url) as s:
        assert set(s.scalars(select(Item.canonical_url))) == want


# -- 2. a site that stopped answering ---------------------------------------------------------

def test_a_dead_site_fails_its_run_and_raises_the_alarm(crawl_env: dict[str, str],
                                                        archive_url: str) -> None:
    with serve_replica() as gone:
        for _ in range(2):
            proc = cli(["osce", "--base-url", gone.base_url, "--max-pages", "1"], crawl_env)
            assert proc.wait(timeout=180) == 0, proc.communicate()
    # The replica has stopped: every listing request is refused.
    env = {**crawl_env, "COOPWATCH_ERROR_STREAK": "1"}
    proc = cli(["osce", "--base-url", gone.base_url, "--max-pages", "1", "--json"], env)
    out, err = proc.communicate(timeout=180)
    summary = json.loads(out)
    assert proc.returncode == 1, (out, err)
    assert summary["status"] == "failed" and "no listing could be read" in summary["reason"]
    run = last_run(archive_url)
    assert run.status == "failed" and "httpcache/errorrecovery" not in run.stats
    with session_scope(archive_url) as s:
        alarm = s.scalars(select(HealthAlarm).where(HealthAlarm.source == "osce")).one()
    assert alarm.kind == "error_streak" and alarm.resolved_at is None


def test_a_site_slower_than_the_download_timeout_is_not_served_from_the_cache(
        crawl, replica: ReplicaHandle, archive_url: str) -> None:
    assert crawl("osce", max_pages=1)["status"] == "ok"
    replica.set_fault("osce", "slow", seconds=4)
    summary = crawl("osce", max_pages=1, env={"COOPWATCH_DOWNLOAD_TIMEOUT_S": "1"})
    assert summary["status"] == "failed" and "timeout" in summary["reason"], summary


# -- 6. the crawl child dies with its parent ----------------------------------------------------

def test_ctrl_c_stops_the_crawl_gracefully_and_says_so(replica: ReplicaHandle,
                                                       crawl_env: dict[str, str],
                                                       archive_url: str) -> None:
    replica.set_fault("osce", "slow", seconds=0.5)
    proc = cli(["osce", "--base-url", replica.base_url], crawl_env)
    child = 0
    try:
        child = wait_for("the crawl's run row", lambda: open_run(archive_url)).pid
        proc.send_signal(signal.SIGINT)  # what the terminal sends on Ctrl-C
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 130, (out, err)
        assert "osce: abandoned" in out and "Stopped by Ctrl-C" in err, (out, err)
        assert "Traceback" not in out + err
        assert not alive(child)
        run = last_run(archive_url)
        assert run.status == "abandoned" and "Ctrl-C" in (run.reason or "")
        with session_scope(archive_url) as s:
            assert s.scalars(select(CrawlLock)).all() == []  # the lock is free
    finally:
        proc.kill()
        if child and alive(child):
            os.kill(child, signal.SIGKILL)


def test_a_crawl_child_dies_with_its_killed_parent(replica: ReplicaHandle,
                                                   crawl_env: dict[str, str],
                                                   archive_url: str) -> None:
    replica.set_fault("osce", "slow", seconds=2)  # the whole crawl would take minutes
    proc = cli(["osce", "--base-url", replica.base_url], crawl_env)
    child = 0
    try:
        child = wait_for("the crawl's run row", lambda: open_run(archive_url)).pid
        proc.kill()  # kill -9 of `coopwatch crawl`
        proc.wait()
        wait_for("the orphaned crawl child to stop", lambda: not alive(child))
        run = last_run(archive_url)
        assert run.status == "abandoned" and "died" in (run.reason or ""), run.reason
        with session_scope(archive_url) as s:
            assert s.scalars(select(CrawlLock)).all() == []
    finally:
        if child and alive(child):
            os.kill(child, signal.SIGKILL)


# -- 7. stale runs, and no lock no crawl ---------------------------------------------------------

def test_a_run_left_open_by_a_dead_process_is_closed_as_abandoned_at_the_next_start(
        crawl, archive_url: str) -> None:
    gone_pid = subprocess.Popen(["true"])
    gone_pid.wait()
    with session_scope(archive_url) as s:
        s.add(CrawlRun(source="osce", trigger="cli", pid=gone_pid.pid, status="running"))
    assert crawl("osce", max_pages=1)["status"] == "ok"
    with session_scope(archive_url) as s:
        stale = s.scalars(select(CrawlRun).order_by(CrawlRun.id)).first()
        assert stale.status == "abandoned" and stale.finished_at is not None
        assert "died" in (stale.reason or "")


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_crawl_that_cannot_write_its_lock_does_not_crawl(db_url: str, crawl,
                                                           replica: ReplicaHandle) -> None:
    migrate.upgrade(db_url)
    name = make_url(db_url).database
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
    admin.dispose()
    before = sum(replica.stats()["requests"].values())
    summary = crawl("osce", env={"COOPWATCH_DATABASE_URL": db_url})
    assert summary["status"] == "failed", summary
    assert "cannot write the crawl lock" in summary["reason"], summary
    assert "read-only" in summary["reason"], summary
    after = replica.stats()["requests"]
    assert sum(after.values()) == before, after  # not one request: no lock, no crawl


# -- 9. a crawl that cannot start says why ------------------------------------------------------

@pytest.mark.parametrize("args, env, reason", [
    (["--base-url", "not a url"], {}, "base_url must be http(s)://host[:port]"),
    (["--base-url", "file:///etc"], {}, "base_url must be http(s)://host[:port]"),
    ([], {"COOPWATCH_SINCE": "last year"}, "'last year' is not a date"),
    ([], {"COOPWATCH_DATABASE_URL": "unmigrated"}, "run `coopwatch db upgrade`"),
])
def test_a_crawl_that_cannot_start_gives_the_real_reason(
        args: list[str], env: dict[str, str], reason: str, replica: ReplicaHandle,
        crawl_env: dict[str, str], tmp_path: Path) -> None:
    if env.get("COOPWATCH_DATABASE_URL") == "unmigrated":
        env = {"COOPWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    proc = cli(["osce", "--base-url", replica.base_url, *args], {**crawl_env, **env})
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 1, (out, err)
    assert out.startswith("osce: failed") and reason in out, out
    assert len(out.strip().splitlines()) == 1 and "Crawler.stats" not in out + err


# -- 11. honest rate-limit and feed reasons ------------------------------------------------------

def test_a_malformed_retry_after_is_no_number_of_seconds() -> None:
    for header in ("²", "Mon, 01 Jan 99999999999 00:00:00 GMT", "9" * 400):
        assert retry_after_seconds(header) is None


@pytest.mark.parametrize("site", ["osce", "interpol"])
def test_a_malformed_retry_after_fails_the_run_as_rate_limited(
        site: str, crawl, replica: ReplicaHandle) -> None:
    replica.set_fault(site, "429_bad_retry_after")
    summary = crawl(site, max_pages=1)
    assert summary["status"] == "failed" and "rate_limited" in summary["reason"], summary
    assert "Error" not in summary["reason"], summary


def test_interpol_reason_does_not_claim_a_listing_that_failed_too(
        crawl, replica: ReplicaHandle) -> None:
    replica.set_fault("interpol", "500")  # the feed and the HTML listing alike
    summary = crawl("interpol", max_pages=1)
    assert summary["status"] == "failed", summary
    assert "used the HTML listing" not in summary["reason"], summary
    assert "the HTML listing could not be read either" in summary["reason"], summary
