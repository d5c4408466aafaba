"""www.osce.org as the replica serves it: the 2023 Drupal listing, articles in the 2025 and the
2023 layout, the sitemap, and an unannounced redesign (the `redesign` fault).

Markup follows shared/sites/osce.md: every [seen] class, label and URL shape is here; the rest
(the 2025 layout's classes, the order of Drupal wrappers) is plausible invention.
"""

from __future__ import annotations

from urllib.parse import quote

from replica.content import Item, day_text
from replica.markup import (
    BODY_END,
    BODY_START,
    Page,
    esc,
    inline,
    meta_tags,
    published_datetime,
    snippet,
)
from replica.seeds import menu_groups

DRUPAL_DOCTYPE = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
                  '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">')


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _links(names: tuple[str, ...]) -> str:
    return ", ".join(f'<a href="/{_slug(n)}">{esc(n)}</a>' for n in names)


def _body(item: Item) -> str:
    parts, dateline = [], item.dateline()
    for index, block in enumerate(item.blocks):
        if block.kind == "figure":
            parts.append(f'<figure class="media media--image"><img src="/files/images/{item.key}'
                         f'-{index}.jpg" alt=""><figcaption>{esc(block.text)}</figcaption>'
                         "</figure>")
        elif block.kind == "p":
            parts.append(f"<p>{esc(dateline)}{inline(block.text)}</p>")
            dateline = ""  # only the first paragraph opens with it
    return "\n".join(parts)


def _menu(item: Item) -> str:
    groups = []
    for heading, entries in menu_groups(item.menu or "003"):
        links = "".join(f'<li><a href="/{_slug(e)}">{esc(e)}</a></li>' for e in entries)
        groups.append(f'<li class="main-menu__group"><button class="main-menu__toggle" '
                      f'aria-expanded="false">-</button>\n<span class="main-menu__heading">'
                      f'{esc(heading)}</span>\n<ul class="main-menu__sub">{links}</ul></li>')
    return ('<nav class="main-menu" aria-label="Main navigation"><ul class="main-menu__list">\n'
            + "\n".join(groups) + "\n</ul></nav>")


def article_2025(item: Item, origin: str) -> Page:
    news = item.content_type == "News"
    facts = []
    if item.published and item.date_on_page:
        when = published_datetime(item)
        facts.append(f'<dt>{"Issued on:" if news else "Date:"}</dt><dd><time datetime="'
                     f'{when.isoformat()}">{day_text(item.published)}</time></dd>')
    if not news and item.place:
        facts.append(f"<dt>Place:</dt><dd>{esc(item.place)}</dd>")
    if item.units:
        facts.append(f'<dt>{"Issued by:" if news else "Source:"}</dt><dd>{_links(item.units)}</dd>')
    if item.tags:
        facts.append(f"<dt>Fields of work:</dt><dd>{_links(item.tags)}</dd>")
    lead = f'<p class="node__lead">{esc(item.summary)}</p>' if news and item.summary else ""
    word = "News Item" if news else item.content_type
    html = f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(item.title)} | OSCE</title>
<link rel="canonical" href="{origin}{item.path}">
{meta_tags(item, origin + item.path, "OSCE")}
</head>
<body class="path-node page-node-type-{_slug(word)}">
<a href="#main-content" class="visually-hidden focusable">Skip to main content</a>
<header class="site-header">
<a class="site-header__logo" href="/" rel="home">Organization for Security and Co-operation in
Europe</a>
{_menu(item)}
</header>
<main id="main-content" class="main">
<article class="node node--{_slug(word)} node--full">
<div class="node__type">{esc(word)}</div>
<h1 class="node__title"><span>{esc(item.title)}</span></h1>
{lead}
<dl class="node__facts">
{chr(10).join(facts)}
</dl>
{BODY_START}
<div class="node__body text-formatted">
{_body(item)}
</div>
{BODY_END}
</article>
</main>
<footer class="site-footer"><p>© OSCE</p><ul><li><a href="/contacts">Contacts</a></li>
<li><a href="/terms">Terms of use</a></li></ul></footer>
</body>
</html>
"""
    return Page(html, item.modified)


def article_2023(item: Item, origin: str) -> Page:
    date = (f'<div class="field field-type-datestamp field-field-date"><span class='
            f'"date-display-single">{day_text(item.published)}</span></div>'
            if item.published and item.date_on_page else "")
    teaser = (f'<div class="field field-field-description"><div class="field-items"><div '
              f'class="field-item odd">{esc(item.summary)}</div></div></div>'
              if item.summary else "")
    source = (f'<div class="panel-pane pane-node-source"><div class="pane-content"><div class="'
              f'field field-field-item-source"><div class="field-label">Source:&nbsp;</div>'
              f'<div class="field-items">{_links(item.units[:1])}</div></div></div></div>'
              if item.units else "")
    downloads = "".join(f'<li><a href="{esc(d)}">English</a></li>' for d in item.downloads)
    if downloads:
        downloads = (f'<div class="panel-pane pane-downloads"><div class="pane-content"><ul '
                     f'class="osce-download-links">{downloads}</ul></div></div>')
    html = f"""{DRUPAL_DOCTYPE}
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en" dir="ltr">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{esc(item.title)} | OSCE</title>
<link rel="canonical" href="{origin}{item.path}" />
{meta_tags(item, origin + item.path, "OSCE")}
</head>
<body class="not-front not-logged-in page-node node-type-{_slug(item.content_type or 'page')}">
<div id="page">
<div id="header"><div id="logo"><a href="/" title="Home">OSCE</a></div>
<ul class="links primary-links"><li><a href="/newsroom">Newsroom</a></li>
<li><a href="/what">What we do</a></li><li><a href="/where">Where we are</a></li></ul></div>
<div id="main"><div class="panel-display panel-2col-stacked clear-block">
<div class="content--header">
<h1>{esc(item.title)}</h1>
{date}
{teaser}
</div>
<div class="content--content">
<div class="panel-pane pane-node-body">
{BODY_START}
<div class="pane-content">
{_body(item)}
</div>
{BODY_END}
</div>
{source}
{downloads}
</div>
</div></div>
<div id="footer"><p>Organization for Security and Co-operation in Europe</p></div>
</div>
</body>
</html>
"""
    return Page(html, item.modified)


def article_redesigned(item: Item, origin: str) -> Page:
    """A layout no page object knows; the page keeps its metadata, as CMSs usually do."""
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(item.title)} | OSCE</title>
{meta_tags(item, origin + item.path, "OSCE", force=True)}
</head>
<body><div id="app"><div class="x9-shell"><div class="x9-hero"><h1 class="x9-h">
{esc(item.title)}</h1></div>
<div class="x9-copy">{BODY_START}
{_body(item)}
{BODY_END}</div></div></div></body></html>
"""
    return Page(html, item.modified)


def article(item: Item, origin: str, *, redesigned: bool = False) -> Page:
    if redesigned:
        return article_redesigned(item, origin)
    return (article_2025 if item.layout == "2025" else article_2023)(item, origin)


def _result(item: Item) -> str:
    lines = []
    if item.published:
        lines.append('<div class="publishing-date"><span class="search-label">Publishing date:'
                     f"</span> {day_text(item.published)}</div>")
    for css, label, value in (("content-type", "Content type:", item.content_type),
                              ("where-we-are", "Where we are:", ", ".join(item.units)),
                              ("what-we-do", "What we do:", ", ".join(item.tags))):
        if value:
            lines.append(f'<div class="{css}"><span class="search-label">{label}</span> '
                         f"{esc(value)}</div>")
    return (f'<div class="search-result search-result-news"><dl>\n<dt class="search-title"><h3>'
            f'<a href="{item.path}">{esc(item.title)}</a></h3></dt>\n<dd class="search-info">\n'
            + "\n".join(lines) + f'\n<div class="search-snippet">{esc(snippet(item))}</div>\n'
            "</dd></dl></div>")


def _pager(path: str, page: int, pages: int, rows: int | None) -> str:
    if pages <= 1:
        return ""
    extra = f"rows={rows}&amp;" if rows else ""

    def link(n: int, text: str, css: str) -> str:
        return f'<li class="{css}"><a href="{path}?{extra}page={n}">{text}</a></li>'

    items = []
    if page > 0:
        items += [link(0, "« first", "pager-first first"), link(page - 1, "‹ previous",
                                                                 "pager-previous")]
    for n in range(max(0, page - 4), min(pages, page + 5)):
        items.append(f'<li class="pager-current">{n + 1}</li>' if n == page
                     else link(n, str(n + 1), "pager-item"))
    if page < pages - 1:
        items += [link(page + 1, "next ›", "pager-next"), link(pages - 1, "last »",
                                                               "pager-last last")]
    return f'<div class="item-list"><ul class="pager">{"".join(items)}</ul></div>'


def listing(items: list[Item], *, path: str, page: int, pages: int, rows: int | None,
            redesigned: bool = False) -> str:
    """One page of /press-releases (or /press-releases/<words>); `items` is that page's."""
    if redesigned:
        return _listing_redesigned(items, path=path, page=page, pages=pages)
    results = "\n".join(map(_result, items)) or \
        '<p class="search-empty">Your search yielded no results</p>'
    return f"""{DRUPAL_DOCTYPE}
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en" dir="ltr">
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>News and press releases | OSCE</title></head>
<body class="not-front page-press-releases">
<div id="page"><div id="header"><div id="logo"><a href="/">OSCE</a></div></div>
<div id="main">
<h1 class="title">Newsroom</h1>
<h2 class="pane-title">News and press releases</h2>
<div class="panel-pane pane-apachesolr-result"><div class="pane-content">
{results}
</div></div>
{_pager(quote(path), page, pages, rows)}
</div></div>
</body></html>
"""


def _listing_redesigned(items: list[Item], *, path: str, page: int, pages: int) -> str:
    cards = "\n".join(
        f'<div class="x9-card"><h2 class="x9-t"><a href="{item.path}">{esc(item.title)}</a></h2>'
        f'<p class="x9-d">{day_text(item.published) if item.published else ""}</p>'
        f'<p class="x9-s">{esc(snippet(item))}</p></div>' for item in items)
    more = (f'<a class="x9-more" rel="next" href="{quote(path)}?page={page + 1}">Next page</a>'
            if page < pages - 1 else "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Newsroom | OSCE</title></head>
<body><div id="app"><h1 class="x9-h">Newsroom</h1>
<div class="x9-grid">
{cards}
</div>
{more}
</div></body></html>
"""


def sitemap_index(origin: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">\n<sitemap><loc>{origin}/sitemap.xml?page=1</loc></sitemap>\n'
            "</sitemapindex>\n")


def minimal_pdf(title: str) -> bytes:
    """A one-page PDF naming the document: enough for a link that must not 404."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
