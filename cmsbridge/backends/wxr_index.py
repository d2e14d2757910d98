"""An index of a WordPress export file, so a site's whole archive is migrated one post at a time.

Exports of newsroom archives run to gigabytes. Reading one whole (a tree of every item, every post
converted up front) took 1.2 GB of memory and 30 s before the first post for a 100 MB file. Instead, one
pass of expat over the file records, per ``<item>``, where it lies (byte offsets) and the few fields that
listing needs (id, type, status, slug, author, dates; an attachment's URL); the post's content is not
kept. A post is then read on demand: its bytes, wrapped in the file's own ``<rss>`` start tag (so its
namespace prefixes mean what they meant), go through :func:`cmsbridge.formats.wordpress.wxr.parse` as before.
"""

from __future__ import annotations

import datetime as dt
import sys
import xml.parsers.expat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import quoteattr

from ..errors import ParseError
from ..formats.wordpress.wxr import NAME, TYPES, Entry, category_terms, parse
from ..model import Term
from ..report import ConversionReport

_FIELDS = {
    ("wp", "post_id"): "post_id",
    ("wp", "post_type"): "post_type",
    ("wp", "status"): "status",
    ("wp", "post_name"): "slug",
    ("wp", "post_date_gmt"): "date_gmt",
    ("wp", "post_modified_gmt"): "modified_gmt",
    ("wp", "attachment_url"): "attachment_url",
    ("dc", "creator"): "creator",
}
_STATUSES = frozenset({"draft", "publish", "pending", "private", "future", "trash"})
_CHUNK = 1 << 20


@dataclass(slots=True)
class Item:
    """Where one ``<item>`` lies in the file, and what listing needs of it."""

    start: int
    ordinal: int = 0
    """The item's place among all items of the file (a post without an id is numbered by it)."""
    end: int = 0
    """Offset of the item's end tag (``</item>``)."""
    post_id: str = ""
    post_type: str = ""
    status: str = ""
    slug: str = ""
    date_gmt: str = ""
    modified_gmt: str = ""
    attachment_url: str = ""
    creator: str = ""

    @property
    def when(self) -> dt.datetime | None:
        """The post's last change (else its date), as the post model has it: UTC, None when unset."""
        for value in (self.modified_gmt, self.date_gmt):
            try:
                when = dt.datetime.fromisoformat(value)
            except ValueError:
                continue
            if value != "0000-00-00 00:00:00":
                return when.replace(tzinfo=dt.UTC)
        return None

    @property
    def post_status(self) -> str:
        return self.status if self.status in _STATUSES else "draft"


@dataclass
class Index:
    """The posts of an export in file order, its attachments' URLs and the file-level losses."""

    posts: list[Item]
    attachments: dict[str, str]
    site: str | None
    prolog: bytes
    """The file up to its root element (declaration, doctype): the same context for each post."""
    root_tag: bytes
    report: ConversionReport = field(default_factory=ConversionReport)
    categories: dict[str, Term] = field(default_factory=dict)
    """The file's categories by slug, with their parents."""
    slugs: dict[str, str] = field(default_factory=dict)
    """Every item's slug by its id (a page's parent is named by id)."""
    _ids: dict[str, Item] | None = field(default=None, repr=False)

    def by_id(self, post_id: str) -> Item | None:
        """The first post with this id."""
        if self._ids is None:
            self._ids = {}
            for item in self.posts:
                self._ids.setdefault(item.post_id, item)
        return self._ids.get(post_id)


class _Indexer:
    def __init__(self) -> None:
        self.parser = xml.parsers.expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.parser.XmlDeclHandler = self.declaration
        # entity references go to a handler that keeps them as text: never expanded (as the reader does)
        self.parser.DefaultHandler = self.skip
        self.root_start = 0
        self.depth = 0
        self.prefixes: dict[str, str] = {}
        self.root_tag = b""
        self.encoding = "utf-8"
        self.items: list[Item] = []
        self.item: Item | None = None
        self.capture: str | None = None
        self.buffer: list[str] = []
        self.channel: dict[str, str] = {}
        self.category: dict[str, str] | None = None
        self.categories: list[tuple[str, str, str]] = []

    def skip(self, data: str) -> None:
        if self.capture is not None and data.startswith("&"):
            self.buffer.append(data)

    def declaration(self, version: str, encoding: str | None, standalone: int) -> None:
        if encoding:
            self.encoding = encoding

    def _field(self, name: str) -> tuple[str, str]:
        """(prefix, local name): the prefixes are WXR's own (``wp``, ``dc``...), as the reader takes them."""
        prefix, _, local = name.rpartition(":")
        return prefix, local

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self.depth == 0:
            self.root_start = self.parser.CurrentByteIndex
            self.prefixes = {k.partition(":")[2]: v for k, v in attrs.items() if k.startswith("xmlns:")}
            parts = " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items())
            self.root_tag = f"<{name}{' ' + parts if parts else ''}>".encode(self.encoding)
        elif self.depth == 2 and name == "item":
            self.item = Item(start=self.parser.CurrentByteIndex, ordinal=len(self.items))
        elif self.depth == 3 and self.item is not None:
            self.capture = _FIELDS.get(self._field(name))
            self.buffer = []
        elif self.depth == 2 and name in ("wp:base_site_url", "link"):
            self.capture, self.buffer = name, []
        elif self.depth == 2 and name == "wp:category":
            self.category = {}
        elif self.depth == 3 and self.category is not None:
            self.capture, self.buffer = name, []
        self.depth += 1

    def text(self, data: str) -> None:
        if self.capture is not None:
            self.buffer.append(data)

    def end(self, name: str) -> None:
        self.depth -= 1
        if self.depth == 2 and name == "item" and self.item is not None:
            item = self.item
            item.end = self.parser.CurrentByteIndex
            # kept for every item of the file: few distinct values stored once
            item.post_type, item.status = sys.intern(item.post_type), sys.intern(item.status)
            item.creator = sys.intern(item.creator)
            self.items.append(item)
            self.item = None
        elif self.depth == 2 and name == "wp:category" and self.category is not None:
            row = self.category
            self.categories.append(
                (
                    row.get("wp:category_nicename", ""),
                    row.get("wp:category_parent", ""),
                    row.get("wp:cat_name", ""),
                )
            )
            self.category = None
        elif self.capture is not None:
            value = "".join(self.buffer).strip()
            if self.category is not None:
                self.category[self.capture] = value
            elif self.item is not None:
                setattr(self.item, self.capture, value)
            else:
                self.channel.setdefault(self.capture, value)
            self.capture = None

    def run(self, handle: BinaryIO) -> Index:
        try:
            while chunk := handle.read(_CHUNK):
                self.parser.Parse(chunk, False)
            self.parser.Parse(b"", True)
        except (xml.parsers.expat.ExpatError, LookupError, ValueError) as exc:  # encoding="x", "utf-32"
            raise ParseError(f"not a WXR file: {exc}") from None
        if not self.root_tag.startswith(b"<rss"):
            raise ParseError("not a WXR file: no <rss><channel>")
        report = ConversionReport()
        skipped: dict[str, int] = {}
        posts: list[Item] = []
        attachments: dict[str, str] = {}
        for n, item in enumerate(self.items):
            kind = item.post_type or "post"
            item.post_id = item.post_id or str(n + 1)
            if kind in TYPES:
                posts.append(item)
            elif kind == "attachment":
                attachments[item.post_id] = item.attachment_url
            else:
                skipped[kind] = skipped.get(kind, 0) + 1
        for kind, count in skipped.items():
            report.warn(NAME, f"{count} item(s) of type {kind!r} not read (only posts and pages are)")
        site = self.channel.get("wp:base_site_url") or self.channel.get("link") or None
        found = Index(posts, attachments, site, b"", self.root_tag, report)
        found.categories = category_terms(self.categories)
        found.slugs = {item.post_id: item.slug for item in self.items}
        return found


def index(path: Path) -> Index:
    """Index the export at ``path`` (one pass; the content is not kept)."""
    with open(path, "rb") as handle:
        indexer = _Indexer()
        try:
            found = indexer.run(handle)
        finally:
            # the parser's handlers are the indexer's methods: a cycle, which would keep the parser's
            # buffers (megabytes for a large file) until the garbage collector ran
            del indexer.parser
        handle.seek(0)
        found.prolog = handle.read(indexer.root_start)
    return found


def read_item(path: Path, found: Index, item: Item) -> Entry:
    """The post of ``item``, read from the file as :func:`cmsbridge.formats.wordpress.wxr.parse` reads it."""
    with open(path, "rb") as handle:
        handle.seek(item.start)
        body = handle.read(item.end - item.start)
        after = b""
        while not (b">" in after and after.find(b"<", after.find(b">")) >= 0):
            more = handle.read(4096)
            if not more:
                break
            after += more
    # the end tag, then the whitespace up to the next tag: the item's tail, part of its digest
    close = after.find(b">") + 1
    tail_end = after.find(b"<", close)
    tail = after[close : tail_end if tail_end >= 0 else len(after)]
    document = found.prolog + found.root_tag + b"<channel>" + body + b"</item>" + tail + b"</channel></rss>"
    parsed = parse(
        document,
        attachments=found.attachments,
        site=found.site,
        ordinal=item.ordinal,
        categories=found.categories,
        slugs=found.slugs,
    )
    if not parsed.entries:
        raise ParseError(f"item {item.post_id} of the export could not be read again")
    entry: Entry = parsed.entries[0]
    return entry


def items_newest_first(found: Index) -> Iterator[Item]:
    """The posts, most recently changed first (undated ones last, in file order)."""
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)

    def key(item: Item) -> tuple[bool, dt.datetime]:
        when = item.when
        return when is not None, when or oldest

    yield from sorted(found.posts, key=key, reverse=True)


__all__ = ["Index", "Item", "index", "items_newest_first", "read_item"]
