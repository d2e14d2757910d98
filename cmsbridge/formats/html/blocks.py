"""HTML of code, tables, media, files, buttons, pull quotes, details, callouts, bookmarks and containers.

Reading: ``<pre><code class="language-x">`` -> CodeBlock, another ``<pre>`` -> Preformatted, ``<table>``,
``<figure>`` holding a table, an ``<audio>``, a ``<video>``, a download link (``<a download>``), several
images (a gallery), a ``<blockquote>`` of class ``pullquote`` or a bookmark card; ``<details>``, a row of
``<a class="button">`` links, ``<div class="callout">`` and any other ``<div>`` or sectioning element
(a Container holding its blocks and its attributes). Writing gives the same markup back, so each reads
back as itself; nothing is hidden.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable

from lxml import etree

from ...model import (
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
    Preformatted,
    Quote,
    Table,
    TableCell,
    TableRow,
    Video,
    plain_text,
)
from .inline import escape_attr, escape_text, inlines_from_element, inlines_to_html

ReadChildren = Callable[[etree._Element], list[Block]]
WriteBlocks = Callable[[tuple[Block, ...]], str]

CELL_ALIGNS = ("left", "center", "right")
"""The alignments a table cell holds (``TableCell.align``)."""
SECTIONING = frozenset({"div", "section", "article", "aside", "main", "header", "footer", "nav"})
_KIND_ATTR = "data-cmsbridge-kind"
_ATTRS_ATTR = "data-cmsbridge-attrs"
_COVER_IMAGE = "wp-block-cover__image-background"
_PLAIN_ATTR = re.compile(r"class|id|title|lang|dir|role|hidden|(?:aria|data)-[a-z0-9_.-]+")
"""Attributes a container writes as they are: none that runs script, loads a URL or styles the page."""


def _tag(node: etree._Element) -> str:
    return node.tag.lower() if isinstance(node.tag, str) else ""


def _classes(node: etree._Element) -> list[str]:
    return (node.get("class") or "").split()


def _elements(node: etree._Element) -> list[etree._Element]:
    return [child for child in node if _tag(child)]


def _only_text(node: etree._Element) -> bool:
    return all(_tag(child) == "br" for child in node.iter() if child is not node)


def _text_of(node: etree._Element) -> str:
    return "".join(str(t) for t in node.itertext())


def _size(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 7 else None


# --- reading -------------------------------------------------------------------------------------------


def read_pre(node: etree._Element) -> Block:
    children = _elements(node)
    if len(children) == 1 and _tag(children[0]) == "code" and not (node.text or "").strip():
        code = children[0]
        if _only_text(code) and not (code.tail or "").strip():
            language = None
            for name in [*_classes(code), *_classes(node)]:
                found = re.fullmatch(r"(?:language|lang)-([\w+#.-]+)", name)
                language = language or (found.group(1) if found else None)
            parts = [code.text or ""]
            for br in code:
                parts += ["\n", br.tail or ""]
            return CodeBlock(code="".join(parts), language=language)
    return Preformatted(inlines=inlines_from_element(node))


def _align(cell: etree._Element) -> str | None:
    style = re.search(r"text-align\s*:\s*(left|center|right)", cell.get("style") or "", re.IGNORECASE)
    for value in (
        cell.get("data-align"),
        cell.get("align"),
        style.group(1) if style else None,
        *(c.removeprefix("has-text-align-") for c in _classes(cell) if c.startswith("has-text-align-")),
    ):
        if value and value.lower() in CELL_ALIGNS:
            return value.lower()
    return None


TableSections = dict[str, list[TableRow]]


def table_sections() -> TableSections:
    """Rows by the HTML section they stand in: ``thead``, ``tbody`` and ``tfoot``, the table's head, body
    and foot (:func:`table_of`)."""
    return {"thead": [], "tbody": [], "tfoot": []}


def table_of(sections: TableSections, caption: Inlines) -> Table:
    return Table(
        head=tuple(sections["thead"]),
        body=tuple(sections["tbody"]),
        foot=tuple(sections["tfoot"]),
        caption=caption,
    )


def sections_html(block: Table, cell_html: Callable[[TableCell], str]) -> str:
    """A table's head, body and foot as ``<thead>``, ``<tbody>`` and ``<tfoot>`` (each only when it has
    rows), every cell written by ``cell_html``."""
    out = ""
    for tag, rows in (("thead", block.head), ("tbody", block.body), ("tfoot", block.foot)):
        if rows:
            out += f"<{tag}>" + "".join("<tr>" + "".join(map(cell_html, r.cells)) + "</tr>" for r in rows)
            out += f"</{tag}>"
    return out


def read_table(node: etree._Element, caption: Inlines = ()) -> Table | None:
    sections = table_sections()
    for child in _elements(node):
        tag = _tag(child)
        if tag == "caption":
            caption = inlines_from_element(child)
            continue
        rows = [child] if tag == "tr" else _elements(child) if tag in sections else None
        if rows is None:
            return None
        for row in rows:
            if _tag(row) != "tr":
                return None
            cells: list[TableCell] = []
            for cell in _elements(row):
                if _tag(cell) not in ("td", "th"):
                    return None
                cells.append(
                    TableCell(
                        inlines=inlines_from_element(cell),
                        header=_tag(cell) == "th",
                        align=_align(cell),
                        colspan=min(_size(cell.get("colspan")) or 1, 1000),
                        rowspan=min(_size(cell.get("rowspan")) or 1, 65534),
                    )
                )
            sections["tbody" if tag == "tr" else tag].append(TableRow(cells=tuple(cells)))
    return table_of(sections, caption)


def read_media(node: etree._Element, caption: Inlines) -> Audio | Video | None:
    src = node.get("src")
    if not src:
        sources = [s.get("src") for s in node.iter() if _tag(s) == "source" and s.get("src")]
        src = sources[0] if sources else None
    if not src:
        return None
    if _tag(node) == "audio":
        return Audio(src=src, caption=caption)
    return Video(
        src=src,
        caption=caption,
        poster=node.get("poster") or None,
        width=_size(node.get("width")),
        height=_size(node.get("height")),
    )


def read_file(link: etree._Element, caption: Inlines) -> File | None:
    src = link.get("href")
    if not src or link.get("download") is None:
        return None
    name = plain_text(inlines_from_element(link)).strip()
    return File(src=src, name="" if name == src else name, caption=caption)


def read_buttons(node: etree._Element) -> list[Button] | None:
    """``<div class="wp-block-buttons">`` holding links of class ``button`` (or WordPress's button divs)."""
    if (node.text or "").strip():
        return None
    out: list[Button] = []
    for child in node:
        if (child.tail or "").strip() or not _tag(child):
            return None
        link = child
        if _tag(child) == "div" and "wp-block-button" in _classes(child) and len(_elements(child)) == 1:
            link = _elements(child)[0]
        if _tag(link) != "a" or not _only_text(link):
            return None
        out.append(Button(text=_text_of(link).strip(), url=link.get("href") or ""))
    return out or None


def read_details(node: etree._Element, read_children: ReadChildren) -> Details:
    body = copy.deepcopy(node)
    summary: Inlines = ()
    first = _elements(body)[:1]
    if first and _tag(first[0]) == "summary" and not (body.text or "").strip():
        summary = inlines_from_element(first[0])
        body.text = first[0].tail
        body.remove(first[0])
    return Details(summary=summary, blocks=tuple(read_children(body)))


def read_callout(node: etree._Element, read_children: ReadChildren) -> Callout:
    body = copy.deepcopy(node)
    emoji = None
    first = _elements(body)[:1]
    if first and "callout-emoji" in _classes(first[0]) and not (body.text or "").strip():
        emoji = _text_of(first[0]).strip() or None
        body.text = first[0].tail
        body.remove(first[0])
    return Callout(emoji=emoji, blocks=tuple(read_children(body)))


def read_container(node: etree._Element, read_children: ReadChildren) -> Container:
    kind = node.get(_KIND_ATTR)
    if kind and re.fullmatch(r"[a-z][a-z0-9_-]{0,63}", kind):
        try:
            attrs = json.loads(node.get(_ATTRS_ATTR) or "{}")
        except ValueError:
            attrs = None
        if isinstance(attrs, dict):
            body = node
            first = _elements(node)[:1]
            if first and _COVER_IMAGE in _classes(first[0]) and not (node.text or "").strip():
                body = copy.deepcopy(node)  # a cover's background, written from its attributes
                body.text = first[0].tail
                body.remove(body[0])
            return Container(kind=kind, attrs=attrs, blocks=tuple(read_children(body)))
    attrs = {str(k): str(v) for k, v in node.attrib.items()}
    return Container(kind=_tag(node), attrs=attrs, blocks=tuple(read_children(node)))


def read_bookmark(node: etree._Element, caption: Inlines) -> Bookmark | None:
    links = [c for c in _elements(node) if _tag(c) == "a"]
    if len(links) != 1 or not links[0].get("href"):
        return None

    def part(name: str, attr: str | None = None) -> str | None:
        for child in links[0].iter():
            if name in _classes(child):
                return (child.get(attr) if attr else _text_of(child).strip()) or None
        return None

    return Bookmark(
        url=links[0].get("href") or "",
        title=part("bookmark-title") or "",
        description=part("bookmark-description") or "",
        icon=part("bookmark-icon", "src"),
        thumbnail=part("bookmark-thumbnail", "src"),
        publisher=part("bookmark-publisher"),
        author=part("bookmark-author"),
        caption=caption,
    )


def read_figure(
    node: etree._Element, content: list[etree._Element], caption: Inlines, image: Callable[..., Image | None]
) -> Block | None:
    """A figure of this module's kinds (None for the others); ``image`` reads one image element."""
    classes = _classes(node)
    if "bookmark" in classes or "kg-bookmark-card" in classes:
        return read_bookmark(node, caption)
    if "wp-block-gallery" in classes or (
        len(content) > 1 and all(_tag(c) in ("figure", "img") for c in content)
    ):
        images = [image(c) for c in content]
        if not images or any(i is None for i in images):
            return None
        found = next((int(c[8:]) for c in classes if re.fullmatch(r"columns-(?:[1-9]|1[0-2])", c)), None)
        return Gallery(images=tuple(i for i in images if i is not None), columns=found, caption=caption)
    if len(content) != 1:
        return None
    inner = content[0]
    tag = _tag(inner)
    if tag == "table":
        return read_table(inner, caption)
    if tag in ("audio", "video"):
        return read_media(inner, caption)
    if tag == "a" and inner.get("download") is not None:
        return read_file(inner, caption)
    return None


# --- writing -------------------------------------------------------------------------------------------


def _attr(name: str, value: str | None) -> str:
    return f' {name}="{escape_attr(value)}"' if value is not None else ""


def _caption(caption: Inlines) -> str:
    return f"<figcaption>{inlines_to_html(caption)}</figcaption>" if caption else ""


def write_code(block: CodeBlock) -> str:
    language = _attr("class", f"language-{block.language}" if block.language else None)
    return f"<pre><code{language}>{escape_text(block.code)}</code></pre>"


def _cell(cell: TableCell) -> str:
    tag = "th" if cell.header else "td"
    attrs = _attr("style", f"text-align:{cell.align}" if cell.align else None)
    attrs += _attr("colspan", str(cell.colspan) if cell.colspan != 1 else None)
    attrs += _attr("rowspan", str(cell.rowspan) if cell.rowspan != 1 else None)
    return f"<{tag}{attrs}>{inlines_to_html(cell.inlines)}</{tag}>"


def write_table(block: Table) -> str:
    caption = f"<caption>{inlines_to_html(block.caption)}</caption>" if block.caption else ""
    return f"<table>{caption}{sections_html(block, _cell)}</table>"


def write_media(block: Audio | Video) -> str:
    if isinstance(block, Audio):
        audio = f"<audio controls{_attr('src', block.src)}></audio>"
        return f'<figure class="wp-block-audio">{audio}{_caption(block.caption)}</figure>'
    attrs = _attr("src", block.src) + _attr("poster", block.poster)
    attrs += _attr("width", str(block.width) if block.width is not None else None)
    attrs += _attr("height", str(block.height) if block.height is not None else None)
    return f'<figure class="wp-block-video"><video controls{attrs}></video>{_caption(block.caption)}</figure>'


def write_file(block: File) -> str:
    name = escape_text(block.name or block.src)
    link = f"<a{_attr('href', block.src)} download>{name}</a>"
    return f'<figure class="wp-block-file">{link}{_caption(block.caption)}</figure>'


def write_buttons(buttons: list[Button]) -> str:
    links = "".join(
        f'<a class="button"{_attr("href", b.url or None)}>{escape_text(b.text)}</a>' for b in buttons
    )
    return f'<div class="wp-block-buttons">{links}</div>'


def write_quote(block: Quote) -> str:
    """A quote, of class ``pullquote`` when it is one: its paragraphs, then its citation."""
    inner = "".join(f"<p>{inlines_to_html(p.inlines)}</p>" for p in block.paragraphs)
    if block.citation:
        inner += f"<cite>{inlines_to_html(block.citation)}</cite>"
    kind = _attr("class", "pullquote" if block.pull else None)
    return f"<blockquote{kind}{_attr('cite', block.source_url)}>{inner}</blockquote>"


def write_details(block: Details, write_blocks: WriteBlocks) -> str:
    return (
        f"<details><summary>{inlines_to_html(block.summary)}</summary>{write_blocks(block.blocks)}</details>"
    )


def write_callout(block: Callout, write_blocks: WriteBlocks) -> str:
    emoji = f'<div class="callout-emoji">{escape_text(block.emoji)}</div>' if block.emoji else ""
    return f'<div class="callout">{emoji}{write_blocks(block.blocks)}</div>'


def write_bookmark(block: Bookmark) -> str:
    parts = f'<div class="bookmark-title">{escape_text(block.title or block.url)}</div>'
    if block.description:
        parts += f'<div class="bookmark-description">{escape_text(block.description)}</div>'
    meta = f'<img class="bookmark-icon"{_attr("src", block.icon)} alt="">' if block.icon else ""
    for name in ("author", "publisher"):
        value = getattr(block, name)
        meta += f'<span class="bookmark-{name}">{escape_text(value)}</span>' if value else ""
    parts += f'<div class="bookmark-metadata">{meta}</div>' if meta else ""
    if block.thumbnail:
        parts += f'<img class="bookmark-thumbnail"{_attr("src", block.thumbnail)} alt="">'
    return (
        f'<figure class="bookmark"><a{_attr("href", block.url)}>{parts}</a>{_caption(block.caption)}</figure>'
    )


def write_container(block: Container, write_blocks: WriteBlocks) -> str:
    inner = write_blocks(block.blocks)
    plain = block.kind in SECTIONING and all(
        isinstance(v, str) and k not in (_KIND_ATTR, _ATTRS_ATTR) and _PLAIN_ATTR.fullmatch(k)
        for k, v in block.attrs.items()
    )
    if plain:
        attrs = "".join(_attr(k, str(v)) for k, v in block.attrs.items())
        return f"<{block.kind}{attrs}>{inner}</{block.kind}>"
    attrs = _attr("class", f"wp-block-{block.kind}") + _attr(_KIND_ATTR, block.kind)
    attrs += _attr(_ATTRS_ATTR, json.dumps(block.attrs, ensure_ascii=False)) if block.attrs else ""
    url = block.attrs.get("url")
    if block.kind == "cover" and isinstance(url, str):  # its background shown, not only held
        alt = block.attrs.get("alt")
        inner = f'<img class="{_COVER_IMAGE}"{_attr("src", url)}{_attr("alt", str(alt or ""))}>' + inner
    return f"<div{attrs}>{inner}</div>"
