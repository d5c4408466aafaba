"""Show why an item matched: its text with the relevance classifier's spans marked. Every
piece of scraped text is escaped; only our own `<mark>` and `<span>` tags are markup.

Reasons (Item.relevance_reasons) give positions in each field as the classifier read it: the
title, the subtitle, and as body the summary followed by the body unless the body repeats it
(relevance.body_with_summary). So the body shown is whichever reading the spans fit,
and a span whose text is not at its position is left unmarked (and listed), never misplaced.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from storage.models import Item

KINDS = ("alias", "cue", "pair")  # rule prefixes with their own colour; others are "other"


@dataclass
class Marked:
    title: Markup
    subtitle: Markup | None
    body: Markup
    decision: dict[str, Any] | None
    unplaced: list[dict[str, Any]] = field(default_factory=list)


def _fits(text: str, reason: dict[str, Any]) -> bool:
    start, end, want = reason.get("start"), reason.get("end"), reason.get("text") or ""
    # The stored text of a long span (a decisive sentence) may be cut: compare its start.
    return (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
            and bool(want) and text[start:end].startswith(want))


def mark(text: str, reasons: list[dict[str, Any]]) -> Markup:
    """`text` escaped, with each fitting span in a <mark> and the decisive one in a span."""
    spans = [r for r in reasons if _fits(text, r)]
    cuts = sorted({0, len(text)} | {r["start"] for r in spans} | {r["end"] for r in spans})
    out = []
    for a, b in itertools.pairwise(cuts):
        piece: Markup = escape(text[a:b])
        covering = [r for r in spans if r["start"] <= a and b <= r["end"]]
        hits = [r for r in covering if not str(r.get("rule")).startswith("decision:")]
        if hits:
            best = str(max(hits, key=lambda r: r.get("weight") or 0)["rule"]).split(":")[0]
            rules = ", ".join(sorted({str(r["rule"]) for r in hits}))
            piece = Markup('<mark class="{}" title="{}">{}</mark>').format(
                best if best in KINDS else "other", rules, piece)
        if len(hits) < len(covering):
            piece = Markup('<span class="decisive">{}</span>').format(piece)
        out.append(piece)
    return Markup("").join(out)


def explain(item: Item) -> Marked:
    """The item's fields with their spans marked, and the decision that set its level."""
    reasons = [r for r in item.relevance_reasons or [] if isinstance(r, dict)]
    by_field = {name: [r for r in reasons if r.get("field") == name]
                for name in ("title", "subtitle", "body")}
    readings = [item.body or ""]
    if item.summary and item.summary.strip():
        readings.append(f"{item.summary.strip()}\n\n{item.body or ''}")
    body = max(readings, key=lambda text: sum(_fits(text, r) for r in by_field["body"]))
    texts = {"title": item.title, "subtitle": item.subtitle or "", "body": body}
    decisions = [r for r in reasons if str(r.get("rule")).startswith("decision:")]
    unplaced = [r for name, rs in by_field.items() for r in rs
                if r.get("text") and not _fits(texts[name], r)]
    return Marked(title=mark(item.title, by_field["title"]),
                  subtitle=mark(item.subtitle, by_field["subtitle"]) if item.subtitle else None,
                  body=mark(body, by_field["body"]), decision=decisions[-1] if decisions else None,
                  unplaced=unplaced)
