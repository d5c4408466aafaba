"""The [relevance] rules: the shipped defaults (defaults.toml, which documents every key)
merged with the user's table, checked key by key (RulesError names the bad one) and compiled
once (load_rules): name aliases, cue groups, the pair and subject patterns."""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from core.config import ConfigError
from core.sources import ORGANISATIONS, SOURCES, Source

logger = logging.getLogger(__name__)

DEFAULTS_PATH = Path(__file__).with_name("defaults.toml")
ORGS = tuple(ORGANISATIONS)
DISPLAY = {o.name: o.display for o in ORGANISATIONS.values()}
PUBLISHED_BY = {o.name: o.published_by for o in ORGANISATIONS.values()}
PLACES = ("before", "after", "near", "link")

# Keys a user's cue group may leave out (documented in defaults.toml).
GROUP_DEFAULTS: dict[str, Any] = {
    "kind": "", "requires": [], "place": "near", "window": 6, "of": "other",
    "needs_partner": False, "names_only_gap": False, "in_lead": 1.0, "in_list": 1.0,
    "in_long_list": 1.0, "after_inclusion": 1.0,
}
_GROUP_REQUIRED = ("phrases", "weight")


class RulesError(ConfigError, ValueError):
    """The [relevance] table is wrong; the message names the key and what is expected."""

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
    """Regex source of one phrase (syntax documented in defaults.toml), without the
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


def _build(table: dict[str, Any], speakers: Mapping[str, str]) -> Rules:
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
        sources=MappingProxyType({**speakers,
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
def _rules_from_json(overrides_json: str, speakers_json: str) -> Rules:
    return _build(_merge(_load_defaults(), json.loads(overrides_json), ""),
                  json.loads(speakers_json))


def load_rules(overrides: Mapping[str, Any] | None = None,
               sources: Mapping[str, Source] | None = None) -> Rules:
    """The shipped defaults with the user's [relevance] table merged over them (cached).
    `sources` (the registry; default: the built-ins) says which organisation each source
    speaks for; a third party's ("other") is left out, so its items must name both.

    Raises RulesError (a ValueError and a ConfigError) naming any unknown or malformed key."""
    if overrides is not None and not isinstance(overrides, Mapping):
        raise RulesError(f"[relevance] must be a table, got {overrides!r}")
    speakers = {s.name: s.speaks_for for s in (sources or SOURCES).values()
                if s.speaks_for in ORGS}
    try:
        key = json.dumps(dict(overrides or {}), sort_keys=True)
    except (TypeError, ValueError) as err:
        raise RulesError(f"[relevance] holds a value TOML cannot: {err}") from err
    return _rules_from_json(key, json.dumps(speakers, sort_keys=True))
