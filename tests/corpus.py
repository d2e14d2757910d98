"""Deterministic generator of WordPress block documents for conformance tests and benchmarks.

``documents()`` gives several hundred documents (same seed, same documents): well-formed posts with nested
and void blocks, attributes full of characters that need escaping, PHP's JSON corner cases, freeform HTML
between blocks, and malformed markup (unclosed and stray delimiters, mismatched closers, odd whitespace,
invalid names and JSON). ``realistic_post()`` builds the kind of post the benchmark measures.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable

SEED = 20261124

# --- attribute values ------------------------------------------------------------------------------

TRICKY_STRINGS = [
    "plain",
    "",
    "a--b",
    "--",
    "---",
    "x-->y",
    "} -->",
    "} /-->",
    "<b>bold</b>",
    "a & b &amp; c",
    'say "hi"',
    "back\\slash",
    "ends with backslash\\",
    '\\"',
    "slash/es and \\/",
    "line\u2028sep\u2029para",
    "emoji \U0001f600 \U0001f469\u200d\U0001f4bb",
    "nbsp\u00a0here",
    "tab\there\nnewline\rcr",
    "ctrl \x01\x1f\x7f",
    "é ü 漢字 العربية",
    "0",
    "{}",
    "[]",
    "<!-- wp:paragraph -->",
    "<!-- /wp:paragraph -->",
    "\\u002d\\u002d",
]

# Attribute JSON texts written by hand: PHP json_decode/json_encode corner cases.
RAW_ATTRS = [
    "{}",
    '{"a":{}}',
    '{"style":{},"className":"x"}',
    '{"style":{"spacing":{}},"layout":{"type":"constrained"}}',
    '{"a":[]}',
    '{"0":"a","1":"b"}',
    '{"1":"a","0":"b"}',
    '{"0":"a","2":"b"}',
    '{"-0":1,"01":2,"-5":3,"9223372036854775807":4,"9223372036854775808":5,"-9223372036854775808":6}',
    '{"list":{"0":{"0":1},"1":{}}}',
    '{"f":1.0,"g":0.1,"h":1e25,"i":1e-7,"j":-0.0,"k":1.5e300,"l":100.0,"m":1E2,"n":2.5e-5,"o":1e17}',
    '{"big":123456789012345678901,"max":9223372036854775807,"over":9223372036854775808,"min":-9223372036854775808}',
    '{"under":-9223372036854775809,"huge":' + "9" * 400 + "}",
    '{"inf":1e400}',
    '{"ninf":-1e400,"ok":1}',
    '{"nan":NaN}',
    '{"t":true,"f":false,"n":null}',
    '{"a":1,"a":2,"b":3}',
    '{"":1}',
    '{"a":"\\u002d\\u002d\\u003c\\u003e\\u0026\\u0022"}',
    '{"a":"\\u005c","b":"\\\\","c":"\\/"}',
    '{"a":"\\ud83d\\ude00"}',
    '{"a":"\\ud800"}',
    '{"a":"\\udc00\\ud800"}',
    '{"a":"\\ud800\\u0041"}',
    '{"a":"\\\\ud800"}',
    '{"a":"\\u2028\\u2029"}',
    '{"a":1,}',
    '{"a":01}',
    '{"a":.5}',
    '{"a":"unterminated}',
    '{"a" : 1 ,\n "b" :\t[1, 2 ,3] }',
    '{"a":"x"} {"b":"y"}',
    '{"a":"} -->"}',
    '{"a":"}}} /-->"}',
    '{"a":{"b":{"c":{}}}}',
    '{"a":"tab\there"}',
    '{"a":"\\u0000"}',
    '{"a":[{},{"0":1}]}',
    '{"upper":"\\u00C9\\u00e9"}',
    '{"a":1}}',
    '{{"a":1}',
    "{" + '"d":' + "[" * 510 + "]" * 510 + "}",
    "{" + '"d":' + "[" * 511 + "]" * 511 + "}",
    "{" + '"d":' + "{" * 300 + "}" * 300 + "}",
]


def random_value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(12 if depth < 3 else 8)
    if kind < 3:
        return rng.choice(TRICKY_STRINGS)
    if kind == 3:
        return rng.choice([0, 1, -1, 2, 42, 1000, 2**31, 2**53 + 1, -(2**63), 2**63 - 1])
    if kind == 4:
        return rng.choice([0.5, 1.25, -3.75, 1e-5, 123456.789, 0.1 + 0.2, 1e21, 3.0])
    if kind == 5:
        return rng.choice([True, False, None])
    if kind == 6:
        return rng.choice(["left", "center", "wide", "full", "is-style-large"])
    if kind == 7:
        return "".join(rng.choice('ab-<>&"\\/ \u2028é\U0001f600}') for _ in range(rng.randrange(12)))
    if kind in (8, 9):
        return {
            rng.choice(["style", "color", "spacing", "0", "1", "text", "a-b", "é"]): random_value(
                rng, depth + 1
            )
            for _ in range(rng.randrange(4))
        }
    return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]


def random_attrs_json(rng: random.Random) -> str | None:
    """Attribute JSON for a delimiter, or None for no attributes."""
    roll = rng.random()
    if roll < 0.35:
        return None
    if roll < 0.55:
        return rng.choice(RAW_ATTRS)
    attrs = {
        rng.choice(
            ["level", "align", "className", "style", "url", "metadata", "anchor", "a", "b"]
        ): random_value(rng)
        for _ in range(rng.randrange(1, 5))
    }
    style = rng.randrange(4)
    if style == 0:
        return json.dumps(attrs, ensure_ascii=False, separators=(",", ":"))
    if style == 1:
        return json.dumps(attrs, ensure_ascii=True)
    if style == 2:
        return json.dumps(attrs, ensure_ascii=False, indent=1)
    # WordPress's own escaping of the delimiter
    text = json.dumps(attrs, ensure_ascii=False, separators=(",", ":"))
    for find, replace in (("--", "\\u002d\\u002d"), ("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(find, replace)
    return text.replace('\\"', "\\u0022")


# --- well-formed documents -------------------------------------------------------------------------

NAMES = [
    "paragraph",
    "heading",
    "core/quote",
    "group",
    "columns",
    "column",
    "list",
    "image",
    "my-plugin/card",
    "acme/x_y-z",
    "core/embed",
    "separator",
    "more",
    "html",
    "a",
    "b1",
    "n/s",
]
WS = [" ", " ", " ", "\t", "\n", "\r\n", "  ", "\x0b", "\x0c", " \n\t"]
HTML = [
    "\n<p>Hello <b>world</b></p>\n",
    "\n",
    "",
    "0",
    '<div class="x">',
    "</div>",
    "text & more",
    "<!-- a plain comment -->",
    "<!--wp:not-a-block -->",
    "é\u2028\U0001f600",
    "\n\n",
    "<p>0</p>",
    "<!-- wp:Capital -->",
    "< !-- wp:x -->",
    "-->",
    "<!--",
    '{"a":1}',
    "\u00a0",
]


def opener(rng: random.Random, name: str, attrs: str | None, void: bool = False) -> str:
    space = rng.choice(WS)
    attr_part = f"{attrs}{rng.choice(WS)}" if attrs is not None else ""
    return f"<!--{rng.choice(WS)}wp:{name}{space}{attr_part}{'/' if void else ''}-->"


def closer(rng: random.Random, name: str) -> str:
    return f"<!--{rng.choice(WS)}/wp:{name}{rng.choice(WS)}-->"


def well_formed(rng: random.Random, depth: int = 0, count: int | None = None) -> str:
    parts = []
    for _ in range(count if count is not None else rng.randrange(1, 6)):
        parts.append(rng.choice(HTML))
        name = rng.choice(NAMES)
        attrs = random_attrs_json(rng)
        kind = rng.random()
        if kind < 0.25:
            parts.append(opener(rng, name, attrs, void=True))
        elif kind < 0.45 and depth < 4:
            inner = well_formed(rng, depth + 1, rng.randrange(1, 4))
            parts.append(
                opener(rng, name, attrs) + rng.choice(HTML) + inner + rng.choice(HTML) + closer(rng, name)
            )
        else:
            parts.append(opener(rng, name, attrs) + rng.choice(HTML) + closer(rng, name))
    parts.append(rng.choice(HTML))
    return "".join(parts)


# --- malformed documents ---------------------------------------------------------------------------

FRAGMENTS = [
    "<!-- wp:paragraph -->",
    "<!-- /wp:paragraph -->",
    "<!-- wp:group -->",
    "<!-- /wp:group -->",
    "<!-- wp:separator /-->",
    "<!-- /wp:quote -->",
    "<!-- /wp:x /-->",
    '<!-- /wp:x {"a":1} -->',
    "<!-- wp:block / -->",
    "<!-- wp:paragraph-->",
    "<!--wp:paragraph -->",
    "<!-- wp:Paragraph -->",
    "<!-- wp:core/invalid-Capitals -->",
    "<!-- wp:core/4-invalid -->",
    "<!-- wp:core/invalid-$special -->",
    "<!-- wp:a/b/c -->",
    "<!-- wp:paragraph [1,2] -->",
    "<!--\u00a0wp:paragraph\u00a0-->",
    "<!-- wp:paragraph\u00a0-->",
    '<!-- wp:x {"a":1}-->',
    '<!-- wp:x {"a":1} /-->',
    '<!-- wp:x {"a":} -->',
    '<!-- wp:x {"s":"} -->"} /-->',
    "<!-- wp:x {",
    "<!-- wp:",
    "<!-- /wp:",
    "<!--",
    "-->",
    "}",
    " ",
    "text",
    "0",
    "\n",
    "<p>",
    "</p>",
    "<!-- wp:x {} -->",
    "<!-- wp:x {}} -->",
    "<!-- wp:x {} } -->",
    '<!-- wp:x {"a":"b"}\n/-->',
    '<!--\twp:paragraph\n{"a":1}\n-->',
    "<!--\n/wp:paragraph\t-->",
    "<!-- wp:ns/name-1_2 -->",
    "<!-- /wp:ns/name-1_2 -->",
    "<!-- wp:x -- -->",
    "<!-- wp:x\x0b-->",
    "<!-- wp:x\x0c/-->",
    "<!-- wp:x\x85-->",
    "<!-- wp:x\u2003-->",
    '<!-- wp:x {"a":"\\u002d\\u002d"} -->',
]


def soup(rng: random.Random) -> str:
    return "".join(rng.choice(FRAGMENTS) for _ in range(rng.randrange(1, 14)))


def mutate(rng: random.Random, text: str) -> str:
    """Cut, duplicate or drop a piece of a document: unclosed, stray and mismatched delimiters."""
    if not text:
        return text
    op = rng.randrange(4)
    a = rng.randrange(len(text) + 1)
    b = rng.randrange(a, len(text) + 1)
    if op == 0:
        return text[:a]
    if op == 1:
        return text[:a] + text[b:]
    if op == 2:
        return text[:b] + text[a:b] + text[b:]
    return text[a:] + text[:a]


EDGE_CASES = [
    "",
    "Just <b>HTML</b>\n",
    "0",
    "pre<!-- wp:paragraph -->\n<p>never closed</p>",
    "<!-- wp:group --><div>A<!-- wp:paragraph --><p>B</p>",
    "<!-- wp:a --><!-- wp:b --><!-- wp:c -->x<!-- wp:d /-->y",
    "text<!-- /wp:paragraph -->more<!-- wp:separator /-->",
    "<!-- wp:quote --><blockquote>x</blockquote><!-- /wp:paragraph -->after",
    "<!-- wp:x -->y<!-- /wp:x /-->",
    "<!-- wp:a --><!-- wp:b --><!-- wp:c /--><!-- /wp:b --><!-- /wp:a -->",
    "<!-- wp:block --><!-- /wp:block -->",
    "<!-- wp:x -->0<!-- /wp:x -->",
    "<!-- wp:a -->0<!-- wp:b -->0<!-- /wp:b -->0<!-- /wp:a -->0",
    "<!-- wp:a --><!-- wp:b -->0<!-- /wp:b --><!-- /wp:a -->",
    "0<!-- wp:a /-->0<!-- wp:b -->0",
    "<!-- wp:a -->x<!-- wp:b /-->0<!-- /wp:a -->",
    "<!-- wp:a -->x<!-- wp:b /-->0",
    "<!-- wp:a --><!-- wp:b -->1<!-- wp:c -->2",
    "<!-- wp:a -->A<!-- wp:b -->B<!-- /wp:b -->C",
    "<!-- /wp:a -->",
    "<!-- wp:a /--><!-- /wp:a --><!-- wp:b /-->",
    "x<!-- wp:a -->y<!-- /wp:a --><!-- /wp:a -->z<!-- wp:c /-->",
    "<!-- wp:freeform -->classic<!-- /wp:freeform -->",
    '<!-- wp:core/paragraph {"a": 1,  "b":"x--y<z>&\\""} -->\n<p>x</p>\n<!-- /wp:core/paragraph -->',
    '<!-- wp:x {"s":"\\u00e9\\/\\\\"} /-->',
    '<!-- wp:x {"s":"a} b \\u002d\\u002d\\u003e c"} /-->',
    "freeform <b>html</b>\n\n<!-- wp:more /-->\n\ntrailing",
    "<!-- wp:a " + "{" * 50 + " -->",
    "<!-- wp:a {" + "}" * 30 + " -->x<!-- /wp:a -->",
    "<!-- wp:a {} /--><!-- wp:b {}  -->q<!-- /wp:b {} -->",
]


def documents(seed: int = SEED, count: int = 600) -> list[str]:
    """``count`` documents (at least the edge cases), the same for the same seed."""
    rng = random.Random(seed)
    docs = list(EDGE_CASES)
    for raw in RAW_ATTRS:  # every hand-written attribute text in an opener, a void block and a closer
        docs.append(f"<!-- wp:x {raw} -->in<!-- /wp:x -->")
        docs.append(f"a<!-- wp:ns/y {raw} /-->b")
    makers: list[Callable[[random.Random], str]] = [
        well_formed,
        well_formed,
        soup,
        lambda r: mutate(r, well_formed(r)),
        lambda r: well_formed(r) + soup(r) + well_formed(r),
    ]
    while len(docs) < count:
        docs.append(rng.choice(makers)(rng))
    return docs


# --- benchmark posts -------------------------------------------------------------------------------

_WORDS = [
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "consectetur",
    "adipiscing",
    "elit",
    "sed",
    "do",
    "eiusmod",
    "tempor",
    "incididunt",
    "ut",
    "labore",
    "et",
    "dolore",
    "magna",
    "aliqua",
    "Ut",
    "enim",
    "ad",
    "minim",
    "veniam",
    "quis",
    "nostrud",
    "exercitation",
    "ullamco",
    "laboris",
]


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words))


def realistic_block(rng: random.Random) -> str:
    kind = rng.randrange(10)
    if kind < 5:
        return (
            f'<!-- wp:paragraph -->\n<p>{_sentence(rng, 55)} <a href="https://example.com/{rng.randrange(999)}">'
            f"{_sentence(rng, 3)}</a> {_sentence(rng, 25)}</p>\n<!-- /wp:paragraph -->"
        )
    if kind == 5:
        level = rng.choice([2, 3])
        attrs = "" if level == 2 else '{"level":3} '
        return f"<!-- wp:heading {attrs}-->\n<h{level}>{_sentence(rng, 6)}</h{level}>\n<!-- /wp:heading -->"
    if kind == 6:
        return (
            '<!-- wp:image {"id":'
            + str(rng.randrange(10000))
            + ',"sizeSlug":"large","linkDestination":"none"} -->\n'
            '<figure class="wp-block-image size-large">'
            f'<img src="https://example.com/img{rng.randrange(999)}.jpg" alt="{_sentence(rng, 4)}"/>'
            f"<figcaption>{_sentence(rng, 12)}</figcaption></figure>\n<!-- /wp:image -->"
        )
    if kind == 7:
        return (
            '<!-- wp:quote -->\n<blockquote class="wp-block-quote"><!-- wp:paragraph -->\n'
            f"<p>{_sentence(rng, 40)}</p>\n<!-- /wp:paragraph -->"
            f"<cite>{_sentence(rng, 3)}</cite></blockquote>\n"
            "<!-- /wp:quote -->"
        )
    if kind == 8:
        return (
            '<!-- wp:group {"style":{"spacing":{"padding":"2em"}},"layout":{"type":"constrained"}} -->\n'
            '<div class="wp-block-group"><!-- wp:paragraph {"align":"center"} -->\n'
            f'<p class="has-text-align-center">{_sentence(rng, 45)}</p>\n<!-- /wp:paragraph -->\n\n'
            '<!-- wp:separator -->\n<hr class="wp-block-separator has-alpha-channel-opacity"/>\n'
            "<!-- /wp:separator --></div>\n<!-- /wp:group -->"
        )
    return (
        "<!-- wp:list -->\n<ul>"
        + "".join(f"<li>{_sentence(rng, 12)}</li>" for _ in range(4))
        + "</ul>\n<!-- /wp:list -->"
    )


def realistic_post(rng: random.Random, blocks: int = 50) -> str:
    return "\n\n".join(realistic_block(rng) for _ in range(blocks))


def benchmark_corpus(posts: int = 1000, blocks: int = 50, seed: int = SEED) -> list[str]:
    rng = random.Random(seed)
    return [realistic_post(rng, blocks) for _ in range(posts)]
