"""What every benchmark shares: machine facts, the result table and JSON file, generated
articles (for storage), a generated replica catalogue (for crawls), a bulk-built archive of N
items (for search and feeds), and child processes that are always stopped.

Nothing here asserts a time: figures are measured, printed and written, never judged by a test.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import json
import os
import platform
import random
import shlex
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/x.py` puts bench/ first, not the repo root
    sys.path.insert(1, str(ROOT))

RESULTS_DIR = ROOT / "bench" / "results"
VENV_BIN = Path(sys.executable).parent
COOPWATCH = str(VENV_BIN / "coopwatch")


# --- machine and results ---------------------------------------------------------------------

def machine() -> dict[str, Any]:
    """The facts a reader needs to compare a figure with their own machine's."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        mem_kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
    return {"cpu_count": os.cpu_count(), "cpu_model": model or platform.processor(),
            "memory_gb": round(mem_kb / 1024 / 1024, 1), "os": platform.platform(),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            # the machine may be shared: other work at the start of a run slows it down
            "load_avg_1m": round(os.getloadavg()[0], 2)}


@dataclass
class Figure:
    """One measured number; `ratio` is value / baseline when there is a baseline."""

    name: str
    value: float | None
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    met: bool | None = None  # None: no target for this figure
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline


@dataclass
class Report:
    """A benchmark's figures and details; printed as a table and written as JSON."""

    name: str
    args: argparse.Namespace
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(
        timespec="seconds"))

    def add(self, name: str, value: float | None, unit: str, **kwargs: Any) -> Figure:
        fig = Figure(name, value, unit, **kwargs)
        self.figures.append(fig)
        return fig

    def finish(self) -> Path:
        """Print the table and write results/NAME.json; returns the file's path."""
        duration = time.monotonic() - self.started
        out_dir = Path(self.args.results_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{self.name}.json"
        data = {
            "bench": self.name, "quick": self.args.quick, "started_at": self.started_at,
            "duration_s": round(duration, 1),
            "command": " ".join(shlex.quote(a) for a in
                                ["python", f"bench/{self.name}.py", *sys.argv[1:]]),
            "machine": machine(),
            "figures": [asdict(f) | {"ratio": f.ratio} for f in self.figures],
            "details": self.details,
        }
        path.write_text(json.dumps(data, indent=2, default=str) + "\n")
        print(table(self.figures))
        print(f"\n{self.name}: {duration:.1f} s; written to {path}")
        return path


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if abs(value) >= 100 or float(value).is_integer():
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.3g}" if abs(value) < 0.01 else f"{value:.2f}"
    return f"{text} {unit}".strip()


def table(figures: Sequence[Figure]) -> str:
    rows = [("figure", "value", "baseline", "ratio", "target", "met")]
    for f in figures:
        base = f"{fmt(f.baseline, f.unit)} ({f.baseline_name})" if f.baseline is not None \
            else (f.baseline_name or "—")
        met = {True: "yes", False: "NO", None: ""}[f.met]
        rows.append((f.name, fmt(f.value, f.unit), base,
                     f"{f.ratio:.2f}" if f.ratio is not None else "—", f.target or "", met))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def parser(doc: str | None) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="A tiny run that only proves the script works (seconds, not minutes)")
    p.add_argument("--results-dir", default=str(RESULTS_DIR),
                   help="Where NAME.json is written (default: bench/results)")
    return p


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p50 of [1, 2, 3, 4] is 2)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


# --- processes -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_env(data_dir: Path, db_url: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a coopwatch child: a private data dir and archive, no config file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COOPWATCH_")}
    env |= {"COOPWATCH_DATA_DIR": str(data_dir), "COOPWATCH_CONFIG": "",
            "COOPWATCH_DATABASE_URL": db_url or f"sqlite:///{data_dir / 'coopwatch.db'}",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                        os.environ.get("PYTHONPATH")]))}
    return env | extra


@contextlib.contextmanager
def process(cmd: list[str], env: dict[str, str], log: Path,
            stop_timeout_s: float = 60) -> Iterator[subprocess.Popen[bytes]]:
    """A child that is stopped (SIGTERM, then SIGKILL) when the block ends, whatever happens."""
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=stop_timeout_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextlib.contextmanager
def stderr_to(path: Path) -> Iterator[None]:
    """Send this process's file descriptor 2 — and so the log of every child that inherits it,
    like the crawl children of scheduler.jobs.check_source — to `path` for the block."""
    sys.stderr.flush()
    saved = os.dup(2)
    with path.open("ab") as log:
        os.dup2(log.fileno(), 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def wait_until(what: str, check: Any, timeout_s: float, interval_s: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout_s
    while not (result := check()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout_s:g} s waiting until {what}")
        time.sleep(interval_s)
    return result


def wait_http(url: str, timeout_s: float = 30) -> None:
    import urllib.error
    import urllib.request

    def up() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except (urllib.error.URLError, OSError):
            return False
    wait_until(f"{url} answers", up, timeout_s, 0.1)


def rss_kb(pid: int) -> int | None:
    """VmRSS of a live process in kB (None once it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def children_of(pid: int) -> list[int]:
    """Child processes of `pid`, started from any of its threads."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError, ValueError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


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

    from crawler.replica.catalogue import PARAGRAPHS
    from crawler.replica.content import catalogue

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


# --- a replica with a generated catalogue ----------------------------------------------------

def replica_state(total: int, seed: int = 7) -> Any:
    """A ReplicaState whose two sites hold `total` articles together (about half each): the
    base catalogue plus generated items, published oldest first so listings stay newest first.
    """
    from crawler.replica.content import catalogue
    from crawler.replica.state import ReplicaState

    state = ReplicaState()
    rng = random.Random(seed)
    c = corpus()
    start = date(2011, 1, 1)
    for site in ("osce", "interpol"):
        extra = max(0, total // 2 - len(catalogue(site)))
        templates = [i for i in catalogue(site) if i.published]
        for n in range(extra):
            t = rng.choice(templates)
            place = rng.choice(CITIES)
            title, body = generated_text(rng, c, n, place, paragraphs=2, base_title=t.title)
            body = "\n".join([t.paragraphs[0], body])
            day = start + timedelta(days=n * 5000 // max(extra, 1))
            fields: dict[str, Any] = {
                "site": site, "title": title, "body": body, "date": day.isoformat(),
                "place": place.upper() if site == "osce" else f"{place.upper()}, Country",
                "relevance": t.relevance, "tags": list(t.tags), "summary": t.summary,
                "content_type": t.content_type or None, "with_meta": n % 2 == 0}
            if site == "osce":
                fields |= {"section": t.section, "layout": "2025" if n % 3 else "2023"}
            state.publish(fields)
    return state


@contextlib.contextmanager
def serve_replica(state: Any) -> Iterator[Any]:
    """crawler.replica.server.serve_replica, but on a socket made with IPPROTO_TCP.

    serve_replica binds `socket.socket(AF_INET, SOCK_STREAM)`, whose proto is 0; asyncio sets
    TCP_NODELAY only on sockets whose proto is IPPROTO_TCP, so every response on a kept-alive
    connection waits ~40 ms for a delayed ACK (Nagle). That would add the same 40 ms to every
    page of both crawls and hide the cost being measured."""
    import threading

    import uvicorn

    from crawler.replica.app import create_app
    from crawler.replica.server import ReplicaHandle

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(state), log_level="warning",
                                           lifespan="off", timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        wait_until("the replica started", lambda: server.started or not thread.is_alive(), 10)
        if not server.started:
            raise RuntimeError("the replica server did not start")
        yield ReplicaHandle(f"http://127.0.0.1:{sock.getsockname()[1]}")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


class CountingProxy:
    """A TCP relay on 127.0.0.1 that counts the bytes each way: what a crawl costs on the wire
    (Scrapy's own downloader/response_bytes counts a 304 as the cached page it stands for)."""

    def __init__(self, upstream_port: int) -> None:
        import asyncio
        import threading

        self.upstream_port = upstream_port
        self.sent = 0  # client -> server (requests)
        self.received = 0  # server -> client (responses)
        self.connections = 0
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(10)

    def _run(self) -> None:
        import asyncio

        asyncio.set_event_loop(self.loop)

        async def pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                       up: bool) -> None:
            try:
                while data := await reader.read(65536):
                    if up:
                        self.sent += len(data)
                    else:
                        self.received += len(data)
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                writer.close()

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
            await asyncio.gather(pump(reader, up_writer, True), pump(up_reader, writer, False))

        async def start() -> None:
            self.server = await asyncio.start_server(handle, "127.0.0.1", 0)
            self.port = self.server.sockets[0].getsockname()[1]
            self._ready.set()

        self.loop.run_until_complete(start())
        self.loop.run_forever()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def counts(self) -> tuple[int, int, int]:
        return self.sent, self.received, self.connections

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)


def site_counts(state: Any) -> dict[str, int]:
    return {site: len(state.items(site)) for site in ("osce", "interpol")}


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
