"""WordPress block markup as top-level units, for splicing live updates (:mod:`.units`).

The units are the exact source text of each top-level block and of the HTML between blocks (split with
WordPress's own delimiter grammar); joining them gives the stored content back byte for byte. Only the
new update's blocks are serialized. Content that is not balanced block markup is normalised once through
:func:`cmsbridge.gutenberg.parse` and ``serialize``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from ... import gutenberg
from ...model import Block
from ...report import ConversionReport
from .. import read
from ..units import Document, MarkerInfo, marker_info, write_blocks

NAME = "gutenberg"

_TOKEN = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<namespace>[a-z][a-z0-9_-]*/)?(?P<name>[a-z][a-z0-9_-]*)\s+"
    r"(?P<attrs>\{(?:(?:[^}]+|\}+(?=\})|(?!\}\s+/?-->).)*+)?\}\s+)?(?P<void>/)?-->",
    re.S,
)


def split_top_level(markup: str) -> list[str] | None:
    """The exact source of each top-level block and of the HTML between them, or None when the markup is
    not balanced (a stray closer or an unclosed block), where WordPress's parser would reshape it."""
    units: list[str] = []
    depth = 0
    start = 0  # start of the current top-level block
    text_start = 0  # start of freeform text at depth 0
    for match in _TOKEN.finditer(markup):
        closer, void = match["closer"] is not None, match["void"] is not None
        if void:
            if depth == 0:
                if match.start() > text_start:
                    units.append(markup[text_start : match.start()])
                units.append(match[0])
                text_start = match.end()
            continue
        if closer:
            if depth == 0:
                return None
            depth -= 1
            if depth == 0:
                units.append(markup[start : match.end()])
                text_start = match.end()
            continue
        if depth == 0:
            if match.start() > text_start:
                units.append(markup[text_start : match.start()])
            start = match.start()
        depth += 1
    if depth != 0:
        return None
    if text_start < len(markup):
        units.append(markup[text_start:])
    return units


@lru_cache(maxsize=4096)
def _marker(unit: str) -> MarkerInfo | None:
    if "update-" not in unit or not unit.startswith("<!--"):
        return None
    return marker_info(read(unit, NAME, report=ConversionReport()))


class GutenbergDocument(Document):
    format = NAME
    separator = "\n\n"

    @classmethod
    def parse(cls, content: str) -> GutenbergDocument:
        units = split_top_level(content)
        if units is None:
            return cls([gutenberg.serialize([block]) for block in gutenberg.parse(content)])
        return cls(units, content)

    def render(self, units: Sequence[Any] | None = None) -> str:
        return "".join(self.units if units is None else units)

    def new_units(self, blocks: Sequence[Block]) -> list[Any]:
        report = ConversionReport()
        markup = write_blocks(blocks, NAME, report)
        self.note_update_losses(report, blocks)
        units = split_top_level(markup) or [markup]
        while units and self.is_separator(units[0]):
            units.pop(0)
        while units and self.is_separator(units[-1]):
            units.pop()
        return units

    def marker_of(self, unit: Any) -> MarkerInfo | None:
        return _marker(unit) if isinstance(unit, str) else None

    def blocks_of(self, units: Sequence[Any]) -> list[Block]:
        return list(read(self.render(units), NAME, report=ConversionReport()).blocks)


parse = GutenbergDocument.parse
