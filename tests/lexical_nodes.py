"""Lexical nodes as Ghost's editor saves them (``exportJSON`` of @tryghost/kg-default-nodes), built by the
tests that write Lexical documents by hand."""

from __future__ import annotations

import json
from typing import Any

Node = dict[str, Any]


def document(*nodes: Node) -> str:
    return json.dumps({"root": {"children": list(nodes), "type": "root", "version": 1}})


def text_node(value: str, bits: int = 0) -> Node:
    return {
        "detail": 0,
        "format": bits,
        "mode": "normal",
        "style": "",
        "text": value,
        "type": "extended-text",
        "version": 1,
    }


def element(kind: str, children: list[Node], **extra: Any) -> Node:
    return {
        "children": children,
        "direction": None,
        "format": "",
        "indent": 0,
        "type": kind,
        "version": 1,
        **extra,
    }
