"""The generic article layer (issue 14) and `coopwatch extract`: titles, dates, bodies, the
article-or-listing decision, per-field fallback under a site's page object, and bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from coopwatch import cli_extract
from crawler.pages.base import Document, NotAnArticle
from crawler.pages.dispatch import parse_article_with_page
from crawler.pages.extract import extract
from crawler.pages.fixtures import Case, discover, fixtures_root
from crawler.pages.generic import GenericArticlePage

TEXT = ("The OSCE and INTERPOL held a joint workshop on border security today, with experts "
        "from twenty participating States discussing risk analysis and travel documents. ")


def page(head: str = "", body: str = "") -> str:
    return (f"<html><head>{head}</head><body><header><a href='/'>Site</a></header>"
            f"<article>{body}<p>{TEXT * 3}</p><p>{TEXT * 2}</p></article>"
            "<footer>© Site</footer></body></html>")


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()
    app.command("noop")(lambda: None)  # two commands: typer keeps the subcommand name
    app.add_typer(cli_extract.app)
    return app


def test_json_ld_headline_entities_are_decoded_and_live_blogs_are_articles() -> None:
    ld = {"@context": "https://schema.org", "@type": "LiveBlogPosting",
          "headline": "Border talks: what&#039;s next &amp; why", "datePublished":
          "2024-05-03T08:00:00Z", "dateModified": "2024-06-01T08:00:00Z"}
    html = page(f'<script type="application/ld+json">{json.dumps(ld)}</script>',
                "<h1>Border talks: what's next & why</h1>")
    out = extract("generic", "https://x.example/live", html)
    assert out["title"] == "Border talks: what's next & why"
    assert out["published"] == "2024-05-03T08:00:00+00:00"  # never dateModified
    assert out["provenance"]["title"] == "meta"


def test_the_visible_headline_wins_when_metadata_disagrees() -> None:
    html = page('<meta property="og:title" content="Border workshop | Site News">',
                "<h1>OSCE and INTERPOL hold border workshop</h1>")
    out = extract("generic", "https://x.example/a", html)
    assert (out["title"], out["provenance"]["title"]) == \
        ("OSCE and INTERPOL hold border workshop", "heuristic")
    assert not out["body"].startswith("OSCE and INTERPOL hold border workshop")


def test_a_logo_h1_is_not_the_headline() -> None:
    html = page('<meta property="og:title" content="Experts meet on border security">',
                "").replace("<header>", "<div><h1>Daily Planet</h1></div><header>")
    out = extract("generic", "https://x.example/a", html)
    assert out["title"] == "Experts meet on border security"


def test_modified_dates_are_never_taken_and_htmldate_reads_the_rest() -> None:
    modified_only = page('<meta property="article:modified_time" content="2024-06-01">',
                         "<h1>Workshop</h1>")
    assert extract("generic", "https://x.example/a", modified_only)["published"] is None
    dated = page('<meta name="date" content="2024-05-03">', "<h1>Workshop</h1>")
    out = extract("generic", "https://x.example/a", dated)
    assert out["published"] == "2024-05-03T00:00:00+00:00"
    assert out["provenance"]["published"] == "htmldate"


def test_an_article_with_a_related_rail_is_read_and_the_rail_is_not_in_its_body() -> None:
    rail = "".join(f"<h3><a href='/n/{n}'>Other story number {n}</a></h3>" for n in range(6))
    html = page('<meta property="og:type" content="article">', "<h1>Joint workshop</h1>")
    html = html.replace("</article>", f"</article><section>{rail}</section>")
    out = extract("generic", "https://x.example/a", html)
    assert out["parsed"] and "Other story" not in out["body"]


def listing_pages() -> list[Case]:
    return [Case.load(p) for p in discover(fixtures_root())
            if Case.load(p).meta["kind"] == "listing"]


@pytest.mark.parametrize("case", listing_pages(), ids=lambda c: c.path.name)
def test_every_replica_listing_page_is_read_as_a_listing(case: Case) -> None:
    out = extract("generic", case.meta["url"], case.text())
    assert out == {"parsed": False, "error": f"{case.meta['url']}: looks like a listing page"} \
        or (not out["parsed"])


def test_a_site_page_object_keeps_its_fields_and_the_generic_layer_fills_the_body() -> None:
    # The OSCE 2023 layout's title but no body pane: the body comes from the generic layer.
    html = ('<html><body><div class="content--header"><h1>OSCE trains officers</h1></div>'
            f'<div class="content--content"><div><div class="pane-content"></div></div></div>'
            f"<div id='x'><p>{TEXT * 3}</p></div></body></html>")
    article, page_object = parse_article_with_page("osce", "https://www.osce.org/x/1", html)
    assert page_object == "Osce2023Layout"
    assert article.provenance["title"] == "selector"
    assert article.provenance["body"] == "trafilatura" and TEXT.strip() in article.body
    assert "body" in article.fallback_fields()


def test_a_page_with_only_a_headline_is_not_an_article() -> None:
    with pytest.raises(NotAnArticle):
        parse_article_with_page("osce", "https://x.example/a",
                                "<html><body><main><h1>Only this</h1></main></body></html>")


def test_extract_command_reports_bad_lines_and_reads_the_rest(cli: typer.Typer) -> None:
    good = json.dumps({"url": "https://x.example/a", "html": page("", "<h1>Workshop</h1>")})
    listing = listing_pages()[0]
    data = (good + "\nnot json\n[1]\n" + json.dumps({"url": "u"}) + "\n"
            + json.dumps({"url": listing.meta["url"], "html": listing.text()}) + "\n").encode() \
        + b'{"url": "\xff"}\n'
    result = CliRunner().invoke(cli, ["extract", "--source", "generic"], input=data)
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["parsed"] for o in out] == [True, False]
    assert out[0]["title"] == "Workshop" and out[0]["provenance"]["body"] == "trafilatura"
    assert set(out[0]) == {"parsed", "title", "published", "place", "summary", "body",
                           "page_object", "provenance"}
    errors = result.stderr.splitlines()
    assert errors[0].startswith("line 2: not valid JSON")
    assert errors[1].startswith("line 3: expected a JSON object")
    assert errors[2].startswith('line 4: needs "url"')
    assert errors[3].startswith("line 6: not UTF-8")
    assert errors[-1] == "4 bad line(s) skipped" and "Traceback" not in result.stderr


def test_extract_command_uses_the_sources_page_objects_first(cli: typer.Typer) -> None:
    case_dir = Path(fixtures_root()) / "osce" / "article_2025_press_release_seed000"
    case = Case.load(case_dir)
    line = json.dumps({"url": case.meta["url"], "html": case.text()}) + "\n"
    site = json.loads(CliRunner().invoke(cli, ["extract", "--source", "osce"], input=line).stdout)
    generic = json.loads(CliRunner().invoke(cli, ["extract"], input=line).stdout)
    assert site["page_object"] == "Osce2025Layout" and site["provenance"]["title"] == "selector"
    assert generic["page_object"] == "GenericArticlePage"
    assert site["title"] == generic["title"]
    assert datetime.fromisoformat(site["published"]) <= datetime.now(UTC)


def test_extract_command_refuses_an_unknown_source(cli: typer.Typer) -> None:
    result = CliRunner().invoke(cli, ["extract", "--source", "nato"], input="")
    assert result.exit_code == 1
    assert result.stderr.strip() == ("Error: no page objects for source 'nato'; use osce, "
                                     "interpol or generic")


def test_a_page_trafilatura_gives_up_on_is_read_by_our_own_reader() -> None:
    # An escape character (a garbled or hostile page) makes trafilatura return nothing.
    lead = ("OSCE and INTERPOL signed a joint action plan on border security in Vienna today, "
            "the two organisations said.")
    html = ("<html><head><title>x</title></head><body><main><article><h1>OSCE and INTERPOL "
            f"sign plan</h1><p>{lead}&#x1b;</p><p>The plan covers training in 2026.</p>"
            "</article></main></body></html>")
    out = extract("generic", "https://x.example/a", html)
    assert out["provenance"]["body"] == "heuristic"
    assert out["body"].startswith(lead) and out["body"].endswith("training in 2026.")


def _cms_page(graph: list[dict[str, str]]) -> str:
    ld = json.dumps({"@context": "https://schema.org", "@graph": graph})
    return (f'<html><head><meta property="og:type" content="article"><script '
            f'type="application/ld+json">{ld}</script></head><body><main><h1>About the Wire'
            '</h1><p>' + "The Wire reports on border security in the region. " * 12 +
            "</p></main></body></html>")


def test_a_page_declared_a_plain_web_page_with_no_date_is_not_an_article() -> None:
    """A CMS marks its About page a WebPage (and og:type article, Yoast-style); with no date
    from any layer it is no news item. The same page dated, or with an article node, is one."""
    def read(graph: list[dict[str, str]]) -> object:
        doc = Document.parse("https://wire.example/about/", _cms_page(graph))
        return GenericArticlePage(doc, "wire").to_article()

    with pytest.raises(NotAnArticle, match="declares itself a web page"):
        read([{"@type": "AboutPage", "name": "About the Wire", "dateModified": "2025-01-02"}])
    dated = read([{"@type": "WebPage", "name": "About the Wire",
                   "datePublished": "2024-05-06T10:00:00+00:00"}])
    assert getattr(dated, "published_at", None) is not None
    article = read([{"@type": "WebPage", "name": "About the Wire"},
                    {"@type": "NewsArticle", "headline": "About the Wire"}])
    assert getattr(article, "title", "") == "About the Wire"
