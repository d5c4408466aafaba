"""What storing an Article comes to: new | unchanged | updated | duplicate, with the item.

The one engine that decides it is storage.batch (upsert_articles for many articles in one
transaction, upsert_article for one). The caller owns the transaction so that the alert rows
written by storage.outbox commit or roll back together with the item that causes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.article import Level
from storage.models import Item


class Outcome(StrEnum):
    NEW = "new"
    UNCHANGED = "unchanged"
    UPDATED = "updated"
    DUPLICATE = "duplicate"


@dataclass
class UpsertResult:
    outcome: Outcome
    item: Item
    previous_level: str | None = None  # for UPDATED: the level before this upsert
    changed_fields: tuple[str, ...] = ()
    duplicate_rule: str | None = None

    @property
    def level_rose(self) -> bool:
        return (self.previous_level is not None
                and Level(self.item.relevance_level).rank > Level(self.previous_level).rank)
