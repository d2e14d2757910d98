"""Migration between backends (files -> files here): resumable, no duplicates, changes, failures, report."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cmsbridge.backends.base import Backend, Media, PostRef
from cmsbridge.backends.files import FilesBackend
from cmsbridge.errors import InvalidContentError, NotFoundError
from cmsbridge.migration.run import MigrationInterrupted, PostOutcome, migrate
from cmsbridge.model import Image, Paragraph, Post, Raw, Text
from cmsbridge.report import ConversionReport
from tests.backend_wrappers import Delegating
from tests.image_server import png, serve


def _post(n: int, **fields: Any) -> Post:
    values: dict[str, Any] = {
        "title": f"Post {n}",
        "slug": f"post-{n}",
        "status": "publish",
        "authors": ("alice",),
        "blocks": (Paragraph(inlines=(Text(text=f"Body of post {n} — ünïcode"),)),),
    }
    values.update(fields)
    return Post(**values)


@pytest.fixture()
def source(tmp_path: Path) -> FilesBackend:
    backend = FilesBackend(tmp_path / "a")
    for n in range(1, 6):
        backend.create(_post(n))
    return backend


@pytest.fixture()
def target(tmp_path: Path) -> FilesBackend:
    return FilesBackend(tmp_path / "b")


def _titles(backend: Backend) -> list[str]:
    return sorted(f.post.title for f in backend.list())


def test_every_post_is_copied_once_with_its_provenance(
    source: FilesBackend, target: FilesBackend, tmp_path: Path
) -> None:
    state = tmp_path / "state.db"
    report = migrate(source, target, state=state)
    assert (report.created, report.updated, report.skipped, report.failed) == (5, 0, 0, 0)
    assert report.ok
    assert _titles(target) == _titles(source)
    for outcome in report.posts:
        copied = target.get(outcome.target_id or "").post
        original = source.get(outcome.source_id).post
        assert copied.blocks == original.blocks
        assert copied.slug == original.slug
        assert copied.authors == original.authors == ("alice",)  # a folder's authors are names: kept
        assert not outcome.losses

    again = migrate(source, target, state=state)
    assert (again.created, again.updated, again.skipped) == (0, 0, 5)
    assert len(_titles(target)) == 5


def test_the_written_post_carries_a_source_ref(source: FilesBackend, tmp_path: Path) -> None:
    written: list[Post] = []

    class Recording(Delegating):
        def create(self, post: Post, *, report: ConversionReport | None = None) -> PostRef:
            written.append(post)
            ref: PostRef = self.inner.create(post, report=report)
            return ref

    migrate(source, Recording(FilesBackend(tmp_path / "b")), state=tmp_path / "s.db")
    assert len(written) == 5
    for post in written:
        refs = [s for s in post.sources if s.system == "files" and s.site == source.site]
        assert len(refs) == 1 and refs[0].id == post.slug
        assert all(b.origin is None for b in post.blocks)


def test_an_interrupted_run_resumes_without_duplicates(
    source: FilesBackend, target: FilesBackend, tmp_path: Path
) -> None:
    state = tmp_path / "state.db"
    seen: list[PostOutcome] = []

    def stop_after_two(outcome: PostOutcome) -> None:
        seen.append(outcome)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(MigrationInterrupted) as stopped:
        migrate(source, target, state=state, progress=stop_after_two)
    assert stopped.value.report.interrupted and not stopped.value.report.ok
    assert stopped.value.report.created == 2
    assert len(_titles(target)) == 2

    report = migrate(source, target, state=state)
    assert (report.created, report.skipped) == (3, 2)
    assert _titles(target) == _titles(source)


def test_a_crash_between_create_and_record_does_not_duplicate(
    source: FilesBackend, target: FilesBackend, tmp_path: Path
) -> None:
    state = tmp_path / "state.db"

    class DiesAfterCreate(Delegating):
        def create(self, post: Post, *, report: ConversionReport | None = None) -> PostRef:
            self.inner.create(post, report=report)
            raise KeyboardInterrupt  # killed before the mapping is recorded

    with pytest.raises(KeyboardInterrupt):
        migrate(source, DiesAfterCreate(target), state=state)
    assert len(_titles(target)) == 1
    with sqlite3.connect(state) as db:
        assert db.execute("SELECT COUNT(*) FROM mapping").fetchone()[0] == 0

    report = migrate(source, target, state=state)
    assert _titles(target) == _titles(source)
    adopted = [p for p in report.posts if p.adopted]
    assert len(adopted) == 1 and adopted[0].action == "updated"
    assert report.created == 4


def test_a_target_post_with_the_same_slug_but_another_title_is_left_alone(
    source: FilesBackend, target: FilesBackend, tmp_path: Path
) -> None:
    target.create(_post(1, title="Someone else's post"))
    report = migrate(source, target, state=tmp_path / "state.db")
    assert report.created == 5 and not any(p.adopted for p in report.posts)
    assert "Someone else's post" in _titles(target)
    assert len(_titles(target)) == 6


def test_a_changed_source_post_is_updated_on_a_re_run(
    source: FilesBackend, target: FilesBackend, tmp_path: Path
) -> None:
    state = tmp_path / "state.db"
    first = migrate(source, target, state=state)
    source.update("post-3", source.get("post-3").post.replace(title="Post 3, corrected"))
    # a target post deleted since is created again when its source changes
    gone = next(p.target_id for p in first.posts if p.source_id == "post-4")
    target.delete(gone or "")
    source.update("post-4", source.get("post-4").post.replace(title="Post 4, corrected"))

    report = migrate(source, target, state=state)
    assert (report.created, report.updated, report.skipped) == (1, 1, 3)
    assert _titles(target) == _titles(source)
    assert "Post 3, corrected" in _titles(target)


def test_a_failure_is_recorded_and_the_migration_goes_on(
    source: FilesBackend, target: FilesBackend, tmp_path: Path
) -> None:
    state = tmp_path / "state.db"

    class Refuses(Delegating):
        def create(self, post: Post, *, report: ConversionReport | None = None) -> PostRef:
            if post.title == "Post 2":
                raise InvalidContentError(
                    "refused, see https://admin:hunter2@cms.example/log",
                    site="ghost+https://id:s3cret@cms.example",
                )
            ref: PostRef = self.inner.create(post, report=report)
            return ref

    report = migrate(source, Refuses(target), state=state)
    assert (report.created, report.failed) == (4, 1)
    assert not report.ok
    failed = next(p for p in report.posts if p.action == "failed")
    assert failed.title == "Post 2" and failed.error and "refused" in failed.error
    for rendered in (report.to_json(), report.to_text()):
        assert "hunter2" not in rendered and "s3cret" not in rendered
        assert "refused" in rendered

    retried = migrate(source, target, state=state)
    assert (retried.created, retried.skipped) == (1, 4)
    assert _titles(target) == _titles(source)


def test_authors_a_target_does_not_know(source: FilesBackend, tmp_path: Path) -> None:
    class KnowsOnlyBob(Delegating):
        """Like Ghost and WordPress: authors are accounts, and an unknown author fails the create."""

        @property
        def capabilities(self) -> Any:
            return dataclasses.replace(self.inner.capabilities, author_accounts=True)

        def create(self, post: Post, *, report: ConversionReport | None = None) -> PostRef:
            if set(post.authors) - {"bob"}:
                raise NotFoundError(f"no staff user {post.authors[0]!r}")
            ref: PostRef = self.inner.create(post, report=report)
            return ref

    kept = migrate(
        source, KnowsOnlyBob(FilesBackend(tmp_path / "k")), state=tmp_path / "k.db", authors="keep"
    )
    assert kept.failed == 5 and all("alice" in (p.error or "") for p in kept.posts)

    mapped_target = FilesBackend(tmp_path / "m")
    mapped = migrate(source, KnowsOnlyBob(mapped_target), state=tmp_path / "m.db", authors={"alice": "bob"})
    assert mapped.created == 5 and all(not p.losses for p in mapped.posts)
    assert {f.post.authors for f in mapped_target.list()} == {("bob",)}

    dropped = migrate(source, KnowsOnlyBob(FilesBackend(tmp_path / "d")), state=tmp_path / "d.db")
    assert dropped.created == 5
    assert all(any("alice" in loss for loss in p.losses) for p in dropped.posts)

    # a local folder's authors are plain names, not accounts: the default keeps them, with no loss
    folder = FilesBackend(tmp_path / "f")
    copied = migrate(source, folder, state=tmp_path / "f.db")
    assert copied.created == 5 and all(not p.losses for p in copied.posts)
    assert {f.post.authors for f in folder.list()} == {("alice",)}


def test_the_target_s_losses_are_in_the_report(source: FilesBackend, tmp_path: Path) -> None:
    source.update("post-1", source.get("post-1").post.replace(categories=("World",)))
    report = migrate(source, FilesBackend(tmp_path / "h", format="html"), state=tmp_path / "s.db")
    losses = {p.source_id: p.losses for p in report.posts}
    assert any("categories" in loss for loss in losses["post-1"])
    assert not any("categories" in loss for loss in losses["post-2"])
    data = json.loads(report.to_json())
    assert data["counts"] == {"created": 5, "updated": 0, "skipped": 0, "failed": 0}
    assert data["posts"][0]["losses"] == report.posts[0].losses


def test_dry_run_limit_and_filters(source: FilesBackend, target: FilesBackend, tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    source.update("post-5", source.get("post-5").post.replace(status="draft"))
    dry = migrate(source, target, state=state, dry_run=True)
    assert dry.dry_run and dry.created == 5 and _titles(target) == []
    assert "(dry run)" in dry.to_text()

    batch = migrate(source, target, state=state, limit=2, status="publish")
    assert batch.created == 2 and len(_titles(target)) == 2
    rest = migrate(source, target, state=state, status="publish")
    assert (rest.created, rest.skipped) == (2, 2)
    assert "Post 5" not in _titles(target)


# --- the command line ----------------------------------------------------------------------------------


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cmsbridge.cli", *args], capture_output=True, text=True, timeout=120, cwd=cwd
    )


def test_cli_migrates_and_exits_by_outcome(source: FilesBackend, tmp_path: Path) -> None:
    args = (
        "migrate",
        "--from",
        f"files:{source.root}",
        "--to",
        f"files:{tmp_path / 'b'}",
        "--state",
        str(tmp_path / "state.db"),
    )
    done = run(*args, "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["counts"]["created"] == 5
    again = run(*args, cwd=tmp_path)
    assert again.returncode == 0 and "5 skipped" in again.stdout

    # a read-only target: refused before it starts, one line, exit 2 (issue 13)
    (tmp_path / "export.xml").write_text("<rss><channel></channel></rss>", encoding="utf-8")
    failed = run(
        "migrate",
        "--from",
        f"files:{source.root}",
        "--to",
        f"wxr:{tmp_path / 'export.xml'}",
        "--state",
        str(tmp_path / "state.db"),
        cwd=tmp_path,
    )
    assert failed.returncode == 2
    assert "read-only" in failed.stderr and len(failed.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("bad", [["--since", "yesterday"], ["--to", "nonsense://x"], ["--limit", "0"]])
def test_cli_bad_input_is_one_line_and_exit_2(source: FilesBackend, tmp_path: Path, bad: list[str]) -> None:
    args = {
        "--from": f"files:{source.root}",
        "--to": f"files:{tmp_path / 'b'}",
        "--state": str(tmp_path / "state.db"),
    }
    args.update({bad[0]: bad[1]})
    result = run("migrate", *[x for pair in args.items() for x in pair], cwd=tmp_path)
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "b").exists()


def test_media_copy_moves_images_to_the_target_once_and_reports_what_it_cannot(tmp_path: Path) -> None:
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "tanks.png").write_bytes(png(3, 2))
    (tmp_path / "www" / "lead.png").write_bytes(png(2, 2))
    source, target = FilesBackend(tmp_path / "a"), FilesBackend(tmp_path / "b")
    local = source.upload_media(str(tmp_path / "www" / "lead.png")).url  # the folder's own "media/lead.png"
    with serve(tmp_path / "www") as (web, hits):
        first = (Image(src=f"{web}/tanks.png", alt="Tanks"), Image(src=f"{web}/gone.png", alt="Gone"))
        source.create(_post(1, blocks=first, featured_image=f"{web}/lead.png"))
        gallery = (
            f'<!-- wp:gallery --><figure><a href="{web}/tanks.png"><img src="{web}/tanks.png" alt=""/></a>'
            f'<img src="{web}/lost.png" alt=""/></figure><!-- /wp:gallery -->'
        )
        raw = Raw(format="gutenberg", content=gallery)
        source.create(_post(2, blocks=(Image(src=f"{web}/tanks.png"), Image(src=local), raw)))
        kept = migrate(source, FilesBackend(tmp_path / "k"), state=tmp_path / "k.db")
        assert hits == {} and not any(p.losses for p in kept.posts)  # the default leaves images alone
        report = migrate(source, target, state=tmp_path / "s.db", media="copy")
        again = migrate(source, target, state=tmp_path / "s.db", media="copy")
    assert report.created == 2 and again.skipped == 2
    assert hits["/tanks.png"] == 1  # copied once, for both posts
    posts = {f.post.title: f.post for f in target.list()}
    one, two = posts["Post 1"], posts["Post 2"]
    assert [b.src for b in one.blocks if isinstance(b, Image)] == ["media/tanks.png", f"{web}/gone.png"]
    assert one.featured_image == "media/lead.png"
    assert [b.src for b in two.blocks if isinstance(b, Image)] == ["media/tanks.png", "media/lead.png"]
    assert (target.root / "media" / "tanks.png").read_bytes() == png(3, 2)
    assert (target.root / "media" / "lead.png").read_bytes() == png(2, 2)
    losses = {p.title: p.losses for p in report.posts}
    assert [m for m in losses["Post 1"] if "not copied" in m] == [
        f"migrate: image '{web}/gone.png' not copied (HTTP 404); the post still points to it"
    ]
    assert [m for m in losses["Post 2"] if "not copied" in m] == [
        f"migrate: image '{web}/lost.png' not copied (HTTP 404); the post still points to it"
    ]
    [copied_gallery] = [b for b in two.blocks if isinstance(b, Raw)]
    assert copied_gallery.content == gallery.replace(f"{web}/tanks.png", "media/tanks.png")


class KnownMedia(dict[str, tuple[str, str | None]]):
    """A media map in memory: source address -> (the copy's address, its id)."""

    def get(self, source: str) -> str | None:  # type: ignore[override]
        found = super().get(source)
        return found[0] if found else None

    def target_id(self, source: str) -> str | None:
        found = super().get(source)
        return found[1] if found else None

    def put(self, source: str, target: str, target_id: str | None = None) -> None:
        self[source] = (target, target_id)


def test_images_in_raw_markup_are_fetched_unescaped_and_replaced_escaped(tmp_path: Path) -> None:
    from cmsbridge.backends.media import copy_images

    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "tanks.png").write_bytes(png(3, 2))
    uploads: list[bytes] = []

    def upload(path: str) -> Media:
        uploads.append(Path(path).read_bytes())
        return Media(id="", url="https://new.example/up/tanks.png?v=1&x=2")

    with serve(tmp_path / "www") as (web, hits):
        raw = Raw(format="html", content=f'<p><img srcset="a 1x" src="{web}/tanks.png?w=3&amp;h=2"></p>')
        site = "https://new.example"
        known = KnownMedia()
        report = ConversionReport()
        post = copy_images(
            _post(1, blocks=(raw,)), upload=upload, target_site=site, known=known, report=report
        )
    assert hits == {"/tanks.png?w=3&h=2": 1}  # fetched unescaped
    assert uploads == [png(3, 2)] and list(known) == [f"{web}/tanks.png?w=3&h=2"]
    [block] = post.blocks
    assert isinstance(block, Raw)
    assert block.content == '<p><img srcset="a 1x" src="https://new.example/up/tanks.png?v=1&amp;x=2"></p>'
    assert report.messages() == ["migrate: srcset of 1 image(s) inside raw html content not rewritten"]
