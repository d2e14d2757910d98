"""WordPress attachment ids in block markup, pointed at the copies of their images on another site.

WordPress ties an image in a post to its media library entry three ways: the block's ``id`` attribute
(``mediaId`` in a media & text block, ``ids`` in an old gallery), the ``wp-image-ID`` class on the
``<img>``, and a gallery image's ``data-id``. When ``migrate --media copy`` uploads a post's images to
another WordPress, the ids it brings are the source site's: on the target they name nothing, or another
picture. :func:`reattach` gives each copied image the id of its copy, in all three places together, so
the block editor still finds the markup valid (its blocks write ``wp-image-ID`` from the id attribute)
and WordPress can add the image's other sizes (``srcset``) to the page.

Pure: markup in, markup out. Blocks are parsed and serialized with :mod:`cmsbridge.gutenberg`, so what
is not an image copied here comes back byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial
from typing import Any

from ... import gutenberg
from .html import set_tag_attr, tag_attrs

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_WP_IMAGE = re.compile(r"(?<![\w-])wp-image-(\d+)(?![\w-])")


def reattach(markup: str, ids: Mapping[str, str], left: list[str] | None = None) -> str:
    """``markup`` with the attachment ids of the images whose ``src`` is a key of ``ids`` (an address
    as written on the page, unescaped) set to the matching value (the id on the site the address is
    on). Images not in ``ids``, and ids that are not numbers, are left as they are.

    ``left`` gets the name of each block that holds such an image with an id but is not one this module
    knows (a plugin's block): its ids stay the source site's."""
    if not ids or "<img" not in markup.lower():
        return markup
    blocks = gutenberg.parse(markup)
    numeric = {src: int(new) for src, new in ids.items() if new.isdigit()}
    if not _walk(blocks, numeric, left if left is not None else []):
        return markup
    return gutenberg.serialize(blocks)


# Blocks whose markup and attributes this module knows to keep in step; None: classic HTML. Another
# block (a plugin's) may keep an image's id under a name of its own: its ids are left as they are, stale
# but consistent, rather than half changed (the editor would flag the block as invalid).
_KNOWN_BLOCKS = frozenset({None, "core/image", "core/cover", "core/media-text", "core/gallery"})


def _walk(blocks: list[gutenberg.ParsedBlock], ids: Mapping[str, int], left: list[str]) -> bool:
    changed = False
    for block in blocks:
        if _walk(block["innerBlocks"], ids, left):
            changed = True
        chunks = block["innerContent"]
        images = [c for c in chunks if isinstance(c, str) and "<img" in c.lower()]
        if not images:
            continue
        moved: dict[int, int] = {}
        if block["blockName"] not in _KNOWN_BLOCKS:
            for image in images:  # what would have moved, had the block been known
                _IMG.sub(partial(_retag, ids=ids, moved=moved), image)
            if moved:
                left.append(str(block["blockName"]))
            continue
        for index, chunk in enumerate(chunks):
            if isinstance(chunk, str) and "<img" in chunk.lower():
                chunks[index] = _IMG.sub(partial(_retag, ids=ids, moved=moved), chunk)
        if not moved:
            continue
        changed = True
        block["innerHTML"] = "".join(c for c in chunks if isinstance(c, str))
        attrs = block["attrs"]
        if isinstance(attrs, dict):
            _reattach_attrs(attrs, moved)
    return changed


def _retag(match: re.Match[str], ids: Mapping[str, int], moved: dict[int, int]) -> str:
    tag = match.group(0)
    attrs = tag_attrs(tag)
    new = ids.get(attrs.get("src", ""))
    if new is None:
        return tag
    classes = attrs.get("class", "")
    found = _WP_IMAGE.search(classes)
    old = int(found.group(1)) if found else None
    if found:
        tag = set_tag_attr(tag, "class", _WP_IMAGE.sub(f"wp-image-{new}", classes))
    data_id = attrs.get("data-id", "")
    if data_id.isdigit():
        old = int(data_id) if old is None else old
        tag = set_tag_attr(tag, "data-id", str(new))
    if old is not None:
        moved[old] = new
    return tag


_ID_ATTRIBUTES = ("id", "mediaId")  # image, cover; media & text (each writes wp-image-ID from it)


def _reattach_attrs(attrs: dict[str, Any], moved: Mapping[int, int]) -> None:
    """The block's own id and an old gallery's ``ids``, for the images whose tags moved."""
    for name in _ID_ATTRIBUTES:
        if type(attrs.get(name)) is int and attrs[name] in moved:
            attrs[name] = moved[attrs[name]]
    ids = attrs.get("ids")
    if isinstance(ids, list):
        attrs["ids"] = [moved.get(i, i) if type(i) is int else i for i in ids]


def replace_img_src(markup: str, old: str, new: str) -> str:
    """``markup`` with ``src`` of each ``<img>`` showing ``old`` (unescaped) set to ``new``; nothing else
    changes (a link to the full image keeps its address, as the block's ``link`` does)."""

    def swap(match: re.Match[str]) -> str:
        tag = match.group(0)
        return set_tag_attr(tag, "src", new) if tag_attrs(tag).get("src") == old else tag

    return _IMG.sub(swap, markup)
