"""Presentation held only in a block's source markup: kept by the same format, reported by the others."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cmsbridge
from cmsbridge.backends.files import FilesBackend
from cmsbridge.migration.run import migrate
from cmsbridge.model import CodeBlock
from cmsbridge.report import ConversionReport

STYLED = (
    '<!-- wp:paragraph {"align":"center","textColor":"vivid-red"} -->\n'
    '<p class="has-text-align-center has-vivid-red-color has-text-color">Hi</p>\n'
    "<!-- /wp:paragraph -->\n\n"
    '<!-- wp:image {"id":3589,"sizeSlug":"large","linkDestination":"none"} -->\n'
    '<figure class="wp-block-image size-large"><img src="https://example.com/a.jpg" alt="A" '
    'class="wp-image-3589"/></figure>\n'
    "<!-- /wp:image -->\n\n"
    '<!-- wp:heading {"level":3} -->\n<h3 class="wp-block-heading">Plain</h3>\n<!-- /wp:heading -->\n\n'
    "<!-- wp:quote -->\n"
    '<blockquote class="wp-block-quote"><!-- wp:paragraph {"fontSize":"large"} -->\n'
    '<p class="has-large-font-size">Said.</p>\n<!-- /wp:paragraph --></blockquote>\n'
    "<!-- /wp:quote -->"
)


def losses(post: cmsbridge.Post, fmt: str) -> list[tuple[int | None, str]]:
    report = ConversionReport()
    cmsbridge.write(post, fmt, report=report)
    return [(loss.block, loss.message) for loss in report if "cannot express" in loss.message]


@pytest.mark.parametrize("fmt", ["markdown", "html", "text", "lexical"])
def test_wordpress_attributes_another_format_drops_are_reported_per_block(fmt: str) -> None:
    post = cmsbridge.read(STYLED, "gutenberg", report=ConversionReport())
    got = losses(post, fmt)
    assert got == [
        (
            0,
            f"{fmt} cannot express the WordPress block attributes align, textColor of this paragraph;"
            " not written",
        ),
        (3, f"{fmt} cannot express the WordPress block attributes fontSize of this paragraph; not written"),
    ]


@pytest.mark.parametrize("fmt", ["gutenberg", "wxr", "json"])
def test_formats_that_keep_the_markup_report_nothing(fmt: str) -> None:
    post = cmsbridge.read(STYLED, "gutenberg", report=ConversionReport())
    assert losses(post, fmt) == []
    if fmt == "gutenberg":
        assert cmsbridge.write(post, fmt) == STYLED


def test_ghost_alignment_and_indent_are_reported_outside_lexical() -> None:
    root = {
        "root": {
            "children": [
                {
                    "children": [
                        {
                            "detail": 0,
                            "format": 0,
                            "mode": "normal",
                            "style": "",
                            "text": "Hi",
                            "type": "extended-text",
                            "version": 1,
                        }
                    ],
                    "direction": "ltr",
                    "format": "center",
                    "indent": 1,
                    "type": "paragraph",
                    "version": 1,
                },
                {
                    "children": [
                        {
                            "detail": 0,
                            "format": 1,
                            "mode": "normal",
                            "style": "",
                            "text": "Plain",
                            "type": "extended-text",
                            "version": 1,
                        }
                    ],
                    "direction": "ltr",
                    "format": "",
                    "indent": 0,
                    "type": "paragraph",
                    "version": 1,
                },
            ],
            "direction": "ltr",
            "format": "",
            "indent": 0,
            "type": "root",
            "version": 1,
        }
    }
    post = cmsbridge.read(json.dumps(root), "lexical", report=ConversionReport())
    assert losses(post, "markdown") == [
        (0, "markdown cannot express the Ghost alignment, indent of this paragraph; not written")
    ]
    assert losses(post, "lexical") == []


def test_migrating_block_markup_keeps_it_where_the_target_writes_block_markup(tmp_path: Path) -> None:
    """WordPress export files (block markup inside) to WordPress export files: the attributes stay. To
    Markdown they cannot, and the migration report says so for that post."""
    source = FilesBackend(tmp_path / "a", format="wxr")
    post = cmsbridge.read(STYLED, "gutenberg", report=ConversionReport())
    source.create(post.replace(title="Styled", slug="styled"))
    same = FilesBackend(tmp_path / "b", format="wxr")
    report = migrate(source, same, state=tmp_path / "s.db")
    assert report.created == 1 and report.posts[0].losses == []
    assert STYLED in same.get(report.posts[0].target_id or "").raw

    other = FilesBackend(tmp_path / "c", format="markdown")
    report = migrate(source, other, state=tmp_path / "s.db")
    assert report.created == 1
    assert any("align, textColor of this paragraph" in message for message in report.posts[0].losses)


def test_a_code_blocks_language_class_is_not_reported_as_lost() -> None:
    """core/code's ``className`` ``language-x`` is the code's language, which every format holds: writing
    the block elsewhere loses nothing; any other class is still named."""
    plain = (
        '<!-- wp:code {"className":"language-bash"} -->\n'
        '<pre class="wp-block-code language-bash"><code>ls\n</code></pre>\n<!-- /wp:code -->'
    )
    styled = plain.replace('"language-bash"', '"language-bash is-style-dark"').replace(
        "wp-block-code language-bash", "wp-block-code language-bash is-style-dark"
    )
    post = cmsbridge.read(plain, "gutenberg", report=ConversionReport())
    assert post.blocks == (CodeBlock(code="ls\n", language="bash"),)
    for fmt in ("lexical", "markdown", "html"):
        assert losses(post, fmt) == [], fmt
        assert [
            i
            for i, m in losses(cmsbridge.read(styled, "gutenberg", report=ConversionReport()), fmt)
            if "className" in m
        ] == [0]
