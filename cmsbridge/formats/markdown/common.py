"""Markdown bodies <-> the model's blocks, shared by the ``text`` and ``markdown`` formats.

Parsing is markdown-it-py (CommonMark) plus one inline rule for embed tokens (``[video:youtube:ID]``).
The two flavours differ in a few switches (see :class:`Flavor`): the text format reads every newline in a
paragraph as a line break, takes no HTML and reads ``UPDATE:`` lines as update markers; the markdown
format follows CommonMark (a newline is a space), takes HTML, and writes markers only as headings.

Shared syntax (both flavours):

* ``[video:PROVIDER:ID]`` / ``[embed:PROVIDER:ID caption](URL)``: an embed; see docs/text-format.md.
* ``{#id .class key=value}`` at the end of a heading, a marker line or after an image: attributes.
* ``> — Someone <https://source>``: the last line of a quote starting with ``—`` or ``--`` is the
  citation, a trailing autolink its source URL.
* ``![alt](src){width=640 height=480}`` alone on a line, with the caption on the following lines: an image.
* A fenced block with info ``{=FORMAT}`` holds a Raw block of FORMAT verbatim (Pandoc's raw attribute);
  any other fenced or indented block is a CodeBlock (its info's first word the language), and a fence with
  info ``{.preformatted}`` is Preformatted text.
* GFM pipe tables are Tables.
* Footnotes (mdit-py-plugins' footnote plugin): ``[^label]`` references, ``[^label]: ...`` definitions and
  ``^[...]`` inline notes are Note spans where they are referred to (docs/text-format.md rule 15).
* Fenced divs (``::: {.KIND key=value}`` ... ``:::``, Pandoc's syntax) hold a Gallery, Callout, Details,
  pull Quote or Container; ``[text](url){.KIND ...}`` alone on a line is an Audio, Video, File, Button or
  Bookmark, with its caption on the following lines.
* Anything else the model has no block for (loose HTML, list items of several blocks...) is kept as Raw of
  the flavour.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import unescapeAll
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from pydantic import ValidationError

from ...errors import ParseError
from ...limits import MAX_DEPTH, too_deep
from ...model import (
    RAW_FORMAT_PATTERN,
    Audio,
    Block,
    Bold,
    Bookmark,
    Button,
    Callout,
    Code,
    CodeBlock,
    Container,
    Details,
    Embed,
    File,
    Gallery,
    Heading,
    Image,
    Inline,
    Inlines,
    Italic,
    LineBreak,
    Link,
    List,
    ListItem,
    Note,
    Origin,
    Paragraph,
    Preformatted,
    Quote,
    Raw,
    RawInline,
    Separator,
    Table,
    TableCell,
    TableRow,
    Text,
    UpdateMarker,
    Video,
    plain_text,
    zone_info,
)
from ...report import ConversionReport
from ..attribution import attribution_at_end
from ..embeds import canonical_url, id_in_url
from ..html.blocks import CELL_ALIGNS, table_of, table_sections
from ..html.inline import normalize
from ..inert import MARKUP_FORMATS
from ..updates import (
    edited_time,
    is_update_label,
    names_from,
    parse_update_label,
    unique_id,
    update_id_from_label,
)


@dataclass(frozen=True)
class Flavor:
    name: str
    html: bool
    """Raw HTML is read as HTML (markdown); otherwise ``<`` is plain text (text)."""
    newline_breaks: bool
    """A newline inside a paragraph is a line break (text); otherwise a space (markdown)."""
    marker_lines: bool
    """``UPDATE: ...`` lines are update markers (text)."""
    attribution_quotes: bool
    """A paragraph ending with a bare attribution (``... said." link``) is a quote (text)."""


TEXT = Flavor("text", html=False, newline_breaks=True, marker_lines=True, attribution_quotes=True)
MARKDOWN = Flavor("markdown", html=True, newline_breaks=False, marker_lines=False, attribution_quotes=False)

MARKER_CLASS = "update-marker"
MARKER_HEADING_LEVEL = 3

# --- embed tokens ------------------------------------------------------------------------------------

_EMBED_HEAD = re.compile(r"\[(video|embed):([a-z0-9][a-z0-9_-]*)(?::([^\s\[\]\\(){}]+))?")
_URL_PLAIN = re.compile(r"\(([^\s()<>\\]+)\)")
_URL_ANGLE = re.compile(r"\(<((?:[^<>\n\\]|\\.)*)>\)")
_RAW_FENCE = re.compile(r"\{=(" + RAW_FORMAT_PATTERN + r")\}")
_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _embed_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] != "[":
        return False
    head = _EMBED_HEAD.match(src, pos)
    if head is None:
        return False
    i = head.end()
    caption: str | None = None
    if i < len(src) and src[i] == " ":
        depth, j = 0, i + 1
        while j < len(src):
            ch = src[j]
            if ch == "\\":
                j += 2
                continue
            if ch == "[":
                depth += 1
            elif ch == "]":
                if depth == 0:
                    break
                depth -= 1
            elif ch == "\n":
                return False
            j += 1
        if j >= len(src):
            return False
        caption, i = src[i + 1 : j], j
    if i >= len(src) or src[i] != "]":
        return False
    i += 1
    url: str | None = None
    plain = _URL_PLAIN.match(src, i)
    angle = _URL_ANGLE.match(src, i) if plain is None else None
    if plain is not None:
        url, i = plain[1], plain.end()
    elif angle is not None:
        url, i = _BACKSLASH_ESCAPE.sub(r"\1", angle[1]), angle.end()
    provider, provider_id = head[2], head[3]
    if provider_id is None and url is not None:
        provider_id = id_in_url(provider, url)
    if url is None:
        url = canonical_url(provider, provider_id) if provider_id else None
        if url is None:
            return False
    if not silent:
        token = state.push("cms_embed", "", 0)
        token.meta = {"provider": provider, "id": provider_id, "caption": caption, "url": url}
        token.content = src[pos:i]
    state.pos = i
    return True


def make_parser(flavor: Flavor) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": flavor.html, "breaks": flavor.newline_breaks})
    md.disable("text_join")  # keep escapes apart from text: an escaped ``UPDATE\:`` is no marker
    md.enable("table")  # GFM pipe tables
    footnote_plugin(md)  # ``[^1]`` references, ``[^1]: ...`` definitions, ``^[...]`` inline notes
    container_plugin(md, "div", validate=lambda params, *_: div_attrs(params) is not None)
    md.inline.ruler.before("link", "cms_embed", _embed_rule)
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    md.normalizeLinkText = lambda link: link  # type: ignore[method-assign]
    return md


# --- attributes ``{#id .class key=value}`` ------------------------------------------------------------

_ATTRS_AT_END = re.compile(r'\s*\{((?:[^{}"\n]|"(?:[^"\\\n]|\\.)*")*)\}\s*$')
"""An attribute list at the end of a line (its quoted values may hold escaped braces)."""
_QUOTED_ATTRS = re.compile(r'\{((?:[^{}"\n]|"(?:[^"\\\n]|\\.)*")*)\}\s*')
"""An attribute list whose quoted values may hold braces."""
_ATTR = re.compile(r'\s*(?:#([^\s{}"]+)|\.([^\s{}"=]+)|([A-Za-z_][\w-]*)(?:=("(?:[^"\\]|\\.)*"|[^\s{}"]+))?)')


@dataclass
class Attrs:
    id: str | None = None
    classes: list[str] = field(default_factory=list)
    values: dict[str, str | None] = field(default_factory=dict)
    """Each key's value (the last one, for a key given more than once)."""
    repeated: dict[str, list[str]] = field(default_factory=dict)
    """Every value of each key, in order (``by="Ann Lee" by="Bo Ng"``)."""


def parse_attrs(body: str) -> Attrs | None:
    """Attributes from the inside of ``{...}``, or None when it is not an attribute list."""
    attrs = Attrs()
    pos = 0
    body = body.strip()
    if not body:
        return None
    while pos < len(body):
        m = _ATTR.match(body, pos)
        if m is None or m.end() == pos:
            return None
        pos = m.end()
        if m[1]:
            attrs.id = m[1]
        elif m[2]:
            attrs.classes.append(m[2])
        else:
            value = m[4]
            if value is not None and value.startswith('"'):
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            attrs.values[m[3]] = None if value is None else _ENTITY.sub(lambda e: _UNESCAPED[e[1]], value)
            if value is not None:
                attrs.repeated.setdefault(m[3], []).append(attrs.values[m[3]] or "")
    return attrs


_UNESCAPED = {"amp": "&", "lt": "<", "gt": ">"}
_ENTITY = re.compile(r"&(amp|lt|gt);")
_EDGE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
"""An underscore that may open or close emphasis (one inside a word cannot, so ``tz=America/New_York``
stays a plain value, which marker lines need)."""


def attr_value(value: str) -> str:
    """``value`` as written in an attribute list, read back by :func:`parse_attrs`: ``&``, ``<`` and ``>``
    as entities (a renderer that knows no attribute lists shows the line as text, never as HTML or a
    comment), quoted when it holds spaces or characters Markdown gives a meaning, in which a backslash
    escapes ``\\`` and ``"``, ``[``, ``]``, backticks, ``*`` and ``_`` (no link, code span nor emphasis:
    a link line's attributes stay one text), and ``{`` (no ``{{`` nor ``{%`` for Hugo or Jekyll)."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if re.fullmatch(r'[^\s{}\[\]`*"\\]+', value) and not _EDGE_UNDERSCORE.search(value):
        return value
    quoted = re.sub(r'(["\\{\[\]`*_])', r"\\\1", value).replace("\\{%", "\\{\\%")
    return f'"{quoted}"'


def format_attrs(
    id: str | None = None,
    classes: Sequence[str] = (),
    values: Mapping[str, str | Sequence[str]] | None = None,
) -> str:
    """``{#id .class key=value}``; a key with a sequence of values is repeated, once per value."""
    parts = [f"#{id}"] if id else []
    parts += [f".{c}" for c in classes]
    for k, v in (values or {}).items():
        parts += [f"{k}={attr_value(one)}" for one in ([v] if isinstance(v, str) else v)]
    return "{" + " ".join(parts) + "}"


_DIV_WORD = re.compile(r"[A-Za-z][\w-]*")

PREFORMATTED_INFO = "{.preformatted}"
_DIV_VALUES = {
    "gallery": frozenset({"columns"}),
    "callout": frozenset({"emoji"}),
    "details": frozenset({"summary"}),
    "pullquote": frozenset[str](),
}
_LINKED_VALUES = {
    "audio": frozenset[str](),
    "video": frozenset({"poster", "width", "height"}),
    "file": frozenset[str](),
    "button": frozenset[str](),
    "bookmark": frozenset({"description", "icon", "thumbnail", "publisher", "author"}),
}
DIV_KINDS = frozenset({*_DIV_VALUES, "container"})
"""Classes of a fenced div that name a block of the model (any other class is a Container's kind)."""
LINKED_KINDS = frozenset(_LINKED_VALUES)
"""Classes of a ``[text](url){.KIND}`` line that name a block of the model."""


def div_attrs(params: str) -> Attrs | None:
    """The attributes of a fenced div's opening line (``::: name`` or ``::: {.name key=value}``), or None
    when it opens no div (a div names at least one class)."""
    params = params.strip()
    if _DIV_WORD.fullmatch(params):
        return Attrs(classes=[params])
    if params.startswith("{") and params.endswith("}"):
        attrs = parse_attrs(params[1:-1])
        if attrs is not None and attrs.classes:
            return attrs
    return None


# --- reading -----------------------------------------------------------------------------------------

_CITATION = re.compile(r"^(?:—|―|--)\s+|^(?:—|―|--)$")
_BREAKS = ("softbreak", "hardbreak")
_TEXTS = ("text", "text_special")


def _nesting(tokens: list[Token]) -> int:
    """How deeply the tokens' elements nest: blocks, plus the inline elements inside them."""
    deepest = depth = 0
    for token in tokens:
        depth += token.nesting
        inline = level = 0
        for child in token.children or ():
            level += child.nesting
            inline = max(inline, level)
        deepest = max(deepest, depth + inline)
    return deepest


def normalize_newlines(data: str) -> str:
    return data.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")


class Reader:
    """Markdown body -> blocks, for one flavour."""

    def __init__(self, flavor: Flavor, report: ConversionReport) -> None:
        self.flavor = flavor
        self.report = report
        self.md = make_parser(flavor)
        self.lines: list[str] = []
        self.seen_ids: set[str] = set()
        self.blocks: list[Block] = []
        self.notes: dict[int, Inlines] = {}
        """Footnotes by markdown-it's id, read before the blocks that refer to them."""

    def read(self, body: str) -> list[Block]:
        self.lines = body.split("\n")
        env: dict[str, Any] = {}
        try:
            tokens = self.md.parse(body, env)
        except (ValueError, IndexError, RecursionError) as exc:  # pragma: no cover - markdown-it is total
            raise ParseError(f"{self.flavor.name}: cannot parse: {exc}") from exc
        if _nesting(tokens) > MAX_DEPTH:  # emphasis nests without markdown-it's own limit
            raise too_deep(self.flavor.name)
        root = SyntaxTreeNode(tokens)
        for node in root.children:
            if node.type == "footnote_block":
                self._footnotes(node)
        refs = env.get("footnotes", {}).get("refs", {})
        for label in sorted(label for label, number in refs.items() if number == -1):
            self.report.warn(self.flavor.name, f"footnote [^{label[1:]}] is never referred to: dropped")
        for node in root.children:
            if node.type != "footnote_block":
                self._block(node)
        return self.blocks

    def _footnotes(self, block: SyntaxTreeNode) -> None:
        """The definitions of footnotes: their paragraphs' text (a blank line between two paragraphs
        becomes a line break; any other block in a note is kept as its text and reported)."""
        for note in block.children:
            spans: list[Inline] = []
            for child in note.children:
                if child.type == "footnote_anchor":
                    continue
                if spans:
                    spans.append(LineBreak())
                if child.type == "paragraph":
                    inline = [c for c in child.children if c.type == "inline"]
                    spans.extend(self._inlines(inline[0].children) if inline else ())
                elif child.type == "inline":  # an inline note, ``^[...]``
                    spans.extend(self._inlines(child.children))
                else:
                    self.report.warn(self.flavor.name, f"a footnote's {child.type} is kept as its text")
                    spans.append(Text(text=self._source(child)))
            self.notes[int(note.meta.get("id", len(self.notes)))] = normalize(tuple(spans))

    # -- helpers

    def _source(self, node: SyntaxTreeNode) -> str:
        if node.map is None:
            return ""
        start, end = node.map
        return "\n".join(self.lines[start:end]).strip("\n")

    def _raw(self, node: SyntaxTreeNode) -> None:
        self.blocks.append(Raw(format=self.flavor.name, content=self._source(node)))

    def _add(self, block: Block) -> None:
        if isinstance(block, Paragraph):
            inlines = _strip(block.inlines)
            if not inlines:
                return
            block = Paragraph(inlines=inlines)
        self.blocks.append(block)

    # -- blocks

    def _block(self, node: SyntaxTreeNode) -> None:
        kind = node.type
        if kind == "paragraph":
            self._paragraph(node.children[0].children if node.children else [])
        elif kind == "heading":
            self._heading(node)
        elif kind == "blockquote":
            self._quote(node)
        elif kind in ("bullet_list", "ordered_list"):
            parsed = self._list(node)
            if parsed is None:
                self._raw(node)
            else:
                self.blocks.append(parsed)
        elif kind == "hr":
            self.blocks.append(Separator())
        elif kind == "fence" and self._raw_format(node.info) is not None:
            self.blocks.append(Raw(format=node.info.strip()[2:-1], content=_chop(node.content)))
        elif kind == "fence" and not _RAW_FENCE.fullmatch(node.info.strip()):
            self._fence(node.info.strip(), _chop(node.content))
        elif kind == "code_block":
            self.blocks.append(CodeBlock(code=_chop(node.content)))
        elif kind == "table":
            self.blocks.append(self._table(node))
        elif kind == "container_div":
            self._div(node)
        elif kind == "html_block":
            self.blocks.append(Raw(format="html", content=_chop(node.content)))
        else:
            self._raw(node)

    def _raw_format(self, info: str) -> str | None:
        """The format a ``{=FORMAT}`` fence names; never a markup format in the text flavour, whose
        text stays text (such a fence is read as a text block like any other)."""
        found = _RAW_FENCE.fullmatch(info.strip())
        if found is None or (not self.flavor.html and found[1] in MARKUP_FORMATS):
            return None
        return found[1]

    def _heading(self, node: SyntaxTreeNode) -> None:
        children = list(node.children[0].children) if node.children else []
        inlines, attrs = self._inlines_with_attrs(children)
        level = int(node.tag[1])
        if attrs is not None and MARKER_CLASS in attrs.classes:
            label = plain_text(inlines)
            self._marker(label, attrs)
            return
        anchor = attrs.id if attrs is not None else None
        if attrs is not None and (attrs.classes or attrs.values):
            self.report.warn(
                self.flavor.name, "heading attributes other than #id are dropped", len(self.blocks)
            )
        self.blocks.append(Heading(level=level, inlines=_strip(inlines), anchor=anchor))

    def _inlines_with_attrs(self, children: list[SyntaxTreeNode]) -> tuple[Inlines, Attrs | None]:
        """Inline content and the ``{...}`` attribute list at its end (read from its source text, so that
        its escapes and entities are unescaped once, by :func:`parse_attrs`)."""
        if children and children[-1].type in _TEXTS:
            # markdown-it splits text at some punctuation; the attribute list may span several text nodes
            k = len(children)
            while k > 0 and children[k - 1].type in _TEXTS:
                k -= 1
            pieces = [c.markup if c.type == "text_special" else c.content for c in children[k:]]
            tail = "".join(pieces)
            match = _ATTRS_AT_END.search(tail)
            attrs = parse_attrs(match[1]) if match else None
            if match and attrs is not None:
                i, pos = 0, 0
                while pos + len(pieces[i]) <= match.start():
                    pos += len(pieces[i])
                    i += 1
                if children[k + i].type == "text":  # the list starts in plain text, not in an escape
                    rest = pieces[i][: match.start() - pos]
                    inlines = self._inlines(children[: k + i]) + ((Text(text=rest),) if rest else ())
                    return normalize(inlines), attrs
        return self._inlines(children), None

    def _marker(self, label: str, attrs: Attrs | None) -> None:
        derived_at, derived_tz = parse_update_label(label)
        at: dt.datetime | dt.time | None = derived_at
        tz = derived_tz
        key = pinned = False
        by: tuple[str, ...] = ()
        headline = ""
        edited: dt.datetime | None = None
        marker_id: str | None = None
        if attrs is not None:
            if attrs.id:
                marker_id = attrs.id[len("update-") :] if attrs.id.startswith("update-") else attrs.id
            if "tz" in attrs.values:
                tz = None if attrs.values["tz"] in (None, "none") else attrs.values["tz"]
            if "at" in attrs.values:
                at = _parse_at(attrs.values["at"])
            key = _flag(attrs, "key")
            pinned = _flag(attrs, "pinned")
            by = names_from(attrs.repeated.get("by", []))
            headline = attrs.values.get("headline") or ""
            if attrs.values.get("edited") is not None:
                edited = edited_time(attrs.values["edited"])
                if edited is None:
                    raise ParseError(
                        f"bad update edit time {attrs.values['edited']!r} (ISO 8601 with offset)"
                    )
        if marker_id is None:
            marker_id = unique_id(update_id_from_label(label), self.seen_ids)
        self.seen_ids.add(marker_id)
        if isinstance(at, dt.datetime) and tz is not None:
            with contextlib.suppress(ValueError):  # an unknown zone: the marker's own check says so
                at = (
                    at.astimezone(zone_info(tz))
                    if at.tzinfo is not None
                    else at.replace(tzinfo=zone_info(tz))
                )
        try:
            marker = UpdateMarker(
                id=marker_id,
                at=at,
                tz=tz,
                label=label,
                key=key,
                by=by,
                headline=headline,
                pinned=pinned,
                edited=edited,
            )
        except ValidationError as exc:
            raise ParseError(
                f"{self.flavor.name}: bad update marker {label!r}: {exc.errors()[0]['msg']}"
            ) from exc
        self.blocks.append(marker)

    def _paragraph(self, children: Sequence[SyntaxTreeNode]) -> None:
        lines: list[tuple[list[SyntaxTreeNode], SyntaxTreeNode | None]] = []
        current: list[SyntaxTreeNode] = []
        for child in children:
            if child.type in _BREAKS:
                lines.append((current, child))
                current = []
            else:
                current.append(child)
        lines.append((current, None))
        if self._image(lines) or self._linked(lines):
            return
        pending: list[Inline] = []
        previous: list[SyntaxTreeNode] = []  # the last line read into ``pending``
        for nodes, brk in lines:
            marker = self._marker_line(nodes) if self.flavor.marker_lines else None
            if marker is not None:
                self._add(self._ended(pending, previous))
                pending = []
                self._marker(*marker)
                continue
            previous = nodes
            start = 0
            for i, node in enumerate(nodes):
                if node.type == "cms_embed":
                    pending.extend(self._inlines(nodes[start:i]))
                    self._add(Paragraph(inlines=tuple(pending)))
                    pending = []
                    self.blocks.append(self._embed(node))
                    start = i + 1
            pending.extend(self._inlines(nodes[start:]))
            if brk is not None:
                pending.extend(self._inlines([brk]))
        self._add(self._ended(pending, lines[-1][0]))

    def _ended(self, pending: list[Inline], last_line: list[SyntaxTreeNode]) -> Paragraph | Quote:
        """The paragraph ``pending`` holds, ended by a blank line or by a marker line after its last line
        (``last_line``): the quote it is when it ends with a bare attribution (text)."""
        if self.flavor.attribution_quotes:
            return self._attributed(_strip(tuple(pending)), last_line)
        return Paragraph(inlines=normalize(tuple(pending)))

    def _attributed(self, inlines: Inlines, last_line: list[SyntaxTreeNode]) -> Paragraph | Quote:
        """A paragraph ending with a bare attribution (``... said." link``) as the quote it is, its
        citation the word, its source URL unknown; an escaped one (``said." \\link``) as the paragraph
        (docs/text-format.md rule 8). The attribution is matched on the last line as written."""
        written = "".join(
            n.content if n.type == "text" else n.markup if n.type == "text_special" else "\0"
            for n in last_line
        )
        found = attribution_at_end(written)
        if found is None or not inlines or not isinstance(inlines[-1], Text):
            return Paragraph(inlines=inlines)
        word, last = found["attribution"], inlines[-1].text.rstrip(" \t")
        if found["escape"] and last.endswith("\\" + word):  # ``\link``: the backslash is the escape
            return Paragraph(inlines=normalize((*inlines[:-1], Text(text=last[: -len(word) - 1] + word))))
        if found["escape"] or not last.endswith(word):
            return Paragraph(inlines=inlines)
        quoted = _strip((*inlines[:-1], Text(text=last.removesuffix(word))))
        return Quote(paragraphs=(Paragraph(inlines=quoted),), citation=(Text(text=word),))

    def _marker_line(self, nodes: list[SyntaxTreeNode]) -> tuple[str, Attrs | None] | None:
        inner = nodes
        if len(nodes) == 1 and nodes[0].type in ("strong", "em"):
            inner = list(nodes[0].children)
        elif (
            len(nodes) >= 2 and nodes[0].type in ("strong", "em") and all(n.type in _TEXTS for n in nodes[1:])
        ):
            tail = "".join(n.markup if n.type == "text_special" else n.content for n in nodes[1:])
            if _ATTRS_AT_END.fullmatch(tail):
                inner = [*nodes[0].children, *nodes[1:]]
        if not inner or any(n.type not in ("text", "text_special") for n in inner):
            return None
        inlines, attrs = self._inlines_with_attrs(inner)
        label = plain_text(inlines).strip()
        first = "".join(n.content for n in _leading_text(inner))
        if is_update_label(first) or (attrs is not None and attrs.id):
            return label, attrs
        return None

    def _image(self, lines: list[tuple[list[SyntaxTreeNode], SyntaxTreeNode | None]]) -> bool:
        first = lines[0][0]
        if not first:
            return False
        head = first[0]
        link: str | None = None
        if head.type == "link" and len(head.children) == 1 and head.children[0].type == "image":
            link = str(head.attrs.get("href", ""))
            head = head.children[0]
        if head.type != "image":
            return False
        attrs: Attrs | None = None
        if len(first) > 1:
            tail = "".join(n.content for n in first[1:]) if all(n.type == "text" for n in first[1:]) else "\0"
            match = _ATTRS_AT_END.fullmatch(tail)
            attrs = parse_attrs(match[1]) if match else None
            if attrs is None:
                return False
        caption: list[Inline] = []
        brk = lines[0][1]
        for nodes, next_brk in lines[1:]:
            caption.extend(self._inlines(nodes))
            if next_brk is not None:
                caption.extend(self._inlines([next_brk]))
        del brk
        if head.attrs.get("title"):
            self.report.warn(self.flavor.name, "an image title is dropped", len(self.blocks))
        width = height = None
        if attrs is not None:
            width, height = _int(attrs.values.get("width")), _int(attrs.values.get("height"))
        self.blocks.append(
            Image(
                src=str(head.attrs.get("src", "")),
                alt=plain_text(self._inlines(list(head.children))),
                caption=_strip(normalize(tuple(caption))),
                link=link,
                width=width,
                height=height,
            )
        )
        return True

    def _embed(self, node: SyntaxTreeNode) -> Embed:
        meta: dict[str, Any] = dict(node.meta)
        caption: Inlines = ()
        if meta.get("caption"):
            caption = _strip(self._inline_source(str(meta["caption"])))
        return Embed(provider=meta["provider"], url=meta["url"], provider_id=meta["id"], caption=caption)

    def _inline_source(self, source: str) -> Inlines:
        tokens = self.md.parseInline(source)
        if not tokens or not tokens[0].children:
            return ()
        root = SyntaxTreeNode(tokens[0].children, create_root=True)
        return self._inlines(list(root.children))

    def _quote(self, node: SyntaxTreeNode) -> None:
        if any(child.type != "paragraph" for child in node.children):
            self._raw(node)
            return
        paragraphs = [list(child.children[0].children) if child.children else [] for child in node.children]
        citation: Inlines = ()
        source_url: str | None = None
        if paragraphs:
            last = paragraphs[-1]
            cut = max((i for i, n in enumerate(last) if n.type in _BREAKS), default=-1)
            line = last[cut + 1 :]
            lead = "".join(n.content for n in _leading_text(line))
            match = _CITATION.match(lead)
            if line and match:
                rest = self._inlines(line)
                rest = _drop_prefix(rest, len(match[0]))
                if rest and isinstance(rest[-1], Link) and _is_autolink(line[-1]):
                    source_url = rest[-1].href
                    rest = rest[:-1]
                citation = _strip(normalize(rest))
                paragraphs[-1] = last[: max(cut, 0)]
                if not paragraphs[-1]:
                    paragraphs.pop()
        quote_paragraphs = tuple(Paragraph(inlines=_strip(normalize(self._inlines(p)))) for p in paragraphs)
        self.blocks.append(Quote(paragraphs=quote_paragraphs, citation=citation, source_url=source_url))

    def _list(self, node: SyntaxTreeNode) -> List | None:
        ordered = node.type == "ordered_list"
        start = int(node.attrs["start"]) if "start" in node.attrs else 1
        loose = any(
            not kid.hidden for item in node.children for kid in item.children if kid.type == "paragraph"
        )
        items: list[ListItem] = []
        for item in node.children:
            kids = list(item.children)
            inlines: Inlines = ()
            if kids and kids[0].type == "paragraph":
                inlines = _strip(normalize(self._inlines(list(kids[0].children[0].children))))
                kids = kids[1:]
            children: list[List] = []
            for kid in kids:
                if kid.type not in ("bullet_list", "ordered_list"):
                    return None
                sub = self._list(kid)
                if sub is None:
                    return None
                children.append(sub)
            items.append(ListItem(inlines=inlines, children=tuple(children)))
        origin = None
        if loose:  # the model has no place for it: kept for this format's writer
            origin = Origin(format=self.flavor.name, markup=self._source(node), attrs={"loose": True})
        return List(ordered=ordered, start=start, items=tuple(items), origin=origin)

    # -- blocks the model has since issue 15

    def _fence(self, info: str, code: str) -> None:
        if info == PREFORMATTED_INFO:
            lines = [
                text_inlines for line in code.split("\n") for text_inlines in (LineBreak(), Text(text=line))
            ]
            self.blocks.append(Preformatted(inlines=normalize(tuple(lines[1:]))))
            return
        words = info.split()
        language: str | None = unescapeAll(words[0]) if words else None
        more = len(words) > 1
        if info.startswith("{"):  # Pandoc's attributes: ``{.python}``
            attrs = parse_attrs(info[1:-1]) if info.endswith("}") else None
            language = attrs.classes[0] if attrs is not None and attrs.classes else None
            more = attrs is None or len(attrs.classes) > 1 or bool(attrs.values) or attrs.id is not None
        if more:
            self.report.warn(
                self.flavor.name, "code block: info after the language dropped", len(self.blocks)
            )
        self.blocks.append(CodeBlock(code=code, language=language))

    def _table(self, node: SyntaxTreeNode) -> Table:
        sections = table_sections()
        for section in node.children:
            for row in section.children:
                cells = []
                for cell in row.children:
                    style = str(cell.attrs.get("style", ""))
                    align = style.removeprefix("text-align:") if style.startswith("text-align:") else None
                    inline = list(cell.children[0].children) if cell.children else []
                    cells.append(
                        TableCell(
                            inlines=_strip(normalize(self._inlines(inline))),
                            header=cell.type == "th",
                            align=align if align in CELL_ALIGNS else None,
                        )
                    )
                sections.setdefault(section.type, []).append(TableRow(cells=tuple(cells)))
        return table_of(sections, ())

    def _nested(self, nodes: Sequence[SyntaxTreeNode]) -> list[Block]:
        saved, self.blocks = self.blocks, []
        for child in nodes:
            self._block(child)
        inner, self.blocks = self.blocks, saved
        return inner

    def _div(self, node: SyntaxTreeNode) -> None:
        attrs = div_attrs(node.info)
        assert attrs is not None  # the parser opens a div only then
        blocks = self._nested(node.children)
        kind, values = attrs.classes[0], attrs.values
        images = [b for b in blocks if isinstance(b, Image)]
        caption = blocks[-1].inlines if blocks and isinstance(blocks[-1], Paragraph) else ()
        block: Block | None = None
        if kind == "gallery" and len(images) + bool(caption) == len(blocks):
            columns = _int(values.get("columns"))
            if values.get("columns") and not (columns and columns <= 12):
                self.report.warn(self.flavor.name, "gallery: columns not 1 to 12; dropped", len(self.blocks))
            block = Gallery(
                images=tuple(images), columns=columns if columns and columns <= 12 else None, caption=caption
            )
        elif kind == "callout":
            block = Callout(emoji=values.get("emoji") or None, blocks=tuple(blocks))
        elif kind == "details":
            summary = self._inline_source(values.get("summary") or "")
            block = Details(summary=_strip(summary), blocks=tuple(blocks))
        elif kind == "pullquote" and len(blocks) == 1 and isinstance(blocks[0], Quote):
            block = blocks[0].model_copy(update={"pull": True})
        if block is not None:
            self._unheld(kind, attrs, _DIV_VALUES[kind])
            self.blocks.append(block)
            return
        extra: dict[str, Any] = {"id": attrs.id} if attrs.id else {}
        if len(attrs.classes) > 1:
            extra["class"] = " ".join(attrs.classes[1:])
        extra.update({k: True if v is None else v for k, v in values.items()})
        if kind == "container":
            kind = str(extra.pop("kind", "container"))
        if not re.fullmatch(r"[a-z][a-z0-9_-]{0,63}", kind):
            extra["class"] = " ".join(attrs.classes)
            kind = "div"
        self.blocks.append(Container(kind=kind, attrs=extra, blocks=tuple(blocks)))

    def _unheld(self, kind: str, attrs: Attrs, known: frozenset[str]) -> None:
        """Report the attributes a div or link of ``kind`` has that its block has no place for."""
        unheld = [f"#{attrs.id}"] if attrs.id else []
        unheld += [f".{c}" for c in attrs.classes[1:]] + [k for k in attrs.values if k not in known]
        if unheld:
            self.report.warn(
                self.flavor.name, f"{kind}: attributes dropped: {' '.join(unheld)[:80]}", len(self.blocks)
            )

    def _linked(self, lines: list[tuple[list[SyntaxTreeNode], SyntaxTreeNode | None]]) -> bool:
        """A ``[text](url){.KIND ...}`` line: an Audio, Video, File, Button or Bookmark; the following lines
        are its caption."""
        first = lines[0][0]
        if len(first) < 2 or first[0].type != "link" or any(n.type not in _TEXTS for n in first[1:]):
            return False
        # escapes as written: an attribute value may hold \" (markdown-it gives its text alone)
        match = _QUOTED_ATTRS.fullmatch("".join(n.markup or n.content for n in first[1:]))
        attrs = parse_attrs(match[1]) if match else None
        if attrs is None or not attrs.classes or attrs.classes[0] not in LINKED_KINDS:
            return False
        href = str(first[0].attrs.get("href", ""))
        label = plain_text(self._inlines(list(first[0].children)))
        named = label if label != href else ""
        caption: list[Inline] = []
        for nodes, brk in lines[1:]:
            caption.extend(self._inlines(nodes if brk is None else [*nodes, brk]))
        captioned = _strip(normalize(tuple(caption)))
        kind, values = attrs.classes[0], attrs.values
        self._unheld(kind, attrs, _LINKED_VALUES[kind])
        block: Block
        if kind == "audio":
            block = Audio(src=href, caption=captioned)
        elif kind == "video":
            poster = values.get("poster")
            width, height = _int(values.get("width")), _int(values.get("height"))
            block = Video(src=href, caption=captioned, poster=poster, width=width, height=height)
        elif kind == "file":
            block = File(src=href, name=named, caption=captioned)
        elif kind == "button":
            block = Button(text=label, url=href)
        else:
            described = {k: values[k] for k in ("icon", "thumbnail", "publisher", "author") if values.get(k)}
            block = Bookmark(
                url=href,
                title=named,
                description=values.get("description") or "",
                caption=captioned,
                **described,
            )
        self.blocks.append(block)
        if isinstance(block, Button):
            self._add(Paragraph(inlines=captioned))  # a button has no caption: the lines are text
        return True

    # -- inline content

    def _inlines(self, nodes: Sequence[SyntaxTreeNode]) -> Inlines:
        out: list[Inline] = []
        for node in nodes:
            kind = node.type
            if kind in ("text", "text_special"):
                out.append(Text(text=node.content))
            elif kind == "softbreak":
                out.append(LineBreak() if self.flavor.newline_breaks else Text(text=" "))
            elif kind == "hardbreak":
                out.append(LineBreak())
            elif kind == "code_inline":
                out.append(Code(text=node.content))
            elif kind == "strong":
                out.append(Bold(children=self._inlines(node.children)))
            elif kind == "em":
                out.append(Italic(children=self._inlines(node.children)))
            elif kind == "link":
                title = node.attrs.get("title")
                out.append(
                    Link(
                        href=str(node.attrs.get("href", "")),
                        title=str(title) if title is not None else None,
                        children=self._inlines(node.children),
                    )
                )
            elif kind == "html_inline":
                out.append(RawInline(format="html", content=node.content))
            elif kind == "footnote_ref":
                note = self.notes.get(int(node.meta.get("id", -1)))
                label = f"[^{node.meta.get('label')}]"
                out.append(Note(children=note) if note is not None else Text(text=label))
            elif kind == "image":
                out.append(RawInline(format=self.flavor.name, content=_image_markup(node)))
            elif kind == "cms_embed":
                out.append(RawInline(format=self.flavor.name, content=node.content))
            else:  # pragma: no cover - every inline token of CommonMark is handled above
                out.append(RawInline(format=self.flavor.name, content=node.content))
        return normalize(tuple(out))


def _leading_text(nodes: Sequence[SyntaxTreeNode]) -> list[SyntaxTreeNode]:
    out = []
    for node in nodes:
        if node.type != "text":
            break
        out.append(node)
    return out


def _is_autolink(node: SyntaxTreeNode) -> bool:
    return node.type == "link" and node.markup == "autolink"


def _image_markup(node: SyntaxTreeNode) -> str:
    alt = "".join(c.content for c in node.children if c.type in ("text", "text_special"))
    title = node.attrs.get("title")
    title_part = ' "{}"'.format(str(title).replace('"', '\\"')) if title else ""
    return f"![{alt}]({node.attrs.get('src', '')}{title_part})"


def _drop_prefix(inlines: Inlines, count: int) -> Inlines:
    if inlines and isinstance(inlines[0], Text):
        rest = inlines[0].text[count:]
        return ((Text(text=rest),) if rest else ()) + inlines[1:]
    return inlines


def _strip(inlines: Inlines) -> Inlines:
    """Inline content without leading and trailing whitespace or line breaks."""
    items = list(normalize(inlines))
    while items and (
        isinstance(items[0], LineBreak) or (isinstance(items[0], Text) and not items[0].text.strip())
    ):
        items.pop(0)
    while items and (
        isinstance(items[-1], LineBreak) or (isinstance(items[-1], Text) and not items[-1].text.strip())
    ):
        items.pop()
    if items and isinstance(items[0], Text):
        items[0] = Text(text=items[0].text.lstrip(" \t"))
    if items and isinstance(items[-1], Text):
        items[-1] = Text(text=items[-1].text.rstrip(" \t"))
    return tuple(items)


def _chop(content: str) -> str:
    return content[:-1] if content.endswith("\n") else content


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def _flag(attrs: Attrs, name: str) -> bool:
    """A marker's flag attribute: given (``key``, ``key=true``) and not ``false``, ``no`` or ``0``."""
    return name in attrs.values and attrs.values[name] not in ("false", "no", "0")


def _parse_at(value: str | None) -> dt.datetime | dt.time | None:
    if value in (None, "none"):
        return None
    assert value is not None
    try:
        if "T" in value or (len(value) >= 10 and value[4] == "-"):
            return dt.datetime.fromisoformat(value)
        return dt.time.fromisoformat(value)
    except ValueError as exc:
        raise ParseError(f"bad update time {value!r}") from exc
