"""WordPress block markup (Gutenberg): parse and serialize exactly as WordPress's PHP does.

``parse(markup)`` returns what ``WP_Block_Parser::parse()`` returns, for any input, as plain dicts
(:class:`ParsedBlock`). Attributes are JSON-faithful (``{}`` stays a dict); :func:`php_normalize` shows
them as PHP holds them. ``serialize(parse(markup))`` equals ``serialize_blocks(parse_blocks(markup))``
byte for byte (WordPress 6.1 by default; see :mod:`.serializer` for the ``flavor`` option).
:func:`diagnostics` reports what a malformed document does to the parser.
Both hold no state but bounded caches: they leave Python's garbage collector alone and may be called
from several threads at once.
"""

from __future__ import annotations

from typing import Any

from . import parser as _parser
from . import serializer as _serializer
from .diagnostics import Diagnostic, diagnostics
from .parser import TOKEN_PATTERN, ParsedBlock, decode_attrs, parse, parse_reference
from .phpjson import deep, php_value
from .serializer import (
    FLAVORS,
    Flavor,
    serialize,
    serialize_attributes,
    serialize_block,
    strip_core_namespace,
)


def clear_caches() -> None:
    """Empty the parser's and the serializer's caches of attributes and block names.

    They are bounded and need no care; this frees their memory, or makes the next run start cold.
    """
    _parser.clear_caches()
    _serializer.clear_caches()


def php_normalize(blocks: list[ParsedBlock]) -> list[dict[str, Any]]:
    """The blocks as PHP holds them: attrs through PHP arrays (``{}`` -> ``[]``, list-like keys -> lists)."""
    return [
        {
            "blockName": block["blockName"],
            "attrs": deep(php_value, block["attrs"]),
            "innerBlocks": php_normalize(block["innerBlocks"]),
            "innerHTML": block["innerHTML"],
            "innerContent": list(block["innerContent"]),
        }
        for block in blocks
    ]


__all__ = [
    "FLAVORS",
    "TOKEN_PATTERN",
    "Diagnostic",
    "Flavor",
    "ParsedBlock",
    "clear_caches",
    "decode_attrs",
    "diagnostics",
    "parse",
    "parse_reference",
    "php_normalize",
    "serialize",
    "serialize_attributes",
    "serialize_block",
    "strip_core_namespace",
]
