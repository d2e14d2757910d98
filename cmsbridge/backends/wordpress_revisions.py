"""Content writes to WordPress that put back what WordPress's own read-modify-write undid.

WordPress saves a post by reading the whole row and writing every field back (``wp_update_post`` behind
REST, ``wp.editPost`` behind XML-RPC; ``if_not_modified_since`` is checked against that same read). So a
change that another writer saves between WordPress's read and its ``UPDATE`` for *our* request is undone
by our write, even though we send the content only: the other writer's title and excerpt come back to
what they were, and their content is replaced by ours.

Each write keeps a revision of the fields WordPress revisions hold (content, title, excerpt). The
backends tell, after each write, whether another revision came between the one we read and ours (a
collision), and give both revisions as :class:`Revision`. :func:`write_content` then

* writes back the title and excerpt that our write undid (those where our revision differs from the one
  just before it, and that nobody has changed since), with the same check on that repair write;
* raises :class:`~.base.WriteConflictError` with ``applied=True`` and the other writer's content, so the
  live-update loop re-applies their content change on top of ours (:func:`cmsbridge.live.deliver`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from ..errors import logger
from .base import PostRef, Version, Versioned, WriteConflictError, Written
from .wordpress_common import CONTENT_FORMAT

log = logger("cmsbridge.backends.wordpress")

REVISIONED = ("title", "excerpt")
"""The fields besides content that WordPress keeps in a revision, and that a content write can undo."""

MAX_REPAIRS = 3
"""Repair writes after one content write; each one is needed only when yet another write collided."""


@dataclass(frozen=True)
class Revision:
    """A revision's copy of the revisioned fields (raw, as stored)."""

    id: str
    content: str
    title: str
    excerpt: str

    def get(self, field: str) -> str:
        return {"content": self.content, "title": self.title, "excerpt": self.excerpt}[field]


@dataclass(frozen=True)
class Checked:
    """A write and what came between the version it was based on and it.

    ``collided`` says another write's revision came between; ``ours`` and ``before`` are our write's
    revision and the one just before it, when the backend could find them."""

    written: Written
    collided: bool = False
    ours: Revision | None = None
    before: Revision | None = None


class RevisionedWriter(Protocol):
    """What a WordPress backend gives :func:`write_content`."""

    @property
    def site(self) -> str: ...

    def write_fields(self, ref: PostRef, fields: Mapping[str, str], expected: Version) -> Checked:
        """Write these fields (``content``, ``title``, ``excerpt``) only, then check for a collision."""
        ...

    def current_fields(self, ref: PostRef) -> dict[str, str]:
        """The post's title and excerpt now (raw)."""
        ...


def undone(checked: Checked) -> dict[str, str]:
    """The title and excerpt that the write of ``checked`` put back to an older value: where our revision
    differs from the one just before it (we never mean to change them, WordPress wrote its stale copy)."""
    ours, before = checked.ours, checked.before
    if not checked.collided or ours is None or before is None:
        return {}
    return {name: before.get(name) for name in REVISIONED if ours.get(name) != before.get(name)}


def write_content(writer: RevisionedWriter, ref: PostRef, content: str, expected: Version) -> Written:
    """Write the content only; on a collision, put back what WordPress undid and raise
    :class:`WriteConflictError` (``applied=True``) carrying the other writer's content."""
    first = checked = writer.write_fields(ref, {"content": content}, expected)
    if not first.collided:
        return first.written
    restores: list[tuple[str, str]] = []
    for _ in range(MAX_REPAIRS):
        fields = undone(checked)
        if not fields:
            break
        now = writer.current_fields(ref)
        ours = checked.ours
        # a field changed again since our write is someone's newer value: leave it
        fields = {k: v for k, v in fields.items() if ours is not None and now.get(k) == ours.get(k)}
        if not fields:
            break
        log.info("post %s: putting back the %s that a concurrent write lost", ref, " and ".join(fields))
        previous = checked
        checked = writer.write_fields(ref, fields, previous.written.version)
        if checked.collided and checked.before is None:
            log.warning("post %s: another write came during the repair and cannot be checked", ref)
        theirs, ours_now = checked.before, checked.ours
        if theirs is not None and ours_now is not None and theirs.content != ours_now.content:
            restores.append((previous.written.content, theirs.content))
    else:
        if undone(checked):
            log.warning("post %s: gave up putting back a title or excerpt after %d writes", ref, MAX_REPAIRS)
    written = checked.written
    raise WriteConflictError(
        "the post was changed by someone else between the read and the write",
        applied=True,
        overwritten=first.before.content if first.before is not None else None,
        restores=tuple(restores),
        current=Versioned(written.ref, written.content, CONTENT_FORMAT, written.version),
        site=writer.site,
        post=ref.id,
    )


__all__ = ["MAX_REPAIRS", "REVISIONED", "Checked", "Revision", "RevisionedWriter", "undone", "write_content"]
