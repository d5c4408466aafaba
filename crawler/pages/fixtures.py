"""Page-object fixtures: find them, read them, run their page object, compare with expectations.

A case is tests/pages/<source>/<case>/ with three files (STYLE.md, "Page objects and fixtures"):
    input.html     the bytes as served (never edited; decoded with the headers below)
    meta.json      {"url", "captured_at", "origin": "replica"|"live", "source",
                    "kind": "article"|"listing"|"feed", "headers": {…}, "status"}
    expected.json  every field as {"layer", "value"}, plus "page_object" (or just "raises");
                   keys sorted, no empty values: a field that should be absent is not there
COOPWATCH_FIXTURES_DIR overrides where cases are looked for.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from w3lib.encoding import html_to_unicode

from core.article import Article
from crawler.pages.base import BrokenFeed, Listing, NotAnArticle
from crawler.pages.dispatch import (
    parse_article_with_page,
    parse_feed_with_page,
    parse_listing_with_page,
)

KINDS = ("article", "listing", "feed")
FIXTURES_ENV = "COOPWATCH_FIXTURES_DIR"
ARTICLE_FIELDS = ("body", "content_type", "language", "place", "published_at", "published_raw",
                  "subtitle", "summary", "tags", "title", "url")
ENTRY_FIELDS = ("content_type", "published", "tags", "teaser", "title", "url")
EXPECTED_FAILURES = (NotAnArticle, BrokenFeed)


def fixtures_root() -> Path:
    default = Path(__file__).resolve().parents[2] / "tests" / "pages"
    return Path(os.environ.get(FIXTURES_ENV) or default)


def discover(root: Path) -> list[Path]:
    """Every case folder under root (<source>/<case>/ holding an input.html), sorted."""
    return sorted(p.parent for p in root.glob("*/*/input.html"))


@dataclass(frozen=True)
class Case:
    path: Path
    meta: dict[str, Any]

    @classmethod
    def load(cls, path: Path) -> Case:
        return cls(path, json.loads((path / "meta.json").read_text(encoding="utf-8")))

    @property
    def body(self) -> bytes:
        return (self.path / "input.html").read_bytes()

    def text(self) -> str:
        """The page decoded as a browser would: header charset, then <meta charset>, then UTF-8."""
        content_type = {k.lower(): v for k, v in self.meta.get("headers", {}).items()}.get(
            "content-type")
        return html_to_unicode(content_type, self.body)[1]


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _fields(obj: Any, names: tuple[str, ...], provenance: dict[str, str]) -> dict[str, Any]:
    # A non-empty field without a layer is a page-object bug: KeyError says which field.
    return {name: {"layer": provenance[name], "value": _jsonable(getattr(obj, name))}
            for name in names if getattr(obj, name) not in (None, "", [])}


def serialise_article(article: Article, page: str) -> dict[str, Any]:
    return {**_fields(article, ARTICLE_FIELDS, article.provenance), "page_object": page}


def serialise_listing(listing: Listing, page: str) -> dict[str, Any]:
    out: dict[str, Any] = {"page_object": page}
    if listing.entries:
        out["entries"] = [_fields(e, ENTRY_FIELDS, e.provenance) for e in listing.entries]
    if listing.next_url:
        out["next_url"] = {"layer": listing.provenance["next_url"], "value": listing.next_url}
    return out


def extract(case: Case) -> dict[str, Any]:
    """What the page objects read from a case, in expected.json's shape."""
    source, kind, url = case.meta["source"], case.meta["kind"], case.meta["url"]
    try:
        if kind == "article":
            return serialise_article(*parse_article_with_page(source, url, case.text()))
        if kind == "listing":
            return serialise_listing(*parse_listing_with_page(source, url, case.text()))
        if kind == "feed":
            return serialise_listing(*parse_feed_with_page(source, url, case.body))
    except EXPECTED_FAILURES as err:
        return {"raises": type(err).__name__}
    raise ValueError(f"{case.path}: unknown kind {kind!r}; use one of {KINDS}")


def dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def expected_problems(text: str) -> list[str]:
    """Why an expected.json is unusable: empty, keys out of order, or empty values."""
    problems: list[str] = []

    def check(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        if keys != sorted(keys):
            problems.append(f"keys not sorted: {keys}")
        problems.extend(f"empty value for {k!r}" for k, v in pairs if v in (None, "", [], {}))
        return dict(pairs)

    try:
        data = json.loads(text, object_pairs_hook=check)
    except ValueError as err:
        return [f"not JSON: {err}"]
    if not data:
        problems.append("expected.json is empty")
    return problems


def compare(got: dict[str, Any], want: dict[str, Any]) -> list[str]:
    """One message per differing field (per entry field for listings)."""
    messages = []
    for key in sorted(set(got) | set(want)):
        g, w = got.get(key), want.get(key)
        if key == "entries" and isinstance(g, list) and isinstance(w, list):
            if len(g) != len(w):
                messages.append(f"entries: expected {len(w)}, got {len(g)}")
            for i, (ge, we) in enumerate(zip(g, w, strict=False)):
                messages += [f"entries[{i}].{m}" for m in compare(ge, we)]
        elif g != w:
            messages.append(f"{key}: expected {_short(w)}, got {_short(g)}")
    return messages


def _short(value: Any, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} chars)"
