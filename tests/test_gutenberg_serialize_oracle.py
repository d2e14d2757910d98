"""``gutenberg.serialize`` of blocks that a program built (not parsed), against WordPress's own.

Parsed blocks never hold some shapes that a script can build: a container whose content comes out empty
or ``"0"`` (PHP's ``empty()`` then gives a void delimiter and drops it), a freeform block with inner
blocks, a chunk that is neither a string nor None (PHP takes any non-string for the next inner block),
attributes that are not an array. The serializer takes separate paths for these; PHP is the oracle.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from cmsbridge import gutenberg
from tests import php_oracle

pytestmark = pytest.mark.php

SEED = 20261125
NAMES = [None, None, "core/paragraph", "core/group", "core/quote", "acme/card", "separator", "core/x-y_z"]
ATTRS: list[Any] = [
    {},
    {},
    None,
    "not an array",
    [],
    ["a"],
    {"level": 3},
    {"align": "center"},
    {"b": True, "n": None},
    {"t": 'a--b <i>&amp;</i> "q" back\\slash'},
    {"style": {"spacing": {"padding": "2em"}}, "layout": {"type": "constrained"}},
    {"0": "x", "1": "y"},
    {"e": {}},
]
CHUNKS = ["", "", "0", "\n", "<p>x</p>", '\n<div class="wp-block-group">', "</div>\n", "é 漢字 \U0001f600"]


def random_block(rng: random.Random, depth: int = 0) -> dict[str, Any]:
    inner = [random_block(rng, depth + 1) for _ in range(rng.randrange(4))] if depth < 3 else []
    content: list[Any] = []
    for child_index in range(len(inner) + 1):
        content.extend(rng.choice(CHUNKS) for _ in range(rng.randrange(3)))
        if child_index < len(inner):
            content.append(rng.choice([None, None, None, 5, False]))  # PHP: any non-string
    return {
        "blockName": rng.choice(NAMES),
        "attrs": rng.choice(ATTRS),
        "innerBlocks": inner,
        "innerHTML": "",
        "innerContent": content,
    }


def block_lists() -> list[list[dict[str, Any]]]:
    rng = random.Random(SEED)
    lists = [[random_block(rng) for _ in range(rng.randrange(1, 4))] for _ in range(400)]
    # the shapes named above, each at least once
    empty_child = {"blockName": None, "attrs": {}, "innerBlocks": [], "innerHTML": "", "innerContent": [""]}
    zero_child = {**empty_child, "innerContent": ["0"]}
    for name, attrs, chunks, child in [
        ("core/group", {"a": 1}, ["", None, ""], empty_child),  # content "": void with attributes
        ("core/group", {}, [None], zero_child),  # content "0": void, "0" dropped
        ("core/group", {}, ["0", None], empty_child),
        (None, {}, ["<div>", None, "</div>"], zero_child),  # freeform with an inner block
        ("core/group", {}, [], empty_child),  # an inner block no chunk points to
    ]:
        lists.append(
            [
                {
                    **empty_child,
                    "blockName": name,
                    "attrs": attrs,
                    "innerBlocks": [child],
                    "innerContent": chunks,
                }
            ]
        )
    # a container of the common shape (a name, a first chunk of 2+ characters) with leaf children whose
    # content is PHP-empty ("", "0", none), with and without attributes, and a freeform child
    leaf = {**empty_child, "blockName": "core/paragraph"}
    children = [
        {**leaf, "innerContent": ["0"]},
        {**leaf, "innerContent": [""]},
        {**leaf, "innerContent": []},
        {**leaf, "attrs": {"a": 1}, "innerContent": ["0"]},
        {**leaf, "attrs": {"a": 1}, "innerContent": []},
        {**leaf, "attrs": None, "innerContent": ["0"]},
        {**leaf, "innerContent": ["<p>x</p>", "<p>y</p>"]},
        {**empty_child, "innerContent": ["<br>"]},
    ]
    for child in children:
        for attrs in ({}, {"layout": {"type": "flex"}}):
            lists.append(
                [
                    {
                        **empty_child,
                        "blockName": "core/group",
                        "attrs": attrs,
                        "innerBlocks": [child, child],
                        "innerContent": ["<div>", None, "\n", None, "</div>"],
                    }
                ]
            )
    return lists


BLOCK_LISTS = block_lists()
_php: list[str] = []


@pytest.fixture(scope="module")
def php() -> list[str]:
    reason = php_oracle.missing()
    if reason is not None:
        pytest.skip(reason)
    if not _php:
        _php.extend(php_oracle.serialize(BLOCK_LISTS))
    return _php


@pytest.mark.parametrize("index", range(len(BLOCK_LISTS)))
def test_serialize_equals_wordpress_on_built_blocks(php: list[str], index: int) -> None:
    blocks = BLOCK_LISTS[index]
    assert gutenberg.serialize(blocks) == php[index]
    assert "".join(gutenberg.serialize_block(block) for block in blocks) == php[index]


class Markup(str):
    """A str subclass, as markupsafe's Markup: PHP's is_string() holds for it, so it is a chunk."""


def with_markup_chunks(block: dict[str, Any], first: int) -> dict[str, Any]:
    """``block`` with every string chunk from the ``first``-th on (of each block) a Markup."""
    chunks = block["innerContent"]
    return {
        **block,
        "innerBlocks": [with_markup_chunks(child, first) for child in block["innerBlocks"]],
        "innerContent": chunks[:first] + [Markup(c) if isinstance(c, str) else c for c in chunks[first:]],
    }


@pytest.mark.parametrize("first", [0, 1])
@pytest.mark.parametrize("index", range(0, len(BLOCK_LISTS), 7))
def test_string_subclass_chunks_are_written_as_strings(php: list[str], index: int, first: int) -> None:
    blocks = [with_markup_chunks(block, first) for block in BLOCK_LISTS[index]]
    assert gutenberg.serialize(blocks) == php[index]
    assert "".join(gutenberg.serialize_block(block) for block in blocks) == php[index]


def test_the_built_blocks_reach_every_shape(php: list[str]) -> None:
    outputs = "".join(php)
    assert '<!-- wp:group {"a":1} /-->' in outputs  # a container emptied to a void delimiter
    assert "<!-- wp:group /-->" in outputs
    assert "<div>0</div>" in outputs  # a freeform block's inner block written bare
    assert len(set(php)) > 300
