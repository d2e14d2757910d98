"""Listing a CMS's posts page by page, each post exactly once, while the site goes on changing.

WordPress (REST and XML-RPC) pages by offset. Sorted by date, posts sharing a date come in no fixed order,
so pages skip some and repeat others; sorted by id (unique), the order is fixed, but the site keeps
changing while a long listing (a migration) runs: a post published meanwhile pushes every later post one
place down, and a post deleted or trashed meanwhile pulls them one place up, so the post at the edge of
the next page would be skipped without a word.

:func:`by_descending_id` walks such a listing safely. Each page after the first starts one place early, on
the last post already yielded: if that place now holds a post below it, posts were removed above, and it
steps back a page to look again. Posts already yielded (or newer than the listing's start) are never
yielded again. Ghost needs none of this: its filter pages by key (``id:<'...'``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def by_descending_id(
    fetch: Callable[[int, int], Sequence[T]], key: Callable[[T], int], size: int
) -> Iterator[T]:
    """Every item of a listing sorted by unique integer ``key``, descending, exactly once.

    ``fetch(offset, count)`` returns up to ``count`` items from place ``offset``. An item present for the
    whole walk is yielded once; an item added during the walk is yielded at most once (not at all when it
    sorts before the items already yielded); an item removed during the walk may or may not be yielded.
    """
    size = max(2, size)  # one place of each page overlaps the previous one
    offset = 0
    last: int | None = None  # key of the last item yielded: every later one is smaller
    while True:
        batch = fetch(offset, size)
        if last is not None and offset > 0 and (not batch or key(batch[0]) < last):
            # The page does not start at or above the edge: removals above moved unseen items before it.
            offset = max(0, offset - (size - 1))
            continue
        for item in batch:
            if last is None or key(item) < last:
                last = key(item)
                yield item
        if len(batch) < size:
            return
        offset += size - 1  # the next page starts on this page's last item
