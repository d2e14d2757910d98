"""Issue 15, item 4, in Markdown and the text format: a leading thematic break taken for front matter,
loose lists written tight, list starts lost, code after a list merged into it."""

from __future__ import annotations

import pytest

from cmsbridge import formats
from cmsbridge.model import List, ListItem, Paragraph, Post, Raw, Separator, text
from tests.text_formats import FORMATS, read, write


def test_a_leading_thematic_break_is_not_front_matter() -> None:
    assert read("---\nfoo\n---\nbar\n").blocks[0] == Separator()  # raised "front matter is not a mapping"
    listed = read("---\n- a\n- b\n---\n")
    assert listed.blocks[0] == Separator() and isinstance(listed.blocks[1], List)
    assert read("---\n# Heading\n---\n").blocks[0] == Separator()
    front = read("---\n# a comment\ntitle: Real\n---\nbody\n")
    assert front.title == "Real" and front.blocks == (Paragraph(inlines=text("body")),)


@pytest.mark.parametrize("fmt", FORMATS)
def test_loose_lists_stay_loose(fmt: str) -> None:
    head = "" if fmt == "markdown" else "T\n\n"
    loose = read(f"{head}- a\n\n- b\n", fmt)
    tight = read(f"{head}- a\n- b\n", fmt)
    assert loose == tight  # the model holds the items; the looseness is the format's own
    assert "- a\n\n- b" in formats.write(loose, fmt)
    assert "- a\n- b" in formats.write(tight, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_list_start_is_kept(fmt: str) -> None:
    head = "" if fmt == "markdown" else "T\n\n"
    post = read(f"{head}0. zero\n1. one\n\n\n12) twelve\n", fmt)
    assert [b.start for b in post.blocks if isinstance(b, List)] == [0, 12]
    written = formats.write(post, fmt)
    assert "0. zero\n1. one" in written and "12" in written
    assert read(written, fmt) == post


@pytest.mark.parametrize("fmt", FORMATS)
def test_indented_code_after_a_list_stays_apart(fmt: str) -> None:
    a_list = List(items=(ListItem(inlines=text("a")),))
    # raw indented markdown after a list cannot stay apart: the cause is named
    _, report = write((a_list, Raw(format=fmt, content="    code")), fmt)
    assert any("read as part of the list" in m for m in report.messages()), report.messages()

    from cmsbridge.model import CodeBlock  # since issue 15: code is a block, written fenced

    blocks = (a_list, CodeBlock(code="code"))
    written, report = write(blocks, fmt)
    assert read(written, fmt).blocks == blocks and not report.messages()
    if fmt == "markdown":
        post = read("- a\n\n<!-- -->\n\n    code\n")
        assert post.blocks == (a_list, Raw(format="html", content="<!-- -->"), CodeBlock(code="code"))
        assert read(formats.write(Post(blocks=(a_list, post.blocks[2])), fmt)).blocks == blocks
