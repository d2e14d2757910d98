"""How much nesting and size the readers accept: input is untrusted, so a reader refuses more.

Content nests a few levels (a list in a quote in a group); a reader refuses more than :data:`MAX_DEPTH`
levels of blocks, elements or inlines with a :class:`~cmsbridge.errors.ParseError` naming the limit,
instead of recursing until Python or lxml gives up (or, as libxml2's HTML parser does past 255 levels,
silently dropping the rest of the document).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from .errors import ParseError

if TYPE_CHECKING:  # lxml is imported by the readers that need it, not by every user of these limits
    from lxml import etree

MAX_DEPTH = 100
"""Levels of nesting a reader accepts: blocks in blocks, HTML elements, inline marks, Lexical nodes."""

MAX_JSON_DEPTH = 2 * MAX_DEPTH + 8
"""Levels of JSON arrays and objects a JSON reader accepts: a level of content is an object and the list
of its children, plus the few levels around the post's blocks."""


MAX_ATTRIBUTES = 1000
"""Attributes one HTML element may have: libxml2 compares each attribute with every earlier one of its
element, so a tag of 160,000 attributes (1.5 MB) takes 45 s."""

_TAG = re.compile(r"""<[A-Za-z](?:[^>=]++|=\s*+(?:"[^"]*+"|'[^']*+')?+)*+""")
_VALUE = re.compile(r"""=\s*(?:"[^"]*"|'[^']*'|[^\s>]*)""")
_NAMES = re.compile(r"[\s/]+")


def check_attribute_count(markup: str, what: str) -> None:
    """Refuse HTML ``markup`` with an element of more than :data:`MAX_ATTRIBUTES` attributes, before
    libxml2 parses it (a scan of the tags, linear in the markup)."""
    for tag in _TAG.finditer(markup):
        if tag.end() - tag.start() > 2 * MAX_ATTRIBUTES:  # a shorter tag cannot hold so many
            names = [n for n in _NAMES.split(_VALUE.sub(" ", tag[0])) if n]
            if len(names) - 1 > MAX_ATTRIBUTES:
                raise ParseError(
                    f"{what}: an element with more than {MAX_ATTRIBUTES:,} attributes "
                    "(the limit for untrusted input)"
                )


def too_deep(what: str, limit: int = MAX_DEPTH) -> ParseError:
    """The error of a reader (``what``: its format) given input nested deeper than ``limit``."""
    return ParseError(f"{what}: nested more than {limit} levels deep (the limit for untrusted input)")


def json_depth(value: Any) -> int:
    """How deeply lists and dicts nest in decoded JSON ``value`` (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in children if isinstance(child, dict | list))
    return deepest


def check_json_depth(value: Any, what: str) -> None:
    """Refuse decoded JSON nested deeper than :data:`MAX_JSON_DEPTH`."""
    if json_depth(value) > MAX_JSON_DEPTH:
        raise too_deep(what, MAX_JSON_DEPTH)


def load_json(text: str, what: str) -> Any:
    """``json.loads(text)`` for reader ``what``: bad or too deeply nested JSON is a ParseError."""
    try:
        value = json.loads(text)
    except ValueError as exc:  # not JSON, or a number of more digits than Python converts (4,300)
        raise ParseError(f"{what}: not JSON: {exc}") from exc
    except RecursionError:  # the decoder's own limit, far deeper than ours
        raise too_deep(what, MAX_JSON_DEPTH) from None
    check_json_depth(value, what)
    return value


def check_element_depth(root: etree._Element, what: str) -> None:
    """Refuse an lxml tree whose elements nest deeper than :data:`MAX_DEPTH` below ``root``."""
    from lxml import etree

    depth = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            depth += 1
            if depth > MAX_DEPTH:
                raise too_deep(what)
        else:
            depth -= 1


def check_parser_limits(parser: etree.XMLParser | etree.HTMLParser, what: str) -> None:
    """Refuse what libxml2 cut short at one of its limits (a text node over 10 MB): it keeps the tree
    built so far, and the HTML parser silently drops the rest of the document."""
    for entry in parser.error_log:
        if entry.type_name == "ERR_RESOURCE_LIMIT":
            message = entry.message.strip().replace(", try XML_PARSE_HUGE", "")
            raise ParseError(f"{what}: {message} (libxml2's limits: a text node of at most 10 MB...)")
