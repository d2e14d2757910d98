"""``phpjson.php_encode``: its fast path (Python's C encoder, checked on the text it writes) against PHP's
rules written out in Python (``_encode_php``), on values built to sit on every edge the checks guard:
floats, empty objects, keys 0..n-1, 64-bit integers, U+2028/U+2029, lone surrogates, and strings that
merely look like those. The conformance suite checks the same encoder against PHP itself.
"""

from __future__ import annotations

import datetime
import enum
import json
import uuid
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmsbridge.gutenberg import phpjson, serializer
from tests.suite import examples

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


@settings(max_examples=examples(1500), deadline=None)
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


@settings(max_examples=examples(1500), deadline=None)
@given(
    st.one_of(st.dictionaries(keys, values, min_size=1, max_size=5), st.lists(values, min_size=1, max_size=5))
)
def test_the_attribute_cache_equals_the_exact_encoders(value: Any) -> None:
    """``serialize_attributes`` (orjson's text as the cache key, the result computed from that text on a
    miss) against each flavour's exact encoder, on a miss and on a hit; values from earlier examples stay
    in the cache, so a text that two different values share would show up here."""
    for flavor, encode in serializer._SERIALIZERS.items():
        expected = encode(value)
        assert serializer.serialize_attributes(value, flavor=flavor) == expected  # type: ignore[arg-type]
        assert serializer.serialize_attributes(value, flavor=flavor) == expected  # type: ignore[arg-type]


@settings(max_examples=examples(3000), deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_orjson_writes_every_float_with_a_point_or_a_signed_exponent(value: float) -> None:
    # the serializer looks for floats in orjson's text only where one of these occurs
    text = orjson.dumps([value]).decode()
    assert "." in text or "e+" in text or "e-" in text


@pytest.mark.parametrize("first", [None, float("nan"), float("inf"), -float("inf")])
def test_null_and_the_values_orjson_writes_as_null_never_share_an_entry(first: Any) -> None:
    serializer.clear_caches()
    order = [first] + [v for v in (None, float("nan"), float("inf"), -float("inf")) if v is not first]
    for _ in range(2):
        for item in order:
            expected = '{"a":null}' if item is None else ""  # PHP cannot encode NaN or infinities
            assert serializer.serialize_attributes({"a": item}) == expected
            assert serializer.serialize_attributes({"a": item}, flavor="js") == '{"a":null}'


class Colour(enum.Enum):
    RED = "red"


def test_values_beyond_json() -> None:
    # orjson writes an Enum member as its value and a UUID as its string; dates are refused
    assert serializer.serialize_attributes({"c": Colour.RED, "u": uuid.UUID(int=1)}) == (
        '{"c":"red","u":"00000000-0000-0000-0000-000000000001"}'
    )
    for value in ({"d": datetime.date(2026, 11, 25)}, {"o": object()}):
        with pytest.raises(TypeError):
            serializer.serialize_attributes(value)


@pytest.mark.parametrize(
    "value",
    [{1: "a"}, {"a": 2**70}, {"a": "\ud800"}, {"a": [[[[1.5]]]], "b": {}}, {"a": Level.THREE}],
    ids=["int key", "big int", "lone surrogate", "nested", "int enum"],
)
def test_values_orjson_refuses_or_writes_its_own_way_take_the_exact_path(value: Any) -> None:
    for _ in range(2):
        for flavor, encode in serializer._SERIALIZERS.items():
            assert serializer.serialize_attributes(value, flavor=flavor) == encode(value)  # type: ignore[arg-type]


@settings(max_examples=examples(1500), deadline=None)
@given(values, st.booleans())
def test_decoding_by_orjson_equals_the_scanner_by_phps_rules(value: Any, ascii_only: bool) -> None:
    """``decode`` tries orjson first; whatever it returns must be what Python's scanner gives by PHP's
    rules (types included: repr tells 1 from 1.0 and -0.0 from 0.0)."""
    try:
        text = json.dumps({"v": value}, ensure_ascii=ascii_only, separators=(",", ":"))
    except ValueError:  # a lone surrogate with ensure_ascii=False cannot be written out as UTF-8 here
        return
    decoded, by_orjson = phpjson.decode_checked(text)
    assert repr(decoded) == repr(phpjson._decode_by_scanner(text))
    if by_orjson:
        assert repr(orjson.loads(text)) == repr(decoded)
