"""Canonical-URL rules of both sites, as properties (hypothesis) and as known examples."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.canonical import BadURL, canonical_url, guid_for

slug_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                    min_size=1, max_size=12)
slug = st.lists(slug_word, min_size=1, max_size=8).map("-".join)
section = st.sampled_from(["secretariat", "bishkek", "border-management", "cthb", "node",
                           "odihr", "mission-to-serbia"])
nid = st.integers(min_value=1, max_value=9_999_999)
scheme = st.sampled_from(["http", "https"])
www = st.sampled_from(["www.", ""])
slash = st.sampled_from(["", "/"])
tracking = st.sampled_from(["", "?utm_source=newsletter", "?utm_medium=x&utm_campaign=y",
                            "?fbclid=abc123", "#top"])
lang = st.sampled_from(["", "/en", "/fr", "/es", "/ar"])


@given(scheme, www, section, nid, slash, tracking)
def test_osce_variants_fold_to_the_node(sch: str, w: str, sec: str, n: int, sl: str,
                                        tr: str) -> None:
    url = f"{sch}://{w}osce.org/{sec}/{n}{sl}{tr}"
    assert canonical_url(url) == f"https://www.osce.org/node/{n}"


@given(scheme, www, lang, st.integers(min_value=2000, max_value=2030), slug, slash, tracking)
def test_interpol_variants_fold_language_and_form(sch: str, w: str, lg: str, year: int, s: str,
                                                  sl: str, tr: str) -> None:
    url = f"{sch}://{w}interpol.int{lg}/News-and-Events/News/{year}/{s}{sl}{tr}"
    assert canonical_url(url) == f"https://www.interpol.int/News-and-Events/News/{year}/{s}"


@given(st.sampled_from(["osce", "interpol", None]), scheme, www, lang, section, nid, slug,
       tracking)
def test_canonical_is_idempotent(source: str | None, sch: str, w: str, lg: str, sec: str, n: int,
                                 s: str, tr: str) -> None:
    for url in (f"{sch}://{w}osce.org{lg}/{sec}/{n}{tr}",
                f"{sch}://{w}interpol.int{lg}/News-and-Events/News/2019/{s}{tr}",
                f"{sch}://127.0.0.1:8090{lg}/press-releases/{s}?page={n}"):
        once = canonical_url(url, source)
        assert canonical_url(once, source) == once


@given(nid, nid)
def test_distinct_osce_nodes_stay_distinct(a: int, b: int) -> None:
    same = canonical_url(f"https://www.osce.org/secretariat/{a}") == canonical_url(
        f"https://www.osce.org/secretariat/{b}")
    assert same == (a == b)


@given(slug, slug)
def test_distinct_interpol_slugs_stay_distinct(a: str, b: str) -> None:
    base = "https://www.interpol.int/en/News-and-Events/News/2019/"
    assert (canonical_url(base + a) == canonical_url(base + b)) == (a == b)


def test_real_query_parameters_are_kept_in_a_stable_order() -> None:
    a = canonical_url("https://www.osce.org/press-releases?page=2&rows=50&utm_source=x")
    b = canonical_url("https://osce.org/press-releases/?rows=50&page=2")
    assert a == b == "https://www.osce.org/press-releases?page=2&rows=50"


def test_site_rules_follow_the_source_on_a_replica_host() -> None:
    url = "http://127.0.0.1:8090/en/News-and-Events/News/2019/Foo"
    assert canonical_url(url, "interpol") == "https://127.0.0.1:8090/News-and-Events/News/2019/Foo"
    assert canonical_url("http://127.0.0.1:8090/bishkek/74659/", "osce") == (
        "https://127.0.0.1:8090/node/74659")


def test_the_old_interpol_url_of_a_seed() -> None:
    assert canonical_url("https://www.interpol.int/en/News-and-media/News/2013/PR057/") == (
        "https://www.interpol.int/News-and-media/News/2013/PR057")


@pytest.mark.parametrize("bad", ["", "osce.org/node/1", "ftp://osce.org/x", "javascript:alert(1)"])
def test_non_http_urls_are_refused(bad: str) -> None:
    with pytest.raises(BadURL):
        canonical_url(bad)


def test_guid_is_a_stable_urn_uuid() -> None:
    g = guid_for("https://www.osce.org/node/441257")
    assert g.startswith("urn:uuid:") and g == guid_for("https://www.osce.org/node/441257")
    assert g != guid_for("https://www.osce.org/node/441258")
