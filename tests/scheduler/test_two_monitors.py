"""Two `coopwatch run` processes (instances mon-a and mon-b, each with its own port and job
store) on one real PostgreSQL, against the replica and a real SMTP server (issue 18.2): a
publication is mailed once; a monitor killed with its crawl mid-crawl (a whole host dying) is
replaced by the other once the crawl's lease has run out, nothing lost and no mail twice."""

from __future__ import annotations

import itertools
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from receivers import Mailbox, free_port
from sqlalchemy import select
from test_monitor_e2e import JOINT_PLAN, Monitor, wait_until

from replica.inventory import expected_items
from replica.server import ReplicaHandle, serve_replica
from storage import migrate
from storage.canonical import canonical_url
from storage.db import engine_for, session_scope, utcnow
from storage.models import CrawlLock, CrawlRun, Item, Source

pytestmark = pytest.mark.slow
LEASE_S = 3  # short, so the survivor takes over within seconds


@pytest.fixture
def replica() -> Iterator[ReplicaHandle]:
    with serve_replica() as handle:
        yield handle


@pytest.fixture
def monitors(db_url: str, tmp_path: Path, replica: ReplicaHandle,
             mailbox: Mailbox) -> Iterator[dict[str, Monitor]]:
    """mon-a and mon-b, not started, on one migrated PostgreSQL database."""
    migrate.upgrade(db_url)
    pair = {}
    for name in ("mon-a", "mon-b"):
        data = tmp_path / name
        data.mkdir()
        env = {**os.environ, "COOPWATCH_INSTANCE": name, "COOPWATCH_DATA_DIR": str(data),
               "COOPWATCH_DATABASE_URL": db_url, "COOPWATCH_CONFIG": "",
               "COOPWATCH_PORT": str(free_port()), "COOPWATCH_CHECK_SOURCES": "osce",
               # every 1.2 s each: both monitors want every interval's check
               "COOPWATCH_CHECK_EVERY_MIN": "0.02", "COOPWATCH_JITTER_S": "0",
               "COOPWATCH_BASE_URL": replica.base_url, "COOPWATCH_DOWNLOAD_DELAY_S": "0",
               "COOPWATCH_ALERT_URLS": mailbox.url, "COOPWATCH_ALERT_RETRY_S": "1",
               "COOPWATCH_LEASE_S": str(LEASE_S), "COOPWATCH_SHUTDOWN_GRACE_S": "2",
               "COOPWATCH_CRAWL_TIMEOUT_S": "60"}
        pair[name] = Monitor(env=env, log=tmp_path / f"{name}.log")
    try:
        yield pair
    finally:
        for mon in pair.values():
            if mon.proc is not None and mon.proc.poll() is None:
                mon.proc.kill()
                mon.proc.wait(timeout=10)
            sys.stderr.write(f"--- {mon.log.name}\n"
                             f"{mon.log.read_text(errors='replace')[-3000:]}")  # on failure
        engine_for(db_url).dispose()


def runs(url: str) -> list[CrawlRun]:
    with session_scope(url) as s:
        return list(s.scalars(select(CrawlRun).order_by(CrawlRun.started_at)))


def stored_urls(url: str) -> set[str]:
    with session_scope(url) as s:
        return set(s.scalars(select(Item.canonical_url)))


def catalogue(replica: ReplicaHandle) -> set[str]:
    return {canonical_url(replica.url(e["url"]), "osce") for e in expected_items("osce")}


def start_primed(monitors: dict[str, Monitor]) -> Monitor:
    for mon in monitors.values():
        mon.start()
    first = monitors["mon-a"]
    first.wait_primed()
    return first


POSTGRESQL = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


@POSTGRESQL
def test_one_publication_is_mailed_once_and_each_interval_checked_once(
        monitors: dict[str, Monitor], replica: ReplicaHandle, mailbox: Mailbox) -> None:
    mon = start_primed(monitors)
    link = replica.publish("osce", title=JOINT_PLAN[0], body=JOINT_PLAN[1], place="VIENNA")
    [mail] = mailbox.wait_for(1)
    assert JOINT_PLAN[0] in mail["Subject"]
    mon.wait_runs(2)  # later checks, by either monitor, see the item unchanged
    assert len(mailbox.messages) == 1
    assert [(r.status, r.attempts) for r in mon.outbox(link)] == [("sent", 1)]
    done = runs(mon.db_url)
    # the lease: never two crawls of the source at once, whichever monitor ran them
    for before, after in itertools.pairwise(done):
        assert before.finished_at is not None and before.finished_at <= after.started_at
    assert {r.instance for r in done} <= {"mon-a", "mon-b"}
    # a skipped check (the other monitor's slot or lease) is neither a run nor a failure
    assert {r.status for r in done} <= {"ok", "running"}
    logs = "".join(m.log.read_text() for m in monitors.values())
    assert "Skipped osce" in logs
    with session_scope(mon.db_url) as s:
        src = s.get_one(Source, "osce")
        assert (src.error_streak, src.health_state) == (0, "ok")
    for m in monitors.values():
        assert m.stop() == 0


@POSTGRESQL
def test_a_monitor_killed_mid_crawl_is_replaced_after_its_lease(
        monitors: dict[str, Monitor], replica: ReplicaHandle, mailbox: Mailbox) -> None:
    mon = start_primed(monitors)
    slow_since = utcnow()
    replica.set_fault("osce", "slow", seconds=30)  # the next crawl hangs on its listing
    link = replica.publish("osce", title=JOINT_PLAN[0], body=JOINT_PLAN[1], place="VIENNA")
    hanging = wait_until("a crawl hangs on the slow site", lambda: [
        r for r in runs(mon.db_url) if r.finished_at is None and r.started_at > slow_since],
        30)[0]
    victim = monitors[hanging.instance]
    survivor = next(m for m in monitors.values() if m is not victim)
    # The victim's host dies: the monitor and its crawl child (its own process group) at once.
    assert victim.proc is not None and hanging.pid
    os.killpg(hanging.pid, signal.SIGKILL)
    victim.kill9()
    with session_scope(mon.db_url) as s:
        dead = s.get_one(CrawlLock, "osce")  # no heartbeat renews it any more
        assert dead.run_id == hanging.id and dead.instance == hanging.instance
    replica.set_fault("osce", None)

    [mail] = mailbox.wait_for(1)
    assert JOINT_PLAN[0] in mail["Subject"]
    survivor.wait_runs(1)  # and a later check sends nothing more
    assert len(mailbox.messages) == 1
    assert [r.status for r in mon.outbox(link)] == ["sent"]
    after = [r for r in runs(mon.db_url) if r.started_at > hanging.started_at]
    assert after and {r.instance for r in after} == {survivor.env["COOPWATCH_INSTANCE"]}
    # taken over only once the lease had run out, never from a live holder
    assert min(r.started_at for r in after) >= dead.expires_at
    with session_scope(mon.db_url) as s:
        closed = s.get_one(CrawlRun, hanging.id)
        assert closed.status == "abandoned" and closed.finished_at is not None
    assert stored_urls(mon.db_url) == catalogue(replica) | {canonical_url(link, "osce")}
    assert survivor.stop() == 0
