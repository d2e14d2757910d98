"""Mutation fuzzing of every reader: real seed inputs, the mutations applied to them, one checked run.

Shared by the short hypothesis run in CI (tests/test_fuzz_readers.py) and the long run
(benchmarks/fuzz.py). A mutation is plain data, ``(kind, position, length, token)``, applied to a seed by
:func:`apply`: hypothesis draws and shrinks lists of them, the long run draws them from ``random``.

Seeds are files of this repository (examples/, the block-markup corpus and samples of tests/) and the
same posts written by every writer, so each reader starts from inputs that it reads in full. Nothing here
needs ../shared. A checked run reads an input, then writes what was read in every format; a ``wxr``
input is also read as a ``wxr:`` site reads an export file (raw bytes, item by item).
"""

from __future__ import annotations

import functools
import json
import random
import tempfile
import tracemalloc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cmsbridge import formats
from cmsbridge.errors import CMSBridgeError
from cmsbridge.model import Post
from cmsbridge.report import ConversionReport

ROOT = Path(__file__).resolve().parents[1]

READERS = tuple(formats.FORMATS)
"""Every registered format: each has a reader and a writer."""

MEMORY_PER_BYTE = 2_000
"""Markdown's parser makes an object per delimiter: 40 KB of ``*`` or ``+++`` lines take 40 to 55 MB
(about 1.0 to 1.7 KB per byte, linear); the bombs of issue 13 took 10 KB and more per byte."""
MEMORY_BASE = 20 * 2**20


def memory_bound(size: int) -> int:
    """The most memory (bytes, tracemalloc peak) that reading and writing ``size`` bytes may take."""
    return MEMORY_PER_BYTE * size + MEMORY_BASE


# --- seeds -----------------------------------------------------------------------------------------

_MARKDOWN = """---
title: "Vote: live"
slug: vote-live
date: 2026-05-06T23:18:00+02:00
lastmod: 2026-05-07
draft: false
tags: [a, b]
categories: news
author: [Jane, Joe]
description: Short.
image: /a.jpg
sources: [{system: wordpress, site: "https://x.example", id: "7"}]
weight: 3
---

# Results {#results}

Polls *close* at **8pm**, see [the map](https://example.com/map "Map") and `code`.

## 21:04 CET {#update-2104 .update}

> A quote
>
> -- Someone

1. one
2. two
   - nested

![alt](https://example.com/a.jpg)

{{< youtube E4AD6mOZm9I >}}

---

<div class="raw">html</div>

```python
print("x")
```
"""

_TOML = '+++\ntitle = "T"\ndraft = true\ntags = ["a"]\n[extra]\nk = 1\n+++\nBody with <b>html</b>\n'

_HTML = """<!DOCTYPE html><html><head><title>Page &amp; title</title>
<meta name="description" content="d"></head><body><h1>Heading</h1>
<p>Para <a href="https://example.com/?a=1&amp;b=2">link</a> <em>em</em> <strong>b</strong><br>x</p>
<h2 id="update-1">UPDATE: 21:04</h2><blockquote><p>q</p><cite>c</cite></blockquote>
<ol start="3"><li>a<ul><li>b</li></ul></li></ol><figure><img src="a.jpg" alt="A"><figcaption>cap</figcaption>
</figure><iframe src="https://www.youtube.com/embed/E4AD6mOZm9I"></iframe><hr><pre><code>x &lt; y</code></pre>
<table><tr><td>1</td></tr></table><script>alert(1)</script></body></html>
"""


def _read_text(relative: str) -> str:
    return (ROOT / relative).read_text(encoding="utf-8")


@functools.cache
def seeds() -> dict[str, tuple[str, ...]]:
    """Seed inputs per format: real inputs of that format, then the real posts written in it."""
    from tests import corpus
    from tests.wordpress_samples import REAL_POSTS

    text = _read_text("examples/south-ossetia-liveblog.txt")
    wxr = _read_text("examples/sample-export.xml")
    by_format: dict[str, list[str]] = {name: [] for name in READERS}
    by_format["text"].append(text)
    by_format["wxr"].append(wxr)
    by_format["gutenberg"] += [*REAL_POSTS.values(), *corpus.documents(count=120)[::3]]
    by_format["markdown"] += [_MARKDOWN, _TOML]
    by_format["html"].append(_HTML)
    posts: list[Post] = []
    for data, fmt in [
        (text, "text"),
        (wxr, "wxr"),
        (_MARKDOWN, "markdown"),
        (_HTML, "html"),
        *((doc, "gutenberg") for doc in REAL_POSTS.values()),
    ]:
        posts.append(formats.read(data, fmt, report=ConversionReport()))
    for post in posts:
        for fmt in READERS:
            by_format[fmt].append(formats.write(post, fmt, report=ConversionReport()))
    return {fmt: tuple(dict.fromkeys(docs)) for fmt, docs in by_format.items()}


def all_seeds() -> tuple[str, ...]:
    return tuple(doc for docs in seeds().values() for doc in docs)


# --- mutations -------------------------------------------------------------------------------------

TOKENS: tuple[str, ...] = (
    # block markup
    "<!-- wp:",
    "<!-- wp:paragraph -->",
    "<!-- /wp:paragraph -->",
    '<!-- wp:group {"layout":{"type":"constrained"}} -->',
    "<!-- /wp:group -->",
    '<!-- wp:image {"id":"x","sizeSlug":[]} /-->',
    '<!-- wp:embed {"url":7,"providerNameSlug":{}} /-->',
    '<!-- wp:heading {"level":99} -->',
    '<!-- wp:list {"ordered":"yes","start":"x"} -->',
    "<!-- wp:x {",
    " /-->",
    "-->",
    "<!--",
    # JSON
    "{",
    "}",
    "[",
    "]",
    '"',
    ":",
    ",",
    "null",
    "1e999",
    "-0",
    '"type":',
    '"children":',
    '"root":',
    '{"type":"paragraph","children":[]}',
    '{"type":"heading","tag":7}',
    '"blocks":',
    '{"type":"text","text":1,"format":"bold"}',
    # markup
    "<",
    ">",
    "</",
    "<p>",
    "</p>",
    "<ul><li>",
    "<ol start=99999999999999999999>",
    "<blockquote>",
    "<div>",
    "<table><tr><td>",
    "<img src=",
    '<a href="javascript:x">',
    '<iframe src="',
    "<![CDATA[",
    "]]>",
    "<?xml ",
    "<!DOCTYPE x [",
    "<item>",
    "</item>",
    "<wp:post_date_gmt>",
    "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>",
    # entities
    "&amp;",
    "&#0;",
    "&#x110000;",
    "&#99999999999;",
    "&nosuch;",
    "&lt;",
    # front matter and Markdown / text
    "---\n",
    "+++\n",
    "title: ",
    "date: ",
    "tags: ",
    "sources: ",
    "&a ",
    "*a ",
    "!!python/object ",
    "? ",
    "\n",
    "\n\n",
    "\r",
    "\t",
    "\x00",
    "\ufeff",
    "\u2028",
    "UPDATE: ",
    "UPDATE: 25:99 Mars time",
    "[video:youtube:",
    "[embed:",
    "](",
    ")",
    "```\n",
    "> ",
    "- ",
    "1. ",
    "99999999999999999999. ",
    "# ",
    "*",
    "_",
    "`",
    "|",
    "{#",
    "{{< ",
    "\\",
    "é",
    "\U0001f600",
)
"""Structural tokens of every format: inserted, repeated (deep nesting) or spliced into seeds."""

JSON_VALUES: tuple[Any, ...] = (
    None,
    True,
    0,
    -1,
    10**30,
    1.5,
    "",
    "x",
    "<script>",
    [],
    {},
    [None],
    {"type": "text"},
    {"type": "paragraph", "children": None},
    [{"type": "x", "children": [{}]}],
)
"""Wrong-typed values put in place of a JSON input's values (lexical, json)."""

KINDS = ("insert", "delete", "duplicate", "repeat", "replace", "truncate", "json", "byte")
"""``insert`` a token; ``delete`` or ``duplicate`` a span; ``repeat`` a token many times (deep nesting);
``replace`` a span by a token; ``truncate``; ``json``: replace, drop or type-confuse one value of a JSON
input; ``byte``: put a byte that is not UTF-8 into the encoded input."""

MAX_REPEAT = 3000


@dataclass(frozen=True)
class Mutation:
    kind: str
    position: int
    length: int
    token: int

    def __str__(self) -> str:
        return f"{self.kind}@{self.position}+{self.length}#{self.token}"


def random_mutations(rng: random.Random, most: int = 6) -> list[Mutation]:
    """Between 1 and ``most`` random mutations; lengths are mostly small, sometimes large."""
    return [
        Mutation(
            rng.choice(KINDS),
            rng.randrange(2**20),
            rng.choice((rng.randrange(8), rng.randrange(64), rng.randrange(MAX_REPEAT))),
            rng.randrange(2**16),
        )
        for _ in range(rng.randint(1, most))
    ]


def apply(seed: str, mutations: Sequence[Mutation]) -> bytes:
    """``seed`` with ``mutations`` applied in order, as UTF-8 bytes (not UTF-8 after a ``byte`` one)."""
    text = seed
    bad_bytes: list[tuple[int, int]] = []
    for m in mutations:
        token = TOKENS[m.token % len(TOKENS)]
        at = m.position % (len(text) + 1)
        end = min(len(text), at + m.length)
        if m.kind == "insert":
            text = text[:at] + token + text[at:]
        elif m.kind == "delete":
            text = text[:at] + text[end:]
        elif m.kind == "duplicate":
            text = text[:end] + text[at:end] + text[end:]
        elif m.kind == "repeat":
            text = text[:at] + token * min(m.length, MAX_REPEAT) + text[at:]
        elif m.kind == "replace":
            text = text[:at] + token + text[end:]
        elif m.kind == "truncate":
            text = text[:at]
        elif m.kind == "json":
            text = _mutate_json(text, m)
        elif m.kind == "byte":
            bad_bytes.append((m.position, 0x80 + m.token % 0x80))
    data = text.encode("utf-8", "surrogatepass")
    for position, byte in bad_bytes:
        at = position % (len(data) + 1)
        data = data[:at] + bytes([byte]) + data[at:]
    return data


def _mutate_json(text: str, m: Mutation) -> str:
    """``text`` with one JSON value deleted, repeated or replaced (``text`` as it is when it is not JSON,
    or nested too deeply for Python's own json module, which the mutator uses)."""
    try:
        return _mutated_json(text, m)
    except (ValueError, RecursionError):
        return text


def _mutated_json(text: str, m: Mutation) -> str:
    value = json.loads(text)
    slots = list(_slots(value))
    if not slots:
        return text
    container, key = slots[m.position % len(slots)]
    action = m.length % 4
    if action == 0 and isinstance(container, dict):
        del container[key]
    elif action == 1 and isinstance(container, list):
        container.insert(key, container[key])
    else:
        container[key] = JSON_VALUES[m.token % len(JSON_VALUES)]
    return json.dumps(value, ensure_ascii=False)


def _slots(value: Any) -> Iterator[tuple[Any, Any]]:
    """(container, key) of every value inside ``value``, depth first."""
    stack = [value]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in items:
            yield node, key
            stack.append(child)


# --- one checked run -------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one input did: the post read (``None`` when reading was refused), the refusals met (only
    ``CMSBridgeError``), and the peak of traced memory when measured."""

    post: Post | None
    refused: list[CMSBridgeError]
    peak: int = 0


def run(fmt: str, data: bytes, *, measure: bool = False) -> Outcome:
    """Read ``data`` as ``fmt``, then write what was read in every format.

    A :class:`CMSBridgeError` is a refusal and is recorded; any other exception propagates: that is a
    bug. With ``measure``, the tracemalloc peak of the whole run is recorded (tracing starts here when it
    is not running)."""
    started = measure and not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    if measure:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
    try:
        outcome = Outcome(post=None, refused=[])
        try:
            outcome.post = formats.read(data, fmt, report=ConversionReport())
        except CMSBridgeError as exc:
            outcome.refused.append(exc)
        if fmt == "wxr":
            outcome.refused += read_export_file(data)
        if outcome.post is not None:
            for target in READERS:
                try:
                    formats.write(outcome.post, target, report=ConversionReport())
                except CMSBridgeError as exc:
                    outcome.refused.append(exc)
        if measure:
            outcome.peak = tracemalloc.get_traced_memory()[1] - before
        return outcome
    finally:
        if started:
            tracemalloc.stop()


def read_export_file(data: bytes, most: int = 20) -> list[CMSBridgeError]:
    """Read ``data`` as a ``wxr:`` site does: the raw bytes indexed, then each post read on its own (at
    most ``most``); the refusal met, if any."""
    from cmsbridge.backends import wxr_index

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.xml"
        path.write_bytes(data)
        try:
            found = wxr_index.index(path)
            for item in found.posts[:most]:
                wxr_index.read_item(path, found, item)
        except CMSBridgeError as exc:
            return [exc]
    return []
