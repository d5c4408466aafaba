"""Crawl slots (scheduler.slots): at most COOPWATCH_MAX_PARALLEL_CRAWLS crawls at once and one
per host, first come first served; waiting checks neither hold up the alert pass nor start
once the monitor stops."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopwatch.cli import app
from core.config import ConfigError, load_config
from core.sources import SOURCES, build
from scheduler.daemon import SERVICE, make_scheduler
from scheduler.slots import CrawlSlots, SlotsClosed, hosts_of, max_parallel


def test_the_hosts_of_a_source() -> None:
    plain = load_config({"COOPWATCH_CONFIG": ""})
    replica = load_config({"COOPWATCH_CONFIG": "", "COOPWATCH_BASE_URL": "http://127.0.0.1:8090"})
    assert hosts_of(SOURCES["osce"], plain) == {"www.osce.org"}
    assert hosts_of(SOURCES["osce"], replica) == {"127.0.0.1:8090"}  # the port is the host's
    unodc = build({"unodc": {"title": "UNODC", "speaks_for": "other", "start_urls": [
        "https://www.UNODC.org/press/rss.xml", "https://news.un.org:443/en/news"]}})["unodc"]
    assert hosts_of(unodc, plain) == {"www.unodc.org", "news.un.org"}  # :443 is https's
    # a base URL moves only the built-ins' crawls: a configured source crawls its own URLs
    assert hosts_of(unodc, replica) == {"www.unodc.org", "news.un.org"}


def test_a_limit_below_one_is_refused_in_one_line() -> None:
    with pytest.raises(ConfigError, match=r"^COOPWATCH_MAX_PARALLEL_CRAWLS must be 1 or "
                                          r"more, got 0$"):
        max_parallel(load_config({"COOPWATCH_CONFIG": "", "COOPWATCH_MAX_PARALLEL_CRAWLS": "0"}))
    with pytest.raises(ConfigError, match="must be a whole number"):
        max_parallel(load_config({"COOPWATCH_CONFIG": "",
                                  "COOPWATCH_MAX_PARALLEL_CRAWLS": "two"}))
    assert max_parallel(load_config({"COOPWATCH_CONFIG": ""})) == 2  # the default


def test_coopwatch_run_refuses_a_bad_limit_in_one_line(cli_env: dict[str, str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOPWATCH_MAX_PARALLEL_CRAWLS", "none")
    result = CliRunner().invoke(app, ["run"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: COOPWATCH_MAX_PARALLEL_CRAWLS must be a whole number, got 'none'"]
    assert not (Path(cli_env["COOPWATCH_DATA_DIR"]) / "jobs.sqlite").exists()  # nothing started


class Crawls:
    """Fake crawls that record when each one held its slot."""

    def __init__(self, slots: CrawlSlots) -> None:
        self.slots = slots
        self.lock = threading.Lock()
        self.running: dict[str, frozenset[str]] = {}
        self.most = 0
        self.shared_host: list[tuple[str, str]] = []
        self.order: list[str] = []

    def crawl(self, name: str, hosts: frozenset[str], seconds: float) -> None:
        with self.slots.claim(name, hosts):
            with self.lock:
                self.shared_host += [(name, other) for other, theirs in self.running.items()
                                     if theirs & hosts]
                self.running[name] = hosts
                self.most = max(self.most, len(self.running))
                self.order.append(name)
            time.sleep(seconds)
            with self.lock:
                del self.running[name]


def start(target: object, *args: object) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
    thread.start()
    return thread


def test_a_dozen_checks_two_at_a_time_never_two_of_one_host() -> None:
    crawls = Crawls(CrawlSlots(2))
    # 12 sources on 4 hosts (three sources on each site), all due at once
    threads = [start(crawls.crawl, f"s{n:02d}", frozenset({f"host{n % 4}"}), 0.05)
               for n in range(12)]
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(crawls.order) == [f"s{n:02d}" for n in range(12)]  # none dropped
    assert crawls.most == 2 and crawls.shared_host == []


def test_one_host_waits_even_when_the_limit_allows() -> None:
    crawls = Crawls(CrawlSlots(5))
    threads = [start(crawls.crawl, name, frozenset({"www.osce.org"}), 0.05)
               for name in ("osce", "osce-field-ops", "osce-odihr")]
    threads.append(start(crawls.crawl, "interpol", frozenset({"www.interpol.int"}), 0.05))
    for thread in threads:
        thread.join(timeout=60)
    assert crawls.shared_host == [] and len(crawls.order) == 4
    assert crawls.most == 2  # interpol alongside one of osce.org's, never two of those


def wait_for(what: str, check: Callable[[], bool], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.01)


def waiting(caplog: pytest.LogCaptureFixture) -> int:
    return sum("waits for a crawl slot" in r.getMessage() for r in caplog.records)


def test_waiting_checks_go_first_come_first_served(caplog: pytest.LogCaptureFixture) -> None:
    slots = CrawlSlots(1)
    crawls = Crawls(slots)
    caplog.set_level(logging.INFO, logger="scheduler.slots")
    with slots.claim("first", frozenset({"a"})):
        waiters = []
        for n, name in enumerate(("second", "third", "fourth"), start=1):
            waiters.append(start(crawls.crawl, name, frozenset({name}), 0))
            wait_for(f"{name} waits", lambda n=n: waiting(caplog) == n)  # type: ignore[misc]
        assert crawls.order == []
    for thread in waiters:
        thread.join(timeout=30)
    assert crawls.order == ["second", "third", "fourth"]
    assert ("Check of second waits for a crawl slot: 1 crawl(s) running, as many as "
            "COOPWATCH_MAX_PARALLEL_CRAWLS allows") in caplog.text


def test_a_check_waiting_for_its_host_says_so_and_lets_others_pass(
        caplog: pytest.LogCaptureFixture) -> None:
    slots = CrawlSlots(2)
    crawls = Crawls(slots)
    caplog.set_level(logging.INFO, logger="scheduler.slots")
    with slots.claim("osce", frozenset({"www.osce.org"})):
        same_site = start(crawls.crawl, "osce-odihr", frozenset({"www.osce.org"}), 0)
        wait_for("osce-odihr waits", lambda: waiting(caplog) == 1)
        other_site = start(crawls.crawl, "interpol", frozenset({"www.interpol.int"}), 0)
        other_site.join(timeout=30)
        assert crawls.order == ["interpol"]  # not held up behind a waiter of another host
    same_site.join(timeout=30)
    assert crawls.order == ["interpol", "osce-odihr"]
    assert "Check of osce-odihr waits for a crawl slot: its host is being crawled for osce" \
        in caplog.text


def test_closing_stops_the_waiting_checks_not_the_running_one(
        caplog: pytest.LogCaptureFixture) -> None:
    slots = CrawlSlots(1)
    caplog.set_level(logging.INFO, logger="scheduler.slots")
    outcome: list[str] = []

    def check(name: str) -> None:
        try:
            with slots.claim(name, frozenset({name})):
                outcome.append(f"{name} crawled")
        except SlotsClosed as err:
            outcome.append(str(err))

    with slots.claim("running", frozenset({"x"})):
        waiter = start(check, "waiting")
        wait_for("it waits", lambda: waiting(caplog) == 1)
        slots.close()
        waiter.join(timeout=30)
        assert outcome == ["the monitor is stopping: the check of waiting did not start"]
    with pytest.raises(SlotsClosed), slots.claim("late", frozenset({"y"})):
        pass
    slots.open(1)
    check("after a restart")
    assert outcome[-1] == "after a restart crawled"


def block(release: threading.Event) -> None:
    release.wait(30)


def test_waiting_checks_leave_the_alert_pass_its_threads(tmp_path: Path) -> None:
    cfg = load_config({"COOPWATCH_CONFIG": "", "COOPWATCH_DATA_DIR": str(tmp_path)})
    release, delivered = threading.Event(), threading.Event()

    async def scenario() -> None:
        sched = make_scheduler(cfg)
        sched.start()
        # every check thread busy (a thread per source: here each waits for a crawl slot)
        for n in range(len(SOURCES) * 3):
            sched.add_job(block, args=[release], id=f"check-{n}", jobstore="memory",
                          next_run_time=datetime.now(UTC))
        sched.add_job(delivered.set, id="deliver-alerts", jobstore="memory",
                      executor=SERVICE, next_run_time=datetime.now(UTC))
        try:
            ran = await asyncio.to_thread(delivered.wait, 30)
        finally:
            release.set()
            sched.shutdown(wait=False)
        assert ran, "the alert pass waited behind the checks"

    asyncio.run(scenario())
