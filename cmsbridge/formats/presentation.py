"""What a block's source markup held beyond the model, reported when another format is written.

A reader keeps each block's source markup as its :class:`~cmsbridge.model.Origin`, so the same format's
writer writes the block back with everything the model does not hold: a WordPress paragraph's alignment
and colours, a heading's class, a Ghost paragraph's alignment and indent. Another format's writer cannot,
and :func:`report_presentation` records one loss per such block (pandoc's rule: losses are warnings in the
conversion report, never silent). A block the model holds only as its source markup (a raw WordPress block)
that comes back intact carried its attributes across, and is not reported (:mod:`.crossing` says which).

Attributes that carry no content outside WordPress are not reported: ids of the site's own media, image
size names and link settings that the model's image already expresses, the embed's provider settings,
and the markers' own attributes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ..model import Block, CodeBlock, Gallery, Post, Quote
from ..report import ConversionReport
from . import block_format

_QUIET = frozenset({"lock", "metadata", "id", "sizeSlug", "linkDestination", "opacity"})
"""WordPress attributes that say nothing a reader of another format would miss."""

_HELD: dict[str, frozenset[str]] = {
    "heading": frozenset({"level", "anchor"}),
    "list": frozenset({"ordered", "values", "start"}),
    "quote": frozenset({"citation", "value"}),
    "embed": frozenset({"url", "type", "providerNameSlug", "responsive", "className", "caption"}),
    "image": frozenset({"url", "alt", "caption", "href", "width", "height", "className"}),
    "update": frozenset({"anchor", "className", "level"}),
    "code_block": frozenset({"content", "language", "lang"}),
    "preformatted": frozenset({"content"}),
    "table": frozenset({"head", "body", "foot", "caption"}),
    "gallery": frozenset({"images", "ids", "columns", "caption", "linkTo"}),
    "audio": frozenset({"src", "caption"}),
    "video": frozenset({"src", "caption", "poster"}),
    "file": frozenset({"href", "fileName", "textLinkHref", "showDownloadButton", "downloadButtonText"}),
    "button": frozenset({"text", "url"}),
    "details": frozenset({"summary"}),
}
"""Per block type, the WordPress attributes the model holds."""


def _blocks(blocks: tuple[Block, ...]) -> Iterator[tuple[int, Block]]:
    for index, block in enumerate(blocks):
        yield index, block
        if isinstance(block, Quote):
            for paragraph in block.paragraphs:
                yield index, paragraph
        inner = block.images if isinstance(block, Gallery) else getattr(block, "blocks", ())
        for _, child in _blocks(inner):  # the blocks inside a gallery, container, details or callout
            yield index, child


def _gutenberg_lost(block: Block) -> list[str]:
    attrs = block.origin.attrs if block.origin is not None else None
    if not attrs:
        return []
    if block.type == "container":
        return []  # a container holds its WordPress attributes in the model (Container.attrs)
    held = _HELD.get(block.type, frozenset())
    if isinstance(block, CodeBlock) and _language_classes(attrs.get("className"), block.language):
        held |= {"className"}  # the code's language, which the model holds (core/code's usual class)
    return sorted(k for k in attrs if k not in held and k not in _QUIET)


def _language_classes(value: object, language: str | None) -> bool:
    """Whether a code block's ``className`` names only its language (``language-x``, ``lang-x``)."""
    if not isinstance(value, str) or not language:
        return False
    return set(value.split()) <= {f"language-{language}", f"lang-{language}"}


def _lexical_lost(block: Block) -> list[str]:
    if block.origin is None:
        return []
    try:
        nodes = json.loads(block.origin.markup)
    except ValueError:
        return []
    not_held = (block.origin.attrs or {}).get("not_held")  # what the Lexical reader named (link rel...)
    lost: set[str] = {str(name) for name in not_held} if isinstance(not_held, list) else set()
    for node in nodes if isinstance(nodes, list) else []:
        if not isinstance(node, dict):
            continue
        if node.get("format") and isinstance(node.get("format"), str):
            lost.add("alignment")
        if isinstance(node.get("indent"), int) and node["indent"] > 0:
            lost.add("indent")
    return sorted(lost)


_SOURCES = {"gutenberg": ("WordPress block attributes", _gutenberg_lost), "lexical": ("Ghost", _lexical_lost)}


def report_presentation(
    post: Post, fmt: str, report: ConversionReport, *, carried: frozenset[int] = frozenset()
) -> None:
    """Record, per block, the source presentation that writing ``post`` as ``fmt`` leaves out.

    ``carried``: indices of blocks whose source markup crossed verbatim (a raw block of its source
    format that came back intact), so their attributes crossed with them."""
    if fmt == "json":
        return  # the JSON form keeps the origins themselves
    written_as = block_format(fmt)
    for index, block in _blocks(post.blocks):
        origin = block.origin
        if origin is None or origin.format == written_as or origin.format not in _SOURCES:
            continue
        if index in carried:
            continue
        what, lost_in = _SOURCES[origin.format]
        lost = lost_in(block)
        if lost:
            report.warn(
                fmt,
                f"{fmt} cannot express the {what} {', '.join(lost)} of this {block.type.replace('_', ' ')};"
                " not written",
                index,
            )


__all__ = ["report_presentation"]
