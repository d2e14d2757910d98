"""`migrate` across real CMSs: a folder -> WordPress (REST) -> Ghost; a re-run resumes, duplicates nothing."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

import cmsbridge
from cmsbridge.backends.files import FilesBackend
from cmsbridge.migration.run import MigrationInterrupted, PostOutcome, migrate
from cmsbridge.model import Heading, Image, Paragraph, Post, Quote, Text
from tests.backend_wrappers import OnlyOurs
from tests.image_server import png, serve

pytestmark = [pytest.mark.wordpress, pytest.mark.ghost]


def _posts(token: str) -> list[Post]:
    return [
        Post(
            title=f"{token} story {n}",
            slug=f"{token}-story-{n}",
            status="publish",
            authors=("newsdesk",),
            categories=("World",),
            tags=("migration",),
            blocks=(
                Paragraph(inlines=(Text(text=f"Paragraph {n} — ünïcode"),)),
                Heading(level=2, inlines=(Text(text="Context"),)),
                Quote(paragraphs=(Paragraph(inlines=(Text(text="A quote"),)),), citation=(Text(text="X"),)),
            ),
        )
        for n in range(1, 5)
    ]


def test_folder_to_wordpress_to_ghost_resumes_without_duplicates(
    wordpress: dict[str, Any], ghost_site: str, tmp_path: Path
) -> None:
    token = f"mig{uuid.uuid4().hex[:10]}"
    folder = FilesBackend(tmp_path / "posts")
    originals = _posts(token)
    for post in originals:
        folder.create(post)
    wp = OnlyOurs(cmsbridge.connect(wordpress["users"]["editor"]["rest_site"]), token)
    ghost = OnlyOurs(cmsbridge.connect(ghost_site), token)
    state = tmp_path / "state.db"
    try:

        def stop_after_two(outcome: PostOutcome, seen: list[PostOutcome] = []) -> None:  # noqa: B006
            seen.append(outcome)
            if len(seen) == 2:
                raise KeyboardInterrupt

        with pytest.raises(MigrationInterrupted):
            migrate(folder, wp, state=state, progress=stop_after_two)
        to_wp = migrate(folder, wp, state=state)
        assert (to_wp.created, to_wp.skipped, to_wp.failed) == (2, 2, 0), to_wp.to_text()

        to_ghost = migrate(wp, ghost, state=state)
        assert (to_ghost.created, to_ghost.failed) == (4, 0), to_ghost.to_text()
        # Ghost has no categories; authors are dropped by default: both are reported per post
        for outcome in to_ghost.posts:
            assert any("categories" in loss for loss in outcome.losses)
            assert any("authors not migrated" in loss for loss in outcome.losses)

        again_wp = migrate(folder, wp, state=state)
        again_ghost = migrate(wp, ghost, state=state)
        assert (again_wp.skipped, again_wp.created, again_wp.updated) == (4, 0, 0)
        assert (again_ghost.skipped, again_ghost.created, again_ghost.updated) == (4, 0, 0)

        for site in (wp, ghost):
            got = {f.post.slug or "": f.post for f in site.list()}
            assert sorted(got) == sorted(p.slug or "" for p in originals)
            for post in originals:
                assert got[post.slug or ""].title == post.title
                assert got[post.slug or ""].blocks == post.blocks
    finally:
        for site in (wp, ghost):
            for fetched in list(site.list()):
                site.delete(fetched.ref, force=True)


def test_media_copy_rehosts_images_on_wordpress_and_ghost(
    wordpress: dict[str, Any], ghost_site: str, tmp_path: Path
) -> None:
    """A folder whose posts show images from another web site, migrated with ``media="copy"``: the
    images now live on WordPress and on Ghost, and the old addresses are gone from the posts. A re-run
    that updates the changed post uploads nothing again."""
    token = f"med{uuid.uuid4().hex[:10]}"
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / f"convoy-{token}.png").write_bytes(png(4, 4))
    (tmp_path / "www" / f"lead-{token}.png").write_bytes(png(6, 3))
    folder = FilesBackend(tmp_path / "posts")
    wp = OnlyOurs(cmsbridge.connect(wordpress["users"]["editor"]["rest_site"]), token)
    ghost = OnlyOurs(cmsbridge.connect(ghost_site), token)
    media = f"{wordpress['url']}/wp-json/wp/v2/media"
    auth = ("editor", wordpress["users"]["editor"]["app_password"])
    try:
        with serve(tmp_path / "www") as (web, hits):
            ref = folder.create(
                Post(
                    title=f"{token} pictures",
                    slug=f"{token}-pictures",
                    status="publish",
                    featured_image=f"{web}/lead-{token}.png",
                    blocks=(
                        Image(src=f"{web}/convoy-{token}.png", alt="Convoy", caption=(Text(text="AP"),)),
                    ),
                )
            )
            for site in (wp, ghost):
                report = migrate(folder, site, state=tmp_path / "state.db", media="copy")
                assert (report.created, report.failed) == (1, 0), report.to_text()
                assert not [m for m in report.posts[0].losses if "image" in m], report.posts[0].losses
            folder.update(ref, folder.get(ref).post.replace(title=f"{token} pictures, corrected"))
            for site in (wp, ghost):
                report = migrate(folder, site, state=tmp_path / "state.db", media="copy")
                assert (report.updated, report.failed) == (1, 0), report.to_text()
                assert not [m for m in report.posts[0].losses if "image" in m], report.posts[0].losses
            assert set(hits.values()) == {2}  # each image fetched once per site, not again on the re-run
        uploaded = requests.get(media, params={"search": token}, auth=auth, timeout=30).json()
        assert sorted(item["source_url"].rsplit("/", 1)[1] for item in uploaded) == [
            f"convoy-{token}.png",
            f"lead-{token}.png",
        ]
        # the image server is gone now: what the posts show must be served by the CMSs themselves
        for site, expected_host in ((wp, wordpress["url"]), (ghost, ghost.site)):
            (post,) = [f.post for f in site.list()]
            assert post.title == f"{token} pictures, corrected"
            (image,) = [b for b in post.blocks if isinstance(b, Image)]
            assert image.src.startswith(expected_host) and image.alt == "Convoy"
            assert requests.get(image.src, timeout=30).content == png(4, 4)
            assert post.featured_image is not None and post.featured_image.startswith(expected_host)
            assert requests.get(post.featured_image, timeout=30).content == png(6, 3)
    finally:
        for site in (wp, ghost):
            for fetched in list(site.list()):
                site.delete(fetched.ref, force=True)
