"""Images fetched from the web to be uploaded elsewhere: a featured image WordPress must hold in its own
media library, the images of a post being migrated (``migrate(media="copy")``).

Fetched without any site's credentials, with a timeout and a size cap; only ``image/*`` answers are kept.

Only ``http(s)`` addresses are fetched. A local file (a path or a ``file:`` URL, as an export, a post's
front matter or a server may name one) is read only inside the folders the user named for it
(:func:`local_media`): a ``files:`` source's own folder when migrating from it, ``--media-root DIR`` on
``migrate`` and ``publish``, and for ``publish FILE`` the folder of the post file given on the command
line. A backend reads none unless told (its ``media_roots``, empty by default). Anything else is reported
as a loss naming the image and left out: not uploaded, not copied.
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
import mimetypes
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable
from urllib.parse import unquote, urlsplit

from .. import http
from ..errors import CMSBridgeError, UsageError
from ..formats.wordpress.attachments import reattach, replace_img_src
from ..model import Block, Callout, Container, Details, Gallery, Image, Post, Raw
from ..report import ConversionReport
from .base import Media, Transport

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


def upload_file(path: str) -> tuple[str, bytes, str]:
    """A local file to upload: its name, its bytes and its media type (``application/octet-stream`` when the
    name tells none); a file that cannot be read is a :class:`~cmsbridge.errors.UsageError`."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc
    name = os.path.basename(path)
    return name, data, mimetypes.guess_type(name)[0] or "application/octet-stream"


MediaRoots = Sequence[str | os.PathLike[str]]
"""Folders inside which local image files may be read (see :func:`local_media`)."""


@runtime_checkable
class LocalMedia(Protocol):
    """A backend that uploads or copies local image files: only those inside ``media_roots`` (none by
    default), set by whoever named the folders (``--media-root``; see :func:`local_media`)."""

    media_roots: MediaRoots


def local_media(value: str | None, roots: MediaRoots) -> Path | None:
    """The regular file a local image address names, when it lies inside one of ``roots``; else None.

    The one place that decides whether a post's image may be read from this machine (to upload it, to
    copy it into a folder): a post, an export, a server's answer name images, and none of them may make
    cmsbridge send ``~/.ssh/id_rsa`` to a media library. ``value`` is a path or a ``file:`` URL; a relative
    one is taken relative to each root in turn (``~`` is not expanded). The file's real path (``..`` and
    symlinks resolved) must lie inside the root's real path, and be a regular file (no FIFO, no device)
    with a media file's extension (:data:`MEDIA_EXTENSIONS`) and no hidden folder or name on its way
    from the root: a post saved in a home folder does not make ``.ssh/id_rsa`` or ``.env`` an image.
    Web addresses, other schemes, and anything not found give None: nothing is read."""
    if not value or "\0" in value:
        return None
    if isinstance(roots, str | os.PathLike):  # one folder, not a sequence of one-letter folders
        roots = (roots,)
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    path = value
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            return None
        path = unquote(parts.path)
    elif parts.scheme:
        return None  # http:, data: and the like: not a local file
    for root in roots:
        try:
            top = os.path.realpath(root)
            found = os.path.realpath(os.path.join(top, path))
            if (
                os.path.commonpath((top, found)) == top
                and _is_media_name(os.path.relpath(found, top))
                and stat.S_ISREG(os.stat(found).st_mode)
            ):
                return Path(found)
        except (OSError, ValueError):
            continue
    return None


MEDIA_EXTENSIONS = frozenset(
    {
        *("apng", "avif", "bmp", "gif", "heic", "heif", "ico", "jpeg", "jpg", "png", "svg", "tif", "tiff"),
        *("webp", "m4v", "mov", "mp4", "ogv", "webm", "m4a", "mp3", "oga", "ogg", "wav"),
    }
)
"""The extensions of the local files :func:`local_media` reads (lower case, without the dot)."""


def _is_media_name(relative: str) -> bool:
    """Whether a path inside a root names a media file, through no hidden folder (``.ssh/``)."""
    parts = Path(relative).parts
    extension = os.path.splitext(relative)[1][1:].lower()
    return extension in MEDIA_EXTENSIONS and not any(part.startswith(".") for part in parts)


def local_refused(value: str, what: str = "image") -> str:
    """The loss reported for an image that is neither a web address nor a file :func:`local_media` allows
    (whether such a file exists is not said)."""
    return f"{what} {value!r} is not a web address nor a file in a folder named for media (--media-root)"


@contextlib.contextmanager
def fetched_image(url: str, transport: Transport | None = None) -> Iterator[str]:
    """The image at ``url`` in a temporary file (its name kept), removed when the block ends.

    Fetched through :mod:`cmsbridge.http` (``transport``'s deadline and session when given, redirects
    followed, no credentials) within :data:`IMAGE_TIMEOUT` seconds in all. Raises
    :class:`ImageUnavailable` when the answer is not a 200 image under :data:`MAX_IMAGE_BYTES`."""
    with tempfile.TemporaryDirectory(prefix="cmsbridge-image-") as folder:
        yield _download_image(url, folder, transport)


def _download_image(url: str, folder: str, transport: Transport | None = None) -> str:
    """Fetch the image at ``url`` into ``folder``; the file's path."""
    base = transport or Transport()
    images = dataclasses.replace(base, timeout=IMAGE_TIMEOUT, max_answer_bytes=MAX_IMAGE_BYTES)
    try:
        answer = http.request(images, "GET", url, site=url, service="the image's site", follow_redirects=True)
    except CMSBridgeError as exc:
        raise ImageUnavailable(exc.message) from None
    finally:
        if transport is None and images.session is not None:
            images.session.close()
    if answer.status != 200:
        raise ImageUnavailable(f"HTTP {answer.status}")
    kind = answer.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if not kind.startswith("image/"):
        raise ImageUnavailable(f"not an image: {kind or 'no content type'}")
    data = answer.body
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
    folder's ``media/...``), and must only name files :func:`local_media` allows; any other local address
    is reported and not copied. Images already on the target, and those copied before (``known``), are not
    uploaded again. An image that cannot be fetched or uploaded is reported and keeps its address.

    ``attachment_ids`` (a WordPress target): the WordPress markup that comes along (an image block's
    source markup, a gallery) gets the ids of the copies in the target's media library instead of the
    source site's (:mod:`cmsbridge.formats.wordpress.attachments`)."""
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
                if not is_web_address(src):
                    report.warn("migrate", f"{local_refused(src)}; not copied, the post still points to it")
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

    def rehost_block(block: Block) -> Block:
        if isinstance(block, Image):
            return rehost_image(block)
        if isinstance(block, Raw):
            return rehost_raw(block)
        if isinstance(block, Gallery):  # and the blocks that hold blocks: their images too
            return block.model_copy(update={"images": tuple(rehost_image(i) for i in block.images)})
        if isinstance(block, Container | Details | Callout):
            return block.model_copy(update={"blocks": tuple(rehost_block(b) for b in block.blocks)})
        return block

    blocks = tuple(rehost_block(block) for block in post.blocks)
    image = rehost(post.featured_image) if featured and post.featured_image else post.featured_image
    return post.replace(blocks=blocks, featured_image=image)
