"""WordPress block markup (Gutenberg) <-> the post model: the ``gutenberg`` format.

Reading: :func:`cmsbridge.gutenberg.parse` gives WordPress's own parse; core/paragraph, core/heading,
core/quote (v1 and v2), core/embed (and legacy ``core-embed/*``), core/list (v1 and v2), core/image and
core/separator become model blocks, and so do the blocks of :mod:`.blocks` (code, preformatted, table,
gallery, audio, video, file, a row of buttons as its buttons, pullquote, details, and group, columns,
column and cover as containers whose inner blocks keep their own origins), update-marker paragraphs and
headings become :class:`~cmsbridge.model.UpdateMarker` (see :mod:`.wordpress_markers`), and every other
block (or a mapped block holding something the model cannot express) becomes ``Raw(format="gutenberg")``
with its exact markup. Every block carries ``Origin(format="gutenberg", markup=..., attrs=...)``; the
origin markup also holds the whitespace-only freeform HTML that preceded the block (and, for the last
block, what followed it), so a document reads and writes back byte for byte.

Writing: a block whose content is what its origin reads as is written as its origin, byte for byte; a
changed block is rewritten from its origin keeping everything the model cannot express; a new block is
written exactly as the current block editor's ``serialize()`` writes it, top-level blocks joined by
``\\n\\n``. The markup holds the content only: title, status and other post fields travel beside it.
"""

from __future__ import annotations

import re

from ... import gutenberg
from ...limits import MAX_JSON_DEPTH, json_depth
from ...model import Block, Button, Inlines, Origin, Post, Raw, UpdateMarker
from ...report import ConversionReport
from .. import report_unwritten_fields
from ..attribution import report_unknown_sources
from ..html.inline import collect_notes, has_notes, notes_html, parse_fragment, resolve_notes, take_notes
from ..inert import make_inert
from . import blocks as rich
from . import writer
from .html import WS, block_spans, delimited, spans_match
from .reader import read_block

NAME = "gutenberg"

_EDGES = re.compile(rf"\A([{WS}]*)(.*?)([{WS}]*)\Z", re.DOTALL)


def _is_blank(text: str) -> bool:
    return not text.strip(WS)


def _notes_block(block: gutenberg.ParsedBlock) -> dict[str, Inlines] | None:
    """The notes of a core/html block that holds only a footnotes list (as :func:`write` writes them)."""
    if block["blockName"] != "core/html" or block["innerBlocks"]:
        return None
    html = block["innerHTML"].strip(WS)
    if not html.startswith('<ol class="wp-block-footnotes">'):
        return None
    container = parse_fragment(html)
    notes = take_notes(container)
    return notes if notes and len(container) == 0 and not (container.text or "").strip() else None


def read(data: str, report: ConversionReport) -> Post:
    """Read WordPress post content into a post (blocks only)."""
    parsed = gutenberg.parse(data)
    notes: dict[str, Inlines] = {}
    for block in parsed:
        found = _notes_block(block)
        if found is not None:
            notes.update(found)
        elif block["blockName"] == "core/footnotes":
            report.warn(
                NAME,
                "WordPress keeps the footnotes' text in the post meta 'footnotes', which block markup does"
                " not hold: the references are kept as markup",
            )
    with resolve_notes(notes):
        return _read(data, parsed, report)


def _read(data: str, parsed: list[gutenberg.ParsedBlock], report: ConversionReport) -> Post:
    pieces = block_spans(data)
    spans = [p for p in pieces or [] if p is not None]
    if (
        pieces is None
        or len(pieces) != len(parsed)
        or any((p is None) != (b["blockName"] is None) for p, b in zip(pieces, parsed, strict=True))
        or not spans_match(spans, [b for b in parsed if b["blockName"] is not None])
    ):
        report.warn(NAME, "unbalanced block markup: the document is kept verbatim as one raw block")
        return Post(blocks=(Raw(format=NAME, content=data),) if data else ())
    blocks: list[Block] = []
    pending = ""  # whitespace-only freeform waiting for the next block
    pos = 0
    for piece, block in zip(pieces, parsed, strict=True):
        if piece is None:
            end = pos + len(block["innerHTML"])
            markup = data[pos:end]
        else:
            markup = data[piece.start : piece.end]
            end = piece.end
        pos = end
        if piece is None and _is_blank(markup):
            pending += markup
            continue
        if piece is not None and _notes_block(block) is not None:  # read into the notes (see read)
            pending = ""
            continue
        buttons = (
            rich.read_buttons(block, piece, data) if piece and block["blockName"] == "core/buttons" else None
        )
        if buttons:
            first = buttons[0].origin
            assert first is not None
            buttons[0] = buttons[0].model_copy(
                update={"origin": first.model_copy(update={"markup": pending + first.markup})}
            )
            blocks.extend(buttons)
            pending = ""
            continue
        model = read_block(block, piece, data) if piece is not None else None
        attrs = block["attrs"] if piece is not None else None
        if attrs and json_depth(attrs) > MAX_JSON_DEPTH:  # PHP reads 511 levels; the model takes fewer
            report.warn(NAME, f"attributes nested over {MAX_JSON_DEPTH} levels: kept as markup", len(blocks))
            model, attrs = None, None
        origin = Origin(format=NAME, markup=pending + markup, attrs=attrs)
        pending = ""
        if model is None:
            blocks.append(Raw(format=NAME, content=markup, origin=origin))
        else:
            blocks.append(model.model_copy(update={"origin": origin}))
    if pending:
        if blocks:
            last = blocks[-1]
            assert last.origin is not None
            blocks[-1] = last.model_copy(
                update={"origin": last.origin.model_copy(update={"markup": last.origin.markup + pending})}
            )
        else:
            blocks.append(Raw(format=NAME, content=pending))
    return Post(blocks=tuple(_unique_ids(blocks)))


def _unique_ids(blocks: list[Block]) -> list[Block]:
    seen: set[str] = set()
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, UpdateMarker):
            new_id, n = block.id, 1
            while new_id in seen:
                n += 1
                new_id = f"{block.id}-{n}"
            seen.add(new_id)
            if new_id != block.id:
                block = block.model_copy(update={"id": new_id})
        out.append(block)
    return out


def _edges(block: Block) -> tuple[str | None, str | None, str]:
    """(whitespace before, markup, whitespace after) of a block's WordPress origin, or (None, None, "")."""
    origin = block.origin
    if origin is None or origin.format != NAME:
        return None, None, ""
    if isinstance(block, Raw) and block.format == NAME:
        at = origin.markup.find(block.content)
        if (
            at < 0
            or not _is_blank(origin.markup[:at])
            or not _is_blank(origin.markup[at + len(block.content) :])
        ):
            return None, None, ""
        return origin.markup[:at], block.content, origin.markup[at + len(block.content) :]
    match = _EDGES.match(origin.markup)
    assert match is not None
    return match.group(1), match.group(2), match.group(3)


def _render(block: Block, core: str | None, report: ConversionReport, index: int) -> str:
    if isinstance(block, Raw):
        if core is not None and block.format != NAME:  # HTML read from a custom HTML block, unchanged
            loaded = writer.reread(core)
            if loaded is not None and writer.same_content(block, loaded[1]):
                return core
        return writer.raw_block(block, report, index)
    if core is not None and not has_notes(block):  # notes are numbered as they are written
        loaded = writer.reread(core)
        if loaded is not None:
            src, read_back = loaded
            if writer.same_content(block, read_back):
                return core
            changed = writer.write_changed(block, src, report, index)
            if changed is not None:
                return changed
    return writer.write_new(block, report, index)


def write(post: Post, report: ConversionReport) -> str:
    """Write a post's blocks as WordPress block markup (post fields live outside it: reported).

    Footnotes are written as WordPress writes their references (``<sup data-fn="fn-N" class="fn">``) and
    their text as the list WordPress renders (``<ol class="wp-block-footnotes">``) in a core/html block
    after the post: WordPress's own footnotes block shows the post meta ``footnotes``, which markup cannot
    set (reported), and the list keeps every note visible and reads back as the notes."""
    report_unwritten_fields(post, NAME, report)
    report_unknown_sources(post, NAME, report)
    post = make_inert(post, NAME, report)
    with collect_notes("wordpress") as notes:
        body = _write(post, report)
    if not notes:
        return body
    report.warn(
        NAME,
        f"{len(notes)} footnote(s) written as a list in a core/html block after the post: WordPress's"
        " footnotes post meta is not set, so its footnotes block does not show them",
    )
    listed = delimited("core/html", None, notes_html(notes, "wordpress"))
    return f"{body}\n\n{listed}" if body else listed


def _write(post: Post, report: ConversionReport) -> str:
    out: list[str] = []
    last = len(post.blocks) - 1
    previous_had_origin = True
    i = -1
    while i < last:
        i += 1
        block = post.blocks[i]
        before, core, after = _edges(block)
        if isinstance(block, Button):  # a row of buttons: one core/buttons block
            row = [_render(block, core, report, i)]
            while i < last and isinstance(post.blocks[i + 1], Button):
                i += 1
                _, inner_core, after = _edges(post.blocks[i])
                row.append(_render(post.blocks[i], inner_core, report, i))
            text = rich.buttons_row([writer.unrow(t) for t in row])
        else:
            text = _render(block, core, report, i)
        if before is None or (i > 0 and before == "" and not previous_had_origin):
            before = "\n\n" if i > 0 else ""
        if not text and before is not None and core is None:
            continue  # a dropped block (already reported)
        out.append(before + text)
        if i == last:
            out.append(after)
        previous_had_origin = core is not None
    return "".join(out)
