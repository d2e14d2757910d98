"""Local files never leave the machine unless the user named their folder (issue 13, "Local files leave
the machine"): a featured image naming a local path (a WXR ``attachment_url``, a Markdown or JSON
``featured_image``, a Ghost ``feature_image``) is uploaded or copied only from inside a ``files:`` source's
folder, ``--media-root`` or the folder of the post file given to ``publish``; anything else is reported.

The WordPress and Ghost targets are simulated with ``responses``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import responses

from cmsbridge.backends.files import FilesBackend
from cmsbridge.backends.ghost import GhostAdmin
from cmsbridge.backends.wordpress_rest import WordPressREST
from cmsbridge.backends.wxr_file import WXRFileBackend
from cmsbridge.formats.wordpress import wxr
from cmsbridge.migration.run import migrate
from cmsbridge.model import Paragraph, Post, Text
from cmsbridge.report import ConversionReport

from .image_server import png

SECRET = b"-----BEGIN OPENSSH PRIVATE KEY-----\nnot really\n"
PHOTO = png(2, 2)
WP = "https://news.example.com"
GHOST = "https://blog.example.com"
GHOST_KEY = ("6b061a3fabc0e45513b71f67", "68467e3660d58d487d4a65619039544d7d4fd402b81be49f75036991bbbee4cc")


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A private key outside every folder named for media."""
    key = tmp_path / "home" / ".ssh" / "id_rsa"
    key.parent.mkdir(parents=True)
    key.write_bytes(SECRET)
    return key


@pytest.fixture
def root(tmp_path: Path, secret: Path) -> Path:
    """An export's media folder: a real image, a symlink out of it to the secret, and a FIFO."""
    folder = tmp_path / "export"
    (folder / "uploads").mkdir(parents=True)
    (folder / "uploads" / "photo.png").write_bytes(PHOTO)
    (folder / "uploads" / "key.png").symlink_to(secret)
    os.mkfifo(folder / "uploads" / "pipe.png")
    return folder


def export(tmp_path: Path, featured: str) -> WXRFileBackend:
    """A WordPress export of one post whose featured image is the attachment at ``featured``."""
    placeholder = "/featured-placeholder.png"  # cmsbridge's own WXR writer leaves a file: URL out
    post = Post(title="Leak", featured_image=placeholder, blocks=(Paragraph(inlines=(Text(text="Hi."),)),))
    path = tmp_path / "export.xml"
    path.write_text(
        wxr.write_all([post], ConversionReport()).replace(placeholder, featured), encoding="utf-8"
    )
    return WXRFileBackend(path)


def files_in(folder: Path) -> list[bytes]:
    return [p.read_bytes() for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def named_in_a_loss(value: str, losses: list[str]) -> bool:
    return any(repr(value) in m and "--media-root" in m for m in losses)


# --- the one decision ---------------------------------------------------------------------------------


def test_local_media_allows_only_regular_files_inside_a_root(root: Path, secret: Path) -> None:
    from cmsbridge.backends.media import local_media

    photo = (root / "uploads" / "photo.png").resolve()
    assert local_media("uploads/photo.png", [root]) == photo
    assert local_media(str(photo), [root]) == photo
    assert local_media(photo.as_uri(), [root]) == photo
    assert local_media("uploads/photo.png", [root / "nowhere", root]) == photo  # each root in turn
    for refused in (
        "uploads/photo.png",  # no root named: nothing local is read
        str(secret),
    ):
        assert local_media(refused, []) is None
    for refused in (
        str(secret),  # outside
        secret.as_uri(),
        f"file:{secret}",
        "../home/.ssh/id_rsa",  # .. out of the root
        "uploads/../../home/.ssh/id_rsa",
        "uploads/key.png",  # a symlink out of the root
        "uploads/pipe.png",  # inside, but a FIFO (reading it would hang)
        "uploads",  # a folder
        "/dev/zero",
        "~/.ssh/id_rsa",
        "https://example.com/uploads/photo.png",
        "data:image/png;base64,AAAA",
        "file://otherhost/uploads/photo.png",
        "uploads/photo.png\0",
        "",
    ):
        assert local_media(refused, [root]) is None, refused
    assert local_media(None, [root]) is None
    assert local_media("uploads/photo.png", str(root)) == photo  # one folder given as a string
    assert local_media(str(secret), str(root)) is None  # ... is not the folders "/", "t", "m", "p"...


def test_a_root_that_holds_private_files_lends_only_its_media(tmp_path: Path) -> None:
    """A post saved in a home folder (``publish ~/post.md`` names that folder) must not make the keys,
    dotfiles and documents beside it images: only media files, through no hidden folder."""
    from cmsbridge.backends.media import local_media

    home = tmp_path / "home"
    for name in (".ssh/id_rsa", ".ssh/key.png", ".env", ".cache/x.png", "notes.txt", "id_rsa", "photo.png"):
        (home / name).parent.mkdir(parents=True, exist_ok=True)
        (home / name).write_bytes(SECRET if name != "photo.png" else PHOTO)
    (home / "alias.png").symlink_to(home / ".ssh" / "id_rsa")
    for refused in (
        ".ssh/id_rsa",
        ".ssh/key.png",
        ".env",
        ".cache/x.png",
        "notes.txt",
        "id_rsa",
        "alias.png",
    ):
        assert local_media(refused, [home]) is None, refused
        assert local_media(str(home / refused), [home]) is None, refused
    assert local_media("photo.png", [home]) == (home / "photo.png").resolve()
    hidden_root = tmp_path / ".config" / "site"  # the root itself may lie anywhere
    hidden_root.mkdir(parents=True)
    (hidden_root / "photo.JPG").write_bytes(PHOTO)
    assert local_media("photo.JPG", [hidden_root]) == (hidden_root / "photo.JPG").resolve()


# --- migrate: a WXR attachment_url --------------------------------------------------------------------


@pytest.mark.parametrize("media", ["keep", "copy"])
@pytest.mark.parametrize("where", ["secret", "/etc/passwd"])
def test_wxr_featured_image_outside_any_root_is_not_copied_into_a_folder(
    tmp_path: Path, secret: Path, where: str, media: str
) -> None:
    featured = str(secret) if where == "secret" else where
    target = FilesBackend(tmp_path / "site")
    report = migrate(export(tmp_path, featured), target, state=tmp_path / "s.db", media=media)  # type: ignore[arg-type]
    assert report.created == 1, report.to_text()
    assert files_in(target.root / "media") == []
    assert named_in_a_loss(featured, report.posts[0].losses), report.posts[0].losses


def test_markdown_source_escaping_its_folder_is_not_copied(
    tmp_path: Path, secret: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A files: source's folder counts, but ``..`` and symlinks out of it do not (wherever one runs)."""
    source = tmp_path / "posts"
    source.mkdir()
    (source / "key.png").symlink_to(secret)
    for n, featured in enumerate(["../home/.ssh/id_rsa", "key.png", str(secret)]):
        (source / f"p{n}.md").write_text(
            f"---\ntitle: Post {n}\nstatus: draft\nfeatured_image: {featured}\n---\n\nText.\n",
            encoding="utf-8",
        )
    monkeypatch.chdir(source)  # relative to here too, nothing escapes
    target = FilesBackend(tmp_path / "site")
    report = migrate(FilesBackend(source), target, state=tmp_path / "s.db")
    assert report.created == 3, report.to_text()
    assert SECRET not in files_in(target.root)
    losses = [m for p in report.posts for m in p.losses]
    for featured in ["../home/.ssh/id_rsa", "key.png", str(secret)]:
        assert named_in_a_loss(featured, losses), (featured, losses)


def test_a_file_inside_the_media_root_is_still_copied(tmp_path: Path, root: Path) -> None:
    for featured, folder in ((str(root / "uploads" / "photo.png"), "a"), ("uploads/photo.png", "b")):
        target = FilesBackend(tmp_path / folder)
        report = migrate(
            export(tmp_path, featured), target, state=tmp_path / f"{folder}.db", media_roots=[root]
        )
        assert report.created == 1 and report.posts[0].losses == [], report.to_text()
        assert files_in(target.root / "media") == [PHOTO]
        assert target.media_roots == ()  # the target reads the roots only while migrating


def test_cli_migrate_reads_local_images_only_inside_media_root(tmp_path: Path, root: Path) -> None:
    source = f"wxr:{export(tmp_path, 'uploads/photo.png').path}"

    def run(target: str, *more: str) -> subprocess.CompletedProcess[str]:
        sites = ["--from", source, "--to", f"files:{target}", "--state", str(tmp_path / f"{target}.db")]
        return subprocess.run(
            [sys.executable, "-m", "cmsbridge.cli", "migrate", *sites, "--json", *more],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=root,  # the export's folder is not named: it does not count
        )

    without = run(str(tmp_path / "a"))
    assert without.returncode == 0, without.stderr
    assert named_in_a_loss("uploads/photo.png", json.loads(without.stdout)["posts"][0]["losses"])
    assert files_in(tmp_path / "a" / "media") == []
    named = run(str(tmp_path / "b"), "--media-root", str(root))
    assert named.returncode == 0 and json.loads(named.stdout)["posts"][0]["losses"] == [], named.stdout
    assert files_in(tmp_path / "b" / "media") == [PHOTO]
    missing = run(str(tmp_path / "c"), "--media-root", str(tmp_path / "nope"))
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "c").exists()


# --- migrate to WordPress and Ghost (simulated) -----------------------------------------------------


def wordpress_fake(calls: responses.RequestsMock) -> None:
    def created(request: Any) -> tuple[int, dict[str, str], str]:
        sent = json.loads(request.body)
        body = {"id": 5, "link": f"{WP}/?p=5", "content": {"raw": sent["content"]}}
        return 201, {"Content-Type": "application/json"}, json.dumps(body)

    calls.add_callback(responses.POST, f"{WP}/wp-json/wp/v2/posts", callback=created)
    calls.add(responses.POST, f"{WP}/wp-json/wp/v2/media", json={"id": 9, "source_url": f"{WP}/up/x.png"})


def ghost_fake(calls: responses.RequestsMock) -> None:
    def created(request: Any) -> tuple[int, dict[str, str], str]:
        sent = json.loads(request.body)["posts"][0]
        body = {"id": "0123456789abcdef01234567", "url": f"{GHOST}/leak/", "status": "draft", **sent}
        return 201, {"Content-Type": "application/json"}, json.dumps({"posts": [body]})

    api = f"{GHOST}/ghost/api/admin"
    calls.add_callback(responses.POST, re.compile(re.escape(f"{api}/posts/")), callback=created)
    calls.add(responses.POST, f"{api}/images/upload/", json={"images": [{"url": f"{GHOST}/i/x.png"}]})


def uploads(calls: responses.RequestsMock) -> list[bytes]:
    """The bodies of the uploads the fake received."""
    sent = [c.request for c in calls.calls if re.search(r"/media$|/images/upload/$", c.request.url or "")]
    return [body.encode() if isinstance(body := r.body or b"", str) else bytes(body) for r in sent]


def sent_post(calls: responses.RequestsMock) -> dict[str, Any]:
    for call in calls.calls:
        if call.request.url and "posts" in call.request.url and call.request.method == "POST":
            body = json.loads(call.request.body or "{}")
            return dict(body["posts"][0] if "posts" in body else body)
    raise AssertionError("no post was created")


TARGETS = {
    "wordpress": (lambda: WordPressREST(WP, "editor", "pw", api="wp-json"), wordpress_fake),
    "ghost": (lambda: GhostAdmin(GHOST, *GHOST_KEY), ghost_fake),
}


@pytest.mark.parametrize("system", sorted(TARGETS))
@pytest.mark.parametrize("form", ["path", "file:"])
def test_wxr_featured_image_outside_any_root_is_not_uploaded(
    tmp_path: Path, secret: Path, system: str, form: str
) -> None:
    featured = str(secret) if form == "path" else f"file:{secret}"
    connect, fake = TARGETS[system]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as calls:
        fake(calls)
        report = migrate(export(tmp_path, featured), connect(), state=tmp_path / "s.db")
        assert report.created == 1, report.to_text()
        assert uploads(calls) == []
        post = sent_post(calls)
    assert "featured_media" not in post and "feature_image" not in post
    assert named_in_a_loss(featured, report.posts[0].losses), report.posts[0].losses


@pytest.mark.parametrize("system", sorted(TARGETS))
def test_a_post_published_with_a_local_featured_image_is_not_uploaded(
    tmp_path: Path, secret: Path, system: str
) -> None:
    """The library reads no local file unless told which folders it may (``media_roots``)."""
    connect, fake = TARGETS[system]
    report = ConversionReport()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as calls:
        fake(calls)
        connect().create(Post(title="Leak", featured_image=str(secret)), report=report)
        assert uploads(calls) == []
    assert named_in_a_loss(str(secret), report.messages())


def test_ghost_feature_image_naming_a_local_file_is_not_copied(tmp_path: Path, secret: Path) -> None:
    """A Ghost site (or whatever answers as one) whose post's ``feature_image`` is a local path."""
    answer = {
        "posts": [{"id": "0123456789abcdef01234567", "title": "Leak", "feature_image": str(secret)}],
        "meta": {"pagination": {"next": None}},
    }
    target = FilesBackend(tmp_path / "site")
    with responses.RequestsMock() as calls:
        calls.add(responses.GET, re.compile(re.escape(f"{GHOST}/ghost/api/admin/posts/")), json=answer)
        calls.add(responses.GET, f"{GHOST}/ghost/api/admin/pages/", json={"pages": []})  # listed too
        report = migrate(GhostAdmin(GHOST, *GHOST_KEY), target, state=tmp_path / "s.db")
    assert report.created == 1, report.to_text()
    assert SECRET not in files_in(target.root)
    assert named_in_a_loss(str(secret), report.posts[0].losses), report.posts[0].losses


@pytest.mark.parametrize("system", sorted(TARGETS))
def test_a_file_inside_the_media_root_is_still_uploaded(tmp_path: Path, root: Path, system: str) -> None:
    connect, fake = TARGETS[system]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as calls:
        fake(calls)
        report = migrate(
            export(tmp_path, "uploads/photo.png"), connect(), state=tmp_path / "s.db", media_roots=[root]
        )
        assert report.created == 1 and report.posts[0].losses == [], report.to_text()
        sent = uploads(calls)
        post = sent_post(calls)
    assert len(sent) == 1 and PHOTO in sent[0]
    assert post.get("featured_media") == 9 or post.get("feature_image") == f"{GHOST}/i/x.png"


# --- publish FILE: the post file's folder and --media-root ------------------------------------------


def publish(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cmsbridge.cli", "publish", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


@pytest.mark.parametrize("kind", ["md", "json"])
def test_publish_does_not_copy_a_featured_image_outside_the_posts_folder(
    tmp_path: Path, secret: Path, kind: str
) -> None:
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    (drafts / "key.png").symlink_to(secret)
    for n, featured in enumerate([str(secret), "../home/.ssh/id_rsa", "key.png"]):
        post = drafts / f"post{n}.{kind}"
        if kind == "md":
            post.write_text(f"---\ntitle: Leak\nfeatured_image: {featured}\n---\n\nText.\n", encoding="utf-8")
        else:
            post.write_text(json.dumps({"title": "Leak", "featured_image": featured, "blocks": []}))
        done = publish(post.name, "--site", f"files:{tmp_path / 'site'}", cwd=drafts)
        assert done.returncode == 0, done.stderr
        assert repr(featured) in done.stderr and "--media-root" in done.stderr
    assert SECRET not in files_in(tmp_path / "site")


def test_publish_copies_from_the_posts_folder_and_the_media_root(tmp_path: Path, root: Path) -> None:
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    (drafts / "lead.png").write_bytes(png(3, 1))
    (drafts / "a.md").write_text("---\ntitle: A\nfeatured_image: lead.png\n---\n\nText.\n", encoding="utf-8")
    (drafts / "b.md").write_text(
        f"---\ntitle: B\nfeatured_image: {root / 'uploads' / 'photo.png'}\n---\n\nText.\n", encoding="utf-8"
    )
    site = f"files:{tmp_path / 'site'}"
    for args in (["drafts/a.md"], ["drafts/b.md", "--media-root", str(root)]):
        done = publish(*args, "--site", site, cwd=tmp_path)
        assert done.returncode == 0 and done.stderr == "", done.stderr
    assert sorted(files_in(tmp_path / "site" / "media")) == sorted([png(3, 1), PHOTO])
    missing = publish("drafts/a.md", "--site", site, "--media-root", str(tmp_path / "nope"), cwd=tmp_path)
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1
