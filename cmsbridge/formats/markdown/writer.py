"""Blocks -> Markdown bodies, for the ``text`` and ``markdown`` formats (see :mod:`.markdown_common`).

A block that does not read back equal is reported as a loss in the conversion report where the post
crosses into the format (:mod:`.crossing`), never silently changed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence

from ...model import (
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
    Inlines,
    Italic,
    LineBreak,
    Link,
    List,
    Note,
    Paragraph,
    Post,
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
)
from ...report import ConversionReport
from ..attribution import attribution_at_end, unknown_source
from ..embeds import PROVIDER_SLUG, PROVIDERS, canonical_url, valid_id
from ..inert import MARKUP_FORMATS, make_inert
from ..updates import UPDATE_PREFIX, is_update_label, parse_update_label, unique_id, update_id_from_label
from .common import (
    DIV_KINDS,
    MARKER_CLASS,
    MARKER_HEADING_LEVEL,
    PREFORMATTED_INFO,
    Flavor,
    Reader,
    format_attrs,
)

_ALWAYS = re.compile(r"([\\`*\[\]{}]|(?<![^\W_])_|_(?![^\W_]))")
_ENTITY_LIKE = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_AUTOLINK_LIKE = re.compile(r"<(?=[A-Za-z][A-Za-z0-9.+-]{1,31}:[^<>\s]*>|[\w.!#$%&'*+/=?^`{|}~-]+@)")
_LINE_START = re.compile(r"^([#>+=~|:-])|^(\d{1,9})([.)])")
_ANCHOR = re.compile(r"[\w:.-]+")
"""A heading anchor written as ``{#anchor}``: nothing that would end the attribute list or add another."""
_TEMPLATE = re.compile(r"\{\{|\{%")
_LANGUAGE = re.compile(r"[^\s`{][^\s`]*")
"""A code block's language written as its fence's info (backslashes and ampersands escaped): no space nor
backtick, and no ``{`` first (attributes)."""
_ATTR_KEY = re.compile(r"[A-Za-z_][\w-]*")
_LIST_MARKER = re.compile(r"\s*(?:\d+([.)])|([-*+]))")
_ALIGN_RULE = {None: "---", "left": ":---", "right": "---:", "center": ":---:"}


def _at_text(at: dt.datetime | dt.time) -> str:
    if isinstance(at, dt.time) and at.second == 0 and at.microsecond == 0 and at.tzinfo is None:
        return at.strftime("%H:%M")
    return at.isoformat()


class Writer:
    def __init__(self, flavor: Flavor, report: ConversionReport, at: int | None = None) -> None:
        self.flavor = flavor
        self.report = report
        self.seen_ids: set[str] = set()
        self.index = 0
        self.at = at
        """The index of the outer block whose blocks this writer writes (losses are counted there)."""
        self.notes: list[Note] = []
        """Footnotes met so far, numbered in order: ``[^N]`` where they stand, ``[^N]: ...`` after the
        post's last block (one list shared with the writers of nested blocks)."""
        self.note_numbers: dict[int, int] = {}
        """Each note's number by the span's identity (a span written twice is one note)."""

    def loss(self, message: str) -> None:
        self.report.warn(self.flavor.name, message, self.index if self.at is None else self.at)

    def check_template(self, code: str) -> None:
        """Code cannot be escaped, and Hugo (shortcodes) and Jekyll (Liquid) expand templates in code too:
        a template delimiter there is reported (text outside code has its braces escaped)."""
        if self.flavor.html and _TEMPLATE.search(code):
            self.loss("code holds a template delimiter ({{ or {%) that Hugo or Jekyll would expand")

    # -- inline content

    def text(self, value: str, line_start: bool) -> str:
        value = value.replace("\n", " ")
        out = _ALWAYS.sub(r"\\\1", value)
        out = out.replace("\\{%", "\\{\\%")  # no "{%" left for Jekyll's Liquid ("{{" is "\{\{" already)
        out = _ENTITY_LIKE.sub(r"\\&", out)
        out = _AUTOLINK_LIKE.sub(r"\\<", out) if not self.flavor.html else out.replace("<", "\\<")
        if line_start:
            out = _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", out, count=1)
            if out[:1] in ("—", "―"):
                out = f"&#{ord(out[0])};" + out[1:]
            label = UPDATE_PREFIX.match(out) if is_update_label(out) else None
            if label is not None:  # the separator escaped, so the text is not read as a label
                at = label.end() - 1
                sep = out[at]
                out = out[:at] + (f"\\{sep}" if sep in ":-" else f"&#{ord(sep)};") + out[at + 1 :]
            stripped = out.lstrip(" \t")
            out = "".join("&#32;" if c == " " else "&#9;" for c in out[: len(out) - len(stripped)]) + stripped
        return out

    def inlines(self, spans: Inlines, line_start: bool = True) -> str:
        parts: list[str] = []
        start = line_start
        for span in spans:
            if isinstance(span, Text):
                parts.append(self.text(span.text, start))
            elif isinstance(span, Bold):
                parts.append(f"**{self.inlines(span.children, False)}**")
            elif isinstance(span, Italic):
                parts.append(f"*{self.inlines(span.children, False)}*")
            elif isinstance(span, Code):
                self.check_template(span.text)
                parts.append(_code(span.text))
            elif isinstance(span, Link):
                parts.append(f"[{self.inlines(span.children, False)}]({_destination(span.href, span.title)})")
            elif isinstance(span, LineBreak):
                parts.append("\n" if self.flavor.newline_breaks else "\\\n")
                start = True
                continue
            elif isinstance(span, Note):
                if id(span) not in self.note_numbers:
                    self.notes.append(span)
                    self.note_numbers[id(span)] = len(self.notes)
                parts.append(f"[^{self.note_numbers[id(span)]}]")
            elif isinstance(span, RawInline):
                if span.format == self.flavor.name or (span.format == "html" and self.flavor.html):
                    parts.append(span.content)
                else:
                    self.loss(f"inline {span.format} markup written as its text: {span.content[:40]!r}")
                    parts.append(self.text(re.sub(r"<[^>]*>", "", span.content), start))
            start = False
        text = "".join(parts)
        # a trailing space before a newline or at the end would be dropped: keep it as an entity
        return re.sub(r"[ \t]+(?=\n|$)", lambda m: m[0].replace(" ", "&#32;").replace("\t", "&#9;"), text)

    # -- blocks

    def blocks(self, blocks: Sequence[Block]) -> str:
        blocks = make_inert(Post(blocks=tuple(blocks)), self.flavor.name, self.report).blocks
        chunks: list[str] = []
        joins: list[str] = []
        previous: Block | None = None
        last_list_marker = ""
        for self.index, block in enumerate(blocks):
            written = self.block(block, last_list_marker if isinstance(previous, List) else "")
            if written is None:
                previous = None
                continue
            if isinstance(block, List):
                last_list_marker = _marker_of(written)
            elif isinstance(previous, List) and written[:1] in (" ", "\t"):
                self.loss("indented markdown after a list is read as part of the list")
            compact = (
                self.flavor.newline_breaks
                and isinstance(previous, UpdateMarker | Embed)
                and isinstance(block, Paragraph)
                and block.inlines
                and not isinstance(block.inlines[0], LineBreak)
                and not (isinstance(previous, Embed) and written.startswith("&#"))
            )
            if chunks:
                joins.append(("\n" if isinstance(previous, UpdateMarker) else " ") if compact else "\n\n")
            chunks.append(written)
            previous = block
        out = chunks[0] if chunks else ""
        for join, chunk in zip(joins, chunks[1:], strict=True):
            out += join + chunk
        if self.at is None and self.notes:
            out = (out + "\n\n" if out else "") + self.definitions()
        return out

    def definitions(self) -> str:
        """The footnotes' definitions, ``[^N]: text``, continuation lines indented (a note written here
        may hold notes of its own: they are numbered after the others)."""
        lines: list[str] = []
        number = 0
        while number < len(self.notes):
            note = self.notes[number]
            number += 1
            body = self.inlines(note.children, False)
            lines.append(f"[^{number}]: " + body.replace("\n", "\n    "))
        return "\n".join(lines)

    def block(self, block: Block, after_list: str) -> str | None:
        if isinstance(block, UpdateMarker):
            return self.marker(block)
        if isinstance(block, Raw):
            return self.raw(block)
        return self.plain_block(block, after_list)

    def plain_block(self, block: Block, after_list: str) -> str | None:
        if isinstance(block, Quote) and block.pull:
            return self.new_block(block)
        if isinstance(block, Paragraph):
            if not block.inlines:
                self.loss("empty paragraph dropped")
                return None
            return self.unattributed(self.inlines(block.inlines))
        if isinstance(block, Heading):
            anchor = ""
            if block.anchor and _ANCHOR.fullmatch(block.anchor):
                anchor = f" {format_attrs(id=block.anchor)}"
            elif block.anchor:
                self.loss(f"heading anchor {block.anchor[:40]!r} cannot be written as {{#anchor}}; dropped")
            text = self.inlines(block.inlines).replace("\n", " ")
            text = re.sub(r"#(?=(?:\\?#)*\s*$)", r"\\#", text)
            return f"{'#' * block.level} {text}{anchor}".rstrip()
        if isinstance(block, Quote):
            return self.quote(block)
        if isinstance(block, Embed):
            return self.embed(block)
        if isinstance(block, List):
            if not block.items:
                self.loss("empty list dropped")
                return None
            return self.list(block, after_list)
        if isinstance(block, Image):
            return self.image(block)
        if isinstance(block, Separator):
            return "---"
        return self.new_block(block)

    def new_block(self, block: Block) -> str | None:
        """The blocks the model has since issue 15 (see docs/text-format.md for their forms)."""
        if isinstance(block, CodeBlock):
            return self.code_block(block)
        if isinstance(block, Preformatted):
            if any(not isinstance(span, Text | LineBreak) for span in block.inlines):
                self.loss("preformatted text: marks and links dropped (written as a fenced block of text)")
            return self.fenced(plain_text(block.inlines), PREFORMATTED_INFO)
        if isinstance(block, Table):
            return self.table(block)
        if isinstance(block, Gallery):
            caption = (Paragraph(inlines=block.caption),) if block.caption else ()
            columns = {"columns": str(block.columns)} if block.columns else {}
            return self.div("gallery", columns, (*block.images, *caption))
        if isinstance(block, Callout):
            return self.div("callout", {"emoji": block.emoji} if block.emoji else {}, block.blocks)
        if isinstance(block, Details):
            summary = self.inlines(block.summary, False)
            if "\n" in summary:
                self.loss("details summary: line breaks dropped")
                summary = summary.replace("\\\n", " ").replace("\n", " ")
            return self.div("details", {"summary": summary} if summary else {}, block.blocks)
        if isinstance(block, Quote):  # a pull quote
            return self.div("pullquote", {}, (block.model_copy(update={"pull": False}),))
        if isinstance(block, Container):
            return self.container(block)
        if isinstance(block, Audio):
            return self.linked("audio", "Audio", block.src, {}, block.caption)
        if isinstance(block, Video):
            sizes = {"poster": block.poster, "width": block.width, "height": block.height}
            values = {k: str(v) for k, v in sizes.items() if v is not None}
            return self.linked("video", "Video", block.src, values, block.caption)
        if isinstance(block, File):
            return self.linked("file", block.name or block.src, block.src, {}, block.caption)
        if isinstance(block, Button):
            return self.linked("button", block.text, block.url, {}, ())
        if isinstance(block, Bookmark):
            said = {
                "description": block.description,
                "icon": block.icon,
                "thumbnail": block.thumbnail,
                "publisher": block.publisher,
                "author": block.author,
            }
            values = {k: v for k, v in said.items() if v}
            return self.linked("bookmark", block.title or block.url, block.url, values, block.caption)
        raise AssertionError(block)  # pragma: no cover

    def fenced(self, code: str, info: str) -> str:
        if "\r" in code or "\0" in code:
            self.loss("code: carriage returns and NULs are not kept")
        self.check_template(code)
        fence = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", code)), default=0))
        return f"{fence}{info}\n{code}\n{fence}"

    def code_block(self, block: CodeBlock) -> str:
        language = block.language or ""
        if language and not _LANGUAGE.fullmatch(language):
            self.loss(f"code block language {language[:40]!r} cannot be written as a fence's info; dropped")
            language = ""
        self.check_template(language)
        return self.fenced(block.code, re.sub(r"([\\&])", r"\\\1", language))

    def div(self, kind: str, values: dict[str, str], blocks: Sequence[Block]) -> str:
        """A fenced div ``::: {.KIND key=value}`` around ``blocks`` (longer fences outside)."""
        inner = Writer(self.flavor, self.report, self.index if self.at is None else self.at)
        inner.seen_ids = self.seen_ids
        inner.notes = self.notes
        inner.note_numbers = self.note_numbers
        body = inner.blocks(blocks)
        longest = max((len(m) for m in re.findall(r"^[ \t]*(:{3,})", body, re.M)), default=2)
        fence = ":" * (longest + 1)
        head = f"{fence} {format_attrs(classes=[kind], values=values)}"
        return f"{head}\n{body}\n{fence}" if body else f"{head}\n{fence}"

    def container(self, block: Container) -> str:
        values: dict[str, str] = {}
        kind = block.kind
        if kind in DIV_KINDS:
            values["kind"], kind = kind, "container"
        for key, value in block.attrs.items():
            if not _ATTR_KEY.fullmatch(key) or key in values:
                self.loss(f"container attribute {key[:40]!r} cannot be written; dropped")
                continue
            if not isinstance(value, str):
                self.loss(f"container attribute {key[:40]!r}: written as its JSON text")
                value = json.dumps(value)
            values[key] = value
        return self.div(kind, values, block.blocks)

    def linked(self, kind: str, label: str, url: str, values: dict[str, str], caption: Inlines) -> str:
        """``[label](url){.KIND key=value}``, the caption on the following lines."""
        attrs = format_attrs(classes=[kind], values=values)
        markup = f"[{self.text(label, False)}]({_destination(url, None)}){attrs}"
        if caption:
            markup += ("\n" if self.flavor.newline_breaks else "\\\n") + self.inlines(caption)
        return markup

    def table(self, table: Table) -> str | None:
        rows = [*table.head, *table.body, *table.foot]
        if not rows:
            self.loss("empty table dropped")
            return None
        if len(table.head) != 1:
            self.loss("a table has one header row in Markdown: other rows written as body rows")
        if table.foot:
            self.loss("table footer rows written as body rows")
        header, body = (
            (table.head[0], [*table.head[1:], *table.body, *table.foot]) if table.head else (TableRow(), rows)
        )
        width = max(len(row.cells) for row in rows) or 1
        aligns = [
            next((r.cells[i].align for r in rows if len(r.cells) > i and r.cells[i].align), None)
            for i in range(width)
        ]
        cells = [cell for row in rows for cell in row.cells]
        if any(cell.colspan != 1 or cell.rowspan != 1 for cell in cells):
            self.loss("table: merged cells (colspan, rowspan) written as single cells")
        if any(len(row.cells) != width for row in rows):
            self.loss("table rows of unequal length padded with empty cells")
        if any(cell.align != aligns[i] for row in rows for i, cell in enumerate(row.cells)):
            self.loss("table: alignment is one per column in Markdown")
        if any(not c.header for c in header.cells) or any(c.header for row in body for c in row.cells):
            self.loss("table: header cells are the first row's in Markdown")
        lines = [self.table_row(header, width), "| " + " | ".join(_ALIGN_RULE[a] for a in aligns) + " |"]
        lines += [self.table_row(row, width) for row in body]
        if table.caption:
            self.loss("table caption written as a paragraph after the table")
            lines.append("\n" + self.inlines(table.caption))
        return "\n".join(lines)

    def table_row(self, row: TableRow, width: int) -> str:
        cells = [*row.cells, *[TableCell()] * (width - len(row.cells))]
        texts = []
        for cell in cells:
            text = self.inlines(cell.inlines, False)
            if "\n" in text:
                self.loss("table cell: line breaks dropped")
                text = text.replace("\\\n", " ").replace("\n", " ")
            texts.append(text.replace("|", "\\|"))
        return "| " + " | ".join(texts) + " |"

    def marker(self, marker: UpdateMarker) -> str:
        label = marker.label.replace("\n", " ").strip()
        if label != marker.label:
            self.loss("update label: newlines and edge spaces dropped")
        derived_id = unique_id(update_id_from_label(label), self.seen_ids)
        at, tz = parse_update_label(label)
        values: dict[str, str | tuple[str, ...]] = {}
        if marker.at != at or type(marker.at) is not type(at):
            values["at"] = _at_text(marker.at) if marker.at is not None else "none"
        if marker.tz != tz:
            values["tz"] = marker.tz or "none"
        if marker.key:
            values["key"] = "true"
        if marker.by:
            values["by"] = marker.by
        if marker.headline:
            values["headline"] = " ".join(marker.headline.splitlines())
            if values["headline"] != marker.headline:
                self.loss("update headline: line breaks written as spaces (an attribute is one line)")
        if marker.pinned:
            values["pinned"] = "true"
        if marker.edited is not None:
            values["edited"] = marker.edited.isoformat()
        as_line = self.flavor.marker_lines
        explicit_id = marker.id != derived_id or (as_line and not is_update_label(label))
        self.seen_ids.add(marker.id)
        if as_line:
            prefix = UPDATE_PREFIX.match(label)
            head = label[: prefix.end()] if prefix else ""
            text = head + self.text(label[len(head) :], not head)
            attrs = format_attrs(id=marker.anchor if explicit_id else None, values=values)
            return f"{text} {attrs}".strip() if attrs != "{}" else text
        attrs = format_attrs(id=marker.anchor, classes=[MARKER_CLASS], values=values)
        return f"{'#' * MARKER_HEADING_LEVEL} {self.text(label, False)} {attrs}"

    def raw(self, raw: Raw) -> str | None:
        if raw.format == self.flavor.name:
            return raw.content
        if raw.format == "html" and self.flavor.html:
            probe = Reader(self.flavor, ConversionReport()).read(raw.content)
            if probe == [raw.without_origin()]:
                return raw.content
        if not self.flavor.html and raw.format in MARKUP_FORMATS:
            self.loss(f"raw {raw.format} content is kept as text: {self.flavor.name} never reads markup")
        if "\r" in raw.content or "\0" in raw.content:
            self.loss("raw block: carriage returns and NULs are not kept")
        self.check_template(raw.content)
        fence = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", raw.content)), default=0))
        return f"{fence}{{={raw.format}}}\n{raw.content}\n{fence}"

    def unattributed(self, written: str) -> str:
        """A paragraph as written, its last line's bare attribution escaped (``said." \\link``) when it
        ends with one, so that it reads back as the paragraph, not a quote (docs/text-format.md rule 8)."""
        found = attribution_at_end(written) if self.flavor.attribution_quotes else None
        if found is None or found["escape"]:
            return written
        return written[: found.start("attribution")] + "\\" + written[found.start("attribution") :]

    def attributed(self, quote: Quote) -> str | None:
        """A quote of one paragraph cited by a bare attribution and no source URL as newsroom text carries
        it, the attribution after the paragraph (``... said." link``), when it reads back so; else None."""
        cited = unknown_source(quote) if self.flavor.attribution_quotes else None
        if cited is None or len(quote.paragraphs) != 1:
            return None
        scratch = ConversionReport()  # a loss in the paragraph is the quoted form's to report
        written = f"{Writer(self.flavor, scratch).inlines(quote.paragraphs[0].inlines)} {cited}"
        if scratch or Reader(self.flavor, ConversionReport()).read(written) != [quote]:
            return None
        return written

    def quote(self, quote: Quote) -> str:
        attributed = self.attributed(quote)
        if attributed is not None:
            return attributed
        lines: list[str] = []
        for i, paragraph in enumerate(quote.paragraphs):
            if i:
                lines.append(">")
            if not paragraph.inlines:
                self.loss("empty paragraph in a quote dropped")
            lines += [f"> {line}".rstrip() for line in self.inlines(paragraph.inlines).split("\n")]
        if quote.citation or quote.source_url:
            cite = "— " + self.inlines(quote.citation, False).replace("\n", " ")
            if quote.source_url:
                if re.fullmatch(r"[A-Za-z][A-Za-z0-9.+-]{1,31}:[^<>\s]*", quote.source_url):
                    cite += f" <{quote.source_url}>"
                else:
                    self.loss(f"quote source URL {quote.source_url!r} cannot be written")
            if lines:
                lines[-1] += "\n" if self.flavor.newline_breaks else "\\\n"
                lines[-1] += f"> {cite.strip()}"
            else:
                lines.append(f"> {cite.strip()}")
        return "\n".join(lines) if lines else ">"

    def embed(self, embed: Embed) -> str | None:
        provider = embed.provider
        if not PROVIDER_SLUG.fullmatch(provider) or (
            embed.provider_id and not valid_id(provider, embed.provider_id)
        ):
            self.loss(f"embed of {embed.url[:60]!r}: provider or id cannot be written; written as generic")
            provider, embed = "generic", embed.model_copy(update={"provider_id": None})
        known = PROVIDERS.get(provider)
        kind = "video" if known is not None and known.player is not None else "embed"
        head = f"[{kind}:{provider}" + (f":{embed.provider_id}" if embed.provider_id else "")
        caption = f" {self.inlines(embed.caption, False)}" if embed.caption else ""
        if "\n" in caption:
            self.loss("embed caption: line breaks dropped")
            caption = caption.replace("\\\n", " ").replace("\n", " ")
        url = embed.url
        same = embed.provider_id is not None and canonical_url(provider, embed.provider_id) == url
        return head + caption + "]" + ("" if same else f"({_destination(url, None)})")

    def image(self, image: Image) -> str:
        alt = self.text(image.alt, False)
        markup = f"![{alt}]({_destination(image.src, None)})"
        if image.link is not None:
            markup = f"[{markup}]({_destination(image.link, None)})"
        sizes = {k: str(v) for k, v in (("width", image.width), ("height", image.height)) if v is not None}
        if sizes:
            markup += format_attrs(values=sizes)
        if image.caption:
            markup += ("\n" if self.flavor.newline_breaks else "\\\n") + self.inlines(image.caption)
        return markup

    def list(self, block: List, after: str, indent: str = "") -> str:
        """``after``: the marker of a list just before, which this one's must differ from (else one list)."""
        start = block.start if block.ordered else 1
        if block.start != start:
            self.loss("the start of an unordered list dropped")
        if not 0 <= start <= 999_999_999:
            self.loss(f"list start {block.start} cannot be written in Markdown (0 to 999999999); 1 written")
            start = 1
        numbered = start + len(block.items) - 1 <= 999_999_999
        delimiter = ")" if after == "." else "."
        loose = _loose(block)
        lines: list[str] = []
        for number, item in enumerate(block.items, start):
            marker = (
                f"{number if numbered else start}{delimiter}"
                if block.ordered
                else "*"
                if after == "-"
                else "-"
            )
            pad = " " * (len(marker) + 1)
            body = self.inlines(item.inlines).replace("\n", "\n" + indent + pad)
            lines.append(("\n" if loose and lines else "") + f"{indent}{marker} {body}".rstrip())
            previous = ""
            for child in item.children:
                nested = self.list(child, previous, indent + pad)
                previous = _marker_of(nested)
                lines.append(nested)
        return "\n".join(lines)


def _marker_of(written: str) -> str:
    """The delimiter (``.``, ``)``) or bullet of the list written as ``written``."""
    found = _LIST_MARKER.match(written)
    return (found[1] or found[2]) if found else ""


def _loose(block: List) -> bool:
    """Whether ``block`` was read from a loose list (items apart: the model has no field for it)."""
    origin = block.origin
    return (
        origin is not None
        and origin.format in ("markdown", "text")
        and (origin.attrs or {}).get("loose") is True
    )


def _code(value: str) -> str:
    if "\n" in value:
        value = value.replace("\n", " ")
    longest = max((len(r) for r in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith(("`", " ")) or value.endswith(("`", " ")) else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def _destination(href: str, title: str | None) -> str:
    # a line break would end the link and start a block: a URL's is encoded, a title's is a space
    href = href.replace("\r", "%0D").replace("\n", "%0A")
    if title is not None:
        title = re.sub(r"[\r\n]+", " ", title)
    # braces escaped so that no "{{" or "{%" is left for Hugo or Jekyll to expand
    if re.fullmatch(r"[^\s()<>\\{]+", href):
        dest = href
    else:
        dest = "<" + re.sub(r"([<>\\{])", r"\\\1", href).replace("\\{%", "\\{\\%") + ">"
    if title is not None:
        dest += ' "' + re.sub(r'(["\\{])', r"\\\1", title).replace("\\{%", "\\{\\%") + '"'
    return dest
