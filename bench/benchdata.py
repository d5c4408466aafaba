"""Generated data for the benchmarks: text shaped like the two newsrooms', articles for
storage, and a bulk-built archive of N items (for search and feeds), cached by size and seed.

Nothing here asserts a time.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import random
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import benchlib  # noqa: F401 -- first: it puts the repo root on sys.path

# --- generated text --------------------------------------------------------------------------

CITIES = ("Vienna", "Lyon", "Bishkek", "Dushanbe", "Skopje", "Belgrade", "Chisinau", "Sarajevo",
          "Podgorica", "Tirana", "Kyiv", "Astana", "Tashkent", "Ashgabat", "Bratislava",
          "Warsaw", "Geneva", "Singapore", "Buenos Aires", "Nairobi", "Madrid", "Prague",
          "Valletta", "Tbilisi", "Yerevan", "Baku", "Almaty", "Osh", "Khujand", "Pristina",
          "Helsinki", "Stockholm", "Riga", "Vilnius", "Tallinn", "Oslo", "Rome", "Athens",
          "Ankara", "Budapest", "Bucharest", "Sofia", "Zagreb", "Ljubljana", "Minsk", "Lisbon")
EVENTS = ("workshop", "training course", "conference", "round table", "seminar",
          "expert meeting", "study visit", "simulation exercise", "regional forum")
TOPIC_PHRASES = ("border management", "combating trafficking in human beings",
                 "countering terrorism", "fighting cybercrime", "police development",
                 "small arms and light weapons control", "migration governance",
                 "the rule of law", "travel document security", "organized crime",
                 "money laundering", "drug trafficking", "foreign terrorist fighters",
                 "community policing", "gender equality in policing", "cultural property crime")
ACTORS = ("OSCE", "INTERPOL", "the OSCE Secretariat", "the OSCE Programme Office",
          "the INTERPOL General Secretariat", "national police", "border guards", "prosecutors",
          "customs officers", "the National Central Bureau")


@dataclass(frozen=True)
class Corpus:
    """Real-looking paragraphs and titles from the replica's catalogue, to mix into new text."""

    paragraphs: tuple[str, ...]
    titles: tuple[str, ...]
    words: tuple[str, ...]


def corpus() -> Corpus:
    import re

    from replica.catalogue import PARAGRAPHS
    from replica.inventory import catalogue

    paras: list[str] = []
    titles: list[str] = []
    for site in ("osce", "interpol"):
        for item in catalogue(site):
            titles.append(item.title)
            paras += [p for p in item.paragraphs if len(p) > 60]
    fill = {"unit": "OSCE Secretariat", "topic": "border management", "country": "Kyrgyzstan"}
    for pool in PARAGRAPHS.values():
        paras += [p.format(**fill) for p in pool]
    paras = list(dict.fromkeys(paras))
    words = sorted({w.lower() for p in paras for w in re.findall(r"[A-Za-z]{4,}", p)})
    return Corpus(tuple(paras), tuple(dict.fromkeys(titles)), tuple(words))


def sentence(rng: random.Random, n: int, place: str) -> str:
    """One sentence naming a place, an event, a topic and who took part."""
    event, topic = rng.choice(EVENTS), rng.choice(TOPIC_PHRASES)
    who = " and ".join(rng.sample(ACTORS, 2))
    return (f"The {event} on {topic} held in {place} on day {n % 997} brought together "
            f"{10 + n % 90} participants from {who}.")


_ONSETS = ("b", "br", "d", "dr", "g", "k", "kr", "l", "m", "n", "p", "r", "s", "st", "t", "v",
           "z", "h", "j", "sh")
_VOWELS = ("a", "e", "i", "o", "u", "ia", "ei")
_CODAS = ("", "n", "r", "s", "v", "k", "l", "m")


@functools.cache
def surnames(count: int = 20_000) -> tuple[str, ...]:
    """`count` distinct made-up surnames, the same on every run."""
    rng = random.Random(5)
    names: dict[str, None] = {}
    while len(names) < count:
        parts = [rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
                 for _ in range(rng.choice((2, 2, 3)))]
        name = "".join(parts).capitalize() + rng.choice(("ic", "ov", "enko", "er", "i", ""))
        names[name] = None
    return tuple(names)


@functools.cache
def _zipf_weights(count: int, s: float = 1.07) -> list[float]:
    weights, acc = [], 0.0
    for rank in range(1, count + 1):
        acc += 1 / rank ** s
        weights.append(acc)
    return weights


def people(rng: random.Random, k: int = 3) -> list[str]:
    """Names drawn with Zipf's law (rank r with probability ∝ 1/r): a few names are in many
    items, most in a handful — as in news text, so full-text queries span rare to common."""
    names = surnames()
    return rng.choices(names, cum_weights=_zipf_weights(len(names)), k=k)


def generated_text(rng: random.Random, c: Corpus, n: int, place: str, paragraphs: int = 3,
                   base_title: str | None = None) -> tuple[str, str]:
    """(title, body) unique to n: catalogue paragraphs plus a sentence of its own."""
    if base_title:
        title = f"{base_title.rstrip('.')}: {rng.choice(EVENTS)} in {place}"
    else:
        title = f"{rng.choice(c.titles).rstrip('.')} — {rng.choice(EVENTS)} in {place} ({n})"
    a, b, chair = people(rng)
    body = [sentence(rng, n, place), *rng.sample(c.paragraphs, paragraphs),
            f"Speakers included {a} and {b}; {chair} chaired the closing session."]
    return title, "\n".join(body)


# --- articles for storage --------------------------------------------------------------------

LEVEL_MIX = (("primary", 0.03), ("secondary", 0.04), ("mention", 0.08), ("none", 0.85))


def level_for(rng: random.Random) -> str:
    x, acc = rng.random(), 0.0
    for level, share in LEVEL_MIX:
        acc += share
        if x < acc:
            return level
    return "none"


def article_url(source: str, n: int) -> str:
    if source == "osce":
        return f"https://www.osce.org/secretariat/{700000 + n}"
    return f"https://www.interpol.int/en/News-and-Events/News/{2010 + n % 16}/Item-{n}"


def url_variant(url: str, n: int) -> str:
    """Another spelling of the same canonical URL (scheme, www., slash, tracking, language)."""
    kind = n % 4
    if kind == 0:
        return url.replace("https://www.", "http://")
    if kind == 1:
        return url + "/?utm_source=newsletter&utm_medium=email"
    if kind == 2:
        return url + "#main-content"
    return url.replace("/en/", "/fr/") if "/en/" in url else url.replace("/secretariat/", "/node/")


def articles(count: int, seed: int = 1, start: date = date(2010, 1, 1),
             per_day: float = 8.0, url_variants: float = 0.07, same_text: float = 0.03,
             url_offset: int = 10_000_000) -> Iterator[Any]:
    """`count` Articles as a crawl delivers them: mostly new; `url_variants` of them another
    URL of an earlier item (outcome unchanged), `same_text` of them an earlier item's text
    under a new URL (outcome duplicate). `per_day` items share each publication day. URLs start
    at `url_offset`, clear of the archive()'s."""
    from core.article import Article, Level, Relevance

    rng = random.Random(seed)
    c = corpus()
    made: list[Article] = []
    for n in range(count):
        x = rng.random()
        if made and x < url_variants:
            prev = rng.choice(made)
            yield dataclasses.replace(prev, url=url_variant(prev.url, n))
            continue
        if made and x < url_variants + same_text:
            prev = rng.choice(made)
            url = article_url(prev.source, url_offset + 5_000_000 + n)
            yield dataclasses.replace(prev, url=url)
            continue
        source = "osce" if n % 3 else "interpol"
        place = rng.choice(CITIES)
        title, body = generated_text(rng, c, n, place)
        day = start + timedelta(days=int(n / per_day))
        published = datetime(day.year, day.month, day.day, tzinfo=UTC)
        level = level_for(rng)
        art = Article(source=source, url=article_url(source, url_offset + n), title=title,
                      body=body,
                      place=place.upper(), published_at=published, content_type="Press release",
                      tags=[rng.choice(TOPIC_PHRASES)],
                      provenance={"title": "selector", "published_at": "selector"},
                      relevance=Relevance(Level(level), {"primary": 3.0, "secondary": 2.0,
                                                         "mention": 1.0}.get(level, 0.0), []))
        made.append(art)
        if len(made) > 5000:  # keep variants near their originals, like a re-crawl does
            made.pop(0)
        yield art


# --- a bulk-built archive --------------------------------------------------------------------

ARCHIVE_VERSION = 2  # bump when archive() generates different rows


def archive(n_items: int, cache_dir: Path, seed: int = 11) -> tuple[str, float]:
    """A migrated SQLite archive of `n_items` generated items (with stories, FTS index),
    built with SQLAlchemy core executemany, or reused if a finished one is in `cache_dir`.
    Returns (url, seconds it took to build; 0.0 when reused)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"archive-v{ARCHIVE_VERSION}-{n_items}.db"
    done = path.with_suffix(".done")
    url = f"sqlite:///{path}"
    if path.exists() and done.exists():
        from storage import migrate

        migrate.upgrade(url)  # a cached archive may predate the newest revision
        return url, 0.0
    for stale in (path, done, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    _build_archive(url, n_items, seed)
    took = time.perf_counter() - started
    done.write_text(json.dumps({"items": n_items, "build_s": round(took, 1)}))
    return url, took


def _sqlite_time(value: datetime) -> str:
    """How SQLAlchemy's SQLite DateTime stores a (UTC, naive) datetime."""
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def _build_archive(url: str, n_items: int, seed: int) -> None:
    """Rows straight through sqlite3's executemany (SQLAlchemy's per-row type processing would
    triple the time); the FTS5 index is built once at the end ('rebuild') instead of row by row
    by the insert trigger, which is dropped during the load and then restored as it was.
    No ANALYZE: an archive built by crawls has no statistics either."""
    import uuid

    from storage import migrate
    from storage.db import engine_for

    migrate.upgrade(url)
    engine_for(url).dispose()
    path = url.removeprefix("sqlite:///")
    rng = random.Random(seed)
    c = corpus()
    start = datetime(2000, 1, 1)
    step_s = 26 * 365 * 86400 / n_items  # 26 years: ~105 items a day at 1M, ~10 at 100k
    now = _sqlite_time(datetime(2026, 6, 1))
    cols = ("id", "source", "url", "canonical_url", "guid", "title", "summary", "body",
            "place", "content_type", "tags", "language", "published_at", "published_layer",
            "provenance", "first_seen_at", "last_seen_at", "content_hash", "simhash",
            "relevance_level", "relevance_score", "relevance_reasons", "story_id", "origin")
    insert_item = (f"INSERT INTO item ({', '.join(cols)}) VALUES "
                   f"({', '.join('?' * len(cols))})")
    insert_story = ("INSERT INTO story (id, title, first_published_at, created_at) "
                    "VALUES (?, ?, ?, ?)")
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-500000")
    trigger_sql = db.execute("SELECT sql FROM sqlite_master WHERE type='trigger' AND "
                             "name='item_fts_ai'").fetchone()[0]
    db.execute("DROP TRIGGER item_fts_ai")
    tags = [json.dumps([t]) for t in TOPIC_PHRASES]
    batch = 50_000
    for first in range(0, n_items, batch):
        items, stories = [], []
        for n in range(first, min(first + batch, n_items)):
            source = "osce" if n % 3 else "interpol"
            place = rng.choice(CITIES)
            title, body = generated_text(rng, c, n, place, paragraphs=1)
            published = _sqlite_time(start + timedelta(seconds=int(n * step_s)))
            # every 40th item is the other organisation's version of the previous one's story
            story_id = n if n % 40 == 39 else n + 1
            if story_id == n + 1:
                stories.append((story_id, title, published, now))
            link = article_url(source, n)
            items.append((
                n + 1, source, link, link, f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, link)}",
                title, body.split("\n", 1)[0][:300], body, place.upper(), "Press release",
                rng.choice(tags), "en", published, "selector", '{"title": "selector"}',
                published, published, f"{n:064x}", rng.getrandbits(63), level_for(rng), 0.0,
                "[]", story_id, "crawl"))
        with db:
            db.executemany(insert_story, stories)
            db.executemany(insert_item, items)
    with db:
        db.execute("INSERT INTO item_fts(item_fts) VALUES ('rebuild')")
        db.execute(trigger_sql)
    db.close()
