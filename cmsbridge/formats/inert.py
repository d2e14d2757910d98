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

from ..model import (
    Block,
    Bold,
    Embed,
    Heading,
    Image,
    Inline,
    Inlines,
    Italic,
    Link,
    List,
    ListItem,
    Paragraph,
    Post,
    Quote,
    Text,
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
            elif isinstance(span, Bold | Italic):
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


def inert_featured_image(post: Post, fmt: str, report: ConversionReport) -> Post:
    """``post`` without its featured image when that is not an allowed image URL (reported for ``fmt``):
    writers that put it into a page (a WXR attachment, front matter a theme shows) go through this."""
    image = post.featured_image
    if image is None or is_safe_url(image, image=True):
        return post
    _Pass(fmt, report).refuse("featured image", image)
    return post.model_copy(update={"featured_image": None})
