"""Footnotes (issue 15, item 2): the model's inline :class:`Note`, read and written by every format."""

from __future__ import annotations

import json

import pytest

from cmsbridge.formats import get as get_format
from cmsbridge.model import Italic, LineBreak, Link, Note, Paragraph, Post, RawInline, Text
from cmsbridge.report import ConversionReport

FIRST = Note(
    children=(
        Text(text="See <b>this</b> & [^2] *not* markup "),
        Link(href="https://example.org/a", children=(Text(text="source"),)),
    )
)
SECOND = Note(children=(Italic(children=(Text(text="Second"),)), Text(text=" note")))
POST = Post(
    blocks=(
        Paragraph(inlines=(Text(text="One [^1] claim"), FIRST, Text(text=" and more."))),
        Paragraph(inlines=(Text(text="Another"), SECOND, Text(text="."))),
    )
)


def _round_trip(name: str, post: Post = POST) -> tuple[str, Post, ConversionReport]:
    fmt = get_format(name)
    report = ConversionReport()
    written = fmt.write(post, report)
    back = fmt.read(written, ConversionReport())
    return written, back, report


def _without_origins(post: Post) -> tuple[object, ...]:
    return tuple(block.without_origin() for block in post.blocks)


@pytest.mark.parametrize("name", ["markdown", "text", "html"])
def test_notes_round_trip_without_loss(name: str) -> None:
    written, back, report = _round_trip(name)
    assert _without_origins(back) == POST.blocks, written
    assert not report.losses, report.losses
    if name == "html":
        assert "<b>" not in written  # the note's text stays text


def test_markdown_writes_references_and_definitions() -> None:
    written, _, _ = _round_trip("markdown")
    body = written.split("---\n", 2)[-1]
    assert "claim[^1] and" in body  # the reference stands where the note stands
    assert body.count("[^1]") == 2 and body.count("[^2]") == 2  # reference + definition each
    assert "\n[^2]: *Second* note" in body


def test_markdown_reads_footnote_syntax() -> None:
    source = "Text[^a] and ^[an inline one].\n\n[^a]: The *note*\n\n    second paragraph\n"
    post = get_format("markdown").read(source, ConversionReport())
    assert post.blocks == (
        Paragraph(
            inlines=(
                Text(text="Text"),
                Note(
                    children=(
                        Text(text="The "),
                        Italic(children=(Text(text="note"),)),
                        LineBreak(),
                        Text(text="second paragraph"),
                    )
                ),
                Text(text=" and "),
                Note(children=(Text(text="an inline one"),)),
                Text(text="."),
            )
        ),
    )


def test_markdown_reports_an_unreferenced_definition() -> None:
    report = ConversionReport()
    post = get_format("markdown").read("Text.\n\n[^x]: never used\n", report)
    assert post.blocks == (Paragraph(inlines=(Text(text="Text."),)),)
    assert any("[^x]" in loss.message for loss in report.losses)


@pytest.mark.parametrize(
    "html",
    [
        # markdown-it's footnote plugin
        '<p>Hi<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup> there</p>\n'
        '<hr class="footnotes-sep">\n<section class="footnotes">\n<ol class="footnotes-list">\n'
        '<li id="fn1" class="footnote-item"><p>The <em>note</em> <a href="#fnref1" class="footnote-backref">'
        "\u21a9\ufe0e</a></p>\n</li>\n</ol>\n</section>\n",
        # pandoc
        '<p>Hi<a href="#fn1" class="footnote-ref" id="fnref1" role="doc-noteref"><sup>1</sup></a> there</p>\n'
        '<section id="footnotes" class="footnotes footnotes-end-of-document" role="doc-endnotes">\n<hr />\n'
        '<ol>\n<li id="fn1"><p>The <em>note</em><a href="#fnref1" class="footnote-back" role="doc-backlink">'
        "\u21a9\ufe0e</a></p></li>\n</ol>\n</section>\n",
        # WordPress's rendered footnotes
        '<p>Hi<sup data-fn="5f0c" class="fn"><a href="#5f0c" id="5f0c-link">1</a></sup> there</p>\n'
        '<ol class="wp-block-footnotes"><li id="5f0c">The <em>note</em> <a href="#5f0c-link" '
        'aria-label="Jump to footnote reference 1">\u21a9\ufe0e</a></li></ol>\n',
    ],
    ids=["markdown-it", "pandoc", "wordpress"],
)
def test_html_reads_common_footnote_shapes(html: str) -> None:
    post = get_format("html").read(html, ConversionReport())
    note = Note(children=(Text(text="The "), Italic(children=(Text(text="note"),))))
    assert post.blocks == (Paragraph(inlines=(Text(text="Hi"), note, Text(text=" there"))),)


def test_html_sup_without_a_note_stays_raw() -> None:
    html = '<p>x<sup><a href="#nowhere">1</a></sup></p>'
    post = get_format("html").read(html, ConversionReport())
    block = post.blocks[0]
    assert isinstance(block, Paragraph) and isinstance(block.inlines[1], RawInline)


def test_wordpress_round_trip_names_the_unset_meta() -> None:
    written, back, report = _round_trip("gutenberg")
    assert _without_origins(back) == POST.blocks, written
    assert '<sup data-fn="' in written and 'class="wp-block-footnotes"' in written
    assert "<!-- wp:html -->" in written  # a visible list, not WordPress's meta-backed footnotes block
    assert any("meta" in loss.message for loss in report.losses)
    again = ConversionReport()
    assert get_format("gutenberg").write(back, again) == written  # read back, written the same


def test_wordpress_reports_meta_backed_footnotes() -> None:
    markup = (
        "<!-- wp:paragraph -->\n"
        '<p>Hi<sup data-fn="ab12" class="fn"><a href="#ab12" id="ab12-link">1</a></sup></p>\n'
        "<!-- /wp:paragraph -->\n\n<!-- wp:footnotes /-->"
    )
    report = ConversionReport()
    get_format("gutenberg").read(markup, report)
    assert any("'footnotes'" in loss.message for loss in report.losses)


def test_lexical_writes_numbers_and_a_list_and_names_the_loss() -> None:
    written, back, report = _round_trip("lexical")
    nodes = json.loads(written)["root"]["children"]
    assert nodes[-1]["type"] == "list" and nodes[-1]["listType"] == "number"
    assert len(nodes[-1]["children"]) == 2
    assert _without_origins(back) != POST.blocks
    assert sum("footnote" in loss.message for loss in report.losses) == 2


def test_a_link_in_a_note_follows_the_url_policy() -> None:
    note = Note(children=(Link(href="javascript:alert(1)", children=(Text(text="x"),)),))
    post = Post(blocks=(Paragraph(inlines=(Text(text="a"), note)),))
    for name in ("html", "markdown", "gutenberg"):
        report = ConversionReport()
        written = get_format(name).write(post, report)
        assert "javascript:" not in written, name
        assert report.losses, name
