"""A live view of a crawl for a person at a terminal: counts read from the child's log.

Plain log lines when stderr is not a terminal (cron, CI, pipes) — `coopwatch crawl` decides.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Self

from rich.console import Console
from rich.live import Live
from rich.table import Table

_LISTING = re.compile(r"Listing \S+ page \d+: (\d+) entries")
_STORED = re.compile(r"Stored \S+: (\w+) \(level (\w+)")
_PROBLEM = re.compile(r"\] (WARNING|ERROR): (.*)")
# (header, counter key): short headers so the table fits an 80-column terminal.
COLUMNS = (("pages", "listing pages"), ("entries", "entries"), ("new", "new"),
           ("updated", "updated"), ("same", "unchanged"), ("dup", "duplicate"),
           ("match", "matched"), ("warn", "warnings"), ("err", "errors"))


class CrawlProgress:
    """Feed it log lines (`on_log`); it redraws a one-row table per source."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.counts: dict[str, Counter[str]] = {}
        self.current = ""
        self.live = Live(self.render(), console=console, refresh_per_second=8, transient=False)

    def __enter__(self) -> Self:
        self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.live.__exit__(None, None, None)

    def start(self, source: str) -> None:
        self.current = source
        self.counts[source] = Counter()
        self.live.update(self.render())

    def on_log(self, line: str) -> None:
        c = self.counts[self.current]
        if m := _LISTING.search(line):
            c["listing pages"] += 1
            c["entries"] += int(m.group(1))
        elif m := _STORED.search(line):
            c[m.group(1)] += 1
            if m.group(2) in ("primary", "secondary"):
                c["matched"] += 1
        elif m := _PROBLEM.search(line):
            c["warnings" if m.group(1) == "WARNING" else "errors"] += 1
            self.live.console.print(f"[dim]{self.current}[/dim] {m.group(1)}: {m.group(2)}",
                                    markup=True, highlight=False)
        self.live.update(self.render())

    def render(self) -> Table:
        table = Table("source", *(head for head, _ in COLUMNS), title="coopwatch crawl",
                      title_justify="left")
        for source, c in self.counts.items():
            table.add_row(source, *(str(c[key]) for _, key in COLUMNS))
        return table
