"""The crawl progress display counts what the child's log says."""
# ruff: noqa: E501  (real log lines are long)

from __future__ import annotations

import io

from rich.console import Console

from coopwatch.progress import CrawlProgress

LOG = """\
2026-11-22 19:00:00 [crawler.spiders.base] INFO: Listing keyword page 0: 10 entries, 3 fresh
2026-11-22 19:00:01 [crawler.pipelines] INFO: Stored http://x/secretariat/1: new (level primary, item 1)
2026-11-22 19:00:01 [crawler.pipelines] INFO: Stored http://x/secretariat/2: new (level none, item 2)
2026-11-22 19:00:02 [crawler.pipelines] INFO: Stored http://x/secretariat/3: updated (level secondary, item 3)
2026-11-22 19:00:03 [crawler.spiders.base] WARNING: No date found on http://x/secretariat/2
2026-11-22 19:00:04 [crawler.spiders.base] ERROR: http_500 on article http://x/secretariat/9: boom
"""


def test_progress_counts_log_lines() -> None:
    buf = io.StringIO()
    with CrawlProgress(Console(file=buf, force_terminal=True, width=100)) as progress:
        progress.start("osce")
        for line in LOG.splitlines():
            progress.on_log(line)
    c = progress.counts["osce"]
    assert (c["listing pages"], c["entries"], c["new"], c["updated"], c["matched"]) == (
        1, 10, 2, 1, 2)
    assert (c["warnings"], c["errors"]) == (1, 1)
    assert "No date found" in buf.getvalue() and "http_500" in buf.getvalue()
