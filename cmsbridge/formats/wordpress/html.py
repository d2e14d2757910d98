"""Low-level helpers of the WordPress format: exact block spans, delimiters and single HTML tags.

:func:`block_spans` finds where each block of a document starts and ends, so that a reader can keep the
exact original markup of every block (the parser's output does not keep delimiter text). Tag helpers
read and change one opening tag's attributes in place, keeping everything else byte for byte.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from ... import gutenberg

WS = " \t\n\r\f\x0b"
"""Whitespace as WordPress's parser (PCRE without /u) and HTML see it."""

_TOKEN_RE = re.compile(gutenberg.TOKEN_PATTERN, re.DOTALL)


@dataclass
class Span:
    """Where one block is in its document: ``doc[start:end]`` is its exact markup."""

    start: int
    end: int
    children: list[Span] = field(default_factory=list)


def block_spans(doc: str) -> list[Span | None] | None:
    """The top-level blocks of ``doc`` in order (``None`` marks a freeform piece), with nested spans.

    Returns ``None`` when the document is malformed in a way where blocks are not contiguous pieces of it
    (two or more blocks left open): callers then keep the whole document verbatim.
    """
    top: list[Span] = []
    stack: list[Span] = []
    stop_at: int | None = None
    for match in _TOKEN_RE.finditer(doc):
        closer, void = match.group(1), match.group(5)
        if void is not None:
            (stack[-1].children if stack else top).append(Span(match.start(), match.end()))
        elif closer is None:
            stack.append(Span(match.start(), -1))
        elif not stack:
            stop_at = top[-1].end if top else 0  # stray closer: the rest is freeform
            break
        else:
            span = stack.pop()
            span.end = match.end()
            (stack[-1].children if stack else top).append(span)
    if stop_at is None and stack:
        if len(stack) > 1:
            return None
        stack[0].end = len(doc)  # implicitly closed at the end of the document
        top.append(stack[0])
    pieces: list[Span | None] = []
    pos = 0
    for span in top:
        if span.start > pos:
            pieces.append(None)
        pieces.append(span)
        pos = span.end
    if pos < len(doc):
        pieces.append(None)
    return pieces


def spans_match(spans: list[Span], blocks: list[gutenberg.ParsedBlock]) -> bool:
    """Whether nested spans have the same shape as parsed blocks (the check that spans are trustworthy)."""
    if len(spans) != len(blocks):
        return False
    return all(spans_match(s.children, b["innerBlocks"]) for s, b in zip(spans, blocks, strict=True))


# --- delimiters -----------------------------------------------------------------------------------


def short_name(name: str) -> str:
    return name[5:] if name.startswith("core/") else name


def delimited(name: str, attrs: dict[str, Any] | None, content: str) -> str:
    """A block as the JS serializer writes it: ``\\n`` inside the delimiters, void when empty."""
    attrs_text = gutenberg.serialize_attributes(attrs, flavor="js") + " " if attrs else ""
    if not content:
        return f"<!-- wp:{short_name(name)} {attrs_text}/-->"
    return f"<!-- wp:{short_name(name)} {attrs_text}-->\n{content}\n<!-- /wp:{short_name(name)} -->"


_DELIMS_RE = re.compile(r"\A(<!--.*?-->)(.*)(<!--[^>]*-->)\Z", re.DOTALL)


def split_delimiters(markup: str) -> tuple[str, str, str] | None:
    """``(opener, inner, closer)`` of a balanced block's exact markup, or ``None`` for a void block."""
    opener = _TOKEN_RE.match(markup)
    if opener is None or opener.group(5) is not None:
        return None
    closers = list(_TOKEN_RE.finditer(markup, opener.end()))
    if not closers or closers[-1].group(1) is None or closers[-1].end() != len(markup):
        return None
    last = closers[-1]
    return markup[: opener.end()], markup[opener.end() : last.start()], markup[last.start() :]


# --- one HTML tag ---------------------------------------------------------------------------------

_ATTR = r"""[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
_ATTR_RE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


def open_tag(names: str) -> str:
    """A regex (text) for an opening tag named by the alternation ``names``; group ``tag`` holds the name."""
    return rf"<(?P<tag>{names})(?P<attrs>(?:\s+{_ATTR})*)\s*/?>"


def tag_attrs(tag_text: str) -> dict[str, str]:
    """The attributes of one opening tag (names lowercased, values unescaped)."""
    inner = tag_text[1:].rstrip(">").rstrip("/")
    name_end = re.match(r"[^\s/>]*", inner)
    rest = inner[name_end.end() if name_end else 0 :]
    out: dict[str, str] = {}
    for m in _ATTR_RE.finditer(rest):
        value = next((g for g in m.groups()[1:] if g is not None), "")
        out.setdefault(m.group(1).lower(), html.unescape(value))
    return out


def set_tag_attr(tag_text: str, name: str, value: str | None) -> str:
    """The opening tag with attribute ``name`` set in place (appended if new; removed when None)."""
    body = tag_text[:-2] if tag_text.endswith("/>") else tag_text[:-1]
    end = tag_text[len(body) :]
    name_match = re.match(r"<[^\s/>]+", body)
    head_len = name_match.end() if name_match else 1
    for m in _ATTR_RE.finditer(body, head_len):
        if m.group(1).lower() == name:
            start = m.start()
            while start > 0 and body[start - 1] in WS:
                start -= 1
            replacement = "" if value is None else f' {name}="{escape_attr(value)}"'
            return body[:start] + replacement + body[m.end() :] + end
    if value is None:
        return tag_text
    return f'{body} {name}="{escape_attr(value)}"{end}'


def escape_attr(value: str) -> str:
    return html.escape(value, quote=True).replace("&#x27;", "'")


def has_class(tag_text: str, name: str) -> bool:
    return name in tag_attrs(tag_text).get("class", "").split()


def with_class(tag_text: str, name: str, present: bool) -> str:
    """The tag with class ``name`` added at the end or removed, other classes kept in order."""
    classes = tag_attrs(tag_text).get("class", "").split()
    if (name in classes) == present:
        return tag_text
    classes = [*classes, name] if present else [c for c in classes if c != name]
    return set_tag_attr(tag_text, "class", " ".join(classes) if classes else None)


def class_list_with(value: str | None, name: str, present: bool) -> str | None:
    """A class-name string with ``name`` added or removed (``None`` when it ends up empty)."""
    classes = (value or "").split()
    if (name in classes) != present:
        classes = [*classes, name] if present else [c for c in classes if c != name]
    return " ".join(classes) if classes else None
