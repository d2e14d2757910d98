"""What the WordPress REST and XML-RPC backends share: content conversion, filtering reports, dates."""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import html
import os
from collections.abc import Iterator, Sequence
from typing import Any

from ..formats import content_only
from ..formats import read as read_format
from ..formats import write as write_format
from ..formats.inline_html import escape_text
from ..media import ImageUnavailable, fetched_image, is_web_address, local_media, local_refused, same_host
from ..model import Post
from ..report import ConversionReport

CONTENT_FORMAT = "gutenberg"
SYSTEM = "wordpress"


def to_markup(post: Post, report: ConversionReport) -> str:
    """The post's blocks as WordPress block markup."""
    return write_format(content_only(post), CONTENT_FORMAT, report=report)


def from_markup(raw: str, report: ConversionReport) -> Post:
    """Stored WordPress content (block markup, or classic HTML) as a post holding only blocks."""
    return read_format(raw, CONTENT_FORMAT, report=report)


def report_filtered(sent: str, stored: str, report: ConversionReport, *, user: str) -> bool:
    """Record, one warning per change, what WordPress's content filters changed between ``sent`` and
    ``stored`` (authors and contributors lack ``unfiltered_html``). Returns whether anything changed."""
    if sent == stored:
        return False
    matcher = difflib.SequenceMatcher(None, sent, stored, autojunk=False)
    changes = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        changes += 1
        if changes > 20:
            report.warn(SYSTEM, "WordPress changed the content in more places; compare the stored content")
            break
        before, after = _excerpt(sent[i1:i2]), _excerpt(stored[j1:j2])
        block = _block_index(sent, i1)
        if not after:
            what = f"removed {before}"
        else:
            what = f"changed {before} to {after}" if before else f"added {after}"
        message = f"WordPress filtered the content saved as {user} (no unfiltered_html): {what}"
        report.warn(SYSTEM, message, block)
    return True


def _block_index(markup: str, pos: int) -> int | None:
    """Index of the top-level block containing ``pos`` (counted by opening block comments), or None."""
    depth, index = 0, -1
    i = 0
    while True:
        start = markup.find("<!-- ", i)
        if start == -1 or start >= pos:
            break
        end = markup.find("-->", start)
        if end == -1:
            break
        comment = markup[start + 5 : end].strip()
        if comment.startswith("wp:"):
            if depth == 0:
                index += 1
            if not comment.endswith("/"):
                depth += 1
        elif comment.startswith("/wp:"):
            depth = max(0, depth - 1)
        i = end + 3
    return index if index >= 0 else None


def _excerpt(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…") if text else ""


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
    :func:`cmsbridge.media.local_media`). An image on another web site (a post from Ghost, a migration) is
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
