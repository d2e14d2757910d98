"""Parsed WordPress blocks -> the model's blocks, for the blocks the model can hold faithfully.

Each ``read_*`` function takes one parsed block (:mod:`cmsbridge.gutenberg` output) and the exact markup
of it and of its inner blocks, and returns a model block without origin, or ``None`` when the block holds
something the model cannot express (the caller then keeps it as :class:`~cmsbridge.model.Raw`).
Every era of saved markup is accepted (see ``shared/formats.md`` section 3).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import lxml.html
from lxml import etree

from ... import gutenberg
from ...model import (
    Block,
    Embed,
    Heading,
    Image,
    Inlines,
    Link,
    List,
    ListItem,
    Origin,
    Paragraph,
    Quote,
    Raw,
    Separator,
    Text,
    UpdateMarker,
)
from ..embeds import WORDPRESS_LEGACY_SLUGS, id_in_url, identify
from ..html.inline import inlines_from_element, inlines_from_html, parse_fragment
from . import blocks, markers
from .html import WS, Span, open_tag, tag_attrs

FORMAT = "gutenberg"
_W = f"[{WS}]*"
_S = re.DOTALL | re.IGNORECASE

P_RE = re.compile(
    rf"\A(?P<lead>{_W})(?P<open>{open_tag('p')})(?P<inner>.*)(?P<close></p\s*>)(?P<trail>{_W})\Z", _S
)
H_RE = re.compile(
    rf"\A(?P<lead>{_W})(?P<open>{open_tag('h[1-6]')})(?P<inner>.*)(?P<close></(?P=tag)\s*>)(?P<trail>{_W})\Z",
    _S,
)
BLOCKQUOTE_RE = re.compile(
    rf"\A(?P<lead>{_W})(?P<open>{open_tag('blockquote')})(?P<inner>.*)(?P<close></blockquote\s*>)(?P<trail>{_W})\Z",
    _S,
)
QUOTE_OPEN_RE = re.compile(rf"\A(?P<lead>{_W})(?P<open>{open_tag('blockquote')})(?P<trail>{_W})\Z", _S)
QUOTE_CLOSE_RE = re.compile(
    rf"\A{_W}(?:(?P<copen><(?P<ctag>cite|footer)\b[^>]*>)(?P<cite>.*)</(?P=ctag)\s*>)?{_W}</blockquote\s*>{_W}\Z",
    _S,
)
LIST_RE = re.compile(
    rf"\A(?P<lead>{_W})(?P<open>{open_tag('ul|ol')})(?P<inner>.*)(?P<close></(?P=tag)\s*>)(?P<trail>{_W})\Z",
    _S,
)
LIST_OPEN_RE = re.compile(rf"\A{_W}(?P<open>{open_tag('ul|ol')}){_W}\Z", _S)
LIST_CLOSE_RE = re.compile(rf"\A{_W}</(?P<tag>ul|ol)\s*>{_W}\Z", _S)
LI_RE = re.compile(
    rf"\A(?P<lead>{_W})(?P<open>{open_tag('li')})(?P<inner>.*?)(?P<close></li\s*>)?(?P<trail>{_W})\Z", _S
)
LI_END_RE = re.compile(rf"\A{_W}</li\s*>{_W}\Z", _S)
EMBED_RE = re.compile(
    rf"\A{_W}(?P<open>{open_tag('figure')}){_W}"
    rf"(?:(?P<wopen><div\b[^>]*\bwp-block-embed__wrapper\b[^>]*>)(?P<wurl>[^<]*)</div\s*>|(?P<url>[^<]*?))"
    rf"{_W}(?:(?P<copen><figcaption\b[^>]*>)(?P<caption>.*)</figcaption\s*>)?{_W}</figure\s*>{_W}\Z",
    _S,
)
HR_RE = re.compile(rf"\A{_W}(?:<hr\b[^>]*>|<div\b[^>]*\bwp-block-separator\b[^>]*>{_W}</div\s*>){_W}\Z", _S)
FIGURE_RE = re.compile(rf"\A{_W}(?P<open>{open_tag('figure|div')})(?P<inner>.*)</(?P=tag)\s*>{_W}\Z", _S)


def _no_p(inner: str) -> bool:
    return re.search(r"</?p[\s>/]", inner, re.IGNORECASE) is None


def _attrs(block: gutenberg.ParsedBlock) -> dict[str, Any] | None:
    attrs = block["attrs"]
    return attrs if isinstance(attrs, dict) else None


def _marker_if(
    inlines: Inlines, inner: str, tag: str, attrs: dict[str, Any], anchor: str | None
) -> UpdateMarker | None:
    if markers.said_text(attrs):
        return None
    classes = [*tag_attrs(tag).get("class", "").split(), *str(attrs.get("className", "")).split()]
    meta = attrs.get("metadata")
    ours = isinstance(meta, dict) and isinstance(meta.get(markers.METADATA_KEY), dict)
    if not (ours or markers.MARKER_CLASS in classes or markers.looks_like_marker(inlines)):
        return None
    if not markers._inline_ok(markers.split_extras(inlines)[0]):
        return None
    return markers.marker_from(inlines, inner, anchor, attrs, classes)


def read_paragraph(
    block: gutenberg.ParsedBlock, *, allow_marker: bool = True
) -> Paragraph | UpdateMarker | None:
    attrs = _attrs(block)
    match = P_RE.match(block["innerHTML"])
    if attrs is None or block["innerBlocks"] or match is None or not _no_p(match["inner"]):
        return None
    inlines = inlines_from_html(match["inner"])
    if allow_marker:
        anchor = attrs.get("anchor") if isinstance(attrs.get("anchor"), str) else None
        marker = _marker_if(
            inlines, match["inner"], match["open"], attrs, anchor or tag_attrs(match["open"]).get("id")
        )
        if marker is not None:
            return marker
    return Paragraph(inlines=inlines)


def read_heading(block: gutenberg.ParsedBlock) -> Heading | UpdateMarker | None:
    attrs = _attrs(block)
    match = H_RE.match(block["innerHTML"])
    if attrs is None or block["innerBlocks"] or match is None:
        return None
    level = int(match["tag"][1])
    if attrs.get("level", 2) != level or re.search(r"</?h[1-6][\s>/]", match["inner"], re.IGNORECASE):
        return None
    anchor = attrs.get("anchor") if isinstance(attrs.get("anchor"), str) else None
    anchor = anchor or tag_attrs(match["open"]).get("id") or None
    inlines = inlines_from_html(match["inner"])
    marker = _marker_if(inlines, match["inner"], match["open"], attrs, anchor)
    if marker is not None:
        return marker
    return Heading(level=level, inlines=inlines, anchor=anchor)


def _citation(html_text: str) -> tuple[Inlines, str | None]:
    inlines = inlines_from_html(html_text)
    if len(inlines) == 1 and isinstance(inlines[0], Link) and inlines[0].title is None:
        link = inlines[0]
        children = link.children
        if children == (Text(text=link.href),):
            children = ()
        return children, link.href
    return inlines, None


def _element_children(html_text: str) -> list[etree._Element] | None:
    """The elements of an HTML fragment, or None when text (not whitespace) sits between them."""
    wrapper = parse_fragment(html_text)
    if (wrapper.text or "").strip(WS):
        return None
    children = list(wrapper)
    if any((child.tail or "").strip(WS) for child in children):
        return None
    return children


def read_quote(block: gutenberg.ParsedBlock, spans: list[Span], doc: str) -> Quote | None:
    attrs = _attrs(block)
    if attrs is None:
        return None
    if not block["innerBlocks"]:  # v1: <p> children inside the blockquote
        match = BLOCKQUOTE_RE.match(block["innerHTML"])
        if match is None:
            return None
        children = _element_children(match["inner"])
        if children is None:
            return None
        paragraphs: list[Paragraph] = []
        citation: Inlines = ()
        source: str | None = None
        for i, child in enumerate(children):
            if child.tag == "p" and not child.attrib:
                paragraphs.append(Paragraph(inlines=inlines_from_element(child)))
            elif child.tag in ("cite", "footer") and i == len(children) - 1:
                inner = lxml.html.tostring(child, encoding="unicode", with_tail=False)
                citation, source = _citation(re.sub(r"\A<[^>]*>|</[^>]*>\Z", "", inner))
            else:
                return None
        return Quote(paragraphs=tuple(paragraphs), citation=citation, source_url=source)
    # v2: inner paragraph blocks, then <cite> in the last chunk
    content = block["innerContent"]
    strings = [c for c in content if c is not None]
    if not strings or content[0] is None or content[-1] is None:
        return None
    if QUOTE_OPEN_RE.match(content[0]) is None:
        return None
    tail = QUOTE_CLOSE_RE.match(content[-1])
    if tail is None or any(c.strip(WS) for c in content[1:-1] if c is not None):
        return None
    paras: list[Paragraph] = []
    for inner, span in zip(block["innerBlocks"], spans, strict=True):
        if inner["blockName"] != "core/paragraph":
            return None
        para = read_paragraph(inner, allow_marker=False)
        if not isinstance(para, Paragraph):
            return None
        markup = doc[span.start : span.end]
        paras.append(
            para.model_copy(update={"origin": Origin(format=FORMAT, markup=markup, attrs=inner["attrs"])})
        )
    citation2, source2 = _citation(tail["cite"] or "")
    return Quote(paragraphs=tuple(paras), citation=citation2, source_url=source2)


def read_embed(block: gutenberg.ParsedBlock) -> Embed | None:
    attrs = _attrs(block)
    name = block["blockName"] or ""
    match = EMBED_RE.match(block["innerHTML"])
    if attrs is None or block["innerBlocks"] or match is None or not isinstance(attrs.get("url"), str):
        return None
    url: str = attrs["url"]
    slug = attrs.get("providerNameSlug")
    if name.startswith("core-embed/") and not isinstance(slug, str):
        legacy = name.split("/", 1)[1]
        slug = WORDPRESS_LEGACY_SLUGS.get(legacy, legacy)
    if not isinstance(slug, str) or not slug:
        slug = identify(url)[0]
    caption = inlines_from_html(match["caption"]) if match["caption"] is not None else ()
    return Embed(provider=slug, url=url, provider_id=id_in_url(slug, url), caption=caption)


def _v1_items(list_el: etree._Element) -> tuple[ListItem, ...] | None:
    items: list[ListItem] = []
    if (list_el.text or "").strip(WS):
        return None
    for li in list_el:
        if li.tag != "li" or li.attrib or (li.tail or "").strip(WS):
            return None
        nested = [child for child in li if child.tag in ("ul", "ol")]
        children: list[List] = []
        for sub in nested:
            if (
                sub.attrib
                or (sub.tail or "").strip(WS)
                or (sub.getnext() is not None and sub.getnext() not in nested)
            ):
                return None
            sub_items = _v1_items(sub)
            if sub_items is None:
                return None
            children.append(List(ordered=sub.tag == "ol", items=sub_items))
        for sub in nested:
            li.remove(sub)
        items.append(ListItem(inlines=inlines_from_element(li), children=tuple(children)))
    return tuple(items)


def _read_list_item(block: gutenberg.ParsedBlock, spans: list[Span], doc: str) -> ListItem | None:
    if block["blockName"] != "core/list-item" or _attrs(block) is None:
        return None
    content = block["innerContent"]
    first = content[0] if content else None
    if first is None:
        return None
    match = LI_RE.match(first)
    if match is None or re.search(r"<(?:li|ul|ol)\b", match["inner"], re.IGNORECASE):
        return None
    if not block["innerBlocks"]:
        if match["close"] is None or len(content) != 1:
            return None
        return ListItem(inlines=inlines_from_html(match["inner"]))
    if match["close"] is not None or content[-1] is None or LI_END_RE.match(content[-1]) is None:
        return None
    if any(c.strip(WS) for c in content[1:-1] if c is not None):
        return None
    children: list[List] = []
    for inner, span in zip(block["innerBlocks"], spans, strict=True):
        sub = read_list(inner, span.children, doc) if inner["blockName"] == "core/list" else None
        if sub is None:
            return None
        markup = doc[span.start : span.end]
        children.append(
            sub.model_copy(update={"origin": Origin(format=FORMAT, markup=markup, attrs=inner["attrs"])})
        )
    return ListItem(inlines=inlines_from_html(match["inner"]), children=tuple(children))


def read_list(block: gutenberg.ParsedBlock, spans: list[Span], doc: str) -> List | None:
    attrs = _attrs(block)
    if attrs is None:
        return None
    ordered = attrs.get("ordered", False)
    if not block["innerBlocks"]:  # v1: <li> elements in the HTML
        match = LIST_RE.match(block["innerHTML"])
        if match is None or (match["tag"].lower() == "ol") != ordered:
            return None
        wrapper = parse_fragment(f"<{match['tag']}>{match['inner']}</{match['tag']}>")
        if len(wrapper) != 1:
            return None
        items = _v1_items(wrapper[0])
        return None if items is None else List(ordered=bool(ordered), items=items, start=_start(attrs))
    content = block["innerContent"]
    if content[0] is None or content[-1] is None:
        return None
    opener = LIST_OPEN_RE.match(content[0])
    closer = LIST_CLOSE_RE.match(content[-1])
    if opener is None or closer is None or (opener["tag"].lower() == "ol") != ordered:
        return None
    if any(c.strip(WS) for c in content[1:-1] if c is not None):
        return None
    v2_items: list[ListItem] = []
    for inner, span in zip(block["innerBlocks"], spans, strict=True):
        item = _read_list_item(inner, span.children, doc)
        if item is None:
            return None
        v2_items.append(item)
    return List(ordered=bool(ordered), items=tuple(v2_items), start=_start(attrs))


def _start(attrs: dict[str, Any]) -> int:
    """An ordered list's first number (core/list's ``start``)."""
    start = attrs.get("start")
    return start if isinstance(start, int) and not isinstance(start, bool) else 1


def _px(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        found = re.fullmatch(r"(\d+)(?:px)?", value.strip())
        return int(found.group(1)) if found else None
    return None


def read_image(block: gutenberg.ParsedBlock) -> Image | None:
    attrs = _attrs(block)
    match = FIGURE_RE.match(block["innerHTML"])
    if attrs is None or block["innerBlocks"] or match is None:
        return None
    children = _element_children(match["inner"])
    if children is None:
        return None
    if match["tag"].lower() == "div":  # WordPress <= 5.x aligned image: <div class="wp-block-image"><figure>
        if len(children) != 1 or children[0].tag != "figure":
            return None
        figure = children[0]
        children = [c for c in figure]
        if (figure.text or "").strip(WS) or any((c.tail or "").strip(WS) for c in children):
            return None
    link: str | None = None
    img: etree._Element | None = None
    caption: Inlines = ()
    for i, child in enumerate(children):
        if (
            i == 0
            and child.tag == "a"
            and len(child) == 1
            and child[0].tag == "img"
            and "href" in child.attrib
        ):
            if (child.text or "").strip(WS) or (child[0].tail or "").strip(WS):
                return None
            link, img = child.get("href"), child[0]
        elif i == 0 and child.tag == "img":
            img = child
        elif i == len(children) - 1 and i > 0 and child.tag == "figcaption":
            caption = inlines_from_element(child)
        else:
            return None
    if img is None or not img.get("src"):
        return None
    width = _px(attrs.get("width")) if "width" in attrs else _px(img.get("width"))
    height = _px(attrs.get("height")) if "height" in attrs else _px(img.get("height"))
    return Image(
        src=img.get("src") or "",
        alt=img.get("alt") or "",
        caption=caption,
        link=link,
        width=width,
        height=height,
    )


def read_separator(block: gutenberg.ParsedBlock) -> Separator | None:
    if _attrs(block) is None or block["innerBlocks"] or HR_RE.match(block["innerHTML"]) is None:
        return None
    return Separator()


def read_html_block(block: gutenberg.ParsedBlock) -> Raw | None:
    """A custom HTML block (core/html) as the HTML it holds, so that HTML crossing through WordPress (a
    Ghost HTML card, an HTML document's raw markup) comes back as HTML; with attributes or inner blocks it
    stays raw block markup."""
    inner = block["innerHTML"]
    if block["attrs"] or block["innerBlocks"] or not inner.strip():
        return None
    if len(inner) >= 2 and inner.startswith("\n") and inner.endswith("\n"):
        inner = inner[1:-1]  # the line breaks the editor puts inside the delimiters
    return Raw(format="html", content=inner)


def read_block(block: gutenberg.ParsedBlock, span: Span, doc: str) -> Block | None:
    """The model block for one parsed block (no origin), or None to keep it as Raw."""
    name = block["blockName"] or ""
    readers: dict[str, Callable[[], Block | None]] = {
        "core/paragraph": lambda: read_paragraph(block),
        "core/heading": lambda: read_heading(block),
        "core/quote": lambda: read_quote(block, span.children, doc),
        "core/embed": lambda: read_embed(block),
        "core/list": lambda: read_list(block, span.children, doc),
        "core/image": lambda: read_image(block),
        "core/separator": lambda: read_separator(block),
        "core/html": lambda: read_html_block(block),
    }
    readers.update(blocks.readers(block, span, doc, read_block))
    if name.startswith("core-embed/"):
        return read_embed(block)
    reader = readers.get(name)
    return reader() if reader is not None else None
