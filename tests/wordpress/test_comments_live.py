"""Comments against the real WordPress (fixture ``wordpress``), REST and XML-RPC: an export's threaded
comments migrated to WordPress keep their threading, authors, dates and statuses, read back from WordPress
as they were sent, and a re-run (the post changed, so written again) adds no comment twice."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any, cast

import pytest

import cmsbridge
from cmsbridge.backends.base import HoldsComments
from cmsbridge.migration.run import migrate
from cmsbridge.model import Comment, Paragraph, Post, Text

pytestmark = pytest.mark.wordpress


def _thread(tag: str) -> tuple[Comment, ...]:
    def comment(id: str, parent: str | None, day: int, status: Any = "approved") -> Comment:
        return Comment(
            id=id,
            parent=parent,
            author=f"Reader {id} {tag}",
            email=f"reader{id}@mail.example",
            url=f"https://reader{id}.example/",
            date=dt.datetime(2023, 4, day, 8, 15, 30, tzinfo=dt.UTC),
            status=status,
            content=f"Comment {id} of {tag}",
        )

    # children listed before their parents: the writer orders them
    return (
        comment("33", "32", 5, "pending"),
        comment("32", "31", 4),
        comment("31", None, 3),
        comment("34", "31", 6),
        comment("35", None, 7),
    )


def _key(comments: tuple[Comment, ...]) -> dict[str, tuple[Any, ...]]:
    """Each comment by its content, with its parent's content, author, e-mail, URL, date and status."""
    content = {c.id: c.content for c in comments}
    return {
        c.content: (
            content.get(c.parent or ""),
            c.author,
            c.email,
            (c.url or "").rstrip("/"),
            c.date,
            c.status,
        )
        for c in comments
    }


@pytest.mark.parametrize("transport", ["rest", "xmlrpc"])
def test_threaded_comments_migrate_with_dates_and_a_re_run_adds_none(
    wordpress: dict[str, Any], tmp_path: Path, transport: str
) -> None:
    tag = uuid.uuid4().hex[:8]
    thread = _thread(tag)
    post = Post(
        title=f"Comments {tag}",
        slug=f"comments-{tag}",
        status="publish",
        comment_status="closed",
        blocks=(Paragraph(inlines=(Text(text="Read the comments."),)),),
        comments=thread,
    )
    export = tmp_path / "export.xml"
    export.write_text(cmsbridge.write(post, "wxr"), encoding="utf-8")
    target = cmsbridge.connect(wordpress["users"]["admin"][f"{transport}_site"])
    state = tmp_path / "state.db"
    report = migrate(cmsbridge.connect(f"wxr:{export}"), target, state=state)
    assert report.created == 1, report.to_text()
    assert not any("comment" in loss for loss in report.posts[0].losses), report.to_text()
    ref = report.posts[0].target_id or ""
    try:
        stored = cast(HoldsComments, target).comments(ref)
        assert _key(stored) == _key(thread)

        # the post changes: written again, and its comments are all known already
        export.write_text(cmsbridge.write(post.replace(title=f"Edited {tag}"), "wxr"), encoding="utf-8")
        again = migrate(cmsbridge.connect(f"wxr:{export}"), target, state=state)
        assert again.updated == 1, again.to_text()
        assert len(cast(HoldsComments, target).comments(ref)) == len(thread)
        assert target.get(ref).post.comment_status in (None, "closed")  # closed again after writing
    finally:
        target.delete(ref, force=True)
