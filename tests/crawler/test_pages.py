"""Page objects against every fixture in tests/pages (or COOPWATCH_FIXTURES_DIR), and the
date, dateline and text readers they share."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.article import LAYERS
from crawler.pages.base import NotAnArticle
from crawler.pages.dateline import find_dateline
from crawler.pages.dates import parse_date, parse_iso, parse_rfc822
from crawler.pages.dispatch import (
    all_page_objects,
    parse_article,
    parse_article_with_page,
    parse_listing,
)
from crawler.pages.fixtures import (
    KINDS,
    Case,
    compare,
    discover,
    expected_problems,
    extract,
    fixtures_root,
)
from crawler.pages.metadata import first_time_datetime
from crawler.pages.text import article_paragraphs, blocks, parse_html, text_of

CASES = discover(fixtures_root())
META_KEYS = {"url", "captured_at", "origin", "source", "kind", "headers"}


def check_case(case_dir: Path) -> list[str]:
    """Everything wrong with one fixture: its files, then each field the page object reads."""
    text = (case_dir / "expected.json").read_text(encoding="utf-8")
    problems = [f"expected.json: {p}" for p in expected_problems(text)]
    case = Case.load(case_dir)
    missing = META_KEYS - set(case.meta)
    if missing:
        problems.append(f"meta.json lacks {sorted(missing)}")
    if case.meta.get("source") != case_dir.parent.name or case.meta.get("kind") not in KINDS:
        problems.append("meta.json: source must name the parent folder, kind one of " + str(KINDS))
    if problems:
        return problems
    return compare(extract(case), json.loads(text))


def test_there_are_fixtures() -> None:
    assert len(CASES) >= 10, f"no fixtures under {fixtures_root()}"


@pytest.mark.parametrize("case_dir", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_page_object_matches_expected(case_dir: Path) -> None:
    problems = check_case(case_dir)
    assert not problems, f"{case_dir}:\n  " + "\n  ".join(problems)


def test_every_page_object_has_a_fixture() -> None:
    covered = {json.loads((c / "expected.json").read_text(encoding="utf-8")).get("page_object")
               for c in CASES}
    missing = sorted(set(all_page_objects()) - covered)
    assert not missing, f"page objects without a fixture: {missing}; capture one"


def test_fixture_layers_are_known() -> None:
    for case_dir in CASES:
        data = json.loads((case_dir / "expected.json").read_text(encoding="utf-8"))
        fields = [*data.get("entries", []), data]
        layers = {v["layer"] for f in fields for v in f.values() if isinstance(v, dict)}
        assert layers <= set(LAYERS), f"{case_dir}: unknown layers {layers - set(LAYERS)}"


# --- the checks themselves fail when they should ----------------------------------------------

def test_expected_problems_catches_unsorted_empty_and_blank_files() -> None:
    assert expected_problems('{"b": 1, "a": 2}') == ["keys not sorted: ['b', 'a']"]
    assert expected_problems('{"a": {"layer": "url", "value": ""}}') == \
        ["empty value for 'value'"]
    assert expected_problems("{}") == ["expected.json is empty"]
    assert expected_problems("") and expected_problems("[1") != []
    assert expected_problems('{"a": {"layer": "url", "value": "x"}}') == []


def test_compare_names_each_differing_field() -> None:
    want = {"title": {"layer": "selector", "value": "A"},
            "entries": [{"url": {"layer": "url", "value": "u"}}]}
    got = {"title": {"layer": "meta", "value": "A"},
           "entries": [{"url": {"layer": "url", "value": "v"}}, {}]}
    messages = compare(got, want)
    assert messages[0] == "entries: expected 1, got 2"
    assert messages[1].startswith("entries[0].url: expected")
    assert messages[2].startswith("title: expected {'layer': 'selector'")


# --- dates --------------------------------------------------------------------------------------

MIDNIGHT_5_DEC = datetime(2019, 12, 5, tzinfo=UTC)


@pytest.mark.parametrize("text", [
    "5 December 2019", "05 December 2019", " 5 Dec. 2019 ", "5 décembre 2019",
    "٥ ديسمبر ٢٠١٩", "05/12/2019", "5.12.2019", "2019-12-05", "Thursday, 5 December 2019",
])
def test_parse_date_reads_every_form_the_sites_print(text: str) -> None:
    assert parse_date(text) == MIDNIGHT_5_DEC


@pytest.mark.parametrize("text", ["12/31/2019", "31 February 2019", "December", "", "2019",
                                  "held on 21 and 22 September 2021"])
def test_parse_date_refuses_what_is_not_one_date(text: str) -> None:
    assert parse_date(text) is None


def test_iso_and_rfc822_become_utc() -> None:
    assert parse_iso("2019-12-05T10:12:00+01:00") == datetime(2019, 12, 5, 9, 12, tzinfo=UTC)
    assert parse_iso("2019-12-05T10:12:00") == datetime(2019, 12, 5, 10, 12, tzinfo=UTC)
    assert parse_rfc822("Thu, 05 Dec 2019 10:12:00 +0100") == \
        datetime(2019, 12, 5, 9, 12, tzinfo=UTC)
    assert parse_iso("not a date") is None and parse_rfc822("") is None


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)))
def test_printed_dates_round_trip(day: date) -> None:
    arabic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    expected = datetime(day.year, day.month, day.day, tzinfo=UTC)
    assert parse_date(f"{day.day} {day:%B %Y}") == expected
    assert parse_date(f"{day.day} {day:%B} {day.year}".translate(arabic)) == expected


# --- datelines ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("lead", "place", "day"), [
    ("BISHKEK, 20 December 2010 - A training course", "BISHKEK", date(2010, 12, 20)),
    ("VIENNA/WARSAW, 5 May 2015 – The OSCE", "VIENNA/WARSAW", date(2015, 5, 5)),
    ("Warsaw, 14 April 2025 – ODIHR opened", "Warsaw", date(2025, 4, 14)),
    ("TIRANA / BRUSSELS / GENEVA – 6 October 2020. Albania", "TIRANA / BRUSSELS / GENEVA",
     date(2020, 10, 6)),
    ("DUSHANBE, 12 May 2011 (OSCE)- Twenty officers", "DUSHANBE", date(2011, 5, 12)),
    ("ASTANA, 3 April 2013 — The OSCE", "ASTANA", date(2013, 4, 3)),
    ("NOVOPOKROVKA, Kyrgyzstan, 8 November 2010 - A course", "NOVOPOKROVKA, Kyrgyzstan",
     date(2010, 11, 8)),
    ("BRATISLAVA, Slovakia – A high-level side event", "BRATISLAVA, Slovakia", None),
    ("ST JOHANN IM PONGAU, Austria – A new INTERPOL", "ST JOHANN IM PONGAU, Austria", None),
    # a city alone, in capitals, as INTERPOL writes it; and with a date, as OSCE does
    ("SINGAPORE – The INTERPOL Global Complex for Innovation hosted", "SINGAPORE", None),
    ("LYON – INTERPOL has published a Purple Notice", "LYON", None),
    ("VIENNA, 3 May 2024 – The OSCE Secretariat", "VIENNA", date(2024, 5, 3)),
    ("VIENNA/WARSAW – The OSCE and ODIHR today", "VIENNA/WARSAW", None),
    # city + country, in capitals or not; the country first, as some INTERPOL items do
    ("Lyon, France – The INTERPOL General Secretariat", "Lyon, France", None),
    ("LYON, France – The INTERPOL General Secretariat", "LYON, France", None),
    ("SYRIA, Damascus – Building a collaborative regional", "SYRIA, Damascus", None),
    ("UNITED NATIONS, New York – Combating trafficking", "UNITED NATIONS, New York", None),
    ("ALMATY, Kazakhstan, 11 June 2015 – A two-day regional", "ALMATY, Kazakhstan",
     date(2015, 6, 11)),
    # lower case months, an abbreviated month, an event's days, an agency after the place
    ("Vienna/Warsaw, 5 may 2015 – The guidebook", "Vienna/Warsaw", date(2015, 5, 5)),
    ("SKOPJE, 28 Sep 2007 - Border police", "SKOPJE", date(2007, 9, 28)),
    ("BISHKEK, 1-5 July 2024 – The OSCE Transnational Threats", "BISHKEK", date(2024, 7, 5)),
    ("DUSHANBE (TCA) — The OSCE Programme Office", "DUSHANBE", None),
])
def test_dateline_varieties(lead: str, place: str, day: date | None) -> None:
    found = find_dateline(lead)
    assert found is not None and found.place == place
    assert lead.startswith(found.raw)  # the dateline as written, to the dash
    assert (found.published.date() if found.published else None) == day


@pytest.mark.parametrize("lead", [
    "OSCE-INTERPOL Joint Action Plan signed", "INTERPOL – the world's largest police body",
    "Vienna – the meeting", "Participants discussed – at length", "From 5 to 13 October, the OSCE",
    # a capitalised word and a dash that is not a dateline
    "INTERPOL – The world's largest police organization", "OSCE/ODIHR – The Office",
    "Participants – The course covered", "Vienna – The meeting", "COVID-19 – The pandemic",
    "UPDATE – The meeting was moved", "LYON – the city hosting", "EU – The Union",
])
def test_no_dateline_in_ordinary_sentences(lead: str) -> None:
    assert find_dateline(lead) is None


def test_captions_and_pull_quotes_that_repeat_the_body_are_dropped() -> None:
    body = "Addressing participants, Stock said: “INTERPOL is increasingly engaging with its " \
           "partners to support member countries.” More text follows here."
    kept = article_paragraphs([
        body, '"INTERPOL is increasingly engaging with its partners to support member '
              'countries." - Secretary General Stock', "1 / 6", body, "Another paragraph."])
    assert kept == [body, "Another paragraph."]


# --- robustness ---------------------------------------------------------------------------------

@pytest.mark.parametrize("html", ["", "   \n", "<!-- nothing -->", "<html><body></body></html>",
                                  "\x00\x01binary", "<html><body><h1>Title only</h1>"])
def test_pages_without_an_article_raise_not_an_article(html: str) -> None:
    for source in ("osce", "interpol"):
        with pytest.raises(NotAnArticle):
            parse_article(source, "https://www.osce.org/x/1", html)


def test_a_decoded_page_that_still_declares_its_encoding_parses() -> None:
    html = ('<?xml version="1.0" encoding="iso-8859-1"?><html><body><div class="content--header">'
            '<h1>Zürich talks</h1></div><div class="content--content"><div><div class="pane-'
            'content"><p>ZÜRICH, 5 May 2015 - Text.</p></div></div></div></body></html>')
    article = parse_article("osce", "https://www.osce.org/x/1", html)
    assert (article.title, article.place) == ("Zürich talks", "ZÜRICH")
    assert article.published_at == datetime(2015, 5, 5, tzinfo=UTC)


def test_generic_never_takes_a_date_from_related_news() -> None:
    html = """<html><body><main><h1>Some item</h1><p>LYON, France – Text of the item.</p>
    <h2>Related news</h2><ul><li><a href="/a">Other</a> <time datetime="2018-01-02">
    2 January 2018</time></li><li>3 March 2017</li></ul></main></body></html>"""
    article, page = parse_article_with_page("interpol", "https://x.example/other/1", html)
    assert page == "GenericArticlePage"
    assert article.published_at is None and article.place == "LYON, France"
    assert article.body == "LYON, France – Text of the item."


def test_unknown_source_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no page objects for source 'nato'"):
        parse_listing("nato", "https://www.nato.int/", "<html></html>")


@pytest.mark.parametrize(("html", "expected"), [
    ('<body><h1>T</h1><time datetime="2020-01-02">2 Jan</time></body>', "2020-01-02"),
    ('<body><h2>Related news</h2><time datetime="2020-01-02">x</time></body>', None),
    # the heading's own text, in any case and spacing, as an ancestor of the <time>
    ('<body><div>  RELATED\xa0 News: <time datetime="2020-01-02">x</time></div></body>', None),
    ('<body><p>see also <b>this</b></p><time datetime="2020-01-02">x</time></body>', None),
    # words of a heading that are not an element's own text, or come after the <time>
    ('<body><p>More <b>news</b></p><time datetime="2020-01-02">x</time></body>', "2020-01-02"),
    ('<body><p><b>x</b>Related news</p><time datetime="2020-01-02">x</time></body>',
     "2020-01-02"),
    ('<body><time datetime="2020-01-02">x</time><h2>Related news</h2></body>', "2020-01-02"),
    ('<body><time>no datetime</time><h2>See also</h2><time datetime="2020-01-02"></time></body>',
     None),
    ('<body><time datetime="2020-01-02">Related news</time></body>', None),
    ('<body><p>Related articles and more</p><time datetime="2020-01-02">x</time></body>',
     "2020-01-02"),
])
def test_first_time_datetime_stops_at_a_related_heading(html: str, expected: str | None) -> None:
    assert first_time_datetime(parse_html(html)) == expected


def test_blocks_skip_hidden_and_nested_blocks_and_stay_in_their_container() -> None:
    root = parse_html("""<body><div id="a"><h1>T</h1><p>One</p><nav><p>Menu</p></nav>
        <div aria-hidden="true"><div><p>Hidden</p></div></div><ul><li><p>Item</p></li></ul>
        <p>Two</p></div><p>Outside</p></body>""")
    container = root.get_element_by_id("a")
    h1 = container.find("h1")
    assert [text_of(b) for b in blocks(container)] == ["One", "Item", "Two"]
    assert [text_of(b) for b in blocks(container, after=h1)] == ["One", "Item", "Two"]
    assert list(blocks(container, after=root.find(".//body/p"))) == []  # after is outside
