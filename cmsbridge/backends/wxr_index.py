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
import xml.parsers.expat
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, overload
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
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
_NONE = -(1 << 63)
"""In the id column, an id that is not a plain integer (kept aside); in the date column, no date."""


def _rows(count: int) -> array[int]:
    """An empty array for row numbers below ``count``: 4 bytes a row, 8 past four billion rows."""
    return array("I" if count < 1 << 32 else "Q")


def _when(modified_gmt: str, date_gmt: str) -> dt.datetime | None:
    """The post's last change (else its date), as the post model has it: UTC, None when unset."""
    for value in (modified_gmt, date_gmt):
        try:
            when = dt.datetime.fromisoformat(value)
        except ValueError:
            continue
        if value != "0000-00-00 00:00:00":
            return when.replace(tzinfo=dt.UTC)
    return None


def _numeric(value: str) -> int | None:
    """``value`` as an integer when it is written as one (``"12"``, not ``"012"`` or ``"1_2"``)."""
    if not value.isascii() or len(value) > 20:
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if str(number) == value and _NONE < number < (1 << 63) else None


@dataclass(frozen=True, slots=True)
class Item:
    """Where one ``<item>`` lies in the file, and what listing needs of it (made when asked for: the
    index keeps columns, not an object per item)."""

    start: int
    ordinal: int
    """The item's place among all items of the file (a post without an id is numbered by it)."""
    end: int
    """Offset of the item's end tag (``</item>``)."""
    post_id: str
    post_type: str
    status: str
    slug: str
    creator: str
    when: dt.datetime | None
    """The post's last change (else its date), as the post model has it: UTC, None when unset."""

    @property
    def post_status(self) -> str:
        return self.status if self.status in _STATUSES else "draft"


class _Table:
    """Few distinct strings (types, statuses, authors), each stored once and named by its place."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self.places: dict[str, int] = {}

    def place(self, value: str) -> int:
        found = self.places.get(value)
        if found is None:
            found = self.places[value] = len(self.values)
            self.values.append(value)
        return found


class _Columns:
    """Every item of the file, one row each, as columns of machine integers (a few tens of bytes a row):
    byte offsets, id, date, slug (in one buffer), and type, status and author as places in tables."""

    def __init__(self) -> None:
        self.starts = array("q")
        self.ends = array("q")
        self.ids = array("q")
        self.whens = array("q")
        self.slug_ends = array("q")
        self.slug_bytes = bytearray()
        self.types = array("I")
        self.statuses = array("I")
        self.creators = array("I")
        self.type_table = _Table()
        self.status_table = _Table()
        self.creator_table = _Table()
        self.odd_ids: dict[int, str] = {}
        """Row -> id, for the ids that are not plain integers (few)."""

    def __len__(self) -> int:
        return len(self.starts)

    def add(self, start: int, end: int, fields: dict[str, str]) -> None:
        row = len(self.starts)
        post_id = fields.get("post_id", "") or str(row + 1)
        number = _numeric(post_id)
        if number is None:
            self.odd_ids[row] = post_id
        self.ids.append(_NONE if number is None else number)
        self.starts.append(start)
        self.ends.append(end)
        when = _when(fields.get("modified_gmt", ""), fields.get("date_gmt", ""))
        self.whens.append(_NONE if when is None else (when - _EPOCH) // _MICROSECOND)
        self.slug_bytes += fields.get("slug", "").encode("utf-8", "surrogatepass")
        self.slug_ends.append(len(self.slug_bytes))
        self.types.append(self.type_table.place(fields.get("post_type", "")))
        self.statuses.append(self.status_table.place(fields.get("status", "")))
        self.creators.append(self.creator_table.place(fields.get("creator", "")))

    def post_id(self, row: int) -> str:
        number = self.ids[row]
        return self.odd_ids[row] if number == _NONE else str(number)

    def slug(self, row: int) -> str:
        first = self.slug_ends[row - 1] if row else 0
        return self.slug_bytes[first : self.slug_ends[row]].decode("utf-8", "surrogatepass")

    def kind(self, row: int) -> str:
        return self.type_table.values[self.types[row]] or "post"

    def when(self, row: int) -> dt.datetime | None:
        micros = self.whens[row]
        return None if micros == _NONE else _EPOCH + micros * _MICROSECOND

    def item(self, row: int) -> Item:
        return Item(
            start=self.starts[row],
            ordinal=row,
            end=self.ends[row],
            post_id=self.post_id(row),
            post_type=self.type_table.values[self.types[row]],
            status=self.status_table.values[self.statuses[row]],
            slug=self.slug(row),
            creator=self.creator_table.values[self.creators[row]],
            when=self.when(row),
        )


class _ById:
    """Rows by id, one row per id (the first or the last of the rows given): numeric ids found by
    bisection in the rows sorted by id, the others in a small dict."""

    def __init__(self, columns: _Columns, rows: Iterable[int], *, last: bool) -> None:
        self.columns = columns
        ids = columns.ids
        numeric: list[int] = []
        self.odd: dict[str, int] = {}
        for row in rows:
            if ids[row] != _NONE:
                numeric.append(row)
            elif last or columns.odd_ids[row] not in self.odd:
                self.odd[columns.odd_ids[row]] = row
        numeric.sort(key=ids.__getitem__)  # stable: the rows of one id stay in file order
        unique = _rows(len(columns))
        for row in numeric:
            if unique and ids[unique[-1]] == ids[row]:
                if last:
                    unique[-1] = row
            else:
                unique.append(row)
        self.rows = unique

    def get(self, post_id: str) -> int | None:
        number = _numeric(post_id)
        if number is None:
            return self.odd.get(post_id)
        ids = self.columns.ids
        at = bisect_left(self.rows, number, key=ids.__getitem__)
        return self.rows[at] if at < len(self.rows) and ids[self.rows[at]] == number else None


class _Posts(Sequence[Item]):
    """The posts in file order: rows of the columns, each made an :class:`Item` when asked for."""

    def __init__(self, columns: _Columns, rows: array[int]) -> None:
        self.columns = columns
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, at: int) -> Item: ...
    @overload
    def __getitem__(self, at: slice) -> list[Item]: ...
    def __getitem__(self, at: int | slice) -> Item | list[Item]:
        if isinstance(at, slice):
            return [self.columns.item(row) for row in self.rows[at]]
        return self.columns.item(self.rows[at])

    def __iter__(self) -> Iterator[Item]:
        for row in self.rows:
            yield self.columns.item(row)


class _Slugs(Mapping[str, str]):
    """Every item's slug by its id (the last item of an id, as a dict built in file order would have)."""

    def __init__(self, columns: _Columns) -> None:
        self.columns = columns
        self._by_id: _ById | None = None

    def _rows(self) -> _ById:
        if self._by_id is None:
            self._by_id = _ById(self.columns, range(len(self.columns)), last=True)
        return self._by_id

    def __getitem__(self, post_id: str) -> str:
        row = self._rows().get(post_id)
        if row is None:
            raise KeyError(post_id)
        return self.columns.slug(row)

    def __len__(self) -> int:
        by_id = self._rows()
        return len(by_id.rows) + len(by_id.odd)

    def __iter__(self) -> Iterator[str]:
        by_id = self._rows()
        for row in sorted([*by_id.rows, *by_id.odd.values()]):
            yield self.columns.post_id(row)


class Index:
    """The posts of an export in file order, its attachments' URLs and the file-level losses."""

    def __init__(
        self,
        columns: _Columns,
        posts: array[int],
        attachments: dict[str, str],
        site: str | None,
        root_tag: bytes,
        report: ConversionReport,
        categories: dict[str, Term],
    ) -> None:
        self._columns = columns
        self._post_rows = posts
        self.posts: Sequence[Item] = _Posts(columns, posts)
        self.attachments = attachments
        self.site = site
        self.prolog = b""
        """The file up to its root element (declaration, doctype): the same context for each post."""
        self.root_tag = root_tag
        self.report = report
        self.categories = categories
        """The file's categories by slug, with their parents."""
        self.slugs: Mapping[str, str] = _Slugs(columns)
        """Every item's slug by its id (a page's parent is named by id)."""
        self._ids: _ById | None = None

    def by_id(self, post_id: str) -> Item | None:
        """The first post with this id."""
        if self._ids is None:
            self._ids = _ById(self._columns, self._post_rows, last=False)
        row = self._ids.get(post_id)
        return None if row is None else self._columns.item(row)

    def by_slug(self, slug: str) -> Item | None:
        """The first post with this slug."""
        columns, wanted = self._columns, slug.encode("utf-8", "surrogatepass")
        for row in self._post_rows:
            first = columns.slug_ends[row - 1] if row else 0
            if columns.slug_bytes[first : columns.slug_ends[row]] == wanted:
                return columns.item(row)
        return None

    def newest_first(self) -> Iterator[Item]:
        """The posts, most recently changed first (undated ones last, in file order)."""
        whens = self._columns.whens
        # sorted(reverse=True) keeps equal keys in file order; "no date" is below every date
        order = _rows(len(self._columns))
        order.extend(sorted(self._post_rows, key=whens.__getitem__, reverse=True))
        for row in order:
            yield self._columns.item(row)


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
        self.columns = _Columns()
        self.attachments: dict[str, str] = {}
        self.item: dict[str, str] | None = None
        """The fields of the item being read (it starts at ``item_start``)."""
        self.item_start = 0
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
            self.item, self.item_start = {}, self.parser.CurrentByteIndex
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
            fields, at = self.item, len(self.columns)
            self.columns.add(self.item_start, self.parser.CurrentByteIndex, fields)
            if (fields.get("post_type") or "post") == "attachment":
                self.attachments[self.columns.post_id(at)] = fields.get("attachment_url", "")
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
                self.item[self.capture] = value
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
        columns = self.columns
        posts = _rows(len(columns))
        kinds = [value or "post" for value in columns.type_table.values]
        for row, place in enumerate(columns.types):
            kind = kinds[place]
            if kind in TYPES:
                posts.append(row)
            elif kind != "attachment":
                skipped[kind] = skipped.get(kind, 0) + 1
        for kind, count in skipped.items():
            report.warn(NAME, f"{count} item(s) of type {kind!r} not read (only posts and pages are)")
        site = self.channel.get("wp:base_site_url") or self.channel.get("link") or None
        categories = category_terms(self.categories)
        return Index(columns, posts, self.attachments, site, self.root_tag, report, categories)


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
    return found.newest_first()


__all__ = ["Index", "Item", "index", "items_newest_first", "read_item"]
