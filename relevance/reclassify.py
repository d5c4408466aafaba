"""Re-score the stored archive after a rule change (`coopwatch reclassify`).

Reads items in id order in batches, classifies each as the crawl pipeline does, and writes the
new level, score and reasons. Reclassifying sends no alerts: a rule change is not news. Nor does
the next crawl of an item raised here: its stored level is already the new one, so the crawl
sees no rise.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.article import LEVELS, Level
from relevance.classify import classify
from relevance.rules import Rules
from relevance.text import body_with_summary
from storage.models import Item
from storage.state import bump

BATCH = 500


@dataclass
class ReclassifyReport:
    items: int = 0
    changed: int = 0
    transitions: Counter[tuple[str, str]] = field(default_factory=Counter)  # (old, new) -> n
    unchanged: Counter[str] = field(default_factory=Counter)  # level -> items that kept it
    changed_ids: list[int] = field(default_factory=list)

    @property
    def up(self) -> int:
        """Items whose level rose (none → mention → secondary → primary)."""
        return sum(n for (a, b), n in self.transitions.items()
                   if Level(b).rank > Level(a).rank)

    @property
    def down(self) -> int:
        return self.changed - self.up

    def matrix(self) -> dict[str, dict[str, int]]:
        """Old level -> new level -> items, all four levels both ways; unchanged items are on
        the diagonal."""
        out = {old: dict.fromkeys(LEVELS, 0) for old in LEVELS}
        for (old, new), n in self.transitions.items():
            out[old][new] += n
        for level in LEVELS:
            out[level][level] = self.unchanged[level]
        return out

    def to_dict(self) -> dict[str, object]:
        return {"items": self.items, "changed": self.changed, "up": self.up,
                "down": self.down,
                "transitions": [{"from": a, "to": b, "items": n}
                                for (a, b), n in sorted(self.transitions.items())],
                "matrix": self.matrix(), "changed_ids": self.changed_ids}

    def format(self, dry_run: bool = False) -> str:
        """The summary: how many moved up and down, and the old → new matrix."""
        verb = "would change" if dry_run else "changed"
        lines = [f"{self.items} item(s) re-scored; {self.changed} {verb} level: "
                 f"{self.up} up, {self.down} down"]
        if self.changed:
            width = max(len(level) for level in LEVELS) + 2
            matrix = self.matrix()
            lines += ["", "old level (rows) → new level (columns)",
                      " " * width + "".join(f"{level:>{width}}" for level in LEVELS)]
            lines += [f"{old:<{width}}" + "".join(f"{matrix[old][new]:>{width}}"
                                                  for new in LEVELS) for old in LEVELS]
        return "\n".join(lines)


def reclassify(session: Session, rules: Rules, *, dry_run: bool = False,
               source: str | None = None) -> ReclassifyReport:
    """Re-score every item (of one source); commit per batch unless dry_run."""
    report = ReclassifyReport()
    last_id = 0
    while True:
        stmt = select(Item).where(Item.id > last_id).order_by(Item.id).limit(BATCH)
        if source:
            stmt = stmt.where(Item.source == source)
        batch = session.scalars(stmt).all()
        if not batch:
            break
        for item in batch:
            result = classify(item.title, body_with_summary(item.summary, item.body),
                              item.subtitle, item.source, rules)
            report.items += 1
            if result.level.value == item.relevance_level:
                report.unchanged[item.relevance_level] += 1
            else:
                report.changed += 1
                report.transitions[(item.relevance_level, result.level.value)] += 1
                report.changed_ids.append(item.id)
            if not dry_run:
                item.relevance_level = result.level.value
                item.relevance_score = result.score
                item.relevance_reasons = result.reasons
        last_id = batch[-1].id
        if report.changed and not dry_run:
            bump(session)  # levels moved: feeds may show other items
        if dry_run:
            session.rollback()
        else:
            session.commit()
        session.expunge_all()  # keep memory flat on a large archive
    return report
