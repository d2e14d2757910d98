"""Ghost's cards and nested Lexical nodes <-> the model (issue 15): every card the model has a block for is
read as that block and written back as its card; links and nodes with attributes the model does not hold
are read as their content and the rest is reported, never carried as Lexical JSON in text.

The node shapes are those of Ghost's own editor nodes (``exportJSON`` of @tryghost/kg-default-nodes) and,
for the bug cases, the output of Ghost's HTML-to-Lexical converter (@tryghost/kg-html-to-lexical)."""

from __future__ import annotations

import json

import pytest

from cmsbridge import formats
from cmsbridge.formats import lexical
from cmsbridge.model import (
    Audio,
    Block,
    Bold,
    Bookmark,
    Button,
    Callout,
    CodeBlock,
    Container,
    Details,
    File,
    Gallery,
    Heading,
    Image,
    Link,
    Paragraph,
    Post,
    Preformatted,
    Quote,
    Raw,
    Table,
    TableCell,
    TableRow,
    Text,
    Video,
    text,
)
from cmsbridge.report import ConversionReport
from tests.lexical_nodes import Node, document, element, text_node


def read(*nodes: Node) -> Post:
    return lexical.read(document(*nodes), ConversionReport())


def written_nodes(post: Post, report: ConversionReport | None = None) -> list[Node]:
    out = formats.write(post, "lexical", report=report if report is not None else ConversionReport())
    children: list[Node] = json.loads(out)["root"]["children"]
    return children


# --- cards as Ghost's editor saves them ------------------------------------------------------------------

CARDS: list[tuple[Node, Block]] = [
    (
        {"type": "codeblock", "version": 1, "code": "x = 1\nprint(x)", "language": "python", "caption": ""},
        CodeBlock(code="x = 1\nprint(x)", language="python"),
    ),
    (
        {
            "type": "gallery",
            "version": 1,
            "images": [
                {
                    "row": 0,
                    "src": "https://e.com/a.jpg",
                    "width": 800,
                    "height": 600,
                    "fileName": "a.jpg",
                    "alt": "A",
                    "title": "",
                    "caption": "",
                    "href": "https://e.com/a",
                },
                {
                    "row": 0,
                    "src": "https://e.com/b.jpg",
                    "width": 600,
                    "height": 800,
                    "fileName": "b.jpg",
                    "alt": "",
                    "title": "",
                    "caption": "",
                },
            ],
            "caption": "Two <b>pictures</b>",
        },
        Gallery(
            images=(
                Image(src="https://e.com/a.jpg", alt="A", width=800, height=600, link="https://e.com/a"),
                Image(src="https://e.com/b.jpg", width=600, height=800),
            ),
            caption=(Text(text="Two "), Bold(children=text("pictures"))),
        ),
    ),
    (
        {
            "type": "video",
            "version": 1,
            "src": "https://e.com/v.mp4",
            "caption": "A clip",
            "fileName": "v.mp4",
            "mimeType": "video/mp4",
            "width": 1280,
            "height": 720,
            "duration": 12.5,
            "thumbnailSrc": "https://e.com/t.jpg",
            "customThumbnailSrc": "",
            "thumbnailWidth": 1280,
            "thumbnailHeight": 720,
            "cardWidth": "regular",
            "loop": False,
        },
        Video(
            src="https://e.com/v.mp4",
            caption=text("A clip"),
            poster="https://e.com/t.jpg",
            width=1280,
            height=720,
        ),
    ),
    (
        {
            "type": "audio",
            "version": 1,
            "duration": 61,
            "mimeType": "audio/mpeg",
            "src": "https://e.com/a.mp3",
            "title": "The interview",
            "thumbnailSrc": "",
        },
        Audio(src="https://e.com/a.mp3", caption=text("The interview")),
    ),
    (
        {
            "type": "file",
            "version": 1,
            "src": "https://e.com/r.pdf",
            "fileTitle": "Annual report",
            "fileCaption": "PDF, 2 pages",
            "fileName": "r.pdf",
            "fileSize": 12345,
        },
        File(src="https://e.com/r.pdf", name="Annual report", caption=text("PDF, 2 pages")),
    ),
    (
        {
            "type": "button",
            "version": 1,
            "buttonText": "Subscribe",
            "alignment": "center",
            "buttonUrl": "https://e.com/subscribe",
        },
        Button(text="Subscribe", url="https://e.com/subscribe"),
    ),
    (
        {
            "type": "bookmark",
            "version": 1,
            "url": "https://e.com/story",
            "metadata": {
                "icon": "https://e.com/icon.png",
                "title": "A story",
                "description": "What happened",
                "author": "Ann",
                "publisher": "E",
                "thumbnail": "https://e.com/thumb.jpg",
            },
            "caption": "",
        },
        Bookmark(
            url="https://e.com/story",
            title="A story",
            description="What happened",
            icon="https://e.com/icon.png",
            thumbnail="https://e.com/thumb.jpg",
            publisher="E",
            author="Ann",
        ),
    ),
    (
        {
            "type": "callout",
            "version": 1,
            "calloutText": "Read <b>this</b> first",
            "calloutEmoji": "💡",
            "backgroundColor": "blue",
        },
        Callout(
            emoji="💡",
            blocks=(
                Paragraph(inlines=(Text(text="Read "), Bold(children=text("this")), Text(text=" first"))),
            ),
        ),
    ),
    (
        {"type": "toggle", "version": 1, "heading": "Why?", "content": "<p>Because.</p><p>And more.</p>"},
        Details(
            summary=text("Why?"),
            blocks=(Paragraph(inlines=text("Because.")), Paragraph(inlines=text("And more."))),
        ),
    ),
    (
        {
            "type": "header",
            "version": 2,
            "size": "small",
            "style": "dark",
            "buttonEnabled": True,
            "buttonUrl": "https://e.com/join",
            "buttonText": "Join",
            "header": "Big news",
            "subheader": "All of it",
            "backgroundImageSrc": "https://e.com/bg.jpg",
            "alignment": "center",
        },
        Container(
            kind="header",
            attrs={
                "size": "small",
                "style": "dark",
                "backgroundImageSrc": "https://e.com/bg.jpg",
                "alignment": "center",
            },
            blocks=(
                Heading(level=2, inlines=text("Big news")),
                Paragraph(inlines=text("All of it")),
                Button(text="Join", url="https://e.com/join"),
            ),
        ),
    ),
    (
        element("aside", [text_node("Set apart")]),
        Quote(paragraphs=(Paragraph(inlines=text("Set apart")),), pull=True),
    ),
]


@pytest.mark.parametrize(("card", "block"), CARDS, ids=[str(card["type"]) for card, _ in CARDS])
def test_a_card_reads_as_its_block_and_writes_back_unchanged(card: Node, block: Block) -> None:
    post = read(card)
    assert post.blocks == (block,)
    assert written_nodes(post) == [card]  # unchanged: node for node, with what the model does not hold


@pytest.mark.parametrize(("card", "block"), CARDS, ids=[str(card["type"]) for card, _ in CARDS])
def test_a_block_is_written_as_its_card_and_reads_back_equal(card: Node, block: Block) -> None:
    report = ConversionReport()
    nodes = written_nodes(Post(blocks=(block,)), report)
    assert [node["type"] for node in nodes] == [card["type"]]
    assert read(*nodes).blocks == (block,)
    assert not report


def test_card_fields_the_model_does_not_hold_are_reported_when_written_elsewhere() -> None:
    card = {"type": "codeblock", "version": 1, "code": "x", "language": "", "caption": "Listing 1"}
    post = read(card)
    assert post.blocks == (CodeBlock(code="x"),)
    report = ConversionReport()
    formats.write(post, "html", report=report)
    assert any("code card caption" in m for m in report.messages())


def test_a_gallery_image_without_its_size_is_reported() -> None:
    report = ConversionReport()
    written_nodes(Post(blocks=(Gallery(images=(Image(src="https://e.com/a.jpg"),)),)), report)
    assert any("width and height" in m for m in report.messages())


def test_a_container_ghost_has_no_card_for_is_written_as_its_blocks_and_reported() -> None:
    inner = Paragraph(inlines=text("inside"))
    report = ConversionReport()
    nodes = written_nodes(
        Post(blocks=(Container(kind="group", attrs={"className": "x"}, blocks=(inner,)),)), report
    )
    assert read(*nodes).blocks == (inner,)
    assert any("group" in m for m in report.messages())


# --- the bugs: Lexical JSON never becomes text ---------------------------------------------------------

LINKS = element(
    "paragraph",
    [
        text_node("Read "),
        element(
            "link",
            [text_node("the report")],
            rel="noopener",
            target="_blank",
            title="Full text",
            url="https://e.com/report",
        ),
        text_node(" now."),
    ],
)
"""A link as Ghost's converter makes it from ``<a href rel target title>`` (WordPress's usual markup)."""

NESTED_QUOTE = element(
    "extended-quote",
    [
        element("extended-heading", [text_node("Head")], tag="h2"),
        element(
            "list",
            [
                element("listitem", [text_node("one")], value=1),
                element("listitem", [text_node("two")], value=2),
            ],
            listType="number",
            start=1,
            tag="ol",
        ),
        {"type": "linebreak", "version": 1},
        {"type": "linebreak", "version": 1},
        text_node("para"),
    ],
)
"""``<blockquote><h2>Head</h2><ol><li>one</li><li>two</li></ol><p>para</p></blockquote>`` through Ghost's
converter: block nodes inside a quote."""

LINKED_IMAGE = element(
    "paragraph",
    [
        text_node("See"),
        element(
            "link",
            [
                {
                    "type": "image",
                    "version": 1,
                    "src": "https://e.com/i.jpg",
                    "width": None,
                    "height": None,
                    "title": "",
                    "alt": "A",
                    "caption": "",
                    "cardWidth": "regular",
                    "href": "https://e.com/i",
                }
            ],
            rel=None,
            target=None,
            title=None,
            url="https://e.com/i",
        ),
    ],
)
"""``<p>See <a href><img></a></p>`` through Ghost's converter: an image card in a link in a paragraph."""

AT_LINK = element(
    "paragraph",
    [
        text_node("Hi "),
        element("at-link", [text_node("@ann")], linkFormat=0),
        {**text_node("styled"), "style": "color: red;"},
    ],
)


LEXICAL_TRACES = ('"children"', '"version"', '"detail"', '"type"')
"""What Lexical JSON written into text would show."""


def no_lexical(out: str) -> bool:
    return not any(trace in out for trace in LEXICAL_TRACES)


def gutenberg(post: Post) -> tuple[str, ConversionReport]:
    report = ConversionReport()
    return formats.write(post, "gutenberg", report=report), report


def test_links_with_rel_target_and_title_are_read_as_links() -> None:
    post = read(LINKS)
    assert post.blocks == (
        Paragraph(
            inlines=(
                Text(text="Read "),
                Link(href="https://e.com/report", title="Full text", children=text("the report")),
                Text(text=" now."),
            )
        ),
    )
    out, report = gutenberg(post)
    assert '{"' not in out and 'href="https://e.com/report"' in out and "the report" in out
    assert any("link rel" in m and "link target" in m for m in report.messages())
    assert written_nodes(post) == [LINKS]  # Ghost to Ghost keeps rel and target


def test_headings_and_lists_in_a_quote_are_read_as_its_paragraphs() -> None:
    post = read(NESTED_QUOTE)
    assert post.blocks == (
        Quote(paragraphs=tuple(Paragraph(inlines=text(t)) for t in ("Head", "1. one", "2. two", "para"))),
    )
    out, report = gutenberg(post)
    assert '{"' not in out and "Head" in out and "para" in out
    assert any("heading inside a quote" in m and "list inside a quote" in m for m in report.messages())
    assert written_nodes(post) == [NESTED_QUOTE]


def test_an_image_in_a_link_in_a_paragraph_is_an_image_with_its_link() -> None:
    post = read(LINKED_IMAGE)
    assert post.blocks == (
        Paragraph(inlines=text("See")),
        Image(src="https://e.com/i.jpg", alt="A", link="https://e.com/i"),
    )
    out, _ = gutenberg(post)
    assert no_lexical(out) and '<a href="https://e.com/i"><img src="https://e.com/i.jpg"' in out


def test_at_links_and_styled_text_are_read_as_their_text() -> None:
    post = read(AT_LINK)
    assert post.blocks == (Paragraph(inlines=text("Hi @annstyled")),)
    out, report = gutenberg(post)
    assert '{"' not in out and "Hi @annstyled" in out
    assert any("at-link node" in m and "text style" in m for m in report.messages())


@pytest.mark.parametrize(
    "node", [LINKS, NESTED_QUOTE, LINKED_IMAGE, AT_LINK], ids=["links", "quote", "image", "at"]
)
@pytest.mark.parametrize("fmt", ["gutenberg", "html", "markdown", "text"])
def test_no_format_gets_lexical_json_as_text(node: Node, fmt: str) -> None:
    out = formats.convert(document(node), "lexical", fmt, report=ConversionReport())
    assert no_lexical(out)


@pytest.mark.parametrize(
    "block",
    [
        Table(
            head=(TableRow(cells=(TableCell(inlines=text("Year"), header=True),)),),
            body=(TableRow(cells=(TableCell(inlines=text("2024 <b>")),)),),
        ),
        Preformatted(inlines=(Text(text="two  spaces\nand "), Bold(children=text("bold")))),
    ],
    ids=["table", "preformatted"],
)
def test_a_block_ghost_has_no_card_for_is_an_html_card_that_reads_back(block: Block) -> None:
    report = ConversionReport()
    nodes = written_nodes(Post(blocks=(block,)), report)
    assert [node["type"] for node in nodes] == ["html"]
    assert "<b>" not in nodes[0]["html"]  # text stays text
    assert read(*nodes).blocks == (block,)
    assert not report


def test_an_html_card_of_ghost_stays_raw_html() -> None:
    card = {"type": "html", "version": 1, "html": "<table><tr><td>x</td></tr></table>"}
    assert read(card).blocks == (Raw(format="html", content=card["html"]),)


def test_a_header_card_written_from_untrusted_blocks_keeps_text_as_text() -> None:
    """Ghost's header card renderer puts its button and attributes into markup as they are."""
    header = Container(
        kind="header",
        attrs={"textColor": '"><script>alert(1)</script>', "type": "html", "size": "large"},
        blocks=(Heading(level=2, inlines=text("<i>H</i>")), Button(text="<b>Go</b>", url='https://e.com/"x')),
    )
    report = ConversionReport()
    nodes = written_nodes(Post(blocks=(header,)), report)
    assert [node["type"] for node in nodes] == ["header"]
    card = nodes[0]
    assert "textColor" not in card and card["size"] == "large"
    assert "<" not in card["header"] + card["buttonText"] and '"' not in card["buttonUrl"]
    assert any("textColor" in m for m in report.messages())
    back = read(*nodes).blocks[0]
    assert isinstance(back, Container) and back.blocks[:2] == (
        *header.blocks[:1],
        Button(text="<b>Go</b>", url="https://e.com/%22x"),
    )


def test_a_video_url_cannot_end_ghost_s_attribute() -> None:
    nodes = written_nodes(
        Post(blocks=(Video(src='https://e.com/v.mp4" onload="x', poster="https://e.com/p .jpg"),))
    )
    assert '"' not in nodes[0]["src"] and " " not in nodes[0]["src"] + nodes[0]["customThumbnailSrc"]


def test_an_image_card_s_width_is_named_when_written_elsewhere() -> None:
    card = {
        "type": "image",
        "version": 1,
        "src": "https://e.com/i.jpg",
        "width": 10,
        "height": 10,
        "title": "",
        "alt": "",
        "caption": "",
        "cardWidth": "wide",
        "href": "",
    }
    post = read(card)
    assert written_nodes(post) == [card]
    report = ConversionReport()
    formats.write(post, "gutenberg", report=report)
    assert any("image cardWidth" in m for m in report.messages())
