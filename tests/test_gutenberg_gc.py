"""How ``gutenberg.parse`` treats Python's cyclic garbage collector.

The blocks of a post survive the parse, so ``parse`` hands them to the oldest generation (on CPython 3.11
to 3.13 with the GIL) instead of leaving them for every young collection to walk again. The caller's own
objects must come out of this as the collector would treat them, and a program that froze objects or
turned the collector off must find it as it left it.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from cmsbridge import gutenberg
from cmsbridge.gutenberg import parser

DOCUMENT = (
    '<!-- wp:group {"layout":{"type":"constrained"}} --><div class="wp-block-group">'
    "<!-- wp:paragraph --><p>One</p><!-- /wp:paragraph -->"
    "</div><!-- /wp:group -->\n\n<!-- wp:paragraph --><p>Two</p><!-- /wp:paragraph -->"
)


class Node:
    """A weak-referenceable object that can sit in a reference cycle."""

    def __init__(self) -> None:
        self.partner: Node | None = None


def generation_of(obj: object) -> int | None:
    for generation in range(3):
        if any(candidate is obj for candidate in gc.get_objects(generation)):
            return generation
    return None  # untracked, or in the permanent generation


@pytest.fixture
def collector() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        gc.unfreeze()
        if not was_enabled:
            gc.disable()


def test_the_blocks_go_to_the_oldest_generation(collector: None) -> None:
    gc.collect()
    blocks = gutenberg.parse(DOCUMENT)
    assert gc.isenabled()
    expected = 2 if parser._PROMOTE else 0
    for obj in (blocks, blocks[0], blocks[0]["innerBlocks"], blocks[0]["innerBlocks"][0]["innerContent"]):
        assert generation_of(obj) == expected
    assert gutenberg.serialize(blocks) == DOCUMENT


def test_the_callers_young_garbage_is_not_sheltered(collector: None) -> None:
    gc.collect()
    first, second = Node(), Node()
    first.partner, second.partner = second, first
    gone = weakref.ref(first)
    del first, second
    assert gone() is not None  # a cycle: only the collector frees it
    gutenberg.parse(DOCUMENT)
    gc.collect(1)  # a young collection frees it, as it would have without the parse
    assert gone() is None


def test_the_callers_young_survivors_are_promoted_by_a_collection(collector: None) -> None:
    gc.collect()
    kept = [Node()]  # a tracked container, young
    assert generation_of(kept) == 0
    gutenberg.parse(DOCUMENT)
    assert generation_of(kept) == (2 if parser._PROMOTE else 0)


def test_frozen_objects_stay_frozen_and_the_blocks_stay_young(collector: None) -> None:
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    assert frozen > 0
    blocks = gutenberg.parse(DOCUMENT)
    assert gc.get_freeze_count() == frozen
    assert generation_of(blocks) == 0


def test_a_disabled_collector_stays_disabled(collector: None) -> None:
    gc.disable()
    blocks = gutenberg.parse(DOCUMENT)
    assert not gc.isenabled()
    assert generation_of(blocks) == 0
    assert gutenberg.serialize(blocks) == DOCUMENT


def test_parsing_in_threads_gives_the_same_blocks_and_leaves_the_collector_on(collector: None) -> None:
    from concurrent.futures import ThreadPoolExecutor

    expected = gutenberg.parse(DOCUMENT)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: gutenberg.parse(DOCUMENT * 20), range(200)))
    assert all(result == expected * 20 for result in results)
    assert gc.isenabled() and gc.get_freeze_count() == 0
