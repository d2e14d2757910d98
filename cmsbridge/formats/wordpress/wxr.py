"""WordPress eXtended RSS (WXR) export files <-> posts: the ``wxr`` format.

A WXR file (WordPress's Tools > Export) holds many items; :func:`read_all` reads every item of type
``post`` or ``page`` and :func:`write_all` writes a file of many posts. The registry's :func:`read` reads
the first post (a loss is reported when there are more) and :func:`write` writes a one-item file.

Reading (lxml: no entity expansion, no network, no DTD, and libxml2's limits kept on: a text node of at
most 10 MB, 256 levels of elements, no entity amplification; WXR 1.0 to 1.2): an item's
``content:encoded`` is block markup, read with the ``gutenberg`` format; title, ``wp:post_name`` (slug),
``wp:status``, ``excerpt:encoded`` (title and excerpt are HTML to WordPress: read with their character
references decoded, written escaped, so a text title never becomes markup), ``dc:creator`` (the
author's login), ``category`` with domain
``category`` or ``post_tag``, ``wp:post_date_gmt`` and ``wp:post_modified_gmt`` (zoned with the offset
between the local and GMT dates), ``wp:post_id`` and ``link`` (a ``wordpress`` :class:`SourceRef`), and
the featured image (``_thumbnail_id`` resolved to an attachment's URL in the same file). Items of type
``post`` and ``page`` are read with their fields (issue 15): ``wp:post_type``, ``wp:post_parent`` (a
page's parent, by its slug), ``wp:menu_order``, ``wp:post_password``, ``wp:is_sticky``,
``wp:comment_status``, ``wp:ping_status``, the post format (term of ``post_format``), the template
(``_wp_page_template``), Yoast's SEO meta (``_yoast_wpseo_title``, ``_metadesc``, ``_canonical``), public
post meta (keys not starting with ``_``) as ``metadata``, and categories with their parents (the channel's
``wp:category`` list, by slug: two categories of one name under different parents stay two terms).
Comments (``wp:comment``, threaded by ``wp:comment_parent``) are read and written
(:mod:`.comments`); other taxonomies and other types are reported as losses.

Writing gives WXR 1.2 that WordPress's importer reads: the namespaces, authors, categories and tags in the
channel, each text in CDATA (``]]>`` split as WordPress's ``wxr_cdata()`` does), a featured image as an
attachment item plus ``_thumbnail_id``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import ChainMap
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from email.utils import format_datetime
from html import unescape
from typing import Any, Literal, cast
from xml.sax.saxutils import escape, quoteattr

from lxml import etree
from pydantic import JsonValue

from ...errors import ParseError
from ...model import Post, SourceRef, Status, Term, slugify
from ...report import ConversionReport
from .. import POST_FIELDS, content_only, report_unwritten_fields
from .. import wordpress as gutenberg_format
from ..html.inline import escape_text
from ..inert import inert_featured_image
from .comments import read_wxr as read_comments
from .comments import wxr_lines as comment_lines

NAME = "wxr"
WXR_VERSION = "1.2"
NAMESPACES = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": "http://wordpress.org/export/1.2/",
}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ZERO = "0000-00-00 00:00:00"
_STATUSES: dict[str, Status] = {s: s for s in ("draft", "publish", "pending", "private", "future", "trash")}
TYPES = frozenset({"post", "page"})
"""The item types read as posts."""
SEO_META = {
    "seo_title": "_yoast_wpseo_title",
    "seo_description": "_yoast_wpseo_metadesc",
    "canonical_url": "_yoast_wpseo_canonical",
}
"""The post fields WordPress holds in SEO plugins' post meta (Yoast's keys, the most common)."""
TEMPLATE_META = "_wp_page_template"
FORMAT_PREFIX = "post-format-"


@dataclass(frozen=True)
class Entry:
    """One post of a WXR file: the post, what reading it lost, its stored content and a digest of the
    item (changes whenever anything in the item changes)."""

    id: str
    post: Post
    content: str
    digest: str
    link: str | None
    report: ConversionReport = field(repr=False)


@dataclass(frozen=True)
class WXRFile:
    """A parsed WXR file: its posts in file order, the site it came from, and file-level losses."""

    entries: list[Entry]
    site: str | None
    report: ConversionReport = field(repr=False)


# --- reading ---------------------------------------------------------------------------------------


def parse(
    data: str | bytes,
    *,
    attachments: dict[str, str] | None = None,
    site: str | None = None,
    ordinal: int = 0,
    categories: dict[str, Term] | None = None,
    slugs: Mapping[str, str] | None = None,
) -> WXRFile:
    """Parse a WXR file (see the module docstring). A reader of one item of a larger file gives the
    file's ``attachments`` (id -> URL), its ``site``, the item's ``ordinal`` among its items, its
    ``categories`` (slug -> term, :func:`category_terms`) and its items' ``slugs`` (id -> slug)."""
    try:
        if isinstance(data, str):
            root = etree.fromstring(_DECLARATION.sub("", data, count=1), _PARSER)
        else:
            root = etree.fromstring(data, _PARSER)
    except (etree.XMLSyntaxError, ValueError) as exc:  # ValueError: an encoding declaration lxml refuses
        raise ParseError(f"not a WXR file: {exc}") from None
    entities = _undefined_entities(root)
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise ParseError("not a WXR file: no <rss><channel>")
    ns = _namespaces(root)
    site = site or _text(channel, ns["wp"], "base_site_url") or channel.findtext("link") or None
    items = channel.findall("item")
    wp = ns["wp"]
    # the file's own, then those given (which win): looked through, not copied (one item of a large file)
    context = _Context(
        site,
        ChainMap(
            attachments or {},
            {
                _text(i, wp, "post_id"): _text(i, wp, "attachment_url")
                for i in items
                if _text(i, wp, "post_type") == "attachment"
            },
        ),
        ChainMap(
            categories or {},
            category_terms(
                (_text(c, wp, "category_nicename"), _text(c, wp, "category_parent"), _text(c, wp, "cat_name"))
                for c in channel.findall(f"{{{wp}}}category")
            ),
        ),
        # only read (a large file's slugs are a read-only view, not a dict)
        ChainMap(
            cast("MutableMapping[str, str]", slugs or {}),
            {_text(i, wp, "post_id"): _text(i, wp, "post_name") for i in items},
        ),
    )
    report = ConversionReport()
    for name in entities.pop(None, []):
        report.warn(NAME, f"undefined entity {name} kept as text")
    skipped: dict[str, int] = {}
    entries = []
    for n, item in enumerate(items):
        kind = _text(item, ns["wp"], "post_type") or "post"
        if kind in TYPES:
            entries.append(_entry(item, ns, context, ordinal + n, entities.get(item, [])))
        elif kind != "attachment":
            skipped[kind] = skipped.get(kind, 0) + 1
    for kind, count in skipped.items():
        report.warn(NAME, f"{count} item(s) of type {kind!r} not read (only posts and pages are)")
    return WXRFile(entries=entries, site=site, report=report)


@dataclass(frozen=True)
class _Context:
    """What reading an item needs of the whole file."""

    site: str | None
    attachments: Mapping[str, str]
    categories: Mapping[str, Term]
    slugs: Mapping[str, str]


def category_terms(listed: Any) -> dict[str, Term]:
    """The file's categories by slug, each with its parents, from (slug, parent slug, name) triples (a
    parent unknown or in a loop is left out)."""
    rows = {slug: (parent, unescape(name)) for slug, parent, name in listed if slug and name}
    terms: dict[str, Term] = {}

    def term(slug: str, seen: frozenset[str]) -> Term:
        if slug not in terms:
            parent, name = rows[slug]
            above = term(parent, seen | {slug}) if parent in rows and parent not in seen else None
            terms[slug] = Term(name=name, slug=own_slug(name, slug), parent=above)
        return terms[slug]

    for slug in rows:
        term(slug, frozenset())
    return terms


def own_slug(name: str, slug: str | None) -> str | None:
    """A category's slug as the model keeps it: None when it is the one its name gives (what a writer
    makes of a category without a slug), so a plain category reads back as it was written."""
    return slug if slug and slug != _slug(name) else None


def _namespaces(root: Any) -> dict[str, str]:
    """The file's wp, excerpt, content and dc namespaces (WXR 1.0 and 1.1 use other URIs)."""
    found = {k: v for k, v in root.nsmap.items() if k}
    return {k: found.get(k, v) for k, v in NAMESPACES.items()}


def _text(element: Any, ns: str | None, tag: str) -> str:
    value = element.findtext(f"{{{ns}}}{tag}" if ns else tag)
    return str(value).strip() if value is not None else ""


def _undefined_entities(root: Any) -> dict[Any, list[str]]:
    """Entity references the file does not define (possible when it names an external DTD), which lxml
    keeps as nodes that ``findtext`` skips, with all the text after them. Each is put back as its text
    (``&name;``); the names are returned by the ``<item>`` they are in (None: outside any item)."""
    found: dict[Any, list[str]] = {}
    for node in list(root.iter(etree.Entity)):
        found.setdefault(next(node.iterancestors("item"), None), []).append(node.text)
        literal = node.text + (node.tail or "")
        previous, parent = node.getprevious(), node.getparent()
        if previous is not None:
            previous.tail = (previous.tail or "") + literal
        else:
            parent.text = (parent.text or "") + literal
        parent.remove(node)
    return found


def _entry(item: Any, ns: dict[str, str], context: _Context, n: int, entities: list[str]) -> Entry:
    wp = ns["wp"]
    report = ConversionReport()
    for name in entities:
        report.warn(NAME, f"undefined entity {name} kept as text")
    content = item.findtext(f"{{{ns['content']}}}encoded") or ""
    post = gutenberg_format.read(content, report)
    post_id = _text(item, wp, "post_id") or str(n + 1)
    link = _text(item, None, "link") or None
    status = _text(item, wp, "status")
    if status not in _STATUSES:
        report.warn(NAME, f"status {status!r} read as draft")
    categories: list[Term] = []
    tags: list[str] = []
    post_format = None
    for term in item.findall("category"):
        domain, nicename = term.get("domain", "category"), term.get("nicename")
        name = unescape((term.text or "").strip())
        if domain == "category":
            known = context.categories.get(nicename or "")
            categories.append(known or Term(name=name, slug=own_slug(name, nicename)))
        elif domain == "post_tag":
            tags.append(name)
        elif domain == "post_format" and (nicename or "").startswith(FORMAT_PREFIX):
            post_format = (nicename or "")[len(FORMAT_PREFIX) :]
        else:
            report.warn(NAME, f"term {term.text!r} of taxonomy {domain!r} not read")
    meta: dict[str, list[str]] = {}
    for m in item.findall(f"{{{wp}}}postmeta"):
        meta.setdefault(_text(m, wp, "meta_key"), []).append(m.findtext(f"{{{wp}}}meta_value") or "")
    first = {key: values[0] for key, values in meta.items()}
    featured = None
    if first.get("_thumbnail_id"):
        featured = context.attachments.get(first["_thumbnail_id"]) or None
        if featured is None:
            report.warn(NAME, f"featured image (attachment {first['_thumbnail_id']}) is not in the file")
    metadata: dict[str, JsonValue] = {
        key: values[0] if len(values) == 1 else list(values)
        for key, values in meta.items()
        if key and not key.startswith("_")
    }
    parent_id = _text(item, wp, "post_parent")
    parent = context.slugs.get(parent_id) or None if parent_id not in ("", "0") else None
    if parent_id not in ("", "0") and parent is None:
        report.warn(NAME, f"parent {parent_id} is not in the file (or has no slug); not read")
    template = first.get(TEMPLATE_META, "").strip()
    comments = read_comments(item, wp, report, NAME)
    creator = _text(item, ns["dc"], "creator")
    post = post.replace(
        title=unescape(item.findtext("title") or ""),
        slug=_text(item, wp, "post_name") or None,
        status=_STATUSES.get(status, "draft"),
        excerpt=unescape(item.findtext(f"{{{ns['excerpt']}}}encoded") or ""),
        authors=(creator,) if creator else (),
        categories=tuple(categories),
        tags=tuple(tags),
        created=_zoned(_text(item, wp, "post_date"), _text(item, wp, "post_date_gmt"), "post_date", report),
        modified=_zoned(
            _text(item, wp, "post_modified"), _text(item, wp, "post_modified_gmt"), "post_modified", report
        ),
        featured_image=featured,
        post_type=_text(item, wp, "post_type") or "post",
        parent=parent,
        menu_order=_integer(_text(item, wp, "menu_order")),
        password=item.findtext(f"{{{wp}}}post_password") or None,
        sticky=_text(item, wp, "is_sticky") == "1",
        comment_status=_openness(_text(item, wp, "comment_status")),
        ping_status=_openness(_text(item, wp, "ping_status")),
        format=post_format,
        template=template if template not in ("", "default") else None,
        metadata=metadata,
        comments=comments,
        **{name: first[key].strip() or None for name, key in SEO_META.items() if key in first},
        sources=(SourceRef(system="wordpress", site=context.site, id=post_id, link=link),),
    )
    digest = hashlib.sha256(etree.tostring(item)).hexdigest()
    return Entry(id=post_id, post=post, content=content, digest=digest, link=link, report=report)


def _integer(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


_OPENNESS: dict[str, Literal["open", "closed"]] = {"open": "open", "closed": "closed"}


def _openness(value: str) -> Literal["open", "closed"] | None:
    return _OPENNESS.get(value)


def _zoned(local: str, gmt: str, name: str, report: ConversionReport) -> dt.datetime | None:
    """The GMT time, in the zone offset that the local time shows (UTC when it is not a plausible one)."""
    if not gmt or gmt == _ZERO:
        if local and local != _ZERO:
            report.warn(NAME, f"{name} {local} has no GMT time (a draft's floating date); not read")
        return None
    try:
        utc = dt.datetime.fromisoformat(gmt).replace(tzinfo=dt.UTC)
        offset = dt.datetime.fromisoformat(local) - utc.replace(tzinfo=None) if local else dt.timedelta()
    except ValueError:
        report.warn(NAME, f"{name} {gmt!r} is not a date; not read")
        return None
    if abs(offset) >= dt.timedelta(hours=24) or offset % dt.timedelta(minutes=1):
        offset = dt.timedelta()
    return utc.astimezone(dt.timezone(offset))


def read_all(data: str, report: ConversionReport) -> list[Post]:
    """Every post in a WXR file, in file order; losses (each post's, then the file's) go to ``report``."""
    parsed = parse(data)
    for entry in parsed.entries:
        for loss in entry.report:
            report.warn(loss.format, f"post {entry.id}: {loss.message}", loss.block)
    report.losses.extend(parsed.report.losses)
    return [entry.post for entry in parsed.entries]


def read(data: str, report: ConversionReport) -> Post:
    """The file's first post (a loss is reported when it holds more)."""
    parsed = parse(data)
    if not parsed.entries:
        raise ParseError("the WXR file holds no post")
    first = parsed.entries[0]
    report.losses.extend(first.report.losses)
    report.losses.extend(parsed.report.losses)
    if len(parsed.entries) > 1:
        report.warn(NAME, f"the file holds {len(parsed.entries)} posts; read the first (read_all reads all)")
    return first.post


# --- writing ---------------------------------------------------------------------------------------


def cdata(value: str) -> str:
    """``value`` as CDATA, ``]]>`` split as WordPress's ``wxr_cdata()`` does (escaped text when it holds a
    carriage return, which CDATA cannot keep)."""
    if "\r" in value:
        return escape(value, {"\r": "&#13;"})
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _clean(value: str, what: str, report: ConversionReport) -> str:
    cleaned = _NOT_XML.sub("", value)
    if cleaned != value:
        report.warn(NAME, f"characters XML cannot hold removed from the {what}")
    return cleaned


def _writable(post: Post, report: ConversionReport) -> Post:
    """``post`` with its featured image inert and, in the fields written as CDATA besides the content,
    title and excerpt (cleaned where they are written), no character XML cannot hold."""
    post = inert_featured_image(post, NAME, report)
    clean = {
        "slug": _clean(post.slug, "slug", report) if post.slug else post.slug,
        "featured_image": (
            _clean(post.featured_image, "featured image", report) if post.featured_image else None
        ),
        **{name: tuple(_clean(v, name, report) for v in getattr(post, name)) for name in _TERMS},
        "categories": tuple(_clean_term(term, report) for term in post.categories),
    }
    changed = {name: value for name, value in clean.items() if value != getattr(post, name)}
    return post.model_copy(update=changed) if changed else post


_TERMS = ("authors", "tags")


def _clean_term(term: Term, report: ConversionReport) -> Term:
    parent = _clean_term(term.parent, report) if term.parent is not None else None
    name = _clean(term.name, "categories", report) or "category"
    slug = _clean(term.slug, "categories", report) if term.slug else term.slug
    return Term(name=name, slug=slug, parent=parent)


def terms_parents_first(terms: Any) -> list[Term]:
    """Every term of ``terms`` and each of its parents, once, a parent before its children."""
    ordered: list[Term] = []

    def add(term: Term) -> None:
        if term.parent is not None:
            add(term.parent)
        if term not in ordered:
            ordered.append(term)

    for term in terms:
        add(term)
    return ordered


def category_slugs(terms: list[Term]) -> dict[Term, str]:
    """A slug for each term (``terms`` parents first): its own, else its name's; a slug another term took
    gets its parent's slug appended, as WordPress does for a same-named child (``foo-a-news``)."""
    slugs: dict[Term, str] = {}
    for term in terms:
        slug = term.slug or _slug(term.name)
        if slug in slugs.values() and term.parent is not None:
            slug = f"{slug}-{slugs[term.parent]}"
        base, n = slug, 2
        while slug in slugs.values():
            slug, n = f"{base}-{n}", n + 1
        slugs[term] = slug
    return slugs


def _meta(post: Post, report: ConversionReport) -> list[tuple[str, str]]:
    """The post meta an item holds: template, SEO fields, custom fields (a list value is one meta row per
    item; other values that are not text are written as JSON, and reported)."""
    rows = [(TEMPLATE_META, post.template)] if post.template else []
    rows += [(key, value) for name, key in SEO_META.items() if (value := getattr(post, name))]
    for key, value in post.metadata.items():
        if key.startswith("_") or not key:
            report.warn(NAME, f"custom field {key!r} is WordPress's own (starts with _); not written")
            continue
        for one in value if isinstance(value, list) else [value]:
            if not isinstance(one, str):
                report.warn(NAME, f"metadata {key!r} (a custom field) is not text; written as JSON")
                one = json.dumps(one)
            rows.append((key, one))
    return rows


def _dates(when: dt.datetime | None) -> tuple[str, str]:
    if when is None:
        return _ZERO, _ZERO
    return when.strftime("%Y-%m-%d %H:%M:%S"), when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _wordpress_source(post: Post) -> SourceRef | None:
    return next((s for s in post.sources if s.system == "wordpress" and (s.id or "").isdigit()), None)


def write_all(posts: list[Post], report: ConversionReport) -> str:
    """A WXR 1.2 file holding ``posts`` (losses in ``report``)."""
    posts = [_writable(post, report) for post in posts]
    sources = [_wordpress_source(p) for p in posts]
    sites = {s.site for s in sources if s is not None and s.site}
    site = sites.pop() if len(sites) == 1 else ""
    used = {int(s.id) for s in sources if s is not None and s.id}
    next_id = max(used, default=0) + 1
    ids: list[int] = []
    taken: set[int] = set()
    for source in sources:
        if source is not None and source.id and int(source.id) not in taken:
            ids.append(int(source.id))
        else:
            ids.append(next_id)
            next_id += 1
        taken.add(ids[-1])
    authors = sorted({p.authors[0] for p in posts if p.authors})
    categories = terms_parents_first(c for p in posts for c in p.categories)
    slugs = category_slugs(categories)
    pages = {p.slug: post_id for p, post_id in zip(posts, ids, strict=True) if p.slug}
    tags = sorted({t for p in posts for t in p.tags})
    out = [
        '<?xml version="1.0" encoding="UTF-8" ?>',
        '<rss version="2.0"',
        *(f'\txmlns:{k}="{v}"' for k, v in NAMESPACES.items()),
        ">",
        "<channel>",
        "\t<title>cmsbridge export</title>",
        f"\t<link>{escape(site)}</link>",
        "\t<description></description>",
        f"\t<pubDate>{format_datetime(dt.datetime.now(dt.UTC))}</pubDate>",
        f"\t<wp:wxr_version>{WXR_VERSION}</wp:wxr_version>",
        f"\t<wp:base_site_url>{escape(site)}</wp:base_site_url>",
        f"\t<wp:base_blog_url>{escape(site)}</wp:base_blog_url>",
    ]
    for n, login in enumerate(authors, 1):
        out.append(
            f"\t<wp:author><wp:author_id>{n}</wp:author_id><wp:author_login>{cdata(login)}"
            f"</wp:author_login><wp:author_email></wp:author_email><wp:author_display_name>"
            f"{cdata(login)}</wp:author_display_name></wp:author>"
        )
    for n, term in enumerate(categories, 1):
        parent = slugs[term.parent] if term.parent is not None else ""
        out.append(
            f"\t<wp:category><wp:term_id>{n}</wp:term_id><wp:category_nicename>{cdata(slugs[term])}"
            f"</wp:category_nicename><wp:category_parent>{cdata(parent)}</wp:category_parent>"
            f"<wp:cat_name>{cdata(escape_text(term.name))}</wp:cat_name></wp:category>"
        )
    for n, name in enumerate(tags, len(categories) + 1):
        out.append(
            f"\t<wp:tag><wp:term_id>{n}</wp:term_id><wp:tag_slug>{cdata(_slug(name))}</wp:tag_slug>"
            f"<wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>"
        )
    out.append("\t<generator>cmsbridge</generator>")
    for post, post_id, source in zip(posts, ids, sources, strict=True):
        out.extend(_item(post, post_id, source, next_id, _Written(slugs, pages), report))
        next_id += 1
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def write(post: Post, report: ConversionReport) -> str:
    """A WXR file holding this one post."""
    return write_all([post], report)


def _slug(name: str) -> str:
    return slugify(name).lower() or "term"


@dataclass(frozen=True)
class _Written:
    """What writing an item needs of the whole file: category slugs and the ids of posts by slug."""

    slugs: dict[Term, str]
    pages: dict[str, int]


def _item(
    post: Post,
    post_id: int,
    source: SourceRef | None,
    attachment_id: int,
    written: _Written,
    report: ConversionReport,
) -> list[str]:
    report_unwritten_fields(post, NAME, report, written=POST_FIELDS)
    if len(post.authors) > 1:
        report.warn(NAME, f"WordPress has one author per post; kept {post.authors[0]!r}")
    others = [s for s in post.sources if s is not source]
    if others:
        report.warn(
            NAME,
            "sources not written (WXR keeps the post's WordPress id and link): "
            + ", ".join(f"{s.system}:{s.id}" for s in others),
        )
    content = _clean(gutenberg_format.write(content_only(post), report), "content", report)
    link = _clean(source.link if source is not None and source.link else "", "link", report)
    date, date_gmt = _dates(post.created)
    modified, modified_gmt = _dates(post.modified)
    status = post.status
    parent = written.pages.get(post.parent, 0) if post.parent else 0
    if post.parent and not parent:
        report.warn(NAME, f"parent page {post.parent!r} is not in the file; not written")
    title = escape_text(_clean(post.title, "title", report))
    excerpt = escape_text(_clean(post.excerpt, "excerpt", report))
    lines = [
        "\t<item>",
        f"\t\t<title>{cdata(title)}</title>",
        f"\t\t<link>{escape(link)}</link>",
        f"\t\t<pubDate>{format_datetime(post.created.astimezone(dt.UTC)) if post.created else ''}</pubDate>",
        f"\t\t<dc:creator>{cdata(post.authors[0] if post.authors else '')}</dc:creator>",
        f'\t\t<guid isPermaLink="false">{escape(link)}</guid>',
        "\t\t<description></description>",
        f"\t\t<content:encoded>{cdata(content)}</content:encoded>",
        f"\t\t<excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>",
        f"\t\t<wp:post_id>{post_id}</wp:post_id>",
        f"\t\t<wp:post_date>{cdata(date)}</wp:post_date>",
        f"\t\t<wp:post_date_gmt>{cdata(date_gmt)}</wp:post_date_gmt>",
        f"\t\t<wp:post_modified>{cdata(modified)}</wp:post_modified>",
        f"\t\t<wp:post_modified_gmt>{cdata(modified_gmt)}</wp:post_modified_gmt>",
        f"\t\t<wp:comment_status>{cdata(post.comment_status or '')}</wp:comment_status>",
        f"\t\t<wp:ping_status>{cdata(post.ping_status or '')}</wp:ping_status>",
        f"\t\t<wp:post_name>{cdata(post.slug or '')}</wp:post_name>",
        f"\t\t<wp:status>{cdata(status)}</wp:status>",
        f"\t\t<wp:post_parent>{parent}</wp:post_parent>",
        f"\t\t<wp:menu_order>{post.menu_order}</wp:menu_order>",
        f"\t\t<wp:post_type>{cdata(post.post_type)}</wp:post_type>",
        f"\t\t<wp:post_password>{cdata(_clean(post.password or '', 'password', report))}</wp:post_password>",
        f"\t\t<wp:is_sticky>{int(post.sticky)}</wp:is_sticky>",
    ]
    lines += [
        f'\t\t<category domain="category" nicename={quoteattr(written.slugs[term])}>'
        f"{cdata(escape_text(term.name))}</category>"
        for term in post.categories
    ]
    lines += [
        f'\t\t<category domain="post_tag" nicename={quoteattr(_slug(tag))}>{cdata(tag)}</category>'
        for tag in post.tags
    ]
    if post.format:
        name = post.format.capitalize()
        nicename = quoteattr(FORMAT_PREFIX + post.format)
        lines.append(f'\t\t<category domain="post_format" nicename={nicename}>{cdata(name)}</category>')
    lines += [
        f"\t\t<wp:postmeta><wp:meta_key>{cdata(key)}</wp:meta_key>"
        f"<wp:meta_value>{cdata(_clean(value, key, report))}</wp:meta_value></wp:postmeta>"
        for key, value in _meta(post, report)
    ]
    if post.featured_image:
        lines.append(
            f"\t\t<wp:postmeta><wp:meta_key>{cdata('_thumbnail_id')}</wp:meta_key>"
            f"<wp:meta_value>{cdata(str(attachment_id))}</wp:meta_value></wp:postmeta>"
        )
    lines += comment_lines(post.comments, lambda value: cdata(_clean(value, "comments", report)))
    lines.append("\t</item>")
    if post.featured_image:
        url = post.featured_image
        lines += [
            "\t<item>",
            f"\t\t<title>{cdata(escape_text(url.rsplit('/', 1)[-1]))}</title>",
            f'\t\t<guid isPermaLink="false">{escape(url)}</guid>',
            f"\t\t<wp:post_id>{attachment_id}</wp:post_id>",
            f"\t\t<wp:post_date>{cdata(date)}</wp:post_date>",
            f"\t\t<wp:post_date_gmt>{cdata(date_gmt)}</wp:post_date_gmt>",
            f"\t\t<wp:status>{cdata('inherit')}</wp:status>",
            f"\t\t<wp:post_parent>{post_id}</wp:post_parent>",
            f"\t\t<wp:post_type>{cdata('attachment')}</wp:post_type>",
            f"\t\t<wp:attachment_url>{cdata(url)}</wp:attachment_url>",
            "\t</item>",
        ]
    return lines
