"""Every reader fed mutated real inputs: only ``CMSBridgeError`` escapes, and memory stays bounded.

The short run of the fuzz suite (tests/fuzzing.py holds the seeds and mutations); the long run is
benchmarks/fuzz.py. Derandomized, so CI sees the same inputs every time. What a reader reads is then
written by every writer, which may refuse only with a ``CMSBridgeError`` too.
"""

from __future__ import annotations

import contextlib
import json
import signal
from collections.abc import Iterator
from types import FrameType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmsbridge import formats
from cmsbridge.errors import ParseError
from cmsbridge.model import Embed, Post
from cmsbridge.report import ConversionReport

from . import fuzzing
from .fuzzing import KINDS, MAX_REPEAT, TOKENS, Mutation
from .suite import examples

FUZZ = settings(
    max_examples=examples(120),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

mutation = st.builds(
    Mutation,
    st.sampled_from(KINDS),
    st.integers(0, 2**20),
    st.one_of(st.integers(0, 8), st.integers(0, 64), st.integers(0, MAX_REPEAT)),
    st.integers(0, len(TOKENS) - 1),
)
mutations = st.lists(mutation, min_size=1, max_size=6)


def seed_for(fmt: str) -> st.SearchStrategy[str]:
    """The format's own seeds, or (half the time) any format's."""
    return st.one_of(st.sampled_from(fuzzing.seeds()[fmt]), st.sampled_from(fuzzing.all_seeds()))


def test_every_registered_format_is_fuzzed() -> None:
    assert set(fuzzing.READERS) == set(formats.FORMATS) == set(formats.available())
    assert all(fuzzing.seeds()[fmt] for fmt in fuzzing.READERS)


@pytest.mark.parametrize("fmt", fuzzing.READERS)
def test_seeds_read_and_write_cleanly(fmt: str) -> None:
    """The unmutated seeds are real inputs: each format reads its own."""
    for seed in fuzzing.seeds()[fmt]:
        outcome = fuzzing.run(fmt, seed.encode())
        assert outcome.post is not None, (seed[:80], outcome.refused)


@pytest.mark.parametrize("fmt", fuzzing.READERS)
@given(data=st.data())
@FUZZ
def test_mutated_input_only_raises_cmsbridge_errors(fmt: str, data: st.DataObject) -> None:
    seed = data.draw(seed_for(fmt), label="seed")
    changes = data.draw(mutations, label="mutations")
    fuzzing.run(fmt, fuzzing.apply(seed, changes))  # anything but a CMSBridgeError fails the test


@pytest.mark.parametrize("fmt", fuzzing.READERS)
@given(data=st.data())
@settings(FUZZ, max_examples=examples(10))
def test_memory_is_bounded_by_input_size(fmt: str, data: st.DataObject) -> None:
    """Large repeats of structural tokens (deep nesting, unclosed openers) included."""
    seed = data.draw(seed_for(fmt), label="seed")
    repeat = data.draw(
        st.builds(
            Mutation,
            st.just("repeat"),
            st.integers(0, 2**20),
            st.integers(MAX_REPEAT // 2, MAX_REPEAT),
            st.integers(0, len(TOKENS) - 1),
        ),
        label="repeat",
    )
    changes = data.draw(st.lists(mutation, max_size=3), label="mutations")
    input_ = fuzzing.apply(seed, [repeat, *changes])
    outcome = fuzzing.run(fmt, input_, measure=True)
    assert outcome.peak <= fuzzing.memory_bound(len(input_)), (len(input_), outcome.peak)


@pytest.mark.parametrize("fmt", fuzzing.READERS)
def test_invalid_utf8_is_a_parse_error(fmt: str) -> None:
    seed = fuzzing.seeds()[fmt][0]
    data = fuzzing.apply(seed, [Mutation("byte", len(seed) // 2, 0, 0x7F)])
    with pytest.raises(ParseError, match="not UTF-8"):
        formats.read(data, fmt)


# --- crashes the fuzzer found, kept as regression tests ---------------------------------------------


@contextlib.contextmanager
def hang_guard(seconds: int = 60) -> Iterator[None]:
    """Fail instead of hanging: a guard against runaway (exponential) work, not a timing assertion."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise AssertionError(f"still running after {seconds} s: runaway work")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_run_of_comments_before_a_fragment_is_not_exponential() -> None:
    """The document sniffing pattern backtracked over every way to split a run of comments."""
    data = "<!-- wp:paragraph -->" * 60 + "<p>x</p>"
    with hang_guard():
        post = formats.read(data, "html", report=ConversionReport())
    assert post.blocks


def test_comments_before_a_doctype_still_make_a_document() -> None:
    post = formats.read("<!-- a --> <!-- b -->\n<!DOCTYPE html><title>T</title><p>x</p>", "html")
    assert post.title == "T" and post.blocks


@pytest.mark.parametrize("content", ["not JSON", "[1, 2]", '{"type": "extended-text"}'])
def test_inline_lexical_content_that_is_not_a_node_is_written_as_text(content: str) -> None:
    post = formats.read(
        json.dumps(
            {
                "blocks": [
                    {
                        "type": "paragraph",
                        "inlines": [
                            {"type": "text", "text": "a"},
                            {"type": "raw_inline", "format": "lexical", "content": content},
                            {"type": "text", "text": "b"},
                        ],
                    }
                ]
            }
        ),
        "json",
    )
    report = ConversionReport()
    written = formats.write(post, "lexical", report=report)
    assert report, "the loss is reported"
    assert formats.read(written, "lexical").blocks


def test_inline_html_that_lxml_cannot_parse_is_written_to_lexical_as_text() -> None:
    report = ConversionReport()
    post = formats.read("Title\n\nx <!DOCTYPE y> z\n", "markdown", report=report)
    written = formats.write(post, "lexical", report=report)
    assert "<!DOCTYPE y>" in formats.read(written, "lexical").blocks[-1].model_dump_json()
    assert any("cannot be parsed" in message for message in report.messages())


def test_an_export_with_a_broken_encoding_declaration_is_a_parse_error() -> None:
    data = '<?xml version="1.0" encoding="U<a>?>\n<rss version="2.0"><channel></channel></rss>'
    with pytest.raises(ParseError, match="not a WXR file"):
        formats.read(data, "wxr")


def test_html_that_lxml_finds_no_body_in_is_a_parse_error() -> None:
    data = '<!DOCTYPead><title>Page</title>\n<meta name="description" conten<!-- wp:embed /-->'
    with pytest.raises(ParseError, match="html: cannot parse"):
        formats.read(data, "html")


@pytest.mark.parametrize("metadata", ["x", 7, ["cmsbridge"]])
def test_a_lexical_embed_whose_metadata_is_not_an_object_still_reads(metadata: object) -> None:
    node = {"type": "embed", "version": 1, "url": "https://www.youtube.com/watch?v=E4AD6mOZm9I"}
    document = {"root": {"children": [{**node, "metadata": metadata}], "type": "root", "version": 1}}
    [embed] = formats.read(json.dumps(document), "lexical").blocks
    assert isinstance(embed, Embed) and embed.provider == "youtube"


@pytest.mark.parametrize("encoding", ["UF-8", "utf-32", "rot13"])
def test_an_export_file_declaring_an_unusable_encoding_is_a_parse_error(encoding: str) -> None:
    export = (fuzzing.ROOT / "examples" / "sample-export.xml").read_bytes()
    data = export.replace(b'encoding="UTF-8"', f'encoding="{encoding}"'.encode(), 1)
    assert data != export
    [refusal] = fuzzing.read_export_file(data)
    assert isinstance(refusal, ParseError) and "not a WXR file" in str(refusal)


@pytest.mark.parametrize("provider", ["youtube", "generic"])
def test_an_embed_url_with_an_unclosed_ipv6_bracket_is_written_and_read(provider: str) -> None:
    post = Post(blocks=(Embed(provider=provider, url="http://[x/watch?v=E4AD6mOZm9I"),))
    written = formats.write(post, "gutenberg", report=ConversionReport())
    assert formats.read(written, "gutenberg", report=ConversionReport()).blocks


@pytest.mark.parametrize("fmt", fuzzing.READERS)
def test_memory_of_a_long_run_of_one_token_is_within_the_bound(fmt: str) -> None:
    """Among the heaviest inputs per byte (Markdown's delimiters), made 40 KB long: the fuzzer's are
    shorter, so the constant part of the bound hides the part per byte."""
    seed = fuzzing.seeds()[fmt][0]
    data = (seed[: len(seed) // 2] + "*" * 40_000 + seed[len(seed) // 2 :]).encode()
    outcome = fuzzing.run(fmt, data, measure=True)
    assert outcome.peak <= fuzzing.memory_bound(len(data)), (len(data), outcome.peak)


@pytest.mark.parametrize("zone", ["Europe", "America/", "zoneinfo", "../Europe/Paris", ""])
@pytest.mark.parametrize("fmt", ["gutenberg", "lexical", "json", "wxr"])  # the formats that write a zone
def test_a_zone_that_names_a_folder_of_the_zone_database_is_refused_not_an_os_error(
    fmt: str, zone: str
) -> None:
    """``ZoneInfo("Europe")`` raises IsADirectoryError: every reader asks ``model.zone_info``, which knows
    only the zone names (found by the long fuzz run, in the Lexical and WordPress marker readers)."""
    import datetime as dt

    from cmsbridge.errors import CMSBridgeError
    from cmsbridge.formats import read, write
    from cmsbridge.model import Post, UpdateMarker

    marker = UpdateMarker(id="u1", at=dt.time(10, 5), tz="Europe/Paris", label="UPDATE: 10:05 Paris time")
    written = write(Post(title="T", blocks=(marker,)), fmt, report=ConversionReport())
    assert "Europe/Paris" in written, written
    hostile = written.replace("Europe/Paris", zone)
    try:
        post = read(hostile, fmt, report=ConversionReport())
    except CMSBridgeError:
        return
    for block in post.blocks:
        if isinstance(block, UpdateMarker):
            assert block.tz != zone
