"""What the tests of Markdown and the text format share: the two formats, and a post's blocks written in
one (with its report) and read back."""

from __future__ import annotations

from cmsbridge import formats
from cmsbridge.model import Block, Paragraph, Post, text
from cmsbridge.report import ConversionReport

FORMATS = ("markdown", "text")


def para(value: str) -> Paragraph:
    return Paragraph(inlines=text(value))


def read(data: str, fmt: str = "markdown") -> Post:
    return formats.read(data, fmt, report=ConversionReport())


def write(blocks: tuple[Block, ...], fmt: str) -> tuple[str, ConversionReport]:
    report = ConversionReport()
    return formats.write(Post(title="T", blocks=blocks), fmt, report=report), report
