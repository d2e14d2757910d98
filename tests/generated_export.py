"""A generated WordPress export (WXR) shaped like a real newsroom's: a few authors, a category tree
(sections with sub-sections), a few dozen tags shared unevenly by the posts (a handful on most posts, a
long tail on few), posts of a few Gutenberg blocks, some with comments. Deterministic for a given size.

Used by the request-count tests (tests/test_migrate_requests.py) and benchmarks/migrate.py; written to a
file item by item (:func:`write_export`), so an export of any size costs the writer no memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

AUTHORS = (("ana", "Ana Reyes"), ("ben", "Ben Okafor"), ("chloe", "Chloé Martin"), ("dev", "Dev Patel"))
SECTIONS = {  # slug -> (name, parent slug)
    "news": ("News", ""),
    "world": ("World", "news"),
    "europe": ("Europe", "world"),
    "politics": ("Politics", "news"),
    "business": ("Business", ""),
    "markets": ("Markets", "business"),
    "sport": ("Sport", ""),
    "football": ("Football", "sport"),
    "culture": ("Culture", ""),
    "books": ("Books", "culture"),
    "opinion": ("Opinion", ""),
    "science": ("Science & Tech", ""),
}
TAGS = tuple(
    ["Elections", "Climate", "Live", "Analysis", "Interview", "Brussels", "Energy", "Inflation"]
    + [f"Topic {n}" for n in range(1, 33)]
)

_HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
\txmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
\t<title>Generated Gazette</title>
\t<link>{site}</link>
\t<language>en-US</language>
\t<wp:wxr_version>1.2</wp:wxr_version>
\t<wp:base_site_url>{site}</wp:base_site_url>
\t<wp:base_blog_url>{site}</wp:base_blog_url>
"""
_TAIL = "</channel>\n</rss>\n"
SITE = "https://gazette.example"


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _tag_slug(name: str) -> str:
    return name.lower().replace(" ", "-")


@dataclass(frozen=True)
class Shape:
    """Which terms post ``n`` carries (the same for a given ``n``, whatever the export's size)."""

    n: int

    @property
    def author(self) -> str:
        return AUTHORS[self.n % len(AUTHORS)][0]

    @property
    def sections(self) -> list[str]:
        slugs = list(SECTIONS)
        first = slugs[(self.n * 7) % len(slugs)]
        return [first] if self.n % 3 else [first, slugs[(self.n * 5 + 1) % len(slugs)]]

    @property
    def tags(self) -> list[str]:
        common = [TAGS[self.n % 8], TAGS[(self.n // 8) % 8]]  # the few tags on most posts
        tail = [TAGS[8 + (self.n * 13) % (len(TAGS) - 8)]] if self.n % 2 == 0 else []
        return list(dict.fromkeys(common + tail))


def _head(site: str) -> str:
    lines = [_HEAD.format(site=site)]
    for n, (login, display) in enumerate(AUTHORS, start=2):
        lines.append(
            f"\t<wp:author><wp:author_id>{n}</wp:author_id><wp:author_login>{_cdata(login)}</wp:author_login>"
            f"<wp:author_email>{_cdata(login + '@gazette.example')}</wp:author_email>"
            f"<wp:author_display_name>{_cdata(display)}</wp:author_display_name></wp:author>\n"
        )
    for n, (slug, (name, parent)) in enumerate(SECTIONS.items(), start=3):
        lines.append(
            f"\t<wp:category><wp:term_id>{n}</wp:term_id><wp:category_nicename>{_cdata(slug)}"
            f"</wp:category_nicename><wp:category_parent>{_cdata(parent)}</wp:category_parent>"
            f"<wp:cat_name>{_cdata(escape(name))}</wp:cat_name></wp:category>\n"
        )
    for n, name in enumerate(TAGS, start=100):
        lines.append(
            f"\t<wp:tag><wp:term_id>{n}</wp:term_id><wp:tag_slug>{_cdata(_tag_slug(name))}</wp:tag_slug>"
            f"<wp:tag_name>{_cdata(name)}</wp:tag_name></wp:tag>\n"
        )
    return "".join(lines)


def body(n: int, paragraphs: int = 4) -> str:
    """Post ``n``'s content (Gutenberg markup)."""
    blocks = [
        "<!-- wp:paragraph -->\n"
        f"<p>Paragraph {k} of story {n}: the council met <strong>on Tuesday</strong> and "
        f'<a href="https://elsewhere.example/{n}/{k}">voted</a> on the budget.</p>\n'
        "<!-- /wp:paragraph -->"
        for k in range(1, paragraphs + 1)
    ]
    heading = f'<h2 class="wp-block-heading">Part {n}</h2>'
    blocks.insert(1, f'<!-- wp:heading {{"level":2}} -->\n{heading}\n<!-- /wp:heading -->')
    return "\n\n".join(blocks)


def gmt(n: int) -> str:
    """Post ``n``'s publication time, UTC (``YYYY-MM-DD HH:MM:SS``; local time is an hour later)."""
    return f"2025-02-{1 + n % 28:02d} 10:{n % 60:02d}:00"


def title(n: int) -> str:
    return f"Story {n}: the budget vote"


def _comment(cid: int, n: int) -> str:
    return (
        f"\t\t<wp:comment><wp:comment_id>{cid}</wp:comment_id>"
        f"<wp:comment_author>{_cdata(f'Reader {cid}')}</wp:comment_author>"
        f"<wp:comment_author_email>{_cdata(f'reader{cid}@mail.example')}</wp:comment_author_email>"
        f"<wp:comment_author_url></wp:comment_author_url><wp:comment_author_IP>{_cdata('')}</wp:comment_author_IP>"
        f"<wp:comment_date>{_cdata('2025-03-01 10:00:00')}</wp:comment_date>"
        f"<wp:comment_date_gmt>{_cdata('2025-03-01 09:00:00')}</wp:comment_date_gmt>"
        f"<wp:comment_content>{_cdata(f'A comment on story {n}.')}</wp:comment_content>"
        f"<wp:comment_approved>{_cdata('1')}</wp:comment_approved><wp:comment_type>{_cdata('comment')}"
        "</wp:comment_type><wp:comment_parent>0</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id>"
        "</wp:comment>\n"
    )


def item(n: int, site: str, *, paragraphs: int = 4, comments: bool = False, prefix: str = "") -> str:
    """The ``<item>`` of post ``n`` (1-based); its slug is ``{prefix}story-{n}``."""
    shape = Shape(n)
    slug = f"{prefix}story-{n}"
    terms = "".join(
        f'\t\t<category domain="category" nicename={quoteattr(section)}>'
        f"{_cdata(escape(SECTIONS[section][0]))}</category>\n"
        for section in shape.sections
    ) + "".join(
        f'\t\t<category domain="post_tag" nicename={quoteattr(_tag_slug(t))}>{_cdata(t)}</category>\n'
        for t in shape.tags
    )
    thread = _comment(n * 10 + 1, n) if comments and n % 5 == 0 else ""
    return (
        f"\t<item>\n\t\t<title>{escape(title(n))}</title>\n"
        f"\t\t<link>{site}/{slug}/</link>\n\t\t<dc:creator>{_cdata(shape.author)}</dc:creator>\n"
        f'\t\t<guid isPermaLink="false">{site}/?p={n}</guid>\n'
        f"\t\t<content:encoded>{_cdata(body(n, paragraphs))}</content:encoded>\n"
        f"\t\t<excerpt:encoded>{_cdata('')}</excerpt:encoded>\n\t\t<wp:post_id>{n}</wp:post_id>\n"
        f"\t\t<wp:post_date>{_cdata(gmt(n).replace(' 10:', ' 11:'))}</wp:post_date>\n"
        f"\t\t<wp:post_date_gmt>{_cdata(gmt(n))}</wp:post_date_gmt>\n"
        f"\t\t<wp:comment_status>{_cdata('open')}</wp:comment_status>"
        f"<wp:ping_status>{_cdata('closed')}</wp:ping_status>\n"
        f"\t\t<wp:post_name>{_cdata(slug)}</wp:post_name>\n\t\t<wp:status>{_cdata('publish')}</wp:status>\n"
        "\t\t<wp:post_parent>0</wp:post_parent><wp:menu_order>0</wp:menu_order>\n"
        f"\t\t<wp:post_type>{_cdata('post')}</wp:post_type>"
        f"<wp:post_password>{_cdata('')}</wp:post_password><wp:is_sticky>0</wp:is_sticky>\n"
        f"{terms}{thread}\t</item>\n"
    )


def chunks(
    posts: int, site: str, *, paragraphs: int = 4, comments: bool = False, prefix: str = ""
) -> Iterator[str]:
    yield _head(site)
    for n in range(1, posts + 1):
        yield item(n, site, paragraphs=paragraphs, comments=comments, prefix=prefix)
    yield _TAIL


def export(
    posts: int, site: str = SITE, *, paragraphs: int = 4, comments: bool = False, prefix: str = ""
) -> str:
    """The whole export as a string (for small ones)."""
    return "".join(chunks(posts, site, paragraphs=paragraphs, comments=comments, prefix=prefix))


def write_export(
    path: Path,
    posts: int,
    site: str = SITE,
    *,
    paragraphs: int = 4,
    comments: bool = False,
    prefix: str = "",
) -> Path:
    """Write an export of ``posts`` posts to ``path``, one item at a time."""
    with open(path, "w", encoding="utf-8") as out:
        for chunk in chunks(posts, site, paragraphs=paragraphs, comments=comments, prefix=prefix):
            out.write(chunk)
    return path


def distinct_terms(posts: int) -> tuple[set[str], set[str], set[str]]:
    """The category slugs (with their parents), tag names and author logins the first ``posts`` posts use."""
    categories: set[str] = set()
    tags: set[str] = set()
    authors: set[str] = set()
    for n in range(1, posts + 1):
        shape = Shape(n)
        for slug in shape.sections:
            while slug:
                categories.add(slug)
                slug = SECTIONS[slug][1]
        tags.update(shape.tags)
        authors.add(shape.author)
    return categories, tags, authors
