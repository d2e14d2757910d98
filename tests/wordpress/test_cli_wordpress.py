"""The command line against the real WordPress: publish, get, list, delete, and media.

Issue 3's acceptance: `cmsbridge publish examples/south-ossetia-liveblog.txt --site wordpress+http://...`
creates a post whose stored content WordPress's own parser reads into the same blocks that
`cmsbridge convert` printed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

import cmsbridge
from tests import php_oracle
from tests.image_server import png, serve

pytestmark = pytest.mark.wordpress
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "south-ossetia-liveblog.txt"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cmsbridge.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _stored_content(wordpress: dict[str, Any], post_id: str) -> str:
    admin = wordpress["users"]["admin"]
    answer = requests.get(
        f"{wordpress['url']}/?rest_route=/wp/v2/posts/{post_id}",
        params={"context": "edit"},
        auth=(admin["user"], admin["app_password"]),
        timeout=30,
    )
    answer.raise_for_status()
    return str(answer.json()["content"]["raw"])


@pytest.mark.parametrize("transport", ["rest", "xmlrpc"])
def test_publish_stores_what_convert_prints(wordpress: dict[str, Any], transport: str) -> None:
    reason = php_oracle.missing()
    if reason is not None:
        pytest.skip(reason)
    site = wordpress["users"]["admin"][f"{transport}_site"]
    published = cli("publish", str(EXAMPLE), "--site", site, "--status", "publish", "--json")
    assert published.returncode == 0, published.stderr
    assert "Traceback" not in published.stderr
    created = json.loads(published.stdout)
    assert set(created) >= {"id", "link"}
    assert "app_password" not in published.stdout and wordpress["users"]["admin"]["app_password"] not in (
        published.stdout + published.stderr
    )

    converted = cli("convert", str(EXAMPLE), "--from", "text", "--to", "gutenberg")
    assert converted.returncode == 0, converted.stderr
    stored, printed = php_oracle.run(
        [_stored_content(wordpress, str(created["id"])), converted.stdout], serialize=False
    )
    assert stored["parse"] == printed["parse"]

    got = cli("get", str(created["id"]), "--site", site, "--to", "text")
    assert got.returncode == 0, got.stderr
    original = cmsbridge.read(EXAMPLE.read_text("utf-8"), "text")
    assert cmsbridge.read(got.stdout, "text").blocks == original.blocks
    listed = cli("list", "--site", site)
    assert listed.returncode == 0 and str(created["id"]) in listed.stdout
    deleted = cli("delete", str(created["id"]), "--site", site, "--force")
    assert deleted.returncode == 0, deleted.stderr
    missing = cli("get", str(created["id"]), "--site", site)
    assert missing.returncode != 0 and len(missing.stderr.strip().splitlines()) == 1
    assert "Traceback" not in missing.stderr


@pytest.mark.parametrize("transport", ["rest", "xmlrpc"])
def test_featured_image_is_uploaded_from_a_local_file(
    wordpress: dict[str, Any], transport: str, tmp_path: Path
) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(png(4, 3))
    backend = cmsbridge.connect(wordpress["users"]["editor"][f"{transport}_site"])
    backend.media_roots = (tmp_path,)  # type: ignore[attr-defined]  # local files only from folders named
    post = cmsbridge.read("With a picture\n\nText.\n", "text").replace(featured_image=str(image))
    ref = backend.create(post)
    try:
        url = backend.get(ref).post.featured_image
        assert url is not None and url.startswith("http")
        assert requests.get(url, timeout=30).content == image.read_bytes()
        # A post read back and saved again keeps its image: over REST it is found in the media library
        # by its address (nothing uploaded twice); XML-RPC cannot look it up, says so and leaves it as is.
        report = cmsbridge.ConversionReport()
        backend.update(ref, backend.get(ref).post.replace(title="Retitled"), report=report)
        assert backend.get(ref).post.featured_image == url
        assert [("already on this site" in m) for m in report.messages()] == (
            [] if transport == "rest" else [True]
        )
    finally:
        backend.delete(ref, force=True)


@pytest.fixture
def image_host(tmp_path: Path) -> Iterator[str]:
    """Another web site serving images (a Ghost post's feature image, say), on loopback."""
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "Front Page.png").write_bytes(png(5, 2))
    (tmp_path / "www" / "page.html").write_text("<p>not an image</p>")
    with serve(tmp_path / "www") as (url, _):
        yield url


@pytest.mark.parametrize("transport", ["rest", "xmlrpc"])
def test_featured_image_on_another_site_is_fetched_and_uploaded(
    wordpress: dict[str, Any], transport: str, image_host: str
) -> None:
    backend = cmsbridge.connect(wordpress["users"]["editor"][f"{transport}_site"])
    post = cmsbridge.read("Moved from Ghost\n\nText.\n", "text")
    report = cmsbridge.ConversionReport()
    ref = backend.create(post.replace(featured_image=f"{image_host}/Front%20Page.png"), report=report)
    missing = [f"{image_host}/gone.png", f"{image_host}/page.html"]  # a 404, and a page that is no image
    refs = [ref]
    try:
        assert not report, report.messages()
        url = backend.get(ref).post.featured_image
        assert url is not None and url.startswith(wordpress["url"])  # now on WordPress itself
        assert requests.get(url, timeout=30).content == png(5, 2)
        for address in missing:
            lost = cmsbridge.ConversionReport()
            refs.append(backend.create(post.replace(featured_image=address), report=lost))
            assert backend.get(refs[-1]).post.featured_image is None
            assert [address in m and "could not be fetched" in m for m in lost.messages()] == [True]
    finally:
        for each in refs:
            backend.delete(each, force=True)
