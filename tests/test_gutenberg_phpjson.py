"""``phpjson.php_encode``: its fast path (Python's C encoder, checked on the text it writes) against PHP's
rules written out in Python (``_encode_php``), on values built to sit on every edge the checks guard:
floats, empty objects, keys 0..n-1, 64-bit integers, U+2028/U+2029, lone surrogates, and strings that
merely look like those. The conformance suite checks the same encoder against PHP itself.
"""

from __future__ import annotations

import enum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmsbridge.gutenberg import phpjson, serializer

LOOKALIKES = [
    '"0":',
    "{}",
    ":1.5",
    ",2e5",
    "[1.0",
    "9" * 25,
    "\u2028",
    "\u2029",
    "a\\",
    '"',
    "é",
    "\ud800",
    "",
]

texts = st.one_of(st.sampled_from(LOOKALIKES), st.text(max_size=12))
keys = st.one_of(texts, st.sampled_from(["0", "1", "2", "00", "-0"]))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, 2**63 - 1, -(2**63), 2**63, 10**18, 10**19]),
    st.floats(allow_nan=True, allow_infinity=True),
    texts,
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=4),
        st.lists(children, max_size=3).map(lambda items: {str(i): v for i, v in enumerate(items)}),
    ),
    max_leaves=12,
)


def reference(value: Any) -> str | None:
    try:
        return phpjson.deep(lambda v: phpjson._encode_php(v, 0), value)
    except phpjson.JSONEncodeFailure:
        return None


def encoded(value: Any) -> str | None:
    try:
        return phpjson.php_encode(value)
    except phpjson.JSONEncodeFailure:
        return None


@settings(max_examples=1500, deadline=None)
@given(st.one_of(st.dictionaries(keys, values, min_size=1, max_size=5), st.lists(values, max_size=5)))
def test_fast_path_equals_phps_rules(value: Any) -> None:
    assert encoded(value) == reference(value)


@pytest.mark.parametrize(
    ("value", "php"),
    [
        ({"a": 1.0}, '{"a":1}'),
        ({"a": {}}, '{"a":[]}'),
        ({"a": {"0": "x", "1": "y"}}, '{"a":["x","y"]}'),
        ({"a": "x\u2028y"}, '{"a":"x\\u2028y"}'),
        ({"a": 2**63}, '{"a":9223372036854775808}'),
        ({"a": ':1.5 {} "0":'}, '{"a":":1.5 {} \\"0\\":"}'),
        (
            {"level": 3, "ok": True, "none": None, "list": [1, "b"]},
            '{"level":3,"ok":true,"none":null,"list":[1,"b"]}',
        ),
    ],
)
def test_known_encodings(value: Any, php: str) -> None:
    assert phpjson.php_encode(value) == php


def test_unencodable_values_fail_as_php_does() -> None:
    for value in ({"a": float("nan")}, {"a": float("inf")}):
        with pytest.raises(phpjson.JSONEncodeFailure):
            phpjson.php_encode(value)
    deep: Any = "x"
    for _ in range(513):
        deep = [deep]
    with pytest.raises(phpjson.JSONEncodeFailure):
        phpjson.php_encode(deep)
    assert phpjson.php_encode(deep[0]).count("[") == 512


class Level(enum.IntEnum):
    THREE = 3


class Loud(int):
    def __str__(self) -> str:
        return "loud"


def test_integer_subclasses_are_written_as_their_number() -> None:
    assert phpjson.php_encode({"level": Level.THREE, "n": Loud(5)}) == '{"level":3,"n":5}'
    assert phpjson._encode_php(Loud(5), 0) == "5"


flat_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    texts,
    st.floats(allow_nan=False),  # refused by the flat path: PHP writes floats its own way
    st.just({}),  # refused: not flat
)


@settings(max_examples=1500, deadline=None)
@given(st.dictionaries(keys, flat_values, min_size=1, max_size=5))
def test_flat_path_equals_the_full_encoders(value: dict[str, Any]) -> None:
    flat = phpjson.flat_encode(value)
    if flat is not None:
        assert phpjson.escape_line_terminators(flat) == reference(value)
        assert flat == phpjson.js_encode(value)
    if all(type(v) in (str, int, bool, type(None)) for v in value.values()) and "0" not in value:
        assert flat is not None  # the fast path is taken where it can be
    for flavor, encode in serializer._SERIALIZERS.items():
        assert serializer.serialize_attributes(value, flavor=flavor) == encode(value)  # type: ignore[arg-type]


def test_flat_path_refuses_what_it_cannot_write() -> None:
    for value in (
        {"0": "a"},
        {},
        {"a": 1.5},
        {"a": [1]},
        {1: "a"},
        {"a": Level.THREE},
        {"a": "x"} | {"b": {}},
    ):
        assert phpjson.flat_encode(value) is None
