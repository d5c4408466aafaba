"""Relevance: how much one item is about OSCE–INTERPOL co-operation.

One job: a pure function from an item's text (title, subtitle, body, source) to a level
(primary / secondary / mention / none), a score and the reasons — every matched span with its
field and position, and a last ``decision:*`` reason naming the rule that decided.

Sentences are scored one by one, never the whole document as a bag of words: only the sentences
around a name of the other organisation are read, so a multi-MB body costs one regex scan.
Settings: the ``[relevance]`` table of the config file, merged over ``relevance_defaults.toml``
(which documents every key). Definitions: ARCHITECTURE.md, "Relevance, in words".
"""

from __future__ import annotations

import dataclasses
import html
import json
import logging
import re
import string
import tomllib
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path
from types import MappingProxyType
from typing import Any

from core.article import Article, Level, Relevance
from core.config import ConfigError
from core.sources import ORGANISATIONS, SOURCES, other_organisation

logger = logging.getLogger(__name__)

DEFAULTS_PATH = Path(__file__).with_name("relevance_defaults.toml")
ORGS = tuple(ORGANISATIONS)
DISPLAY = {o.name: o.display for o in ORGANISATIONS.values()}
PUBLISHED_BY = {o.name: o.published_by for o in ORGANISATIONS.values()}
PLACES = ("before", "after", "near", "link")

# Keys a user's cue group may leave out (documented in relevance_defaults.toml).
GROUP_DEFAULTS: dict[str, Any] = {
    "kind": "", "requires": [], "place": "near", "window": 6, "of": "other",
    "needs_partner": False, "names_only_gap": False, "in_lead": 1.0, "in_list": 1.0,
    "in_long_list": 1.0, "after_inclusion": 1.0,
}
_GROUP_REQUIRED = ("phrases", "weight")


class RulesError(ConfigError, ValueError):
    """The [relevance] table is wrong; the message names the key and what is expected."""


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class CueGroup:
    """One [relevance.cues.NAME] table, compiled."""

    name: str
    kind: str  # groups of one kind count once per sentence: the strongest
    requires: tuple[str, ...]  # groups that must match the same name for this one to count
    pattern: re.Pattern[str] | None  # None: no phrases, the group is off
    weight: float
    place: str
    window: int
    of: str  # "other" | "osce" | "interpol"
    needs_partner: bool
    names_only_gap: bool
    in_lead: float
    in_list: float
    in_long_list: float
    after_inclusion: float


@dataclass(frozen=True)
class Rules:
    """The merged [relevance] section, compiled once (see load_rules)."""

    primary_score: float
    secondary_score: float
    mention_score: float
    headline_score: float
    aliases: re.Pattern[str]  # one named group per organisation
    not_actor: re.Pattern[str] | None
    ignore: re.Pattern[str] | None
    sources: Mapping[str, str]
    pair_weight: float
    pair_in_lead: float
    pair_gap: re.Pattern[str]
    pair_subject_weight: float
    pair_subject_after: re.Pattern[str] | None  # the pair's second unit, then an act verb
    pair_not_subject: frozenset[str]  # a word right before the pair making it an object
    pair_not_after: frozenset[str]  # a word right before the pair making it no pair at all
    name_gap_words: frozenset[str]
    list_min_items: int
    list_long_items: int
    list_max_item_words: int
    inclusion: re.Pattern[str] | None
    inclusion_words: int
    intro_words: frozenset[str]
    clause_words: frozenset[str]
    lead_min_words: int
    neighbour_sentences: int
    sentence_reach_chars: int
    max_body_chars: int
    max_hits: int
    max_reasons: int
    cues: tuple[CueGroup, ...]
    table: Mapping[str, Any] = dataclasses.field(repr=False)  # merged table, for display


def _load_defaults() -> dict[str, Any]:
    with DEFAULTS_PATH.open("rb") as fh:
        return dict(tomllib.load(fh)["relevance"])


def _type_name(value: Any) -> str:
    return {bool: "true/false", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def _check_value(key: str, value: Any, default: Any) -> None:
    if isinstance(default, bool) or isinstance(value, bool):
        ok = isinstance(value, bool) and isinstance(default, bool)
    elif isinstance(default, int | float):
        ok = isinstance(value, int | float)
    elif isinstance(default, list):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    else:
        ok = isinstance(value, type(default))
    if not ok:
        raise RulesError(f"[relevance] {key} must be {_type_name(default)}"
                         f"{' of strings' if isinstance(default, list) else ''}, got {value!r}")


def _merge(defaults: Mapping[str, Any], user: Mapping[str, Any], path: str) -> dict[str, Any]:
    """User values over defaults; unknown keys are errors. Lists replace, tables merge."""
    merged = dict(defaults)
    for key, value in user.items():
        dotted = f"{path}.{key}" if path else key
        if path == "sources":
            if value not in ORGS:
                raise RulesError(f"[relevance] sources.{key} must be \"osce\" or \"interpol\", "
                                 f"got {value!r}")
            merged[key] = value
        elif path == "cues":
            if not isinstance(value, dict):
                raise RulesError(f"[relevance] cues.{key} must be a table of cue settings")
            base = defaults.get(key)
            if base is None:
                missing = [k for k in _GROUP_REQUIRED if k not in value]
                if missing:
                    raise RulesError(f"[relevance] new cue group cues.{key} needs "
                                     f"{' and '.join(missing)}")
                base = {"phrases": [], "weight": 0.0, **GROUP_DEFAULTS}
            merged[key] = _merge(base, value, dotted)
        elif key not in defaults:
            known = ", ".join(sorted(defaults))
            raise RulesError(f"[relevance] unknown key {dotted!r}; known keys here: {known}")
        elif isinstance(defaults[key], dict):
            if not isinstance(value, dict):
                raise RulesError(f"[relevance] {dotted} must be a table")
            merged[key] = _merge(defaults[key], value, dotted)
        else:
            _check_value(dotted, value, defaults[key])
            merged[key] = value
    return merged


_HYPHENS = "\\-\u2010\u2011\u2012\u2013\u2014"
_ARABIC_CLITICS = "[\u0648\u0641\u0628\u0643\u0644]"  # و ف ب ك ل: and, so, with, as, for


def _is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff"


def phrase_regex(phrase: str) -> str:
    """Regex source of one phrase (syntax documented in relevance_defaults.toml), without the
    leading word boundary, which _alternation puts once in front of all phrases."""
    phrase = phrase.strip()
    out = []
    for part in re.split(r"(\s+|-)", phrase):
        if not part:
            continue
        if part == "-":
            out.append(f"[\\s{_HYPHENS}]*")  # hyphen optional: co-operation = cooperation
        elif part.isspace():
            out.append(f"[\\s{_HYPHENS}]+")
        else:
            star = part.endswith("*")
            # one pass: "’" inside the class written for "'" must not be replaced again
            esc = re.sub("['’]", "['’]", re.escape(part.rstrip("*")))
            out.append(esc + (r"\w*" if star else ""))
    tail = r"(?!\w)" if re.search(r"[\w*]$", phrase) else ""
    return "".join(out) + tail


def _alternation(phrases: Iterable[str]) -> str:
    # Longest first, so "joint action plan" wins over "joint" at the same position. One shared
    # lookbehind: a lookbehind in every branch makes the scan about ten times slower.
    items = sorted({p.strip() for p in phrases if p and p.strip()}, key=len, reverse=True)
    worded = [p for p in items if re.match(r"\w", p)]
    other = [phrase_regex(p) for p in items if not re.match(r"\w", p)]
    return "|".join(([_by_first_letter(worded)] if worded else []) + other)


def _same_letter(a: str, b: str) -> bool:
    """One letter under IGNORECASE; only non-ASCII letters have partners beyond lower()."""
    if a.isascii() and b.isascii():
        return a.lower() == b.lower()
    return bool(re.fullmatch(re.escape(a), b, re.IGNORECASE) or
                re.fullmatch(re.escape(b), a, re.IGNORECASE))


def _by_first_letter(phrases: list[str]) -> str:
    """The phrases' alternation, grouped by first letter: at a word start the engine tries only
    the phrases of that letter (after a lookahead that skips the other word starts), instead of
    every phrase — the scan takes a third less. The same phrase wins: groups never share a
    letter, even under IGNORECASE (ſ is s), and a group keeps the phrases' order."""
    groups: list[tuple[set[str], list[tuple[int, str]]]] = []
    for index, phrase in enumerate(phrases):
        first = phrase[0]
        same = [g for g in groups if any(_same_letter(first, letter) for letter in g[0])]
        letters, members = {first}, [(index, phrase_regex(phrase))]
        for group in same:  # one letter can join two groups: they become one
            groups.remove(group)
            letters |= group[0]
            members += group[1]
        groups.append((letters, sorted(members)))
    parts = []
    for letters, members in groups:
        regexes = [regex for _, regex in members]
        letter = min(letters)  # "M" and "m" are one letter: either stands for both
        if all(_same_letter(letter, other) for other in letters) and \
                all(regex[:1] in letters for regex in regexes):
            parts.append(f"{letter}(?:{'|'.join(regex[1:] for regex in regexes)})")
        else:
            parts.append(f"(?:{'|'.join(regexes)})")
    firsts = re.escape("".join(sorted({letter for letters, _ in groups for letter in letters})))
    return rf"(?<!\w)(?=[{firsts}])(?:{'|'.join(parts)})"


def _compile(phrases: Iterable[str], key: str) -> re.Pattern[str] | None:
    source = _alternation(phrases)
    if not source:
        return None
    try:
        return re.compile(source, re.IGNORECASE)
    except re.error as err:  # cannot happen with escaped phrases, but name the key if it does
        raise RulesError(f"[relevance] {key}: cannot compile phrases: {err}") from err


def _build(table: dict[str, Any]) -> Rules:
    aliases = table["aliases"]
    for org in ORGS:
        if not [a for a in aliases[org] if a.strip()]:
            raise RulesError(f"[relevance] aliases.{org} must name the organisation at least once")
    # Names start on a word boundary ("ICPO-INTERPOL" has one before INTERPOL); one shared
    # lookbehind keeps the scan of a long body fast.
    by_org = "|".join(
        f"(?P<{org}>"
        + "|".join(phrase_regex(a) for a in sorted({a.strip() for a in aliases[org] if a.strip()},
                                                   key=len, reverse=True))
        + ")" for org in ORGS)
    # Arabic writes "and", "with", "for", "the" onto the next word ("والإنتربول"): before a name
    # in Arabic script, up to two of those one-letter clitics may stand; the name starts after.
    arabic_firsts = sorted({a.strip()[0] for org in ORGS for a in aliases[org]
                            if a.strip() and _is_arabic(a.strip()[0])})
    clitic = (rf"(?:{_ARABIC_CLITICS}{{1,2}}(?=[{''.join(arabic_firsts)}]))?"
              if arabic_firsts else "")
    # A lookahead of the names' first letters (and the clitics') skips the other word starts
    # before any branch is tried: the scan of a body costs what it did with English names only.
    firsts = {a.strip()[0] for org in ORGS for a in aliases[org] if a.strip()}
    if arabic_firsts:
        firsts |= set(_ARABIC_CLITICS.strip("[]"))
    alias_re = re.compile(
        rf"(?<!\w)(?=[{re.escape(''.join(sorted(firsts)))}]){clitic}(?:{by_org})", re.IGNORECASE)
    not_actor_src = _alternation(table["not_actor"])
    not_actor = (re.compile(rf"(?:['’]s)?[\s{_HYPHENS}]+(?:{not_actor_src})", re.IGNORECASE)
                 if not_actor_src else None)
    cues = []
    for name, g in table["cues"].items():
        unknown = [r for r in g["requires"] if r not in table["cues"]]
        if unknown:
            raise RulesError(f"[relevance] cues.{name}.requires names no cue group: "
                             f"{', '.join(unknown)}")
        if g["place"] not in PLACES:
            raise RulesError(f"[relevance] cues.{name}.place must be one of "
                             f"{', '.join(PLACES)}, got {g['place']!r}")
        if g["of"] not in ("other", *ORGS):
            raise RulesError(f"[relevance] cues.{name}.of must be \"other\", \"osce\" or "
                             f"\"interpol\", got {g['of']!r}")
        cues.append(CueGroup(
            name=name, kind=g["kind"] or name, requires=tuple(g["requires"]),
            pattern=_compile(g["phrases"], f"cues.{name}.phrases"),
            weight=float(g["weight"]), place=g["place"], window=int(g["window"]), of=g["of"],
            needs_partner=bool(g["needs_partner"]), names_only_gap=bool(g["names_only_gap"]),
            in_lead=float(g["in_lead"]), in_list=float(g["in_list"]),
            in_long_list=float(g["in_long_list"]), after_inclusion=float(g["after_inclusion"]),
        ))
    pair, lists, text = table["pair"], table["lists"], table["text"]
    n_unit = int(pair["max_unit_words"])
    # the first name's unit: "OSCE Centre in Bishkek", "OSCE's Action against Terrorism Unit"
    unit = rf"(?:['’]s\b)?(?:\s*[^\W\d_][\w'’.{_HYPHENS}]*){{0,{n_unit}}}?"
    articles = _alternation(pair["articles"])
    article = rf"(?:(?:{articles})\s*)?" if articles else ""
    # No word boundary after the conjunction: Arabic writes "and" onto the name ("ومنظمة").
    conj = "|".join(re.escape(c) + ("" if _is_arabic(c[-1]) else r"(?!\w)")
                    for c in sorted({c.strip() for c in pair["conjunctions"] if c.strip()},
                                    key=len, reverse=True))
    pair_gap = re.compile(
        rf"{unit}\s*(?:,?\s*(?<!\w)(?:{conj or 'and'})|&|[/{_HYPHENS}])\s*{article}",
        re.IGNORECASE)
    acts = _alternation(pair["subject_verbs"])
    helpers = _alternation(pair["subject_helpers"])
    # After the second name: its unit (capitalised words, "of", "the" …), helpers ("have",
    # "jointly"), then the verb. Case matters for the unit, so the flag is scoped.
    name_word = rf"[A-ZÀ-ÖØ-Þ][\w'’.{_HYPHENS}]*|(?i:of|the|for|on|in)\b"
    helper = rf"(?:\s+(?i:{helpers})){{0,2}}" if helpers else ""
    subject_after = re.compile(
        rf"(?:['’]s\b)?(?:\s+(?:{name_word})){{0,{n_unit}}}{helper}\s+(?P<verb>(?i:{acts}))"
    ) if acts else None
    return Rules(
        primary_score=float(table["primary_score"]),
        secondary_score=float(table["secondary_score"]),
        mention_score=float(table["mention_score"]),
        headline_score=float(table["headline_score"]),
        aliases=alias_re, not_actor=not_actor, ignore=_compile(table["ignore"], "ignore"),
        sources=MappingProxyType({**{s.name: s.speaks_for for s in SOURCES.values()},
                                  **{k.lower(): v for k, v in table["sources"].items()}}),
        pair_weight=float(pair["weight"]), pair_in_lead=float(pair["in_lead"]), pair_gap=pair_gap,
        pair_subject_weight=float(pair["subject_weight"]), pair_subject_after=subject_after,
        pair_not_subject=frozenset(w.lower() for w in pair["not_subject_after"]),
        pair_not_after=frozenset(w.lower() for w in pair["not_after"]),
        name_gap_words=frozenset(w.lower() for w in table["name_gap_words"]),
        list_min_items=int(lists["min_items"]), list_long_items=int(lists["long_items"]),
        list_max_item_words=int(lists["max_item_words"]),
        inclusion=_compile(lists["inclusion"], "lists.inclusion"),
        inclusion_words=int(lists["inclusion_words"]),
        intro_words=frozenset(w.lower() for w in lists["intro_words"]),
        clause_words=frozenset(w.lower() for w in lists["clause_words"]),
        lead_min_words=int(text["lead_min_words"]),
        neighbour_sentences=int(text["neighbour_sentences"]),
        sentence_reach_chars=max(50, int(text["sentence_reach_chars"])),
        max_body_chars=max(1, int(text["max_body_chars"])),
        max_hits=max(1, int(text["max_hits"])), max_reasons=max(1, int(text["max_reasons"])),
        cues=_required_first(cues), table=MappingProxyType(table),
    )


def _required_first(groups: list[CueGroup]) -> tuple[CueGroup, ...]:
    """Groups ordered so that each comes after the groups it requires (cycles are errors)."""
    by_name = {g.name: g for g in groups}
    done: dict[str, CueGroup] = {}

    def visit(g: CueGroup, path: tuple[str, ...]) -> None:
        if g.name in path:
            raise RulesError(f"[relevance] cues.{g.name}.requires goes round in a circle: "
                             f"{' -> '.join((*path, g.name))}")
        for name in g.requires:
            visit(by_name[name], (*path, g.name))
        done.setdefault(g.name, g)

    for g in groups:
        visit(g, ())
    return tuple(done.values())


@lru_cache(maxsize=32)
def _rules_from_json(overrides_json: str) -> Rules:
    return _build(_merge(_load_defaults(), json.loads(overrides_json), ""))


def load_rules(overrides: Mapping[str, Any] | None = None) -> Rules:
    """The shipped defaults with the user's [relevance] table merged over them (cached).

    Raises RulesError (a ValueError and a ConfigError) naming any unknown or malformed key."""
    if overrides is not None and not isinstance(overrides, Mapping):
        raise RulesError(f"[relevance] must be a table, got {overrides!r}")
    try:
        key = json.dumps(dict(overrides or {}), sort_keys=True)
    except (TypeError, ValueError) as err:
        raise RulesError(f"[relevance] holds a value TOML cannot: {err}") from err
    return _rules_from_json(key)


# --------------------------------------------------------------------------- text


_HTML_HINT = re.compile(r"<[a-zA-Z!/?]|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,10});")
_DROPPED = re.compile(r"<(script|style|noscript|template)\b|<!--", re.IGNORECASE)
_CLOSERS = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE)
            for name in ("script", "style", "noscript", "template")}
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|article|header|footer|blockquote|"
    r"hr|dd|dt|dl|figure|figcaption|main|aside|nav)\b[^<>]*>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>|<![^<>]*>|<\?[^<>]*>")


def _drop_elements(text: str) -> str:
    """Remove scripts, styles and comments in one linear pass (no backtracking regex)."""
    out, pos = [], 0
    while (m := _DROPPED.search(text, pos)) is not None:
        out.append(text[pos:m.start()])
        if m.group(1) is None:
            end = text.find("-->", m.end())
            pos = -1 if end < 0 else end + 3
        else:
            close = _CLOSERS[m.group(1).lower()].search(text, m.end())
            pos = -1 if close is None else close.end()
        if pos < 0:
            return "".join(out)  # unclosed: the rest is script, not text
        out.append(" ")
    out.append(text[pos:])
    return "".join(out)


def clean_text(text: str) -> tuple[str, bool]:
    """(plain text, whether HTML was removed). Plain text comes back unchanged, so positions
    in the reasons are positions in what the caller passed."""
    if not _HTML_HINT.search(text):
        return text, False
    text = _drop_elements(text)
    text = _BLOCK_TAG.sub("\n", text)
    text = _TAG.sub(" ", text)
    return html.unescape(text), True


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray):
        text = bytes(value).decode("utf-8", "replace")
    else:
        text = value if isinstance(value, str) else str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: replaced one for one, so positions hold
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def body_with_summary(summary: str | None, body: str | None) -> str:
    """The text to classify as body when an item has a summary: the summary first (it is the
    lead), unless the body already holds it (pages often repeat their lead)."""
    summary, body = _as_text(summary).strip(), _as_text(body)
    if not summary:
        return body
    if not body.strip():
        return summary
    probe = " ".join(summary.rstrip(" .…").split())[:200]
    if probe and probe in " ".join(body[: len(summary) + 2000].split()):
        return body
    return f"{summary}\n\n{body}"


# --------------------------------------------------------------------------- sentences

_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_BOUNDARY = re.compile(
    r"[.!?…]+[\"”’')\]]*\s+"  # end punctuation, then space
    r"|\s*\n\s*"  # a line break (a wrapped sentence is rejected in _is_boundary)
    r"|(?<=[a-z0-9)][.!?])(?=[A-Z“\"][a-z])"  # "two organizations.Participants" (run-on dumps)
)
_ABBREVIATIONS = frozenset(
    "e.g i.e mr mrs ms dr no nos st vs prof gen col lt sgt amb h.e u.s u.k u.n inc ltd jr sr "
    "art para fig approx cf ca vol pp sen rep gov adm capt maj mt ft".split())
_LAST_TOKEN = re.compile(r"[\w.]+$")
# "BISHKEK, 20 December 2010 - ", "BRATISLAVA, Slovakia – ": not part of the lead sentence, and
# its comma must not make "BISHKEK" a list item.
_DATELINE = re.compile(
    rf"[A-Z][A-Z .'’]{{2,}}(?:,\s*[A-Z][\w .'’]{{1,40}}?)?(?:,?\s*\d{{1,2}}\s+[A-Z][a-z]+"
    rf"\s+\d{{4}})?\s+[{_HYPHENS}]\s+")
_SKIP_BACK = " \t\r\n.!?…\"”’')]"


def _is_boundary(text: str, m: re.Match[str]) -> bool:
    start, end = m.span()
    nxt = text[end:end + 1]
    if "\n" in m.group() and text[start:start + 1] not in ".!?…":
        prev = text[start - 1:start]
        # "businesses and\n\nstate institutions": one wrapped sentence, not two
        return not ((prev.islower() or prev == ",") and nxt.islower())
    if nxt.islower():
        return False  # "U.S. and", "approx. five"
    if text[start:start + 1] == ".":
        token = _LAST_TOKEN.search(text, max(0, start - 12), start)
        if token:
            word = token.group()
            if word.lower().rstrip(".") in _ABBREVIATIONS or (len(word) == 1 and word.isupper()):
                return False  # "Mr. Stock", "e.g. INTERPOL", "J. Stock"
    return True


def _sentence_span(text: str, start: int, end: int, reach: int) -> tuple[int, int]:
    """The sentence holding text[start:end], looked for at most `reach` characters either side
    (so a body without punctuation costs no more than a short one)."""
    lo, hi = max(0, start - reach), min(len(text), end + reach)
    s, e = lo, hi
    before = []
    for m in _BOUNDARY.finditer(text, lo, hi):
        if m.end() <= start:
            before.append(m)
        elif m.start() >= end and _is_boundary(text, m):
            e = m.start()
            break
    for m in reversed(before):  # the last real boundary before: judged from the end
        if _is_boundary(text, m):
            s = m.end()
            break
    while s < e and text[s].isspace():
        s += 1
    return s, e


def _count_words(text: str) -> int:
    return len(_WORD.findall(text))


def _word_start_back(starts: list[int], pos: int, n: int) -> int:
    """Position of the n-th word before pos (0 when there are fewer; pos when n is 0), given
    the start of every word of the text (a word cut by pos starts before it all the same)."""
    if n <= 0:
        return pos
    before = bisect_left(starts, pos)
    return starts[before - n] if before >= n else 0


# --------------------------------------------------------------------------- matching


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


# --------------------------------------------------------------------------- classify


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
