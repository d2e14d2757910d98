"""Model blocks -> WordPress block markup.

A block without a WordPress origin is written exactly as the current block editor's ``serialize()``
writes it. A block whose origin is WordPress markup but whose content changed is rewritten from that
origin: its delimiters, its attributes and its wrapper element stay as they were (alignment, colours,
classes, anchors, unknown attributes), and only what the model holds is replaced.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from ... import gutenberg
from ...model import (
    Audio,
    Block,
    Bookmark,
    Button,
    Callout,
    CodeBlock,
    Container,
    Details,
    Embed,
    File,
    Gallery,
    Heading,
    Image,
    Inlines,
    List,
    ListItem,
    Paragraph,
    Preformatted,
    Quote,
    Raw,
    Separator,
    Table,
    UpdateMarker,
    Video,
)
from ...report import ConversionReport
from ..embeds import id_in_url, wordpress_type
from ..html.inline import inlines_to_html
from . import blocks, markers, reader
from .html import (
    WS,
    block_spans,
    class_list_with,
    delimited,
    escape_attr,
    set_tag_attr,
    short_name,
    split_delimiters,
    tag_attrs,
    with_class,
)

FORMAT = "gutenberg"


class Source:
    """A block's origin markup, parsed: the block, its spans and its exact parts."""

    def __init__(self, markup: str, block: gutenberg.ParsedBlock, span_children: list[Any]) -> None:
        self.markup = markup
        self.block = block
        self.spans = span_children
        self.parts = split_delimiters(markup)
        self.attrs: dict[str, Any] = block["attrs"] if isinstance(block["attrs"], dict) else {}

    @property
    def name(self) -> str:
        return self.block["blockName"] or ""

    def with_inner(self, inner: str, attrs: dict[str, Any] | None = None) -> str:
        """This block with new inner HTML; the original delimiters unless ``attrs`` changed."""
        assert self.parts is not None
        opener, _, closer = self.parts
        if attrs is not None and attrs != self.attrs:
            name = short_name(self.name)
            attrs_text = gutenberg.serialize_attributes(attrs, flavor="js") + " " if attrs else ""
            opener = f"<!-- wp:{name} {attrs_text}-->"
            closer = f"<!-- /wp:{name} -->"
        return opener + inner + closer


def load_source(markup: str) -> Source | None:
    blocks = gutenberg.parse(markup)
    spans = block_spans(markup)
    if len(blocks) != 1 or blocks[0]["blockName"] is None or spans is None or len(spans) != 1:
        return None
    span = spans[0]
    if span is None or span.start != 0 or span.end != len(markup):
        return None
    return Source(markup, blocks[0], span.children)


# --- new blocks: the editor's serialize() layout ---------------------------------------------------


def _para_html(inlines: Inlines) -> str:
    return f"<p>{inlines_to_html(inlines)}</p>"


def new_paragraph(block: Paragraph) -> str:
    return delimited(
        "core/paragraph", markers.text_attrs(block.inlines, {}) or None, _para_html(block.inlines)
    )


def new_heading(block: Heading) -> str:
    attrs: dict[str, Any] = {}
    if block.level != 2:
        attrs["level"] = block.level
    attrs = markers.text_attrs(block.inlines, attrs)
    id_attr = ""
    if block.anchor:
        attrs["anchor"] = block.anchor
        id_attr = f' id="{escape_attr(block.anchor)}"'
    body = (
        f'<h{block.level}{id_attr} class="wp-block-heading">{inlines_to_html(block.inlines)}</h{block.level}>'
    )
    return delimited("core/heading", attrs, body)


def _cite(block: Quote) -> str:
    if block.source_url:
        text = inlines_to_html(block.citation) or escape_attr(block.source_url)
        return f'<cite><a href="{escape_attr(block.source_url)}">{text}</a></cite>'
    return f"<cite>{inlines_to_html(block.citation)}</cite>" if block.citation else ""


def new_quote(block: Quote) -> str:
    inner = "\n\n".join(write_inner(p) for p in block.paragraphs)
    return delimited(
        "core/quote", None, f'<blockquote class="wp-block-quote">{inner}{_cite(block)}</blockquote>'
    )


ASPECT_CLASSES = "wp-embed-aspect-16-9 wp-has-aspect-ratio"
CAPTION_OPEN = '<figcaption class="wp-element-caption">'


def _embed_attrs(block: Embed, keep: dict[str, Any] | None = None) -> dict[str, Any]:
    attrs: dict[str, Any] = {"url": block.url}
    slug = block.provider if block.provider != "generic" else None
    kind = wordpress_type(block.provider)
    if kind:
        attrs["type"] = kind
    if slug:
        attrs["providerNameSlug"] = slug
        attrs["responsive"] = True
    keep = keep or {}
    for name in ("align", "anchor", "lock", "metadata", "style"):
        if name in keep:
            attrs[name] = keep[name]
    classes = keep.get("className")
    if isinstance(classes, str):
        classes = " ".join(
            c for c in classes.split() if not c.startswith("wp-embed-aspect-") and c != "wp-has-aspect-ratio"
        )
    elif kind == "video":
        classes = ASPECT_CLASSES
    if classes:
        attrs["className"] = classes
    return attrs


def _embed_html(attrs: dict[str, Any], caption: Inlines, caption_open: str | None = None) -> str:
    classes = ["wp-block-embed"]
    if attrs.get("align"):
        classes.append(f"align{attrs['align']}")
    if attrs.get("type"):
        classes.append(f"is-type-{attrs['type']}")
    if attrs.get("providerNameSlug"):
        classes += [f"is-provider-{attrs['providerNameSlug']}", f"wp-block-embed-{attrs['providerNameSlug']}"]
    if attrs.get("className"):
        classes.append(attrs["className"])
    id_attr = f' id="{escape_attr(attrs["anchor"])}"' if attrs.get("anchor") else ""
    cap = ""
    if caption:
        cap = f"{caption_open or CAPTION_OPEN}{inlines_to_html(caption)}</figcaption>"
    return (
        f'<figure class="{escape_attr(" ".join(classes))}"{id_attr}><div class="wp-block-embed__wrapper">\n'
        f"{escape_attr(attrs['url'])}\n</div>{cap}</figure>"
    )


def new_embed(block: Embed, report: ConversionReport, index: int | None) -> str:
    _check_embed(block, report, index)
    attrs = _embed_attrs(block)
    return delimited("core/embed", attrs, _embed_html(attrs, block.caption))


def _check_embed(block: Embed, report: ConversionReport, index: int | None) -> None:
    if block.provider_id is not None and block.provider_id != id_in_url(block.provider, block.url):
        report.warn(FORMAT, f"embed provider id {block.provider_id!r} is not in its URL and is lost", index)


def _item_html(item: ListItem) -> str:
    nested = "\n\n".join(write_inner(sub) for sub in item.children)
    return delimited("core/list-item", None, f"<li>{inlines_to_html(item.inlines)}{nested}</li>")


def new_list(block: List) -> str:
    tag = "ol" if block.ordered else "ul"
    items = "\n\n".join(_item_html(item) for item in block.items)
    attrs: dict[str, Any] = {"ordered": True} if block.ordered else {}
    start = ""
    if block.ordered and block.start != 1:
        attrs["start"] = block.start
        start = f' start="{block.start}"'
    return delimited("core/list", attrs or None, f'<{tag}{start} class="wp-block-list">{items}</{tag}>')


def _img(block: Image, attrs: dict[str, Any]) -> str:
    style = ""
    if block.width is not None or block.height is not None:
        width = f"width:{block.width}px;" if block.width is not None else ""
        height = f"height:{block.height}px" if block.height is not None else "height:auto"
        style = f' style="{width}{height}"'
    img = f'<img src="{escape_attr(block.src)}" alt="{escape_attr(block.alt)}"{style}/>'
    if block.link:
        img = f'<a href="{escape_attr(block.link)}">{img}</a>'
    cap = CAPTION_OPEN + inlines_to_html(block.caption) + "</figcaption>" if block.caption else ""
    classes = ["wp-block-image"]
    if attrs.get("align"):
        classes.append(f"align{attrs['align']}")
    if block.width is not None or block.height is not None:
        classes.append("is-resized")
    if attrs.get("className"):
        classes.append(attrs["className"])
    id_attr = f' id="{escape_attr(attrs["anchor"])}"' if attrs.get("anchor") else ""
    return f'<figure class="{escape_attr(" ".join(classes))}"{id_attr}>{img}{cap}</figure>'


def new_image(block: Image, keep: dict[str, Any] | None = None) -> str:
    attrs: dict[str, Any] = {}
    if block.width is not None:
        attrs["width"] = f"{block.width}px"
    if block.height is not None:
        attrs["height"] = f"{block.height}px"
    if block.link:
        attrs["linkDestination"] = "custom"
    for name in ("align", "anchor", "className", "lock", "metadata"):
        if keep and name in keep:
            attrs[name] = keep[name]
    return delimited("core/image", attrs, _img(block, attrs))


SEPARATOR = '<hr class="wp-block-separator has-alpha-channel-opacity"/>'


def new_marker(block: UpdateMarker) -> str:
    attrs: dict[str, Any] = {
        "anchor": block.anchor,
        "className": " ".join(markers.marker_classes(block)),
        "metadata": {"name": block.label or block.id, markers.METADATA_KEY: markers.marker_metadata(block)},
    }
    body = (
        f'<p class="{attrs["className"]}" id="{escape_attr(block.anchor)}">'
        f"<strong>{markers.label_html(block)}</strong>{markers.extras_html(block)}</p>"
    )
    return delimited("core/paragraph", attrs, body)


def raw_block(block: Raw, report: ConversionReport, index: int | None) -> str:
    if block.format == FORMAT:
        return block.content
    if block.format == "html":
        return delimited("core/html", None, block.content)
    report.warn(
        FORMAT, f"raw {block.format} content cannot be written as WordPress markup and is dropped", index
    )
    return ""


# --- changed blocks: rewritten from their origin ------------------------------------------------


def _replace_group(match: re.Match[str], group: str, value: str) -> str:
    text = match.string
    return text[match.start() : match.start(group)] + value + text[match.end(group) : match.end()]


def changed_paragraph(block: Paragraph, src: Source) -> str | None:
    match = reader.P_RE.match(src.block["innerHTML"])
    if src.name != "core/paragraph" or match is None or src.parts is None or src.block["innerBlocks"]:
        return None
    inner = _replace_group(match, "inner", inlines_to_html(block.inlines))
    return src.with_inner(inner, markers.text_attrs(block.inlines, src.attrs))


def changed_heading(block: Heading, src: Source) -> str | None:
    match = reader.H_RE.match(src.block["innerHTML"])
    if src.name != "core/heading" or match is None or src.parts is None or src.block["innerBlocks"]:
        return None
    attrs = copy.deepcopy(src.attrs)
    if block.level == 2:
        attrs.pop("level", None)
    else:
        attrs["level"] = block.level
    attrs = markers.text_attrs(block.inlines, attrs)
    open_tag = match["open"]
    old_anchor = attrs.get("anchor") or tag_attrs(open_tag).get("id")
    if block.anchor != old_anchor:
        if block.anchor:
            attrs["anchor"] = block.anchor
        else:
            attrs.pop("anchor", None)
        open_tag = set_tag_attr(open_tag, "id", block.anchor)
    tag = f"h{block.level}"
    open_tag = f"<{tag}" + open_tag[len(match["tag"]) + 1 :]
    html = f"{match['lead']}{open_tag}{inlines_to_html(block.inlines)}</{tag}>{match['trail']}"
    return src.with_inner(html, attrs)


def changed_quote(block: Quote, src: Source) -> str | None:
    if src.name != "core/quote" or src.parts is None:
        return None
    if not src.block["innerBlocks"]:  # keep the v1 layout
        match = reader.BLOCKQUOTE_RE.match(src.block["innerHTML"])
        if match is None:
            return None
        tag = "footer" if re.search(r"<footer\b", match["inner"], re.IGNORECASE) else "cite"
        body = "".join(_para_html(p.inlines) for p in block.paragraphs)
        cite = _cite(block)
        if cite and tag == "footer":
            cite = "<footer>" + cite[len("<cite>") : -len("</cite>")] + "</footer>"
        return src.with_inner(_replace_group(match, "inner", body + cite))
    content = src.block["innerContent"]
    first, last = content[0], content[-1]
    if first is None or last is None:
        return None
    tail = reader.QUOTE_CLOSE_RE.match(last)
    if tail is None:
        return None
    inner = "\n\n".join(write_inner(p) for p in block.paragraphs)
    cite = _cite(block)
    if cite and tail["copen"]:
        cite = tail["copen"] + cite[len("<cite>") : -len("</cite>")] + "</cite>"
    end = re.search(rf"</blockquote\s*>[{WS}]*\Z", last, re.IGNORECASE)
    assert end is not None
    return src.with_inner(first + inner + cite + last[end.start() :])


def changed_embed(block: Embed, src: Source, report: ConversionReport, index: int | None) -> str | None:
    match = reader.EMBED_RE.match(src.block["innerHTML"])
    if match is None or src.parts is None or src.block["innerBlocks"]:
        return None
    old = reader.read_embed(src.block)
    if old is None:
        return None
    _check_embed(block, report, index)
    if old.provider != block.provider or src.name != "core/embed":
        attrs = _embed_attrs(block, src.attrs)
        return delimited("core/embed", attrs, _embed_html(attrs, block.caption, match["copen"]))
    attrs = copy.deepcopy(src.attrs)
    attrs["url"] = block.url
    text = match.string
    url_group = "wurl" if match["wopen"] is not None else "url"
    old_url = match[url_group]
    lead = old_url[: len(old_url) - len(old_url.lstrip(WS))]
    trail = old_url[len(old_url.rstrip(WS)) :]
    html = text[: match.start(url_group)] + lead + escape_attr(block.url) + trail
    rest = text[match.end(url_group) :]
    if match["caption"] is not None:
        cap_start, cap_end = (
            match.start("copen") - match.end(url_group),
            match.end("caption") - match.end(url_group),
        )
        close = rest.index("</figcaption", cap_end)
        after = rest[rest.index(">", close) + 1 :]
        if block.caption:
            rest = rest[:cap_start] + match["copen"] + inlines_to_html(block.caption) + rest[close:]
        else:
            rest = rest[:cap_start] + after
    elif block.caption:
        end = rest.rindex("</figure")
        rest = rest[:end] + CAPTION_OPEN + inlines_to_html(block.caption) + "</figcaption>" + rest[end:]
    return src.with_inner(html + rest, attrs)


def changed_list(block: List, src: Source) -> str | None:
    if src.name != "core/list" or src.parts is None:
        return None
    if not src.block["innerBlocks"]:
        return None  # v1 lists are rewritten in the current layout, keeping the list's attributes
    content = src.block["innerContent"]
    first, last = content[0], content[-1]
    opener = reader.LIST_OPEN_RE.match(first or "")
    if first is None or last is None or opener is None:
        return None
    attrs = copy.deepcopy(src.attrs)
    tag = "ol" if block.ordered else "ul"
    if block.ordered:
        attrs["ordered"] = True
    else:
        attrs.pop("ordered", None)
    open_tag = f"<{tag}" + opener["open"][1 + len(opener["tag"]) :]
    if block.ordered and block.start != 1:
        attrs["start"] = block.start
        open_tag = set_tag_attr(open_tag, "start", str(block.start))
    elif "start" in attrs:
        attrs.pop("start")
        open_tag = set_tag_attr(open_tag, "start", None)
    first = first[: opener.start("open")] + open_tag + first[opener.end("open") :]
    last = re.sub(r"</(?:ul|ol)", f"</{tag}", last, count=1, flags=re.IGNORECASE)
    items: list[str] = []
    for i, item in enumerate(block.items):
        old_block = src.block["innerBlocks"][i] if i < len(src.block["innerBlocks"]) else None
        old_span = src.spans[i] if i < len(src.spans) else None
        items.append(_changed_item(item, old_block, old_span, src.markup))
    return src.with_inner(first + "\n\n".join(items) + last, attrs)


def _changed_item(item: ListItem, old: gutenberg.ParsedBlock | None, span: Any, doc: str) -> str:
    if old is None or span is None:
        return _item_html(item)
    markup = doc[span.start : span.end]
    if reader._read_list_item(old, span.children, doc) == item:
        return markup
    first = old["innerContent"][0] if old["innerContent"] else None
    match = reader.LI_RE.match(first or "")
    parts = split_delimiters(markup)
    if match is None or parts is None:
        return _item_html(item)
    nested = "\n\n".join(write_inner(sub) for sub in item.children)
    return (
        parts[0]
        + match["lead"]
        + match["open"]
        + inlines_to_html(item.inlines)
        + nested
        + "</li>\n"
        + parts[2]
    )


def changed_image(block: Image, src: Source) -> str | None:
    old = reader.read_image(src.block)
    if old is None or src.parts is None or src.name != "core/image":
        return None
    if (old.src, old.link, old.width, old.height) != (block.src, block.link, block.width, block.height):
        keep = {
            k: v for k, v in src.attrs.items() if k in ("align", "anchor", "className", "lock", "metadata")
        }
        return new_image(block, keep)
    html = src.block["innerHTML"]
    img = re.search(r"<img\b[^>]*>", html, re.IGNORECASE)
    if img is None:
        return None
    html = html[: img.start()] + set_tag_attr(img.group(0), "alt", block.alt) + html[img.end() :]
    cap = re.search(r"(<figcaption\b[^>]*>)(.*)(</figcaption\s*>)", html, re.DOTALL | re.IGNORECASE)
    if cap is not None:
        new_cap = cap.group(1) + inlines_to_html(block.caption) + cap.group(3) if block.caption else ""
        html = html[: cap.start()] + new_cap + html[cap.end() :]
    elif block.caption:
        end = html.rindex("</figure")
        html = html[:end] + CAPTION_OPEN + inlines_to_html(block.caption) + "</figcaption>" + html[end:]
    return src.with_inner(html)


def changed_marker(block: UpdateMarker, src: Source) -> str | None:
    if src.name not in ("core/paragraph", "core/heading") or src.parts is None or src.block["innerBlocks"]:
        return None
    regex = reader.P_RE if src.name == "core/paragraph" else reader.H_RE
    match = regex.match(src.block["innerHTML"])
    if match is None:
        return None
    old = reader.read_paragraph(src.block) if src.name == "core/paragraph" else reader.read_heading(src.block)
    attrs = copy.deepcopy(src.attrs)
    open_tag = match["open"]
    old_anchor = attrs.get("anchor") or tag_attrs(open_tag).get("id")
    anchor = (
        old_anchor
        if isinstance(old_anchor, str) and old_anchor.removeprefix("update-") == block.id
        else block.anchor
    )
    attrs["anchor"] = anchor
    open_tag = set_tag_attr(open_tag, "id", anchor)
    class_name = attrs.get("className")
    for name, wanted in ((markers.KEY_CLASS, block.key), (markers.PINNED_CLASS, block.pinned)):
        class_name = class_list_with(class_name, name, wanted)
        open_tag = with_class(open_tag, name, wanted)
    if class_name:
        attrs["className"] = class_name
    else:
        attrs.pop("className", None)
    old_meta = attrs.get("metadata")
    meta: dict[str, Any] = old_meta if isinstance(old_meta, dict) else {}
    attrs["metadata"] = {**meta, markers.METADATA_KEY: markers.marker_metadata(block)}
    inner = match["inner"]
    shown = ("label", "at", "headline", "by")
    same_text = isinstance(old, UpdateMarker) and all(getattr(old, f) == getattr(block, f) for f in shown)
    if not same_text:
        strong = inner.lstrip(WS).lower().startswith("<strong")
        label = markers.label_html(block)
        inner = (f"<strong>{label}</strong>" if strong else label) + markers.extras_html(block)
    html = match["lead"] + open_tag + inner + match["close"] + match["trail"]
    return src.with_inner(html, attrs)


# --- dispatch ---------------------------------------------------------------------------------------


def write_new(block: Block, report: ConversionReport, index: int | None) -> str:
    new = _new_rich(block, report, index)
    if new is not None:
        return new
    if isinstance(block, Paragraph):
        return new_paragraph(block)
    if isinstance(block, Heading):
        return new_heading(block)
    if isinstance(block, Quote):
        return new_quote(block)
    if isinstance(block, Embed):
        return new_embed(block, report, index)
    if isinstance(block, List):
        return new_list(block)
    if isinstance(block, Image):
        return new_image(block)
    if isinstance(block, Separator):
        return delimited("core/separator", None, SEPARATOR)
    if isinstance(block, UpdateMarker):
        return new_marker(block)
    assert isinstance(block, Raw)
    return raw_block(block, report, index)


def write_changed(block: Block, src: Source, report: ConversionReport, index: int | None) -> str | None:
    """The block rewritten from its origin, or None when the origin does not fit the block's kind."""
    if isinstance(block, Paragraph):
        return changed_paragraph(block, src)
    if isinstance(block, Heading):
        return changed_heading(block, src)
    if isinstance(block, Quote) and not block.pull:
        return changed_quote(block, src)
    if isinstance(block, Embed) and (src.name == "core/embed" or src.name.startswith("core-embed/")):
        return changed_embed(block, src, report, index)
    if isinstance(block, List):
        return changed_list(block, src)
    if isinstance(block, Image):
        return changed_image(block, src)
    if isinstance(block, UpdateMarker):
        return changed_marker(block, src)
    if isinstance(block, Gallery | Details | Container):
        return changed_wrapper(block, src)
    if isinstance(block, CodeBlock | Preformatted | Table | Audio | Video | File | Button | Quote):
        _report_rewritten(src, report, index)  # written anew below
    return None


_REWRITTEN_QUIET = frozenset({"lock", "metadata", "id", "href", "columns", "linkTo", "sizeSlug"})


def _report_rewritten(src: Source, report: ConversionReport, index: int | None) -> None:
    """A changed block written anew: the attributes of its origin that the new block has no place for."""
    lost = [
        k
        for k, v in src.attrs.items()
        if k not in _REWRITTEN_QUIET and not (k == "className" and re.fullmatch(r"language-\S+", str(v)))
    ]
    if lost:
        message = (
            f"this changed {short_name(src.name)} block is written anew without its {', '.join(sorted(lost))}"
        )
        report.warn(FORMAT, message, index)


def _new_rich(block: Block, report: ConversionReport, index: int | None) -> str | None:
    """A new block of the types of :mod:`.blocks` (None for the others)."""

    def inner(children: tuple[Block, ...]) -> str:
        return write_sequence(children, report)

    if isinstance(block, Quote) and block.pull:
        return blocks.new_pullquote(block, report, index)
    if isinstance(block, CodeBlock):
        return blocks.new_code(block)
    if isinstance(block, Preformatted):
        return blocks.new_preformatted(block)
    if isinstance(block, Table):
        return blocks.new_table(block)
    if isinstance(block, Audio):
        return blocks.new_audio(block)
    if isinstance(block, Button):
        return blocks.buttons_row([blocks.new_button(block)])
    if isinstance(block, Video):
        return blocks.new_video(block, report, index)
    if isinstance(block, File):
        return blocks.new_file(block, report, index)
    if isinstance(block, Details):
        return blocks.new_details(block, inner)
    if isinstance(block, Gallery):
        return blocks.new_gallery(block, inner)
    if isinstance(block, Container):
        return blocks.new_container(block, inner, report, index)
    if isinstance(block, Callout):
        return blocks.new_callout(block, inner, report, index)
    if isinstance(block, Bookmark):
        return new_paragraph(blocks.bookmark_paragraph(block, report, index))
    return None


def changed_wrapper(block: Gallery | Details | Container, src: Source) -> str | None:
    """A wrapper whose own fields are unchanged, with its inner blocks rewritten inside its origin."""
    from .html import Span

    old = reader.read_block(src.block, Span(0, len(src.markup), src.spans), src.markup)
    field = "images" if isinstance(block, Gallery) else "blocks"
    shell = blocks.shell(src.block)
    if type(old) is not type(block) or shell is None or src.parts is None:
        return None
    if block.model_copy(update={field: getattr(old, field)}) != old:
        return None
    return src.with_inner(shell[0] + write_sequence(getattr(block, field), ConversionReport()) + shell[1])


def write_sequence(children: tuple[Block, ...], report: ConversionReport) -> str:
    """Inner blocks, each written as :func:`write_inner` writes it, consecutive buttons in one row."""
    out: list[str] = []
    row: list[str] = []
    for child in children:
        if isinstance(child, Button):
            row.append(_button_markup(child))
            continue
        if row:
            out.append(blocks.buttons_row(row))
            row = []
        out.append(write_inner(child, report))
    if row:
        out.append(blocks.buttons_row(row))
    return "\n\n".join(out)


def unrow(markup: str) -> str:
    """A core/button's markup, without the core/buttons row :func:`write_new` puts a new one in."""
    src = load_source(markup)
    if src is None or src.name != "core/buttons" or len(src.spans) != 1:
        return markup
    return markup[src.spans[0].start : src.spans[0].end]


def _button_markup(button: Button) -> str:
    """One core/button (without its row): its origin when unchanged."""
    origin = button.origin
    if origin is not None and origin.format == FORMAT:
        loaded = reread(origin.markup.strip(WS))
        if loaded is not None and same_content(button, loaded[1]):
            return origin.markup.strip(WS)
    return blocks.new_button(button)


def reread(markup: str) -> tuple[Source, Block | None] | None:
    """The origin markup loaded, and what reading it gives (None: it reads as Raw)."""
    src = load_source(markup)
    if src is None:
        return None
    from .html import Span

    span = Span(0, len(markup), src.spans)
    return src, reader.read_block(src.block, span, markup)


def same_content(block: Block, read_back: Block | None) -> bool:
    if read_back is None:
        return False
    if isinstance(block, UpdateMarker) and isinstance(read_back, UpdateMarker):
        suffix = re.fullmatch(re.escape(read_back.id) + r"(?:-\d+)?", block.id)
        return suffix is not None and block.model_copy(update={"id": read_back.id}) == read_back
    return block == read_back


def write_inner(block: Block, report: ConversionReport | None = None) -> str:
    """An inner block (a quote's paragraph, a nested list): its origin when unchanged, else rewritten."""
    silent = report if report is not None else ConversionReport()
    origin = block.origin
    if origin is not None and origin.format == FORMAT:
        loaded = reread(origin.markup)
        if loaded is not None:
            src, read_back = loaded
            if same_content(block, read_back):
                return origin.markup
            changed = write_changed(block, src, silent, None)
            if changed is not None:
                return changed
    return write_new(block, silent, None)
