"""The generic layer on the replica's WordPress site (/wire/), which configured sources rely on:
every post read with its exact title, date and place; archives recognised as listings whose
entries, dates and "Next »" link are read; a post never taken for a listing."""

from __future__ import annotations

import urllib.request

import pytest

from crawler.pages.base import Document, NotAnArticle
from crawler.pages.generic import GenericArticlePage, GenericListingPage
from replica.inventory import catalogue, expected_items
from replica.server import ReplicaHandle


def document(replica: ReplicaHandle, path: str) -> Document:
    url = replica.url(path)
    with urllib.request.urlopen(url, timeout=10) as response:
        return Document.parse(url, response.read().decode())


def test_generic_layer_reads_every_wire_post_exactly(replica: ReplicaHandle) -> None:
    wrong = []
    for item in expected_items("wire"):
        article = GenericArticlePage(document(replica, item["url"]), "wire").to_article()
        got = {"title": article.title, "place": article.place,
               "published": article.published_at.date().isoformat()
               if article.published_at else None, "url": article.url}
        want = {"title": item["title"], "place": item["place"],
                "published": item["published"], "url": replica.url(item["url"])}
        if got != want:
            wrong.append(f"{item['url']}: {got} != {want}")
        assert article.provenance["published_at"] == "meta"
        assert article.body.startswith(f"{item['place']} (BSW) — " if item["place"] else "")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("start", ["/wire/category/news/", "/wire/tag/osce/", "/wire/"])
def test_generic_layer_reads_wire_archives_as_listings(replica: ReplicaHandle,
                                                       start: str) -> None:
    entries, path, pages = [], start, 0
    while path:
        doc = document(replica, path)
        with pytest.raises(NotAnArticle, match="looks like a listing"):
            GenericArticlePage(doc, "wire").to_article()
        listing = GenericListingPage(doc).to_listing()
        entries += listing.entries
        path = listing.next_url.removeprefix(replica.base_url) if listing.next_url else ""
        pages += 1
        assert pages < 10, "the next links never end"
    tag = {"/wire/tag/osce/": "OSCE"}.get(start)
    items = [i for i in catalogue("wire") if tag is None or tag in i.tags]
    assert [(e.url, e.title, e.published) for e in entries] == \
        [(replica.url(i.path), i.title, i.published) for i in items]
