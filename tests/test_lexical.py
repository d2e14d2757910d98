"""The ``lexical`` format: Ghost's Lexical JSON <-> the model."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings

from cmsbridge.formats import content_only, lexical
from cmsbridge.model import (
    Block,
    Bold,
    Code,
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
    RawInline,
    Separator,
    Text,
    UpdateMarker,
    slugify,
)
from cmsbridge.report import ConversionReport
from tests.shared_data import when_present
from tests.strategies import posts
from tests.suite import examples

SHARED = Path(__file__).resolve().parents[2] / "shared" / "ghost-lexical-examples"


def roundtrip(*blocks: Block) -> tuple[Post, ConversionReport]:
    report = ConversionReport()
    data = lexical.write(Post(blocks=blocks), report)
    return lexical.read(data, ConversionReport()), report


def nodes(*blocks: Block) -> list[dict[str, Any]]:
    children: list[dict[str, Any]] = json.loads(lexical.write(Post(blocks=blocks), ConversionReport()))[
        "root"
    ]["children"]
    return children


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(posts())
def test_model_to_lexical_to_model_is_identity(post: Post) -> None:
    report = ConversionReport()
    back = lexical.read(lexical.write(content_only(post), report), ConversionReport())
    assert back.blocks == post.blocks
    # the only loss allowed: a heading whose Ghost id is an update's anchor (reported, see below)
    assert all("gets Ghost's id" in message for message in report.messages()), report.messages()


@settings(max_examples=50, deadline=None)
@given(posts())
def test_reading_is_stable_through_origins(post: Post) -> None:
    once = lexical.write(post, ConversionReport())
    assert lexical.write(lexical.read(once, ConversionReport()), ConversionReport()) == once


def test_text_formats_are_bits_and_links_are_link_nodes() -> None:
    para = Paragraph(
        inlines=(
            Text(text="Read "),
            Link(
                href="https://example.com/a",
                children=(Text(text="the "), Bold(children=(Text(text="full"),)), Text(text=" report")),
            ),
            Text(text=" and "),
            Italic(children=(Text(text="weep"),)),
            Text(text=", "),
            Bold(children=(Italic(children=(Text(text="now"),)),)),
            Text(text=" "),
            Code(text="x = 1"),
        )
    )
    [node] = nodes(para)
    assert node["type"] == "paragraph"
    kids = node["children"]
    assert [k["type"] for k in kids] == [
        "extended-text",
        "link",
        "extended-text",
        "extended-text",
        "extended-text",
        "extended-text",
        "extended-text",
        "extended-text",
    ]
    assert kids[1]["url"] == "https://example.com/a"
    assert [(k["text"], k["format"]) for k in kids[1]["children"]] == [
        ("the ", 0),
        ("full", 1),
        (" report", 0),
    ]
    assert [k["format"] for k in kids[2:]] == [0, 2, 0, 3, 0, 16]
    back, report = roundtrip(para)
    assert back.blocks == (para,)
    assert not report


# The shared examples are read in addition when present (a clean clone does not need them).
needs_shared = when_present(SHARED)


@needs_shared
def test_reads_the_shared_converter_output() -> None:
    path = SHARED / "html-to-lexical.json"
    case = json.loads(path.read_text())["cases"]["p_inline"]["lexical"]
    post = lexical.read(json.dumps(case), ConversionReport())
    [para] = post.blocks
    assert isinstance(para, Paragraph)
    assert para.inlines[-2] == Bold(children=(Italic(children=(Text(text="now"),)),))


def test_unmodelled_text_formats_read_as_html_and_write_back_as_bits() -> None:
    doc = {
        "root": {
            "children": [
                {
                    "type": "paragraph",
                    "children": [
                        {"type": "extended-text", "text": "H", "format": 0},
                        {"type": "extended-text", "text": "2", "format": 32},
                        {"type": "extended-text", "text": "O", "format": 4 | 1},
                    ],
                }
            ]
        }
    }
    post = lexical.read(json.dumps(doc), ConversionReport())
    para = post.blocks[0]
    assert isinstance(para, Paragraph)
    assert para.inlines == (
        Text(text="H"),
        RawInline(format="html", content="<sub>2</sub>"),
        Bold(children=(RawInline(format="html", content="<s>O</s>"),)),
    )
    changed = Post(blocks=(Paragraph(inlines=(*para.inlines, Text(text="!"))),))
    kids = json.loads(lexical.write(changed, ConversionReport()))["root"]["children"][0]["children"]
    assert [(k["text"], k["format"]) for k in kids] == [("H", 0), ("2", 32), ("O", 5), ("!", 0)]


def test_linebreaks_headings_separators_lists_images() -> None:
    blocks: tuple[Block, ...] = (
        Paragraph(inlines=(Text(text="a"), LineBreak(), Text(text="b"))),
        Heading(level=4, inlines=(Text(text="Title"),)),
        Separator(),
        List(
            ordered=True,
            items=(
                ListItem(
                    inlines=(Text(text="one"),),
                    children=(List(items=(ListItem(inlines=(Text(text="inner"),)),)),),
                ),
                ListItem(inlines=(Text(text="two"),)),
            ),
        ),
        Image(
            src="https://x.example.com/a.jpg",
            alt="alt",
            caption=(Text(text="cap "), Bold(children=(Text(text="bold"),))),
            link="https://x.example.com",
            width=640,
            height=480,
        ),
    )
    written = nodes(*blocks)
    assert [n["type"] for n in written] == [
        "paragraph",
        "extended-heading",
        "horizontalrule",
        "list",
        "image",
    ]
    assert written[1]["tag"] == "h4"
    assert written[3]["listType"] == "number" and written[3]["children"][1]["children"][0]["type"] == "list"
    assert (
        written[4]["caption"] == "cap <strong>bold</strong>" and written[4]["href"] == "https://x.example.com"
    )
    back, report = roundtrip(*blocks)
    assert back.blocks == blocks
    assert not report


def test_quote_citation_is_a_trailing_italic_run_and_reads_back() -> None:
    quote = Quote(
        paragraphs=(Paragraph(inlines=(Text(text="First."),)), Paragraph(inlines=(Text(text="Two."),))),
        citation=(Text(text="Sergei Lavrov"),),
        source_url="https://news.example.com/a",
    )
    [node] = nodes(quote)
    assert node["type"] == "extended-quote"
    kinds = [k["type"] for k in node["children"]]
    assert kinds == [
        "extended-text",
        "linebreak",
        "linebreak",
        "extended-text",
        "linebreak",
        "linebreak",
        "extended-text",
        "link",
    ]
    assert node["children"][6] == {**node["children"][6], "text": "— ", "format": 2}
    assert node["children"][7]["url"] == "https://news.example.com/a"
    back, report = roundtrip(quote)
    assert back.blocks == (quote,)
    assert not report


def test_quote_losses_are_reported() -> None:
    quote = Quote(
        paragraphs=(Paragraph(inlines=(Text(text="q"),)),),
        citation=(Link(href="https://a.example.com", children=(Text(text="A"),)),),
        source_url="https://b.example.com",
    )
    back, report = roundtrip(quote)
    assert back.blocks != (quote,)
    assert any("source URL" in m for m in report.messages())


def test_aside_reads_as_quote_and_writes_back_unchanged() -> None:
    aside = {
        "children": [
            {
                "detail": 0,
                "format": 0,
                "mode": "normal",
                "style": "",
                "text": "Big",
                "type": "extended-text",
                "version": 1,
            }
        ],
        "direction": "ltr",
        "format": "",
        "indent": 0,
        "type": "aside",
        "version": 1,
    }
    data = json.dumps({"root": {"children": [aside], "type": "root"}})
    post = lexical.read(data, ConversionReport())
    assert post.blocks == (Quote(paragraphs=(Paragraph(inlines=(Text(text="Big"),)),), pull=True),)
    assert json.loads(lexical.write(post, ConversionReport()))["root"]["children"] == [aside]
    edited = post.replace(blocks=[Quote(paragraphs=(Paragraph(inlines=(Text(text="Bigger"),)),), pull=True)])
    assert json.loads(lexical.write(edited, ConversionReport()))["root"]["children"][0]["type"] == "aside"


@pytest.mark.parametrize(
    "marker",
    [
        UpdateMarker(
            id="2318",
            at=dt.datetime(2026, 5, 6, 23, 18, tzinfo=ZoneInfo("Europe/Paris")),
            tz="Europe/Paris",
            label="UPDATE: 23:18 Paris time",
            key=True,
        ),
        UpdateMarker(id="t1", at=dt.time(23, 18), tz="Europe/Paris", label="UPDATE: 23:18"),
        UpdateMarker(id="utc.1", at=dt.datetime(2026, 5, 6, 21, 18, 5, 123, tzinfo=dt.UTC)),
        UpdateMarker(id="bare"),
    ],
)
def test_update_markers_keep_anchor_id_time_zone_and_key(marker: UpdateMarker) -> None:
    written = nodes(marker)
    assert written[0]["type"] == "html"
    assert f'id="{marker.anchor}"' in written[0]["html"]
    if marker.label:
        assert written[1]["type"] == "extended-heading"
        assert written[1]["children"][0]["text"] == marker.label
    back, report = roundtrip(marker)
    assert back.blocks == (marker,)
    [read] = back.blocks
    assert isinstance(read, UpdateMarker)
    assert (read.id, read.tz, read.key, read.label) == (marker.id, marker.tz, marker.key, marker.label)
    assert read.at == marker.at and type(read.at) is type(marker.at)
    if isinstance(marker.at, dt.datetime):
        assert isinstance(read.at, dt.datetime) and read.at.utcoffset() == marker.at.utcoffset()
    assert not report


def test_marker_whose_label_slug_is_its_anchor_leaves_the_id_to_ghosts_heading() -> None:
    marker = UpdateMarker(
        id="2318-paris-time", at=dt.time(23, 18), tz="Europe/Paris", label="UPDATE: 23:18 Paris time"
    )
    card, heading = nodes(marker)
    assert ' id="' not in card["html"] and slugify(heading["children"][0]["text"]) == marker.anchor
    back, _ = roundtrip(marker)
    assert back.blocks == (marker,)


def test_marker_without_label_does_not_swallow_the_next_heading() -> None:
    blocks: tuple[Block, ...] = (UpdateMarker(id="a"), Heading(level=3, inlines=(Text(text="Next"),)))
    back, _ = roundtrip(*blocks)
    assert back.blocks == blocks


def test_heading_anchor_survives_and_avoids_duplicate_ids() -> None:
    own = Heading(level=2, inlines=(Text(text="Hello World"),), anchor=slugify("Hello World"))
    other = Heading(level=2, inlines=(Text(text="Hello World"),), anchor="custom")
    first, second = nodes(own)[0], nodes(other)[0]
    assert ' id="' not in first["html"] and 'data-anchor="hello-world"' in first["html"]
    assert 'id="custom"' in second["html"]
    back, report = roundtrip(own, other)
    assert back.blocks == (own, other)
    assert not report


def test_a_heading_whose_ghost_id_is_an_update_anchor_is_reported() -> None:
    update = UpdateMarker(id="1", label="Latest")
    plain = Heading(level=2, inlines=(Text(text="Update 1"),))
    label_clash = UpdateMarker(id="2", label="UPDATE 1")
    back, report = roundtrip(update, plain, label_clash)
    assert back.blocks == (update, plain, label_clash)  # the content itself is kept
    assert [(loss.block, "'update-1'" in loss.message) for loss in report] == [(1, True), (2, True)]
    # a marker's own label slugging to its own anchor is no clash, nor is a heading with another slug
    _, clean = roundtrip(
        UpdateMarker(id="update-1-x", label="Update 1 x"), Heading(inlines=(Text(text="Other"),))
    )
    assert not clean, clean.messages()


def test_embeds_carry_their_player_html() -> None:
    yt = Embed(
        provider="youtube",
        url="https://www.youtube.com/watch?v=E4AD6mOZm9I",
        provider_id="E4AD6mOZm9I",
        caption=(Text(text="AP video"),),
    )
    vimeo = Embed(provider="vimeo", url="https://vimeo.com/76979871", provider_id="76979871")
    a, b = nodes(yt, vimeo)
    assert a["type"] == "embed" and a["url"] == yt.url and a["embedType"] == "video"
    assert (
        "<iframe" in a["html"]
        and 'src="https://www.youtube.com/embed/E4AD6mOZm9I?feature=oembed"' in a["html"]
    )
    assert a["caption"] == "AP video"
    assert 'src="https://player.vimeo.com/video/76979871"' in b["html"]
    back, report = roundtrip(yt, vimeo)
    assert back.blocks == (yt, vimeo)
    assert not report


def test_embed_made_in_ghost_editor_is_recognised_from_its_url() -> None:
    card = {
        "type": "embed",
        "version": 1,
        "url": "https://youtu.be/abcdefghijk",
        "embedType": "video",
        "html": "<iframe></iframe>",
        "metadata": {"provider_name": "YouTube"},
        "caption": "",
    }
    post = lexical.read(json.dumps({"root": {"children": [card]}}), ConversionReport())
    assert post.blocks == (
        Embed(provider="youtube", url="https://youtu.be/abcdefghijk", provider_id="abcdefghijk"),
    )


def test_unknown_provider_embed_is_a_link_and_a_reported_loss() -> None:
    embed = Embed(provider="generic", url="https://example.com/widget")
    [card] = nodes(embed)
    assert card["html"].startswith('<a href="https://example.com/widget"')
    report = ConversionReport()
    lexical.write(Post(blocks=(embed,)), report)
    assert report


def test_raw_html_markdown_and_other_formats() -> None:
    blocks: tuple[Block, ...] = (
        Raw(format="html", content="<table><tr><td>1</td></tr></table>"),
        Raw(format="markdown", content="*hi*"),
        Raw(format="gutenberg", content="<!-- wp:spacer --><div></div><!-- /wp:spacer -->"),
    )
    written = nodes(*blocks)
    assert written[0] == {"type": "html", "version": 1, "html": blocks[0].content}  # type: ignore[union-attr]
    assert written[1]["type"] == "markdown"
    assert written[2]["type"] == "html"
    back, report = roundtrip(*blocks)
    assert back.blocks == blocks
    assert not report
    report = ConversionReport()
    lexical.write(Post(blocks=(Raw(format="text", content="x"),)), report)
    assert report


def test_unknown_nodes_are_raw_lexical_and_written_back_unchanged() -> None:
    product = {
        "type": "product",
        "version": 1,
        "productTitle": "Mug",
        "productDescription": "<p>A mug</p>",
        "productButtonEnabled": False,
    }
    gated = {
        "type": "html",
        "version": 1,
        "html": "<p>members</p>",
        "visibility": {
            "web": {"nonMember": False, "memberSegment": "status:free,status:-free"},
            "email": {"memberSegment": "status:free,status:-free"},
        },
    }
    hashtag = {
        "type": "hashtag",
        "version": 1,
        "text": "#tag",
        "format": 0,
        "detail": 0,
        "mode": "normal",
        "style": "",
    }
    para = {
        "type": "paragraph",
        "version": 1,
        "children": [hashtag],
        "direction": "ltr",
        "format": "",
        "indent": 0,
    }
    data = json.dumps({"root": {"children": [product, gated, para]}})
    post = lexical.read(data, ConversionReport())
    assert post.blocks[0] == Raw(
        format="lexical", content=json.dumps(product, ensure_ascii=False, separators=(",", ":"))
    )
    assert isinstance(post.blocks[1], Raw) and post.blocks[1].format == "lexical"
    # an inline node the model has no type for is read as its text, never as JSON, and named as not held
    assert post.blocks[2] == Paragraph(inlines=(Text(text="#tag"),))
    origin = post.blocks[2].origin
    assert origin is not None and origin.attrs == {"not_held": ["hashtag node"]}
    assert json.loads(lexical.write(post, ConversionReport()))["root"]["children"][2] == para
    without_origins = post.without_origin()
    written = json.loads(lexical.write(without_origins, ConversionReport()))["root"]["children"]
    assert written[:2] == [product, gated]
    assert written[2]["children"][0]["text"] == "#tag"


@needs_shared
def test_reads_the_shared_south_ossetia_excerpt() -> None:
    path = SHARED / "south-ossetia-excerpt.json"
    post = lexical.read(json.loads(path.read_text())["lexical_string_for_admin_api"], ConversionReport())
    assert isinstance(post.blocks[0], Embed) and post.blocks[0].provider_id == "E4AD6mOZm9I"
    quote = post.blocks[3]
    assert isinstance(quote, Quote) and quote.citation == (Text(text="link"),)


def test_bad_input_is_a_parse_error() -> None:
    from cmsbridge.errors import ParseError

    with pytest.raises(ParseError):
        lexical.read("{not json", ConversionReport())
    with pytest.raises(ParseError):
        lexical.read('{"children": []}', ConversionReport())
