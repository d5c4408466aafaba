"""Full-text index DDL for both databases; the migrations call it, storage.search queries it.

SQLite: an external-content FTS5 table kept in step by triggers (re-indexed only when a
searchable column changes, not when last_seen_at is bumped). PostgreSQL: a GIN index over the
same weighted tsvector expression that storage.search uses, so the planner can use it.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

FTS_COLUMNS = ("title", "subtitle", "summary", "body", "place", "tags")

# Must stay byte-identical to the expression in the index for PostgreSQL to use the index.
PG_TSVECTOR = (
    "(setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(subtitle, '') || ' ' || coalesce(place, '')), "
    "'B') || "
    "setweight(to_tsvector('english', coalesce(summary, '')), 'C') || "
    "setweight(to_tsvector('english', left(coalesce(body, ''), 500000)), 'D'))"
)


def _sqlite_ddl() -> list[str]:
    cols = ", ".join(FTS_COLUMNS)
    new = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
    old = ", ".join(f"old.{c}" for c in FTS_COLUMNS)
    return [
        f"CREATE VIRTUAL TABLE item_fts USING fts5({cols}, content='item', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER item_fts_ai AFTER INSERT ON item BEGIN "
        f"INSERT INTO item_fts(rowid, {cols}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER item_fts_ad AFTER DELETE ON item BEGIN "
        f"INSERT INTO item_fts(item_fts, rowid, {cols}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER item_fts_au AFTER UPDATE OF {cols} ON item BEGIN "
        f"INSERT INTO item_fts(item_fts, rowid, {cols}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO item_fts(rowid, {cols}) VALUES (new.id, {new}); END",
        "INSERT INTO item_fts(item_fts) VALUES ('rebuild')",
    ]


def create_fulltext(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for stmt in _sqlite_ddl():
            conn.execute(text(stmt))
    elif conn.dialect.name == "postgresql":
        conn.execute(text(f"CREATE INDEX ix_item__fts ON item USING gin ({PG_TSVECTOR})"))


def drop_fulltext(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for trigger in ("item_fts_ai", "item_fts_ad", "item_fts_au"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
        conn.execute(text("DROP TABLE IF EXISTS item_fts"))
    elif conn.dialect.name == "postgresql":
        conn.execute(text("DROP INDEX IF EXISTS ix_item__fts"))
