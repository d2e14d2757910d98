"""``wxr:PATH``: a WordPress export file (WXR) as a read-only site, to migrate from without a server.

``list``, ``get``, ``find`` and ``read_versioned`` read the file through an index (:mod:`.wxr_index`:
one pass, again when the file changes; each post is read from the file when it is asked for, so an
export of any size is migrated in little memory); a post's id is its ``wp:post_id`` and its version a
digest of its ``<item>``, so a re-run of a migration from a newer export of the same site updates exactly
the posts that changed. The file's own losses (pages and other items that are not posts) come with the
first post listed. Writes raise :class:`~cmsbridge.errors.UnsupportedError`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

from ..errors import BackendError, NotFoundError, UnsupportedError
from ..model import Post
from ..report import ConversionReport
from .base import (
    Capabilities,
    Fetched,
    Media,
    PostRef,
    Ref,
    Version,
    Versioned,
    Written,
    as_ref,
    listed_status,
    source_of,
)
from .wordpress_common import FIELDS
from .wxr_index import Index, Item, index, items_newest_first, read_item


class WXRFileBackend:
    """The posts of one WXR file, read-only."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser()
        self._parsed: tuple[tuple[int, int], Index] | None = None

    @property
    def site(self) -> str:
        return f"wxr:{self.path}"

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(
            system="wxr",
            transport="files",
            content_format="gutenberg",
            conditional_write="none",
            statuses=frozenset({"draft", "publish", "pending", "private", "future", "trash"}),
            categories=True,
            tags=True,
            authors=True,
            featured_image=True,
            max_page_size=1_000_000,
            **FIELDS,
        )

    def __repr__(self) -> str:
        return f"WXRFileBackend({str(self.path)!r})"

    def close(self) -> None:
        self._parsed = None

    def _index(self) -> Index:
        try:
            stat = self.path.stat()
            key = (stat.st_mtime_ns, stat.st_size)
            if self._parsed is None or self._parsed[0] != key:
                self._parsed = (key, index(self.path))
        except OSError as exc:
            raise BackendError(f"cannot read {self.path}: {exc.strerror or exc}", site=self.site) from None
        return self._parsed[1]

    def _fetched(self, item: Item, *, file_losses: bool = False) -> Fetched:
        try:
            entry = read_item(self.path, self._index(), item)
        except OSError as exc:
            raise BackendError(f"cannot read {self.path}: {exc.strerror or exc}", site=self.site) from None
        ref = PostRef(id=entry.id, link=entry.link)
        own = source_of("wxr", self.site, ref)
        post = entry.post.replace(sources=(*entry.post.sources, own))
        report = ConversionReport()
        report.losses.extend(entry.report.losses)
        if file_losses:
            report.losses.extend(self._index().report.losses)
        return Fetched(
            ref=ref,
            post=post,
            raw=entry.content,
            format="gutenberg",
            version=Version(token=entry.digest, modified=post.modified),
            report=report,
        )

    def _item(self, ref: Ref) -> Item:
        ref = as_ref(ref)
        found = self._index().by_id(ref.id)
        if found is None:
            raise NotFoundError("no such post in the export", site=self.site, post=ref.id)
        return found

    def get(self, ref: Ref) -> Fetched:
        return self._fetched(self._item(ref))

    def list(
        self,
        *,
        since: dt.datetime | None = None,
        status: str | None = None,
        author: str | None = None,
        search: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[Fetched]:
        status = listed_status(status, self.capabilities)
        first = True
        for item in items_newest_first(self._index()):
            if status is not None and item.post_status != status:
                continue
            if author and author != item.creator:
                continue
            when = item.when
            if since is not None and (when is None or when < since):
                continue
            fetched = self._fetched(item, file_losses=first)
            if search and search.casefold() not in fetched.raw.casefold():
                continue
            first = False
            yield fetched

    def find(self, *, slug: str) -> Fetched | None:
        item = self._index().by_slug(slug)
        return self._fetched(item) if item is not None else None

    def read_versioned(self, ref: Ref) -> Versioned:
        fetched = self.get(ref)
        return Versioned(ref=fetched.ref, content=fetched.raw, format="gutenberg", version=fetched.version)

    def _read_only(self) -> NoReturn:
        raise UnsupportedError("a WXR export is read-only: migrate from it to a site", site=self.site)

    def prepared(self, post: Post, report: ConversionReport) -> Post:
        self._read_only()

    def create(self, post: Post, *, report: ConversionReport | None = None) -> PostRef:
        self._read_only()

    def update(self, ref: Ref, post: Post, *, report: ConversionReport | None = None) -> PostRef:
        self._read_only()

    def delete(self, ref: Ref, *, force: bool = False) -> None:
        self._read_only()

    def upload_media(self, path: str) -> Media:
        self._read_only()

    def write_content(self, ref: Ref, content: str, expected: Version) -> Written:
        self._read_only()
