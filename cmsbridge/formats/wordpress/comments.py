"""WordPress's comments as the model's :class:`~cmsbridge.model.Comment` (issue 15): its status
vocabularies, and the ``<wp:comment>`` elements of a WXR export.

WordPress names a comment's status three ways: REST ``approved``/``hold``, XML-RPC ``approve``/``hold``,
the database and WXR ``1``/``0``; ``spam`` and ``trash`` in all three. The model has ``approved``,
``pending``, ``spam`` and ``trash``.

A WXR comment holds ``wp:comment_id``, ``wp:comment_author`` (name), ``_email``, ``_url``,
``wp:comment_date_gmt``, ``wp:comment_content`` (HTML), ``wp:comment_approved`` (status) and
``wp:comment_parent`` (0: a comment on the post). Pingbacks and trackbacks (``wp:comment_type``) are read as
comments, with the loss of their type reported; the author's IP, user id and comment meta are not read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal

from ...model import Comment
from ...report import ConversionReport

CommentStatus = Literal["approved", "pending", "spam", "trash"]
_FROM_WORDPRESS: dict[str, CommentStatus] = {
    "approved": "approved",
    "approve": "approved",
    "1": "approved",
    "hold": "pending",
    "0": "pending",
    "spam": "spam",
    "trash": "trash",
}
TO_REST: dict[str, str] = {"approved": "approved", "pending": "hold", "spam": "spam", "trash": "trash"}
TO_XMLRPC: dict[str, str] = {"approved": "approve", "pending": "hold", "spam": "spam", "trash": "trash"}
TO_WXR: dict[str, str] = {"approved": "1", "pending": "0", "spam": "spam", "trash": "trash"}


def status_of(value: Any) -> CommentStatus:
    """A WordPress comment status (any of its vocabularies) as the model's; an unknown one is pending
    (never shown to readers unless someone approves it)."""
    return _FROM_WORDPRESS.get(str(value).strip(), "pending")


def gmt_time(value: Any) -> dt.datetime | None:
    """A WordPress ``*_gmt`` time (``2024-01-02 03:04:05`` or ISO, no zone) as an aware UTC datetime."""
    if not isinstance(value, str) or not value.strip() or value.startswith("0000"):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def read_wxr(item: Any, wp: str, report: ConversionReport, fmt: str = "wxr") -> tuple[Comment, ...]:
    """The ``<wp:comment>`` elements of a WXR ``<item>`` (``wp``: the file's ``wp`` namespace)."""

    def text(element: Any, tag: str) -> str:
        return (element.findtext(f"{{{wp}}}{tag}") or "").strip()

    comments: list[Comment] = []
    seen: set[str] = set()
    for element in item.findall(f"{{{wp}}}comment"):
        comment_id = text(element, "comment_id")
        if not comment_id or comment_id in seen:
            report.warn(fmt, f"a comment without an id of its own ({comment_id or 'none'}) not read")
            continue
        seen.add(comment_id)
        kind = text(element, "comment_type")
        if kind not in ("", "comment"):
            report.warn(fmt, f"comment {comment_id} is a {kind}: read as a comment")
        date_gmt = text(element, "comment_date_gmt")
        when = gmt_time(date_gmt)
        if date_gmt and when is None and not date_gmt.startswith("0000"):
            report.warn(fmt, f"comment {comment_id}: date {date_gmt!r} is not a date; not read")
        parent = text(element, "comment_parent")
        comments.append(
            Comment(
                id=comment_id,
                parent=None if parent in ("", "0") else parent,
                author=text(element, "comment_author"),
                email=text(element, "comment_author_email") or None,
                url=text(element, "comment_author_url") or None,
                date=when,
                status=status_of(text(element, "comment_approved")),
                content=element.findtext(f"{{{wp}}}comment_content") or "",
            )
        )
    return tuple(comments)


def wxr_lines(comments: Iterable[Comment], cdata: Any, indent: str = "\t\t") -> list[str]:
    """``comments`` as WXR ``<wp:comment>`` elements (``cdata``: the writer's CDATA function)."""
    lines: list[str] = []
    for c in comments:
        gmt = c.date.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S") if c.date else ""
        local = c.date.strftime("%Y-%m-%d %H:%M:%S") if c.date else ""
        fields = (
            ("comment_id", c.id),
            ("comment_author", c.author),
            ("comment_author_email", c.email or ""),
            ("comment_author_url", c.url or ""),
            ("comment_date", local),
            ("comment_date_gmt", gmt),
            ("comment_content", c.content),
            ("comment_approved", TO_WXR[c.status]),
            ("comment_type", "comment"),
            ("comment_parent", c.parent or "0"),
        )
        inner = "".join(f"<wp:{tag}>{cdata(value)}</wp:{tag}>" for tag, value in fields)
        lines.append(f"{indent}<wp:comment>{inner}</wp:comment>")
    return lines


__all__ = ["TO_REST", "TO_WXR", "TO_XMLRPC", "gmt_time", "read_wxr", "status_of", "wxr_lines"]
