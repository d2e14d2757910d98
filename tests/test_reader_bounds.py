"""Every reader is bounded on hostile input: nesting has a limit, memory grows with the input, and only
``CMSBridgeError`` escapes (issue 13, "Bounded resources").

Each pathological input is generated at two sizes, n and 4n. The reader must refuse it with a
``ParseError`` or read it within a memory bound proportional to its size (tracemalloc's peak; lxml's own
memory is not traced, its limits are libxml2's). No wall-clock time is asserted.
"""

from __future__ import annotations

import contextlib
import tracemalloc
from collections.abc import Callable

import pytest

from cmsbridge import formats, gutenberg
from cmsbridge.errors import CMSBridgeError, ParseError
from cmsbridge.formats.wordpress import wxr
from cmsbridge.limits import MAX_ATTRIBUTES, MAX_DEPTH
from cmsbridge.model import Raw
from cmsbridge.report import ConversionReport

BYTES_PER_CHAR = 512
"""Memory a reader may use per character of input, over :data:`CONSTANT` (a ``<b>`` of three characters
becomes a model object of hundreds of bytes)."""
CONSTANT = 4_000_000
GROWTH = 5
"""Reading 4n characters may take at most this many times the memory of reading n (plus a megabyte): a
reader that repeats its input per level of nesting takes 16 times."""

WXR = (
    '<?xml version="1.0"?>{doctype}<rss xmlns:wp="http://wordpress.org/export/1.2/" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><item><title>{title}</title>'
    "<wp:post_type>post</wp:post_type><content:encoded><![CDATA[{content}]]></content:encoded>"
    "</item></channel></rss>"
)


def yaml_bomb(levels: int) -> str:
    """The "billion laughs" of YAML: each line holds nine aliases of the line before."""
    names = "abcdefghi"
    lines = ["a: &a [x,x,x,x,x,x,x,x,x]"]
    lines += [
        f"{names[i]}: &{names[i]} [" + ",".join([f"*{names[i - 1]}"] * 9) + "]" for i in range(1, levels)
    ]
    return "---\n" + "\n".join(lines) + "\n---\nbody\n"


def entity_bomb(levels: int) -> str:
    entities = '<!ENTITY e0 "lol">' + "".join(
        f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, levels)
    )
    return WXR.format(doctype=f"<!DOCTYPE rss [{entities}]>", title=f"&e{levels - 1};", content="x")


def unclosed(openers: int, text: int) -> str:
    """WordPress markup whose blocks are never closed: PHP repeats the rest of it in every one."""
    return ("<!-- wp:group -->" + "x" * text) * openers


def nested_blocks(depth: int) -> str:
    """A paragraph in groups: ``depth`` blocks nested in all."""
    groups = depth - 1
    paragraph = "<!-- wp:paragraph --><p>x</p><!-- /wp:paragraph -->"
    return "<!-- wp:group -->" * groups + paragraph + "<!-- /wp:group -->" * groups


def lexical_children(depth: int) -> str:
    node = '{"type":"text","text":"x"}'
    for _ in range(depth):
        node = '{"type":"link","url":"https://example.com/","children":[' + node + "]}"
    return '{"root":{"children":[{"type":"paragraph","children":[' + node + "]}]}}"


def json_bold(depth: int) -> str:
    inline = '{"type":"text","text":"x"}'
    for _ in range(depth):
        inline = '{"type":"bold","children":[' + inline + "]}"
    return '{"blocks":[{"type":"paragraph","inlines":[' + inline + "]}]}"


# (format, input of size n); every one is hostile at the sizes used
CASES: dict[str, tuple[str, Callable[[int], str]]] = {
    "markdown-blockquotes": ("markdown", lambda n: ">" * n + " x\n"),
    "markdown-emphasis": ("markdown", lambda n: "*" * n + "x" + "*" * n),
    "markdown-brackets": ("markdown", lambda n: "[" * n + "x" + "](u)" * n),
    "markdown-lists": ("markdown", lambda n: "- " * n + "x"),
    "markdown-html": ("markdown", lambda n: "<b>" * n + "x"),
    "markdown-yaml-nesting": (
        "markdown",
        lambda n: "---\n" + "".join(" " * i + "a:\n" for i in range(n // 10)) + "---\n",
    ),
    "markdown-yaml-aliases": (
        "markdown",
        lambda n: "---\na: &a [x]\nb: [" + ",".join(["*a"] * n) + "]\n---\n",
    ),
    "markdown-toml-nesting": ("markdown", lambda n: "+++\na = " + "[" * n + "]" * n + "\n+++\n"),
    "text-blockquotes": ("text", lambda n: "Title\n\n" + ">" * n + " x\n"),
    "text-emphasis": ("text", lambda n: "Title\n\n" + "_" * n + "x" + "_" * n),
    "html-divs": ("html", lambda n: "<div>" * n + "x"),
    "html-inline": ("html", lambda n: "<p>" + "<b>" * n + "x"),
    "html-lists": ("html", lambda n: "<ul><li>" * n + "x"),
    "json-arrays": ("json", lambda n: "[" * n + "]" * n),
    "json-inlines": ("json", json_bold),
    "lexical-arrays": ("lexical", lambda n: '{"root":{"children":' + "[" * n + "]" * n + "}}"),
    "lexical-children": ("lexical", lexical_children),
    "gutenberg-unclosed": ("gutenberg", lambda n: unclosed(90, n)),
    "gutenberg-unclosed-many": ("gutenberg", lambda n: unclosed(n // 20, 0) + "x" * n),
    "gutenberg-nesting": ("gutenberg", nested_blocks),
    "gutenberg-unterminated-attributes": ("gutenberg", lambda n: "<!-- wp:a {" * (n // 4)),
    "gutenberg-inline-html": ("gutenberg", lambda n: "<!-- wp:paragraph --><p>" + "<b>" * n + "x</p>"),
    "wxr-elements": ("wxr", lambda n: "<rss><channel>" + "<x>" * n + "</x>" * n + "</channel></rss>"),
    "wxr-unclosed-blocks": ("wxr", lambda n: WXR.format(doctype="", title="t", content=unclosed(90, n))),
}
SIZE = 1_500


def peak_of(fmt: str, data: str) -> int | None:
    """tracemalloc's peak while reading ``data``; None when the reader refused it with a ParseError."""
    tracemalloc.start()
    try:
        formats.read(data, fmt, report=ConversionReport())
    except ParseError:
        return None
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize("case", sorted(CASES))
def test_reader_refuses_or_stays_linear(case: str) -> None:
    fmt, make = CASES[case]
    peak_of(fmt, make(10))  # imports and parser set-up are not the input's
    peaks = []
    for size in (SIZE, 4 * SIZE):
        data = make(size)
        peak = peak_of(fmt, data)
        if peak is not None:
            assert peak <= BYTES_PER_CHAR * len(data) + CONSTANT, (case, size, peak, len(data))
        peaks.append(peak)
    small, large = peaks
    if small is not None and large is not None:
        assert large <= GROWTH * small + 1_000_000, (case, small, large)


@pytest.mark.parametrize("case", sorted(CASES))
def test_only_cmsbridge_errors_escape_hostile_input(case: str) -> None:
    fmt, make = CASES[case]
    for size in (10, SIZE):
        with contextlib.suppress(CMSBridgeError):
            formats.read(make(size), fmt, report=ConversionReport())


# --- nesting: a clear error past the limit, nothing lost below it -----------------------------------


@pytest.mark.parametrize(
    ("fmt", "make"),
    [
        ("html", lambda n: "<div>" * n + "deepest"),
        ("html", lambda n: "<p>" + "<b>" * n + "deepest"),
        ("gutenberg", lambda n: nested_blocks(n).replace("<p>x</p>", "<p>deepest</p>")),
        ("markdown", lambda n: "*" * n + "deepest" + "*" * n),
        ("json", lambda n: json_bold(n).replace('"x"', '"deepest"')),
        ("lexical", lambda n: lexical_children(n).replace('"x"', '"deepest"')),
    ],
)
def test_nesting_past_the_limit_is_a_parse_error_naming_it(fmt: str, make: Callable[[int], str]) -> None:
    with pytest.raises(ParseError, match="nested more than"):
        formats.read(make(300), fmt)
    shallow = formats.read(make(MAX_DEPTH // 3), fmt)
    assert "deepest" in shallow.model_dump_json()


def test_html_deeper_than_libxml2_keeps_is_refused_not_truncated() -> None:
    """libxml2's HTML parser silently drops what lies deeper than 255 elements: the text vanished."""
    with pytest.raises(ParseError, match="nested more than 100 levels"):
        formats.read("<div>" * 300 + "deepest", "html")


def test_html_past_libxml2_size_limit_is_refused_not_truncated() -> None:
    """libxml2's HTML parser stops at a text node of 10 MB and drops the rest of the document."""
    with pytest.raises(ParseError, match="limit"):
        formats.read("<p>" + "x" * 11_000_000 + "</p><p>end</p>", "html", report=ConversionReport())
    post = formats.read("<p>x</p><p>end</p>", "html", report=ConversionReport())  # the next parse is clean
    assert "end" in post.model_dump_json()


# --- YAML front matter --------------------------------------------------------------------------------


def test_yaml_alias_bomb_in_front_matter_is_refused() -> None:
    document = yaml_bomb(9)  # 9**9 strings once expanded, in about 350 bytes
    assert len(document) < 400
    with pytest.raises(ParseError, match="alias"):
        formats.read(document, "markdown")


def test_a_small_yaml_bomb_is_refused_too() -> None:
    """A bomb small enough to expand (9**4 strings) is refused the same way: aliases are not read."""
    with pytest.raises(ParseError, match="alias"):
        formats.read(yaml_bomb(4), "markdown")


def test_front_matter_without_aliases_still_reads() -> None:
    post = formats.read("---\ntitle: T\nextra: &anchor {a: [1, 2]}\n---\nbody\n", "markdown")
    assert post.title == "T"
    assert post.metadata["extra"] == {"a": [1, 2]}


@pytest.mark.parametrize("nested", ["[" * 300 + "]" * 300, "{a: " * 300 + "1" + "}" * 300])
def test_front_matter_nesting_is_limited(nested: str) -> None:
    with pytest.raises(ParseError, match="front matter: nested more than 100 levels"):
        formats.read(f"---\na: {nested}\n---\nbody\n", "markdown")
    with pytest.raises(ParseError, match="front matter: nested more than 100 levels"):
        formats.read(f"+++\na = {nested.replace(': ', ' = ')}\n+++\nbody\n", "markdown")


def test_front_matter_size_is_capped() -> None:
    with pytest.raises(ParseError, match="front matter longer"):
        formats.read("---\n" + "k: v\n" * 300_000 + "---\nbody\n", "markdown")


# --- the block grammar ----------------------------------------------------------------------------------


def test_unclosed_openers_past_the_bound_are_refused_before_the_copies_are_made() -> None:
    document = unclosed(90, 20_000)  # 1.8 MB; PHP's parse holds 82 million characters
    tracemalloc.start()
    try:
        with pytest.raises(ParseError, match=r"blocks left open .* limit of 10 times"):
            gutenberg.parse(document)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * len(document)


def test_twenty_thousand_unclosed_openers_are_refused() -> None:
    """The 340 KB document of the issue (3.4 GB today): refused by the depth limit, and by the bound."""
    document = unclosed(20_000, 0)
    with pytest.raises(ParseError, match="nested more than 100"):
        gutenberg.parse(document)
    with pytest.raises(ParseError, match="blocks left open"):
        gutenberg.parse(unclosed(2_000, 0), max_depth=None)


def test_the_bound_is_configurable_and_lifting_it_gives_wordpress_result() -> None:
    document = unclosed(5, 200_000)
    with pytest.raises(ParseError):
        gutenberg.parse(document, output_factor=1)
    lifted = gutenberg.parse(document, output_factor=None)
    assert lifted == gutenberg.parse_reference(document, output_factor=None)
    assert lifted == gutenberg.parse(document)  # within the default bound
    # every unclosed block holds the rest of the document, as WordPress's parser gives it
    assert [len(b["innerHTML"]) for b in lifted if b["blockName"] == "core/group"] == [
        len(document) - (i + 1) * len("<!-- wp:group -->") - i * 200_000 for i in reversed(range(5))
    ]


def test_depth_limit_is_configurable_and_fast_and_reference_parsers_agree() -> None:
    for depth in (MAX_DEPTH, MAX_DEPTH + 1):
        for parse in (gutenberg.parse, gutenberg.parse_reference):
            if depth > MAX_DEPTH:
                with pytest.raises(ParseError, match="gutenberg block markup: nested more than 100"):
                    parse(nested_blocks(depth))
                assert parse(nested_blocks(depth), max_depth=None)
            else:
                assert parse(nested_blocks(depth)) == gutenberg.parse_reference(nested_blocks(depth))


def test_unterminated_attributes_that_would_take_quadratic_time_are_refused() -> None:
    """Each ``<!-- wp:a {`` with no ``} -->`` after it makes the token regex scan to the end and fail:
    4,000 of them (44 KB) scan 350 million characters, 40,000 (440 KB) 35 billion."""
    for document in ("<!-- wp:a {" * 4_000, '<!-- wp:a {"a":1} ' * 4_000, "<!-- wp:a {}}" * 4_000):
        for parse in (gutenberg.parse, gutenberg.parse_reference):
            with pytest.raises(ParseError, match=r"unterminated attributes .* limit of 10 times"):
                parse(document)


def test_a_few_unterminated_attributes_parse_as_wordpress_does() -> None:
    document = "<!-- wp:a {<p>x</p>" * 3 + "<!-- wp:b {} -->y<!-- /wp:b -->" + "<!-- wp:c {" * 3 + "z" * 1000
    blocks = gutenberg.parse(document)
    assert blocks == gutenberg.parse_reference(document) == gutenberg.parse(document, output_factor=None)
    # the first "{" runs to b's "} -->": one block "a" with invalid attributes; the rest is HTML
    assert [(b["blockName"], b["attrs"]) for b in blocks] == [("core/a", None), (None, {})]
    assert blocks[-1]["innerHTML"] == "<!-- wp:c {" * 3 + "z" * 1000


def test_block_attributes_deeper_than_the_model_takes_are_kept_as_markup() -> None:
    """PHP decodes attributes 511 levels deep; the model's validation stops at 255 (a traceback today)."""
    markup = '<!-- wp:x {"d":' + "[" * 300 + "]" * 300 + "} /-->"
    report = ConversionReport()
    post = formats.read("<p>a</p>" + markup, "gutenberg", report=report)
    assert isinstance(post.blocks[-1], Raw)
    assert post.blocks[-1].content == markup
    assert any("attributes nested over" in loss.message for loss in report)


# --- WXR ----------------------------------------------------------------------------------------------


def test_wxr_entity_bomb_is_refused() -> None:
    with pytest.raises(ParseError):
        wxr.parse(entity_bomb(10))


def test_wxr_entities_are_not_expanded() -> None:
    [entry] = wxr.parse(entity_bomb(3)).entries
    assert len(entry.post.title) < 10


def test_wxr_external_entities_are_not_read() -> None:
    document = WXR.format(
        doctype='<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/hostname">]>', title="&x;", content="x"
    )
    [entry] = wxr.parse(document).entries
    assert entry.post.title in ("", "&x;")


def test_wxr_elements_deeper_than_libxml2_allows_are_a_parse_error() -> None:
    with pytest.raises(ParseError):
        wxr.parse("<rss><channel>" + "<x>" * 2_100 + "</x>" * 2_100 + "</channel></rss>")


@pytest.mark.parametrize(
    "key",
    ["a." * 3000 + "a = 1", "a . " * 3000 + "a = 1", "[" + "a." * 3000 + "a]\nx = 1"],
    ids=["dotted-key", "spaced-dotted-key", "table-name"],
)
def test_a_toml_key_of_thousands_of_parts_is_refused_before_tomllib_reads_it(key: str) -> None:
    """tomllib's memory grows with the square of a dotted key's parts (60 KB took 3.6 GB): the peak
    counts even though the reader refuses the front matter in the end."""
    data = f"+++\n{key}\n+++\nbody\n"
    tracemalloc.start()
    try:
        with pytest.raises(ParseError, match=f"nested more than {MAX_DEPTH} levels"):
            formats.read(data, "markdown", report=ConversionReport())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= BYTES_PER_CHAR * len(data) + CONSTANT, peak


def test_toml_dotted_keys_and_tables_of_a_few_parts_still_read() -> None:
    data = '+++\ntitle = "a.b.c"\n[params.seo]\nog.image.url = "x.png"\n+++\nbody\n'
    post = formats.read(data, "markdown", report=ConversionReport())
    assert post.title == "a.b.c"
    assert post.metadata["params"] == {"seo": {"og": {"image": {"url": "x.png"}}}}


MANY = 20_000  # libxml2 compares each attribute of an element with every earlier one: 160,000 took 45 s


@pytest.mark.parametrize(
    ("fmt", "document"),
    [
        ("html", "<p " + " ".join(f"a{i}=1" for i in range(MANY)) + ">x</p>"),
        ("html", "<p " + "/".join(f"a{i}" for i in range(MANY)) + ">x</p>"),
        ("html", '<p title=">" ' + "".join(f'a{i}="1"' for i in range(MANY)) + ">x</p>"),
        ("html", '<p a" ' + " ".join(f"a{i}" for i in range(MANY)) + ' "b>x</p>'),
        (
            "gutenberg",
            "<!-- wp:paragraph --><p><span "
            + " ".join(f"a{i}=1" for i in range(MANY))
            + ">x</span></p><!-- /wp:paragraph -->",
        ),
    ],
    ids=["spaces", "slashes", "quoted-angle-first", "quote-in-a-name", "gutenberg-inline"],
)
def test_an_element_with_thousands_of_attributes_is_refused_before_libxml2_parses_it(
    fmt: str, document: str
) -> None:
    with pytest.raises(ParseError, match=f"more than {MAX_ATTRIBUTES:,} attributes"):
        formats.read(document, fmt, report=ConversionReport())


def test_attributes_up_to_the_limit_and_long_quoted_values_still_read() -> None:
    many = " ".join(f"data-a{i}=1" for i in range(MAX_ATTRIBUTES - 1))
    words = "w " * (4 * MAX_ATTRIBUTES)
    document = f'<p {many}>x</p><img src="https://example.com/a.png" alt="{words}">'
    post = formats.read(document, "html", report=ConversionReport())
    assert [type(block).__name__ for block in post.blocks] == ["Paragraph", "Image"]


@pytest.mark.parametrize(
    "stored",
    [
        "{not json",
        '{"root": {"children": []}, "n": ' + "9" * 5000 + "}",  # more digits than Python converts
        "[1]",
        '"x"',
        '{"root": []}',
        '{"root": {"children": 5}}',
        '{"root": {"children": [{"type": "paragraph", "children": ' + "[" * 3000 + "]" * 3000 + "}]}}",
    ],
    ids=["not-json", "long-number", "a-list", "a-string", "root-a-list", "children-a-number", "deep"],
)
def test_lexical_a_server_stored_is_read_by_live_updates_as_untrusted_input(stored: str) -> None:
    """``append`` reads the post's Lexical as the server gives it: malformed, it is a ParseError, not a
    JSONDecodeError, AttributeError, TypeError or RecursionError out of the delivery loop."""
    from cmsbridge.live import document

    with pytest.raises(ParseError, match="lexical"):
        document(stored, "lexical")


@pytest.mark.parametrize("fmt", ["json", "lexical"])
def test_a_number_of_more_digits_than_python_converts_is_a_parse_error(fmt: str) -> None:
    data = '{"schema_version": 1, "root": {"children": []}, "n": ' + "9" * 5000 + "}"
    with pytest.raises(ParseError, match="not JSON"):
        formats.read(data, fmt, report=ConversionReport())


@pytest.mark.parametrize(
    "content",
    ["{bad", '{"type": "html", "n": ' + "9" * 5000 + "}", "[" * 100_000 + "]" * 100_000],
    ids=["not-json", "long-number", "deep"],
)
def test_raw_lexical_from_a_markdown_fence_that_cannot_be_loaded_is_written_as_text(content: str) -> None:
    """A ``{=lexical}`` fence is the author's: JSON the readers would refuse is a loss, not a crash."""
    fence = f"---\ntitle: t\n---\n\n```{{=lexical}}\n{content}\n```\n"
    post = formats.read(fence, "markdown", report=ConversionReport())
    report = ConversionReport()
    written = formats.write(post, "lexical", report=report)
    assert any("raw Lexical content" in m and "HTML card" in m for m in report.messages())
    back = formats.read(written, "lexical", report=ConversionReport())
    assert [type(b).__name__ for b in back.blocks] == ["Raw"]
