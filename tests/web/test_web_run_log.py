"""/runs/{id}/log: a run's full crawl log as plain text, linked from its page; a 404 page that
says why when there is none."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from storage.db import session_scope, utcnow
from storage.models import CrawlRun

LOG = ("2026-12-04 10:00:00 [scrapy.core.engine] INFO: Spider opened\n"
       "2026-12-04 10:00:01 [crawler.pipelines] INFO: Stored <script>alert(1)</script>\n")


def add_runs(url: str, days_ago: float = 0) -> tuple[int, int]:
    with session_scope(url) as session:
        runs = [CrawlRun(source="osce", status="ok", started_at=utcnow() -
                         timedelta(days=days_ago)) for _ in range(2)]
        session.add_all(runs)
        session.flush()
        return runs[0].id, runs[1].id


def test_the_run_page_links_its_log_served_as_text(web: TestClient, sqlite_url: str,
                                                   tmp_path: Path) -> None:
    logged, _ = add_runs(sqlite_url)
    log = tmp_path / "data" / "logs" / "runs" / f"{logged}.log"
    log.parent.mkdir(parents=True)
    log.write_text(LOG)
    page = web.get(f"/runs/{logged}")
    assert f'<a href="{logged}/log">the full crawl log</a>' in page.text
    got = web.get(f"/runs/{logged}/log")
    assert got.status_code == 200 and got.text == LOG
    assert got.headers["content-type"] == "text/plain; charset=utf-8"
    assert got.headers["x-content-type-options"] == "nosniff"  # never sniffed as HTML
    head = web.head(f"/runs/{logged}/log")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(LOG.encode()))


def test_a_run_without_a_log_says_why(web: TestClient, sqlite_url: str) -> None:
    never, _ = add_runs(sqlite_url)
    pruned, _ = add_runs(sqlite_url, days_ago=15)
    for run_id, why in ((never, f"run {never} has no log file (it ran on another host"),
                        (pruned, f"the log of run {pruned} was pruned: run logs are kept "
                                 "COOPWATCH_RUN_LOG_DAYS=14 days")):
        page = web.get(f"/runs/{run_id}")
        assert page.status_code == 200 and why in page.text and "/log\"" not in page.text
        missing = web.get(f"/runs/{run_id}/log")
        assert missing.status_code == 404 and why in missing.text
        assert missing.headers["content-type"].startswith("text/html")
        assert web.head(f"/runs/{run_id}/log").status_code == 404
    for bad in ("999", "abc", "0"):
        assert web.get(f"/runs/{bad}/log").status_code == 404
