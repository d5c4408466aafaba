"""storage.runs.mark_run: a run closed from outside is closed once, by the first closer.

The monitor abandoning a crawl at shutdown and the check's thread seeing its child die both
close the run; whichever comes second must not overwrite the first (it made a SIGTERM'd run
read `killed` instead of `abandoned`)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from storage.db import session_scope
from storage.models import CrawlRun
from storage.runs import mark_run, start_run


def test_the_second_closer_of_a_run_changes_nothing(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        run_id = start_run(s, "osce", "schedule", pid=1).id
    with session_scope(migrated_url) as late, session_scope(migrated_url) as first:
        # the late closer read the run while it was still open (and holds it) …
        seen = late.get_one(CrawlRun, run_id)
        assert seen.finished_at is None
        # … then another closer records it abandoned and commits
        assert mark_run(first, run_id, "abandoned", "the monitor stopped")["status"] == "abandoned"
        first.commit()
        assert mark_run(late, run_id, "killed", "the child died") is None
    with session_scope(migrated_url) as s:
        run = s.get_one(CrawlRun, run_id)
        assert (run.status, run.reason) == ("abandoned", "the monitor stopped")


def test_an_unknown_run_is_none(session: Session) -> None:
    assert mark_run(session, 424242, "killed", "gone") is None
