"""Border Security Wire as the replica serves it under /wire/: a WordPress site with Yoast SEO.

Unlike both organisations' sites, its markup is a common CMS's: a default-style theme's
single-post and archive templates (`single-post`, `<article class="post-N post type-post">`,
`entry-title`, `entry-content`, `<time class="entry-date published">`, rel="bookmark"
permalinks, `next page-numbers` pagination), Yoast's og:* tags and JSON-LD `@graph`, the RSS
2.0 feed WordPress writes at /feed/ and Yoast's sitemap index. Pages that are not news — the
About and Contact pages, tag archives — carry the same chrome, as a careless crawler meets them.
Dates print as "j F Y" ("14 March 2025"), a setting European WordPress sites often choose.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import format_datetime

from replica.content import Item, day_text, interpol_slug
from replica.markup import BODY_END, BODY_START, Page, esc, published_datetime
from replica.wire_catalogue import SITE_NAME

PREFIX = "/wire"
PAGE_SIZE = 10  # WordPress's default "Blog pages show at most"
FEED_SIZE = 10  # and "Syndication feeds show the most recent"
AUTHOR = "Newsdesk"
# Pages (not posts): in page-sitemap.xml, with the post template's chrome and og:type article.
PAGES = {
    "about": ("About us", 12, datetime(2022, 11, 3, 10, tzinfo=UTC),
              ("Border Security Wire is an independent news agency covering border management, "
               "customs and police co-operation in Central Asia, the Caucasus and South-Eastern "
               "Europe.", "Our correspondents in Dushanbe, Bishkek, Tashkent, Belgrade and Vienna "
               "report on the work of international organizations such as the OSCE and INTERPOL.")),
    "contact": ("Contact", 14, datetime(2022, 11, 3, 10, 5, tzinfo=UTC),
                ("Write to the newsdesk at newsdesk@bsw.example.", "We answer within two "
                 "working days.")),
}


def tag_slug(name: str) -> str:
    return interpol_slug(name).lower()


def _iso(item: Item) -> str | None:
    return published_datetime(item).isoformat() if item.published else None


def _head(title: str, url: str, *, og_type: str, graph: list[dict[str, object]],
          description: str = "", published: str | None = None, feed_link: bool = True,
          extra: str = "") -> str:
    ld = json.dumps({"@context": "https://schema.org", "@graph": graph},
                    ensure_ascii=False).replace("</", "<\\/")
    tags = [f'<meta property="og:type" content="{og_type}" />',
            f'<meta property="og:title" content="{esc(title)} - {SITE_NAME}" />',
            f'<meta property="og:url" content="{esc(url)}" />',
            f'<meta property="og:site_name" content="{SITE_NAME}" />']
    if description:
        tags.append(f'<meta property="og:description" content="{esc(description)}" />')
    if published:
        tags.append(f'<meta property="article:published_time" content="{published}" />')
    feed = (f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; Feed"'
            f' href="{PREFIX}/feed/" />' if feed_link else "")
    return f"""<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} - {SITE_NAME}</title>
<!-- This site is optimized with the Yoast SEO plugin - https://yoast.com/wordpress/plugins/seo/ -->
<meta name="robots" content="index, follow, max-image-preview:large" />
<link rel="canonical" href="{esc(url)}" />
{chr(10).join(tags)}
<script type="application/ld+json" class="yoast-schema-graph">{ld}</script>
<!-- / Yoast SEO plugin. -->
{feed}
{extra}
<link rel="stylesheet" id="theme-style-css" href="{PREFIX}/wp-content/themes/wire/style.css" />
</head>"""


HEADER = f"""<a class="skip-link screen-reader-text" href="#primary">Skip to content</a>
<header id="masthead" class="site-header"><div class="site-branding"><p class="site-title">
<a href="{PREFIX}/" rel="home">{SITE_NAME}</a></p><p class="site-description">Borders, customs
and police co-operation from Vienna to Dushanbe</p></div>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">
<li class="menu-item"><a href="{PREFIX}/category/news/">News</a></li>
<li class="menu-item"><a href="{PREFIX}/about/">About</a></li>
<li class="menu-item"><a href="{PREFIX}/contact/">Contact</a></li></ul></nav></header>"""
FOOTER = f"""<footer id="colophon" class="site-footer"><div class="site-info">&copy; {SITE_NAME}
<span class="sep"> | </span><a href="https://wordpress.org/">Proudly powered by WordPress</a>
</div></footer>"""


def _sidebar(recent: list[Item]) -> str:
    links = "\n".join(f'<li><a href="{i.path}">{esc(i.title)}</a></li>' for i in recent)
    return (f'<aside id="secondary" class="widget-area"><section id="recent-posts-2" class="'
            f'widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>\n'
            f"{links}\n</ul></section></aside>")


def _document(head: str, body_class: str, main: str, recent: list[Item]) -> str:
    """The theme's header.php + sidebar.php + footer.php around a template's <main> content."""
    return f"""<!DOCTYPE html>
<html lang="en-GB">
{head}
<body class="{body_class}">
<div id="page" class="site">
{HEADER}
<div id="content" class="site-content"><main id="primary" class="site-main">
{main}</main>
{_sidebar(recent)}
</div>
{FOOTER}
</div>
</body>
</html>
"""


def _posted_on(item: Item) -> str:
    if not item.published:
        return ""
    return (f'<span class="posted-on">Posted on <a href="{item.path}" rel="bookmark"><time '
            f'class="entry-date published" datetime="{_iso(item)}">{day_text(item.published)}'
            f'</time><time class="updated" datetime="{item.modified.isoformat()}">'
            f"{day_text(item.modified.date())}</time></a></span>")


def _classes(item: Item) -> str:
    tags = " ".join(f"tag-{tag_slug(t)}" for t in item.tags)
    return (f"post-{item.post_id} post type-post status-publish format-standard hentry "
            f"category-news {tags}")


def article(item: Item, origin: str, *, older: Item | None, newer: Item | None,
            recent: list[Item], feed_link: bool) -> Page:
    """single.php: the post, its categories and tags, older/newer post links, a sidebar."""
    url = origin + item.path
    published = _iso(item)
    dated = {"datePublished": published, "dateModified": item.modified.isoformat()} \
        if published else {}
    graph: list[dict[str, object]] = [
        {"@type": "Article", "@id": f"{url}#article", "isPartOf": {"@id": url},
         "author": {"name": AUTHOR, "@id": f"{origin}{PREFIX}/#/schema/person/newsdesk"},
         "headline": item.title, "mainEntityOfPage": {"@id": url}, **dated,
         "publisher": {"@id": f"{origin}{PREFIX}/#organization"},
         "keywords": list(item.tags), "articleSection": ["News"], "inLanguage": "en-GB"},
        {"@type": "WebPage", "@id": url, "url": url, "name": f"{item.title} - {SITE_NAME}",
         "isPartOf": {"@id": f"{origin}{PREFIX}/#website"}, **dated,
         "breadcrumb": {"@id": f"{url}#breadcrumb"}},
        {"@type": "Organization", "@id": f"{origin}{PREFIX}/#organization", "name": SITE_NAME,
         "url": f"{origin}{PREFIX}/"},
    ]
    body = "\n".join(f"<p>{esc(item.dateline() if n == 0 else '')}{esc(text)}</p>"
                     for n, text in enumerate(item.paragraphs))
    tags = ", ".join(f'<a href="{PREFIX}/tag/{tag_slug(t)}/" rel="tag">{esc(t)}</a>'
                     for t in item.tags)
    nav = "".join(
        f'<div class="nav-{side}"><a href="{other.path}" rel="{rel}"><span class="meta-nav">'
        f'{label}</span> <span class="post-title">{esc(other.title)}</span></a></div>'
        for side, rel, label, other in (("previous", "prev", "Previous", older),
                                        ("next", "next", "Next", newer)) if other)
    main = f"""<article id="post-{item.post_id}" class="{_classes(item)}">
<header class="entry-header"><h1 class="entry-title">{esc(item.title)}</h1>
<div class="entry-meta">{_posted_on(item)}<span class="byline"> by <span class="author vcard">
<a class="url fn n" href="{PREFIX}/author/newsdesk/">{AUTHOR}</a></span></span></div>
</header>
{BODY_START}
<div class="entry-content">
{body}
</div>
{BODY_END}
<footer class="entry-footer"><span class="cat-links">Posted in <a href="{PREFIX}/category/news/"
rel="category tag">News</a></span><span class="tags-links">Tagged {tags}</span></footer>
</article>
<nav class="navigation post-navigation" aria-label="Posts"><h2 class="screen-reader-text">Post
navigation</h2><div class="nav-links">{nav}</div></nav>
"""
    head = _head(item.title, url, og_type="article", graph=graph, description=item.summary,
                 published=published, feed_link=feed_link,
                 extra=f"<link rel='shortlink' href='{origin}{PREFIX}/?p={item.post_id}' />")
    html = _document(head, "post-template-default single single-post "
                           f"postid-{item.post_id} single-format-standard", main, recent)
    return Page(html, item.modified)


def page(slug: str, origin: str, *, recent: list[Item], feed_link: bool) -> Page | None:
    """page.php: About, Contact. Yoast marks pages og:type article too."""
    if slug not in PAGES:
        return None
    title, page_id, modified, paragraphs = PAGES[slug]
    url = f"{origin}{PREFIX}/{slug}/"
    graph: list[dict[str, object]] = [{"@type": "WebPage", "@id": url, "url": url,
                                       "name": f"{title} - {SITE_NAME}",
                                       "dateModified": modified.isoformat()}]
    body = "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    main = f"""<article id="post-{page_id}" class="post-{page_id} page type-page status-publish \
hentry">
<header class="entry-header"><h1 class="entry-title">{esc(title)}</h1></header>
<div class="entry-content">
{body}
</div>
</article>
"""
    head = _head(title, url, og_type="article", graph=graph, description=paragraphs[0],
                 feed_link=feed_link)
    html = _document(head, f"page-template-default page page-id-{page_id}", main, recent)
    return Page(html, modified)


def _excerpt(item: Item) -> str:
    """the_excerpt(): the first 55 words of the content, then " [&hellip;]"."""
    words = " ".join([item.dateline() + item.lead, *item.paragraphs[1:]]).split()
    return esc(" ".join(words[:55])) + (" [&hellip;]" if len(words) > 55 else "")


def _entry(item: Item) -> str:
    return f"""<article id="post-{item.post_id}" class="{_classes(item)}">
<header class="entry-header"><h2 class="entry-title"><a href="{item.path}" rel="bookmark">{esc(
        item.title)}</a></h2>
<div class="entry-meta">{_posted_on(item)}</div></header>
<div class="entry-summary"><p>{_excerpt(item)}</p></div>
</article>"""


def _pagination(base: str, page: int, pages: int) -> str:
    """paginate_links(): numbers, dots, and "Next »" while there is a next page."""
    def href(n: int) -> str:
        return base if n == 1 else f"{base}page/{n}/"
    parts = [f'<a class="prev page-numbers" href="{href(page - 1)}">&laquo; Previous</a>'] \
        if page > 1 else []
    for n in range(1, pages + 1):
        if n == page:
            parts.append(f'<span aria-current="page" class="page-numbers current">{n}</span>')
        elif n in (1, pages) or abs(n - page) <= 1:
            parts.append(f'<a class="page-numbers" href="{href(n)}">{n}</a>')
        elif abs(n - page) == 2:
            parts.append('<span class="page-numbers dots">&hellip;</span>')
    if page < pages:
        parts.append(f'<a class="next page-numbers" href="{href(page + 1)}">Next &raquo;</a>')
    return (f'<nav class="navigation pagination" aria-label="Posts"><h2 class="screen-reader-'
            f'text">Posts navigation</h2><div class="nav-links">{"".join(parts)}</div></nav>')


def archive(items: list[Item], origin: str, *, base: str, heading: str, body_class: str,
            page: int, pages: int, recent: list[Item], feed_link: bool) -> str:
    """archive.php / index.php: page `page` (1-based) of a category, tag or the blog index;
    `items` is that page's; `base` the archive's first page ("/wire/category/news/")."""
    url = origin + (base if page == 1 else f"{base}page/{page}/")
    graph: list[dict[str, object]] = [
        {"@type": "CollectionPage", "@id": url, "url": url, "name": f"{heading} - {SITE_NAME}",
         "isPartOf": {"@id": f"{origin}{PREFIX}/#website"}, "inLanguage": "en-GB"},
        {"@type": "WebSite", "@id": f"{origin}{PREFIX}/#website", "url": f"{origin}{PREFIX}/",
         "name": SITE_NAME}]
    entries = "\n".join(map(_entry, items)) or \
        '<section class="no-results not-found"><h1 class="page-title">Nothing Found</h1></section>'
    main = f"""<header class="page-header"><h1 class="page-title">{esc(heading)}</h1></header>
{entries}
{_pagination(base, page, pages)}
"""
    head = _head(heading, url, og_type="website", graph=graph, feed_link=feed_link)
    return _document(head, f"{body_class} hfeed", main, recent)


def rss(items: list[Item], origin: str) -> str:
    """feed-rss2.php: the FEED_SIZE newest posts with their excerpts."""
    entries = []
    for item in items[:FEED_SIZE]:
        url = origin + item.path
        date = (f"<pubDate>{format_datetime(published_datetime(item))}</pubDate>"
                if item.published else "")
        categories = "".join(f"<category><![CDATA[{t}]]></category>"
                             for t in ("News", *item.tags))
        entries.append(
            f"<item>\n<title>{esc(item.title)}</title>\n<link>{url}</link>\n"
            f"<dc:creator><![CDATA[{AUTHOR}]]></dc:creator>\n{date}\n{categories}\n"
            f'<guid isPermaLink="false">{origin}{PREFIX}/?p={item.post_id}</guid>\n'
            f"<description><![CDATA[{_excerpt(item)}]]></description>\n</item>")
    newest = max((i.modified for i in items[:FEED_SIZE]), default=datetime(2022, 11, 3,
                                                                          tzinfo=UTC))
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:atom="http://www.w3.org/2005/Atom"
\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel>
<title>{SITE_NAME}</title>
<atom:link href="{origin}{PREFIX}/feed/" rel="self" type="application/rss+xml" />
<link>{origin}{PREFIX}/</link>
<description>Borders, customs and police co-operation from Vienna to Dushanbe</description>
<lastBuildDate>{format_datetime(newest)}</lastBuildDate>
<language>en-GB</language>
<sy:updatePeriod>hourly</sy:updatePeriod>
<generator>https://wordpress.org/?v=6.7.1</generator>
{chr(10).join(entries)}
</channel>
</rss>
"""


def _urlset(rows: list[tuple[str, datetime]]) -> str:
    urls = "\n".join(f"\t<url>\n\t\t<loc>{loc}</loc>\n\t\t<lastmod>{lastmod.isoformat()}"
                     "</lastmod>\n\t</url>" for loc, lastmod in rows)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns:xsi="http://www.w3.org/2001/'
            'XMLSchema-instance" xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}\n</urlset>\n<!-- XML Sitemap generated by Yoast SEO -->\n")


def post_sitemap(items: list[Item], origin: str) -> str:
    return _urlset([(origin + i.path, i.modified) for i in items])


def page_sitemap(origin: str, home_modified: datetime) -> str:
    return _urlset([(f"{origin}{PREFIX}/", home_modified),
                    *((f"{origin}{PREFIX}/{slug}/", spec[2]) for slug, spec in PAGES.items())])


def sitemap_index(origin: str, posts_modified: datetime, home_modified: datetime) -> str:
    maps = "\n".join(f"\t<sitemap>\n\t\t<loc>{origin}{PREFIX}/{name}</loc>\n\t\t<lastmod>"
                     f"{lastmod.isoformat()}</lastmod>\n\t</sitemap>"
                     for name, lastmod in (("post-sitemap.xml", posts_modified),
                                           ("page-sitemap.xml", home_modified)))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org'
            f'/schemas/sitemap/0.9">\n{maps}\n</sitemapindex>\n'
            "<!-- XML Sitemap generated by Yoast SEO -->\n")
