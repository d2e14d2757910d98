"""Comments on WordPress posts: what the REST and XML-RPC backends share (issue 15).

Reading: every comment of a post, of any status (``status=any``), as :class:`~cmsbridge.model.Comment`
(its id, the comment it answers, author name, e-mail and URL, date, status, content).

Writing (:func:`add_all`): the comments a target post does not hold yet (``known`` maps source comment ids
to target ones, from a migration's id map), parents before their replies so each reply is written under
its parent's new id, each with its date and status. WordPress takes no comment on a post whose comments
are closed, so such a post is opened while its comments are written and closed again (the backends do
that around :func:`add_all`). A comment WordPress refuses (a duplicate, a required e-mail missing) is
reported and the others go on; a reply whose parent is not on the target is written as a comment on the
post and reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..errors import ConflictError, InvalidContentError, PermissionDeniedError
from ..formats.wordpress.comments import TO_REST, TO_XMLRPC, gmt_time, status_of
from ..model import Comment, Post
from ..report import ConversionReport, ensure_report
from .base import Added
from .wordpress_common import SYSTEM


def rest_status(comment: Comment) -> str:
    return TO_REST[comment.status]


def xmlrpc_status(comment: Comment) -> str:
    return TO_XMLRPC[comment.status]


def comment_of(
    *,
    id: Any,
    parent: Any,
    author: Any,
    email: Any,
    url: Any,
    date_gmt: Any,
    status: Any,
    content: Any,
) -> Comment:
    """A comment from WordPress's fields (``parent`` 0 or empty: an answer to the post itself)."""
    parent_id = str(parent or "0")
    return Comment(
        id=str(id),
        parent=None if parent_id == "0" else parent_id,
        author=str(author or ""),
        email=str(email) if email else None,
        url=str(url) if url else None,
        date=gmt_time(date_gmt),
        status=status_of(status),
        content=str(content or ""),
    )


def parents_first(comments: Iterable[Comment]) -> list[Comment]:
    """``comments`` with each parent before its replies, otherwise in their order (a reply to a comment not
    among them stays where it is; a cycle is broken where it is met)."""
    listed = list(comments)
    ids = {c.id for c in listed}
    children: dict[str, list[Comment]] = {}
    roots: list[Comment] = []
    for comment in listed:
        if comment.parent is not None and comment.parent in ids and comment.parent != comment.id:
            children.setdefault(comment.parent, []).append(comment)
        else:
            roots.append(comment)
    ordered: list[Comment] = []
    seen: set[str] = set()

    def walk(start: Comment) -> None:
        stack = [start]
        while stack:
            comment = stack.pop()
            if comment.id in seen:
                continue
            seen.add(comment.id)
            ordered.append(comment)
            stack.extend(reversed(children.get(comment.id, [])))

    for comment in roots:
        walk(comment)
    for comment in listed:  # in a cycle: no root reaches them
        walk(comment)
    return ordered


def add_all(
    comments: Sequence[Comment],
    known: Mapping[str, str],
    create: Callable[[Comment, str | None], str],
    *,
    added: Added | None,
    report: ConversionReport,
) -> dict[str, str]:
    """Write each comment not in ``known`` with ``create(comment, target parent id)``, parents first; the
    whole map of source ids to target ids."""
    mapping = dict(known)
    for comment in parents_first(comments):
        if comment.id in mapping:
            continue
        parent = None
        if comment.parent is not None:
            parent = mapping.get(comment.parent)
            if parent is None:
                report.warn(
                    SYSTEM,
                    f"comment {comment.id} answers comment {comment.parent}, which is not on the target: "
                    "written as a comment on the post",
                )
        try:
            new = create(comment, parent)
        except (ConflictError, InvalidContentError, PermissionDeniedError) as exc:
            report.warn(SYSTEM, f"comment {comment.id} by {comment.author!r} not written: {exc}")
            continue
        mapping[comment.id] = new
        if added is not None:
            added(comment.id, new)
    return mapping


def unreadable(report: ConversionReport | None, user: str, exc: Exception) -> tuple[Comment, ...]:
    """No comments, and the reason in ``report``: the user may not read every comment (moderating them
    is an editor's right)."""
    ensure_report(report).warn(SYSTEM, f"comments not read: {user} may not read every comment ({exc})")
    return ()


def to_write(post: Post, known: Mapping[str, str]) -> list[Comment]:
    """The comments of ``post`` the target does not hold yet."""
    return [c for c in post.comments if c.id not in known]


__all__ = [
    "add_all",
    "comment_of",
    "parents_first",
    "rest_status",
    "to_write",
    "unreadable",
    "xmlrpc_status",
]
