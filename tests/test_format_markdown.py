"""The ``markdown`` format: Markdown with YAML front matter (Hugo, Jekyll)."""

from __future__ import annotations

import contextlib
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmsbridge.errors import ParseError
from cmsbridge.formats import markdown
from cmsbridge.model import (
    Embed,
    Heading,
    LineBreak,
    Paragraph,
    Post,
    Raw,
    SourceRef,
    Term,
    Text,
    UpdateMarker,
)
from cmsbridge.report import ConversionReport
from tests.suite import examples

from .strategies import posts, words


def round_trip(post: Post) -> tuple[Post, ConversionReport]:
    report = ConversionReport()
    return markdown.read(markdown.write(post, report), report), report


def test_hugo_front_matter() -> None:
    report = ConversionReport()
    post = markdown.read(
        '---\ntitle: "Vote: live"\ndate: 2026-05-06T23:18:00+02:00\nlastmod: 2026-05-07\ndraft: false\n'
        "tags: [a, b]\ncategories: news\nauthor: Jane\ndescription: Short.\nimage: /a.jpg\n"
        "weight: 3\n---\n\nHello\n",
        report,
    )
    assert post.title == "Vote: live"
    assert post.created == dt.datetime(2026, 5, 6, 21, 18, tzinfo=dt.UTC)
    assert post.modified == dt.datetime(2026, 5, 7, tzinfo=dt.UTC)
    assert any("lastmod" in m for m in report.messages())  # a date without zone is reported
    assert post.status == "publish"
    assert post.tags == ("a", "b") and post.categories == (Term(name="news"),) and post.authors == ("Jane",)
    assert post.excerpt == "Short." and post.featured_image == "/a.jpg"
    assert post.metadata == {"weight": 3}
    assert post.blocks == (Paragraph(inlines=(Text(text="Hello"),)),)


def test_jekyll_and_toml_front_matter() -> None:
    jekyll = markdown.read("---\ntitle: J\npublished: false\nexcerpt: E\n---\nBody\n", ConversionReport())
    assert (jekyll.status, jekyll.excerpt) == ("draft", "E")
    toml = markdown.read('+++\ntitle = "T"\ndraft = true\n+++\nBody\n', ConversionReport())
    assert (toml.title, toml.status) == ("T", "draft")


def test_full_metadata_round_trips() -> None:
    paris = ZoneInfo("Europe/Paris")
    post = Post(
        title="T: x",
        slug="t-x",
        status="future",
        excerpt="E\nF",
        authors=("A", "B"),
        categories=("c",),
        tags=("2026-05-06", "yes"),
        created=dt.datetime(2026, 5, 6, 23, 18, tzinfo=paris),
        modified=dt.datetime(2026, 5, 7, 1, 2, 3, 456, tzinfo=dt.UTC),
        featured_image="https://i.example.com/a.jpg",
        metadata={"title": "clash", "weight": 3, "nested": {"a": [1, None, "2026-01-01"]}, "metadata": 1},
        sources=(SourceRef(system="wordpress", site="https://w.example.com", id="12"),),
        blocks=(
            UpdateMarker(
                id="u1",
                at=dt.datetime(2026, 5, 6, 23, 18, tzinfo=paris),
                tz="Europe/Paris",
                label="UPDATE: 23:18 Paris time",
                key=True,
            ),
            UpdateMarker(
                id="2318-paris-time", at=dt.time(23, 18), tz="Europe/Paris", label="UPDATE: 23:18 Paris time"
            ),
            UpdateMarker(id="x", label=""),
            Raw(format="gutenberg", content='<!-- wp:x {"a":1} /-->'),
            Raw(format="html", content='<div class="a">\n<b>x</b>\n</div>'),
            Raw(format="html", content="<p>not a block on its own</p>\n\n"),
            Paragraph(inlines=(Text(text="a"), LineBreak(), Text(text="b <i> & c"))),
        ),
    )
    again, report = round_trip(post)
    assert again == post
    assert not report, report.messages()


def test_markers_are_headings_with_attributes() -> None:
    written = markdown.write(
        Post(
            title="T",
            blocks=(
                UpdateMarker(
                    id="2318-paris-time",
                    at=dt.time(23, 18),
                    tz="Europe/Paris",
                    label="UPDATE: 23:18 Paris time",
                ),
            ),
        ),
        ConversionReport(),
    )
    assert "### UPDATE: 23:18 Paris time {#update-2318-paris-time .update-marker}" in written


def test_heading_anchor_and_html() -> None:
    post = markdown.read(
        "---\ntitle: T\n---\n## Hi {#hi}\n\n<div>\nx\n</div>\n\na <sup>2</sup>\n", ConversionReport()
    )
    assert post.blocks[0] == Heading(level=2, inlines=(Text(text="Hi"),), anchor="hi")
    assert post.blocks[1] == Raw(format="html", content="<div>\nx\n</div>")
    assert round_trip(post)[0] == post


def test_hugo_style_embed_token() -> None:
    post = markdown.read("---\ntitle: T\n---\n[video:youtube:E4AD6mOZm9I]\n", ConversionReport())
    assert post.blocks == (
        Embed(
            provider="youtube", provider_id="E4AD6mOZm9I", url="https://www.youtube.com/watch?v=E4AD6mOZm9I"
        ),
    )


@pytest.mark.parametrize(
    "data",
    [
        "",
        "---\n",
        "---\n- a\n---\n",
        "---\n: :\n---\n",
        "---\ndate: soon\n---\n",
        "---\nsources: [1]\n---\n",
        "+++\n= x\n+++\n",
        "---\ntitle: [a]\n---\n",
    ],
)
def test_weird_input_only_raises_parse_error(data: str) -> None:
    with contextlib.suppress(ParseError):
        markdown.read(data, ConversionReport())


@given(st.text(max_size=200))
@settings(max_examples=examples(100), suppress_health_check=[HealthCheck.too_slow])
def test_any_text_reads_or_raises_parse_error(data: str) -> None:
    with contextlib.suppress(ParseError):
        markdown.read("---\n" + data, ConversionReport())


@given(posts(), words, st.lists(words, max_size=3))
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_round_trip(post: Post, excerpt: str, tags: list[str]) -> None:
    post = post.replace(excerpt=excerpt, tags=tuple(tags), status="publish")
    again, report = round_trip(post)
    assert again == post
    assert not report, report.messages()
