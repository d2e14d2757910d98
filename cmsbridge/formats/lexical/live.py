"""Ghost's Lexical JSON as top-level units, for splicing live updates (:mod:`.units`): the nodes of
``root.children``; the rest of the document is kept as stored."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from ...errors import ParseError
from ...limits import load_json
from ...model import Block
from ...report import ConversionReport
from .. import read
from ..units import Document, MarkerInfo, marker_info, write_blocks

NAME = "lexical"


class LexicalDocument(Document):
    format = NAME

    def __init__(self, units: list[Any], document: dict[str, Any], source: str | None = None) -> None:
        super().__init__(units, source)
        self.document = document

    @classmethod
    def parse(cls, content: str) -> LexicalDocument:
        document = load_json(content, NAME) if content.strip() else {"root": _empty_root()}
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
        report = ConversionReport()
        nodes = json.loads(write_blocks(blocks, NAME, report))["root"]["children"]
        self.note_update_losses(report, blocks)
        return list(nodes)

    def marker_of(self, unit: Any) -> MarkerInfo | None:
        if not isinstance(unit, dict) or unit.get("type") != "html" or "update-" not in str(unit.get("html")):
            return None
        return _marker(json.dumps(unit, sort_keys=True))

    def blocks_of(self, units: Sequence[Any]) -> list[Block]:
        return list(read(self.render(units), NAME, report=ConversionReport()).blocks)

    def is_separator(self, unit: Any) -> bool:
        return False


def _empty_root() -> dict[str, Any]:
    return {"children": [], "direction": None, "format": "", "indent": 0, "type": "root", "version": 1}


@lru_cache(maxsize=4096)
def _marker(node_json: str) -> MarkerInfo | None:
    document = json.dumps({"root": {**_empty_root(), "children": [json.loads(node_json)]}})
    return marker_info(read(document, NAME, report=ConversionReport()))


parse = LexicalDocument.parse
