"""``html``: classic-editor HTML and rendered HTML (lxml, no network, no entity expansion).

Reading: ``<p>``, ``<h1>``-``<h6>``, ``<blockquote>`` (``<p>``s, ``<cite>``, ``cite=`` source),
``<ul>``/``<ol>``,
``<figure>`` with ``<img>`` or an embed (``<iframe>``, WordPress embed wrapper), ``<img>``, ``<hr>``, update
markers (``id="update-..."``, ``class="update-marker"``, ``<time datetime>``), and classic-editor text
without ``<p>`` (blank lines separate paragraphs, a single newline is a line break, as WordPress's autop).
Code, preformatted text, tables, galleries, audio, video, files, buttons, pull quotes, details, callouts,
bookmarks and ``<div>``/sectioning containers are read and written by :mod:`.blocks`.
Anything else is Raw(format="html") with its outer HTML. A full document gives its ``<title>`` and ``<body>``.
Writing: semantic HTML, a full document when the post has a title; markers as
``<p class="update-marker" id="update-ID"><strong>... <time datetime="...">...</time></strong></p>``.
Raw content of another format is never hidden: WordPress markup shows its blocks' HTML (made inert),
text shows as text, each with its source in ``data-content`` so that it reads back.
"""

from __future__ import annotations

import datetime as dt
import re

import lxml.html
from lxml import etree
from pydantic import ValidationError

from ... import gutenberg
from ...errors import ParseError
from ...limits import check_attribute_count, check_element_depth, check_parser_limits
from ...model import (
    RAW_FORMAT_PATTERN,
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
    Inline,
    Inlines,
    LineBreak,
    List,
    ListItem,
    Note,
    Paragraph,
    Post,
    Preformatted,
    Quote,
    Raw,
    Separator,
    Table,
    Text,
    UpdateMarker,
    Video,
    zone_info,
)
from ...report import ConversionReport
from .. import report_unwritten_fields
from ..attribution import report_unknown_sources
from ..embeds import embed_for_url, identify, player_url
from ..inert import inert_html, make_inert
from ..updates import (
    byline_json,
    byline_names,
    byline_text,
    edited_time,
    is_update_label,
    names_from,
    parse_update_label,
    unique_id,
    update_id_from_label,
)
from . import blocks as rich
from .inline import (
    collect_notes,
    escape_attr,
    escape_text,
    has_notes,
    inline_from_node,
    inlines_from_element,
    inlines_to_html,
    normalize,
    notes_by_id,
    notes_html,
    resolve_notes,
    take_notes,
)

NAME = "html"

_PARSER = lxml.html.HTMLParser(no_network=True, remove_comments=False, default_doctype=False)  # type: ignore[call-arg]
_INLINE_TAGS = {
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins",
    "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u",
    "var",
}  # fmt: skip
_DOCUMENT = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--(?:(?!-->).)*-->\s*)*+<(?:!doctype|html|head|body)\b", re.I | re.S
)
_SPACE = re.compile(r"[ \t\n\r\f]+")
_HEADLINE_CLASS = "update-headline"
_BYLINE_CLASS = "update-byline"
_PINNED_CLASS = "is-pinned"
"""An update marker's headline and byline (the lines after its label) and the class of a pinned update: as
the gutenberg format writes them (:mod:`..wordpress.markers`)."""
_TIME_IN_LABEL = re.compile(r"\d{1,2}[:.h]\d{2}(?:\s*[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?", re.I)


def _tag(node: etree._Element) -> str:
    return node.tag.lower() if isinstance(node.tag, str) else ""


def _outer(node: etree._Element) -> str:
    return str(lxml.html.tostring(node, encoding="unicode", with_tail=False, method="html"))


def _text(node: etree._Element) -> str:
    """The text of an element (a comment or processing instruction has none that shows)."""
    return "".join(str(t) for t in node.itertext()) if isinstance(node.tag, str) else ""


def _classes(node: etree._Element) -> list[str]:
    return (node.get("class") or "").split()


def _descendants(node: etree._Element, tag: str) -> list[etree._Element]:
    return [n for n in node.iter() if _tag(n) == tag and n is not node]


def _collapse(inlines: Inlines) -> Inlines:
    """HTML whitespace rules: runs of spaces and newlines are one space; none at the edges."""
    out: list[Inline] = []
    for span in inlines:
        if isinstance(span, Text):
            span = Text(text=_SPACE.sub(" ", span.text))
        elif hasattr(span, "children") and not isinstance(span, Text):
            span = span.model_copy(update={"children": _collapse(span.children)})
        out.append(span)
    items = list(normalize(tuple(out)))
    for index, strip in ((0, str.lstrip), (-1, str.rstrip)):
        if items and isinstance(items[index], Text):
            stripped = strip(items[index].text)  # type: ignore[union-attr]
            if stripped:
                items[index] = Text(text=stripped)
            else:
                items.pop(index)
    # a space right after a line break is not shown
    for i in range(1, len(items)):
        if isinstance(items[i - 1], LineBreak) and isinstance(items[i], Text):
            items[i] = Text(text=items[i].text.lstrip(" "))  # type: ignore[union-attr]
    return normalize(tuple(items))


class _Reader:
    def __init__(self, report: ConversionReport) -> None:
        self.report = report
        self.blocks: list[Block] = []
        self.seen_ids: set[str] = set()

    def read(self, container: etree._Element) -> list[Block]:
        pieces: list[str | etree._Element] = []
        if container.text:
            pieces.append(container.text)
        for child in container:
            if _tag(child) in _INLINE_TAGS:
                pieces.append(child)
            else:
                self._autop(pieces)
                pieces = []
                self._block(child)
            if child.tail:
                pieces.append(child.tail)
        self._autop(pieces)
        return self.blocks

    def _autop(self, pieces: list[str | etree._Element]) -> None:
        """Classic-editor text: blank lines separate paragraphs, a newline is a line break."""
        current: list[Inline] = []
        for piece in pieces:
            if isinstance(piece, str):
                parts = re.split(r"\n[ \t\r\f]*\n\s*", piece)
                for i, part in enumerate(parts):
                    if i:
                        self._paragraph(current)
                        current = []
                    lines = part.split("\n")
                    for j, line in enumerate(lines):
                        if j and current:
                            current.append(LineBreak())
                        current.append(Text(text=line))
            else:
                current.append(inline_from_node(piece))
        self._paragraph(current)

    def _paragraph(self, spans: list[Inline]) -> None:
        inlines = _collapse(tuple(spans))
        while inlines and isinstance(inlines[0], LineBreak):
            inlines = _collapse(inlines[1:])
        while inlines and isinstance(inlines[-1], LineBreak):
            inlines = _collapse(inlines[:-1])
        if inlines:
            self.blocks.append(Paragraph(inlines=inlines))

    def _raw(self, node: etree._Element) -> None:
        self.blocks.append(Raw(format="html", content=_outer(node)))

    def _block(self, node: etree._Element) -> None:
        tag = _tag(node)
        if not tag:  # comment or processing instruction
            self._raw(node)
        elif re.fullmatch(RAW_FORMAT_PATTERN, node.get("data-cmsbridge-raw") or ""):
            self.blocks.append(
                Raw(format=node.get("data-cmsbridge-raw") or "html", content=node.get("data-content", ""))
            )
        elif self._is_marker(node):
            self._marker(node)
        elif tag == "p":
            image = self._image_in(node)
            if image is not None:
                self.blocks.append(image)
            else:
                self._paragraph(list(inlines_from_element(node)))
        elif re.fullmatch(r"h[1-6]", tag):
            anchor = node.get("id")
            self.blocks.append(
                Heading(level=int(tag[1]), inlines=_collapse(inlines_from_element(node)), anchor=anchor)
            )
        elif tag == "blockquote":
            self._quote(node, pull=bool({"pullquote", "wp-block-pullquote"} & set(_classes(node))))
        elif tag in ("pre", "table", "audio", "video", "details") or tag in rich.SECTIONING:
            self._rich(node)
        elif tag in ("ul", "ol"):
            parsed = self._list(node)
            if parsed is None:
                self._raw(node)
            else:
                self.blocks.append(parsed)
        elif tag == "figure":
            self._figure(node)
        elif tag == "img":
            self.blocks.append(self._image(node, None, ()))
        elif tag == "iframe":
            embed = self._iframe(node, ())
            if embed is None:
                self._raw(node)
            else:
                self.blocks.append(embed)
        elif tag == "hr":
            self.blocks.append(Separator())
        else:
            self._raw(node)

    def _children(self, node: etree._Element) -> list[Block]:
        sub = _Reader(self.report)
        sub.seen_ids = self.seen_ids
        return sub.read(node)

    def _rich(self, node: etree._Element) -> None:
        """The blocks of :mod:`.blocks` that are not figures."""
        tag, classes = _tag(node), _classes(node)
        found: Block | list[Button] | None = None
        if tag == "pre":
            found = rich.read_pre(node)
        elif tag == "table":
            found = rich.read_table(node)
        elif tag in ("audio", "video"):
            found = rich.read_media(node, ())
        elif tag == "details":
            found = rich.read_details(node, self._children)
        elif tag == "div" and "wp-block-buttons" in classes:
            found = rich.read_buttons(node)
        elif tag == "div" and "callout" in classes:
            found = rich.read_callout(node, self._children)
        elif tag == "div" and "wp-block-file" in classes:
            links = [a for a in _descendants(node, "a") if a.get("download") is not None]
            found = rich.read_file(links[0], ()) if len(links) == 1 else None
            named = [a for a in _descendants(node, "a") if a.get("download") is None]
            if isinstance(found, File) and len(named) == 1:
                found = found.model_copy(update={"name": _SPACE.sub(" ", _text(named[0])).strip()})
        if found is None and tag in rich.SECTIONING:
            found = rich.read_container(node, self._children)
        if found is None:
            self._raw(node)
        elif isinstance(found, list):
            self.blocks.extend(found)
        else:
            self.blocks.append(found)

    def _gallery_image(self, node: etree._Element) -> Image | None:
        if _tag(node) == "img":
            return self._image(node, None, ())
        sub = _Reader(self.report)
        sub._figure(node)
        return sub.blocks[0] if len(sub.blocks) == 1 and isinstance(sub.blocks[0], Image) else None

    # -- update markers

    def _is_marker(self, node: etree._Element) -> bool:
        tag = _tag(node)
        if tag not in ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6"):
            return False
        if "update-marker" in (node.get("class") or "").split() or (node.get("id") or "").startswith(
            "update-"
        ):
            return True
        # a WordPress-style bold "UPDATE: ..." paragraph
        children = list(node)
        return (
            tag == "p"
            and len(children) == 1
            and _tag(children[0]) in ("strong", "b")
            and not (node.text or "").strip()
            and not (children[0].tail or "").strip()
            and is_update_label(_text(children[0]))
        )

    def _marker(self, node: etree._Element) -> None:
        extras = {
            name: child
            for child in node
            for name in (_HEADLINE_CLASS, _BYLINE_CLASS)
            if _tag(child) == "span" and _classes(child) == [name]
        }
        shown = [child for child in node if child not in extras.values()]
        label = _SPACE.sub(" ", (node.text or "") + "".join(_text(c) + (c.tail or "") for c in shown)).strip()
        at, tz = parse_update_label(label)
        times = [t for t in _descendants(node, "time") if t.get("datetime") is not None]
        if node.get("data-tz") is not None:
            tz = node.get("data-tz") or None
        try:
            if times:
                value = (times[0].get("datetime") or "").strip()
                at = (
                    dt.datetime.fromisoformat(value)
                    if "T" in value or "-" in value[:8]
                    else dt.time.fromisoformat(value)
                )
            elif node.get("data-at") == "none":
                at = None
            if isinstance(at, dt.datetime) and tz is not None:
                at = at.astimezone(zone_info(tz)) if at.tzinfo else at.replace(tzinfo=zone_info(tz))
            element_id = node.get("id") or ""
            marker_id = element_id.removeprefix("update-") if element_id else ""
            if not marker_id:
                marker_id = unique_id(update_id_from_label(label), self.seen_ids)
            self.seen_ids.add(marker_id)
            key = node.get("data-key") == "true" or "is-key" in (node.get("class") or "").split()
            known = names_from(node.get("data-by"))
            by = byline_names(_text(extras[_BYLINE_CLASS]), known) if _BYLINE_CLASS in extras else known
            headline = _text(extras[_HEADLINE_CLASS]) if _HEADLINE_CLASS in extras else ""
            pinned = _PINNED_CLASS in _classes(node)
            edited = edited_time(node.get("data-edited"))
            self.blocks.append(
                UpdateMarker(
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
            )
        except (ValueError, KeyError, ValidationError):
            self.report.warn(
                NAME, f"update marker {label[:40]!r} has a bad id, time or zone; kept as raw HTML"
            )
            self._raw(node)

    # -- quotes, lists, figures

    def _quote(self, node: etree._Element, *, pull: bool = False) -> None:
        paragraphs: list[Paragraph] = []
        citation: Inlines = ()
        loose: list[str | etree._Element] = [node.text] if node.text else []
        for child in node:
            tag = _tag(child)
            if tag == "p" and not loose:
                inlines = _collapse(inlines_from_element(child))
                paragraphs.append(Paragraph(inlines=inlines))
            elif tag == "cite" and not citation:
                citation = _collapse(inlines_from_element(child))
            elif tag == "footer" and len(child) == 1 and _tag(child[0]) == "cite":
                citation = _collapse(inlines_from_element(child[0]))
            elif tag in _INLINE_TAGS:
                loose.append(child)
            else:
                self._raw(node)
                return
            if child.tail and child.tail.strip():
                loose.append(child.tail)
        if any((isinstance(p, str) and p.strip()) or not isinstance(p, str) for p in loose):
            if paragraphs:
                self._raw(node)
                return
            sub = _Reader(self.report)
            sub._autop(loose)
            paragraphs = [b for b in sub.blocks if isinstance(b, Paragraph)]
        self.blocks.append(
            Quote(paragraphs=tuple(paragraphs), citation=citation, source_url=node.get("cite"), pull=pull)
        )

    def _list(self, node: etree._Element) -> List | None:
        start = (node.get("start") or "1").strip() if _tag(node) == "ol" else "1"
        if (node.text or "").strip() or not re.fullmatch(r"-?[0-9]{1,9}", start):
            return None
        items: list[ListItem] = []
        for li in node:
            if _tag(li) != "li" or (li.tail or "").strip():
                return None
            children: list[List] = []
            spans: list[Inline] = [Text(text=li.text)] if li.text else []
            for child in li:
                if _tag(child) in ("ul", "ol"):
                    sub = self._list(child)
                    if sub is None:
                        return None
                    children.append(sub)
                elif _tag(child) in _INLINE_TAGS and not children:
                    spans.append(inline_from_node(child))
                elif _tag(child) == "p" and not spans and len(li) == 1 + len(children):
                    spans.extend(inlines_from_element(child))
                else:
                    return None
                if child.tail and children:
                    if child.tail.strip():
                        return None
                elif child.tail:
                    spans.append(Text(text=child.tail))
            items.append(ListItem(inlines=_collapse(tuple(spans)), children=tuple(children)))
        return List(ordered=_tag(node) == "ol", items=tuple(items), start=int(start))

    def _image_in(self, node: etree._Element) -> Image | None:
        """The image a ``<p>`` or ``<a>`` holds alone, if it does."""
        if (node.text or "").strip() or len(node) != 1 or (node[0].tail or "").strip():
            return None
        child = node[0]
        if _tag(node) == "a" and _tag(child) == "img" and node.get("href") is not None:
            return self._linked_image(node, ())
        if _tag(child) == "img":
            return self._image(child, None, ())
        if _tag(child) == "a":
            return self._image_in(child)
        return None

    def _dropped(self, what: str, names: list[str]) -> None:
        if names:
            self.report.warn(
                NAME, f"the model holds no {', '.join(sorted(names))} of {what}; not kept", len(self.blocks)
            )

    def _linked_image(self, link: etree._Element, caption: Inlines) -> Image:
        """The image a link holds, keeping the link (its other attributes reported as lost)."""
        self._dropped("an image's link", [str(k) for k in link.attrib if k != "href"])
        return self._image(link[0], link.get("href"), caption)

    def _image(self, img: etree._Element, link: str | None, caption: Inlines) -> Image:
        def size(name: str) -> int | None:
            value = img.get(name) or ""
            return int(value) if value.isdigit() else None

        self._dropped("an image", [str(k) for k in img.attrib if k not in ("src", "alt", "width", "height")])

        return Image(
            src=img.get("src") or "",
            alt=img.get("alt") or "",
            caption=caption,
            link=link,
            width=size("width"),
            height=size("height"),
        )

    def _figure(self, node: etree._Element) -> None:
        caption: Inlines = ()
        content: list[etree._Element] = []
        for child in node:
            if _tag(child) == "figcaption":
                caption = _collapse(inlines_from_element(child))
            elif _tag(child):
                content.append(child)
        pulled = [c for c in content if _tag(c) == "blockquote"]
        if "wp-block-pullquote" in _classes(node) and len(content) == 1 and pulled:
            self._quote(pulled[0], pull=True)
            return
        found = rich.read_figure(node, content, caption, self._gallery_image)
        if found is not None:
            self.blocks.append(found)
            return
        if len(content) != 1 or (node.text or "").strip():
            self._raw(node)
            return
        inner = content[0]
        tag = _tag(inner)
        block: Block | None = None
        if node.get("data-url"):
            pid = node.get("data-provider-id")
            block = Embed(
                provider=node.get("data-provider") or identify(node.get("data-url") or "")[0],
                url=node.get("data-url") or "",
                provider_id=pid or None,
                caption=caption,
            )
        elif tag == "img":
            block = self._image(inner, None, caption)
        elif tag == "a" and len(inner) == 1 and _tag(inner[0]) == "img":
            block = self._linked_image(inner, caption)
        elif tag == "iframe":
            block = self._iframe(inner, caption)
        elif tag == "div" and "wp-block-embed__wrapper" in (inner.get("class") or ""):
            iframes = _descendants(inner, "iframe")
            url = _text(inner).strip()
            if iframes:
                block = self._iframe(iframes[0], caption)
            elif re.fullmatch(r"https?://\S+", url):
                block = embed_for_url(url).model_copy(update={"caption": caption})
        if block is None:
            self._raw(node)
        else:
            self.blocks.append(block)

    def _iframe(self, node: etree._Element, caption: Inlines) -> Embed | None:
        src = node.get("src") or ""
        if src.startswith("//"):
            src = "https:" + src
        embed = embed_for_url(src)
        if embed.provider == "generic":
            return None
        return embed.model_copy(update={"caption": caption})


def read(data: str, report: ConversionReport) -> Post:
    title = ""
    check_attribute_count(data, NAME)
    try:
        if _DOCUMENT.match(data):
            try:
                document = lxml.html.document_fromstring(data, parser=_PARSER)
            except etree.ParserError as exc:
                if str(exc) == "Document is empty":  # a doctype alone, comments: a post with nothing in it
                    return Post()
                raise
            titles = _descendants(document, "title")
            title = _SPACE.sub(" ", _text(titles[0])).strip() if titles else ""
            bodies = _descendants(document, "body")
            if not bodies:
                return Post(title=title)
            container = bodies[0]
        else:
            if not data.strip():
                return Post()
            container = lxml.html.fragment_fromstring(data, create_parent="div", parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ParseError(f"html: cannot parse: {exc}") from exc
    except (AssertionError, IndexError):  # lxml asserts that a fragment has a body (head elements only)
        raise ParseError("html: cannot parse: no body content") from None
    check_element_depth(container, NAME)
    check_parser_limits(_PARSER, NAME)
    with resolve_notes(take_notes(container)):
        blocks = _Reader(report).read(container)
    return Post(title=title, blocks=tuple(blocks))


# --- writing -------------------------------------------------------------------------------------------


def _attr(name: str, value: str | None) -> str:
    return f' {name}="{escape_attr(value)}"' if value is not None else ""


class _Writer:
    def __init__(self, report: ConversionReport) -> None:
        self.report = report
        self.seen_ids: set[str] = set()
        self.index: int | None = None

    def block(self, block: Block) -> str:
        if isinstance(block, Paragraph):
            return f"<p>{inlines_to_html(block.inlines)}</p>"
        if isinstance(block, Heading):
            tag = f"h{block.level}"
            return f"<{tag}{_attr('id', block.anchor)}>{inlines_to_html(block.inlines)}</{tag}>"
        rich_html = self.rich(block)
        if rich_html is not None:
            return rich_html
        if isinstance(block, Quote):
            return rich.write_quote(block)
        if isinstance(block, Embed):
            return self.embed(block)
        if isinstance(block, UpdateMarker):
            return self.marker(block)
        if isinstance(block, List):
            return self.list(block)
        if isinstance(block, Image):
            img = f"<img{_attr('src', block.src)}{_attr('alt', block.alt)}"
            img += _attr("width", str(block.width) if block.width is not None else None)
            img += _attr("height", str(block.height) if block.height is not None else None) + ">"
            if block.link is not None:
                img = f"<a{_attr('href', block.link)}>{img}</a>"
            caption = f"<figcaption>{inlines_to_html(block.caption)}</figcaption>" if block.caption else ""
            return f"<figure>{img}{caption}</figure>"
        if isinstance(block, Separator):
            return "<hr>"
        if isinstance(block, Raw):
            return self.raw(block)
        raise AssertionError(block)  # pragma: no cover

    def blocks(self, blocks: tuple[Block, ...]) -> str:
        """Blocks one after the other, consecutive buttons in one row."""
        return "\n".join(self.block(run[0]) if len(run) == 1 else self.row(run) for run in runs(blocks))

    def row(self, run: tuple[Block, ...]) -> str:
        return rich.write_buttons([b for b in run if isinstance(b, Button)])

    def rich(self, block: Block) -> str | None:
        """The HTML of the blocks of :mod:`.blocks` (None for the others)."""
        if isinstance(block, Quote) and block.pull:
            return rich.write_quote(block)
        if isinstance(block, CodeBlock):
            return rich.write_code(block)
        if isinstance(block, Preformatted):
            return f"<pre>{inlines_to_html(block.inlines)}</pre>"
        if isinstance(block, Table):
            return rich.write_table(block)
        if isinstance(block, Audio | Video):
            return rich.write_media(block)
        if isinstance(block, File):
            return rich.write_file(block)
        if isinstance(block, Button):
            return self.row((block,))
        if isinstance(block, Bookmark):
            return rich.write_bookmark(block)
        if isinstance(block, Gallery):
            images = "".join(self.block(image) for image in block.images)
            columns = f" columns-{block.columns}" if block.columns else ""
            caption = f"<figcaption>{inlines_to_html(block.caption)}</figcaption>" if block.caption else ""
            return f'<figure class="wp-block-gallery{columns}">{images}{caption}</figure>'
        if isinstance(block, Details):
            return rich.write_details(block, self.blocks)
        if isinstance(block, Callout):
            return rich.write_callout(block, self.blocks)
        if isinstance(block, Container):
            return rich.write_container(block, self.blocks)
        return None

    def raw(self, block: Raw) -> str:
        """Raw content where a reader sees it: HTML as it is; WordPress markup as the HTML of its blocks
        (made inert), with its source in ``data-content`` so that it reads back; text as text."""
        if block.format == "html":
            return block.content
        content = escape_attr(block.content).replace("\r", "&#13;").replace("\n", "&#10;")
        if block.format == "gutenberg":
            shown = inert_html(re.sub(gutenberg.TOKEN_PATTERN, "", block.content, flags=re.DOTALL).strip())
        elif block.format in ("markdown", "text"):
            shown = escape_text(block.content)
        else:
            shown = ""
        if not shown:
            message = f"raw {block.format} content has no HTML form: kept in data-content, not shown"
            self.report.warn(NAME, message, self.index)
        return f'<div{_attr("data-cmsbridge-raw", block.format)} data-content="{content}">{shown}</div>'

    def embed(self, embed: Embed) -> str:
        attrs = _attr("data-provider", embed.provider) + _attr("data-url", embed.url)
        attrs += _attr("data-provider-id", embed.provider_id or "")
        src = player_url(embed.provider, embed.provider_id)
        if src is not None:
            inner = f"<iframe{_attr('src', src)} allowfullscreen></iframe>"
        else:
            link = f"<a{_attr('href', embed.url)}>{escape_text(embed.url)}</a>"
            inner = f'<div class="wp-block-embed__wrapper">{link}</div>'
        caption = f"<figcaption>{inlines_to_html(embed.caption)}</figcaption>" if embed.caption else ""
        classes = f"wp-block-embed is-provider-{escape_attr(embed.provider)}"
        return f'<figure class="{classes}"{attrs}>{inner}{caption}</figure>'

    def marker(self, marker: UpdateMarker) -> str:
        label = marker.label
        at, tz = parse_update_label(label)
        classes = ["update-marker"] + ["is-key"] * marker.key + [_PINNED_CLASS] * marker.pinned
        attrs = _attr("class", " ".join(classes)) + _attr("id", marker.anchor)
        if marker.by:
            attrs += _attr("data-by", byline_json(marker.by))
        if marker.edited is not None:
            attrs += _attr("data-edited", marker.edited.isoformat())
        if marker.tz != tz:
            attrs += _attr("data-tz", marker.tz or "")
        if marker.at is None and at is not None:
            attrs += ' data-at="none"'
        text = escape_text(label)
        if marker.at is not None:
            stamp = (
                marker.at.isoformat()
                if isinstance(marker.at, dt.datetime)
                else marker.at.isoformat(
                    "minutes" if not marker.at.second and not marker.at.microsecond else "auto"
                )
            )
            found = _TIME_IN_LABEL.search(label)
            if found:
                text = (
                    escape_text(label[: found.start()])
                    + f'<time datetime="{escape_attr(stamp)}">'
                    + escape_text(found[0])
                    + "</time>"
                    + escape_text(label[found.end() :])
                )
            else:
                text += f'<time datetime="{escape_attr(stamp)}"></time>'
        lines = [(_HEADLINE_CLASS, marker.headline), (_BYLINE_CLASS, byline_text(marker.by))]
        extras = [f'<br><span class="{name}">{escape_text(line)}</span>' for name, line in lines if line]
        return f"<p{attrs}><strong>{text}</strong>{''.join(extras)}</p>"

    def list(self, block: List) -> str:
        tag = "ol" if block.ordered else "ul"
        items = "".join(
            f"<li>{inlines_to_html(item.inlines)}{''.join(self.list(c) for c in item.children)}</li>"
            for item in block.items
        )
        start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
        return f"<{tag}{start}>{items}</{tag}>"


def runs(blocks: tuple[Block, ...]) -> list[tuple[Block, ...]]:
    """Blocks grouped as they are written: each alone, consecutive buttons together (one row)."""
    out: list[tuple[Block, ...]] = []
    for block in blocks:
        if isinstance(block, Button) and out and isinstance(out[-1][-1], Button):
            out[-1] += (block,)
        else:
            out.append((block,))
    return out


def write(post: Post, report: ConversionReport) -> str:
    report_unwritten_fields(post, NAME, report, written=("title",))
    report_unknown_sources(post, NAME, report)
    post = make_inert(post, NAME, report)
    with collect_notes() as notes:
        body = _write_body(post, report, notes)
    if notes:
        body = body + "\n" + notes_html(notes) if body else notes_html(notes)
    if not post.title:
        return body + "\n" if body else ""
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape_text(post.title)}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _write_body(post: Post, report: ConversionReport, notes: list[Note]) -> str:
    writer = _Writer(report)
    chunks: list[str] = []
    index = 0
    for run in runs(post.blocks):
        block = run[0]
        origin = block.origin
        if (
            len(run) == 1
            and origin is not None
            and origin.format == NAME
            and not has_notes(block)
            and read(origin.markup, ConversionReport()).blocks == (block,)
        ):
            chunks.append(origin.markup)
            index += 1
            continue
        writer.index = index
        written = writer.block(block) if len(run) == 1 else writer.row(run)
        with resolve_notes(notes_by_id(notes)):
            probe = read(written, ConversionReport()).blocks
        for offset, each in enumerate(run):
            if probe[offset : offset + 1] != (each.without_origin(),):
                report.warn(NAME, f"{each.type} block does not survive exactly", index + offset)
        index += len(run)
        chunks.append(written)
    return "\n".join(chunks)
