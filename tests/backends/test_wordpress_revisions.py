"""wordpress_revisions.write_content: what a WordPress write undid is put back, and only that.

A scripted writer stands in for WordPress: each write answers with the ``Checked`` the test gives (as the
backends derive it from the revisions), and records what was written. The real thing is exercised in
tests/wordpress/test_write_window.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pytest

from cmsbridge.backends import wordpress_revisions as revisions
from cmsbridge.backends.base import PostRef, Version, WriteConflictError, Written
from cmsbridge.backends.wordpress_revisions import Checked, Revision

REF = PostRef("7")
BASE = Version(token="v0", revisions=1, latest_revision="100")


def written(content: str, n: int) -> Written:
    return Written(REF, content, Version(token=f"v{n}", revisions=n + 1, latest_revision=str(100 + n)))


def rev(n: int, content: str, title: str = "Old", excerpt: str = "") -> Revision:
    return Revision(id=str(100 + n), content=content, title=title, excerpt=excerpt)


@dataclass
class Scripted:
    answers: list[Checked]
    now: dict[str, str] = field(default_factory=lambda: {"title": "Old", "excerpt": ""})
    writes: list[tuple[dict[str, str], Version]] = field(default_factory=list)
    site: str = "https://news.example"

    def write_fields(self, ref: PostRef, fields: Mapping[str, str], expected: Version) -> Checked:
        self.writes.append((dict(fields), expected))
        return self.answers.pop(0)

    def current_fields(self, ref: PostRef) -> dict[str, str]:
        return dict(self.now)


def test_no_collision_is_one_write() -> None:
    writer = Scripted([Checked(written("ours", 1))])
    assert revisions.write_content(writer, REF, "ours", BASE).content == "ours"
    assert writer.writes == [({"content": "ours"}, BASE)]


def test_undone_title_is_written_back_then_the_collision_is_raised() -> None:
    theirs = rev(1, "base", title="Desk title", excerpt="Desk excerpt")
    ours = rev(2, "ours", title="Old", excerpt="")
    first = Checked(written("ours", 2), collided=True, ours=ours, before=theirs)
    writer = Scripted([first, Checked(written("ours", 3))])
    with pytest.raises(WriteConflictError) as caught:
        revisions.write_content(writer, REF, "ours", BASE)
    assert writer.writes[1] == ({"title": "Desk title", "excerpt": "Desk excerpt"}, first.written.version)
    error = caught.value
    assert (error.applied, error.overwritten, error.restores) == (True, "base", ())
    assert error.current is not None and error.current.version.token == "v3"


def test_a_field_changed_again_since_our_write_is_left_alone() -> None:
    theirs = rev(1, "base", title="Desk title", excerpt="Desk excerpt")
    ours = rev(2, "ours", title="Old", excerpt="")
    first = Checked(written("ours", 2), collided=True, ours=ours, before=theirs)
    writer = Scripted([first, Checked(written("ours", 3))], now={"title": "Newest title", "excerpt": ""})
    with pytest.raises(WriteConflictError):
        revisions.write_content(writer, REF, "ours", BASE)
    assert writer.writes[1][0] == {"excerpt": "Desk excerpt"}


def test_a_content_collision_alone_needs_no_repair_write() -> None:
    first = Checked(written("ours", 2), collided=True, ours=rev(2, "ours"), before=rev(1, "theirs"))
    writer = Scripted([first])
    with pytest.raises(WriteConflictError) as caught:
        revisions.write_content(writer, REF, "ours", BASE)
    assert len(writer.writes) == 1
    assert caught.value.overwritten == "theirs"


def test_content_undone_by_the_repair_is_handed_back_for_restoring() -> None:
    first = Checked(
        written("ours", 2), collided=True, ours=rev(2, "ours"), before=rev(1, "base", title="Desk title")
    )
    # during the repair another editor saved "ours + fix"; the repair wrote "ours" back over it
    repair = Checked(
        written("ours", 4),
        collided=True,
        ours=rev(4, "ours", title="Desk title"),
        before=rev(3, "ours + fix", title="Old"),
    )
    writer = Scripted([first, repair])
    with pytest.raises(WriteConflictError) as caught:
        revisions.write_content(writer, REF, "ours", BASE)
    assert caught.value.restores == (("ours", "ours + fix"),)
    assert len(writer.writes) == 2  # the repair's own revision holds the title it set: nothing more


def test_repairs_stop_after_max_repairs() -> None:
    def colliding(n: int) -> Checked:
        return Checked(
            written("ours", n),
            collided=True,
            ours=rev(n, "ours", title="Old"),
            before=rev(n - 1, "ours", title=f"Desk {n}"),
        )

    writer = Scripted([colliding(2 + 2 * k) for k in range(revisions.MAX_REPAIRS + 1)])
    writer.now = {"title": "Old", "excerpt": ""}
    with pytest.raises(WriteConflictError):
        revisions.write_content(writer, REF, "ours", BASE)
    assert len(writer.writes) == 1 + revisions.MAX_REPAIRS


def test_a_collision_without_readable_revisions_is_raised_without_content() -> None:
    writer = Scripted([Checked(written("ours", 2), collided=True)])
    with pytest.raises(WriteConflictError) as caught:
        revisions.write_content(writer, REF, "ours", BASE)
    assert (caught.value.applied, caught.value.overwritten) == (True, None)
    assert len(writer.writes) == 1
