"""``serialize_blocks()`` and friends from WordPress's ``wp-includes/blocks.php``.

The default flavour, ``"php-6.1"``, reproduces WordPress 6.1 (the release Debian ships and the tests use
as the oracle) byte for byte, including PHP's quirks:

* attributes go through ``json_decode``'s arrays: an empty object is written ``[]`` and an object with
  keys ``"0".."n-1"`` is written as a list;
* floats as PHP writes them (``1.0`` -> ``1``, ``1e25`` -> ``1.0e+25``), U+2028/U+2029 escaped;
* ``--``, ``<``, ``>``, ``&`` and ``\\"`` replaced by ``\\u`` escapes, in that order;
* content ``""`` or ``"0"`` (PHP's ``empty()``) gives a void delimiter;
* attributes that ``json_encode`` cannot encode (infinite floats) give an empty attribute string, as
  WordPress does (``<!-- wp:x  -->``).

``"php-6.9"`` adds the rule WordPress 6.9 introduced: an escaped backslash ``\\\\`` becomes ``\\u005c``
(applied first, so a string ending in a backslash no longer loses its closing quote).
``"js"`` encodes attributes as ``JSON.stringify`` and the current JS ``serializeAttributes`` do: empty
objects stay ``{}``, U+2028 is left raw, JS number format, and the ``\\u005c`` rule.
The layout (no added newlines, ``innerContent`` verbatim) is PHP's in every flavour.
"""

from __future__ import annotations

import json
import marshal
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from . import phpjson
from .parser import ParsedBlock

Flavor = Literal["php-6.1", "php-6.9", "js"]
FLAVORS: tuple[Flavor, ...] = ("php-6.1", "php-6.9", "js")


def _escape_61(encoded: str) -> str:
    # Each replacement only where its character occurs: a test is cheaper than a replace that finds none.
    if "--" in encoded:
        encoded = encoded.replace("--", "\\u002d\\u002d")
    if "<" in encoded:
        encoded = encoded.replace("<", "\\u003c")
    if ">" in encoded:
        encoded = encoded.replace(">", "\\u003e")
    if "&" in encoded:
        encoded = encoded.replace("&", "\\u0026")
    if '\\"' in encoded:
        encoded = encoded.replace('\\"', "\\u0022")
    return encoded


def _escape_69(encoded: str) -> str:
    return _escape_61(encoded.replace("\\\\", "\\u005c"))


def _serialize_php(attrs: Any, escape: Callable[[str], str]) -> str:
    flat = phpjson.flat_encode(attrs)  # most attributes: a flat dict of strings, numbers and booleans
    if flat is not None:
        return escape(phpjson.escape_line_terminators(flat))
    try:
        encoded = phpjson.php_encode(attrs)
    except phpjson.JSONEncodeFailure:
        return ""  # wp_json_encode() returns false; the replacements turn it into ""
    return escape(encoded)


def _serialize_61(attrs: Any) -> str:
    return _serialize_php(attrs, _escape_61)


def _serialize_69(attrs: Any) -> str:
    return _serialize_php(attrs, _escape_69)


def _serialize_js(attrs: Any) -> str:
    flat = phpjson.flat_encode(attrs)
    return _escape_69(flat if flat is not None else phpjson.js_encode(attrs))


_SERIALIZERS: dict[str, Callable[[Any], str]] = {
    "php-6.1": _serialize_61,
    "php-6.9": _serialize_69,
    "js": _serialize_js,
}

# Cache of serialized attributes. The key must fix every value, its exact type (1, 1.0 and True differ)
# and the key order: ``marshal.dumps(attrs, 2)`` does, in C (version 2: no back-references; an
# interning flag only costs a cache miss). marshal refuses anything but exact built-in types; then the
# key is Python's JSON text of the attributes (a str, so the two kinds of key never collide).
# The exact encoders run once per key.
_c_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
_c_encode_basestring: Any = getattr(json.encoder, "c_encode_basestring", None)


def _unencodable(value: Any) -> Any:
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


if _c_make_encoder is not None and _c_encode_basestring is not None:
    _c_key_encoder = _c_make_encoder(
        None, _unencodable, _c_encode_basestring, None, ":", ",", False, False, True
    )

    _key_chunks: Callable[[Any, int], Iterable[str]] = _c_key_encoder

else:  # pragma: no cover - CPython always has the C accelerator
    _key_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)

    def _key_chunks(attrs: Any, indent_level: int) -> Iterable[str]:
        return _key_encoder.iterencode(attrs)


def _cache_key(attrs: Any) -> bytes | str:
    try:
        return _marshal(attrs, 2)
    except ValueError:
        return "".join(_key_chunks(attrs, 0))


_marshal = marshal.dumps
_CACHE_LIMIT = 50_000
_CACHES: dict[str, dict[bytes | str, str]] = {flavor: {} for flavor in FLAVORS}
# per flavour, block name -> its delimiters, core/ stripped: ("<!-- wp:NAME -->", "<!-- /wp:NAME -->",
# "<!-- wp:NAME /-->", "<!-- wp:NAME "), the last one followed by attributes.
_DELIMITERS: dict[str, dict[str, tuple[str, str, str, str]]] = {flavor: {} for flavor in FLAVORS}


def clear_caches() -> None:
    """Forget the attributes and block names serialized so far (memory, or a benchmark's fresh start)."""
    for cache in _CACHES.values():
        cache.clear()
    for delimiters in _DELIMITERS.values():
        delimiters.clear()


def _check_flavor(flavor: str) -> None:
    if flavor not in _SERIALIZERS:
        raise ValueError(f"unknown serialization flavor {flavor!r}; expected one of {', '.join(FLAVORS)}")


def _cached_attributes(
    cache: dict[bytes | str, str], encode: Callable[[Any], str], attrs: Any, key: bytes | str | None = None
) -> str:
    if key is None:
        key = _cache_key(attrs)
    result = cache.get(key)
    if result is None:
        result = encode(attrs)
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[key] = result
    return result


def serialize_attributes(attrs: Mapping[str, Any] | list[Any], *, flavor: Flavor = "php-6.1") -> str:
    """``serialize_block_attributes()``: the JSON written inside a block delimiter."""
    _check_flavor(flavor)
    return _cached_attributes(_CACHES[flavor], _SERIALIZERS[flavor], attrs)


def strip_core_namespace(name: str | None) -> str | None:
    """``strip_core_block_namespace()``: drop a leading ``core/`` (only that namespace)."""
    if name is not None and name.startswith("core/"):
        return name[5:]
    return name


def _serializers(flavor: str) -> tuple[Callable[[Mapping[str, Any]], str], Callable[[Iterable[Any]], str]]:
    """serialize_block() and serialize_blocks() for one flavour, sharing its caches.

    Both are written for speed: every block goes into one list of pieces (delimiters, content, a
    container's chunks) for one final join; ``serialize_blocks`` handles the commonest block itself (no
    inner blocks, no attributes, content). The result is the same as PHP's
    ``serialize_block`` applied to each block.
    """
    _check_flavor(flavor)
    cache = _CACHES[flavor]
    cached = cache.get
    encode = _SERIALIZERS[flavor]
    delimiters = _DELIMITERS[flavor]
    known = delimiters.get
    containers = (dict, list)
    marshal_key = _marshal

    def delimiter_of(name: str) -> tuple[str, str, str, str]:
        short = name[5:] if name.startswith("core/") else name
        if len(delimiters) >= _CACHE_LIMIT:
            delimiters.clear()
        delimiter = delimiters[name] = (
            f"<!-- wp:{short} -->",
            f"<!-- /wp:{short} -->",
            f"<!-- wp:{short} /-->",
            f"<!-- wp:{short} ",
        )
        return delimiter

    def attributes_of(attrs: Any) -> str:
        """The attributes' JSON: a cache hit costs one ``marshal.dumps`` and one dict lookup; a miss,
        or attributes that marshal refuses (a subclass, keyed by their JSON text), take the slow path."""
        try:
            key = marshal_key(attrs, 2)
        except ValueError:
            return _cached_attributes(cache, encode, attrs)
        return cached(key) or _cached_attributes(cache, encode, attrs, key)

    def emit(block: Mapping[str, Any], out: list[str]) -> None:
        """Append ``serialize_block(block)`` to ``out``, a container's pieces one by one."""
        chunks = block["innerContent"]
        inner = block["innerBlocks"]
        push = out.append
        if not inner:
            put_leaf(
                block["blockName"], block["attrs"], chunks[0] if len(chunks) == 1 else "".join(chunks), push
            )
            return
        slot = len(out)
        push("")  # the opening delimiter, written once the content is known
        index = 0
        for chunk in chunks:
            if chunk is None or not isinstance(chunk, str):  # PHP: not a string -> next inner block
                child = inner[index]
                index += 1
                if child["innerBlocks"]:
                    emit(child, out)
                else:
                    grandchunks = child["innerContent"]
                    content = grandchunks[0] if len(grandchunks) == 1 else "".join(grandchunks)
                    put_leaf(child["blockName"], child["attrs"], content, push)
            else:
                push(chunk)
        name = block["blockName"]
        if name is None:
            del out[slot]
            return
        first = chunks[0] if chunks else None
        if first.__class__ is not str or len(first) < 2:  # the content may be "" or "0": PHP's empty()
            content = "".join(out[slot + 1 :])
            if not content or content == "0":
                del out[slot:]
                put_leaf(name, block["attrs"], "", push)
                return
        delimiter = known(name) or delimiter_of(name)
        attrs = block["attrs"]
        if attrs and isinstance(attrs, containers):
            serialized = attributes_of(attrs)
            out[slot] = f"{delimiter[3]}{serialized} -->"
        else:
            out[slot] = delimiter[0]
        push(delimiter[1])

    def put_leaf(name: str | None, attrs: Any, content: str, push: Callable[[str], None]) -> None:
        """Push ``serialize_block`` of a block whose content is known, as pieces."""
        if name is None:
            push(content)
            return
        delimiter = known(name) or delimiter_of(name)
        if attrs and isinstance(attrs, containers):
            serialized = attributes_of(attrs)
            if not content or content == "0":
                push(f"{delimiter[3]}{serialized} /-->")
                return
            push(f"{delimiter[3]}{serialized} -->")
        elif not content or content == "0":
            push(delimiter[2])
            return
        else:
            push(delimiter[0])
        push(content)
        push(delimiter[1])

    def serialize_block(block: Mapping[str, Any]) -> str:
        out: list[str] = []
        emit(block, out)
        return "".join(out)

    def serialize_blocks(blocks: Iterable[Any]) -> str:
        out: list[str] = []
        push = out.append
        for block in blocks:
            if block["innerBlocks"]:
                emit(block, out)
                continue
            try:
                [content] = block["innerContent"]  # one chunk: every block but a void one
            except ValueError:
                content = "".join(block["innerContent"])
            name = block["blockName"]
            if name is None:
                push(content)
                continue
            attrs = block["attrs"]
            if attrs or not content or content == "0":
                put_leaf(name, attrs, content, push)
                continue
            delimiter = known(name) or delimiter_of(name)
            push(delimiter[0])
            push(content)
            push(delimiter[1])
        return "".join(out)

    return serialize_block, serialize_blocks


_BLOCK_SERIALIZERS = {flavor: _serializers(flavor) for flavor in FLAVORS}


def serialize_block(block: ParsedBlock | Mapping[str, Any], *, flavor: Flavor = "php-6.1") -> str:
    """``serialize_block()``: one parsed block back to markup (freeform blocks give their HTML)."""
    _check_flavor(flavor)
    return _BLOCK_SERIALIZERS[flavor][0](block)


def serialize(blocks: Iterable[ParsedBlock | Mapping[str, Any]], *, flavor: Flavor = "php-6.1") -> str:
    """``serialize_blocks()``.

    ``serialize(parse(s))`` equals WordPress's ``serialize_blocks(parse_blocks(s))``.
    """
    _check_flavor(flavor)
    return _BLOCK_SERIALIZERS[flavor][1](blocks)
