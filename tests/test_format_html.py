"""The ``html`` format: classic-editor and rendered HTML."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmsbridge.errors import ParseError
from cmsbridge.formats import html
from cmsbridge.model import (
    Bold,
    Container,
    Embed,
    Heading,
    Image,
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
)
from cmsbridge.report import ConversionReport
from tests.suite import examples

from .strategies import posts


def read(data: str) -> Post:
    return html.read(data, ConversionReport())


def round_trip(post: Post) -> tuple[Post, ConversionReport]:
    report = ConversionReport()
    return html.read(html.write(post, report), report), report


def test_classic_editor_autop() -> None:
    post = read("First line\nsecond <strong>bold</strong>\n\nNext para.\n<hr>\nAfter")
    assert post.blocks == (
        Paragraph(
            inlines=(
                Text(text="First line"),
                LineBreak(),
                Text(text="second "),
                Bold(children=(Text(text="bold"),)),
            )
        ),
        Paragraph(inlines=(Text(text="Next para."),)),
        Separator(),
        Paragraph(inlines=(Text(text="After"),)),
    )


def test_document_title_and_body() -> None:
    post = read(
        "<!DOCTYPE html><html><head><title>The  title</title></head><body><h2 id='a'>Hi</h2>"
        "<p>x <a href='https://e.example.com'>y</a></p><script>1</script></body></html>"
    )
    assert post.title == "The title"
    assert post.blocks == (
        Heading(level=2, inlines=(Text(text="Hi"),), anchor="a"),
        Paragraph(inlines=(Text(text="x "), Link(href="https://e.example.com", children=(Text(text="y"),)))),
        Raw(format="html", content="<script>1</script>"),
    )


def test_quote_list_figure_embeds() -> None:
    post = read(
        '<blockquote cite="https://s.example.com"><p>Q1</p><p>Q2</p><cite>Someone</cite></blockquote>'
        "<ul><li>a<ol><li>b</li></ol></li><li><em>c</em></li></ul>"
        '<figure><a href="https://l.example.com"><img src="/a.jpg" alt="A" width="10"></a>'
        "<figcaption>Cap</figcaption></figure>"
        '<iframe src="https://www.youtube.com/embed/E4AD6mOZm9I"></iframe>'
        '<figure class="wp-block-embed is-provider-vimeo"><div class="wp-block-embed__wrapper">\nhttps://vimeo.com/1234\n</div></figure>'
        '<div class="gallery"><img src="/b.jpg"></div>'
    )
    assert post.blocks[0] == Quote(
        paragraphs=(Paragraph(inlines=(Text(text="Q1"),)), Paragraph(inlines=(Text(text="Q2"),))),
        citation=(Text(text="Someone"),),
        source_url="https://s.example.com",
    )
    assert isinstance(post.blocks[1], List) and post.blocks[1].items[0].children[0].ordered
    assert post.blocks[2] == Image(
        src="/a.jpg", alt="A", width=10, link="https://l.example.com", caption=(Text(text="Cap"),)
    )
    assert post.blocks[3] == Embed(
        provider="youtube", provider_id="E4AD6mOZm9I", url="https://www.youtube.com/watch?v=E4AD6mOZm9I"
    )
    assert post.blocks[4] == Embed(provider="vimeo", provider_id="1234", url="https://vimeo.com/1234")
    assert post.blocks[5] == Container(kind="div", attrs={"class": "gallery"}, blocks=(Image(src="/b.jpg"),))
    assert round_trip(post)[0] == post


def test_update_markers() -> None:
    post = read(
        '<p class="update-marker" id="update-2318"><strong>UPDATE: '
        '<time datetime="2026-05-06T21:18:00Z">23:18</time> Paris time</strong></p>'
        "<p><strong>UPDATE: 10:00 UTC</strong></p>"
    )
    first, second = post.blocks
    assert isinstance(first, UpdateMarker) and isinstance(second, UpdateMarker)
    assert first.id == "2318" and first.tz == "Europe/Paris"
    assert first.at == dt.datetime(2026, 5, 6, 21, 18, tzinfo=dt.UTC)
    assert second.id == "1000-utc" and second.at == dt.time(10) and second.tz == "UTC"
    written = html.write(Post(blocks=(first,)), ConversionReport())
    assert (
        'id="update-2318"' in written and '<time datetime="2026-05-06T23:18:00+02:00">23:18</time>' in written
    )
    assert round_trip(post)[0] == post


def test_no_entity_expansion_or_network() -> None:
    data = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><html><body><p>&e;</p></body></html>'
    post = read(data)
    assert "root" not in str(post.model_dump())


def test_losses_are_reported() -> None:
    report = ConversionReport()
    html.write(Post(title="T", tags=("a",), blocks=(Paragraph(inlines=(Text(text="a  b"),)),)), report)
    assert any("tags" in m for m in report.messages())
    assert any("does not survive" in m for m in report.messages())


def test_raw_of_other_formats_round_trips() -> None:
    post = Post(title="T", blocks=(Raw(format="gutenberg", content='<!-- wp:x {"a":"\\u003c"} /-->\n"&'),))
    again, report = round_trip(post)
    assert again == post and not report


@pytest.mark.parametrize(
    "data",
    [
        "",
        " ",
        "<",
        "</p>",
        "<html>",
        "<!DOCTYPE html>",
        "\0",
        "<p><p><p>",
        "<ul><li>x</ul>y",
        "<blockquote>a<p>b</p></blockquote>",
        '<p class="update-marker" id="update-%%"><time datetime="x">1</time></p>',
    ],
)
def test_weird_input_only_raises_parse_error(data: str) -> None:
    with contextlib.suppress(ParseError):
        read(data)


@given(st.text(max_size=200))
@settings(max_examples=examples(150), suppress_health_check=[HealthCheck.too_slow])
def test_any_text_reads_or_raises_parse_error(data: str) -> None:
    with contextlib.suppress(ParseError):
        read(data)


@given(posts())
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_round_trip(post: Post) -> None:
    again, report = round_trip(post)
    assert again == post
    assert not report, report.messages()


def test_list_items_with_paragraphs() -> None:
    assert read("<ol><li><p>x</p></li></ol>").blocks == (
        List(ordered=True, items=(ListItem(inlines=(Text(text="x"),)),)),
    )


def test_a_document_with_nothing_in_it_is_an_empty_post() -> None:
    """A doctype alone (CommonMark's example 181 written as HTML) is an empty document, not a parse error."""
    from cmsbridge.formats import read as read_format

    for data in ("<!DOCTYPE html>", "<!DOCTYPE html>\n<!-- nothing -->\n"):
        assert read_format(data, "html", report=ConversionReport()) == Post()
