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
from typing import Any, Literal, NamedTuple

import orjson

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
    return _escape_69(phpjson.js_encode(attrs))


_SERIALIZERS: dict[str, Callable[[Any], str]] = {
    "php-6.1": _serialize_61,
    "php-6.9": _serialize_69,
    "js": _serialize_js,
}

# --- the attribute cache ----------------------------------------------------------------------------
#
# Attributes are looked up by orjson's JSON text of them (``orjson.dumps``, in Rust: about 0.1 us for a
# block's attributes). That text fixes every value, its type (1, 1.0 and true differ), each float
# exactly (shortest round trip) and the key order, with one exception: NaN and the infinities are
# written ``null``. So a text with ``null`` in it never enters this cache, and a text without one
# determines what each flavour writes; a miss computes that from the text alone.
#
# Values orjson refuses (a key that is not a string, an integer beyond 64 bits, a lone surrogate, more
# than 254 levels of nesting, a date or a dataclass) and texts with ``null`` take the exact encoders
# above, cached under an exact key of their own: ``marshal.dumps(attrs, 2)``, or Python's JSON text
# where marshal refuses a type. orjson writes an Enum member as its value and a UUID as its string: so
# does every flavour, unless the attributes also hold something orjson refuses (then TypeError).
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _special(text: str) -> bool:
    """Whether orjson's ``text`` (with no ``null``) may differ from PHP's or JavaScript's JSON of the same
    value by more than the flavour's replacements: a possible float, an empty object or keys 0..n-1 (PHP
    arrays), or U+2028/U+2029 (non-ASCII). orjson writes every float with "." or "e+" or "e-" (a test
    holds it to that). ``in`` on a str: it is slower on bytes."""
    return "." in text or "e+" in text or "e-" in text or "{}" in text or '"0":' in text or not text.isascii()


def _special_php(text: str, escape: Callable[[str], str]) -> str:
    """What a PHP flavour writes for a special text with no ``null``."""
    if phpjson.differs_in_php(text):  # PHP's arrays or PHP's floats
        return escape(phpjson.php_encode(orjson.loads(text)))
    return escape(phpjson.escape_line_terminators(text))


def _special_61(text: str) -> str:
    return _special_php(text, _escape_61)


def _special_69(text: str) -> str:
    return _special_php(text, _escape_69)


def _special_js(text: str) -> str:
    if phpjson.has_float(text):  # JavaScript's number format
        return _escape_69(phpjson.js_encode(orjson.loads(text)))
    return _escape_69(text)  # JSON.stringify leaves U+2028 raw and {} as it is


# per flavour: (what a plain text gets, what a special text gets)
_FROM_TEXT: dict[str, tuple[Callable[[str], str], Callable[[str], str]]] = {
    "php-6.1": (_escape_61, _special_61),
    "php-6.9": (_escape_69, _special_69),
    "js": (_escape_69, _special_js),
}

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


def _exact_key(attrs: Any) -> bytes | str:
    """The exact path's key: ``marshal.dumps(attrs, 2)`` (exact built-in types only; version 2 has no
    back-references), else Python's JSON text (a str, so the two kinds of key never collide)."""
    try:
        return marshal.dumps(attrs, 2)
    except ValueError:
        return "".join(_key_chunks(attrs, 0))


# A text is *clean* when it has no "null", "{}" or '"0":' and none of the bytes . + - < > & \ nor any
# beyond ASCII: then it is not special (above) and no flavour replaces anything in it. That is most
# texts that miss (an image's id), and this table tells it in two passes in C:
# ``text.translate(_CLEAN).isalpha()``, about half the cost of twelve ``in`` tests (measured in place).
_CLEAN = bytes(48 if byte in b".+-<>&\\" or byte >= 128 else 97 for byte in range(256))  # "0", "a"

_CACHE_LIMIT = 50_000
# Threads share these caches: only get, set and clear, each atomic (no check-then-delete).
# per flavour: orjson text -> the attributes as written; the exact path's key -> the same
_CACHES: dict[str, dict[bytes, str]] = {flavor: {} for flavor in FLAVORS}
_EXACT_CACHES: dict[str, dict[bytes | str, str]] = {flavor: {} for flavor in FLAVORS}
# per flavour, block name -> its delimiters, core/ stripped: ("<!-- wp:NAME -->", "<!-- /wp:NAME -->",
# "<!-- wp:NAME /-->", "<!-- wp:NAME "), the last one followed by attributes.
_DELIMITERS: dict[str, dict[str, tuple[str, str, str, str]]] = {flavor: {} for flavor in FLAVORS}


def clear_caches() -> None:
    """Forget the attributes and block names serialized so far (memory, or a benchmark's fresh start)."""
    for caches in (_CACHES, _EXACT_CACHES, _DELIMITERS):
        for cache in caches.values():
            cache.clear()


def _check_flavor(flavor: str) -> None:
    if flavor not in _SERIALIZERS:
        raise ValueError(f"unknown serialization flavor {flavor!r}; expected one of {', '.join(FLAVORS)}")


class _Attributes(NamedTuple):
    """One flavour's cached ``serialize_block_attributes``, and the parts the serializer's loop calls
    itself (``cached(orjson.dumps(attrs, None, _ORJSON_OPTIONS)) or missed(attrs, text)``, one call
    fewer per block; a TypeError from orjson goes to ``exactly``)."""

    of: Callable[[Any], str]
    cached: Callable[[bytes], str | None]
    missed: Callable[[Any, bytes], str]
    exactly: Callable[[Any], str]


def _attributes(flavor: str) -> _Attributes:
    cache = _CACHES[flavor]
    cached = cache.get
    exact_cache = _EXACT_CACHES[flavor]
    encode = _SERIALIZERS[flavor]
    plain, special = _FROM_TEXT[flavor]
    dumps, options = orjson.dumps, _ORJSON_OPTIONS

    def exactly(attrs: Any) -> str:
        key = _exact_key(attrs)
        result = exact_cache.get(key)
        if result is None:
            if len(exact_cache) >= _CACHE_LIMIT:
                exact_cache.clear()
            result = exact_cache[key] = encode(attrs)
        return result

    def attributes_of(attrs: Any) -> str:
        try:
            text = dumps(attrs, None, options)
        except TypeError:  # orjson.JSONEncodeError
            return exactly(attrs)
        return cached(text) or missed(attrs, text)

    def missed(attrs: Any, text: bytes) -> str:
        decoded = text.decode()
        if "null" in decoded:  # None, or NaN or an infinity, which PHP cannot encode
            return exactly(attrs)
        if text.translate(_CLEAN).isalpha() and "{}" not in decoded and '"0":' not in decoded:
            result = decoded  # clean: every flavour writes this text as it is
        elif not _special(decoded):
            result = plain(decoded)
        else:
            result = special(decoded)
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        # the key is a copy of the right size: orjson's own buffer is larger, and keeping it costs
        # about 1 us per key in memory allocation
        cache[decoded.encode()] = result
        return result

    return _Attributes(attributes_of, cached, missed, exactly)


_ATTRIBUTES: dict[str, _Attributes] = {flavor: _attributes(flavor) for flavor in FLAVORS}


def serialize_attributes(attrs: Mapping[str, Any] | list[Any], *, flavor: Flavor = "php-6.1") -> str:
    """``serialize_block_attributes()``: the JSON written inside a block delimiter."""
    _check_flavor(flavor)
    return _ATTRIBUTES[flavor].of(attrs)


def strip_core_namespace(name: str | None) -> str | None:
    """``strip_core_block_namespace()``: drop a leading ``core/`` (only that namespace)."""
    if name is not None and name.startswith("core/"):
        return name[5:]
    return name


def _serializers(flavor: str) -> tuple[Callable[[Mapping[str, Any]], str], Callable[[Iterable[Any]], str]]:
    """serialize_block() and serialize_blocks() for one flavour, sharing its caches.

    Both are written for speed: every block goes into one list of pieces (delimiters, attributes,
    content, a container's chunks) for one final join, with no string built in between;
    ``serialize_blocks`` handles the common blocks itself (leaves, and containers of leaves) and
    leaves the rest to ``emit``. The result is the same as PHP's ``serialize_block`` applied to each
    block.
    """
    _check_flavor(flavor)
    attributes_of, cached, missed, exactly = _ATTRIBUTES[flavor]
    dumps, options = orjson.dumps, _ORJSON_OPTIONS
    delimiters = _DELIMITERS[flavor]
    known = delimiters.get
    containers = (dict, list)

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
            if chunk.__class__ is str or isinstance(chunk, str):
                push(chunk)
            else:  # PHP: not a string -> the next inner block
                child = inner[index]
                index += 1
                if child["innerBlocks"]:
                    emit(child, out)
                else:
                    grandchunks = child["innerContent"]
                    content = grandchunks[0] if len(grandchunks) == 1 else "".join(grandchunks)
                    put_leaf(child["blockName"], child["attrs"], content, push)
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
            try:
                text = dumps(attrs, None, options)
            except TypeError:  # refused by orjson
                serialized = exactly(attrs)
            else:
                serialized = cached(text) or missed(attrs, text)
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
            inner = block["innerBlocks"]
            if inner:
                # A container of the common shape is written here, with its leaf children: a name, a
                # first chunk of 2+ characters (so the content is not PHP-empty and the opener is known
                # at once), attributes a dict or empty. emit() takes every other. Written out, not
                # called: a container cost about 1.3 us through emit() and put_leaf(), a fifth of the
                # whole serialize in a post with one container in five blocks. A leaf child is written
                # by a copy of the top-level leaf code below (a call per child costs more than the
                # rest of the child's work).
                name = block["blockName"]
                chunks = block["innerContent"]
                first = chunks[0] if chunks else None
                attrs = block["attrs"]
                if (
                    name is None
                    or first.__class__ is not str
                    or len(first) < 2
                    or (attrs and attrs.__class__ is not dict)
                ):
                    emit(block, out)
                    continue
                try:
                    delimiter = delimiters[name]
                except KeyError:
                    delimiter = delimiter_of(name)
                if attrs:
                    try:
                        text = dumps(attrs, None, options)
                    except TypeError:
                        serialized = exactly(attrs)
                    else:
                        serialized = cached(text) or missed(attrs, text)
                    out += (delimiter[3], serialized, " -->")
                else:
                    push(delimiter[0])
                index = 0
                for chunk in chunks:
                    if chunk.__class__ is str:
                        push(chunk)
                        continue
                    if chunk is not None and isinstance(chunk, str):
                        push(chunk)
                        continue
                    child = inner[index]  # PHP: not a string -> the next inner block
                    index += 1
                    if child["innerBlocks"]:
                        emit(child, out)
                        continue
                    try:
                        [content] = child["innerContent"]
                    except ValueError:
                        content = "".join(child["innerContent"])
                    child_name = child["blockName"]
                    if child_name is None:
                        push(content)
                        continue
                    try:
                        child_delimiter = delimiters[child_name]
                    except KeyError:
                        child_delimiter = delimiter_of(child_name)
                    child_attrs = child["attrs"]
                    if child_attrs:
                        if child_attrs.__class__ is not dict or not content or content == "0":
                            put_leaf(child_name, child_attrs, content, push)
                            continue
                        try:
                            text = dumps(child_attrs, None, options)
                        except TypeError:
                            serialized = exactly(child_attrs)
                        else:
                            serialized = cached(text) or missed(child_attrs, text)
                        out += (child_delimiter[3], serialized, " -->", content, child_delimiter[1])
                    elif content and content != "0":
                        out += (child_delimiter[0], content, child_delimiter[1])
                    else:
                        push(child_delimiter[2])
                push(delimiter[1])
                continue
            try:
                [content] = block["innerContent"]  # one chunk: every block but a void one
            except ValueError:
                content = "".join(block["innerContent"])
            name = block["blockName"]
            if name is None:
                push(content)
                continue
            try:
                delimiter = delimiters[name]
            except KeyError:
                delimiter = delimiter_of(name)
            attrs = block["attrs"]
            if attrs:
                if attrs.__class__ is not dict or not content or content == "0":
                    put_leaf(name, attrs, content, push)
                    continue
                try:
                    text = dumps(attrs, None, options)
                except TypeError:
                    serialized = exactly(attrs)
                else:
                    serialized = cached(text) or missed(attrs, text)
                out += (delimiter[3], serialized, " -->", content, delimiter[1])
            elif content and content != "0":
                out += (delimiter[0], content, delimiter[1])
            else:
                push(delimiter[2])
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
