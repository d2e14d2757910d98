"""A migration's memory does not grow with the archive (issue 17): the report keeps a bounded number of
post outcomes in memory whatever the number of posts, and still lists every one, in order, with its
counts, its JSON and its text (failures and losses past those kept included)."""

from __future__ import annotations

import json
import weakref
from pathlib import Path

import pytest

from cmsbridge.backends.files import FilesBackend
from cmsbridge.backends.wxr_file import WXRFileBackend
from cmsbridge.migration import outcomes
from cmsbridge.migration.run import MigrationReport, PostOutcome, migrate
from tests.generated_export import write_export

KEPT = 5


def _migrated(tmp_path: Path, posts: int) -> tuple[MigrationReport, int, list[PostOutcome]]:
    """The report of migrating a generated export of ``posts`` posts into a folder, how many outcomes are
    alive in memory once it returned, and copies of every outcome as ``progress`` saw them."""
    folder = tmp_path / str(posts)
    folder.mkdir()
    refs: list[weakref.ref[PostOutcome]] = []
    seen: list[PostOutcome] = []

    def progress(outcome: PostOutcome) -> None:
        refs.append(weakref.ref(outcome))
        seen.append(PostOutcome(**json.loads(json.dumps(outcome.__dict__))))  # a copy: not kept alive

    report = migrate(
        WXRFileBackend(write_export(folder / "export.xml", posts)),
        FilesBackend(folder / "out"),
        state=folder / "state.db",
        progress=progress,
    )
    return report, sum(1 for ref in refs if ref() is not None), seen


def test_outcomes_held_in_memory_do_not_grow_with_the_posts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outcomes, "KEPT", KEPT)
    small, small_alive, _ = _migrated(tmp_path, 4 * KEPT)
    large, large_alive, seen = _migrated(tmp_path, 12 * KEPT)
    assert (small.created, large.created) == (4 * KEPT, 12 * KEPT)
    assert large_alive == small_alive <= KEPT + 1  # flat: not one per post

    # and nothing is lost: every post, in order, in the report and its JSON
    assert len(large.posts) == 12 * KEPT
    assert list(large.posts) == seen
    assert large.posts[-1] == seen[-1] and large.posts[3 * KEPT] == seen[3 * KEPT]
    data = json.loads(large.to_json())
    assert [p["source_id"] for p in data["posts"]] == [o.source_id for o in seen]
    assert data["counts"]["created"] == 12 * KEPT


def test_outcomes_past_those_kept_are_replaced_counted_and_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outcomes, "KEPT", 2)
    report = MigrationReport(source="a", target="b")
    for n in range(6):
        report.posts.append(PostOutcome(str(n), f"title {n}", "created", f"t{n}", losses=[f"lost {n}"]))
    report.posts[4] = PostOutcome("4", "title 4", "failed", None, error="refused: <b>4</b>")
    report.posts[-1] = PostOutcome("5", "title 5", "updated", "t5", losses=["lost 5 again"])
    report.posts[0] = PostOutcome("0", "title 0", "skipped", "t0")
    assert [p.action for p in report.posts] == [
        "skipped",
        "created",
        "created",
        "created",
        "failed",
        "updated",
    ]
    assert (report.created, report.updated, report.skipped, report.failed) == (3, 1, 1, 1)
    assert not report.ok
    assert report.posts[1:3] == [report.posts[1], report.posts[2]]
    with pytest.raises(IndexError):
        report.posts[6]
    text = report.to_text()
    assert "failed 4 'title 4': refused: <b>4</b>" in text
    assert "loss 5 -> t5: lost 5 again" in text and "lost 5\n" not in text + "\n"
    assert "loss 3 -> t3: lost 3" in text
    listed = json.loads(report.to_json())["posts"]
    assert [p["action"] for p in listed] == [p.action for p in report.posts]


def test_a_report_given_a_list_keeps_it() -> None:
    one = PostOutcome("1", "one", "failed", error="x")
    report = MigrationReport(source="a", target="b", posts=[one])  # type: ignore[arg-type]
    assert list(report.posts) == [one] and report.failed == 1
