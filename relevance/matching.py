"""What one sentence says about co-operation: the cue groups matched around each name of
an organisation (before, after, near it, or linking two names), weighed by the name's place
in a list, a clause or the lead, and the pair of both names acting together."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from relevance.rules import CueGroup, Rules
from relevance.sentences import _WORD, _count_words, _word_start_back


@dataclass
class _Hit:
    org: str
    field: str
    start: int
    end: int
    text: str
    actor: bool


@dataclass(frozen=True)
class _ListCtx:
    """Where a name sits in its sentence's comma-separated items (offsets relative)."""

    items: int = 1
    first_start: int = 0
    core_start: int = 0  # end of the first item
    core_end: int = 0  # start of the last item
    last_end: int = 0
    inclusion: str | None = None  # the marker ("such as") before the name or its list

    @property
    def is_list(self) -> bool:
        return self.items > 1


@dataclass
class _Contribution:
    rule: str
    field: str
    start: int
    end: int
    text: str
    weight: float
    detail: str = ""

    def as_reason(self) -> dict[str, Any]:
        reason: dict[str, Any] = {"rule": self.rule, "field": self.field, "start": self.start,
                                  "end": self.end, "text": self.text,
                                  "weight": round(self.weight, 3)}
        if self.detail:
            reason["detail"] = self.detail
        return reason


_SEP = re.compile(r"\s*[,;]\s*(?:(?:and|or)\s+)?|\s+(?:and|or|as\s+well\s+as)\s+", re.IGNORECASE)
_CLAUSE_PUNCT = re.compile(r"[,;:()\[\]]")
_POSSESSIVE = re.compile(r"^['’]s\b")


@dataclass
class _Unit:
    """One sentence (or headline) holding names; offsets of hits are absolute in the field."""

    field: str
    start: int
    end: int
    text: str
    lead: bool
    headline: bool
    hits: list[_Hit]
    masked: str = ""
    cue_cache: dict[str, list[tuple[int, int]]] = dataclasses.field(default_factory=dict)
    lists: dict[int, _ListCtx] = dataclasses.field(default_factory=dict)
    # Per sentence, not per name or cue group: names and ignored phrases no cue may overlap,
    # and the sentence cut at its separators (with each piece's word count).
    blocked: list[tuple[int, int]] | None = None
    word_starts: list[int] | None = None
    pieces: tuple[list[re.Match[str]], list[tuple[int, int]], list[int]] | None = None

    def __post_init__(self) -> None:
        # Names become "XXXX": one word, never a separator ("Security and Co-operation").
        chars = list(self.text)
        for h in self.hits:
            chars[h.start - self.start:h.end - self.start] = "X" * (h.end - h.start)
        self.masked = "".join(chars)

    def rel(self, hit: _Hit) -> tuple[int, int]:
        return hit.start - self.start, hit.end - self.start


def _list_context(unit: _Unit, hit: _Hit, rules: Rules) -> _ListCtx:
    cached = unit.lists.get(hit.start)
    if cached is not None:
        return cached
    text = unit.masked
    hs, he = unit.rel(hit)
    if unit.pieces is None:
        found = list(_SEP.finditer(text))
        cuts = list(zip([0] + [m.end() for m in found], [m.start() for m in found] + [len(text)],
                        strict=True))
        unit.pieces = found, cuts, [_count_words(text[a:b]) for a, b in cuts]
    seps, segs, words = unit.pieces
    i = next((k for k, (a, b) in enumerate(segs) if a <= hs < b), len(segs) - 1)
    limit = rules.list_max_item_words
    first_allowed = 0
    if len(seps) and seps[0].group().strip()[:1] in ",;":
        lead_words = _WORD.findall(text[segs[0][0]:segs[0][1]])
        if lead_words and (lead_words[0].lower() in rules.intro_words
                           or any(c.isdigit() for c in text[segs[0][0]:segs[0][1]])):
            first_allowed = 1  # "On 7 May, the OSCE and INTERPOL …": not a list item
    short_own = words[i] <= limit
    lo = hi = i
    if short_own or _count_words(text[segs[i][0]:hs]) <= limit:
        j = i - 1
        while j >= first_allowed and not _opens_clause(text, segs[lo], rules):
            lo = j
            if words[j] > limit:
                break  # the first item, with its lead-in ("Guest speakers included experts …")
            j -= 1
    if short_own or _count_words(text[he:segs[i][1]]) <= limit:
        j = i + 1
        while j < len(segs) and not _opens_clause(text, segs[j], rules):
            hi = j
            if words[j] > limit:
                break  # the last item, with the predicate ("… INTERPOL delivered talks")
            j += 1
    n = hi - lo + 1
    kinds = [seps[k].group().strip()[:1] for k in range(lo, hi)]
    has_comma = any(k in ",;" for k in kinds)
    # A list ends "…, B and C" or runs on ("A, B, C, D"); "The seminar, supported by Germany,
    # featured INTERPOL experts" is clauses between commas, not a list of three.
    has_conj = any(any(c.isalpha() for c in seps[k].group()) for k in range(lo, hi))
    if n >= rules.list_min_items and has_comma and (has_conj or n > rules.list_min_items):
        ctx = _ListCtx(items=n, first_start=segs[lo][0], core_start=seps[lo].start(),
                       core_end=seps[hi - 1].end(), last_end=segs[hi][1])
    else:
        ctx = _ListCtx()
    if rules.inclusion is not None:
        # "databases such as INTERPOL's", "organisations, including UNODC, the OSCE and …"
        if unit.word_starts is None:
            unit.word_starts = [m.start() for m in _WORD.finditer(unit.text)]
        region = _word_start_back(unit.word_starts, ctx.core_start if ctx.is_list else hs,
                                  rules.inclusion_words)
        markers = [m.group() for m in rules.inclusion.finditer(unit.text, region, hs)]
        if markers:
            ctx = dataclasses.replace(ctx, inclusion=markers[-1])
    unit.lists[hit.start] = ctx
    return ctx


def _opens_clause(text: str, seg: tuple[int, int], rules: Rules) -> bool:
    """Does this comma-separated piece open a clause ("…, which was organised by …")? Such a
    piece may lead into a list but is never a later item of one."""
    first = _WORD.match(text, seg[0])
    return first is not None and first.group().lower() in rules.clause_words


def _gap_ok(gap: str, window: int, names_only: frozenset[str] | None) -> bool:
    """Is the gap between a phrase and a name short and within one clause? With names_only
    (the words allowed besides names), only names and those words may stand in it."""
    gap = _POSSESSIVE.sub("", gap.strip())
    if _CLAUSE_PUNCT.search(gap):
        return False  # another clause: the phrase is about something else
    words = _WORD.findall(gap)
    if len(words) > window:
        return False
    return names_only is None or all(w[0].isupper() or w[0].isdigit()
                                     or w.lower() in names_only for w in words)


def _gap_before(unit: _Unit, ce: int, cs: int, ts: int, ctx: _ListCtx) -> str:
    """Text between a phrase ending at ce and a name starting at ts; a list is one name."""
    if ctx.is_list and cs >= ctx.first_start:
        return unit.masked[ce:ctx.core_start] if ce < ctx.core_start else ""
    return unit.masked[ce:ts]


def _gap_after(unit: _Unit, te: int, cs: int, ce: int, ctx: _ListCtx) -> str:
    if ctx.is_list and ce <= ctx.last_end:
        return unit.masked[ctx.core_end:cs] if cs > ctx.core_end else ""
    return unit.masked[te:cs]


def _related(unit: _Unit, g: CueGroup, span: tuple[int, int], target: _Hit, ctx: _ListCtx,
             partner: str, partner_implicit: bool, rules: Rules) -> bool:
    cs, ce = span
    ts, te = unit.rel(target)
    names_only = rules.name_gap_words if g.names_only_gap else None
    if ce <= ts:
        if g.place == "after":
            return False
        if not _gap_ok(_gap_before(unit, ce, cs, ts, ctx), g.window, names_only):
            return False
        # "in co-operation with the OSCE Centre" ties the name to the sentence's subject. In
        # the OSCE's or INTERPOL's own item the publisher is that subject; in anyone else's
        # the partner must be named before the phrase ("organised by the OSCE Unit in
        # co-operation with the OSCE Centre" is not INTERPOL working with the OSCE).
        return g.place != "link" or partner_implicit or any(
            h.org == partner and unit.rel(h)[1] <= cs for h in unit.hits)
    if cs >= te:
        if g.place == "before":
            return False
        if not _gap_ok(_gap_after(unit, te, cs, ce, ctx), g.window, names_only):
            return False
        if g.place != "link":
            return True
        # "INTERPOL NCB with the support of the OSCE Centre": the phrase must lead to the partner.
        return any(h.org == partner and unit.rel(h)[0] >= ce
                   and _gap_ok(unit.masked[ce:unit.rel(h)[0]], g.window, None)
                   for h in unit.hits)
    return False


def _cue_spans(unit: _Unit, g: CueGroup, rules: Rules) -> list[tuple[int, int]]:
    spans = unit.cue_cache.get(g.name)
    if spans is not None:
        return spans
    assert g.pattern is not None
    blocked = unit.blocked
    if blocked is None:
        blocked = unit.blocked = [unit.rel(h) for h in unit.hits]
        if rules.ignore is not None:
            blocked += [m.span() for m in rules.ignore.finditer(unit.text)]
    spans = [m.span() for m in g.pattern.finditer(unit.text)
             if m.end() > m.start() and not any(m.start() < b and a < m.end() for a, b in blocked)]
    unit.cue_cache[g.name] = spans
    return spans


def _context_factor(unit: _Unit, ctx: _ListCtx, rules: Rules, in_lead: float, in_list: float,
                    in_long_list: float, after_inclusion: float) -> tuple[float, str]:
    factor, notes = 1.0, []
    if unit.headline or unit.lead:
        factor *= in_lead
        notes.append(f"×{in_lead:g} in the {'headline' if unit.headline else 'lead'}")
    if ctx.is_list:
        long = ctx.items >= rules.list_long_items
        factor *= in_long_list if long else in_list
        notes.append(f"×{in_long_list if long else in_list:g} in a list of {ctx.items} items")
    if ctx.inclusion:
        factor *= after_inclusion
        notes.append(f"×{after_inclusion:g} after {ctx.inclusion!r}")
    return factor, "; ".join(notes)


def _score_anchor(unit: _Unit, anchor: _Hit, partner: str, partner_implicit: bool,
                  rules: Rules) -> tuple[float, list[_Contribution]]:
    """Score one name of the other organisation in its sentence. partner_implicit: the item is
    the partner's own publication, so the partner need not be named to be the actor."""
    ctx_anchor = _list_context(unit, anchor, rules)
    matched: dict[str, tuple[CueGroup, _Contribution]] = {}
    has_partner = any(h.org == partner for h in unit.hits)
    for g in rules.cues:  # required groups come first (see _required_first)
        if g.pattern is None or (g.needs_partner and not has_partner):
            continue
        if not all(r in matched for r in g.requires):
            continue  # "use of" counts only for a tool: "detained on an INTERPOL notice" is not
        if g.of != "other" and not (has_partner or partner_implicit):
            continue  # "used INTERPOL notices" says nothing of the OSCE unless it is there
        targets = [anchor] if g.of == "other" else [
            h for h in unit.hits if h.org == g.of and h.actor]
        best: tuple[float, tuple[int, int], str] | None = None
        for span in _cue_spans(unit, g, rules):
            for target in targets:
                ctx = ctx_anchor if target is anchor else _list_context(unit, target, rules)
                if not _related(unit, g, span, target, ctx, partner, partner_implicit, rules):
                    continue
                factor, detail = _context_factor(unit, ctx, rules, g.in_lead, g.in_list,
                                                 g.in_long_list, g.after_inclusion)
                if best is None or g.weight * factor > best[0]:
                    best = (g.weight * factor, span, detail)
        if best is not None:
            value, (cs, ce), detail = best
            matched[g.name] = (g, _Contribution(f"cue:{g.name}", unit.field, unit.start + cs,
                                                unit.start + ce, unit.text[cs:ce], value, detail))
    by_kind: dict[str, _Contribution] = {}
    for g, contribution in matched.values():
        rival = by_kind.get(g.kind)
        if rival is None or contribution.weight > rival.weight:
            by_kind[g.kind] = contribution
    contributions = list(by_kind.values())
    if not ctx_anchor.is_list:
        contributions += _pair(unit, anchor, rules)
    return sum(c.weight for c in contributions), contributions


_ARTICLES = frozenset({"the", "la", "le", "les", "l", "el", "los", "las"})


def _pair(unit: _Unit, anchor: _Hit, rules: Rules) -> list[_Contribution]:
    """The two names joined ("OSCE and INTERPOL"), and, when the pair is the subject of an act
    ("the OSCE's Unit and the INTERPOL Secretariat performed the evaluation"), a joint act."""
    for other in unit.hits:
        if other.org == anchor.org or not other.actor:
            continue
        first, second = sorted((anchor, other), key=lambda h: h.start)
        gap = unit.text[first.end - unit.start:second.start - unit.start]
        if not rules.pair_gap.fullmatch(gap) or _list_context(unit, other, rules).is_list:
            continue
        before = [w.lower() for w in _WORD.findall(unit.masked, 0, first.start - unit.start)]
        while before and before[-1] in _ARTICLES:
            before.pop()
        if before and before[-1] in rules.pair_not_after:
            return []  # "experts from the OSCE and INTERPOL": people of both taking part
        factor = rules.pair_in_lead if (unit.headline or unit.lead) else 1.0
        found = [_Contribution(
            "pair", unit.field, first.start, second.end,
            unit.text[first.start - unit.start:second.end - unit.start],
            rules.pair_weight * factor,
            f"×{factor:g} in the {'headline' if unit.headline else 'lead'}"
            if factor != 1.0 else "")]
        act = rules.pair_subject_after.match(unit.masked, second.end - unit.start) \
            if rules.pair_subject_after is not None and rules.pair_subject_weight else None
        if act and not (before and before[-1] in rules.pair_not_subject):
            vs, ve = act.span("verb")
            found.append(_Contribution(
                "pair:subject", unit.field, unit.start + vs, unit.start + ve,
                unit.text[vs:ve], rules.pair_subject_weight,
                "the two organisations are the subject of one act"))
        return found
    return []
