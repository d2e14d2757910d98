"""WordPress's default block parser (``WP_Block_Parser::parse()``), exactly, for any input.

Two implementations that give identical results:

* :func:`parse_reference` is a line-by-line port of the PHP class: a token search from an offset and a
  stack of frames. It is the specification, and handles every malformed document.
* :func:`parse` is the fast path. One ``re.split`` cuts the whole document into HTML runs and token
  groups in C; a small loop builds the blocks. It hands a document to the reference parser in the two
  cases where PHP looks back at offsets: a closer with no open block (PHP turns the rest of the document
  into one freeform block) and a document that ends with two or more blocks open.

Untrusted input is bounded (WordPress's parser is not): ``parse`` raises
:class:`~cmsbridge.errors.ParseError` for a document whose blocks nest deeper than ``max_depth``
(:data:`cmsbridge.limits.MAX_DEPTH`), and for one that ends with blocks left open whose copies of the
rest of the document would add up to more than ``output_factor`` times its size (plus
:data:`OUTPUT_FLOOR` characters). PHP gives each unclosed block at the end the whole rest of the document
as its innerHTML: 20,000 unclosed openers (340 KB) need 3.4 GB. Both are checked where a block opens
and where the document ends with blocks open. Time is bounded the same way: a delimiter whose
attributes start (``<!-- wp:x {``) with no ``} -->`` anywhere after it makes the token regex (PHP's, and
so ours) scan to the end of the document and fail, so thousands of them take quadratic time (150 KB, 5
s); a document whose failing scans would add up to more than ``output_factor`` times its size is
refused before parsing (:func:`_check_scans`, two string searches on a normal document). ``None``
lifts a limit (the PHP conformance tests).

``parse`` holds no global state but its bounded caches (see :func:`decode_attrs`), which threads may
share: it leaves Python's garbage collector alone and may be called from several threads at once.

PHP details that are kept: ``\\s`` means ASCII whitespace only (space, tab, LF, VT, FF, CR; NBSP is not
whitespace), a chunk ``"0"`` counts as empty where PHP calls ``empty()``, attributes are decoded with
``json_decode`` rules (:mod:`.phpjson`), and invalid JSON gives ``attrs = None``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any, TypedDict

import orjson

from ..errors import ParseError
from ..limits import MAX_DEPTH, too_deep
from . import phpjson

_orjson_loads = orjson.loads


class ParsedBlock(TypedDict):
    """One block as ``parse_blocks()`` returns it. ``blockName`` None is freeform HTML."""

    blockName: str | None
    attrs: dict[str, Any] | None
    innerBlocks: list[ParsedBlock]
    innerHTML: str
    innerContent: list[str | None]


_WS = "[ \\t\\n\\x0b\\f\\r]"  # PCRE's \s without the /u flag
_NAME = "[a-z][a-z0-9_-]*"
_ATTRS = "\\{(?:[^}]+|\\}+(?=\\})|(?!\\}" + _WS + "+/?-->).)*+\\}" + _WS + "+"
TOKEN_PATTERN = "<!--" + _WS + "+(/)?wp:(" + _NAME + "/)?(" + _NAME + ")" + _WS + "+(" + _ATTRS + ")?(/)?-->"
"""PHP's ``next_token()`` regex. Groups: closer, namespace, name, attrs, void. As in PHP, the attrs group
ends with the whitespace before ``-->``, and that whitespace goes to ``json_decode``: a vertical tab or
form feed there (whitespace to the regex, not to JSON) makes the attributes invalid."""
TOKEN_RE = re.compile(TOKEN_PATTERN, re.DOTALL)

# The fast path also matches a whole leaf block at once: an opener token, HTML in which no token can
# start (no "<!--", whitespace, "wp:" or "/wp:"), and a closer token (not void). Any other token is
# matched by the second alternative, which is TOKEN_PATTERN after "<!--" + whitespace. Names and the
# whitespace around them are possessive here (the same matches: a name is never followed by a name
# character, whitespace never by whitespace), and a full name is written ``name(/name|)``: the same
# strings as TOKEN_PATTERN's ``(name/)?name``, read once instead of twice when there is no namespace
# (about 4% of the split's time).
# An optional group is written ``(?:X|)``, not ``(?:X)?``: the same matches, but Python's engine runs
# ``?`` on a group through its general repeat (a context allocated per try) and ``|`` through a
# branch, 13% less time for the whole split. So an attribute group that is absent captures "" (the
# loop tests it for truth, as it did None).
_PNAME = "[a-z][a-z0-9_-]*+"
_FULL_NAME = _PNAME + "(?:/" + _PNAME + "|)"
_LEAF_OR_TOKEN = (
    "<!--" + _WS + "++(?:"
    "wp:(" + _FULL_NAME + ")" + _WS + "++(" + _ATTRS + "|)-->"
    "([^<]*+(?:<(?!!--" + _WS + "+/?wp:)[^<]*+)*+)"
    "<!--" + _WS + "++/wp:" + _FULL_NAME + _WS + "++(?:" + _ATTRS + "|)-->"
    "|(/)?wp:(" + _FULL_NAME + ")" + _WS + "++(" + _ATTRS + "|)(/)?-->)"
)
_split = re.compile(_LEAF_OR_TOKEN, re.DOTALL).split

# --- attributes -----------------------------------------------------------------------------------

# text -> (the value, or the cache's own copy of a flat one; whether it is flat; what decodes it again)
# Threads share this cache and _BLOCK_NAMES: only get, set and clear, each atomic (no check-then-delete).
_ATTRS_CACHE: dict[str, tuple[Any, bool, Callable[[str], Any]]] = {}
_ATTRS_CACHE_LIMIT = 20_000


def decode_attrs(text: str) -> dict[str, Any] | None:
    """Decode a delimiter's attribute JSON as ``json_decode(text, true)`` does; a fresh object each call.

    Results are cached by text (the same attributes recur across posts). A flat object is copied; a
    nested one is decoded again (by orjson where it reads the text as PHP does, else by json's C
    scanner), which is as fast as a copy and needs no recursion in Python (attributes may nest 511 deep).
    """
    cached = _ATTRS_CACHE.get(text)
    if cached is None:
        value, by_orjson = phpjson.decode_checked(text)
        if not isinstance(value, dict):
            value = None
        # flat: no object or array inside, so the text has no "{" after its first character and no "["
        # (one inside a string only makes a copy be decoded again)
        flat = value is not None and text.find("{", 1) < 0 and "[" not in text
        if len(_ATTRS_CACHE) >= _ATTRS_CACHE_LIMIT:
            _ATTRS_CACHE.clear()
        # The cache keeps its own copy of a flat object: the caller may change the one returned. (A
        # nested object in the cache is never handed out; it is decoded again.)
        _ATTRS_CACHE[text] = (
            value.copy() if flat and value is not None else value,
            flat,
            _orjson_loads if by_orjson else phpjson.decode_valid,
        )
        fresh: dict[str, Any] | None = value
        return fresh
    value, flat, again = cached
    if value is None:
        return None
    if flat:
        copied: dict[str, Any] = value.copy()
        return copied
    return again(text)  # type: ignore[no-any-return]


def freeform(html: str) -> ParsedBlock:
    return {"blockName": None, "attrs": {}, "innerBlocks": [], "innerHTML": html, "innerContent": [html]}


# --- fast path ------------------------------------------------------------------------------------


_BLOCK_NAMES: dict[str, str] = {}


def clear_caches() -> None:
    """Forget the attribute texts and block names seen so far (memory, or a benchmark's fresh start)."""
    _ATTRS_CACHE.clear()
    _BLOCK_NAMES.clear()


def _block_name(name: str) -> str:
    """The parsed name (an implicit ``core/`` added), remembered for the next time."""
    full = name if "/" in name else "core/" + name
    if len(_BLOCK_NAMES) < 10_000:
        _BLOCK_NAMES[name] = full
    return full


OUTPUT_FACTOR = 10
"""Unclosed blocks at the end of a document may repeat at most this many times its size (see above)."""
OUTPUT_FLOOR = 1_000_000
"""...plus this many characters, so that a small document is never refused for it."""


# the end of attributes (where the token regex's attribute loop stops), and a token whose attributes start
_ATTRS_END = re.compile("\\}" + _WS + "+/?-->")
_ATTRS_START = re.compile("<!--" + _WS + "+/?wp:" + _NAME + "(?:/" + _NAME + ")?" + _WS + "+\\{")


def _check_scans(document: str, output_factor: int | None) -> None:
    """Refuse a document on which the token regex would scan more than its limit in failed attempts.

    An attempt that reaches the attributes of a token scans them up to the first ``}`` + whitespace +
    ``-->`` and matches there; only one that starts after the last such end scans to the document's
    end and fails (twice: the leaf and the token alternatives)."""
    if output_factor is None:
        return
    last = document.rfind("}")
    while last >= 0 and _ATTRS_END.match(document, last) is None:
        last = document.rfind("}", 0, last)
    if document.find("{", last + 1) < 0:
        return  # no attributes start after the last end of attributes: every attempt can match
    size = len(document)
    scans = 0
    for start in _ATTRS_START.finditer(document, last + 1):
        scans += 2 * (size - start.end())
    if scans > output_factor * size + OUTPUT_FLOOR:
        raise ParseError(
            f"gutenberg block markup: delimiters with unterminated attributes would make the parser scan "
            f"{scans:,} characters, more than the limit of {output_factor} times the document's {size:,}"
        )


def parse(
    document: str, *, max_depth: int | None = MAX_DEPTH, output_factor: int | None = OUTPUT_FACTOR
) -> list[ParsedBlock]:
    """``WP_Block_Parser::parse($document)``: the blocks of a post, for any input within the limits."""
    _check_scans(document, output_factor)
    return _parse(document, max_depth, output_factor)


def _parse(document: str, max_depth: int | None, output_factor: int | None) -> list[ParsedBlock]:
    parts = _split(document)
    output: list[ParsedBlock] = []
    append = output.append
    if len(parts) == 1:
        if document:
            append(freeform(document))
        return output
    # A frame: (block, its innerContent, its innerBlocks, the HTML between the previous token and it).
    stack: list[tuple[ParsedBlock, list[str | None], list[ParsedBlock], str]] = []
    html: str = parts[0]
    it = iter(parts)
    next(it)
    names = _BLOCK_NAMES
    # a block may open inside at most this many open blocks (a leaf is one block, matched whole)
    deepest = sys.maxsize if max_depth is None else max_depth - 1
    for leaf_name, leaf_attrs, leaf_html, closer, name, raw_attrs, void, after in zip(
        it, it, it, it, it, it, it, it, strict=True
    ):
        if leaf_name is not None:
            if stack:  # a nested block's trailing HTML is always pushed
                if len(stack) > deepest:
                    raise too_deep("gutenberg block markup", deepest + 1)
                _, parent_content, parent_inner, _ = stack[-1]
                if html and html != "0":
                    parent_content.append(html)
                parent_inner.append(
                    {
                        "blockName": names.get(leaf_name) or _block_name(leaf_name),
                        "attrs": decode_attrs(leaf_attrs) if leaf_attrs else {},
                        "innerBlocks": [],
                        "innerHTML": leaf_html,
                        "innerContent": [leaf_html],
                    }
                )
                parent_content.append(None)
            else:
                if html:
                    append(
                        {
                            "blockName": None,
                            "attrs": {},
                            "innerBlocks": [],
                            "innerHTML": html,
                            "innerContent": [html],
                        }
                    )
                if leaf_html and leaf_html != "0":
                    append(
                        {
                            "blockName": names.get(leaf_name) or _block_name(leaf_name),
                            "attrs": decode_attrs(leaf_attrs) if leaf_attrs else {},
                            "innerBlocks": [],
                            "innerHTML": leaf_html,
                            "innerContent": [leaf_html],
                        }
                    )
                else:
                    append(
                        {
                            "blockName": names.get(leaf_name) or _block_name(leaf_name),
                            "attrs": decode_attrs(leaf_attrs) if leaf_attrs else {},
                            "innerBlocks": [],
                            "innerHTML": "",
                            "innerContent": [],
                        }
                    )
        elif closer is None or void is not None:
            content: list[str | None] = []
            inner: list[ParsedBlock] = []
            block: ParsedBlock = {
                "blockName": names.get(name) or _block_name(name),
                "attrs": decode_attrs(raw_attrs) if raw_attrs else {},
                "innerBlocks": inner,
                "innerHTML": "",
                "innerContent": content,
            }
            if void is None:  # opener
                if html and not stack:
                    append(freeform(html))
                if len(stack) > deepest:
                    raise too_deep("gutenberg block markup", deepest + 1)
                stack.append((block, content, inner, html))
            elif stack:  # nested void block
                _, parent_content, parent_inner, _ = stack[-1]
                if html and html != "0":
                    parent_content.append(html)
                parent_inner.append(block)
                parent_content.append(None)
            else:  # top-level void block
                if html:
                    append(freeform(html))
                append(block)
        elif not stack:
            # Stray closer: PHP makes the rest of the document, from the last token's end, freeform.
            return parse_reference(document, max_depth=max_depth, output_factor=output_factor)
        else:
            block, content, inner, leading = stack.pop()
            if stack:  # nested closer: the trailing HTML is always pushed, even when empty
                content.append(html)
                block["innerHTML"] = "".join(filter(None, content)) if inner else html
                _, parent_content, parent_inner, _ = stack[-1]
                if leading and leading != "0":
                    parent_content.append(leading)
                parent_inner.append(block)
                parent_content.append(None)
            else:
                if html and html != "0":
                    content.append(html)
                if inner:
                    block["innerHTML"] = "".join(filter(None, content))
                elif content:
                    block["innerHTML"] = html
                append(block)
        html = after
    if not stack:
        if html:
            append(freeform(html))
    elif len(stack) == 1:
        block, content, inner, _ = stack[0]
        if html and html != "0":
            content.append(html)
        block["innerHTML"] = "".join(filter(None, content))
        append(block)
    else:
        return parse_reference(document, max_depth=max_depth, output_factor=output_factor)
    return output


# --- reference: a port of class-wp-block-parser.php -------------------------------------------------


class _Frame:
    __slots__ = ("block", "leading_html_start", "prev_offset", "token_length", "token_start")

    def __init__(
        self,
        block: ParsedBlock,
        token_start: int,
        token_length: int,
        prev_offset: int,
        leading_html_start: int | None,
    ) -> None:
        self.block = block
        self.token_start = token_start
        self.token_length = token_length
        self.prev_offset = prev_offset
        self.leading_html_start = leading_html_start


def _php_empty(html: str) -> bool:
    return html == "" or html == "0"


def _new_block(name: str | None, attrs: dict[str, Any] | None) -> ParsedBlock:
    return {"blockName": name, "attrs": attrs, "innerBlocks": [], "innerHTML": "", "innerContent": []}


class _ReferenceParser:
    def __init__(self, document: str, max_depth: int | None, output_factor: int | None) -> None:
        self.document = document
        self.max_depth = max_depth
        self.output_factor = output_factor
        self.offset = 0
        self.output: list[ParsedBlock] = []
        self.stack: list[_Frame] = []

    def parse(self) -> list[ParsedBlock]:
        while self.proceed():
            pass
        return self.output

    def proceed(self) -> bool:
        doc = self.document
        match = TOKEN_RE.search(doc, self.offset)
        depth = len(self.stack)
        if match is None:
            if depth == 0:
                self.add_freeform()
            else:
                self.check_copies()
                while self.stack:
                    self.add_block_from_stack(None)
            return False
        start, end = match.span()
        closer, namespace, name, raw_attrs, void = match.groups()
        block_name = (namespace or "core/") + name
        attrs = decode_attrs(raw_attrs) if raw_attrs is not None else {}
        leading_html_start = self.offset if start > self.offset else None
        if void is not None:
            if depth == 0:
                if leading_html_start is not None:
                    self.output.append(freeform(doc[leading_html_start:start]))
                self.output.append(_new_block(block_name, attrs))
            else:
                self.add_inner_block(_new_block(block_name, attrs), start, end - start, None)
            self.offset = end
            return True
        if closer is None:
            frame = _Frame(_new_block(block_name, attrs), start, end - start, end, leading_html_start)
            self.stack.append(frame)
            if self.max_depth is not None and depth >= self.max_depth:
                raise too_deep("gutenberg block markup", self.max_depth)
            self.offset = end
            return True
        if depth == 0:
            self.add_freeform()
            return False
        if depth == 1:
            self.add_block_from_stack(start)
            self.offset = end
            return True
        top = self.stack.pop()
        html = doc[top.prev_offset : start]
        top.block["innerHTML"] += html
        top.block["innerContent"].append(html)
        top.prev_offset = end
        self.add_inner_block(top.block, top.token_start, top.token_length, end)
        self.offset = end
        return True

    def check_copies(self) -> None:
        """Refuse to give each block still open at the end the rest of the document, past the limit."""
        size = len(self.document)
        copies = sum(size - frame.prev_offset for frame in self.stack)
        if self.output_factor is not None and copies > self.output_factor * size + OUTPUT_FLOOR:
            raise ParseError(
                f"gutenberg block markup: {len(self.stack)} blocks left open would repeat the rest of the "
                f"document {copies:,} characters in all, more than the limit of {self.output_factor} "
                f"times its {size:,} characters (WordPress's parser would need as much memory)"
            )

    def add_freeform(self) -> None:
        if len(self.document) - self.offset == 0:
            return
        self.output.append(freeform(self.document[self.offset :]))

    def add_inner_block(
        self, block: ParsedBlock, token_start: int, token_length: int, last_offset: int | None
    ) -> None:
        parent = self.stack[-1]
        parent.block["innerBlocks"].append(block)
        html = self.document[parent.prev_offset : token_start]
        if not _php_empty(html):
            parent.block["innerHTML"] += html
            parent.block["innerContent"].append(html)
        parent.block["innerContent"].append(None)
        parent.prev_offset = last_offset if last_offset else token_start + token_length

    def add_block_from_stack(self, end_offset: int | None) -> None:
        top = self.stack.pop()
        doc = self.document
        html = doc[top.prev_offset : end_offset] if end_offset is not None else doc[top.prev_offset :]
        if not _php_empty(html):
            top.block["innerHTML"] += html
            top.block["innerContent"].append(html)
        if top.leading_html_start is not None:
            self.output.append(freeform(doc[top.leading_html_start : top.token_start]))
        self.output.append(top.block)


def parse_reference(
    document: str, *, max_depth: int | None = MAX_DEPTH, output_factor: int | None = OUTPUT_FACTOR
) -> list[ParsedBlock]:
    """The straightforward port of ``WP_Block_Parser``; same results as :func:`parse`, slower."""
    _check_scans(document, output_factor)
    return _ReferenceParser(document, max_depth, output_factor).parse()
