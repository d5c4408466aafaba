"""The replica's content: enough realistic items, hard negatives that really are negative,
seed pages whose text reads like the seeds, and pages the page objects read as expected."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from datetime import date

import lxml.html
import pytest

from crawler.pages.dispatch import parse_article, parse_listing
from replica.catalogue import FIELDS
from replica.content import SITES, interpol_slug
from replica.inventory import catalogue, expected_items
from replica.seeds import seed_text
from replica.server import ReplicaHandle, serve_replica

NAMES = {"osce": re.compile(r"interpol|international criminal police|icpo", re.I),
         "interpol": re.compile(r"osce|organization for security and co-?operation", re.I)}


@pytest.fixture(scope="module")
def replica() -> Iterator[ReplicaHandle]:
    with serve_replica() as handle:
        yield handle


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode(response.headers.get_content_charset() or "utf-8")


@pytest.mark.parametrize("site", SITES)
def test_enough_items_of_every_kind(site: str) -> None:
    items = expected_items(site)
    seeds = {"osce": 3, "interpol": 2}[site]
    assert len(items) - seeds >= 40
    years = {int(i["published"][:4]) for i in items}
    assert {2010, 2026} <= years and len(years & set(range(2010, 2027))) >= 14
    assert {i["relevance"] for i in items} == {"primary", "secondary", "mention", "none"}
    paths = [p for i in items for p in (i["url"], *i["alt_urls"])]
    assert len(paths) == len(set(paths)), "two items share a URL"
    assert len({i["title"] for i in items}) == len(items)


def test_osce_exercises_both_layouts_and_every_dateline_style() -> None:
    items = catalogue("osce")
    assert {i.layout for i in items} == {"2025", "2023"}
    assert {i.style for i in items} >= {"hyphen", "endash", "osce", "after", "none"}
    assert any(i.place.islower() or i.place.istitle() for i in items if i.dateline())
    assert {i.with_meta for i in items} == {True, False}
    assert all(set(i.tags) <= set(FIELDS.values()) for i in items)


@pytest.mark.parametrize("site", SITES)
def test_hard_negatives_never_name_the_other_organisation(site: str) -> None:
    for item in catalogue(site):
        named = bool(NAMES[site].search(item.text()))
        assert named == (item.relevance != "none"), f"{item.relevance}: {item.title}"


def test_slugs_turn_apostrophes_into_s() -> None:
    assert interpol_slug("Montenegro police chief’s visit to INTERPOL") == \
        "Montenegro-police-chief-s-visit-to-INTERPOL"
    assert interpol_slug("INTERPOL approves agreements to enhance global security") == \
        "INTERPOL-approves-agreements-to-enhance-global-security"


def test_catalogue_is_deterministic() -> None:
    for site in SITES:
        assert catalogue.__wrapped__(site) == catalogue(site)


def visible_lines(html: str) -> list[str]:
    """The page's text one block per line, roughly as the seeds' text dumps were made."""
    root = lxml.html.document_fromstring(html)
    for bad in root.xpath("//script|//style|//time"):  # the dumps dropped <time> values
        bad.drop_tree()
    blocks = root.xpath("//p|//li|//h1|//dt|//dd|//span|//div[not(*)]|//figcaption|//cite|"
                        "//button|//a")
    return [" ".join(b.text_content().split()) for b in blocks]


def in_order(needles: list[str], haystack: list[str]) -> list[str]:
    """Needles not found, in order, each inside some later line of haystack."""
    missing, position = [], 0
    for needle in needles:
        hit = next((i for i in range(position, len(haystack)) if needle in haystack[i]), None)
        if hit is None:
            missing.append(needle)
        else:
            position = hit
    return missing


@pytest.mark.parametrize(("number", "path"), [
    ("000", "/secretariat/441263"), ("003", "/secretariat/498312"),
    ("002", "/en/News-and-media/News/2017/N2017-065"),
    ("001", "/en/News-and-Events/News/2019/INTERPOL-and-OSCE-discuss-ways-to-strengthen-"
            "cooperation-in-countering-transnational-threats"),
    ("004", "/secretary-general/319010"),
])
def test_seed_pages_read_like_the_seeds(replica: ReplicaHandle, number: str, path: str) -> None:
    lines = visible_lines(fetch(replica.url(path)))
    wanted = []
    for line in seed_text(number).splitlines():
        line = " ".join(line.strip().removeprefix("- ").split()).replace("**", "")
        if line and line != "-":
            # dump artefacts: lost paragraph breaks (001), markdown escapes (004)
            wanted += re.split(r"(?<=[.”])(?=[A-Z“])", line.replace("\\$", "$"))
    missing = in_order(wanted, lines)
    assert not missing, f"seed {number}: not on the page in order: {missing[:3]}"


@pytest.mark.parametrize("site", SITES)
def test_page_objects_read_every_item_as_expected(replica: ReplicaHandle, site: str) -> None:
    wrong = []
    for item in expected_items(site):
        for path in (item["url"], *item["alt_urls"]):
            url = replica.url(path)
            article = parse_article(site, url, fetch(url))
            got = {"title": article.title, "place": article.place,
                   "published_on_page": article.published_at.date().isoformat()
                   if article.published_at else None}
            want = {k: item[k] for k in got}
            if got != want:
                wrong.append(f"{path}: {got} != {want}")
            if article.fallback_fields():
                wrong.append(f"{path}: fell back for {article.fallback_fields()}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(("site", "path"), [("osce", "/press-releases?rows=100"),
                                             ("interpol", "/en/News-and-Events/News?page=1")])
def test_listings_give_every_item_its_date(replica: ReplicaHandle, site: str, path: str) -> None:
    listing = parse_listing(site, replica.url(path), fetch(replica.url(path)))
    expected = {replica.url(i["url"]): i["published"] for i in expected_items(site)}
    assert listing.entries
    for entry in listing.entries:
        assert entry.published == date.fromisoformat(expected[entry.url]), entry.url
