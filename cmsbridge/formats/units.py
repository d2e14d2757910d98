"""Stored post content as a list of top-level units, so a live update can be spliced in without touching
the other blocks (:mod:`cmsbridge.live` edits the units; each format knows its own units).

:func:`document` asks the content's format for its splicer (:data:`SPLICERS`):

- ``gutenberg`` (:mod:`.wordpress_live`): the exact source text of each top-level block and of the HTML
  between blocks; joining them gives the stored content back byte for byte.
- ``lexical`` (:mod:`.lexical_live`): the nodes of ``root.children``.
- any other format (:class:`ModelDocument`): the post read through its format; the units are the model's
  blocks, and the whole post is written back through the same format.

A unit is an update marker when the format reads it as an :class:`~cmsbridge.model.UpdateMarker`; the
update's *region* runs from its marker to the next marker (or the end).

What writing costs is kept, never dropped: :attr:`Document.update_losses` for the new units (an update's
blocks, written through :func:`cmsbridge.formats.write`), :attr:`Document.story_losses` for the rest of the
post when the format writes it whole again (:meth:`Document.losses`).
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..model import Block, Post, Raw, UpdateMarker, plain_text
from ..report import ConversionReport, Loss
from . import read, write

When = dt.datetime | dt.time

SPLICERS: dict[str, str] = {
    "gutenberg": "cmsbridge.formats.wordpress.live",
    "lexical": "cmsbridge.formats.lexical.live",
}
"""Format name -> the module whose ``parse(content) -> Document`` splits that format's stored content
exactly. A format not listed goes through the model (:class:`ModelDocument`)."""


@dataclass(frozen=True)
class MarkerInfo:
    """What placement needs from an existing update marker."""

    id: str
    at: When | None
    pinned: bool = False
    """Shown at the top of the live page: not placed by its time (:mod:`cmsbridge.live`)."""


def anchor_pattern(update_id: str) -> re.Pattern[str]:
    """Matches the marker's anchor ``update-<id>`` as an ``id`` attribute or a block ``anchor`` attribute,
    also inside JSON-escaped HTML (Lexical)."""
    anchor = re.escape(f"update-{update_id}")
    return re.compile(rf"""(?:\bid=\\?["']|"anchor"\s*:\s*"){anchor}(?=\\?["'])""")


def marker_info(post: Post) -> MarkerInfo | None:
    """The update marker ``post`` starts with (one unit read back), if any."""
    first = post.blocks[0] if post.blocks else None
    return MarkerInfo(first.id, first.at, first.pinned) if isinstance(first, UpdateMarker) else None


class Document:
    """Top-level units of a stored content, with marker lookup, rendering and the losses of writing."""

    format: str
    separator: Any = None
    """A unit put between an inserted update and what follows it (``"\\n\\n"`` in block markup)."""

    def __init__(self, units: list[Any], source: str | None = None) -> None:
        self.units = units
        self.source = source
        """The content the units were split from, while they are unchanged."""
        self.update_losses: list[Loss] = []
        """What writing new units (an update's blocks) lost, each loss once."""
        self.story_losses: list[Loss] = []
        """What reading and writing back the rest of the post lost, each loss once (formats written whole)."""

    def note_update_losses(self, report: ConversionReport, blocks: Sequence[Block]) -> None:
        """Keep each loss of writing an update's ``blocks`` once, naming the block (an operation may write
        its units more than once)."""
        _add((named(loss, blocks) for loss in report), self.update_losses)

    def note_story_losses(self, losses: Iterable[Loss]) -> None:
        _add(losses, self.story_losses)

    def losses(self) -> tuple[Loss, ...]:
        """What storing this document loses: the new units' losses, and the story's once it is re-written."""
        return tuple(self.update_losses) + (tuple(self.story_losses) if self.source is None else ())

    def text(self) -> str:
        """The content as stored: the source while unchanged, else the rendered units."""
        return self.source if self.source is not None else self.render()

    # -- per-format hooks --------------------------------------------------------------------------------

    def render(self, units: Sequence[Any] | None = None) -> str:
        raise NotImplementedError

    def new_units(self, blocks: Sequence[Block]) -> list[Any]:
        """The units that ``blocks`` are stored as in this format (their losses noted)."""
        raise NotImplementedError

    def marker_of(self, unit: Any) -> MarkerInfo | None:
        raise NotImplementedError

    def blocks_of(self, units: Sequence[Any]) -> list[Block]:
        """``units`` read back as model blocks (for comparing an update's content)."""
        raise NotImplementedError

    def key(self, unit: Any) -> str:
        """A hashable, exact identity of a unit."""
        return unit if isinstance(unit, str) else json.dumps(unit, sort_keys=True, ensure_ascii=False)

    def is_separator(self, unit: Any) -> bool:
        return isinstance(unit, str) and not unit.strip()

    # -- markers and regions ---------------------------------------------------------------------------

    def markers(self) -> list[tuple[int, MarkerInfo]]:
        """Every update marker with its unit index, in document order."""
        found = []
        for index, unit in enumerate(self.units):
            info = self.marker_of(unit)
            if info is not None:
                found.append((index, info))
        return found

    def has(self, update_id: str) -> bool:
        return any(info.id == update_id for _, info in self.markers())

    def region(self, update_id: str) -> tuple[int, int] | None:
        """Units ``[start, end)`` of an update: its marker up to the next marker, trailing separators
        excluded."""
        markers = self.markers()
        for position, (index, info) in enumerate(markers):
            if info.id == update_id:
                end = markers[position + 1][0] if position + 1 < len(markers) else len(self.units)
                while end > index + 1 and self.is_separator(self.units[end - 1]):
                    end -= 1
                return index, end
        return None

    # -- edits -----------------------------------------------------------------------------------------

    def insert(self, index: int, new: list[Any]) -> None:
        """Insert ``new`` before unit ``index`` (or at the end when ``index`` is ``len(units)``)."""
        sep = [self.separator] if self.separator is not None else []
        if index >= len(self.units):
            self.units.extend((sep if self.units else []) + new)
        else:
            self.units[index:index] = new + sep
        self.source = None

    def remove(self, start: int, end: int) -> None:
        """Remove units ``[start, end)`` and the separators that would be left doubled."""
        if all(self.is_separator(u) for u in self.units[end:]):
            while start > 0 and self.is_separator(self.units[start - 1]):
                start -= 1
        else:
            while end < len(self.units) and self.is_separator(self.units[end]):
                end += 1
        del self.units[start:end]
        self.source = None

    def replace(self, start: int, end: int, new: list[Any]) -> None:
        self.units[start:end] = new
        self.source = None

    def set(self, index: int, unit: Any) -> None:
        self.units[index] = unit
        self.source = None


def _add(losses: Iterable[Loss], kept: list[Loss]) -> None:
    """Append to ``kept`` each of ``losses`` it does not hold yet."""
    for loss in losses:
        if loss not in kept:
            kept.append(loss)


def named(loss: Loss, blocks: Sequence[Block]) -> Loss:
    """``loss`` with the block it concerns (of ``blocks``, by its index) named by its type and text."""
    if loss.block is None or not 0 <= loss.block < len(blocks):
        return loss
    block = blocks[loss.block]
    if isinstance(block, Raw):
        text = f"{block.format} {block.content}"
    elif isinstance(block, UpdateMarker):
        text = block.label
    else:
        text = plain_text(getattr(block, "inlines", ()))
    text = " ".join(text.split())
    short = text if len(text) <= 60 else text[:60] + "…"
    what = f"{block.type} {short!r}" if text else block.type
    return replace(loss, message=f"{loss.message} [{what}]")


def write_blocks(blocks: Sequence[Block], fmt: str, report: ConversionReport) -> str:
    """``blocks`` written as content in format ``fmt``, what the format does not hold recorded in
    ``report``: the one way an update's blocks cross into a stored format (and the check before)."""
    return write(Post(blocks=tuple(blocks)), fmt, report=report)


# --- any other format: through the model ----------------------------------------------------------------


class ModelDocument(Document):
    """Content in a format without a splicer: read as a post, edited as blocks, written whole."""

    def __init__(self, units: list[Any], post: Post, fmt: str, source: str | None = None) -> None:
        super().__init__(units, source)
        self.post = post
        self.format = fmt
        self.new: set[int] = set()
        """The ids of the units written by :meth:`new_units` (their losses are the update's)."""

    @classmethod
    def parse(cls, content: str, fmt: str) -> ModelDocument:
        report = ConversionReport()
        post = read(content, fmt, report=report) if content.strip() else Post()
        doc = cls(list(post.blocks), post, fmt, content)
        doc.story_losses.extend(report)  # they only matter once the post is written back
        return doc

    def render(self, units: Sequence[Any] | None = None) -> str:
        blocks = tuple(self.units if units is None else units)
        report = ConversionReport()
        text = write(self.post.model_copy(update={"blocks": blocks}), self.format, report=report)
        if units is None:
            self.note_story_losses(
                loss
                for loss in report
                if loss.block is None or loss.block >= len(blocks) or id(blocks[loss.block]) not in self.new
            )
        return text

    def new_units(self, blocks: Sequence[Block]) -> list[Any]:
        report = ConversionReport()
        write_blocks(blocks, self.format, report)  # what it would lose
        self.note_update_losses(report, blocks)
        units = list(blocks)
        self.new.update(id(unit) for unit in units)
        return units

    def marker_of(self, unit: Any) -> MarkerInfo | None:
        return MarkerInfo(unit.id, unit.at, unit.pinned) if isinstance(unit, UpdateMarker) else None

    def blocks_of(self, units: Sequence[Any]) -> list[Block]:
        return list(units)

    def key(self, unit: Any) -> str:
        return json.dumps(unit.without_origin().model_dump(mode="json"), sort_keys=True)

    def is_separator(self, unit: Any) -> bool:
        return False


def document(content: str, fmt: str) -> Document:
    """``content`` (stored in format ``fmt``) split into top-level units by its format's splicer."""
    splicer = SPLICERS.get(fmt)
    if splicer is None:
        return ModelDocument.parse(content, fmt)
    parsed: Document = importlib.import_module(splicer).parse(content)
    return parsed
