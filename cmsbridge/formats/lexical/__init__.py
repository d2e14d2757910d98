"""``lexical``: Ghost's Lexical JSON (Koenig), the string in a Ghost post's ``lexical`` field.

The document holds the post's blocks only; title, slug, tags and the rest travel beside it in the Admin
API's post object (see :mod:`cmsbridge.backends.ghost`).

Mapping (model <-> Lexical):

- Paragraph, Heading <-> ``paragraph``, ``extended-heading`` (tag ``h1``-``h6``); text runs are
  ``extended-text`` nodes with the format bitmask (bold 1, italic 2, code 16), links are ``link`` nodes,
  line breaks ``linebreak``. The reader nests marks canonically: links outermost, then bold, then italic;
  line breaks are never inside marks. Strikethrough, underline, sub/superscript and highlight read as
  :class:`RawInline` HTML (``<s>``, ``<u>``, ``<sub>``, ``<sup>``, ``<mark>``) and are written back as bits.
- Note (a footnote): Ghost has no footnotes. The note's number is written as superscript text where it
  stands and the notes as a numbered ``list`` after the post; each note is reported. It reads back as
  that text and list.
- Heading anchors: Ghost derives a heading's ``id`` from its text (:func:`cmsbridge.model.slugify`) and
  Lexical has no id field. A heading with an ``anchor`` is preceded by an HTML card
  ``<span class="cmsbridge-anchor" data-anchor="A" id="A"></span>`` (``id`` left out when Ghost's own id
  is already ``A``, so the page has no duplicate id).
- Quote <-> ``extended-quote``, a pull quote <-> ``aside`` (Ghost's alternative quote style): paragraphs are
  separated by two line breaks; Ghost has no citation field, so the citation is a trailing italic run
  ``— citation`` after two line breaks, linked to ``source_url`` when there is one. Headings, lists and
  paragraphs that Ghost's HTML converter nests in a quote are read as its paragraphs (a list item with
  its bullet or number).
- UpdateMarker <-> an HTML card ``<span id="update-ID" class="cmsbridge-update" data-update-id=...
  data-at=... data-tz=... data-key="true" data-pinned="true" data-edited=... data-by='["Ann Lee"]'
  data-label="heading" data-headline="heading" data-byline="paragraph"></span>`` followed, when the label
  is not empty, by an ``h3`` holding the label, when there is a headline by an ``h4`` holding it, and
  when there is a byline by a paragraph ``By Ann Lee and Bo Ng`` in italics (the card's ``data-by`` keeps
  the names exactly; the paragraph's text wins when an editor changed it). The span gives the page the
  stable anchor ``update-ID`` that every cmsbridge format writes, so links to an update survive a move
  between CMSs (the span has no ``id`` when Ghost's id for the label's heading is that anchor already). A
  time or zone the card leaves out is the one the label names (:mod:`.updates`, as every format reads
  labels); ``none`` when that is not it.
- Embed <-> ``embed`` card whose ``html`` cmsbridge builds itself (YouTube and Vimeo iframes; a link for
  other providers), with ``metadata.cmsbridge`` = provider and provider id.
- Image <-> ``image`` card (an image card inside a link inside a paragraph, as Ghost's converter makes
  ``<a><img></a>``, is read as an image of its own with the link); Separator <-> ``horizontalrule``;
  List <-> ``list``/``listitem``.
- Cards: CodeBlock <-> ``codeblock``; Gallery <-> ``gallery``; Video, Audio, File, Button, Bookmark <->
  ``video``, ``audio`` (its title is the caption's text, HTML-escaped), ``file`` (``fileTitle`` is the
  name), ``button``, ``bookmark``; Callout <-> ``callout`` and Details <-> ``toggle``, their text read
  and written as HTML; Container ``header`` <-> the ``header`` card (heading, subheading and button as
  blocks, its look as attrs). Ghost has no card for a table, preformatted text or a story's
  ``live-status`` container (its coverage times and sentence): an HTML card starting
  ``<!--cmsbridge:block-->`` holds the html format's markup for it and reads back as the block; any
  other container is written as its blocks (reported).
- What the model has no place for (a link's ``rel`` and ``target``, a text style, an at-link, a card
  field such as a code card's caption) is read as its content and named in the block origin's
  ``not_held``, which :mod:`..presentation` reports when the block is written to another format; the
  same format writes the unchanged block back node for node. Lexical JSON never becomes text.
- Raw: ``html`` <-> ``html`` card; ``markdown`` <-> ``markdown`` card; ``lexical`` (any node the reader
  does not understand: products, signups, paywalls...) is written back unchanged; other formats go into
  an ``html`` card tagged with a comment ``<!--cmsbridge:raw format=F-->``: WordPress markup as it is,
  anything else (text, a code block of the text format...) escaped inside ``<pre>``, so text never becomes
  live markup on the Ghost site (reported as a loss).

Every block read carries an origin holding its nodes; an unchanged block is written back node for node.
Whatever does not read back identically is recorded in the conversion report (:mod:`.crossing`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html import escape, unescape
from typing import Any
from urllib.parse import quote

from pydantic import JsonValue, ValidationError

from ...errors import ParseError
from ...limits import load_json
from ...model import (
    LIVE_STATUS,
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
    Post,
    Preformatted,
    Quote,
    Raw,
    RawInline,
    Separator,
    Table,
    Text,
    UpdateMarker,
    Video,
    plain_text,
    slugify,
    text,
    zone_info,
)
from ...report import ConversionReport
from .. import html as html_format
from .. import report_unwritten_fields
from ..attribution import report_unknown_sources
from ..embeds import PROVIDERS, identify, player_url, valid_id
from ..html.inline import inlines_from_html, inlines_to_html, normalize, parse_fragment
from ..inert import make_inert
from ..updates import byline_json, byline_names, byline_text, edited_time, names_from, parse_update_label

NAME = "lexical"

Node = dict[str, Any]

BOLD, ITALIC, STRIKE, UNDERLINE, CODE, SUB, SUP, HIGHLIGHT = 1, 2, 4, 8, 16, 32, 64, 128
_EXTRA_TAGS = ((STRIKE, "s"), (UNDERLINE, "u"), (SUB, "sub"), (SUP, "sup"), (HIGHLIGHT, "mark"))
_TAG_BITS = {
    "s": STRIKE,
    "u": UNDERLINE,
    "sub": SUB,
    "sup": SUP,
    "mark": HIGHLIGHT,
    "strong": BOLD,
    "b": BOLD,
    "em": ITALIC,
    "i": ITALIC,
    "code": CODE,
}
_TEXT_TYPES = ("extended-text", "text")
_CITATION_DASH = "— "
_DEFAULT_SEGMENT = "status:free,status:-free"
_RAW_TAG = re.compile(r"\A<!--cmsbridge:raw format=(" + RAW_FORMAT_PATTERN + r")-->\n")
_RAW_TEXT = re.compile(r"<pre>([^<]*)</pre>")
_HTML_RAW = ("gutenberg", "wxr")
"""Raw formats that are HTML: written into an HTML card as they are; any other is escaped in a ``<pre>``."""
_SPAN = re.compile(r'\A<span((?:\s+[a-z][a-z-]*="[^"]*")*)\s*></span>\Z')
_ATTR = re.compile(r'([a-z][a-z-]*)="([^"]*)"')
_UPDATE_CLASS = "cmsbridge-update"
_ANCHOR_CLASS = "cmsbridge-anchor"
_UPDATE_HEADING = "h3"
_HEADLINE_HEADING = "h4"
_QUOTE_BLOCKS = frozenset({"extended-heading", "heading", "list", "paragraph"})
"""Nodes Ghost's HTML converter nests in a quote, which the model's quote holds as paragraphs."""
_CARD_TYPES = frozenset(
    {"image", "codeblock", "gallery", "video", "audio", "file", "button", "bookmark", "callout", "toggle"}
    | {"header", "html", "markdown", "embed", "horizontalrule", "product", "signup", "paywall", "email"}
    | {"email-cta", "call-to-action", "transistor"}
)
"""Ghost's cards (decorator nodes): blocks of their own, even where a paragraph holds one."""
_BLOCK_TAG = "<!--cmsbridge:block-->\n"
"""Starts an HTML card holding a block Ghost has no card for (a table, preformatted text, a live-status
container), written as the html format writes it, so that it reads back as that block."""
_ENDS_ATTRIBUTE = re.compile(r"[\s\"'<>`]")
_PLAIN_ATTR = re.compile(r"[#A-Za-z0-9 ._%-]{0,200}|https?://[^\s\"'<>`()\\]{1,2000}")
"""A header card attribute Ghost's renderer can put into markup as it is (a word, colour or address)."""
_CALLOUT_COLOUR = "blue"
"""The background colour of a callout card written by cmsbridge (Koenig's default)."""


# --- node builders -----------------------------------------------------------------------------------


def _element(kind: str, children: list[Node], **extra: Any) -> Node:
    return {
        "children": children,
        "direction": "ltr",
        "format": "",
        "indent": 0,
        "type": kind,
        "version": 1,
        **extra,
    }


def _text(value: str, bits: int) -> Node:
    return {
        "detail": 0,
        "format": bits,
        "mode": "normal",
        "style": "",
        "text": value,
        "type": "extended-text",
        "version": 1,
    }


_LINEBREAK: Node = {"type": "linebreak", "version": 1}


def _html_card(html: str) -> Node:
    return {"type": "html", "version": 1, "html": html}


# --- inline: write ------------------------------------------------------------------------------------


class _Writer:
    def __init__(
        self, report: ConversionReport, block: int | None, notes: dict[int, tuple[int, Note]] | None = None
    ) -> None:
        self.report = report
        self.block = block
        self.notes: dict[int, tuple[int, Note]] = {} if notes is None else notes
        """Footnotes met so far (shared by the post's writers): number and note, by the span's identity
        (a span written twice is one note). Ghost has no footnotes: the number is written where the note
        stands, as superscript text, and the notes as a numbered list after the post."""

    def loss(self, message: str) -> None:
        self.report.warn(NAME, message, self.block)

    def note_number(self, note: Note) -> int:
        found = self.notes.get(id(note))
        if found is None:
            found = self.notes[id(note)] = (len(self.notes) + 1, note)
            self.loss(
                f"footnote {found[0]} is written as its number in the text and as item {found[0]} of a"
                " numbered list after the post (Ghost has no footnotes)"
            )
        return found[0]

    def inlines(self, inlines: Inlines, bits: int = 0, in_link: bool = False) -> list[Node]:
        out: list[Node] = []
        for span in inlines:
            if isinstance(span, Text):
                if span.text:
                    out.append(_text(span.text, bits))
            elif isinstance(span, Bold):
                out += self.inlines(span.children, bits | BOLD, in_link)
            elif isinstance(span, Italic):
                out += self.inlines(span.children, bits | ITALIC, in_link)
            elif isinstance(span, Code):
                if span.text:
                    out.append(_text(span.text, bits | CODE))
            elif isinstance(span, LineBreak):
                out.append(dict(_LINEBREAK))
            elif isinstance(span, Link):
                if in_link:
                    self.loss(f"a link inside a link ({span.href}) is written as its text")
                    out += self.inlines(span.children, bits, in_link)
                else:
                    out.append(
                        _element(
                            "link",
                            self.inlines(span.children, bits, True),
                            rel=None,
                            target=None,
                            title=span.title,
                            url=span.href,
                        )
                    )
            elif isinstance(span, Note):
                out.append(_text(str(self.note_number(span)), bits | SUP))
            elif span.format == NAME:
                out.append(self.raw_lexical_inline(span.content, bits))
            elif span.format == "html":
                out += self.raw_html_inline(span.content, bits)
            else:
                self.loss(f"inline {span.format} content is written as plain text")
                out.append(_text(span.content, bits))
        return _merge_texts(out)

    def raw_lexical_inline(self, content: str, bits: int) -> Node:
        """A Lexical inline node kept as it was read; anything else (not a JSON object) as plain text."""
        try:
            node = json.loads(content)
        except ValueError:
            node = None
        if isinstance(node, dict):
            return node
        self.loss("inline Lexical content that is not a node is written as plain text")
        return _text(content, bits)

    def raw_html_inline(self, html: str, bits: int) -> list[Node]:
        """Inline HTML as Lexical: format tags become bits; any other markup is reduced to its text."""
        out: list[Node] = []

        def walk(element: Any, bits: int) -> None:
            if element.text:
                out.append(_text(element.text, bits))
            for child in element:
                tag = child.tag if isinstance(child.tag, str) else ""
                if tag in _TAG_BITS and not child.attrib:
                    walk(child, bits | _TAG_BITS[tag])
                elif tag == "br":
                    out.append(dict(_LINEBREAK))
                else:
                    if tag:
                        self.loss(f"inline HTML <{tag}> has no Lexical form; only its text is kept")
                        walk(child, bits)
                if child.tail:
                    out.append(_text(child.tail, bits))

        try:
            wrapper = parse_fragment(html)
        except ParseError:
            self.loss("inline HTML that cannot be parsed is written as plain text")
            return [_text(html, bits)]
        walk(wrapper, bits)
        return out


def _merge_texts(nodes: list[Node]) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        last = out[-1] if out else None
        if (
            last is not None
            and node.get("type") == "extended-text"
            and last.get("type") == "extended-text"
            and last.get("format") == node.get("format")
            and last.get("style") == node.get("style")
            and last.get("mode") == node.get("mode") == "normal"
            and isinstance(last.get("text"), str)
            and isinstance(node.get("text"), str)
        ):
            out[-1] = {**last, "text": last["text"] + node["text"]}
        else:
            out.append(node)
    return out


# --- inline: read -------------------------------------------------------------------------------------


def _leaf(node: Node) -> tuple[int, Inline]:
    bits = int(node.get("format") or 0)
    value = str(node.get("text", ""))
    extra = [tag for bit, tag in _EXTRA_TAGS if bits & bit]
    if extra:
        inner = f"<code>{escape(value, quote=False)}</code>" if bits & CODE else escape(value, quote=False)
        for tag in reversed(extra):
            inner = f"<{tag}>{inner}</{tag}>"
        return bits & (BOLD | ITALIC), RawInline(format="html", content=inner)
    if bits & CODE:
        return bits & (BOLD | ITALIC), Code(text=value)
    return bits & (BOLD | ITALIC), Text(text=value)


def _nest(items: list[tuple[int, Inline]]) -> list[Inline]:
    out: list[Inline] = []
    i = 0
    while i < len(items):
        bits, leaf = items[i]
        mark = BOLD if bits & BOLD else ITALIC if bits & ITALIC else 0
        if not mark:
            out.append(leaf)
            i += 1
            continue
        j = i
        while j < len(items) and items[j][0] & mark:
            j += 1
        children = tuple(_nest([(b & ~mark, span) for b, span in items[i:j]]))
        out.append(Bold(children=children) if mark == BOLD else Italic(children=children))
        i = j
    return out


def _read_inlines(nodes: list[Node], lost: set[str]) -> Inlines:
    """Inline nodes as spans. What the model has no place for (a link's ``rel`` and ``target``, a text
    style, an at-link or another element) is read as its content and named in ``lost``: never as JSON."""
    out: list[Inline] = []
    run: list[tuple[int, Inline]] = []

    def flush() -> None:
        out.extend(_nest(run))
        run.clear()

    for node in nodes:
        kind = node.get("type")
        children = node.get("children")
        if kind == "linebreak":
            run.append((0, LineBreak()))
        elif kind == "tab":
            run.append((0, Text(text="\t")))
        elif kind == "link":
            lost.update(f"link {attr}" for attr in ("rel", "target") if node.get(attr))
            flush()
            out.append(
                Link(
                    href=str(node.get("url", "")),
                    title=node.get("title") or None,
                    children=_read_inlines(list(children or []), lost),
                )
            )
        elif isinstance(node.get("text"), str) and children is None:  # text, hashtag, zwnj...
            if kind not in _TEXT_TYPES:
                lost.add(f"{_kind(node)} node")
            if node.get("style"):
                lost.add("text style")
            run.append(_leaf(node))
        elif isinstance(children, list):  # at-link and any other element: its content
            lost.add(f"{_kind(node)} node")
            flush()
            out.extend(_read_inlines(children, lost))
        else:
            lost.add(f"{_kind(node)} card inside a paragraph")
    flush()
    return normalize(tuple(out))


def _kind(node: Node) -> str:
    """A node's type as words for a report (untrusted: cut short)."""
    return str(node.get("type"))[:40]


# --- update markers and anchors -------------------------------------------------------------------------


def _span_attrs(html: str) -> dict[str, str] | None:
    match = _SPAN.match(html.strip())
    if match is None:
        return None
    return {name: unescape(value) for name, value in _ATTR.findall(match[1])}


def _span(attrs: dict[str, str]) -> str:
    return "<span" + "".join(f' {k}="{escape(v, quote=True)}"' for k, v in attrs.items()) + "></span>"


def _marker_card(marker: UpdateMarker) -> Node:
    attrs = {"id": marker.anchor, "class": _UPDATE_CLASS, "data-update-id": marker.id}
    if marker.label and slugify(marker.label) == marker.anchor:
        del attrs["id"]  # the label's heading already gets this id from Ghost: no duplicate id
    named_at, named_tz = parse_update_label(marker.label) if marker.label else (None, None)
    if marker.at is not None or named_at is not None:  # "none": not the time the label names
        attrs["data-at"] = marker.at.isoformat() if marker.at is not None else "none"
    if marker.tz is not None or named_tz is not None:
        attrs["data-tz"] = marker.tz or "none"
    if marker.key:
        attrs["data-key"] = "true"
    if marker.pinned:
        attrs["data-pinned"] = "true"
    if marker.edited is not None:
        attrs["data-edited"] = marker.edited.isoformat()
    if marker.by:
        attrs["data-by"] = byline_json(marker.by)
    if marker.label:
        attrs["data-label"] = "heading"
    if marker.headline:
        attrs["data-headline"] = "heading"
    if marker.by:
        attrs["data-byline"] = "paragraph"
    return _html_card(_span(attrs))


def _marker_nodes(marker: UpdateMarker) -> list[Node]:
    """The card, then the headings and the byline paragraph readers see (what the card announces)."""
    nodes = [_marker_card(marker)]
    if marker.label:
        nodes.append(_element("extended-heading", [_text(marker.label, 0)], tag=_UPDATE_HEADING))
    if marker.headline:
        nodes.append(_element("extended-heading", [_text(marker.headline, 0)], tag=_HEADLINE_HEADING))
    if marker.by:
        nodes.append(_element("paragraph", [_text(byline_text(marker.by), 2)]))
    return nodes


def _announced(nodes: list[Node], attrs: dict[str, str]) -> dict[str, Node]:
    """The nodes after a marker card (``nodes[0]``) that its attributes ``attrs`` announce and that are
    there, in order, by the attribute announcing them: the label heading, the headline heading (``h4``) and
    the byline paragraph."""
    found: dict[str, Node] = {}
    wanted = (("data-label", "heading", ""), ("data-headline", "heading", _HEADLINE_HEADING))
    for name, value, tag in (*wanted, ("data-byline", "paragraph", "")):
        node = nodes[1 + len(found)] if 1 + len(found) < len(nodes) else None
        if attrs.get(name) != value or node is None:
            continue
        fits = node.get("type") == "paragraph" if value == "paragraph" else _is_heading(node)
        if fits and (not tag or node.get("tag") == tag):
            found[name] = node
    return found


def _parse_at(value: str, tz: str | None) -> dt.datetime | dt.time:
    if re.match(r"\A\d{4}-\d{2}-\d{2}", value):
        when = dt.datetime.fromisoformat(value)
        if tz is not None and when.tzinfo is not None:
            zoned = when.astimezone(zone_info(tz))
            if zoned.utcoffset() == when.utcoffset():
                return zoned
        return when
    return dt.time.fromisoformat(value)


def _read_marker(attrs: dict[str, str], nodes: list[Node], lost: set[str]) -> UpdateMarker | None:
    """The marker of a card (``nodes[0]``) and the nodes after it that it announces (:func:`_announced`)."""
    announced = _announced(nodes, attrs)

    def shown(name: str) -> str | None:
        node = announced.get(name)
        return None if node is None else plain_text(_read_inlines(list(node.get("children", [])), lost))

    try:
        label = shown("data-label") or ""
        headline = shown("data-headline") or ""
        byline = shown("data-byline")
        known = names_from(attrs.get("data-by"))
        by = known if byline is None else byline_names(byline, known)
        edited = edited_time(attrs.get("data-edited"))
        named_at, tz = parse_update_label(label)  # what the card does not say, the label says
        if "data-tz" in attrs:
            tz = None if attrs["data-tz"] == "none" else attrs["data-tz"]
        at = named_at if "data-at" not in attrs else None
        if attrs.get("data-at", "none") != "none":
            at = _parse_at(attrs["data-at"], tz)
        return UpdateMarker(
            id=attrs["data-update-id"],
            at=at,
            tz=tz,
            key=attrs.get("data-key") == "true",
            label=label,
            by=by,
            headline=headline,
            pinned=attrs.get("data-pinned") == "true",
            edited=edited,
        )
    except (KeyError, ValueError):
        return None


# --- blocks: write --------------------------------------------------------------------------------------


def _video_id(embed: Embed) -> str | None:
    """The id an embed plays (given, or named by its URL), when it follows its provider's id pattern."""
    provider, from_url = identify(embed.url)
    video = embed.provider_id or (from_url if provider == embed.provider else None)
    return video if video and valid_id(embed.provider, video) else None


def embed_html(embed: Embed) -> str | None:
    """The iframe Ghost's editor would have fetched through oEmbed, for YouTube and Vimeo; else None."""
    player = player_url(embed.provider, _video_id(embed))
    if embed.provider == "youtube" and player:
        return (
            f'<iframe width="560" height="315" src="{escape(player, quote=True)}?feature=oembed" '
            'frameborder="0" allow="accelerometer; '
            'autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share" '
            'referrerpolicy="strict-origin-when-cross-origin" allowfullscreen '
            'title="YouTube video"></iframe>'
        )
    if embed.provider == "vimeo" and player:
        return (
            f'<iframe src="{escape(player, quote=True)}" width="640" '
            'height="360" frameborder="0" allow="autoplay; fullscreen; picture-in-picture; '
            'clipboard-write" title="Vimeo video"></iframe>'
        )
    return None


def _embed_node(embed: Embed, writer: _Writer) -> Node:
    html = embed_html(embed)
    metadata: dict[str, Any] = {"cmsbridge": {"provider": embed.provider, "provider_id": embed.provider_id}}
    if html is None:
        url = escape(embed.url, quote=True)
        if embed.provider == "twitter":
            html = f'<blockquote class="twitter-tweet"><a href="{url}">{url}</a></blockquote>'
        else:
            html = f'<a href="{url}">{escape(embed.url, quote=False)}</a>'
        writer.loss(f"{embed.provider} embed {embed.url}: no player HTML known; Ghost shows a link")
    elif (known := PROVIDERS.get(embed.provider)) is not None and known.ghost_name and known.size:
        metadata.update(provider_name=known.ghost_name, width=known.size[0], height=known.size[1])
        if embed.provider == "youtube":
            metadata.update(
                thumbnail_width=480,
                thumbnail_height=360,
                thumbnail_url=f"https://i.ytimg.com/vi/{_video_id(embed)}/hqdefault.jpg",
            )
    ghost_player = PROVIDERS.get(embed.provider)
    kind = "video" if ghost_player is not None and ghost_player.ghost_name else "rich"
    return {
        "type": "embed",
        "version": 1,
        "url": embed.url,
        "embedType": kind,
        "html": html,
        "metadata": metadata,
        "caption": inlines_to_html(embed.caption),
    }


def _quote_node(quote: Quote, writer: _Writer) -> Node:
    children: list[Node] = []
    for i, paragraph in enumerate(quote.paragraphs):
        if i:
            children += [dict(_LINEBREAK), dict(_LINEBREAK)]
        children += writer.inlines(paragraph.inlines)
    citation = quote.citation
    if quote.source_url is not None:
        if any(isinstance(span, Link) for span in citation):
            writer.loss("the quote's source URL is dropped: its citation already holds a link")
        else:
            citation = (Link(href=quote.source_url, children=citation or (Text(text=quote.source_url),)),)
    elif len(citation) == 1 and isinstance(citation[0], Link):
        writer.loss("a citation that is one link reads back as the quote's source URL")
    if citation:
        if any(isinstance(span, Italic) for span in citation):
            writer.loss("italics in a citation are lost (Ghost's citation is an italic run)")
        if children:
            children += [dict(_LINEBREAK), dict(_LINEBREAK)]
        children += _merge_texts([_text(_CITATION_DASH, ITALIC), *writer.inlines(citation, ITALIC)])
    return _element("aside" if quote.pull else "extended-quote", children)


def _list_node(block: List, writer: _Writer) -> Node:
    items: list[Node] = []
    value = block.start if block.ordered else 1
    for item in block.items:
        items.append(_element("listitem", writer.inlines(item.inlines), value=value))
        for child in item.children:
            items.append(_element("listitem", [_list_node(child, writer)], value=value + 1))
        value += 1
    if block.ordered:
        return _element("list", items, listType="number", start=block.start, tag="ol")
    return _element("list", items, listType="bullet", start=1, tag="ul")


def _raw_nodes(raw: Raw, writer: _Writer) -> list[Node]:
    if raw.format == NAME:
        try:
            value = load_json(raw.content, "raw Lexical content")
        except ParseError as exc:  # not JSON, or nested deeper than any reader takes
            writer.loss(f"{exc.message}; written as text in an HTML card")
            return [_html_card(escape(raw.content, quote=False))]
        return value if isinstance(value, list) else [value]
    if raw.format == "html":
        return [_html_card(raw.content)]
    if raw.format == "markdown":
        return [{"type": "markdown", "version": 1, "markdown": raw.content}]
    tag = f"<!--cmsbridge:raw format={raw.format}-->\n"
    if raw.format in _HTML_RAW:
        return [_html_card(tag + raw.content)]
    writer.loss(f"raw {raw.format} content is written as preformatted text in an HTML card")
    return [_html_card(f"{tag}<pre>{escape(raw.content, quote=False)}</pre>")]


def _blocks_html(blocks: tuple[Block, ...], writer: _Writer, what: str, inline: bool = False) -> str:
    """Blocks as the HTML of a card's field (a callout's text, a toggle's content); one paragraph as its
    inline HTML where the card holds inline text (``inline``)."""
    if inline and len(blocks) == 1 and isinstance(blocks[0], Paragraph):
        return inlines_to_html(blocks[0].inlines)
    own = ConversionReport()
    html = html_format.write(Post(blocks=blocks), own).strip() if blocks else ""
    for loss in own.losses:
        writer.loss(f"in the {what}: {loss.message}")
    return html


def _file_name(src: str) -> str:
    return src.rstrip("/").rsplit("/", 1)[-1]


def _gallery_node(gallery: Gallery, writer: _Writer) -> Node:
    images: list[Node] = []
    for number, image in enumerate(gallery.images):
        if image.width is None or image.height is None:
            writer.loss(
                f"gallery image {image.src}: Ghost shows no gallery image without its width and height"
            )
        if image.caption:
            writer.loss(f"gallery image {image.src}: Ghost shows no caption for one image of a gallery")
        images.append(
            {
                "row": number // 3,
                "src": image.src,
                "width": image.width,
                "height": image.height,
                "fileName": _file_name(image.src),
                "alt": image.alt,
                "title": "",
                "caption": inlines_to_html(image.caption),
                "href": image.link or "",
            }
        )
    if gallery.columns is not None:
        writer.loss(f"Ghost's gallery sets its own rows (up to 3 images): {gallery.columns} columns not kept")
    return {"type": "gallery", "version": 1, "images": images, "caption": inlines_to_html(gallery.caption)}


def _plain(inlines: Inlines, writer: _Writer, what: str) -> str:
    """Inline content as the plain text of a card's text field: marks and links reported as lost."""
    if any(not isinstance(span, Text) for span in inlines):
        writer.loss(f"Ghost's {what} is plain text: its marks and links are not written")
    return plain_text(inlines)


def _template_url(url: str) -> str:
    """``url`` with the characters that end an attribute percent-encoded: Ghost's video, audio and header
    cards put their URLs into markup as they are."""
    return _ENDS_ATTRIBUTE.sub(lambda match: quote(match[0]), url)


def _header_attrs(attrs: dict[str, JsonValue], writer: _Writer) -> dict[str, JsonValue]:
    """The container's attrs that Ghost's header card can take: its renderer puts them into markup as
    they are, so a value that is not a plain word, colour, number or web address is left out (reported)."""
    kept: dict[str, JsonValue] = {}
    for key, value in attrs.items():
        plain = value is None or isinstance(value, bool | int | float)
        if plain or (isinstance(value, str) and _PLAIN_ATTR.fullmatch(value)):
            kept[key] = value
        else:
            writer.loss(f"the header attribute {key[:40]!r} is not a plain value; not written")
    return kept


def _header_node(container: Container, writer: _Writer) -> list[Node]:
    """A ``header`` container as Ghost's header card: its first heading, the paragraph after it and a
    button; any other block is written after the card. The card's button is HTML on Ghost's page."""
    attrs = _header_attrs(container.attrs, writer)
    node: Node = {**attrs, "type": "header", "version": 2, "header": "", "subheader": ""}
    node.update(buttonEnabled=False, buttonText="", buttonUrl="")
    rest: list[Block] = []
    for block in container.blocks:
        if isinstance(block, Heading) and not node["header"] and not node["subheader"]:
            node["header"] = inlines_to_html(block.inlines)
        elif isinstance(block, Paragraph) and not node["subheader"] and not node["buttonEnabled"]:
            node["subheader"] = inlines_to_html(block.inlines)
        elif isinstance(block, Button) and not node["buttonEnabled"]:
            text_html = escape(block.text, quote=False)
            node.update(buttonEnabled=True, buttonText=text_html, buttonUrl=_template_url(block.url))
        else:
            rest.append(block)
    if rest:
        writer.loss(f"Ghost's header card holds a heading, a text and a button: {len(rest)} blocks follow it")
    return [node, *[node for block in rest for node in _block_nodes(block, writer)]]


def _card_nodes(block: Block, writer: _Writer) -> list[Node] | None:
    """The new block types as Ghost's cards; None for a block that is not one of them."""
    if isinstance(block, CodeBlock):
        return [
            {
                "type": "codeblock",
                "version": 1,
                "code": block.code,
                "language": block.language or "",
                "caption": "",
            }
        ]
    live_status = isinstance(block, Container) and block.kind == LIVE_STATUS
    if isinstance(block, Preformatted | Table) or live_status:  # no card: its HTML, read back as the block
        what = block.kind if isinstance(block, Container) else block.type.replace("_", " ")
        return [_html_card(_BLOCK_TAG + _blocks_html((block,), writer, what))]
    if isinstance(block, Gallery):
        return [_gallery_node(block, writer)]
    if isinstance(block, Audio):
        # Ghost's audio renderer puts the title into the page as HTML: the caption's text, escaped
        title = escape(_plain(block.caption, writer, "audio title"), quote=False).replace('"', "&quot;")
        return [
            {
                "type": "audio",
                "version": 1,
                "src": _template_url(block.src),
                "title": title,
                "duration": 0,
                "mimeType": "",
                "thumbnailSrc": "",  # the model holds no audio thumbnail
            }
        ]
    if isinstance(block, Video):
        return [
            {
                "type": "video",
                "version": 1,
                "src": _template_url(block.src),
                "caption": inlines_to_html(block.caption),
                "fileName": _file_name(block.src),
                "mimeType": "",
                "width": block.width,
                "height": block.height,
                "duration": 0,
                "thumbnailSrc": "",
                "customThumbnailSrc": _template_url(block.poster or ""),
                "thumbnailWidth": None,
                "thumbnailHeight": None,
                "cardWidth": "regular",
                "loop": False,
            }
        ]
    if isinstance(block, File):
        caption = _plain(block.caption, writer, "file caption")
        return [
            {
                "type": "file",
                "version": 1,
                "src": block.src,
                "fileTitle": block.name,
                "fileCaption": caption,
                "fileName": _file_name(block.src),
                "fileSize": 0,
            }
        ]
    if isinstance(block, Button):
        return [
            {
                "type": "button",
                "version": 1,
                "buttonText": block.text,
                "alignment": "center",
                "buttonUrl": block.url,
            }
        ]
    if isinstance(block, Bookmark):
        metadata = {
            "icon": block.icon or "",
            "title": block.title,
            "description": block.description,
            "author": block.author or "",
            "publisher": block.publisher or "",
            "thumbnail": block.thumbnail or "",
        }
        return [
            {
                "type": "bookmark",
                "version": 1,
                "url": block.url,
                "metadata": metadata,
                "caption": inlines_to_html(block.caption),
            }
        ]
    if isinstance(block, Callout):
        text_html = _blocks_html(block.blocks, writer, "callout", inline=True)
        return [
            {
                "type": "callout",
                "version": 1,
                "calloutText": text_html,
                "calloutEmoji": block.emoji or "",
                "backgroundColor": _CALLOUT_COLOUR,
            }
        ]
    if isinstance(block, Details):
        heading = inlines_to_html(block.summary)
        return [
            {
                "type": "toggle",
                "version": 1,
                "heading": heading,
                "content": _blocks_html(block.blocks, writer, "toggle"),
            }
        ]
    if isinstance(block, Container):
        if block.kind == "header":
            return _header_node(block, writer)
        writer.loss(
            f"Ghost has no {block.kind} container: its blocks are written without it and its attributes"
        )
        return [node for inner in block.blocks for node in _block_nodes(inner, writer)]
    return None


def _block_nodes(block: Block, writer: _Writer) -> list[Node]:
    if isinstance(block, Paragraph):
        return [_element("paragraph", writer.inlines(block.inlines))]
    if isinstance(block, Heading):
        heading = _element("extended-heading", writer.inlines(block.inlines), tag=f"h{block.level}")
        if block.anchor is None:
            return [heading]
        attrs = {"class": _ANCHOR_CLASS, "data-anchor": block.anchor}
        if block.anchor != slugify(plain_text(block.inlines)):
            attrs = {"id": block.anchor, **attrs}
        return [_html_card(_span(attrs)), heading]
    if isinstance(block, Quote):
        return [_quote_node(block, writer)]
    if isinstance(block, UpdateMarker):
        return _marker_nodes(block)
    if isinstance(block, Embed):
        return [_embed_node(block, writer)]
    if isinstance(block, List):
        return [_list_node(block, writer)]
    if isinstance(block, Image):
        return [
            {
                "type": "image",
                "version": 1,
                "src": block.src,
                "width": block.width,
                "height": block.height,
                "title": "",
                "alt": block.alt,
                "caption": inlines_to_html(block.caption),
                "cardWidth": "regular",
                "href": block.link or "",
            }
        ]
    if isinstance(block, Separator):
        return [{"type": "horizontalrule", "version": 1}]
    if isinstance(block, Raw):
        return _raw_nodes(block, writer)
    cards = _card_nodes(block, writer)
    assert cards is not None, block  # every block type has its nodes
    return cards


def write_nodes(post: Post, report: ConversionReport) -> list[Node]:
    """The post's blocks as Lexical nodes (the root's children)."""
    post = make_inert(post, NAME, report)
    nodes: list[Node] = []
    notes: dict[int, tuple[int, Note]] = {}
    for index, block in enumerate(post.blocks):
        origin = block.origin
        if origin is not None and origin.format == NAME:
            kept = json.loads(origin.markup)
            if _read_nodes(kept, ConversionReport()) == [block]:
                nodes += kept
                continue
        # what does not read back identically is found where the post crosses (:mod:`.crossing`)
        nodes += _block_nodes(block, _Writer(report, index, notes))
    if notes:
        nodes.append(_notes_list(_Writer(report, len(post.blocks), notes)))
    return nodes


def _notes_list(writer: _Writer) -> Node:
    """The footnotes as a numbered list (a note may hold notes: they are numbered after the others)."""
    items: list[Node] = []
    number = 0
    while number < len(writer.notes):
        number += 1
        note = next(n for k, n in writer.notes.values() if k == number)
        items.append(_element("listitem", writer.inlines(note.children), value=number))
    return _element("list", items, listType="number", start=1, tag="ol")


def _report_id_collisions(post: Post, report: ConversionReport) -> None:
    """Ghost gives every heading the id of its text's slug. A heading whose id is the anchor of an update
    (a plain heading "Update 1" and update ``1``, say) makes two elements with one id on the page, and
    links to the update may land on the heading: reported, since Ghost has no way to set a heading's id."""
    anchors = {block.anchor: block.id for block in post.blocks if isinstance(block, UpdateMarker)}
    for index, block in enumerate(post.blocks):
        if isinstance(block, Heading):
            text = plain_text(block.inlines)
        elif isinstance(block, UpdateMarker) and block.label:
            text = block.label
        else:
            continue
        ghost_id = slugify(text)
        owner = anchors.get(ghost_id)
        if owner is not None and not (isinstance(block, UpdateMarker) and block.id == owner):
            report.warn(
                NAME,
                f"the heading {text!r} gets Ghost's id {ghost_id!r}, the anchor of update {owner!r}:"
                " links to that update may land on this heading",
                index,
            )


def write(post: Post, report: ConversionReport) -> str:
    report_unwritten_fields(post, NAME, report)  # a Lexical document is content only
    report_unknown_sources(post, NAME, report)
    _report_id_collisions(post, report)
    # Ghost refuses an empty root; its editor's empty document is one empty paragraph (read back as no block)
    root = _element("root", write_nodes(post, report) or [_element("paragraph", [])])
    return json.dumps({"root": root}, ensure_ascii=False, separators=(",", ":"))


# --- blocks: read ---------------------------------------------------------------------------------------


def _dump(node: Any) -> str:
    return json.dumps(node, ensure_ascii=False, separators=(",", ":"))


def _is_heading(node: Node | None) -> bool:
    return node is not None and node.get("type") in ("extended-heading", "heading")


def _default_visibility(node: Node) -> bool:
    visibility = node.get("visibility")
    if visibility is None:
        return True
    web = visibility.get("web", {}) if isinstance(visibility, dict) else {}
    email = visibility.get("email", {}) if isinstance(visibility, dict) else {}
    return bool(
        web.get("nonMember", True)
        and web.get("memberSegment", _DEFAULT_SEGMENT) == _DEFAULT_SEGMENT
        and email.get("memberSegment", _DEFAULT_SEGMENT) == _DEFAULT_SEGMENT
    )


def _split_paragraphs(children: list[Node]) -> list[list[Node]]:
    parts: list[list[Node]] = [[]]
    i = 0
    while i < len(children):
        if (
            children[i].get("type") == "linebreak"
            and i + 1 < len(children)
            and children[i + 1].get("type") == "linebreak"
        ):
            parts.append([])
            i += 2
        else:
            parts[-1].append(children[i])
            i += 1
    return parts


def _all_italic(nodes: list[Node]) -> bool:
    for node in nodes:
        kind = node.get("type")
        if kind in _TEXT_TYPES:
            if not int(node.get("format") or 0) & ITALIC:
                return False
        elif kind == "link":
            if not _all_italic(list(node.get("children", []))):
                return False
        else:
            return False
    return bool(nodes)


def _unitalic(nodes: list[Node]) -> list[Node]:
    out = []
    for node in nodes:
        if node.get("type") == "link":
            out.append({**node, "children": _unitalic(list(node.get("children", [])))})
        else:
            out.append({**node, "format": int(node.get("format") or 0) & ~ITALIC})
    return out


def _quote_parts(children: list[Node], lost: set[str]) -> list[list[Node]]:
    """A quote's paragraphs as runs of inline nodes. Ghost's converter nests headings, lists and paragraphs
    in a quote; the model's quote holds paragraphs, so each becomes one (a list item with its bullet or
    number), and what it was is named in ``lost``."""
    if not any(child.get("type") in _QUOTE_BLOCKS for child in children):
        return _split_paragraphs(children)
    parts: list[list[Node]] = []
    run: list[Node] = []

    def flush() -> None:
        parts.extend(part for part in _split_paragraphs(run) if part)
        run.clear()

    for child in children:
        kind = child.get("type")
        if kind not in _QUOTE_BLOCKS:
            run.append(child)
            continue
        flush()
        inner = list(child.get("children") or [])
        if kind == "list":
            lost.add("list inside a quote")
            start = child.get("start")
            number = start if isinstance(start, int) else 1
            for item in inner:
                mark = f"{number}. " if child.get("listType") == "number" else "• "
                parts.append([_text(mark, 0), *list(item.get("children") or [])])
                number += 1
        else:
            if kind != "paragraph":
                lost.add("heading inside a quote")
            parts.append(inner)
    flush()
    return parts or [[]]


def _read_quote(node: Node, lost: set[str]) -> Quote:
    parts = _quote_parts(list(node.get("children", [])), lost)
    citation: Inlines = ()
    source_url = None
    last = parts[-1]
    if (
        _all_italic(last)
        and last[0].get("type") in _TEXT_TYPES
        and str(last[0].get("text", "")).startswith(_CITATION_DASH)
    ):
        first = {**last[0], "text": str(last[0]["text"])[len(_CITATION_DASH) :]}
        citation = _read_inlines(_unitalic([first, *last[1:]]), lost)
        parts.pop()
        if len(citation) == 1 and isinstance(citation[0], Link):
            source_url = citation[0].href
            citation = citation[0].children
            if plain_text(citation) == source_url and all(isinstance(s, Text) for s in citation):
                citation = ()
    paragraphs = tuple(Paragraph(inlines=_read_inlines(p, lost)) for p in parts)
    if paragraphs == (Paragraph(),):
        paragraphs = ()
    return Quote(
        paragraphs=paragraphs, citation=citation, source_url=source_url, pull=node.get("type") == "aside"
    )


def _read_list(node: Node, lost: set[str]) -> List:
    items: list[ListItem] = []
    for child in node.get("children", []):
        grandchildren = list(child.get("children", []))
        if len(grandchildren) == 1 and grandchildren[0].get("type") == "list":
            nested = _read_list(grandchildren[0], lost)
            if items:
                items[-1] = ListItem(inlines=items[-1].inlines, children=(*items[-1].children, nested))
            else:
                items.append(ListItem(children=(nested,)))
        else:
            items.append(ListItem(inlines=_read_inlines(grandchildren, lost)))
    ordered = node.get("listType") == "number" or node.get("tag") == "ol"
    start = node.get("start")
    if not ordered or not isinstance(start, int) or isinstance(start, bool):
        start = 1
    return List(ordered=ordered, items=tuple(items), start=start)


def _str(node: Node, key: str) -> str:
    value = node.get(key)
    return value if isinstance(value, str) else ""


def _int(node: Node, key: str) -> int | None:
    value = node.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _unheld(node: Node, lost: set[str], defaults: dict[str, Any], what: str) -> None:
    """Name in ``lost`` the fields of a card that the model has no place for and that are set."""
    for key, default in defaults.items():
        if node.get(key) not in (None, default):
            lost.add(f"{what} {key}")


def _html_blocks(html: str, lost: set[str], what: str) -> tuple[Block, ...]:
    """The blocks of a card's HTML field (a callout's text, a toggle's content), read as HTML."""
    own = ConversionReport()
    blocks = html_format.read(html, own).blocks if html.strip() else ()
    if own.losses:
        lost.add(f"{what} markup")
    return tuple(block.without_origin() for block in blocks)


def _gallery_image(image: Any, lost: set[str]) -> Image | None:
    if not isinstance(image, dict) or not _str(image, "src"):
        return None
    if _str(image, "title"):
        lost.add("gallery image title")
    return Image(
        src=_str(image, "src"),
        alt=_str(image, "alt"),
        caption=inlines_from_html(_str(image, "caption")),
        link=_str(image, "href") or None,
        width=_int(image, "width"),
        height=_int(image, "height"),
    )


def _read_card(node: Node, lost: set[str]) -> Block | None:
    """A Ghost card as a block, or None when the model has no type for it."""
    kind = node.get("type")
    caption = inlines_from_html(_str(node, "caption"))
    if kind == "codeblock":
        if _str(node, "caption"):
            lost.add("code card caption")
        return CodeBlock(code=_str(node, "code"), language=_str(node, "language") or None)
    if kind == "gallery":
        images = node.get("images")
        read = [_gallery_image(image, lost) for image in images] if isinstance(images, list) else []
        return Gallery(images=tuple(image for image in read if image is not None), caption=caption)
    if kind == "video" and _str(node, "src"):
        _unheld(node, lost, {"loop": False, "cardWidth": "regular"}, "video")
        return Video(
            src=_str(node, "src"),
            caption=caption,
            poster=_str(node, "customThumbnailSrc") or _str(node, "thumbnailSrc") or None,
            width=_int(node, "width"),
            height=_int(node, "height"),
        )
    if kind == "audio" and _str(node, "src"):
        _unheld(node, lost, {"thumbnailSrc": ""}, "audio")
        return Audio(src=_str(node, "src"), caption=text(unescape(_str(node, "title"))))
    if kind == "file" and _str(node, "src"):
        name = _str(node, "fileTitle") or _str(node, "fileName")
        return File(src=_str(node, "src"), name=name, caption=text(_str(node, "fileCaption")))
    if kind == "button" and _str(node, "buttonUrl"):
        _unheld(node, lost, {"alignment": "center"}, "button")
        return Button(text=_str(node, "buttonText"), url=_str(node, "buttonUrl"))
    if kind == "bookmark" and _str(node, "url"):
        metadata = node.get("metadata")
        meta: Node = metadata if isinstance(metadata, dict) else {}
        return Bookmark(
            url=_str(node, "url"),
            title=_str(meta, "title"),
            description=_str(meta, "description"),
            icon=_str(meta, "icon") or None,
            thumbnail=_str(meta, "thumbnail") or None,
            publisher=_str(meta, "publisher") or None,
            author=_str(meta, "author") or None,
            caption=caption,
        )
    if kind == "callout":
        _unheld(node, lost, {"backgroundColor": _CALLOUT_COLOUR}, "callout")
        return Callout(
            emoji=_str(node, "calloutEmoji") or None,
            blocks=_html_blocks(_str(node, "calloutText"), lost, "callout"),
        )
    if kind == "toggle":
        return Details(
            summary=inlines_from_html(_str(node, "heading")),
            blocks=_html_blocks(_str(node, "content"), lost, "toggle"),
        )
    if kind == "header":
        return _read_header(node)
    return None


_HEADER_CONTENT = frozenset(
    {"type", "version", "header", "subheader", "buttonEnabled", "buttonText", "buttonUrl"}
)


def _read_header(node: Node) -> Container:
    """Ghost's header card as a ``header`` container: its heading (an ``h2`` on the page), subheading and
    button as blocks; its look (size, colours, background image, layout...) as the container's attrs."""
    blocks: list[Block] = []
    if _str(node, "header"):
        blocks.append(Heading(level=2, inlines=inlines_from_html(_str(node, "header"))))
    if _str(node, "subheader"):
        blocks.append(Paragraph(inlines=inlines_from_html(_str(node, "subheader"))))
    if node.get("buttonEnabled") and _str(node, "buttonUrl"):
        label = plain_text(inlines_from_html(_str(node, "buttonText")))  # HTML on Ghost's page
        blocks.append(Button(text=label, url=_str(node, "buttonUrl")))
    attrs = {key: value for key, value in node.items() if key not in _HEADER_CONTENT}
    return Container(kind="header", attrs=attrs, blocks=tuple(blocks))


def _read_one(node: Node, lost: set[str]) -> Block:
    """One node as a block (no lookahead: markers and anchors are handled by the caller)."""
    kind = node.get("type")
    if kind == "paragraph":
        return Paragraph(inlines=_read_inlines(list(node.get("children", [])), lost))
    if kind in ("extended-heading", "heading"):
        level = int(str(node.get("tag", "h2"))[1:] or 2)
        return Heading(level=level, inlines=_read_inlines(list(node.get("children", [])), lost))
    if kind in ("extended-quote", "quote", "aside"):
        return _read_quote(node, lost)
    if kind == "horizontalrule":
        return Separator()
    if kind == "list" and node.get("listType") != "check":
        return _read_list(node, lost)
    if kind == "image":
        if _str(node, "title"):
            lost.add("image title")
        _unheld(node, lost, {"cardWidth": "regular"}, "image")
        return Image(
            src=str(node.get("src", "")),
            alt=str(node.get("alt") or ""),
            caption=inlines_from_html(str(node.get("caption") or "")),
            link=node.get("href") or None,
            width=_int(node, "width"),
            height=_int(node, "height"),
        )
    if kind == "embed" and node.get("url"):
        metadata = node.get("metadata")
        known = metadata.get("cmsbridge") if isinstance(metadata, dict) else None
        if isinstance(known, dict) and known.get("provider"):
            provider, provider_id = str(known["provider"]), known.get("provider_id")
        else:
            provider, provider_id = identify(str(node["url"]))
        return Embed(
            provider=provider,
            url=str(node["url"]),
            provider_id=provider_id,
            caption=inlines_from_html(str(node.get("caption") or "")),
        )
    if kind == "html" and _default_visibility(node):
        html = str(node.get("html", ""))
        if html.startswith(_BLOCK_TAG):
            blocks = _html_blocks(html[len(_BLOCK_TAG) :], lost, "HTML card")
            if len(blocks) == 1:
                return blocks[0]
        tagged = _RAW_TAG.match(html)
        if tagged:
            body = html[tagged.end() :]
            text = _RAW_TEXT.fullmatch(body) if tagged[1] not in _HTML_RAW else None
            return Raw(format=tagged[1], content=unescape(text[1]) if text else body)
        return Raw(format="html", content=html)
    if kind == "markdown" and set(node) <= {"type", "version", "markdown"}:
        return Raw(format="markdown", content=str(node.get("markdown", "")))
    if _default_visibility(node):
        card = _read_card(node, lost)
        if card is not None:
            return card
    return Raw(format=NAME, content=_dump(node))


def _card_in(node: Node) -> Node | None:
    """The card a paragraph holds at ``node`` (Ghost's converter puts ``<a><img></a>`` there as a link
    holding an image card), with the link's address as an image's link; None for inline content."""
    kind = node.get("type")
    if kind in _CARD_TYPES and "children" not in node:
        return node
    children = node.get("children")
    if kind == "link" and isinstance(children, list) and len(children) == 1:
        card = _card_in(children[0])
        if card is not None and card.get("type") == "image" and not card.get("href"):
            return {**card, "href": node.get("url") or ""}
        return card
    return None


def _paragraph_parts(node: Node) -> list[Node]:
    """A paragraph as the nodes it stands for: itself, or, when it holds cards, the paragraphs around
    them and the cards (a paragraph holding only white space around a card is left out)."""
    children = list(node.get("children") or [])
    cards = [_card_in(child) for child in children]
    if not any(cards):
        return [node]
    parts: list[Node] = []
    run: list[Node] = []

    def flush() -> None:
        if any(
            not (child.get("type") in _TEXT_TYPES and not str(child.get("text", "")).strip()) for child in run
        ):
            parts.append({**node, "children": list(run)})
        run.clear()

    for child, card in zip(children, cards, strict=True):
        if card is None:
            run.append(child)
        else:
            flush()
            parts.append(card)
    flush()
    return parts


def _with_origin(block: Block, nodes: list[Node], lost: set[str]) -> Block:
    """``block`` with its nodes as origin, and what the model does not hold of them (``not_held``, which
    :mod:`..presentation` reports when the block is written to another format)."""
    not_held: list[JsonValue] = list(sorted(lost))
    attrs: dict[str, JsonValue] | None = {"not_held": not_held} if lost else None
    return block.model_copy(update={"origin": Origin(format=NAME, markup=_dump(nodes), attrs=attrs)})


def _read_nodes(nodes: list[Node], report: ConversionReport) -> list[Block]:
    blocks: list[Block] = []
    i = 0
    pending = list(nodes)
    while i < len(pending):
        node = pending[i]
        following = pending[i + 1] if i + 1 < len(pending) else None
        lost: set[str] = set()
        attrs = _span_attrs(str(node.get("html", ""))) if node.get("type") == "html" else None
        if attrs is not None and attrs.get("class") == _UPDATE_CLASS:
            used = pending[i : i + 1 + len(_announced(pending[i : i + 4], attrs))]
            marker = _read_marker(attrs, used, lost)
            if marker is not None:
                blocks.append(_with_origin(marker, used, lost))
                i += len(used)
                continue
        if (
            attrs is not None
            and attrs.get("class") == _ANCHOR_CLASS
            and following is not None
            and _is_heading(following)
            and "data-anchor" in attrs
        ):
            heading_block = _read_one(following, lost)
            assert isinstance(heading_block, Heading)
            anchored = heading_block.model_copy(update={"anchor": attrs["data-anchor"]})
            blocks.append(_with_origin(anchored, pending[i : i + 2], lost))
            i += 2
            continue
        if node.get("type") == "paragraph":
            parts = _paragraph_parts(node)
            if parts != [node]:
                pending[i : i + 1] = parts
                if not parts:
                    continue
                node = parts[0]
        blocks.append(_with_origin(_read_one(node, lost), [node], lost))
        i += 1
    return blocks


def read(data: str, report: ConversionReport) -> Post:
    document = load_json(data, NAME) if data.strip() else {"root": {"children": []}}
    root = document.get("root") if isinstance(document, dict) else None
    if not isinstance(root, dict) or not isinstance(root.get("children"), list):
        raise ParseError("lexical: not a Lexical document (no root.children)")
    children = list(root["children"])
    _check_nodes(children)
    if len(children) == 1 and children[0].get("type") == "paragraph" and not children[0].get("children"):
        children = []
    try:
        return Post(blocks=tuple(_read_nodes(children, report)))
    except (TypeError, ValueError, ValidationError) as exc:  # a field of the wrong type ("tag": 5)
        raise ParseError(f"lexical: a node has a field of the wrong type: {exc}") from exc


def _check_nodes(children: list[Any]) -> None:
    """Every node is an object, and every ``children`` a list of them (untrusted JSON can hold anything)."""
    pending = [children]
    while pending:
        for node in pending.pop():
            if not isinstance(node, dict):
                raise ParseError(f"lexical: a node is not an object: {json.dumps(node)[:40]}")
            inner = node.get("children")
            if inner is not None:
                if not isinstance(inner, list):
                    raise ParseError(
                        f"lexical: the children of a {str(node.get('type'))[:40]} node are not a list"
                    )
                pending.append(inner)
