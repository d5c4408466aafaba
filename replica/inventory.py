"""Every base item of a replica site, newest first: the five seeds (seeds.py), the real
samples (samples.py) and the generated items (catalogue.py), made into Items by content.py;
the third site's items (wire_catalogue.py); and the record a correct extractor should produce
for each (`expected_items`)."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from replica.catalogue import INTERPOL_ITEMS, OSCE_ITEMS, InterpolSpec, OsceSpec
from replica.content import (
    ALL_SITES,
    WIRE,
    Item,
    _interpol_item,
    _nid_for,
    _osce_item,
    _wire_item,
    listing_order,
)
from replica.samples import SAMPLES
from replica.seeds import seed_items
from replica.wire_catalogue import WIRE_ITEMS

# WordPress numbers posts (and pages, attachments, revisions) from one sequence: ids grow with
# time but not by one.
FIRST_WIRE_POST_ID, WIRE_POST_ID_STEP = 120, 9


@cache
def catalogue(site: str) -> tuple[Item, ...]:
    """All base items of a site, newest first."""
    if site == WIRE:
        wire = [_wire_item(spec, FIRST_WIRE_POST_ID + WIRE_POST_ID_STEP * index)
                for index, spec in enumerate(WIRE_ITEMS)]
        return tuple(sorted(wire, key=listing_order, reverse=True))
    items = list(seed_items(site))
    for index, sample in enumerate(s for s in SAMPLES if s.site == site):
        if site == "osce":
            items.append(_osce_item(sample, sample.key, sample.paragraphs))
        else:
            items.append(_interpol_item(sample, index + 100, sample.paragraphs, key=sample.key,
                                        old_code=sample.section))
    specs: tuple[OsceSpec | InterpolSpec, ...] = OSCE_ITEMS if site == "osce" else INTERPOL_ITEMS
    taken = {i.key for i in items}
    for index, spec in enumerate(specs):
        if isinstance(spec, OsceSpec):
            nid = _nid_for(date.fromisoformat(spec.date))
            while str(nid) in taken:
                nid += 1
            items.append(_osce_item(spec, str(nid), (spec.lead,)))
        else:
            items.append(_interpol_item(spec, index, (spec.lead,), topic=spec.topic,
                                        standfirst=spec.standfirst))
        taken.add(items[-1].key)
    return tuple(sorted(items, key=listing_order, reverse=True))


def expected_items(site: str) -> list[dict[str, Any]]:
    """The record a correct extractor should produce for each base item, newest first."""
    if site not in ALL_SITES:
        raise ValueError(f"unknown site {site!r}; use one of {ALL_SITES}")
    return [item.expected() for item in catalogue(site)]
