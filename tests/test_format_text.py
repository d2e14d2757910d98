"""The ``text`` format: the newsroom text format (docs/text-format.md)."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cmsbridge
from cmsbridge.errors import ParseError
from cmsbridge.formats.markdown import text
from cmsbridge.model import (
    Bold,
    Code,
    CodeBlock,
    Embed,
    Heading,
    Image,
    Italic,
    LineBreak,
    Link,
    List,
    ListItem,
    Paragraph,
    Post,
    Quote,
    Raw,
    Separator,
    Text,
    UpdateMarker,
    plain_text,
    slugify,
)
from cmsbridge.report import ConversionReport

from .strategies import posts

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "south-ossetia-liveblog.txt"


def read(data: str) -> Post:
    return text.read(data, ConversionReport())


def round_trip(post: Post) -> tuple[Post, ConversionReport]:
    report = ConversionReport()
    return text.read(text.write(post, report), report), report


@pytest.fixture(scope="module")
def example() -> Post:
    report = ConversionReport()
    post = text.read(EXAMPLE.read_text(encoding="utf-8"), report)
    assert not report
    return post


def test_example_title_and_embed_first(example: Post) -> None:
    assert example.title == "Russian troops attack South Ossetia"
    first = example.blocks[0]
    assert first == Embed(
        provider="youtube", url="https://www.youtube.com/watch?v=E4AD6mOZm9I", provider_id="E4AD6mOZm9I"
    )
    assert sum(isinstance(b, Embed) for b in example.blocks) == 1


def test_example_text_after_embed_is_a_paragraph(example: Post) -> None:
    second = example.blocks[1]
    assert isinstance(second, Paragraph)
    assert plain_text(second.inlines).startswith("Russian troops head in the direction of Tskhinvali")


def test_example_paragraphs(example: Post) -> None:
    source_paragraphs = [p for p in EXAMPLE.read_text(encoding="utf-8").split("\n\n")[1:] if p.strip()]
    quoted = [p for p in source_paragraphs if p.endswith(" link")]  # excerpts, their link left as its word
    paragraphs = [b for b in example.blocks if isinstance(b, Paragraph)]
    quotes = [b for b in example.blocks if isinstance(b, Quote)]
    # every blank-line paragraph of the source is one paragraph or, ending with its attribution, one quote;
    # the embed's and the marker's lines are not
    assert len(quoted) == 5
    assert len(paragraphs) == len(source_paragraphs) - len(quoted)
    assert [plain_text(q.paragraphs[0].inlines) for q in quotes] == [p.removesuffix(" link") for p in quoted]
    assert all(isinstance(b, Paragraph | Embed | UpdateMarker | Quote) for b in example.blocks)


def test_example_has_exactly_the_timed_marker(example: Post) -> None:
    markers = list(example.updates())
    assert len(markers) == 1
    marker = markers[0]
    assert marker.at == dt.time(23, 18)
    assert marker.tz == "Europe/Paris"
    assert marker.label == "UPDATE: 23:18 Paris time"
    assert marker.anchor == slugify("UPDATE: 23:18 Paris time")
    following = example.blocks[example.blocks.index(marker) + 1]
    assert isinstance(following, Paragraph)
    assert plain_text(following.inlines).startswith("Can\u2019t help but agree")


def test_example_inline_update_stays_text_with_its_line_break(example: Post) -> None:
    paragraph = next(
        b
        for b in example.blocks
        if isinstance(b, Paragraph) and "updates begin here" in plain_text(b.inlines)
    )
    assert plain_text(paragraph.inlines).endswith("will probably follow here.\nThe latest from Reuters,")
    assert any(isinstance(s, LineBreak) for s in paragraph.inlines)


def test_example_round_trips(example: Post) -> None:
    again, report = round_trip(example)
    assert again == example
    assert not report


def test_example_to_gutenberg_free_formats_and_back(example: Post) -> None:
    for fmt in ("markdown", "html", "json"):
        report = ConversionReport()
        written = cmsbridge.write(example, fmt, report=report)
        assert read(text.write(cmsbridge.read(written, fmt), ConversionReport())) == example
        # the quotes' "link" has no address: named where the format has a place for one (HTML's cite=)
        assert ["no source URL" in m for m in report.messages()] == ([True] if fmt == "html" else [])


def test_update_marker_explicit_id_time_zone_key() -> None:
    post = read("T\n\nUPDATE: 9:05 Tokyo time {#update-first at=2026-05-06T09:05:00+09:00 key}\nBody.")
    marker = post.blocks[0]
    assert isinstance(marker, UpdateMarker)
    assert marker.id == "first"
    assert marker.key is True
    assert marker.tz == "Asia/Tokyo"
    assert marker.at == dt.datetime(2026, 5, 6, 0, 5, tzinfo=dt.UTC)
    assert post.blocks[1] == Paragraph(inlines=(Text(text="Body."),))


def test_marker_line_without_prefix_needs_an_id() -> None:
    post = read("T\n\nBreaking: minister resigns {#update-b1}\n\nNot a marker {x}")
    assert isinstance(post.blocks[0], UpdateMarker) and post.blocks[0].id == "b1"
    assert post.blocks[0].label == "Breaking: minister resigns"
    assert post.blocks[1] == Paragraph(inlines=(Text(text="Not a marker {x}"),))


def test_duplicate_labels_get_distinct_ids() -> None:
    post = read("T\n\nUPDATE: 10:00 UTC\n\nx\n\nUPDATE: 10:00 UTC")
    assert [m.id for m in post.updates()] == ["1000-utc", "1000-utc-2"]
    again, _ = round_trip(post)
    assert again == post


def test_escaped_update_is_text() -> None:
    post = read("T\n\nUPDATE\\: not a marker")
    assert post.blocks == (Paragraph(inlines=(Text(text="UPDATE: not a marker"),)),)
    assert round_trip(post)[0] == post


def test_quote_with_attribution_and_source() -> None:
    post = read(
        "T\n\n> First *line*.\n>\n> Second.\n> — Reuters, [wire](https://r.example.com) <https://src.example.com/a>"
    )
    quote = post.blocks[0]
    assert quote == Quote(
        paragraphs=(
            Paragraph(inlines=(Text(text="First "), Italic(children=(Text(text="line"),)), Text(text="."))),
            Paragraph(inlines=(Text(text="Second."),)),
        ),
        citation=(Text(text="Reuters, "), Link(href="https://r.example.com", children=(Text(text="wire"),))),
        source_url="https://src.example.com/a",
    )
    assert round_trip(post)[0] == post


def test_quote_paragraph_starting_with_dash_round_trips() -> None:
    post = Post(title="T", blocks=(Quote(paragraphs=(Paragraph(inlines=(Text(text="— not a citation"),)),)),))
    again, report = round_trip(post)
    assert again == post and not report


def test_markdown_constructs() -> None:
    post = read(
        "T\n\n## Sub *head* {#sub}\n\n- a\n- **b**\n  1. c\n\n---\n\n"
        "[![Alt](https://i.example.com/a.jpg)](https://l.example.com){width=640 height=480}\nA *caption*\n\n"
        "[video:vimeo:1234 Watch `this`](https://vimeo.com/channels/x/1234)\n\n`code` and <b> & &amp;"
    )
    assert post.blocks[0] == Heading(
        level=2, inlines=(Text(text="Sub "), Italic(children=(Text(text="head"),))), anchor="sub"
    )
    assert post.blocks[1] == List(
        items=(
            ListItem(inlines=(Text(text="a"),)),
            ListItem(
                inlines=(Bold(children=(Text(text="b"),)),),
                children=(List(ordered=True, items=(ListItem(inlines=(Text(text="c"),)),)),),
            ),
        )
    )
    assert post.blocks[2] == Separator()
    assert post.blocks[3] == Image(
        src="https://i.example.com/a.jpg",
        alt="Alt",
        link="https://l.example.com",
        width=640,
        height=480,
        caption=(Text(text="A "), Italic(children=(Text(text="caption"),))),
    )
    assert post.blocks[4] == Embed(
        provider="vimeo",
        provider_id="1234",
        url="https://vimeo.com/channels/x/1234",
        caption=(Text(text="Watch "), Code(text="this")),
    )
    assert post.blocks[5] == Paragraph(inlines=(Code(text="code"), Text(text=" and <b> & &")))
    assert round_trip(post)[0] == post


def test_code_fence_is_a_code_block_and_raw_of_other_formats_round_trips() -> None:
    post = read("T\n\n```python\nprint(1)\n```")
    assert post.blocks == (CodeBlock(code="print(1)", language="python"),)
    raw = Post(title="T", blocks=(Raw(format="latex", content="\\begin{x}\n```\n"),))
    again, report = round_trip(raw)
    assert again == raw and not report


def test_markup_fences_stay_text() -> None:
    """Text that was text never becomes markup: a ``{=html}`` fence (or gutenberg, lexical, markdown)
    reads as a text block, and writing such a Raw block as text says so."""
    for fmt in ("html", "gutenberg", "lexical", "markdown"):
        fenced = f"```{{={fmt}}}\n<script>alert(1)</script>\n```"
        assert read(f"T\n\n{fenced}").blocks == (Raw(format="text", content=fenced),)
        again, report = round_trip(Post(title="T", blocks=(Raw(format=fmt, content="<b>x</b>"),)))
        assert again.blocks == (Raw(format="text", content=f"```{{={fmt}}}\n<b>x</b>\n```"),)
        assert any("kept as text" in m for m in report.messages())


def test_escapes_round_trip() -> None:
    tricky = "# not *a* heading_ [x](y) `z` \\ {#id} 1. > - <http://a.b> &amp; UPDATE: 12:00"
    post = Post(
        title="# Title",
        blocks=(Paragraph(inlines=(Text(text=tricky),)), Paragraph(inlines=(Text(text="1. x"),))),
    )
    again, report = round_trip(post)
    assert again == post and not report


def test_losses_are_reported() -> None:
    post = Post(
        title="T",
        slug="t",
        tags=("a",),
        blocks=(Paragraph(inlines=()), Paragraph(inlines=(Text(text="x"), LineBreak()))),
    )
    report = ConversionReport()
    cmsbridge.write(post, "text", report=report)  # losses are counted where the post crosses
    messages = " ".join(report.messages())
    assert "slug" in messages and "tags" in messages and "empty paragraph" in messages
    assert "text: this paragraph block does not read back identically from text (block 1)" in messages


@pytest.mark.parametrize(
    "data",
    [
        "",
        "\n",
        "\r\n\r\n",
        "\0",
        "[video:youtube:",
        "UPDATE: {#}",
        "> —",
        "{=x}",
        "T\n\n```{=html}",
        "T\n\n- \n  - \n",
        "x\n" + "> " * 200 + "y",
        "[" * 500,
        "T\n\nUPDATE: 10:00 {at=nonsense}",
        "T\n\nUPDATE: x {tz=Mars/Base}",
    ],
)
def test_weird_input_only_raises_parse_error(data: str) -> None:
    with contextlib.suppress(ParseError):
        read(data)


@given(st.text(max_size=200))
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_reads_or_raises_parse_error(data: str) -> None:
    with contextlib.suppress(ParseError):
        read(data)


@given(posts())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_round_trip(post: Post) -> None:
    again, report = round_trip(post)
    assert again == post
    assert not report, report.messages()
