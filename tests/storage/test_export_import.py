"""Export and import (issue 18.5): the JSONL round trip is exact on both backends, the export
reads in chunks, filters choose items, and every bad line stops the import with nothing stored."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from typer.testing import CliRunner

from coopwatch.cli import app
from core.article import Article
from relevance import classify_article, load_rules
from storage import migrate
from storage.archive_import import ImportFailed, import_archive
from storage.batch import upsert_article
from storage.db import engine_for, session_factory, session_scope
from storage.export import ExportFilter, export_csv, export_jsonl
from storage.models import Item, ItemAlias, ItemRevision, Story
from storage.seed import import_seeds

RULES = load_rules()


def article(title: str, body: str, url: str, source: str = "interpol",
            day: int = 3) -> Article:
    art = Article(source=source, url=url, title=title, body=body,
                  published_at=datetime(2024, 5, day, 9, 30, tzinfo=UTC))
    art.relevance = classify_article(art, RULES)
    return art


def fill(url: str) -> None:
    """The seeded archive (stories of two versions, merge reasons) plus an item with a revision
    and one seen at a second address."""
    with session_scope(url) as session:
        import_seeds(session, classify=lambda a: classify_article(a, RULES))
    base = "https://www.interpol.int/en/News-and-Events/News/2024/"
    body = "INTERPOL and the OSCE trained border guards in Vienna to use INTERPOL databases."
    for art in (article("OSCE and INTERPOL train border guards", body, base + "train"),
                article("OSCE and INTERPOL train border guards", body + " Forty attended.",
                        base + "train"),  # material change: a revision
                article("OSCE and INTERPOL train border guards", body + " Forty attended.",
                        base + "train-copy"),  # same text elsewhere: an alias
                article("Cybercrime week", "A week on cybercrime.", base + "cyber", day=20)):
        with session_scope(url) as session:
            upsert_article(session, art)


def exported(url: str, chosen: ExportFilter | None = None, chunk: int = 2) -> str:
    with session_factory(url)() as session:
        return "".join(export_jsonl(session, chosen or ExportFilter(), chunk=chunk))


def stored(url: str) -> dict[str, int | None]:
    with session_factory(url)() as session:
        return {guid: story for guid, story in session.execute(select(Item.guid, Item.story_id))}


def counts(url: str) -> tuple[int, int]:
    with session_factory(url)() as session:
        return (session.scalar(select(func.count()).select_from(Item)) or 0,
                session.scalar(select(func.count()).select_from(Story)) or 0)


@pytest.fixture
def target(second_db_url: str) -> str:
    migrate.upgrade(second_db_url)
    return second_db_url


def test_export_import_export_is_exact(migrated_url: str, target: str) -> None:
    fill(migrated_url)
    first = exported(migrated_url)
    with session_scope(target) as session:
        result = import_archive(session, io.StringIO(first))
    assert result == {"sources": 0, "stories": 5, "items": 7, "aliases": 1, "revisions": 1,
                      "merges": 7}
    assert exported(target) == first
    assert stored(target) == stored(migrated_url)  # the same GUIDs in the same stories
    lines = [json.loads(line) for line in first.splitlines()]
    items = [r for r in lines if r.get("type") == "item"]
    assert {len(r["aliases"]) for r in items} == {0, 1}
    assert any(r["revisions"] and r["revisions"][0]["changed_fields"] for r in items)
    assert all(r["relevance"] and r["reasons"] and r["provenance"] is not None for r in items)
    # The archive goes on: the next crawled item gets a fresh id (PostgreSQL's sequences).
    with session_scope(target) as session:
        new = upsert_article(session, article("A later item", "Text.", "https://x.int/later"))
        assert new.outcome == "new" and new.item.id == 8


def test_the_export_reads_one_chunk_at_a_time(migrated_url: str) -> None:
    fill(migrated_url)
    item_reads: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().startswith("SELECT item.id") and "LIMIT" in statement:
            item_reads.append(statement)

    engine = engine_for(migrated_url)
    event.listen(engine, "before_cursor_execute", count)
    try:
        with session_factory(migrated_url)() as session:
            lines: Iterator[str] = export_jsonl(session, chunk=3)
            while '"type":"item"' not in next(lines):
                pass
            assert len(item_reads) == 1  # lazily: the first chunk only, of 3 rows
            rest = list(lines)
        assert len(item_reads) == 3  # 7 items: 3 + 3 + 1, never the whole table
        assert sum('"type":"item"' in line for line in rest) == 6
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_filters_choose_items_and_what_belongs_to_them(migrated_url: str, target: str) -> None:
    fill(migrated_url)
    chosen = ExportFilter(source="osce", since=date(2019, 1, 1), levels=("primary",))
    records = [json.loads(line) for line in exported(migrated_url, chosen).splitlines()[1:]]
    items = [r for r in records if r["type"] == "item"]
    assert items and all(r["source"] == "osce" and r["relevance"] == "primary"
                         and r["published"] >= "2019-01-01" for r in items)
    ids = {r["id"] for r in items}
    assert {r["id"] for r in records if r["type"] == "story"} == {r["story"] for r in items}
    merges = [r for r in records if r["type"] == "merge"]
    assert all(m["item"] in ids and m["matched_item"] in ids | {None} for m in merges)
    assert [r["name"] for r in records if r["type"] == "source"] == ["osce"]
    with session_scope(target) as session:  # a part of an archive is an archive too
        assert import_archive(session, io.StringIO(exported(migrated_url, chosen)))["items"] \
            == len(items)

    with session_factory(migrated_url)() as session:
        rows = list(csv.DictReader(io.StringIO("".join(export_csv(session, chosen)))))
    assert [int(r["id"]) for r in rows] == sorted(ids)
    assert all(r["guid"].startswith("urn:uuid:") and json.loads(r["reasons"]) for r in rows)


HEADER = '{"format":"coopwatch-archive","version":1}\n'


@pytest.mark.parametrize(("lines", "error"), [
    ([HEADER, '{"type":"story","id":1,"title":"x"\n'], "line 2: not valid JSON"),
    (['{"format":"coopwatch-archive","version":2}\n'], "line 1: export version 2 is not"),
    (['{"guid":"urn:uuid:1"}\n'], "line 1: not a coopwatch export"),
    ([HEADER, '{"type":"story","id":7,"title":"t","first_published":null,'
      '"created":"2024-01-01T00:00:00Z","colour":"red"}\n'],
     "line 2: unknown field 'colour' in a story record"),
    ([HEADER, '{"type":"story","id":7,"title":"t","first_published":"yesterday",'
      '"created":"2024-01-01T00:00:00Z"}\n'], "line 2: a story record: 'first_published'"),
    ([HEADER, '{"type":"item","id":1}\n'], "line 2: an item record lacks the field 'guid'"),
    ([HEADER, '{"type":"comment"}\n'], "line 2: 'type' must be one of"),
    ([HEADER, "[1, 2]\n"], "line 2: a record must be a JSON object"),
    ([], "the file is empty"),
])
def test_bad_input_is_refused_by_line_and_nothing_is_stored(
        sqlite_url: str, lines: list[str], error: str) -> None:
    with pytest.raises(ImportFailed, match=error.replace("(", r"\(")), \
            session_scope(sqlite_url) as session:
        import_archive(session, lines)
    assert counts(sqlite_url) == (0, 0)


def test_a_bad_line_late_in_a_good_file_leaves_nothing(migrated_url: str, target: str) -> None:
    fill(migrated_url)
    lines = exported(migrated_url).splitlines(keepends=True)
    last_item = max(i for i, line in enumerate(lines) if '"type":"item"' in line)
    broken = [*lines[:last_item], lines[last_item].replace('"story":', '"story_id":'),
              *lines[last_item + 1:]]
    with pytest.raises(ImportFailed, match=f"line {last_item + 1}: unknown field 'story_id'"), \
            session_scope(target) as session:
        import_archive(session, broken)
    # Two items with one GUID: only the database sees it; the batch's lines are named.
    first_item = min(i for i, line in enumerate(lines) if '"type":"item"' in line)
    twin = json.loads(lines[last_item])
    twin |= {"id": 999, "canonical_url": "https://example.org/twin", "aliases": []}
    twin["guid"] = json.loads(lines[first_item])["guid"]
    doubled = [*lines[:last_item + 1], json.dumps(twin) + "\n"]
    refused = rf"lines \d+–{len(doubled)}: the archive refused them: .*guid"
    with pytest.raises(ImportFailed, match=refused), \
            session_scope(target) as session:
        import_archive(session, doubled)
    assert counts(target) == (0, 0)
    with session_factory(target)() as session:
        assert session.scalar(select(func.count()).select_from(ItemAlias)) == 0
        assert session.scalar(select(func.count()).select_from(ItemRevision)) == 0


def test_import_refuses_an_archive_that_is_not_empty(migrated_url: str) -> None:
    fill(migrated_url)
    with pytest.raises(ImportFailed, match=r"the archive is not empty \(7 items, 5 stories\)"), \
            session_scope(migrated_url) as session:
        import_archive(session, [HEADER])


def test_the_commands_round_trip_and_refuse_bad_input(cli_env: dict[str, str],
                                                     tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    fill(cli_env["COOPWATCH_DATABASE_URL"])
    out = tmp_path / "archive.jsonl"
    result = runner.invoke(app, ["export", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    table = runner.invoke(app, ["export", "--format", "csv", "--level", "primary"])
    assert table.exit_code == 0 and table.stdout.startswith("id,guid,source,url,title")
    bad_level = runner.invoke(app, ["export", "--level", "urgent"])
    assert bad_level.exit_code == 2 and "'urgent': use one of" in bad_level.stderr
    bad_source = runner.invoke(app, ["export", "--source", "europol"])
    assert bad_source.exit_code == 1 and "no source 'europol'" in bad_source.stderr

    monkeypatch.setenv("COOPWATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    broken = tmp_path / "broken.jsonl"
    broken.write_text(HEADER + "{oops\n")
    refused = runner.invoke(app, ["import", str(broken)])
    assert refused.exit_code == 1
    assert refused.stderr.strip().splitlines() == [
        f"Error: {broken}: line 2: not valid JSON (Expecting property name enclosed in double "
        "quotes at column 2); nothing was imported"]
    imported = runner.invoke(app, ["import", str(out)])
    assert imported.exit_code == 0, imported.stderr
    assert "7 items" in imported.stderr
    again = runner.invoke(app, ["export"])
    assert again.stdout == out.read_text(encoding="utf-8")
    twice = runner.invoke(app, ["import", str(out)])
    assert twice.exit_code == 1 and "the archive is not empty" in twice.stderr
