"""The small HTML page at `/` (and `index.html` of `feed build`): every feed, linked and
announced with `<link rel="alternate">` so browsers and readers discover them from the page.

Links are relative to the page, so the same page works served by `coopwatch serve`, behind a
path prefix, or as a static file next to its `feeds/` directory.
"""

from __future__ import annotations

from html import escape

from core.article import LEVELS
from feeds.render import TOPIC, describe
from feeds.spec import FORMATS, MEDIA_TYPES, FeedSpec, Format

_LABEL = {"atom": "Atom", "rss": "RSS"}


def _rel(spec: FeedSpec, fmt: Format) -> str:
    return escape(spec.path(fmt).lstrip("/"))


def _search_form(default_levels: tuple[str, ...], names: list[str]) -> str:
    sources = "".join(f'<option value="{escape(o)}">{escape(o)}</option>' for o in names)
    levels = " ".join(
        f'<label><input type="checkbox" name="level" value="{lv}"'
        f'{" checked" if lv in default_levels else ""}> {lv}</label>' for lv in LEVELS)
    return f"""<h2>Saved search</h2>
<form action="feeds/search.atom" method="get">
<p><input name="q" size="40" placeholder='border management "joint action plan"'>
<select name="source"><option value="">both organisations</option>{sources}</select></p>
<p>{levels}</p>
<p><button>Atom feed of this search</button>
(the same URL with <code>search.rss</code> gives RSS)</p>
</form>"""


def index_html(feeds: dict[str, FeedSpec], names: dict[str, str], search: bool) -> str:
    """The page listing `feeds`; `search` adds the saved-search form (needs the server)."""
    head, items = [], []
    for spec in feeds.values():
        title, description = describe(spec, names)
        for fmt in FORMATS:
            head.append(f'<link rel="alternate" type="{MEDIA_TYPES[fmt].split(";")[0]}" '
                        f'title="{escape(title)} ({_LABEL[fmt]})" href="{_rel(spec, fmt)}">')
        links = " · ".join(f'<a href="{_rel(spec, fmt)}">{_LABEL[fmt]}</a>' for fmt in FORMATS)
        items.append(f"<li><strong>{escape(title)}</strong>: {links}<br>"
                     f"{escape(description)}</li>")
    levels = next(iter(feeds.values())).levels if feeds else ()
    form = _search_form(levels, [s.name for s in feeds.values() if s.kind == "source"]) \
        if search else ""
    nl = "\n"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>coopwatch — {escape(TOPIC)} feeds</title>
{nl.join(head)}
</head>
<body>
<h1>{escape(TOPIC)} feeds</h1>
<p>Subscribe to a feed in your reader (Miniflux, FreshRSS, Thunderbird, Feedly …).
Entries keep their identity (GUID) when a story is updated or the other organisation's
version arrives.</p>
<ul>
{nl.join(items)}
</ul>
{form}
</body>
</html>
"""
