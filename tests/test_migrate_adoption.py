"""Migration never overwrites a post it did not make (issue 13): a target post is adopted after a crash only
when this migration's id map or the post's own source reference proves it ours."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cmsbridge.backends.base import Backend, PostRef
from cmsbridge.backends.files import FilesBackend
from cmsbridge.migration.run import migrate
from cmsbridge.model import Paragraph, Post, Text
from cmsbridge.report import ConversionReport
from tests.backend_wrappers import Delegating


def _post(n: int, body: str = "", **fields: Any) -> Post:
    values: dict[str, Any] = {
        "title": f"Post {n}",
        "slug": f"post-{n}",
        "status": "publish",
        "blocks": (Paragraph(inlines=(Text(text=body or f"Body of post {n}"),)),),
    }
    values.update(fields)
    return Post(**values)


@pytest.fixture()
def source(tmp_path: Path) -> FilesBackend:
    backend = FilesBackend(tmp_path / "source")
    for n in (1, 2):
        backend.create(_post(n))
    return backend


def _by_slug(backend: Backend) -> dict[str, Post]:
    return {f.post.slug or "": f.post for f in backend.list()}


def test_someone_elses_post_of_the_same_slug_and_title_is_left_alone(
    source: FilesBackend, tmp_path: Path
) -> None:
    target = FilesBackend(tmp_path / "target")
    theirs = target.create(_post(1, body="A reporter's own story that happens to share the title."))
    before = (tmp_path / "target" / f"{theirs.id}.md").read_bytes()

    report = migrate(source, target, state=tmp_path / "state.db")

    assert (tmp_path / "target" / f"{theirs.id}.md").read_bytes() == before
    assert report.created == 2 and not any(p.adopted for p in report.posts)
    posts = _by_slug(target)
    assert len(posts) == 3
    moved = posts["post-1-2"]
    assert moved.title == "Post 1" and moved.blocks == source.get("post-1").post.blocks
    outcome = next(p for p in report.posts if p.source_id == "post-1")
    assert any("post-1" in loss and "post-1-2" in loss for loss in outcome.losses)

    again = migrate(source, target, state=tmp_path / "state.db")
    assert again.skipped == 2 and len(_by_slug(target)) == 3
    assert (tmp_path / "target" / f"{theirs.id}.md").read_bytes() == before


def test_a_crash_after_a_create_under_another_slug_adopts_ours_not_theirs(tmp_path: Path) -> None:
    source = FilesBackend(tmp_path / "source")
    source.create(_post(1))
    target = FilesBackend(tmp_path / "target")
    theirs = target.create(_post(1, body="Someone else's text."))
    before = (tmp_path / "target" / f"{theirs.id}.md").read_bytes()

    class DiesAfterCreate(Delegating):
        def create(self, post: Post, *, report: ConversionReport | None = None) -> PostRef:
            self.inner.create(post, report=report)
            raise KeyboardInterrupt  # killed before the mapping is recorded

    with pytest.raises(KeyboardInterrupt):
        migrate(source, DiesAfterCreate(target), state=tmp_path / "state.db")
    assert sorted(_by_slug(target)) == ["post-1", "post-1-2"]

    report = migrate(source, target, state=tmp_path / "state.db")
    assert (tmp_path / "target" / f"{theirs.id}.md").read_bytes() == before
    assert sorted(_by_slug(target)) == ["post-1", "post-1-2"]  # no duplicate
    [outcome] = report.posts
    assert outcome.adopted and outcome.action == "updated"
    assert target.get(outcome.target_id or "").post.slug == "post-1-2"


def test_a_post_whose_source_reference_names_the_source_post_is_adopted(
    source: FilesBackend, tmp_path: Path
) -> None:
    """With a lost id map: the target post's front matter names the source post, so it is ours, even
    under a title edited on the target; a post without that reference would be left alone."""
    target_dir = tmp_path / "target"
    target_dir.mkdir()
    (target_dir / "post-1.md").write_text(
        "---\n"
        "title: Post 1 (edited on the target)\n"
        "slug: post-1\n"
        "status: publish\n"
        "sources:\n"
        f"- system: files\n  site: '{source.site}'\n  id: post-1\n"
        "---\n\nOld body.\n",
        encoding="utf-8",
    )
    target = FilesBackend(target_dir)
    report = migrate(source, target, state=tmp_path / "fresh-state.db")
    outcome = next(p for p in report.posts if p.source_id == "post-1")
    assert outcome.adopted and outcome.action == "updated" and outcome.target_id == "post-1"
    assert sorted(_by_slug(target)) == ["post-1", "post-2"]
    assert target.get("post-1").post.title == "Post 1"
