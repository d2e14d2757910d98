"""The one model of a post: metadata plus a tuple of blocks, immutable (pydantic v2, frozen).

Inline content is a tuple of typed spans. Blocks are a discriminated union on ``type``. Content that the
model does not understand is carried verbatim in :class:`Raw` (blocks) or :class:`RawInline` (spans).

Every block may carry an :class:`Origin`: the exact markup it was read from and the format's own
attributes (alignment, colours, classes, anchors...). Writers use it to write an unchanged block back
byte for byte and to keep what the model cannot express on a changed one. Equality of blocks and posts
ignores origins: two posts are equal when their content is.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal, Union
from zoneinfo import ZoneInfo, available_timezones

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator, model_validator

SCHEMA_VERSION: Literal[1] = 1
"""Version of the JSON form of :class:`Post`; bumped on any incompatible change."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _strip_origin(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_origin(v) for k, v in value.items() if k != "origin"}
    if isinstance(value, list | tuple):
        return [_strip_origin(v) for v in value]
    return value


class _Content(_Frozen):
    """Base of blocks and posts: equality compares content, not origins."""

    def __eq__(self, other: object) -> bool:
        if type(self) is not type(other):
            return NotImplemented
        assert isinstance(other, BaseModel)
        return bool(_strip_origin(self.model_dump()) == _strip_origin(other.model_dump()))

    def __hash__(self) -> int:
        return hash(repr(_strip_origin(self.model_dump())))

    def without_origin(self) -> Any:
        """A copy with every origin removed (what a writer without source markup sees)."""
        return type(self).model_validate(_strip_origin(self.model_dump()))


# --- inline spans -----------------------------------------------------------------------------------


class Text(_Frozen):
    type: Literal["text"] = "text"
    text: str


class Bold(_Frozen):
    type: Literal["bold"] = "bold"
    children: tuple[Inline, ...]


class Italic(_Frozen):
    type: Literal["italic"] = "italic"
    children: tuple[Inline, ...]


class Code(_Frozen):
    type: Literal["code"] = "code"
    text: str


class Link(_Frozen):
    type: Literal["link"] = "link"
    href: str
    children: tuple[Inline, ...]
    title: str | None = None


class LineBreak(_Frozen):
    type: Literal["linebreak"] = "linebreak"


RAW_FORMAT_PATTERN = r"[a-z0-9][a-z0-9+._-]{0,31}"
"""What the format name of raw content looks like (``html``, ``gutenberg``, ``text``...): writers put it
into comments and attributes (``<!--cmsbridge:raw format=NAME-->``), so a name that does not match it is
refused when the model is built (a reader of hostile input reports a ParseError or does not recognise
the raw wrapper at all)."""

RawFormat = Annotated[str, Field(pattern=f"^{RAW_FORMAT_PATTERN}$")]


class RawInline(_Frozen):
    """Inline markup the model does not understand (``<time>``, ``<sup>``...), kept verbatim."""

    type: Literal["raw_inline"] = "raw_inline"
    format: RawFormat
    content: str


class Note(_Frozen):
    """A footnote (pandoc's ``Note``): its content, shown where the format puts notes (the end of the
    post) and referred to from where the span stands by a number that the writer assigns."""

    type: Literal["note"] = "note"
    children: tuple[Inline, ...]


Inline = Annotated[
    Union[Text, Bold, Italic, Code, Link, LineBreak, RawInline, Note],  # noqa: UP007
    Field(discriminator="type"),
]
Inlines = tuple[Inline, ...]


def plain_text(inlines: Inlines) -> str:
    """The text of inline content, without marks (raw inline markup contributes nothing)."""
    out: list[str] = []
    for span in inlines:
        if isinstance(span, Text | Code):
            out.append(span.text)
        elif isinstance(span, LineBreak):
            out.append("\n")
        elif isinstance(span, Bold | Italic | Link):
            out.append(plain_text(span.children))
    return "".join(out)


def text(value: str) -> Inlines:
    """Inline content holding ``value`` as plain text (an empty tuple for an empty string)."""
    return (Text(text=value),) if value else ()


# --- blocks ----------------------------------------------------------------------------------------


class Origin(_Frozen):
    """Where a block came from: its format, its exact markup and that format's own attributes."""

    format: str
    markup: str
    attrs: dict[str, JsonValue] | None = None


class _Block(_Content):
    origin: Origin | None = None


class Paragraph(_Block):
    type: Literal["paragraph"] = "paragraph"
    inlines: Inlines = ()


class Heading(_Block):
    type: Literal["heading"] = "heading"
    level: int = Field(default=2, ge=1, le=6)
    inlines: Inlines = ()
    anchor: str | None = None


class Quote(_Block):
    """A quotation: its paragraphs, the citation and the source's URL; ``pull`` for a pull quote (text of
    the post itself set apart: WordPress's core/pullquote, Ghost's alternative quote style)."""

    type: Literal["quote"] = "quote"
    paragraphs: tuple[Paragraph, ...] = ()
    citation: Inlines = ()
    source_url: str | None = None
    pull: bool = False


EmbedProvider = str
"""``youtube``, ``vimeo``, ``twitter``, or another oEmbed provider's slug; ``generic`` when unknown."""


class Embed(_Block):
    type: Literal["embed"] = "embed"
    provider: EmbedProvider = "generic"
    url: str
    provider_id: str | None = None
    caption: Inlines = ()


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_info(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (``Europe/Paris``); a :class:`ValueError` for any other text (a
    folder of the zone database such as ``Europe``, a path, an empty name), never an OS error."""
    if name not in _zone_names():
        raise ValueError(f"unknown time zone {name[:60]!r}")
    return ZoneInfo(name)


class UpdateMarker(_Block):
    """A live-blog update: a stable id, a time (with its zone, or none) and a label.

    ``at`` is a full aware datetime when the date is known, or a time of day when only that is known
    ("UPDATE: 23:18 Paris time"); ``tz`` is the IANA zone it was given in.
    """

    type: Literal["update"] = "update"
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
    at: dt.datetime | dt.time | None = None
    tz: str | None = None
    label: str = ""
    key: bool = False
    """A key event (live pages list them in a summary; Google's rich results highlight them)."""
    by: tuple[str, ...] = ()
    """The update's byline: its authors' display names, in order."""
    headline: str = ""
    """The update's own headline, separate from its label (the label carries the time)."""
    pinned: bool = False
    """Shown at the top of the live page (at most one pinned update in a post)."""
    edited: dt.datetime | None = None
    """When the update was last edited (aware), distinct from ``at``, the time it shows."""

    @field_validator("by")
    @classmethod
    def _names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        names = tuple(" ".join(name.split()) for name in value)
        if any(not name for name in names):
            raise ValueError("a byline name cannot be empty")
        return names

    @field_validator("edited")
    @classmethod
    def _edited_zoned(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("an update's edited time needs a zone (an aware datetime)")
        return value

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            zone_info(value)
        return value

    @model_validator(mode="after")
    def _aware(self) -> UpdateMarker:
        if isinstance(self.at, dt.datetime) and self.at.tzinfo is None:
            if self.tz is None:
                raise ValueError("an update's datetime needs a zone: give an aware datetime or tz")
            object.__setattr__(self, "at", self.at.replace(tzinfo=zone_info(self.tz)))
        return self

    @property
    def anchor(self) -> str:
        """The HTML id every format writes for this update."""
        return f"update-{self.id}"


class ListItem(_Content):
    inlines: Inlines = ()
    children: tuple[List, ...] = ()


class List(_Block):
    type: Literal["list"] = "list"
    ordered: bool = False
    items: tuple[ListItem, ...] = ()
    start: int = 1
    """The number of an ordered list's first item (HTML's ``<ol start>``, Markdown's ``0.``)."""


class Image(_Block):
    type: Literal["image"] = "image"
    src: str
    alt: str = ""
    caption: Inlines = ()
    link: str | None = None
    width: int | None = None
    height: int | None = None


class Separator(_Block):
    type: Literal["separator"] = "separator"


class CodeBlock(_Block):
    """Source code shown as it is: WordPress's core/code, Ghost's code card, a fenced Markdown block."""

    type: Literal["code_block"] = "code_block"
    code: str
    language: str | None = None


class Preformatted(_Block):
    """Preformatted text that keeps its line breaks and spaces but may hold marks and links
    (WordPress's core/preformatted, HTML's ``<pre>`` that is not code)."""

    type: Literal["preformatted"] = "preformatted"
    inlines: Inlines = ()


class TableCell(_Content):
    inlines: Inlines = ()
    header: bool = False
    align: Literal["left", "center", "right"] | None = None
    colspan: int = Field(default=1, ge=1, le=1000)
    rowspan: int = Field(default=1, ge=1, le=65534)


class TableRow(_Content):
    cells: tuple[TableCell, ...] = ()


class Table(_Block):
    type: Literal["table"] = "table"
    head: tuple[TableRow, ...] = ()
    body: tuple[TableRow, ...] = ()
    foot: tuple[TableRow, ...] = ()
    caption: Inlines = ()


class Gallery(_Block):
    type: Literal["gallery"] = "gallery"
    images: tuple[Image, ...] = ()
    columns: int | None = Field(default=None, ge=1, le=12)
    caption: Inlines = ()


class Audio(_Block):
    type: Literal["audio"] = "audio"
    src: str
    caption: Inlines = ()


class Video(_Block):
    """A video file (a provider's player is an :class:`Embed`)."""

    type: Literal["video"] = "video"
    src: str
    caption: Inlines = ()
    poster: str | None = None
    width: int | None = None
    height: int | None = None


class File(_Block):
    """A file to download: its address, the name shown for it and a caption."""

    type: Literal["file"] = "file"
    src: str
    name: str = ""
    caption: Inlines = ()


class Button(_Block):
    """A call to action: a link shown as a button. Consecutive buttons are one row of buttons where the
    format groups them (WordPress's core/buttons)."""

    type: Literal["button"] = "button"
    text: str
    url: str


class Bookmark(_Block):
    """A link shown as a card: the page's address, title, description and pictures (Ghost's bookmark
    card; an embed of a page that has no player)."""

    type: Literal["bookmark"] = "bookmark"
    url: str
    title: str = ""
    description: str = ""
    icon: str | None = None
    thumbnail: str | None = None
    publisher: str | None = None
    author: str | None = None
    caption: Inlines = ()


class Details(_Block):
    """Content shown when the reader opens it: a summary and blocks (HTML's ``<details>``, WordPress's
    core/details, Ghost's toggle card)."""

    type: Literal["details"] = "details"
    summary: Inlines = ()
    blocks: tuple[Block, ...] = ()


class Callout(_Block):
    """Blocks set apart in a box, with an optional emoji (Ghost's callout card)."""

    type: Literal["callout"] = "callout"
    emoji: str | None = None
    blocks: tuple[Block, ...] = ()


class Container(_Block):
    """A wrapper around blocks, with attributes (pandoc's ``Div``): WordPress's group, columns, column and
    cover blocks, an HTML ``<div>`` or ``<section>``. ``kind`` names the wrapper (``group``, ``columns``,
    ``column``, ``cover``, ``div``...); ``attrs`` holds what the wrapper says of itself (a cover's
    image and overlay, a column's width, classes)."""

    type: Literal["container"] = "container"
    kind: str = Field(default="div", pattern=r"^[a-z][a-z0-9_-]{0,63}$")
    attrs: dict[str, JsonValue] = Field(default_factory=dict)
    blocks: tuple[Block, ...] = ()


LIVE_STATUS = "live-status"
"""The kind of the :class:`Container` that records a live story's coverage: attributes ``start`` and, once
closed, ``end`` (ISO 8601 instants with their offset), its blocks the sentence readers see ("Live coverage
ended at ..."). :attr:`Post.coverage` reads it."""


class Coverage(BaseModel):
    """When a live story's coverage started and ended (None: not started / still open)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: dt.datetime | None = None
    end: dt.datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.start is not None and self.end is None


def _instant(value: JsonValue) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


class Raw(_Block):
    """Content the model does not understand, kept verbatim and written back unchanged to ``format``."""

    type: Literal["raw"] = "raw"
    format: RawFormat
    content: str


Block = Annotated[
    Union[  # noqa: UP007
        Paragraph,
        Heading,
        Quote,
        Embed,
        UpdateMarker,
        List,
        Image,
        Separator,
        Raw,
        CodeBlock,
        Preformatted,
        Table,
        Gallery,
        Audio,
        Video,
        File,
        Button,
        Bookmark,
        Details,
        Callout,
        Container,
    ],
    Field(discriminator="type"),
]


# --- the post --------------------------------------------------------------------------------------

Status = Literal["draft", "publish", "pending", "private", "future", "scheduled", "trash"]
"""A post's status. ``future`` is a post scheduled for its ``created`` time (Ghost's ``scheduled``, which
the model reads as ``future``: one word for one state)."""

Openness = Literal["open", "closed"]


class Term(_Frozen):
    """A category: its name, its slug where known, and its parent category (the hierarchy). Two
    categories with one name and different parents are two terms."""

    name: str = Field(min_length=1)
    slug: str | None = None
    parent: Term | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value

    def path(self) -> tuple[str, ...]:
        """The names from the top category down to this one."""
        names: list[str] = []
        term: Term | None = self
        while term is not None:
            names.append(term.name)
            term = term.parent
        return tuple(reversed(names))

    def __str__(self) -> str:
        return self.name


class Comment(_Frozen):
    """A reader's comment on a post: its id where it came from, the comment it answers (``parent``, an id
    of the same post's comments), who wrote it, when, its moderation status and its content (HTML, as the
    CMS holds it)."""

    id: str = Field(min_length=1)
    parent: str | None = None
    author: str = ""
    email: str | None = None
    url: str | None = None
    date: dt.datetime | None = None
    status: Literal["approved", "pending", "spam", "trash"] = "approved"
    content: str = ""

    @field_validator("date")
    @classmethod
    def _zoned(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("comment times need a zone (an aware datetime)")
        return value


class SourceRef(_Frozen):
    """Where a post lives or came from: a system, a site, the post's id there and its link."""

    system: str
    site: str | None = None
    id: str | None = None
    link: str | None = None


class Post(_Content):
    """A post: metadata plus blocks."""

    schema_version: Literal[1] = SCHEMA_VERSION
    title: str = ""
    slug: str | None = None
    status: Status = "draft"
    excerpt: str = ""
    authors: tuple[str, ...] = ()
    categories: tuple[Term, ...] = ()
    tags: tuple[str, ...] = ()
    created: dt.datetime | None = None
    modified: dt.datetime | None = None
    featured_image: str | None = None
    post_type: str = Field(default="post", pattern=r"^[a-z0-9_-]{1,20}$")
    """``post``, ``page``, or another type of the CMS (WordPress's custom post types)."""
    parent: str | None = None
    """A page's parent page, by its slug."""
    menu_order: int = 0
    """A page's place among its siblings."""
    password: str | None = Field(default=None, repr=False)
    """A password-protected post's password: such a post is never written anywhere public."""
    sticky: bool = False
    """Kept at the top of the front page (WordPress's sticky, Ghost's featured)."""
    comment_status: Openness | None = None
    ping_status: Openness | None = None
    format: str | None = None
    """WordPress's post format (``aside``, ``gallery``, ``link``, ...; None for standard)."""
    template: str | None = None
    canonical_url: str | None = None
    seo_title: str | None = None
    seo_description: str | None = None
    metadata: dict[str, JsonValue] = Field(default_factory=dict)
    """Custom fields: what the CMS holds beside the post's own fields (WordPress's post meta it exposes,
    front matter keys the model has no field for)."""
    comments: tuple[Comment, ...] = ()
    sources: tuple[SourceRef, ...] = ()
    blocks: tuple[Block, ...] = ()

    @field_validator("status", mode="before")
    @classmethod
    def _one_word(cls, value: Any) -> Any:
        return "future" if value == "scheduled" else value

    @field_validator("created", "modified")
    @classmethod
    def _zoned(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("post times need a zone (an aware datetime)")
        return value

    def updates(self) -> Iterator[UpdateMarker]:
        """The post's update markers, in document order."""
        return (b for b in self.blocks if isinstance(b, UpdateMarker))

    @property
    def coverage(self) -> Coverage | None:
        """The story's live coverage, from its first ``live-status`` container (None when it has none)."""
        for block in self.blocks:
            if isinstance(block, Container) and block.kind == LIVE_STATUS:
                return Coverage(
                    start=_instant(block.attrs.get("start")), end=_instant(block.attrs.get("end"))
                )
        return None

    def replace(self, **changes: Any) -> Post:
        """A copy with ``changes`` applied and validated."""
        data = self.model_dump()
        data.update({k: _dump(v) for k, v in changes.items()})
        return Post.model_validate(data)


def _dump(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, tuple | list):
        return [_dump(v) for v in value]
    return value


_SLUG_DROP = re.compile(r"[\]\[!\"#$%&'()*+,./:;<=>?@\\^_{|}~`]")


def slugify(value: str) -> str:
    """Ghost's heading slug rule (kg-utils ``slugify``), so anchors survive a move to Ghost."""
    from urllib.parse import quote

    slug = _SLUG_DROP.sub("", value.lower())
    slug = re.sub(r"\s+", "-", slug.strip()).strip("-")
    return quote(slug, safe="-~!*'()")


for _model in (Bold, Italic, Link, Note, ListItem, List, Quote, Term, Details, Callout, Container, Post):
    _model.model_rebuild()
