"""Offset paging that yields every post once while the site changes (cmsbridge.backends.paging)."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from cmsbridge.backends.paging import by_descending_id
from tests.suite import examples

Change = tuple[str, int]


class Site:
    """Posts sorted by id, newest first, changed while a listing walks: after each page is served, the next
    group of ``changes`` lands."""

    def __init__(self, ids: set[int], changes: list[list[Change]]) -> None:
        self.ids = set(ids)
        self.changes = list(changes)
        self.fetches = 0

    def fetch(self, offset: int, count: int) -> Sequence[int]:
        self.fetches += 1
        page = sorted(self.ids, reverse=True)[offset : offset + count]
        for kind, value in self.changes.pop(0) if self.changes else []:
            if kind == "publish":
                self.ids.add(max(self.ids | {0}) + 1 + value)
            elif kind == "restore":  # an old post back from the trash, or newly matching the filter
                self.ids.add(value)
            elif self.ids:  # delete the value-th post (modulo), or trash it
                self.ids.discard(sorted(self.ids)[value % len(self.ids)])
        return page


change = st.tuples(st.sampled_from(["publish", "restore", "delete"]), st.integers(0, 300))
changes = st.lists(st.lists(change, max_size=6), max_size=30)


@settings(max_examples=examples(400), deadline=None)
@given(st.sets(st.integers(1, 300), max_size=120), changes, st.integers(1, 12))
def test_each_post_once_and_none_that_stayed_is_missed(
    ids: set[int], edits: list[list[Change]], size: int
) -> None:
    site = Site(ids, edits)
    walked = list(by_descending_id(site.fetch, lambda item: item, size))
    assert len(walked) == len(set(walked))  # never twice
    assert walked == sorted(walked, reverse=True)  # newest first
    stayed = ids & site.ids  # present from start to end (a post deleted and restored counts as stayed)
    deleted_for_good = ids - site.ids
    assert stayed - set(walked) <= _deleted_then_restored(ids, edits, deleted_for_good)
    # the walk ends: a bounded number of pages even with every change a removal above the edge
    assert site.fetches <= 2 * (len(ids) + sum(map(len, edits))) + 4


def _deleted_then_restored(ids: set[int], edits: list[list[Change]], gone: set[int]) -> set[int]:
    """Posts that were away for part of the walk (trashed, then back): the walk may miss them."""
    current = set(ids)
    away: set[int] = set()
    for kind, value in (edit for group in edits for edit in group):
        if kind == "delete" and current:
            victim = sorted(current)[value % len(current)]
            current.discard(victim)
            away.add(victim)
        elif kind == "restore":
            current.add(value)
        else:
            current.add(max(current | {0}) + 1 + value)
    return away - gone


def test_removals_above_the_edge_do_not_skip_the_next_posts() -> None:
    # 10 posts, pages of 4. After the first page (10, 9, 8, 7), posts 9 and 8 are trashed: by offsets the
    # next page (from place 4, or place 3 with one place of overlap) would start at 4 and never show 6, 5.
    site = Site(set(range(1, 11)), [[("delete", 8), ("delete", 7)]])  # ascending index 8 is 9, then 7 is 8
    assert list(by_descending_id(site.fetch, lambda item: item, 4)) == [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]


def test_a_post_published_while_listing_repeats_nothing() -> None:
    site = Site(set(range(1, 11)), [[("publish", 0)], [("publish", 0), ("publish", 3)]])
    assert list(by_descending_id(site.fetch, lambda item: item, 4)) == [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]


def test_an_empty_site_and_pages_of_one() -> None:
    assert list(by_descending_id(Site(set(), []).fetch, lambda item: item, 100)) == []
    assert list(by_descending_id(Site({1, 2, 3}, []).fetch, lambda item: item, 1)) == [3, 2, 1]
