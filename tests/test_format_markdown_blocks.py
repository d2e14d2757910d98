"""Issue 15 in Markdown and the text format: the blocks real posts hold (the bugs are in
test_format_markdown_bugs15.py)."""

from __future__ import annotations

import pytest

from cmsbridge import formats
from cmsbridge.model import (
    Audio,
    Block,
    Bold,
    Bookmark,
    Button,
    Callout,
    Code,
    CodeBlock,
    Container,
    Details,
    File,
    Gallery,
    Image,
    Italic,
    LineBreak,
    List,
    ListItem,
    Paragraph,
    Preformatted,
    Quote,
    Table,
    TableCell,
    TableRow,
    Text,
    Video,
)
from cmsbridge.model import text as t
from cmsbridge.report import ConversionReport
from tests.text_formats import FORMATS, para, read, write


def cell(value: str, header: bool = False, **more: object) -> TableCell:
    return TableCell(inlines=t(value), header=header, **more)  # type: ignore[arg-type]


def body(data: str) -> str:
    """A markdown document's body: what follows its front matter."""
    return data.split("\n---\n", 1)[1].strip("\n")


NEW_BLOCKS: dict[str, Block] = {
    "code": CodeBlock(code="def f():\n    return '```'\n", language="python"),
    "code without language": CodeBlock(code="plain"),
    "preformatted": Preformatted(inlines=(Text(text="  two  spaces"), LineBreak(), Text(text="line *two*"))),
    "table": Table(
        head=(TableRow(cells=(cell("Name", True, align="left"), cell("a | b", True, align="right"))),),
        body=(
            TableRow(cells=(cell("x", align="left"), TableCell(inlines=(Code(text="p|q"),), align="right"))),
            TableRow(
                cells=(TableCell(inlines=(Bold(children=t("bold")),), align="left"), cell("", align="right"))
            ),
        ),
    ),
    "gallery": Gallery(
        images=(
            Image(src="https://e.com/1.jpg", alt="one", caption=t("First")),
            Image(src="https://e.com/2.jpg"),
        ),
        columns=2,
        caption=(Text(text="Both "), Italic(children=t("pictures"))),
    ),
    "audio": Audio(src="https://e.com/a.mp3", caption=t("The interview")),
    "video": Video(src="https://e.com/v.mp4", poster="https://e.com/p.jpg", width=640, height=360),
    "file": File(src="https://e.com/report.pdf", name="Annual report (PDF)", caption=t("2025")),
    "file without name": File(src="https://e.com/x.pdf"),
    "button": Button(text="Subscribe", url="https://e.com/subscribe"),
    "bookmark": Bookmark(
        url="https://e.com/story",
        title="A story",
        description='It says "hello" {twice}',
        icon="https://e.com/i.png",
        thumbnail="https://e.com/t.jpg",
        publisher="E",
        author="Someone",
        caption=t("Read it"),
    ),
    "details": Details(summary=(Text(text="More "), Bold(children=t("here"))), blocks=(para("Hidden text"),)),
    "callout": Callout(emoji="💡", blocks=(para("Note"), Callout(blocks=(para("Inner"),)))),
    "container": Container(
        kind="columns",
        attrs={"class": "is-style-x"},
        blocks=(Container(kind="column", attrs={"width": "50%"}, blocks=(para("Left"),)),),
    ),
    "container of a reserved kind": Container(kind="gallery", blocks=(para("Not pictures"),)),
    "pull quote": Quote(paragraphs=(para("Pulled words"),), citation=t("The author"), pull=True),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", list(NEW_BLOCKS))
def test_new_blocks_round_trip_without_loss(name: str, fmt: str) -> None:
    block = NEW_BLOCKS[name]
    blocks = (para("Before"), block, para("After"))
    written, report = write(blocks, fmt)
    assert report.messages() == []
    assert read(written, fmt).blocks == blocks
    assert "hidden" not in written.lower().replace("hidden text", "")  # shown, never hidden


def test_blocks_are_written_in_readable_markdown() -> None:
    written, _ = write(
        (NEW_BLOCKS["code"], NEW_BLOCKS["table"], NEW_BLOCKS["callout"], NEW_BLOCKS["button"]), "markdown"
    )
    assert "```python\ndef f():" in written
    assert "| Name | a \\| b |" in written
    assert "::: {.callout emoji=💡}" in written
    assert "[Subscribe](https://e.com/subscribe)" in written


def test_hand_written_markdown_reads_into_the_blocks() -> None:
    post = read(
        "| Left | Centre | Right |\n|:-----|:------:|------:|\n| a | *b* | c |\n\n"
        "```js extra\nlet x\n```\n\n"
        "    indented code\n\n"
        "::: warning\nCareful\n:::\n\n"
        "::: {.callout emoji=⚠️}\nA box\n:::\n"
    )
    table, fenced, indented, warning, callout = post.blocks
    assert isinstance(table, Table)
    assert [c.align for c in table.head[0].cells] == ["left", "center", "right"]
    assert all(c.header for c in table.head[0].cells) and not any(c.header for c in table.body[0].cells)
    assert table.body[0].cells[1].inlines == (Italic(children=t("b")),)
    assert fenced == CodeBlock(code="let x", language="js")
    assert indented == CodeBlock(code="indented code")
    assert warning == Container(kind="warning", blocks=(para("Careful"),))
    assert callout == Callout(emoji="⚠️", blocks=(para("A box"),))


def test_text_format_reads_tables_and_divs_too() -> None:
    post = read("Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n::: note\nhi\n:::\n", "text")
    assert isinstance(post.blocks[0], Table)
    assert post.blocks[1] == Container(kind="note", blocks=(para("hi"),))


@pytest.mark.parametrize("fmt", FORMATS)
def test_text_that_looks_like_a_div_or_table_stays_text(fmt: str) -> None:
    blocks = (
        para("::: {.callout}"),
        para("| a | b |"),
        para(":--|--"),
        Paragraph(inlines=(*t("x"), LineBreak(), *t(":::"))),
    )
    written, report = write(blocks, fmt)
    assert read(written, fmt).blocks == blocks and not report.messages()


@pytest.mark.parametrize(
    ("block", "cause"),
    [
        (Table(body=(TableRow(cells=(cell("a", colspan=2),)),)), "merged cells"),
        (Table(head=(TableRow(cells=(cell("h", True),)),), foot=(TableRow(cells=(cell("f"),)),)), "footer"),
        (Table(head=(TableRow(cells=(cell("h", True),)),), caption=t("Cap")), "caption"),
        (Preformatted(inlines=(Bold(children=t("b")),)), "marks"),
        (CodeBlock(code="x", language="a b"), "language"),
        (Container(kind="group", attrs={"n": 3}), "JSON text"),
        (List(ordered=True, start=-1, items=(ListItem(inlines=t("a")),)), "start"),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_what_markdown_cannot_hold_is_named(block: Block, cause: str, fmt: str) -> None:
    _, report = write((block,), fmt)
    assert any(cause in m for m in report.messages()), report.messages()


def test_attributes_a_block_has_no_place_for_are_reported_when_read() -> None:
    report = ConversionReport()
    post = formats.read(
        "::: {.callout #x emoji=a z=1}\nhi\n:::\n\n"
        "[v](v.mp4){.video foo=1}\n\n"
        "::: {.gallery columns=99}\n:::\n",
        "markdown",
        report=report,
    )
    assert [b.type for b in post.blocks] == ["callout", "video", "gallery"]
    messages = " ".join(report.messages())
    assert "callout: attributes dropped: #x z" in messages
    assert "video: attributes dropped: foo" in messages
    assert "gallery: columns" in messages
