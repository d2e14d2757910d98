"""WordPress blocks for code, tables, media, buttons, pull quotes, details and wrappers <-> the model.

Reading (``read_*``): one parsed block and its spans -> a model block without origin, or ``None`` when
the block holds something the model cannot express (the caller keeps it as Raw). Wrapper blocks
(core/group, core/columns, core/column, core/cover, core/details, core/gallery) read their inner blocks
with :func:`read_inner`, each inner block carrying its own origin so it is written back byte for byte.
A core/buttons row becomes consecutive :class:`~cmsbridge.model.Button` blocks (:func:`read_buttons`).

Writing (``new_*``): a block without WordPress origin, as the current block editor's ``serialize()``
writes it. Blocks WordPress has no block for (a callout, a bookmark card) are written in their most
faithful readable form and the loss is reported.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from lxml import etree

from ... import gutenberg
from ...model import (
    LIVE_STATUS,
    Audio,
    Block,
    Bookmark,
    Button,
    Callout,
    CodeBlock,
    Container,
    Details,
    File,
    Gallery,
    Image,
    Inlines,
    Link,
    Origin,
    Paragraph,
    Preformatted,
    Quote,
    Raw,
    Table,
    TableCell,
    TableRow,
    Text,
    Video,
    plain_text,
    text,
)
from ...report import ConversionReport
from ..html.blocks import CELL_ALIGNS, sections_html, table_of, table_sections
from ..html.inline import inlines_from_element, inlines_from_html, inlines_to_html, parse_fragment
from .html import WS, Span, delimited, escape_attr, tag_attrs
from .markers import METADATA_KEY

FORMAT = "gutenberg"
_S = re.DOTALL | re.IGNORECASE
CAPTION_OPEN = '<figcaption class="wp-element-caption">'
CONTAINER_KINDS = {
    "core/group": "group",
    "core/columns": "columns",
    "core/column": "column",
    "core/cover": "cover",
}
_GROUP_TAGS = frozenset({"div", "section", "main", "article", "aside", "header", "footer"})
LIVE_STATUS_NAME = "Live coverage"
"""The name the block editor's list view shows for a story's live-status group (``metadata.name``)."""


def _attrs(block: gutenberg.ParsedBlock) -> dict[str, Any] | None:
    attrs = block["attrs"]
    return attrs if isinstance(attrs, dict) else None


def _only(block: gutenberg.ParsedBlock, tag: str) -> etree._Element | None:
    """The single element of a leaf block's HTML, when it is a ``tag`` with only whitespace around it."""
    if _attrs(block) is None or block["innerBlocks"]:
        return None
    wrapper = parse_fragment(block["innerHTML"].strip(WS))
    if (wrapper.text or "").strip(WS) or len(wrapper) != 1 or (wrapper[0].tail or "").strip(WS):
        return None
    return wrapper[0] if wrapper[0].tag == tag else None


def _children(element: etree._Element) -> list[etree._Element] | None:
    """The child elements, or None when text (or a comment) sits between them."""
    if (element.text or "").strip(WS):
        return None
    children = list(element)
    if any(not isinstance(c.tag, str) or (c.tail or "").strip(WS) for c in children):
        return None
    return children


def _figure_parts(block: gutenberg.ParsedBlock, tag: str) -> tuple[etree._Element, Inlines] | None:
    """A ``<figure>`` holding one ``tag`` element and an optional caption."""
    figure = _only(block, "figure")
    children = _children(figure) if figure is not None else None
    if not children or children[0].tag != tag:
        return None
    if len(children) == 1:
        return children[0], ()
    if len(children) == 2 and children[1].tag == "figcaption":
        return children[0], inlines_from_element(children[1])
    return None


def _classes(element: etree._Element) -> list[str]:
    return (element.get("class") or "").split()


# --- reading -------------------------------------------------------------------------------------------


ReadBlock = Callable[[gutenberg.ParsedBlock, Span, str], Block | None]
"""The reader of one parsed block (:func:`cmsbridge.formats.wordpress.reader.read_block`), which a
wrapper's reader is given for its inner blocks."""


def read_inner(
    block: gutenberg.ParsedBlock, spans: list[Span], doc: str, read_block: ReadBlock
) -> tuple[Block, ...]:
    """A wrapper's inner blocks as model blocks, each with its origin (Raw for what the model cannot
    hold; a core/buttons row as its buttons)."""
    out: list[Block] = []
    for inner, span in zip(block["innerBlocks"], spans, strict=True):
        markup = doc[span.start : span.end]
        if inner["blockName"] == "core/buttons":
            buttons = read_buttons(inner, span, doc)
            if buttons is not None:
                out.extend(buttons)
                continue
        origin = Origin(format=FORMAT, markup=markup, attrs=inner["attrs"])
        model = read_block(inner, span, doc)
        if model is None:
            out.append(Raw(format=FORMAT, content=markup, origin=origin))
        else:
            out.append(model.model_copy(update={"origin": origin}))
    return tuple(out)


def shell(block: gutenberg.ParsedBlock) -> tuple[str, str] | None:
    """The HTML before and after a wrapper's inner blocks (only whitespace between them)."""
    content = block["innerContent"]
    if not content or content[0] is None or content[-1] is None or len(content) < 2:
        return None
    if any(c is not None and c.strip(WS) for c in content[1:-1]):
        return None
    return content[0], content[-1]


def read_code(block: gutenberg.ParsedBlock) -> CodeBlock | None:
    pre = _only(block, "pre")
    children = _children(pre) if pre is not None else None
    if pre is None or children is None or len(children) != 1 or children[0].tag != "code":
        return None
    code = children[0]
    if code.attrib and set(code.attrib) != {"class"}:
        return None
    for inner in code.iter():
        if inner is not code and inner.tag != "br":
            return None
    attrs = _attrs(block) or {}
    language = attrs.get("language") or attrs.get("lang")
    for name in [*_classes(pre), *_classes(code)]:
        found = re.fullmatch(r"(?:language|lang)-([\w+#.-]+)", name)
        if found and not language:
            language = found.group(1)
    text_parts = [code.text or ""]
    for br in code:
        text_parts += ["\n", br.tail or ""]
    return CodeBlock(code="".join(text_parts), language=language if isinstance(language, str) else None)


def read_preformatted(block: gutenberg.ParsedBlock) -> Preformatted | None:
    pre = _only(block, "pre")
    return None if pre is None else Preformatted(inlines=inlines_from_element(pre))


def _cell(cell: etree._Element) -> TableCell | None:
    if cell.tag not in ("td", "th") or (cell.tail or "").strip(WS):
        return None
    if set(cell.attrib) - {"class", "data-align", "colspan", "rowspan"}:
        return None
    align = cell.get("data-align")
    extra = [c for c in _classes(cell) if c != f"has-text-align-{align}"]
    if extra or (align is not None and align not in CELL_ALIGNS):
        return None
    spans = [cell.get(n, "1") for n in ("colspan", "rowspan")]
    if not all(s.isdigit() and 1 <= int(s) <= 1000 for s in spans):
        return None
    return TableCell(
        inlines=inlines_from_element(cell),
        header=cell.tag == "th",
        align=align,
        colspan=int(spans[0]),
        rowspan=int(spans[1]),
    )


def read_table(block: gutenberg.ParsedBlock) -> Table | None:
    parts = _figure_parts(block, "table")
    if parts is None:
        return None
    table, caption = parts
    sections = table_sections()
    children = _children(table)
    if children is None or set(table.attrib) - {"class"}:
        return None
    for section in children:
        rows = _children(section)
        if section.tag not in sections or section.attrib or rows is None or sections[section.tag]:
            return None
        for row in rows:
            cells = _children(row)
            if row.tag != "tr" or row.attrib or cells is None:
                return None
            read = [_cell(c) for c in cells]
            if any(c is None for c in read):
                return None
            sections[section.tag].append(TableRow(cells=tuple(c for c in read if c is not None)))
    return table_of(sections, caption)


def _media(
    block: gutenberg.ParsedBlock, tag: str, allowed: set[str]
) -> tuple[etree._Element, Inlines] | None:
    parts = _figure_parts(block, tag)
    if parts is None or set(parts[0].attrib) - allowed or not parts[0].get("src") or len(parts[0]):
        return None
    return parts


def read_audio(block: gutenberg.ParsedBlock) -> Audio | None:
    parts = _media(block, "audio", {"src", "controls"})
    return None if parts is None else Audio(src=parts[0].get("src") or "", caption=parts[1])


def read_video(block: gutenberg.ParsedBlock) -> Video | None:
    parts = _media(block, "video", {"src", "controls", "poster"})
    if parts is None:
        return None
    return Video(src=parts[0].get("src") or "", caption=parts[1], poster=parts[0].get("poster"))


def read_file(block: gutenberg.ParsedBlock) -> File | None:
    div = _only(block, "div")
    links = _children(div) if div is not None else None
    attrs = _attrs(block) or {}
    if not links or any(a.tag != "a" for a in links) or len(links) > 2:
        return None
    named = [a for a in links if a.get("download") is None]
    buttons = [a for a in links if a.get("download") is not None]
    if len(named) > 1 or len(buttons) > 1:
        return None
    src = attrs.get("href") or (buttons[0].get("href") if buttons else None)
    if not isinstance(src, str) or not src:
        return None
    name = plain_text(inlines_from_element(named[0])) if named else ""
    return File(src=src, name=name)


def read_button(block: gutenberg.ParsedBlock) -> Button | None:
    div = _only(block, "div")
    links = _children(div) if div is not None else None
    if (
        not links
        or len(links) != 1
        or links[0].tag != "a"
        or set(links[0].attrib) - {"class", "href", "style"}
    ):
        return None  # a button element, or a link target, rel or title the model has no place for
    inlines = inlines_from_element(links[0])
    if any(not isinstance(span, Text) for span in inlines):
        return None
    return Button(text=plain_text(inlines), url=links[0].get("href") or "")


def read_buttons(block: gutenberg.ParsedBlock, span: Span, doc: str) -> list[Button] | None:
    """A row of buttons as its buttons, each with its origin, when the row is exactly what
    :func:`buttons_row` writes for them (no attributes or markup of its own)."""
    out: list[Button] = []
    for inner, child in zip(block["innerBlocks"], span.children, strict=True):
        button = read_button(inner) if inner["blockName"] == "core/button" else None
        if button is None:
            return None
        origin = Origin(format=FORMAT, markup=doc[child.start : child.end], attrs=inner["attrs"])
        out.append(button.model_copy(update={"origin": origin}))
    markups = [b.origin.markup for b in out if b.origin is not None]
    if not out or buttons_row(markups) != doc[span.start : span.end]:
        return None
    return out


def read_pullquote(block: gutenberg.ParsedBlock) -> Quote | None:
    figure = _only(block, "figure")
    children = _children(figure) if figure is not None else None
    if not children or len(children) != 1 or children[0].tag != "blockquote":
        return None
    parts = _children(children[0])
    if parts is None:
        return None
    paragraphs: list[Paragraph] = []
    citation: Inlines = ()
    for i, child in enumerate(parts):
        if child.tag == "p" and not child.attrib:
            paragraphs.append(Paragraph(inlines=inlines_from_element(child)))
        elif child.tag == "cite" and i == len(parts) - 1 and not child.attrib:
            citation = inlines_from_element(child)
        else:
            return None
    return Quote(paragraphs=tuple(paragraphs), citation=citation, pull=True)


_DETAILS_OPEN = re.compile(
    rf"\A[{WS}]*<details\b[^>]*>[{WS}]*<summary>(?P<summary>.*?)</summary>[{WS}]*\Z", _S
)


def read_details(
    block: gutenberg.ParsedBlock, spans: list[Span], doc: str, read_block: ReadBlock
) -> Details | None:
    parts = shell(block) if block["innerBlocks"] else None
    if parts is None:
        parts = (
            (block["innerHTML"].rsplit("</details", 1)[0], "</details>") if not block["innerBlocks"] else None
        )
    match = _DETAILS_OPEN.match(parts[0]) if parts else None
    if parts is None or match is None or not re.fullmatch(rf"[{WS}]*</details>[{WS}]*", parts[1]):
        return None
    summary = inlines_from_html(match["summary"])
    return Details(summary=summary, blocks=read_inner(block, spans, doc, read_block))


_GALLERY_OPEN = re.compile(rf"\A[{WS}]*<figure\b[^>]*\bwp-block-gallery\b[^>]*>[{WS}]*\Z", _S)
_GALLERY_CLOSE = re.compile(
    rf"\A[{WS}]*(?:<figcaption\b[^>]*>(?P<caption>.*)</figcaption>)?[{WS}]*</figure>[{WS}]*\Z", _S
)


def read_gallery(
    block: gutenberg.ParsedBlock, spans: list[Span], doc: str, read_block: ReadBlock
) -> Gallery | None:
    parts = shell(block)
    attrs = _attrs(block) or {}
    if parts is None or not _GALLERY_OPEN.match(parts[0]):
        return None
    close = _GALLERY_CLOSE.match(parts[1])
    images = read_inner(block, spans, doc, read_block)
    if close is None or not all(isinstance(i, Image) for i in images):
        return None
    columns = attrs.get("columns")
    if not (isinstance(columns, int) and 1 <= columns <= 12):
        columns = None
    caption = inlines_from_html(close["caption"]) if close["caption"] else ()
    return Gallery(images=tuple(i for i in images if isinstance(i, Image)), columns=columns, caption=caption)


_COVER_INNER = re.compile(rf'<div class="wp-block-cover__inner-container[^"]*">[{WS}]*\Z')


def read_container(
    block: gutenberg.ParsedBlock, spans: list[Span], doc: str, read_block: ReadBlock
) -> Container | None:
    kind = CONTAINER_KINDS[block["blockName"] or ""]
    parts = shell(block)
    attrs = _attrs(block)
    if parts is None or attrs is None:
        return None
    if kind == "cover":
        if _COVER_INNER.search(parts[0]) is None or not re.fullmatch(
            rf"[{WS}]*</div>[{WS}]*</div>[{WS}]*", parts[1]
        ):
            return None
    elif re.fullmatch(rf"[{WS}]*<[a-z]+\b[^<>]*>[{WS}]*", parts[0]) is None:
        return None
    coverage = _live_status_attrs(attrs) if kind == "group" else None
    if coverage is not None:
        kind, attrs = LIVE_STATUS, coverage
    return Container(kind=kind, attrs=attrs, blocks=read_inner(block, spans, doc, read_block))


def _live_status_attrs(attrs: dict[str, Any]) -> dict[str, Any] | None:
    """A group's ``metadata.cmsbridge["live-status"]``: the attributes of a story's live-status container
    (:func:`new_container` writes them there, where the block editor keeps them and nothing renders them)."""
    meta = attrs.get("metadata")
    ours = meta.get(METADATA_KEY) if isinstance(meta, dict) else None
    coverage = ours.get(LIVE_STATUS) if isinstance(ours, dict) else None
    return coverage if isinstance(coverage, dict) else None


def readers(
    block: gutenberg.ParsedBlock, span: Span, doc: str, read_block: ReadBlock
) -> dict[str, Callable[[], Block | None]]:
    """The readers of this module, by block name; ``read_block`` reads a wrapper's inner blocks."""
    kids = span.children
    out: dict[str, Callable[[], Block | None]] = {
        "core/code": lambda: read_code(block),
        "core/preformatted": lambda: read_preformatted(block),
        "core/table": lambda: read_table(block),
        "core/audio": lambda: read_audio(block),
        "core/video": lambda: read_video(block),
        "core/file": lambda: read_file(block),
        "core/button": lambda: read_button(block),
        "core/pullquote": lambda: read_pullquote(block),
        "core/details": lambda: read_details(block, kids, doc, read_block),
        "core/gallery": lambda: read_gallery(block, kids, doc, read_block),
    }
    for name in CONTAINER_KINDS:
        out[name] = lambda: read_container(block, kids, doc, read_block)
    return out


# --- writing new blocks --------------------------------------------------------------------------------


def _caption(caption: Inlines, classes: str = "wp-element-caption") -> str:
    return f'<figcaption class="{classes}">{inlines_to_html(caption)}</figcaption>' if caption else ""


def escape_code(code: str) -> str:
    """Code as core/code saves it: HTML-escaped, ``[`` escaped (no shortcodes), an isolated URL's
    ``//`` escaped (no auto-embed)."""
    escaped = html.escape(code, quote=False).replace("[", "&#91;")
    return re.sub(r"^(\s*https?:)//([^\s<>\"]+\s*)$", r"\1&#47;&#47;\2", escaped, count=1, flags=re.MULTILINE)


def new_code(block: CodeBlock) -> str:
    attrs = {"className": f"language-{block.language}"} if block.language else None
    classes = "wp-block-code" + (f" language-{escape_attr(block.language)}" if block.language else "")
    return delimited(
        "core/code", attrs, f'<pre class="{classes}"><code>{escape_code(block.code)}</code></pre>'
    )


def new_preformatted(block: Preformatted) -> str:
    return delimited(
        "core/preformatted",
        None,
        f'<pre class="wp-block-preformatted">{inlines_to_html(block.inlines)}</pre>',
    )


def _cell_html(cell: TableCell) -> str:
    tag = "th" if cell.header else "td"
    attrs = ""
    if cell.align:
        attrs += f' class="has-text-align-{cell.align}" data-align="{cell.align}"'
    if cell.colspan != 1:
        attrs += f' colspan="{cell.colspan}"'
    if cell.rowspan != 1:
        attrs += f' rowspan="{cell.rowspan}"'
    return f"<{tag}{attrs}>{inlines_to_html(cell.inlines)}</{tag}>"


def new_table(block: Table) -> str:
    sections = sections_html(block, _cell_html)
    inner = f'<figure class="wp-block-table"><table class="has-fixed-layout">{sections}</table>'
    return delimited("core/table", None, inner + _caption(block.caption) + "</figure>")


def new_audio(block: Audio) -> str:
    body = f'<figure class="wp-block-audio"><audio controls src="{escape_attr(block.src)}"></audio>'
    return delimited("core/audio", None, body + _caption(block.caption) + "</figure>")


def new_video(block: Video, report: ConversionReport, index: int | None) -> str:
    if block.width is not None or block.height is not None:
        report.warn(
            FORMAT, "WordPress's video block holds no width or height; the video's size is lost", index
        )
    poster = f' poster="{escape_attr(block.poster)}"' if block.poster else ""
    body = f'<figure class="wp-block-video"><video controls{poster} src="{escape_attr(block.src)}"></video>'
    return delimited("core/video", None, body + _caption(block.caption) + "</figure>")


def new_file(block: File, report: ConversionReport, index: int | None) -> str:
    if block.caption:
        report.warn(FORMAT, "WordPress's file block has no caption; the file's caption is lost", index)
    name = escape_attr(block.name)
    link = f'<a href="{escape_attr(block.src)}">{name}</a>' if block.name else ""
    button = (
        f'<a href="{escape_attr(block.src)}" class="wp-block-file__button wp-element-button" download>'
        "Download</a>"
    )
    return delimited("core/file", {"href": block.src}, f'<div class="wp-block-file">{link}{button}</div>')


def new_button(block: Button) -> str:
    link = (
        '<a class="wp-block-button__link wp-element-button"'
        + (f' href="{escape_attr(block.url)}"' if block.url else "")
        + f">{escape_attr(block.text)}</a>"
    )
    return delimited("core/button", None, f'<div class="wp-block-button">{link}</div>')


def buttons_row(written: list[str]) -> str:
    """Consecutive buttons, written, as one core/buttons row."""
    return delimited("core/buttons", None, '<div class="wp-block-buttons">' + "\n\n".join(written) + "</div>")


def new_pullquote(block: Quote, report: ConversionReport, index: int | None) -> str:
    if block.source_url:
        report.warn(FORMAT, "WordPress's pull quote has no source URL; the quote's source is lost", index)
    paragraphs = "".join(f"<p>{inlines_to_html(p.inlines)}</p>" for p in block.paragraphs)
    cite = f"<cite>{inlines_to_html(block.citation)}</cite>" if block.citation else ""
    return delimited(
        "core/pullquote",
        None,
        f'<figure class="wp-block-pullquote"><blockquote>{paragraphs}{cite}</blockquote></figure>',
    )


WriteSequence = Callable[[tuple[Block, ...]], str]


def new_details(block: Details, inner: WriteSequence) -> str:
    body = f'<details class="wp-block-details"><summary>{inlines_to_html(block.summary)}</summary>'
    return delimited("core/details", None, body + inner(block.blocks) + "</details>")


def new_gallery(block: Gallery, inner: WriteSequence) -> str:
    attrs: dict[str, Any] = {"linkTo": "none"}
    if block.columns:
        attrs = {"columns": block.columns, **attrs}
    classes = f"wp-block-gallery has-nested-images columns-{block.columns or 'default'} is-cropped"
    cap = _caption(block.caption, "blocks-gallery-caption wp-element-caption")
    return delimited("core/gallery", attrs, f'<figure class="{classes}">{inner(block.images)}{cap}</figure>')


def _class_attr(classes: list[str]) -> str:
    return f' class="{escape_attr(" ".join(c for c in classes if c))}"'


def new_container(block: Container, inner: WriteSequence, report: ConversionReport, index: int | None) -> str:
    attrs: dict[str, Any] = dict(block.attrs)
    kind = block.kind
    if kind == LIVE_STATUS:  # a group, its coverage in the metadata the editor keeps
        meta = {"name": LIVE_STATUS_NAME, METADATA_KEY: {LIVE_STATUS: attrs}}
        attrs, kind = {"className": LIVE_STATUS, "metadata": meta}, "group"
    elif kind not in CONTAINER_KINDS.values():  # an HTML div or section: a group
        lost = sorted(k for k in attrs if k not in ("class", "id"))
        held = f"; its {', '.join(lost)} not written" if lost else ""
        report.warn(FORMAT, f"WordPress has no {kind} block: written as a group{held}", index)
        attrs = {
            k: v
            for k, v in (("anchor", attrs.get("id")), ("className", attrs.get("class")))
            if isinstance(v, str) and v
        }
        if kind != "div" and kind in _GROUP_TAGS:
            attrs["tagName"] = kind
        kind = "group"
    class_name = attrs.get("className") if isinstance(attrs.get("className"), str) else ""
    anchor = f' id="{escape_attr(attrs["anchor"])}"' if isinstance(attrs.get("anchor"), str) else ""
    content = inner(block.blocks)
    if kind == "cover":
        body = _cover(attrs, str(class_name), anchor, content)
    else:
        tag = attrs.get("tagName") if kind == "group" and attrs.get("tagName") in _GROUP_TAGS else "div"
        width = attrs.get("width") if kind == "column" else None
        style = f' style="flex-basis:{escape_attr(width)}"' if isinstance(width, str) else ""
        body = f"<{tag}{_class_attr([f'wp-block-{kind}', str(class_name)])}{anchor}{style}>{content}</{tag}>"
    return delimited(f"core/{kind}", attrs or None, body)


def _cover(attrs: dict[str, Any], class_name: str, anchor: str, content: str) -> str:
    """A cover with an image background as core/cover's save() writes it (the simple case: no parallax,
    gradient, overlay colour or focal point)."""
    url, alt, dim = attrs.get("url"), attrs.get("alt"), attrs.get("dimRatio", 100)
    image = ""
    if isinstance(url, str) and attrs.get("backgroundType", "image") == "image":
        image_id = attrs.get("id")
        classes = [
            "wp-block-cover__image-background",
            f"wp-image-{image_id}" if isinstance(image_id, int) else "",
        ]
        alt_text = escape_attr(alt) if isinstance(alt, str) else ""
        image = (
            f'<img{_class_attr(classes)} alt="{alt_text}" src="{escape_attr(url)}" data-object-fit="cover"/>'
        )
    dim_class = f"has-background-dim-{10 * round(dim / 10)}" if isinstance(dim, int) and dim != 50 else ""
    light = "is-light" if attrs.get("isDark") is False else ""
    span_classes = _class_attr(["wp-block-cover__background", dim_class, "has-background-dim"])
    return (
        f"<div{_class_attr(['wp-block-cover', light, class_name])}{anchor}>{image}"
        f'<span aria-hidden="true"{span_classes}></span>'
        f'<div class="wp-block-cover__inner-container">{content}</div></div>'
    )


def new_callout(block: Callout, inner: WriteSequence, report: ConversionReport, index: int | None) -> str:
    """A callout as a group with the class ``callout``, its emoji as its first paragraph."""
    report.warn(
        FORMAT,
        "WordPress has no callout block: written as a group with class 'callout'; its box style is lost",
        index,
    )
    blocks = block.blocks
    if block.emoji:
        blocks = (Paragraph(inlines=text(block.emoji)), *blocks)
    container = Container(kind="group", attrs={"className": "callout"}, blocks=blocks)
    return new_container(container, inner, report, index)


def bookmark_paragraph(block: Bookmark, report: ConversionReport, index: int | None) -> Paragraph:
    """A bookmark card as a paragraph: its title linked to its URL, then its description."""
    lost = [n for n in ("icon", "thumbnail", "publisher", "author") if getattr(block, n)]
    lost += ["caption"] if block.caption else []
    report.warn(
        FORMAT,
        "WordPress has no bookmark card: written as a paragraph link"
        + (f"; its {', '.join(lost)} not written" if lost else ""),
        index,
    )
    spans: Inlines = (Link(href=block.url, children=text(block.title or block.url)),)
    if block.description:
        spans += (Text(text=f" — {block.description}"),)
    return Paragraph(inlines=spans)


__all__ = ["CONTAINER_KINDS", "buttons_row", "read_buttons", "read_inner", "readers", "tag_attrs"]
