"""Images fetched from the web to be uploaded elsewhere: a featured image WordPress must hold in its own
media library, the images of a post being migrated (``migrate(media="copy")``).

Fetched without any site's credentials, with a timeout and a size cap; only ``image/*`` answers are kept.
"""

from __future__ import annotations

import contextlib
import html
import mimetypes
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from typing import Protocol
from urllib.parse import unquote, urlsplit

import requests

from .backends.base import Media
from .errors import CMSBridgeError
from .formats.wordpress_attachments import reattach, replace_img_src
from .model import Image, Post, Raw
from .report import ConversionReport

MAX_IMAGE_BYTES = 50 * 1024 * 1024
IMAGE_TIMEOUT = 30.0
_IMG_SRC = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*["'](https?://[^"']+)["']""", re.IGNORECASE)
_SRCSET = re.compile(r"""<img\b[^>]*?\ssrcset\s*=""", re.IGNORECASE)


class ImageUnavailable(Exception):
    """The image could not be fetched; the message says why (reported as a loss, never raised to users)."""


def is_web_address(value: str | None) -> bool:
    parts = urlsplit(value or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def same_host(url: str, site: str) -> bool:
    return urlsplit(url).netloc.rpartition("@")[2] == urlsplit(site).netloc.rpartition("@")[2]


@contextlib.contextmanager
def fetched_image(url: str) -> Iterator[str]:
    """The image at ``url`` in a temporary file (its name kept), removed when the block ends.

    Raises :class:`ImageUnavailable` when the answer is not a 200 image under :data:`MAX_IMAGE_BYTES`."""
    with tempfile.TemporaryDirectory(prefix="cmsbridge-image-") as folder:
        yield _download_image(url, folder)


def _download_image(url: str, folder: str) -> str:
    """Fetch the image at ``url`` into ``folder``; the file's path."""
    try:
        with requests.get(url, stream=True, timeout=IMAGE_TIMEOUT) as response:
            if response.status_code != 200:
                raise ImageUnavailable(f"HTTP {response.status_code}")
            kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if not kind.startswith("image/"):
                raise ImageUnavailable(f"not an image: {kind or 'no content type'}")
            data = bytearray()
            for chunk in response.iter_content(64 * 1024):
                data += chunk
                if len(data) > MAX_IMAGE_BYTES:
                    raise ImageUnavailable(f"larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB")
    except requests.RequestException as exc:
        raise ImageUnavailable(type(exc).__name__) from None
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", unquote(os.path.basename(urlsplit(url).path))).strip(".-")
    stem, extension = os.path.splitext(name or "image")
    if mimetypes.guess_type(f"x{extension}")[0] != kind:
        extension = mimetypes.guess_extension(kind) or ""
    path = os.path.join(folder, f"{stem or 'image'}{extension}")
    with open(path, "wb") as handle:
        handle.write(bytes(data))
    return path


class MediaMap(Protocol):
    """Where images already copied to a site went: a source address -> the address on the target (and
    the id of the copy there, when the site gave one)."""

    def get(self, source: str) -> str | None: ...

    def target_id(self, source: str) -> str | None: ...

    def put(self, source: str, target: str, target_id: str | None = None) -> None: ...


def copy_images(
    post: Post,
    *,
    upload: Callable[[str], Media],
    target_site: str,
    known: MediaMap,
    report: ConversionReport,
    local: Callable[[str], str | None] = lambda src: None,
    featured: bool = True,
    attachment_ids: bool = False,
) -> Post:
    """``post`` with its images (image blocks, ``<img src>`` inside raw markup such as galleries, and the
    featured image when ``featured``) uploaded with ``upload(path) -> Media`` and pointing at their new
    address.

    Images on the web are fetched; ``local(src)`` names the file of an image given by a local address (a
    folder's ``media/...``). Images already on the target, and those copied before (``known``), are not
    uploaded again. An image that cannot be fetched or uploaded is reported and keeps its address.

    ``attachment_ids`` (a WordPress target): the WordPress markup that comes along (an image block's
    source markup, a gallery) gets the ids of the copies in the target's media library instead of the
    source site's (:mod:`cmsbridge.formats.wordpress_attachments`)."""
    new_ids: dict[str, str] = {}  # a copy's address -> its id on the target

    def rehost(src: str) -> str:
        copied = known.get(src)
        if copied is not None:
            copied_id = known.target_id(src) if attachment_ids else None  # a second query only if used
            if copied_id:
                new_ids[copied] = copied_id
            return copied
        path = None if is_web_address(src) else local(src)
        try:
            if path is not None:
                media = upload(path)
            elif is_web_address(src) and not same_host(src, target_site):
                with fetched_image(src) as fetched:
                    media = upload(fetched)
            else:
                return src
        except (ImageUnavailable, CMSBridgeError) as exc:
            report.warn("migrate", f"image {src!r} not copied ({exc}); the post still points to it")
            return src
        known.put(src, media.url, media.id or None)
        if media.id:
            new_ids[media.url] = media.id
        return media.url

    def rehost_image(block: Image) -> Image:
        new = rehost(block.src)
        if new == block.src:
            return block
        origin = block.origin
        if attachment_ids and origin is not None and origin.format == "gutenberg" and new in new_ids:
            markup = reattach(replace_img_src(origin.markup, block.src, new), {new: new_ids[new]})
            return block.model_copy(
                update={"src": new, "origin": origin.model_copy(update={"markup": markup})}
            )
        return block.model_copy(update={"src": new})

    def rehost_raw(block: Raw) -> Raw:
        """Markup kept verbatim: each ``<img src>`` on the web copied and its address replaced where it
        is written (the same address in a link to the full image goes along)."""
        content = block.content
        moved: dict[str, str] = {}
        for written in dict.fromkeys(_IMG_SRC.findall(block.content)):
            source = html.unescape(written)
            if same_host(source, target_site):
                continue
            new = rehost(source)
            if new != source:
                content = content.replace(written, html.escape(new, quote=True))
                if new in new_ids:
                    moved[new] = new_ids[new]
        if attachment_ids and moved and block.format in ("gutenberg", "html"):
            stale: list[str] = []
            content = reattach(content, moved, stale)
            for name in dict.fromkeys(stale):
                report.warn(
                    "migrate",
                    f"image ids inside {name} (raw {block.format} content) left as the source site's",
                )
        left = len(_SRCSET.findall(content))
        if left:
            report.warn(
                "migrate",
                f"srcset of {left} image(s) inside raw {block.format} content not rewritten",
            )
        return block if content == block.content else block.model_copy(update={"content": content})

    blocks = tuple(
        rehost_image(block)
        if isinstance(block, Image)
        else rehost_raw(block)
        if isinstance(block, Raw)
        else block
        for block in post.blocks
    )
    image = rehost(post.featured_image) if featured and post.featured_image else post.featured_image
    return post.replace(blocks=blocks, featured_image=image)
