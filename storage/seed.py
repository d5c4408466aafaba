"""The seeded archive: five vendored documents imported as items (origin `seed`).

The texts are dumps of web pages and a PDF, so the importer cleans them: the OSCE navigation
menu and labelled-field block that open 000 and 003, the carousel counter, photo captions and
pull quotes that the INTERPOL page (001) interleaves with its body, markdown emphasis in the
speech (004). Importing twice changes nothing (every item comes back `unchanged`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from core.article import Article, Origin, Relevance
from storage.batch import upsert_articles
from storage.db import as_utc_midnight
from storage.fingerprint import normalise
from storage.repository import Outcome

SEEDS_DIR = Path(__file__).parent / "seeds"
Classifier = Callable[[Article], Relevance]

_COUNTER = re.compile(r"^\d+\s*/?\s*$")
# "…two organizations.Participants discussed…": paragraphs the dump ran together.
_RUN_ON = re.compile(r"(?<=[a-z0-9)][.!?])(?=[A-Z“\"])|(?<=[a-z][.!?][”\"])(?=[A-Z“])")
_LABEL = re.compile(r"^-\s*([A-Z][\w ]+):\s*$")


@dataclass(frozen=True)
class SeedDoc:
    file: str
    organisation: str
    content_type: str
    title: str
    date: date
    date_raw: str
    place: str | None
    url: str | None
    tags: tuple[str, ...]
    language: str


def load_manifest(seeds_dir: Path = SEEDS_DIR) -> list[SeedDoc]:
    data = json.loads((seeds_dir / "manifest.json").read_text(encoding="utf-8"))
    return [
        SeedDoc(file=d["file"], organisation=d["organisation"], content_type=d["content_type"],
                title=d["title"], date=date.fromisoformat(d["date"]), date_raw=d["date_raw"],
                place=d["place"], url=d["url"], tags=tuple(d["tags"]), language=d["language"])
        for d in data["documents"]
    ]


def _after_title(lines: list[str], title: str) -> tuple[list[str], str | None]:
    """Drop everything up to the title line and the labelled-field block after it.

    Returns the remaining lines and the standfirst (a lead line between title and fields)."""
    key = normalise(title)
    for i, line in enumerate(lines):
        if normalise(line) == key:
            rest = lines[i + 1 :]
            break
    else:
        return lines, None
    lead: list[str] = []
    while rest and not rest[0].startswith("- "):
        lead.append(rest.pop(0).strip())
    if not rest:  # no labelled block: what followed the title is the body
        return lead, None
    while rest and (rest[0].startswith("- ") or not rest[0].strip()):
        rest.pop(0)  # "- Date:", "- BRATISLAVA", "- Fields of work:", …
    standfirst = " ".join(x for x in lead if x) or None
    return rest, standfirst


def clean_text(raw: str, title: str) -> tuple[str, str | None]:
    """(body, standfirst) of one seed dump."""
    raw = raw.replace("\r\n", "\n").replace("**", "").replace("\\$", "$")
    lines, standfirst = _after_title(raw.split("\n"), title)
    # Indented lines are markup residue of the page: captions, pull quotes, carousel widgets.
    kept = [ln.strip() for ln in lines if ln.strip() and not ln[:1].isspace()]
    kept = [ln for ln in kept if not _COUNTER.match(ln)]
    paragraphs = [re.sub(r"\s{2,}", " ", p).strip() for ln in kept for p in _RUN_ON.split(ln)
                  if p.strip()]
    # A short paragraph that repeats a longer one's sentence is a caption or a pull quote.
    norm = [normalise(p) for p in paragraphs]
    body = [p for i, p in enumerate(paragraphs)
            if not any(j != i and len(norm[j]) > len(norm[i]) and norm[i] in norm[j]
                       for j in range(len(norm)))]
    # Old INTERPOL pages open with "All news" and the date above the title.
    while body and normalise(body[0]) in ("all news", normalise(title)):
        body.pop(0)
    return "\n\n".join(body), standfirst


def _summary(body: str, limit: int = 400) -> str:
    first = body.split("\n\n", 1)[0]
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(". ", 1)[0]
    return cut + ("." if not cut.endswith(".") else "") + " …"


def seed_articles(seeds_dir: Path = SEEDS_DIR) -> list[Article]:
    articles = []
    for doc in load_manifest(seeds_dir):
        raw = (seeds_dir / doc.file).read_text(encoding="utf-8")
        body, standfirst = clean_text(raw, doc.title)
        fields = ["title", "body", "summary", "published_at", "content_type", "tags", "language"]
        fields += [f for f, v in (("place", doc.place), ("subtitle", standfirst)) if v]
        articles.append(Article(
            source=doc.organisation,
            url=doc.url or f"seed:{Path(doc.file).stem}",
            title=doc.title,
            subtitle=standfirst,
            summary=_summary(body),
            body=body,
            place=doc.place,
            content_type=doc.content_type,
            tags=list(doc.tags),
            language=doc.language,
            published_at=as_utc_midnight(doc.date),
            published_raw=doc.date_raw,
            provenance=dict.fromkeys(fields, "seed"),
            origin=Origin.SEED,
        ))
    return articles


def import_seeds(session: Session, classify: Classifier | None = None,
                 seeds_dir: Path = SEEDS_DIR) -> dict[str, Any]:
    """Upsert the seeded archive; returns {outcome: count, "items": [ids]}."""
    counts: dict[str, Any] = {o.value: 0 for o in Outcome} | {"items": []}
    articles = seed_articles(seeds_dir)
    if classify is not None:
        for article in articles:
            article.relevance = classify(article)
    for result in upsert_articles(session, articles):
        counts[result.outcome.value] += 1
        counts["items"].append(result.item.id)
    return counts
