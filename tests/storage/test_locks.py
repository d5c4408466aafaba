"""Crawl leases (storage.locks) on both backends: a live holder's lease is never taken, an
expired one is taken over by exactly one of several processes racing for it, the heartbeat
renews it and notices when it was lost, and a killed crawl's lease is freed by its killer."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from storage import locks
from storage.db import session_factory, session_scope, utcnow
from storage.models import CrawlLock

ROOT = Path(__file__).resolve().parents[2]
CONTENDERS = 4
# One contender: wait for the start signal, then try to take the osce lease.
CONTENDER = """
import sys, time
from pathlib import Path
from storage import locks
from storage.db import session_factory
url, go, instance = sys.argv[1:4]
while not Path(go).exists():
    time.sleep(0.002)
with session_factory(url)() as session:
    try:
        print("won", locks.acquire(session, "osce", instance=instance).holder)
    except locks.SourceBusy as err:
        print("busy", err)
"""


def wait_until(what: str, check: object, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.02)


def other_host_lease(expires_in: timedelta, run_id: int | None = None) -> CrawlLock:
    return CrawlLock(source="osce", holder="other (4242@elsewhere)", instance="other",
                     pid=4242, host="elsewhere", run_id=run_id,
                     expires_at=utcnow() + expires_in)


def lease(url: str) -> CrawlLock | None:
    with session_scope(url) as session:
        return session.get(CrawlLock, "osce")


def test_a_live_lease_is_never_taken_and_an_expired_one_is(migrated_url: str) -> None:
    with session_scope(migrated_url) as session:
        session.add(other_host_lease(timedelta(minutes=1), run_id=7))
    with session_factory(migrated_url)() as session:
        with pytest.raises(locks.SourceBusy, match=r"already running \(other \(4242@elsewhere"):
            locks.acquire(session, "osce", instance="mon-b")
        assert locks.holder(session, "osce") is not None
    with session_scope(migrated_url) as session:  # its holder stopped renewing it
        session.execute(update(CrawlLock).values(expires_at=utcnow() - timedelta(seconds=1)))
    with session_factory(migrated_url)() as session:
        assert locks.holder(session, "osce") is None  # expired: nobody crawls
        taken = locks.acquire(session, "osce", instance="mon-b", lease=timedelta(seconds=30))
    assert taken.holder.startswith("mon-b (") and taken.instance == "mon-b"
    assert (taken.host, taken.run_id) == (socket.gethostname(), None)
    assert taken.expires_at > utcnow() + timedelta(seconds=20)


@pytest.mark.parametrize("before", ["no lease", "an expired lease"])
def test_exactly_one_of_several_processes_takes_the_lease(migrated_url: str, tmp_path: Path,
                                                          before: str) -> None:
    if before == "an expired lease":
        with session_scope(migrated_url) as session:
            session.add(other_host_lease(-timedelta(seconds=1)))
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", CONTENDER, migrated_url, str(go),
                               f"mon-{n}"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
             for n in range(CONTENDERS)]
    time.sleep(1)  # not an assertion: gives every contender time to import and wait
    go.touch()
    answers = [p.communicate(timeout=60)[0].strip() for p in procs]
    winners = [a for a in answers if a.startswith("won")]
    assert len(winners) == 1, answers
    assert all(a.startswith("busy a crawl of osce is already running") for a in answers
               if not a.startswith("won")), answers
    held = lease(migrated_url)
    assert held is not None and winners[0] == f"won {held.holder}"


def test_the_heartbeat_renews_the_lease_and_notices_when_it_was_taken(
        migrated_url: str) -> None:
    short = timedelta(seconds=0.6)
    with session_factory(migrated_url)() as session:
        first = locks.acquire(session, "osce", instance="mon-a", lease=short).expires_at
    lost = threading.Event()
    beat = locks.Heartbeat(migrated_url, "osce", "mon-a", short, on_lost=lost.set)
    beat.start()
    try:
        wait_until("the lease was renewed", lambda: lease(migrated_url).expires_at > first)
        assert not lost.is_set()
        with session_scope(migrated_url) as session:  # another process took it over
            session.execute(update(CrawlLock).values(holder="other (4242@elsewhere)"))
        wait_until("the heartbeat noticed", lost.is_set)
    finally:
        beat.stop()
    assert lease(migrated_url).holder == "other (4242@elsewhere)"  # not taken back


def test_release_frees_only_our_lease_and_release_killed_a_dead_childs(
        migrated_url: str) -> None:
    with session_scope(migrated_url) as session:
        session.add(other_host_lease(timedelta(minutes=1)))
    with session_factory(migrated_url)() as session:
        locks.release(session, "osce")
        locks.release_killed(session, 4242)  # pid 4242 of another host, not ours to free
        session.commit()
    assert lease(migrated_url) is not None
    with session_scope(migrated_url) as session:
        session.execute(update(CrawlLock).values(host=socket.gethostname()))
    with session_factory(migrated_url)() as session:
        locks.release_killed(session, 4242)  # we killed our child 4242: its lease goes now
        session.commit()
    assert lease(migrated_url) is None
