"""Stored post content as a list of top-level units, so an update can be spliced in without touching the
other blocks.

One class per storage format, chosen by :func:`document`:

- ``gutenberg``: WordPress block markup. The units are the exact source text of each top-level block and
  of the HTML between blocks (split with WordPress's own delimiter grammar); joining them gives the stored
  content back byte for byte. Only the new update's blocks are serialized. Content that is not balanced
  block markup is normalised once through :func:`cmsbridge.gutenberg.parse` and ``serialize``.
- ``lexical``: Ghost's Lexical JSON; the units are the nodes of ``root.children``.
- anything else: the post read through its format; the units are the model's blocks, and the whole post is
  written back through the same format.

A unit is an update marker when the format reads it as an :class:`~cmsbridge.model.UpdateMarker`; the
update's *region* runs from its marker to the next marker (or the end).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..errors import ParseError, logger
from ..limits import load_json
from ..model import Block, Post, UpdateMarker
from ..report import ConversionReport

log = logger("cmsbridge.live")

When = dt.datetime | dt.time


@dataclass(frozen=True)
class MarkerInfo:
    """What placement needs from an existing update marker."""

    id: str
    at: When | None


def anchor_pattern(update_id: str) -> re.Pattern[str]:
    """Matches the marker's anchor ``update-<id>`` as an ``id`` attribute or a block ``anchor`` attribute,
    also inside JSON-escaped HTML (Lexical)."""
    anchor = re.escape(f"update-{update_id}")
    return re.compile(rf"""(?:\bid=\\?["']|"anchor"\s*:\s*"){anchor}(?=\\?["'])""")


class Document:
    """Top-level units of a stored content, with marker lookup and rendering."""

    format: str
    separator: Any = None
    """A unit put between an inserted update and what follows it (``"\\n\\n"`` in block markup)."""

    def __init__(self, units: list[Any], source: str | None = None) -> None:
        self.units = units
        self.source = source
        """The content the units were split from, while they are unchanged."""
        self.warned: set[str] = set()
        """Losses already logged for the new units (an operation may write its units more than once)."""

    def log_losses(self, report: ConversionReport) -> None:
        """Log each loss of writing an update's blocks (raw text escaped, a URL refused...) once: an append
        must not change what the update says silently."""
        for loss in report:
            message = str(loss)
            if message not in self.warned:
                self.warned.add(message)
                log.warning("update content: %s", message)

    def text(self) -> str:
        """The content as stored: the source while unchanged, else the rendered units."""
        return self.source if self.source is not None else self.render()

    # -- per-format hooks --------------------------------------------------------------------------------

    def render(self, units: Sequence[Any] | None = None) -> str:
        raise NotImplementedError

    def new_units(self, blocks: Sequence[Block]) -> list[Any]:
        """The units that ``blocks`` are stored as in this format."""
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


# --- WordPress block markup -------------------------------------------------------------------------------

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
def _gutenberg_marker(unit: str) -> MarkerInfo | None:
    if "update-" not in unit or not unit.startswith("<!--"):
        return None
    from .. import formats

    post = formats.read(unit, "gutenberg", report=ConversionReport())
    first = post.blocks[0] if post.blocks else None
    if isinstance(first, UpdateMarker):
        return MarkerInfo(first.id, first.at)
    return None


class GutenbergDocument(Document):
    format = "gutenberg"
    separator = "\n\n"

    @classmethod
    def parse(cls, content: str) -> GutenbergDocument:
        units = split_top_level(content)
        if units is None:
            from .. import gutenberg

            blocks = gutenberg.parse(content)
            return cls([gutenberg.serialize([block]) for block in blocks])
        return cls(units, content)

    def render(self, units: Sequence[Any] | None = None) -> str:
        return "".join(self.units if units is None else units)

    def new_units(self, blocks: Sequence[Block]) -> list[Any]:
        from .. import formats

        report = ConversionReport()
        markup = formats.write(Post(blocks=tuple(blocks)), "gutenberg", report=report)
        self.log_losses(report)
        units = split_top_level(markup) or [markup]
        while units and self.is_separator(units[0]):
            units.pop(0)
        while units and self.is_separator(units[-1]):
            units.pop()
        return units

    def marker_of(self, unit: Any) -> MarkerInfo | None:
        return _gutenberg_marker(unit) if isinstance(unit, str) else None

    def blocks_of(self, units: Sequence[Any]) -> list[Block]:
        from .. import formats

        return list(formats.read(self.render(units), "gutenberg", report=ConversionReport()).blocks)


# --- Ghost Lexical -----------------------------------------------------------------------------------------


class LexicalDocument(Document):
    format = "lexical"

    def __init__(self, units: list[Any], document: dict[str, Any], source: str | None = None) -> None:
        super().__init__(units, source)
        self.document = document

    @classmethod
    def parse(cls, content: str) -> LexicalDocument:
        document = load_json(content, "lexical") if content.strip() else {"root": _empty_root()}
        root = document.setdefault("root", _empty_root()) if isinstance(document, dict) else None
        children = root.get("children") or [] if isinstance(root, dict) else None
        if not isinstance(children, list):  # what a server stored is as untrusted as any input
            raise ParseError("lexical: the post's content is not a Lexical document (a root with children)")
        return cls(list(children), document, content)

    def render(self, units: Sequence[Any] | None = None) -> str:
        document = dict(self.document)
        document["root"] = {**document["root"], "children": list(self.units if units is None else units)}
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"))

    def new_units(self, blocks: Sequence[Block]) -> list[Any]:
        from ..formats import lexical

        report = ConversionReport()
        nodes = list(lexical.write_nodes(Post(blocks=tuple(blocks)), report))
        self.log_losses(report)
        return nodes

    def marker_of(self, unit: Any) -> MarkerInfo | None:
        if not isinstance(unit, dict) or unit.get("type") != "html" or "update-" not in str(unit.get("html")):
            return None
        return _lexical_marker(json.dumps(unit, sort_keys=True))

    def blocks_of(self, units: Sequence[Any]) -> list[Block]:
        from .. import formats

        return list(formats.read(self.render(units), "lexical", report=ConversionReport()).blocks)

    def is_separator(self, unit: Any) -> bool:
        return False


def _empty_root() -> dict[str, Any]:
    return {"children": [], "direction": None, "format": "", "indent": 0, "type": "root", "version": 1}


@lru_cache(maxsize=4096)
def _lexical_marker(node_json: str) -> MarkerInfo | None:
    from .. import formats

    document = json.dumps({"root": {**_empty_root(), "children": [json.loads(node_json)]}})
    post = formats.read(document, "lexical", report=ConversionReport())
    first = post.blocks[0] if post.blocks else None
    return MarkerInfo(first.id, first.at) if isinstance(first, UpdateMarker) else None


# --- any other format: through the model ----------------------------------------------------------------


class ModelDocument(Document):
    """Content in a format without a splicer: read as a post, edited as blocks, written whole."""

    def __init__(self, units: list[Any], post: Post, fmt: str, source: str | None = None) -> None:
        super().__init__(units, source)
        self.post = post
        self.format = fmt

    @classmethod
    def parse(cls, content: str, fmt: str) -> ModelDocument:
        from .. import formats

        post = formats.read(content, fmt, report=ConversionReport()) if content.strip() else Post()
        return cls(list(post.blocks), post, fmt, content)

    def render(self, units: Sequence[Any] | None = None) -> str:
        from .. import formats

        blocks = tuple(self.units if units is None else units)
        return formats.write(
            self.post.model_copy(update={"blocks": blocks}), self.format, report=ConversionReport()
        )

    def new_units(self, blocks: Sequence[Block]) -> list[Any]:
        from .. import formats

        report = ConversionReport()
        formats.write(Post(blocks=tuple(blocks)), self.format, report=report)  # what it would lose
        self.log_losses(report)
        return list(blocks)

    def marker_of(self, unit: Any) -> MarkerInfo | None:
        return MarkerInfo(unit.id, unit.at) if isinstance(unit, UpdateMarker) else None

    def blocks_of(self, units: Sequence[Any]) -> list[Block]:
        return list(units)

    def key(self, unit: Any) -> str:
        return json.dumps(unit.without_origin().model_dump(mode="json"), sort_keys=True)

    def is_separator(self, unit: Any) -> bool:
        return False


def document(content: str, fmt: str) -> Document:
    """``content`` (stored in format ``fmt``) split into top-level units."""
    if fmt == "gutenberg":
        return GutenbergDocument.parse(content)
    if fmt == "lexical":
        return LexicalDocument.parse(content)
    return ModelDocument.parse(content, fmt)
