"""What every writer does first: make the post's untrusted parts inert (see :mod:`cmsbridge.urlpolicy`).

* A link whose URL is not allowed becomes its text; an image with such a ``src`` is left out (an inline
  raster image is allowed there), such an image ``link`` or quote ``source_url`` dropped; an embed of such
  a URL becomes a paragraph holding the URL as text.
* A featured image whose URL is not allowed (as an image's source) is dropped by
  :func:`inert_featured_image`, which the writers that write one (WXR, Markdown front matter) call.
* An embed id that does not match its provider's id pattern (:func:`.embeds.valid_id`) is dropped, so
  it never reaches a player URL.

Each change is a loss in the report. A changed block loses its origin: its source markup held what was
taken out, and must not be written back.
"""

from __future__ import annotations

import lxml.html

from ..model import (
    Audio,
    Block,
    Bold,
    Bookmark,
    Button,
    Callout,
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
    Link,
    List,
    ListItem,
    Note,
    Paragraph,
    Post,
    Preformatted,
    Quote,
    Table,
    Text,
    Video,
    text,
)
from ..report import ConversionReport
from ..urlpolicy import is_safe_url
from .embeds import valid_id

MARKUP_FORMATS = frozenset({"html", "gutenberg", "wxr", "lexical", "markdown"})
"""Formats whose raw content writers put into a page as live markup. Only that format's own reader (or the
model's JSON form, which declares it) may make such a Raw block: text read as text never becomes one."""


class _Pass:
    def __init__(self, fmt: str, report: ConversionReport) -> None:
        self.fmt = fmt
        self.report = report
        self.index: int | None = None

    def refuse(self, what: str, value: str) -> None:
        message = f"{what} {value[:60]!r} is not allowed (only http, https, mailto or relative URLs)"
        self.report.warn(self.fmt, message, self.index)

    def inlines(self, spans: Inlines) -> Inlines:
        out: list[Inline] = []
        for span in spans:
            if isinstance(span, Link):
                children = self.inlines(span.children)
                if not is_safe_url(span.href):
                    self.refuse("link URL", span.href)
                    out.extend(children or (Text(text=span.href),))
                    continue
                span = span.model_copy(update={"children": children})
            elif isinstance(span, Bold | Italic | Note):
                span = span.model_copy(update={"children": self.inlines(span.children)})
            out.append(span)
        return tuple(out)

    def items(self, items: tuple[ListItem, ...]) -> tuple[ListItem, ...]:
        return tuple(
            item.model_copy(
                update={
                    "inlines": self.inlines(item.inlines),
                    "children": tuple(
                        child.model_copy(update={"items": self.items(child.items)}) for child in item.children
                    ),
                }
            )
            for item in items
        )

    def block(self, block: Block) -> Block | None:
        if isinstance(block, Paragraph | Heading):
            return block.model_copy(update={"inlines": self.inlines(block.inlines)})
        if isinstance(block, Quote):
            source = block.source_url
            if source is not None and not is_safe_url(source):
                self.refuse("quote source URL", source)
                source = None
            paragraphs = tuple(
                p.model_copy(update={"inlines": self.inlines(p.inlines)}) for p in block.paragraphs
            )
            citation = self.inlines(block.citation)
            return block.model_copy(
                update={"paragraphs": paragraphs, "citation": citation, "source_url": source}
            )
        if isinstance(block, List):
            return block.model_copy(update={"items": self.items(block.items)})
        if isinstance(block, Image):
            if not is_safe_url(block.src, image=True):
                self.refuse("image source", block.src)
                return None
            link = block.link
            if link is not None and not is_safe_url(link):
                self.refuse("image link", link)
                link = None
            return block.model_copy(update={"link": link, "caption": self.inlines(block.caption)})
        if isinstance(block, Embed):
            if not is_safe_url(block.url):
                self.refuse("embed URL", block.url)
                return Paragraph(inlines=text(block.url))
            provider_id = block.provider_id
            if provider_id is not None and not valid_id(block.provider, provider_id):
                self.report.warn(
                    self.fmt,
                    f"{block.provider} embed id {provider_id[:60]!r} is not a valid id; dropped",
                    self.index,
                )
                provider_id = None
            caption = self.inlines(block.caption)
            return block.model_copy(update={"provider_id": provider_id, "caption": caption})
        return self.rich(block)

    def blocks(self, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        return tuple(b for b in (self.block(child) for child in blocks) if b is not None)

    def rich(self, block: Block) -> Block | None:
        """The blocks of issue 15: media, buttons, cards, tables and the blocks that hold blocks."""
        if isinstance(block, Audio | Video | File):
            if not is_safe_url(block.src):
                self.refuse(f"{block.type} source", block.src)
                return None
            changes: dict[str, object] = {"caption": self.inlines(block.caption)}
            if isinstance(block, Video) and block.poster and not is_safe_url(block.poster, image=True):
                self.refuse("video poster", block.poster)
                changes["poster"] = None
            return block.model_copy(update=changes)
        if isinstance(block, Button):
            if not is_safe_url(block.url):
                self.refuse("button URL", block.url)
                return Paragraph(inlines=text(block.text))
            return block
        if isinstance(block, Bookmark):
            if not is_safe_url(block.url):
                self.refuse("bookmark URL", block.url)
                return Paragraph(inlines=text(block.title or block.url))
            pictures: dict[str, object] = {"caption": self.inlines(block.caption)}
            for name in ("icon", "thumbnail"):
                value = getattr(block, name)
                if value is not None and not is_safe_url(value, image=True):
                    self.refuse(f"bookmark {name}", value)
                    pictures[name] = None
            return block.model_copy(update=pictures)
        if isinstance(block, Preformatted):
            return block.model_copy(update={"inlines": self.inlines(block.inlines)})
        if isinstance(block, Table):
            rows = {
                part: tuple(
                    row.model_copy(
                        update={
                            "cells": tuple(
                                c.model_copy(update={"inlines": self.inlines(c.inlines)}) for c in row.cells
                            )
                        }
                    )
                    for row in getattr(block, part)
                )
                for part in ("head", "body", "foot")
            }
            return block.model_copy(update={**rows, "caption": self.inlines(block.caption)})
        if isinstance(block, Gallery):
            images = tuple(i for i in self.blocks(block.images) if isinstance(i, Image))
            caption = self.inlines(block.caption)
            if block.images and not images:  # every picture refused (reported): only its caption is left
                return Paragraph(inlines=caption) if caption else None
            return block.model_copy(update={"images": images, "caption": caption})
        if isinstance(block, Details):
            return block.model_copy(
                update={"summary": self.inlines(block.summary), "blocks": self.blocks(block.blocks)}
            )
        if isinstance(block, Callout):
            return block.model_copy(update={"blocks": self.blocks(block.blocks)})
        if isinstance(block, Container):
            attrs = dict(block.attrs)
            for name, value in block.attrs.items():
                if (
                    name.lower() in _URL_ATTRS | {"url"}
                    and isinstance(value, str)
                    and not is_safe_url(value, image=True)
                ):
                    self.refuse(f"{block.kind} {name}", value)
                    del attrs[name]
            return block.model_copy(update={"attrs": attrs, "blocks": self.blocks(block.blocks)})
        return block


def make_inert(post: Post, fmt: str, report: ConversionReport) -> Post:
    """``post`` with every disallowed URL and invalid embed id taken out (each reported for ``fmt``)."""
    inert = _Pass(fmt, report)
    blocks: list[Block] = []
    changed = False
    for inert.index, block in enumerate(post.blocks):
        safe = inert.block(block)
        if safe is None:
            changed = True
        elif safe == block and type(safe) is type(block):
            blocks.append(block)
        else:
            changed = True
            blocks.append(safe.model_copy(update={"origin": None}))
    return post.model_copy(update={"blocks": tuple(blocks)}) if changed else post


_LIVE_ELEMENTS = frozenset({"script", "style", "object", "embed", "base", "meta", "link", "form", "frame"})
_URL_ATTRS = frozenset({"href", "src", "action", "formaction", "poster", "data", "xlink:href", "background"})


def inert_html(markup: str) -> str:
    """HTML that a writer shows though the model does not understand it (a raw block's rendered HTML),
    made inert: no script, style, plugin or form elements, no event handler attributes, no URL
    attribute whose URL is not allowed, no ``srcset``."""
    from .html.inline import parse_fragment

    wrapper = parse_fragment(markup)
    for element in list(wrapper.iter()):
        if not isinstance(element.tag, str):
            if element.getparent() is not None:
                element.drop_tree()
            continue
        if element.tag.lower() in _LIVE_ELEMENTS and element is not wrapper:
            element.drop_tree()  # type: ignore[attr-defined]
            continue
        for name in list(element.attrib):
            key = str(name).lower()
            value = str(element.attrib[name])
            if (
                key.startswith("on")
                or key in ("srcset", "style")
                or (key in _URL_ATTRS and not is_safe_url(value, image=key in ("src", "poster")))
            ):
                del element.attrib[name]
    inner = (wrapper.text or "").replace("&", "&amp;").replace("<", "&lt;")
    return inner + "".join(lxml.html.tostring(child, encoding="unicode") for child in wrapper)


def inert_featured_image(post: Post, fmt: str, report: ConversionReport) -> Post:
    """``post`` without its featured image when that is not an allowed image URL (reported for ``fmt``):
    writers that put it into a page (a WXR attachment, front matter a theme shows) go through this."""
    image = post.featured_image
    if image is None or is_safe_url(image, image=True):
        return post
    _Pass(fmt, report).refuse("featured image", image)
    return post.model_copy(update={"featured_image": None})
