"""The watched sources: where discovery starts on the real sites, and what their article URLs
look like. Site quirks live in the spiders and page objects named after each source."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class SourceDef:
    name: str
    home: str  # scheme + host of the real site; `--base-url` replaces it
    # Where its newsroom works: the adaptive schedule learns publishing hours in this zone, so
    # "weekdays 9-17" stays one pattern across daylight saving time.
    timezone: str
    # The path of an article page (osce.md, interpol.md): how discovery tells the site's own
    # news items from everything else linked on a listing or listed in a sitemap.
    article_path: re.Pattern[str]

    def is_article_path(self, path: str) -> bool:
        return bool(self.article_path.match(path))


SOURCES = {
    # /<section-slug>/<node id>, /node/<node id>
    "osce": SourceDef("osce", "https://www.osce.org", "Europe/Vienna",
                      re.compile(r"^/[a-z][a-z0-9-]*/\d+/?$")),
    # /en/News-and-Events/News/<YYYY>/<Slug> (2019 site, also without a language prefix) and
    # /en/News-and-media/News/<YYYY>/<code> (the old site); Lyon keeps Paris time
    "interpol": SourceDef("interpol", "https://www.interpol.int", "Europe/Paris", re.compile(
        r"^(?:/[a-z]{2})?/News-and-(?:Events|media)/News/\d{4}/[^/?#]+/?$")),
}
