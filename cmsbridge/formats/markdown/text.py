"""``text``: the newsroom text format, a small superset of Markdown (see docs/text-format.md).

The first line is the title; the rest is a Markdown body read by :mod:`.markdown_common` with the text
flavour: a newline inside a paragraph is a line break, ``UPDATE:`` lines are update markers,
``[video:PROVIDER:ID]`` is an embed, HTML is plain text.
"""

from __future__ import annotations

import re

from ...model import Post
from ...report import ConversionReport
from .. import report_unwritten_fields
from .common import TEXT, Reader, normalize_newlines
from .writer import Writer

NAME = "text"

_ATX_TITLE = re.compile(r"^#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")


def read(data: str, report: ConversionReport) -> Post:
    data = normalize_newlines(data).removeprefix("\ufeff")
    first, _, body = data.partition("\n")
    heading = _ATX_TITLE.match(first)
    title = heading[1] if heading else first.removeprefix("\\")
    if re.fullmatch(r"=+[ \t]*", body.partition("\n")[0]):
        body = body.partition("\n")[2]  # a setext underline of the title
    blocks = Reader(TEXT, report).read(body)
    return Post(title=title.strip(), blocks=tuple(blocks))


def write(post: Post, report: ConversionReport) -> str:
    report_unwritten_fields(post, NAME, report, written=("title",))
    title = post.title.replace("\n", " ").strip()
    if title != post.title:
        report.warn(NAME, "title: line breaks and edge spaces dropped")
    if title.startswith(("#", "\\")) or re.fullmatch(r"=+", title):
        title = "\\" + title
    body = Writer(TEXT, report).blocks(post.blocks)
    return f"{title}\n\n{body}\n" if body else f"{title}\n"
