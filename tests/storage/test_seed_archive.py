"""The seeded archive: five clean items, three stories, idempotent import."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Item
from storage.seed import import_seeds, load_manifest, seed_articles

MENU_WORDS = ("Our work", "Fields of work", "Participating States", "Structures and institutions",
              "Holy See", "Closed field activities", "About us")


def test_manifest_names_the_five_vendored_documents() -> None:
    docs = load_manifest()
    assert [d.file[:3] for d in docs] == ["000", "001", "002", "003", "004"]
    assert {d.organisation for d in docs} == {"osce", "interpol"}
    assert docs[1].url and docs[2].url and not docs[0].url


def test_bodies_are_clean() -> None:
    arts = {a.url.rsplit("/", 1)[-1][:3] if a.url.startswith("seed:") else a.source + a.url[-8:]:
            a for a in seed_articles()}
    bodies = [a.body for a in seed_articles()]
    for body in bodies:
        for word in MENU_WORDS:
            assert word not in body, f"menu text {word!r} reached a body"
        assert body.strip() and "**" not in body
    interpol_2019 = seed_articles()[1].body
    assert "1 /" not in interpol_2019 and "\n6\n" not in interpol_2019
    assert "26th OSCE Ministerial Council\n" not in interpol_2019 + "\n"
    assert "Secretary General Jürgen Stock is greeted" not in interpol_2019  # a caption
    # The pull quote appears once (in the body), not repeated.
    assert interpol_2019.count("INTERPOL is increasingly engaging with its partners") == 1
    assert interpol_2019.startswith("BRATISLAVA, Slovakia – A high-level side event")
    assert arts  # the mapping above is just a readable index


def test_import_gives_five_items_three_stories_and_is_idempotent(session: Session) -> None:
    first = import_seeds(session)
    session.commit()
    assert first["new"] == 5
    again = import_seeds(session)
    session.commit()
    assert again["new"] == 0 and again["unchanged"] == 5 and again["updated"] == 0
    items = session.scalars(select(Item).order_by(Item.id)).all()
    assert len(items) == 5 and all(i.origin == "seed" for i in items)
    s = [i.story_id for i in items]
    assert s[0] == s[1] and s[2] == s[4] and len({s[0], s[2], s[3]}) == 3
    assert [i.source for i in items] == ["osce", "interpol", "interpol", "osce", "osce"]
    assert items[1].place == "BRATISLAVA, Slovakia"
    assert items[2].published_at is not None and items[2].published_at.date().isoformat() == (
        "2017-05-17")
    assert items[1].url and items[1].url.startswith("https://www.interpol.int/")
    assert items[0].url is None and items[0].canonical_url.startswith("seed:")
