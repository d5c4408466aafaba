"""classify(): one item's level, score and reasons. Its names are found, the sentences
around them scored (relevance.matching), and the rule that decided is the last reason;
classify_article() does the same for an Article."""

from __future__ import annotations

import logging
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

from core.article import Article, Level, Relevance
from core.sources import other_organisation
from relevance.matching import _Contribution, _Hit, _score_anchor, _Unit
from relevance.rules import _HYPHENS, DISPLAY, ORGS, PUBLISHED_BY, Rules, load_rules
from relevance.sentences import _DATELINE, _SKIP_BACK, _count_words, _sentence_span
from relevance.text import _as_text, body_with_summary, clean_text

logger = logging.getLogger(__name__)


_SAME_NAME_GAP = re.compile(rf"[\s(/{_HYPHENS}]*")


def _find_hits(text: str, field_name: str, rules: Rules) -> list[_Hit]:
    hits: list[_Hit] = []
    for m in islice(rules.aliases.finditer(text), rules.max_hits):
        org = m.lastgroup or ""
        start, end = m.span(org)  # an Arabic clitic before the name is not the name
        prev = hits[-1] if hits else None
        # "ICPO-INTERPOL", "… in Europe (OSCE)": one name, not two
        if prev and prev.org == org and _SAME_NAME_GAP.fullmatch(text, prev.end, start):
            if "(" in text[prev.end:start] and text[end:end + 1] == ")":
                end += 1
            prev.end, prev.text = end, text[prev.start:end]
            continue
        hits.append(_Hit(org, field_name, start, end, text[start:end], True))
    if rules.not_actor is not None:
        for h in hits:
            h.actor = rules.not_actor.match(text, h.end) is None
    return hits


def _skip_dateline(text: str, start: int, end: int, hits: list[_Hit]) -> int:
    m = _DATELINE.match(text, start)
    if m and m.end() < end and not any(start <= h.start < m.end() for h in hits):
        return m.end()
    return start


def _lead_span(text: str, hits: list[_Hit], rules: Rules) -> tuple[int, int] | None:
    """The first body sentence with at least lead_min_words words (menus and datelines skipped)."""
    pos = 0
    for _ in range(40):
        while pos < len(text) and text[pos] in _SKIP_BACK:
            pos += 1
        if pos >= len(text):
            return None
        s, e = _sentence_span(text, pos, pos, rules.sentence_reach_chars)
        s = _skip_dateline(text, s, e, hits)
        if _count_words(text[s:e]) >= rules.lead_min_words:
            return s, e
        pos = max(e, pos + 1)
    return None


def _neighbourhood(text: str, start: int, end: int, n: int, reach: int) -> tuple[int, int]:
    lo, hi = start, end
    for _ in range(n):
        p = lo - 1
        while p > 0 and text[p] in _SKIP_BACK:
            p -= 1
        if p > 0:
            lo = _sentence_span(text, p, p + 1, reach)[0]
        q = hi
        while q < len(text) and text[q] in _SKIP_BACK:
            q += 1
        if q < len(text):
            hi = _sentence_span(text, q, q + 1, reach)[1]
    return lo, hi


_ASCII_LETTERS = string.ascii_letters.encode()
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")


def _non_latin_share(texts: Iterable[str]) -> float:
    letters = latin = 0
    for text in texts:
        text = text[:20_000]
        # ASCII letters are Latin: counted in C; only the other characters one by one
        ascii_part = text.encode("ascii", "ignore")
        ascii_letters = len(ascii_part) - len(ascii_part.translate(None, _ASCII_LETTERS))
        letters += ascii_letters
        latin += ascii_letters
        if len(ascii_part) < len(text):
            for ch in _ASCII_RUNS.sub("", text):
                if ch.isalpha():
                    letters += 1
                    latin += ord(ch) < 0x250 or 0x1E00 <= ord(ch) <= 0x1EFF
    return 0.0 if not letters else 1 - latin / letters


def classify(title: str, body: str, subtitle: str | None = None, source: str | None = None,
             rules: Rules | None = None) -> Relevance:
    """Level, score and reasons of one item. Never raises on odd input (None, bytes, HTML,
    several MB, any script): such input still gets a level and a reason saying why."""
    rules = rules or load_rules()
    try:
        return _classify(title, body, subtitle, source, rules)
    except Exception as err:  # a bug must not stop a crawl; the reason makes it visible
        logger.exception("relevance failed on %(title)r", {"title": str(title)[:80]})
        return Relevance(Level.NONE, 0.0, [{
            "rule": "decision:error", "field": "body", "start": 0, "end": 0, "text": "",
            "weight": 0.0, "detail": f"classifier error: {type(err).__name__}: {err}"}])


def classify_article(article: Article, rules: Rules | None = None) -> Relevance:
    """classify() on an Article; its summary leads the body unless the body repeats it."""
    return classify(article.title, body_with_summary(article.summary, article.body),
                    article.subtitle, article.source, rules)


def _read_fields(title: Any, subtitle: Any, body: Any,
                 rules: Rules) -> tuple[dict[str, str], list[_Contribution]]:
    """Plain text of each field, and notes on what was done to it (cut, HTML removed)."""
    notes: list[_Contribution] = []
    texts: dict[str, str] = {}
    for name, raw in (("title", title), ("subtitle", subtitle), ("body", body)):
        text = _as_text(raw)
        if len(text) > rules.max_body_chars:
            notes.append(_Contribution(
                "limit:max_body_chars", name, rules.max_body_chars, len(text), "", 0.0,
                f"only the first {rules.max_body_chars} characters of {len(text)} were read"))
            text = text[:rules.max_body_chars]
        text, was_html = clean_text(text)
        if was_html:
            notes.append(_Contribution(
                "clean:html", name, 0, len(text), "", 0.0,
                "HTML tags and entities removed; positions refer to the cleaned text"))
        texts[name] = text
    if _non_latin_share(texts.values()) > 0.5:
        notes.append(_Contribution(
            "note:script", "body", 0, 0, "", 0.0,
            "most letters are not Latin script: names and cue phrases are English, French, "
            "Spanish and a few Arabic ones, so little else can match"))
    return texts, notes


@dataclass
class _Scored:
    """One name of the other organisation, scored in its sentence."""

    score: float
    rule: str  # the strongest contribution, or "headline" / "mention"
    unit: _Unit
    contributions: list[_Contribution]


def _score_sentences(texts: dict[str, str], hits: dict[str, list[_Hit]], publisher: str | None,
                     rules: Rules) -> list[_Scored]:
    """Score the sentence of every acting name of the other organisation, best first."""
    all_hits = [h for name in texts for h in hits[name]]
    anchors = [h for h in all_hits if h.actor and h.org != publisher]
    headline_orgs = {h.org for name in ("title", "subtitle") for h in hits[name]}
    lead = _lead_span(texts["body"], hits["body"], rules)
    units: dict[tuple[str, int, int], _Unit] = {}
    scored = []
    for anchor in anchors:
        text = texts[anchor.field]
        s, e = _sentence_span(text, anchor.start, anchor.end, rules.sentence_reach_chars)
        if anchor.field == "body":
            s = _skip_dateline(text, s, e, hits["body"])
        unit = units.get((anchor.field, s, e))
        if unit is None:
            unit = units[(anchor.field, s, e)] = _Unit(
                anchor.field, s, e, text[s:e], lead=anchor.field == "body" and lead == (s, e),
                headline=anchor.field != "body",
                hits=[h for h in hits[anchor.field] if s <= h.start and h.end <= e])
        partner = publisher or other_organisation(anchor.org)
        if publisher is None and not _partner_near(unit, partner, text, headline_orgs,
                                                   hits[anchor.field], rules):
            continue
        score, contributions = _score_anchor(unit, anchor, partner, publisher is not None,
                                             rules)
        rule = max(contributions, key=lambda c: c.weight).rule if contributions else "mention"
        if unit.headline and score < rules.headline_score:
            # a headline naming the other organisation is what the item is about
            score, rule = rules.headline_score, "headline"
            contributions.append(_Contribution(
                "headline", unit.field, anchor.start, anchor.end, anchor.text,
                rules.headline_score, f"the {unit.field} names {PUBLISHED_BY[anchor.org]}"))
        scored.append(_Scored(score, rule, unit, contributions))
    return sorted(scored, key=lambda x: -x.score)


def _classify(title: Any, body: Any, subtitle: Any, source: Any, rules: Rules) -> Relevance:
    texts, notes = _read_fields(title, subtitle, body, rules)
    publisher = rules.sources.get(source.strip().lower()) if isinstance(source, str) else None
    hits = {name: _find_hits(text, name, rules) for name, text in texts.items()}
    named = {org: [h for name in texts for h in hits[name] if h.org == org] for org in ORGS}
    reasons = [n.as_reason() for n in notes]
    for org in ORGS:
        reasons += [_Contribution(f"alias:{org}", h.field, h.start, h.end, h.text, 0.0,
                                  "" if h.actor else "a place or membership, not the "
                                  "organisation acting").as_reason() for h in named[org][:5]]

    needed = [other_organisation(publisher)] if publisher else list(ORGS)
    missing = [org for org in needed if not named[org]]
    if missing:
        who = (f"source {source!r} is published by {PUBLISHED_BY[publisher]}, so the other "
               f"organisation must be named" if publisher else
               f"source {source!r} is not one organisation's, so both must be named")
        detail = f"{' and '.join(DISPLAY[o] for o in missing)} not named ({who})"
        return _decide(Level.NONE, 0.0, "none", None, detail, reasons, rules)

    scored = _score_sentences(texts, hits, publisher, rules)
    seen: set[tuple[str, str, int, int]] = set()
    for item in scored:
        for c in sorted(item.contributions, key=lambda c: -c.weight):
            if (c.rule, c.field, c.start, c.end) not in seen:
                seen.add((c.rule, c.field, c.start, c.end))
                reasons.append(c.as_reason())
    best = scored[0] if scored else None
    score = best.score if best else 0.0
    if best is None or score < rules.secondary_score:
        names = " and ".join(f"{DISPLAY[o]} ({len(named[o])}×)" for o in needed)
        detail = (f"{names} named, but no sentence reaches secondary_score "
                  f"{rules.secondary_score:g} (best {score:.2f})")
        first = best.unit if best else named[needed[0]][0]
        return _decide(Level.MENTION, max(score, rules.mention_score), "mention", first,
                       detail, reasons, rules)
    level, threshold = ((Level.PRIMARY, f"primary_score {rules.primary_score:g}")
                        if score >= rules.primary_score else
                        (Level.SECONDARY, f"secondary_score {rules.secondary_score:g}"))
    parts = " + ".join(f"{c.rule.removeprefix('cue:')} {c.weight:.2f}" for c in best.contributions)
    detail = f"{best.unit.field} sentence scores {score:.2f} ≥ {threshold} ({parts})"
    return _decide(level, score, best.rule.removeprefix("cue:"), best.unit, detail, reasons,
                   rules)


def _partner_near(unit: _Unit, partner: str, text: str, headline_orgs: set[str],
                  field_hits: list[_Hit], rules: Rules) -> bool:
    """For sources that must name both: is the partner named in this sentence, a headline, or
    within neighbour_sentences? (A third-party item naming one organisation in its first
    paragraph and the other at its end is not about them working together.)"""
    if any(h.org == partner for h in unit.hits) or partner in headline_orgs:
        return True
    lo, hi = _neighbourhood(text, unit.start, unit.end, rules.neighbour_sentences,
                            rules.sentence_reach_chars)
    return any(h.org == partner and lo <= h.start < hi for h in field_hits)


def _decide(level: Level, score: float, rule: str, where: _Unit | _Hit | None, detail: str,
            reasons: list[dict[str, Any]], rules: Rules) -> Relevance:
    """The result, with the decision as the last reason; `where` is the deciding sentence."""
    decision = {"rule": f"decision:{rule}", "field": where.field if where else "body",
                "start": where.start if where else 0, "end": where.end if where else 0,
                "text": where.text[:300] if where else "", "weight": round(score, 3),
                "level": level.value, "detail": detail}
    return Relevance(level, round(score, 3), [*reasons[: rules.max_reasons - 1], decision])
