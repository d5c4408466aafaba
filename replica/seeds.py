"""The five seed documents as replica items, read from storage/seeds/ (vendored, never edited).

The seeds are text dumps of real pages, so the replica rebuilds pages whose text reads the
same: 000 and 003 are 2025-layout OSCE pages (menu, content type, title, labelled facts, body),
001 the new-site INTERPOL page with its carousel and pull quote, 002 the old-site INTERPOL page,
004 the speech, served as a 2023-layout OSCE page whose body is the speech and which also links
the speech's PDF. The seeds' own osce.org URLs are unknown: the node ids here are invented.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from importlib.resources import files

from replica.content import Block, Item, interpol_key, modified_at

FILES = {
    "000": "000_e2dcfb32f552d9ae.txt", "001": "001_6bef9e8f0ce6ab5f.txt",
    "002": "002_2c566f5273bf732f.txt", "003": "003_f6636b41f2eaef8f.txt",
    "004": "004_3694aea447e329a7.txt",
}
SPEECH_PDF = "/files/f/documents/3/1/319010.pdf"


@cache
def seed_text(number: str) -> str:
    return (files("storage") / "seeds" / FILES[number]).read_text(encoding="utf-8")


def _lines(number: str) -> list[str]:
    return [line.strip() for line in seed_text(number).splitlines() if line.strip()]


def menu_groups(number: str) -> list[tuple[str, list[str]]]:
    """The 2025 navigation menu of a seed page: a lone "-" line opens a group whose heading is
    the next line; "- item" lines are its entries. Ends where the content type appears."""
    lines = _lines(number)
    end = lines.index("Press release" if number == "000" else "News Item")
    groups: list[tuple[str, list[str]]] = []
    expect_heading = False
    for line in lines[:end]:
        if line == "-":
            expect_heading = True
        elif expect_heading or not groups:
            groups.append((line, []))
            expect_heading = False
        else:
            groups[-1][1].append(line.removeprefix("- "))
    return groups


def _facts_and_body(number: str) -> tuple[str, str, dict[str, list[str]], list[str]]:
    """Content type, title, labelled facts and body paragraphs of a 2025-layout dump."""
    lines = _lines(number)
    start = lines.index("Press release" if number == "000" else "News Item")
    content_type, title = lines[start], lines[start + 1]
    facts: dict[str, list[str]] = {}
    label = None
    body_from = start + 2
    for i, line in enumerate(lines[start + 2:], start + 2):
        if line.startswith("- ") and line.endswith(":"):
            label = line[2:-1]
            facts[label] = []
        elif line.startswith("- ") and label:
            facts[label].append(line[2:])
        elif label:  # the first line after the facts starts the body
            body_from = i
            break
    return content_type, title, facts, lines[body_from:]


def _osce_2025(number: str, nid: str, published: date, relevance: str) -> Item:
    content_type, title, facts, body = _facts_and_body(number)
    lead = "" if "Place" in facts else _lines(number)[_lines(number).index(title) + 1]
    place = facts.get("Place", [""])[0]
    if place and body[0].startswith(place):  # the dateline is rebuilt from place and date
        body[0] = body[0].split(" – ", 1)[1]
    units = facts.get("Source") or facts.get("Issued by") or [""]
    return Item(
        site="osce", key=nid, title=title, published=published,
        blocks=tuple(Block("p", p) for p in body), relevance=relevance, place=place,
        style="endash" if place else "none",
        content_type="News" if content_type == "News Item" else content_type,
        tags=tuple(facts["Fields of work"][0].split(", ")),
        units=tuple(u.strip() for u in units[0].split(",")), section="secretariat",
        layout="2025", summary=lead, with_meta=number == "000", menu=number,
        modified=modified_at(published),
    )


def _speech() -> Item:
    # Paragraphs are the dump's blank-line groups; a group's lines (the salutation) keep their
    # line breaks. "**bold**" is the dump's markdown for bold type.
    groups = [g.strip() for g in re.split(r"\n\s*\n", seed_text("004")) if g.strip()]
    title = "OSCE – INTERPOL Co-operation and the Way Ahead"
    published = date(2017, 5, 16)
    return Item(
        site="osce", key="319010", title=title, published=published,
        blocks=tuple(Block("p", g.replace("\\$", "$")) for g in groups), relevance="primary",
        section="secretary-general", units=("OSCE Secretary General",), layout="2023",
        summary="Address by OSCE Secretary General Lamberto Zannier to the 45th ICPO-INTERPOL "
                "European Regional Conference, St. Johann im Pongau, Austria, 16 May 2017",
        tags=("Policing", "Border management", "Countering terrorism"),
        downloads=(SPEECH_PDF,), modified=modified_at(published),
    )


def _interpol_001() -> Item:
    lines = _lines("001")
    # The dump lost the breaks between paragraphs ("organizations.Participants"): restore them.
    def split(text: str) -> list[str]:
        return re.split(r"(?<=[.”])(?=[A-Z“])", text)

    lead, *rest = split(lines[0])
    place, lead = lead.split(" – ", 1)
    captions, counter = tuple(lines[1:7]), lines[7:9]
    assert counter == ["1 /", "6"], "seed 001 changed: its carousel has moved"
    blocks = [Block("p", lead), *(Block("p", p) for p in rest),
              Block("carousel", captions=captions), *(Block("p", p) for p in split(lines[9])),
              Block("quote", lines[10], cite=lines[11]), Block("p", lines[12])]
    title = "INTERPOL and OSCE discuss ways to strengthen cooperation in countering " \
            "transnational threats"
    published = date(2019, 12, 5)
    return Item(
        site="interpol", key=interpol_key(published, title), title=title, published=published,
        blocks=tuple(blocks), relevance="primary", place=place, style="interpol",
        content_type="News", tags=("Partnerships",),
        modified=modified_at(published),
    )


def _interpol_002() -> Item:
    lines = _lines("002")
    assert lines[0] == "All news", "seed 002 changed"
    published, title = date(2017, 5, 17), lines[2]
    place, lead = lines[3].split(" – ", 1)
    return Item(
        site="interpol", key=interpol_key(published, title), title=title, published=published,
        blocks=tuple(Block("p", p) for p in [lead, *lines[4:]]), relevance="primary",
        place=place, style="interpol", content_type="News",
        old_path="/en/News-and-media/News/2017/N2017-065", with_meta=True,
        modified=modified_at(published),
    )


def seed_items(site: str) -> tuple[Item, ...]:
    if site == "osce":
        return (_osce_2025("000", "441263", date(2019, 12, 5), "primary"),
                _osce_2025("003", "498312", date(2021, 9, 22), "secondary"), _speech())
    return (_interpol_001(), _interpol_002())
