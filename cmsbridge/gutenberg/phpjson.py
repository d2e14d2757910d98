"""JSON the way WordPress's PHP sees it: ``json_decode($s, true)`` and ``json_encode``.

Block attributes are decoded into JSON-faithful Python values (an empty object stays ``{}``), with PHP's
rules for what is valid: no ``NaN``/``Infinity``, no unpaired UTF-16 surrogate escapes, at most 511
nested arrays/objects, and integers outside PHP's 64-bit range become floats.

:func:`php_value` maps such a value to what PHP holds after ``json_decode(..., true)``: every object is
a PHP array, so ``{}`` becomes ``[]`` and ``{"0": "a", "1": "b"}`` becomes ``["a", "b"]``.
:func:`php_encode` is ``json_encode($value, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE)`` applied
to that PHP value, and :func:`js_encode` is JavaScript's ``JSON.stringify``.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import orjson

_T = TypeVar("_T")

PHP_INT_MIN = -(2**63)
PHP_INT_MAX = 2**63 - 1
MAX_DECODE_DEPTH = 511
"""Deepest nesting ``json_decode`` accepts with its default depth of 512 (checked on PHP 8.2)."""
MAX_ENCODE_DEPTH = 512

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CANONICAL_INT = re.compile(r"(?:0|-?[1-9][0-9]*)\Z")


class JSONEncodeFailure(ValueError):
    """``json_encode`` would return false (NaN or infinity, or nesting too deep)."""


def _parse_int(text: str) -> int | float:
    # json_decode turns an integer literal that overflows PHP's int into a float.
    if len(text) > 20:
        return float(text)
    value = int(text)
    if PHP_INT_MIN <= value <= PHP_INT_MAX:
        return value
    return float(text)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_int=_parse_int, parse_constant=_reject_constant)
_scan_once: Callable[[str, int], tuple[Any, int]] = _DECODER.scan_once  # type: ignore[attr-defined]
_orjson_loads = orjson.loads


def _depth(value: Any) -> int:
    deepest = 0
    level: list[Any] = [value]
    while level:
        children: list[Any] = []
        for item in level:
            if isinstance(item, dict):
                children.extend(item.values())
            elif isinstance(item, list):
                children.extend(item)
        if not children and not any(isinstance(item, dict | list) for item in level):
            break
        deepest += 1
        level = [c for c in children if isinstance(c, dict | list)]
    return deepest


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


def decode(text: str) -> Any:
    """``json_decode($text, true)`` as JSON-faithful Python, or ``None`` where PHP gives null.

    ``text`` must not have leading whitespace (block attributes always start with ``{``).
    """
    return decode_checked(text)[0]


def decode_checked(text: str) -> tuple[Any, bool]:
    """:func:`decode`, and whether ``orjson.loads(text)`` gives the same value (then it may decode the
    text again, about twice as fast as Python's scanner).

    orjson is tried first. Where it refuses the text (invalid JSON, a lone surrogate, ``1e400``, more
    than 1,024 levels) or PHP would read it otherwise (integers above PHP's int range, which orjson
    keeps up to 2**64 - 1; more than 511 levels), Python's scanner decodes it by PHP's rules.
    """
    try:
        value = _orjson_loads(text)
    except ValueError:  # orjson.JSONDecodeError
        return _decode_by_scanner(text), False
    if len(text) >= 2 * (MAX_DECODE_DEPTH + 1) or not _php_ints(value):
        return _decode_by_scanner(text), False
    return value, True


def _php_ints(value: Any) -> bool:
    """Whether every integer in ``value`` (a dict or a list from orjson) is within PHP's range."""
    for item in value.values() if value.__class__ is dict else value:
        kind = item.__class__
        if kind is int:
            if item > PHP_INT_MAX:  # orjson already makes those below PHP_INT_MIN floats
                return False
        elif (kind is dict or kind is list) and not _php_ints(item):
            return False
    return True


def _decode_by_scanner(text: str) -> Any:
    try:
        value, end = _scan_once(text, 0)
    except (StopIteration, ValueError, RecursionError):
        return None
    if end != len(text) and text[end:].strip(" \t\n\r"):
        return None
    if "\\u" in text and _SURROGATE_ESCAPE.search(text) and deep(_has_surrogate, value):
        return None
    if len(text) >= 2 * (MAX_DECODE_DEPTH + 1) and _depth(value) > MAX_DECODE_DEPTH:
        return None
    return value


def decode_valid(text: str) -> Any:
    """Decode ``text`` already known to be valid for :func:`decode` (a fresh copy of the value)."""
    return _scan_once(text, 0)[0]


# --- PHP's view of a decoded value ----------------------------------------------------------------


def _php_key(key: Any) -> int | str:
    # A non-string key is taken as Python's json module writes it ("true", "1.5"...), so that the
    # result depends only on the JSON text of the value (the serializer caches by that text).
    text = key if isinstance(key, str) else _key_text(key)
    if _CANONICAL_INT.match(text):
        number = int(text)
        if PHP_INT_MIN <= number <= PHP_INT_MAX:
            return number
    return text


def _key_text(key: Any) -> str:
    # How Python's json module writes a non-string key; the serializer's cache relies on this.
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, float):
        return repr(key)
    return str(key)


def _is_list_keys(keys: list[int | str]) -> bool:
    return all(k == i and isinstance(k, int) for i, k in enumerate(keys))


def deep(function: Callable[[Any], _T], value: Any) -> _T:
    """Call a recursive ``function`` on ``value``, allowing the 511 levels of nesting PHP decodes."""
    try:
        return function(value)
    except RecursionError:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 8 * MAX_ENCODE_DEPTH + 2000))
        try:
            return function(value)
        finally:
            sys.setrecursionlimit(limit)


def php_value(value: Any) -> Any:
    """What PHP holds after ``json_decode(..., true)``: objects become arrays (list or ``dict``)."""
    if isinstance(value, dict):
        keys = [_php_key(k) for k in value]
        items = [php_value(v) for v in value.values()]
        if _is_list_keys(keys):
            return items
        return {str(k): v for k, v in zip(keys, items, strict=True)}
    if isinstance(value, list | tuple):
        return [php_value(v) for v in value]
    return value


# --- encoding -------------------------------------------------------------------------------------


def _shortest_digits(value: float) -> tuple[str, int]:
    """Shortest round-trip digits and decimal point position: ``abs(value) = 0.DIGITS x 10**decpt``."""
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    all_digits = whole + fraction
    significant = all_digits.lstrip("0")
    decpt = len(whole) + (int(exponent) if exponent else 0) - (len(all_digits) - len(significant))
    digits = significant.rstrip("0")
    if not digits:
        return "0", 1
    return digits, decpt


def php_float(value: float) -> str:
    """PHP's ``json_encode`` of a float (serialize_precision -1, ``php_gcvt`` with 17 digits)."""
    if math.isnan(value) or math.isinf(value):
        raise JSONEncodeFailure("Inf and NaN cannot be JSON encoded")
    digits, decpt = _shortest_digits(value)
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    if (decpt < -3) if decpt < 0 else (decpt > 17):
        exponent = decpt - 1
        return f"{sign}{digits[0]}.{digits[1:] or '0'}e{'-' if exponent < 0 else '+'}{abs(exponent)}"
    if decpt < 0:
        return f"{sign}0.{'0' * -decpt}{digits}"
    if len(digits) <= decpt:
        return sign + digits + "0" * (decpt - len(digits))
    return f"{sign}{digits[:decpt] or '0'}.{digits[decpt:]}"


def js_float(value: float) -> str:
    """JavaScript's ``Number.prototype.toString`` (what ``JSON.stringify`` writes); NaN/Infinity -> null."""
    if math.isnan(value) or math.isinf(value):
        return "null"
    if value == 0:
        return "0"
    digits, n = _shortest_digits(value)
    sign = "-" if value < 0 else ""
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return f"{sign}{digits[:n]}.{digits[n:]}"
    if -6 < n <= 0:
        return f"{sign}0.{'0' * -n}{digits}"
    exponent = n - 1
    mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent)}"


_py_string = json.encoder.encode_basestring  # JSON string, non-ASCII kept, control chars as \u00xx


def _php_string(text: str) -> str:
    encoded = _py_string(text)
    if "\u2028" in encoded or "\u2029" in encoded:
        encoded = encoded.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return encoded


def _encode_php(value: Any, depth: int) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _php_string(value)
    if isinstance(value, int):
        return int.__repr__(value)  # the number, as the C encoder writes it, whatever a subclass says
    if isinstance(value, float):
        return php_float(value)
    if depth >= MAX_ENCODE_DEPTH:
        raise JSONEncodeFailure("Maximum stack depth exceeded")
    if isinstance(value, dict):
        keys = [_php_key(k) for k in value]
        if _is_list_keys(keys):
            return "[" + ",".join(_encode_php(v, depth + 1) for v in value.values()) + "]"
        return (
            "{"
            + ",".join(
                _php_string(str(k)) + ":" + _encode_php(v, depth + 1)
                for k, v in zip(keys, value.values(), strict=True)
            )
            + "}"
        )
    if isinstance(value, list | tuple):
        return "[" + ",".join(_encode_php(v, depth + 1) for v in value) + "]"
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


_c_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
_c_basestring: Any = getattr(json.encoder, "c_encode_basestring", None)
_C_ENCODE = (
    _c_encoder(None, None, _c_basestring, None, ":", ",", False, False, False)
    if _c_encoder is not None and _c_basestring is not None
    else None
)
# A float (a fraction or an exponent), which PHP writes its own way. In JSON text as Python's C encoder
# or orjson writes it, a number inside an array or an object always follows ":", "," or "["; the same
# characters inside a string only cost a slow encode.
_FLOAT = re.compile(r"[:,\[]-?[0-9]+[.eE]")


def has_float(text: str) -> bool:
    """Whether compact JSON ``text`` may hold a float (a string that merely looks like one counts too)."""
    return _FLOAT.search(text) is not None


def differs_in_php(text: str) -> bool:
    """Whether PHP may write the value of compact JSON ``text`` otherwise: a float, an empty object or an
    object with keys 0..n-1 (PHP arrays, written ``[]`` and as lists). Lookalike strings count too."""
    return '"0":' in text or "{}" in text or has_float(text)


def _same_in_php(value: Any) -> str | None:
    """Python's C JSON encoding of ``value`` where it is PHP's too, else None (the caller then encodes by
    PHP's rules).

    PHP writes differently: floats (``1.0`` as ``1``), empty objects and objects with keys 0..n-1 (PHP
    arrays: ``[]`` and lists), and values deeper than 512 levels; and it escapes U+2028 and U+2029.
    The checks look at the encoded text, where a float, ``{}`` and a key ``"0"`` cannot hide (a string
    that merely looks like one takes the slow path, which gives the same result). A scalar, a type the C
    encoder does not know, NaN and infinities (refused by ``allow_nan=False``) and cycles also take the
    slow path.
    """
    if _C_ENCODE is None or not isinstance(value, dict | list):
        return None
    try:
        text: str = "".join(_C_ENCODE(value, 0))
    except (TypeError, ValueError, RecursionError):
        return None
    if differs_in_php(text):
        return None
    if text.count("{") + text.count("[") > MAX_ENCODE_DEPTH:  # a bound on the depth, counting strings too
        return None
    return escape_line_terminators(text)


def escape_line_terminators(text: str) -> str:
    """U+2028 and U+2029 as PHP's ``json_encode`` writes them (``\\u2028``) in JSON text, where they can
    only stand inside strings."""
    if text.isascii() or ("\u2028" not in text and "\u2029" not in text):
        return text
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def php_encode(value: Any) -> str:
    """``json_encode($php_value, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE)``.

    Raises :class:`JSONEncodeFailure` where PHP returns false. Values that Python's C encoder writes the
    same way (most block attributes) take that fast path; the rest are encoded by PHP's rules in Python.
    """
    same = _same_in_php(value)
    if same is not None:
        return same
    return deep(lambda v: _encode_php(v, 0), value)


def _encode_js(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _py_string(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return js_float(value)
    if isinstance(value, dict):
        return "{" + ",".join(_py_string(_key_text(k)) + ":" + _encode_js(v) for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_encode_js(v) for v in value) + "]"
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def js_encode(value: Any) -> str:
    """``JSON.stringify(value)`` for JSON values (key order kept, non-ASCII and U+2028 left raw)."""
    return deep(_encode_js, value)
