"""Regenerate the replica-origin page fixtures in this folder (then review every expected.json).

    .venv/bin/python tests/pages/make_fixtures.py [--port 8090] [--force]

Starts the replica, captures each case with coopwatch.capture (publishing the items that need a
fault first, after the plain listings are captured), and leaves reviewed cases alone unless
--force is given. The port is fixed so that URLs in the fixtures stay the same between runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coopwatch.capture import CaptureError, capture
from replica.inventory import catalogue
from replica.server import ReplicaHandle, serve_replica

HERE = Path(__file__).resolve().parent
SEED_001 = ("/en/News-and-Events/News/2019/INTERPOL-and-OSCE-discuss-ways-to-strengthen-"
            "cooperation-in-countering-transnational-threats")


def dateline_only_path() -> str:
    return next(i.path for i in catalogue("osce") if not i.date_on_page and i.dateline())


def standfirst_quote_path() -> str:
    return next(i.path for i in catalogue("interpol")
                if i.summary and any(b.kind == "quote" for b in i.blocks))


def plain_cases() -> list[tuple[str, str, str, str]]:
    """(source, kind, name, path) of the catalogue's pages, captured before any publishing."""
    return [
        ("osce", "article", "article_2025_press_release_seed000", "/secretariat/441263"),
        ("osce", "article", "article_2025_news_item_seed003", "/secretariat/498312"),
        ("osce", "article", "article_2023_bishkek_sample4", "/bishkek/74659"),
        ("osce", "article", "article_2023_speech_seed004", "/secretary-general/319010"),
        ("osce", "article", "article_node_alias_sample8", "/node/580531"),
        ("osce", "article", "article_dateline_only", dateline_only_path()),
        ("osce", "article", "article_missing_date_sample6", "/secretariat/424517"),
        ("osce", "article", "article_not_an_article", "/press-releases"),
        ("osce", "listing", "listing_page0", "/press-releases"),
        ("osce", "listing", "listing_page2", "/press-releases?page=2"),
        ("osce", "listing", "listing_keyword_interpol", "/press-releases/interpol"),
        ("interpol", "article", "article_2019_seed001", SEED_001),
        ("interpol", "article", "article_2019_arabic_seed001", SEED_001.replace("/en/", "/ar/")),
        ("interpol", "article", "article_legacy_seed002", "/en/News-and-media/News/2017/N2017-065"),
        ("interpol", "article", "article_2019_standfirst_quote", standfirst_quote_path()),
        ("interpol", "listing", "listing_page1", "/en/News-and-Events/News"),
        ("interpol", "feed", "feed_rss", "/en/News-and-Events/News/rss"),
    ]


def published(replica: ReplicaHandle) -> list[tuple[str, str, str, str]]:
    latin1 = replica.publish(
        "osce", title="OSCE trains border police from Zürich and Genève on document security",
        body="Border police officers from Zürich and Genève completed an OSCE course on "
             "document security today.\nThe course covered the use of INTERPOL's database of "
             "stolen and lost travel documents.", place="ZÜRICH", date="2026-03-02",
        tags="Border management", fault="latin1")
    truncated = replica.publish(
        "osce", title="OSCE and INTERPOL hold joint course on firearms tracing",
        body="A joint OSCE-INTERPOL course on tracing illicit firearms opened today for 25 "
             "police officers from South-Eastern Europe.\nThe five-day course covers INTERPOL's "
             "iARMS database and national firearms registers.\nTrainers from both "
             "organizations will also present regional case studies.", place="SKOPJE",
        date="2026-03-03", tags="Arms control, Policing", relevance="primary", fault="truncated")
    undated = replica.publish(
        "interpol", title="INTERPOL and OSCE experts meet on border security",
        body="Experts from INTERPOL and the OSCE met to discuss border security.\nThey agreed "
             "to continue joint training.", place="VIENNA, Austria", relevance="primary",
        fault="missing_date")
    origin = replica.base_url
    return [("osce", "article", "article_latin1", latin1.removeprefix(origin)),
            ("osce", "article", "article_truncated", truncated.removeprefix(origin)),
            ("interpol", "article", "article_missing_date_related_news",
             undated.removeprefix(origin))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    failed = 0
    with serve_replica(args.port) as replica:
        def run(batch: list[tuple[str, str, str, str]]) -> None:
            nonlocal failed
            for source, kind, name, path in batch:
                try:
                    case = capture(source, replica.url(path), out_dir=HERE, kind=kind,
                                   user_agent="coopwatch-fixtures", name=name, force=args.force)
                    print(f"captured {case.relative_to(HERE)}")
                except CaptureError as err:
                    print(f"skipped: {err}", file=sys.stderr)
                    failed += 1

        run(plain_cases())
        run(published(replica))
        replica.set_rss(enabled=True, broken=True)
        run([("interpol", "feed", "feed_broken", "/en/News-and-Events/News/rss")])
        replica.reset()
        replica.set_fault("osce", "redesign")
        run([("osce", "article", "article_redesign_meta_only", "/secretariat/441263"),
             ("osce", "listing", "listing_redesign", "/press-releases")])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
