"""www.interpol.int as the replica serves it: the news listing, articles on the 2019 site and
the old site, the RSS feed, and an unannounced redesign (the `redesign` fault).

INTERPOL's markup was never seen (interpol.md), so the classes here are invented, eZ
Platform-ish; what is [seen] is the text order, the URL shapes and the date format, and those
are faithful. Captions and pull quotes repeat body sentences as on seed 001; "Related news"
ends each page with other items' dates.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime

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

PAGE_SIZE = 12
RSS_SIZE = 20
_ARABIC_MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس",
                  "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر")
_FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                  "septembre", "octobre", "novembre", "décembre")
_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
HEADER = """<header class="header"><div class="header__logo"><a href="/en">INTERPOL</a></div>
<nav class="header__nav" aria-label="Main"><ul><li><a href="/en/Who-we-are">Who we are</a></li>
<li><a href="/en/Crimes">Crimes</a></li><li><a href="/en/How-we-work">How we work</a></li>
<li><a href="/en/Our-partners">Our partners</a></li>
<li><a href="/en/News-and-Events">News and Events</a></li></ul></nav></header>"""
FOOTER = """<footer class="footer"><p>© INTERPOL</p><ul><li><a href="/en/Legal-notice">Legal
notice</a></li><li><a href="/en/Contacts">Contacts</a></li></ul></footer>"""


def date_text(item: Item, lang: str = "en") -> str:
    assert item.published is not None
    day = item.published
    if lang == "ar":  # Arabic pages print Arabic-Indic digits (interpol.md)
        return f"{day.day} {_ARABIC_MONTHS[day.month - 1]} {day.year}".translate(_ARABIC_DIGITS)
    if lang == "fr":
        return f"{day.day} {_FRENCH_MONTHS[day.month - 1]} {day.year}"
    return day_text(day)


def _body(item: Item) -> str:
    parts, dateline = [], item.dateline()
    for index, block in enumerate(item.blocks):
        image = f'<img src="/var/interpol/storage/images/news/{index}.jpg" alt="">'
        if block.kind == "p":
            parts.append(f"<p>{esc(dateline)}{inline(block.text)}</p>")
            dateline = ""
        elif block.kind == "figure":
            parts.append(f'<figure class="image-embed">{image}<figcaption>{esc(block.text)}'
                         "</figcaption></figure>")
        elif block.kind == "carousel":
            slides = "\n".join(f'<figure class="carousel__slide">{image}<figcaption class="'
                               f'carousel__caption">{esc(c)}</figcaption></figure>'
                               for c in block.captions)
            parts.append(f'<div class="carousel" data-ride="carousel"><div class="carousel__'
                         f'slides">\n{slides}\n</div>\n<p class="carousel__counter"><span>1'
                         f'</span> /\n<span>{len(block.captions)}</span></p>\n<button class="'
                         'carousel__prev" aria-label="Previous"></button><button class="carousel'
                         '__next" aria-label="Next"></button></div>')
        elif block.kind == "quote" and block.text.startswith('"'):  # seed 001's own markup
            parts.append(f'<blockquote class="quote"><p>{esc(block.text)}</p><cite>'
                         f"{esc(block.cite)}</cite></blockquote>")
        elif block.kind == "quote":  # a pull quote in plain paragraphs: only its text repeats
            parts.append(f'<div class="pull-quote"><p>{esc(block.text)}</p><footer>'
                         f"{esc(block.cite)}</footer></div>")
    return "\n".join(parts)


def _related(related: list[Item]) -> str:
    items = "\n".join(
        f'<li class="related-news__item"><a href="{r.path}">{esc(r.title)}</a> <span class="'
        f'related-news__date"><time datetime="{r.published.isoformat()}">{day_text(r.published)}'
        "</time></span></li>" for r in related if r.published)
    return (f'<section class="related-news"><h2 class="related-news__title">Related news</h2>'
            f"<ul>\n{items}\n</ul></section>") if items else ""


def article_2019(item: Item, origin: str, related: list[Item], lang: str = "en") -> Page:
    standfirst = f'<p class="article__standfirst">{esc(item.summary)}</p>' if item.summary else ""
    date = (f'<div class="article__date">{date_text(item, lang)}</div>'
            if item.published and item.date_on_page else "")
    html = f"""<!DOCTYPE html>
<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">
<head>
<meta charset="utf-8">
<title>{esc(item.title)}</title>
{meta_tags(item, origin + item.path, "INTERPOL")}
</head>
<body class="ezpage news-page">
{HEADER}
<main class="main" id="main">
<div class="breadcrumb"><a href="/en">Home</a> / <a href="/en/News-and-Events">News and Events</a>
/ <a href="/en/News-and-Events/News">News</a></div>
<article class="article">
<div class="article__header">
<h1 class="article__title">{esc(item.title)}</h1>
{standfirst}
{date}
</div>
{BODY_START}
<div class="article__content ezrichtext-field">
{_body(item)}
</div>
{BODY_END}
{_related(related)}
</article>
</main>
{FOOTER}
</body>
</html>
"""
    return Page(html, item.modified)


def article_legacy(item: Item) -> Page:
    date = f'<p class="date">{date_text(item)}</p>' if item.published and item.date_on_page \
        else ""
    html = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="en">
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>INTERPOL | News and media | News | {esc(item.title)}</title></head>
<body><div id="wrapper">
<div id="header"><a href="/en" id="logo">INTERPOL</a></div>
<div id="content"><div class="newsDetail">
<p class="backLink"><a href="/en/News-and-media/News">All news</a></p>
{date}
<h1>{esc(item.title)}</h1>
{BODY_START}
<div class="newsText">
{_body(item)}
</div>
{BODY_END}
</div></div>
<div id="footer">INTERPOL General Secretariat, Lyon, France</div>
</div></body></html>
"""
    return Page(html, item.modified)


def article_redesigned(item: Item, origin: str) -> Page:
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(item.title)}</title>
{meta_tags(item, origin + item.path, "INTERPOL", force=True)}
</head><body><div id="root"><div class="q7-h"><h1>{esc(item.title)}</h1></div>
<div class="q7-b">{BODY_START}
{_body(item)}
{BODY_END}</div></div></body></html>
"""
    return Page(html, item.modified)


def _card(item: Item) -> str:
    topic = f'<span class="news-list__topic">{esc(item.tags[0])}</span>\n' if item.tags else ""
    date = f'<span class="news-list__date">{date_text(item)}</span>\n' if item.published else ""
    return (f'<div class="news-list__item">\n{topic}<h3 class="news-list__title"><a href="'
            f'{item.path}">{esc(item.title)}</a></h3>\n{date}<p class="news-list__teaser">'
            f"{esc(snippet(item))}</p>\n</div>")


def listing(items: list[Item], *, page: int, pages: int, redesigned: bool = False) -> str:
    """Page `page` (1-based, `?page=N`) of the news listing; `items` is that page's."""
    base = "/en/News-and-Events/News"
    numbers = " ".join(f'<a class="pagination__page" href="{base}?page={n}">{n}</a>'
                       if n != page else f'<span class="pagination__current">{n}</span>'
                       for n in range(max(1, page - 2), min(pages, page + 2) + 1))
    # Spiders must follow this link, never compute the next page themselves.
    nxt = (f'<a rel="next" class="pagination__next" href="{base}?page={page + 1}">Next</a>'
           if page < pages else "")
    prev = (f'<a rel="prev" class="pagination__prev" href="{base}?page={page - 1}">Previous</a>'
            if page > 1 else "")
    if redesigned:
        cards = "\n".join(f'<div class="q7-c"><h2><a href="{i.path}">{esc(i.title)}</a></h2>'
                          f'<p>{date_text(i) if i.published else ""}</p></div>' for i in items)
        return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>News</title></head>
<body><div id="root"><h1>News</h1>{cards}{nxt}</div></body></html>
"""
    cards = "\n".join(map(_card, items)) or '<p class="news-list__empty">No results</p>'
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
<head><meta charset="utf-8"><title>News</title></head>
<body class="ezpage news-list-page">
{HEADER}
<main class="main" id="main">
<h1 class="page-title">News</h1>
<div class="news-list">
{cards}
</div>
<nav class="pagination" aria-label="Pagination">{prev} {numbers} {nxt}</nav>
</main>
{FOOTER}
</body></html>
"""


def rss(items: list[Item], origin: str, *, broken: bool = False) -> str:
    entries = []
    for item in items[:RSS_SIZE]:
        url = origin + item.path
        date = (f"<pubDate>{format_datetime(published_datetime(item))}</pubDate>"
                if item.published else "")
        category = f"<category>{esc(item.tags[0])}</category>" if item.tags else ""
        entries.append(f"<item><title>{esc(item.title)}</title><link>{url}</link>"
                       f'<guid isPermaLink="true">{url}</guid>{date}'
                       f"<description>{esc(snippet(item))}</description>{category}</item>")
    newest = max((i.modified for i in items), default=datetime(2010, 1, 1))
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>INTERPOL News</title><link>{origin}/en/News-and-Events/News</link>
<description>News from INTERPOL</description><language>en</language>
<atom:link href="{origin}/en/News-and-Events/News/rss" rel="self" type="application/rss+xml"/>
<lastBuildDate>{format_datetime(newest)}</lastBuildDate>
{chr(10).join(entries)}
</channel></rss>
"""
    if broken:  # cut mid-element and leave a bare "&": no XML parser may accept it
        return xml[: len(xml) * 2 // 3].replace("</title>", " & more</title>", 1)
    return xml
