"""The watched sources: where discovery starts on the real sites. Site quirks live in the
spiders and page objects named after each source."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceDef:
    name: str
    home: str  # scheme + host of the real site; `--base-url` replaces it
    # Where its newsroom works: the adaptive schedule learns publishing hours in this zone, so
    # "weekdays 9-17" stays one pattern across daylight saving time.
    timezone: str


SOURCES = {
    "osce": SourceDef("osce", "https://www.osce.org", "Europe/Vienna"),
    "interpol": SourceDef("interpol", "https://www.interpol.int", "Europe/Paris"),  # Lyon
}
