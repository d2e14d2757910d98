"""What the WordPress REST and XML-RPC backends share: content conversion, filtering reports, dates."""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from ..errors import UsageError
from ..formats import get as get_format
from ..formats import read as read_format
from ..formats.crossing import report_stored
from ..formats.html.inline import escape_text
from ..formats.wordpress.wxr import SEO_META
from ..model import Post
from ..report import ConversionReport
from .base import http_site
from .media import ImageUnavailable, fetched_image, is_web_address, local_media, local_refused, same_host

CONTENT_FORMAT = "gutenberg"
SYSTEM = "wordpress"
SERVICE = "WordPress"
"""The name errors give the server."""
STATUSES = frozenset({"draft", "publish", "pending", "private", "future"})
"""The statuses a post may be written with."""
PAGE_SIZE = 100
"""The most items WordPress answers in one page (REST ``per_page``, XML-RPC ``number``)."""
POST_TYPES = frozenset({"post", "page"})
"""The post types the WordPress backends read and write."""
FIELDS: dict[str, Any] = {
    "post_types": POST_TYPES,
    "page_fields": True,
    "page_order": True,
    "password": True,
    "sticky": True,
    "discussion": True,
    "post_format": True,
    "template": True,
    "term_hierarchy": True,
    "seo": True,
    "custom_fields": True,
}
"""What both WordPress backends hold of a post's fields (:class:`~cmsbridge.backends.base.Capabilities`);
each backend turns off what its API cannot reach."""
PAGE_ONLY = ("parent", "menu_order")
POST_ONLY = ("sticky", "format", "categories", "tags")
"""Fields WordPress holds for one type only: a page has a parent and an order; a post is sticky, has a
format and terms."""


FORMATS = frozenset({"aside", "chat", "gallery", "link", "image", "quote", "status", "video", "audio"})
"""WordPress's post formats (besides ``standard``, which the model holds as None)."""


def writable_fields(post: Post, report: ConversionReport) -> Post:
    """``post`` with what WordPress cannot hold for it taken out and reported: fields of the other type
    (a page's parent on a post, a page's format...), a format WordPress does not know, and stickiness
    on a password-protected or private post (WordPress refuses to make those sticky)."""
    changes: dict[str, Any] = {}
    if post.post_type not in POST_TYPES:
        report.warn(SYSTEM, f"the post type {post.post_type!r} is written as a post")
        post = post.model_copy(update={"post_type": "post"})
    unheld = PAGE_ONLY if post.post_type != "page" else POST_ONLY
    for name in unheld:
        default = Post.model_fields[name].get_default(call_default_factory=True)
        if getattr(post, name) != default:
            report.warn(SYSTEM, f"WordPress holds no {name} for a {post.post_type}; not written")
            changes[name] = default
    if post.format is not None and post.format not in FORMATS and "format" not in changes:
        report.warn(SYSTEM, f"WordPress has no post format {post.format!r}; written as standard")
        changes["format"] = None
    if post.sticky and "sticky" not in changes and (post.password is not None or post.status == "private"):
        report.warn(SYSTEM, "WordPress keeps no password-protected or private post sticky; not sticky")
        changes["sticky"] = False
    return post.model_copy(update=changes) if changes else post


def seo_meta(post: Post) -> dict[str, str]:
    """The SEO fields of ``post`` as the post meta of Yoast SEO, the most common SEO plugin."""
    return {key: value for name, key in SEO_META.items() if (value := getattr(post, name))}


def seo_fields(meta: Mapping[str, Any]) -> dict[str, str | None]:
    """The SEO fields held in ``meta`` (Yoast SEO's post meta): what :func:`seo_meta` writes."""
    return {name: str(meta[key]) or None for name, key in SEO_META.items() if meta.get(key)}


def site_base(url: str) -> str:
    """The WordPress site an ``http(s)`` URL names (:func:`~cmsbridge.backends.base.http_site`); any other
    URL is a :class:`~cmsbridge.errors.UsageError`."""
    base = http_site(url)
    if base is None:
        parts = urlsplit(url)
        raise UsageError(f"not an http(s) site URL: {parts.scheme}://{parts.hostname or ''}")
    return base


def from_markup(raw: str, report: ConversionReport) -> Post:
    """Stored WordPress content (block markup, or classic HTML) as a post holding only blocks."""
    return read_format(raw, CONTENT_FORMAT, report=report)


UNFILTERED_ROLES = frozenset({"administrator", "editor"})
"""The roles that hold ``unfiltered_html`` on a single site (what an XML-RPC profile tells of a user)."""


def report_filtered(
    sent: str, stored: str, report: ConversionReport, *, user: str, unfiltered: Callable[[], bool | None]
) -> bool:
    """Record, one loss per block, what WordPress changed between the content ``sent`` and the content it
    ``stored`` (:func:`~cmsbridge.formats.crossing.report_stored`), the cause named by whether the user
    holds ``unfiltered_html`` (asked only when the content changed): without it, the role's filters
    (authors and contributors); with it, WordPress's own save filters, which run for every user.
    Returns whether any block changed."""
    if sent == stored:
        return False
    may_post_html = unfiltered()
    if may_post_html is False:
        cause = f"WordPress filtered the content saved as {user} (no unfiltered_html)"
    elif may_post_html:
        cause = "WordPress's own save filters (run for every user) changed the content"
    else:
        cause = f"WordPress changed the content saved as {user}"
    return report_stored(sent, stored, get_format(CONTENT_FORMAT), report, system=SYSTEM, cause=cause)


def parse_gmt(value: Any) -> dt.datetime | None:
    """A WordPress ``*_gmt`` field (``2024-01-02T03:04:05``, no zone) as an aware UTC datetime."""
    if not isinstance(value, str) or not value or value.startswith("0000"):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def format_gmt(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0).isoformat()


def html_text(value: str) -> str:
    """Text for a field WordPress holds as HTML (a post's title and excerpt, a category's or tag's name):
    ``&``, ``<`` and ``>`` escaped, so text never becomes markup (``<script>`` in a title stays words on
    the page). :func:`unescape` reads it back exactly."""
    return escape_text(value)


def unescape(value: str) -> str:
    """A WordPress title, excerpt or name (``Q&amp;A``, HTML to WordPress) as text."""
    return html.unescape(value)


@contextlib.contextmanager
def featured_image_file(
    value: str | None,
    site_url: str,
    report: ConversionReport,
    roots: Sequence[str | os.PathLike[str]] = (),
) -> Iterator[str | None]:
    """A local file of the featured image ``value`` to upload to WordPress, or None.

    A local file is used only inside ``roots`` (the backend's ``media_roots``; see
    :func:`cmsbridge.backends.media.local_media`). An image on another web site (a post from Ghost, a
    migration) is
    downloaded, without the site's credentials, to a temporary file kept while the block runs. Any other
    local address, an image already on this site, or one that cannot be fetched, is reported and not
    uploaded.
    """
    path = local_media(value, roots)
    if path is not None or not value:
        yield None if path is None else str(path)
        return
    if not is_web_address(value):
        report.warn(SYSTEM, f"{local_refused(value, 'featured image')}; not uploaded")
        yield None
        return
    if same_host(value, site_url):
        report.warn(SYSTEM, f"featured image {value!r} is already on this site; not uploaded again")
        yield None
        return
    with contextlib.ExitStack() as stack:
        downloaded: str | None = None
        try:
            downloaded = stack.enter_context(fetched_image(value))
        except ImageUnavailable as exc:
            report.warn(SYSTEM, f"featured image {value!r} could not be fetched ({exc}); not uploaded")
        yield downloaded
