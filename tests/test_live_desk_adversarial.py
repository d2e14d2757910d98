"""Issue 16, an adversarial pass: hostile bylines, headlines and labels through every format, the text
format's quote rule where a paragraph ends at a marker line, the schema's dates with a pinned update at the
top, and the AMP byline written as every format writes it."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import lxml.html
from hypothesis import given, settings
from hypothesis import strategies as st

from cmsbridge import formats
from cmsbridge.formats.updates import byline_text
from cmsbridge.live.schema import amp_live_list, live_blog_posting, live_blog_script
from cmsbridge.model import LIVE_STATUS, Container, Paragraph, Post, Quote, Text, UpdateMarker
from cmsbridge.report import ConversionReport

PARIS = ZoneInfo("Europe/Paris")
AT = dt.datetime(2026, 5, 6, 23, 18, tzinfo=PARIS)


def para(value: str) -> Paragraph:
    return Paragraph(inlines=(Text(text=value),))


# --- the text format: a paragraph ended by a marker line -----------------------------------------------


def test_a_paragraph_ending_with_an_attribution_right_before_a_marker_line_is_a_quote() -> None:
    """The rule holds for a paragraph however it ends: by a blank line or by the marker line after it."""
    quoted = "\u201cIt is over,\u201d the website said."
    with_gap = formats.read(f"T\n\n{quoted} link\n\nUPDATE: 10:00 UTC\nNext.", "text").blocks
    no_gap = formats.read(f"T\n\n{quoted} link\nUPDATE: 10:00 UTC\nNext.", "text").blocks
    assert [type(b).__name__ for b in no_gap] == ["Quote", "UpdateMarker", "Paragraph"]
    assert no_gap == with_gap
    assert no_gap[0] == Quote(paragraphs=(para(quoted),), citation=(Text(text="link"),))
    # a line before it stays in the quote; an escaped word keeps the paragraph
    two_lines = formats.read(f"T\n\nLead.\n{quoted} link\nUPDATE: 10:00 UTC\nNext.", "text").blocks
    assert isinstance(two_lines[0], Quote) and two_lines[0].citation == (Text(text="link"),)
    escaped = formats.read(f"T\n\n{quoted} \\link\nUPDATE: 10:00 UTC\nNext.", "text").blocks
    assert escaped[0] == para(f"{quoted} link")


def test_quotes_and_paragraphs_before_markers_survive_markdown_and_text() -> None:
    marker = UpdateMarker(id="u1", at=dt.time(10, 0), tz="UTC", label="UPDATE: 10:00 UTC")
    post = Post(
        title="T",
        blocks=(
            Quote(paragraphs=(para("Over."),), citation=(Text(text="via Reuters"),)),
            marker,
            para("Said it. link"),
            UpdateMarker(id="u2", at=dt.time(11, 0), tz="UTC", label="UPDATE: 11:00 UTC"),
            para("Next."),
        ),
    )
    as_text = formats.write(post, "text", report=ConversionReport())
    assert formats.read(as_text, "text").blocks == post.blocks
    as_markdown = formats.write(formats.read(as_text, "text"), "markdown", report=ConversionReport())
    again = formats.write(formats.read(as_markdown, "markdown"), "text", report=ConversionReport())
    assert formats.read(again, "text").blocks == post.blocks


# --- hostile bylines, headlines and labels: kept as text, or reported --------------------------------------

_HOSTILE_CHARS = "aZ é<>&\"'{}-!\\*_[]#`|:;.,()/=\u200f\u202e"
hostile = st.text(alphabet=_HOSTILE_CHARS, min_size=1, max_size=24).filter(lambda s: s.strip() != "")


@settings(max_examples=60, deadline=None)
@given(
    by=st.lists(hostile, max_size=3).map(tuple),
    headline=st.one_of(st.just(""), hostile),
    label=hostile,
    pinned=st.booleans(),
)
def test_hostile_update_fields_read_back_equal_or_are_reported(
    by: tuple[str, ...], headline: str, label: str, pinned: bool
) -> None:
    marker = UpdateMarker(
        id="u1", at=AT, tz="Europe/Paris", label=label, by=by, headline=headline, pinned=pinned
    )
    post = Post(blocks=(para("Intro."), marker, para("Body.")))
    for fmt in sorted(formats.FORMATS):
        report = ConversionReport()
        written = formats.write(post, fmt, report=report)
        back = formats.read(written, fmt, report=ConversionReport()).blocks
        if back != post.blocks:
            assert any(loss.block == 1 for loss in report), (fmt, marker, back)


def test_a_label_with_entity_text_reads_back_from_wordpress() -> None:
    """Text that looks like an HTML entity is text: read once, not unescaped twice."""
    for label in ("UPDATE: 23:18 R&amp;D", "UPDATE: 23:18 &lt;b&gt;", "UPDATE: 23:18 &#60;"):
        marker = UpdateMarker(id="u1", at=AT, tz="Europe/Paris", label=label)
        post = Post(blocks=(marker, para("Body.")))
        for fmt in ("gutenberg", "wxr", "html"):
            report = ConversionReport()
            written = formats.write(post, fmt, report=report)
            assert formats.read(written, fmt).blocks == post.blocks, (fmt, label)
            assert not report, report.messages()


def test_byline_names_with_by_and_and_and_commas_read_back_in_every_format() -> None:
    marker = UpdateMarker(
        id="u1",
        at=AT,
        tz="Europe/Paris",
        label="UPDATE: 23:18 Paris time",
        by=("By Ann", "Bo and Cy", "Smith, Jr.", "UPDATE: 10:00"),
        headline="UPDATE: 10:00",
    )
    post = Post(blocks=(marker, para("Body.")))
    for fmt in sorted(formats.FORMATS):
        back = formats.read(formats.write(post, fmt, report=ConversionReport()), fmt)
        assert back.blocks == post.blocks, fmt


def test_a_hostile_live_status_stays_one_container_in_every_format() -> None:
    attrs = {"start": AT.isoformat(), "note": '--><script>alert(1)</script><!-- "q" {x} & \u202e'}
    status = Container(kind=LIVE_STATUS, attrs=attrs, blocks=(para("Live coverage </script> -->."),))
    post = Post(blocks=(status, para("Body.")))
    for fmt in sorted(formats.FORMATS):
        back = formats.read(formats.write(post, fmt, report=ConversionReport()), fmt)
        assert back.blocks == post.blocks, fmt
        assert back.coverage is not None and back.coverage.start == AT


# --- the schema and AMP ----------------------------------------------------------------------------------


def _post_with_a_pinned_time_of_day() -> Post:
    def marker(update_id: str, hour: int, pinned: bool = False) -> UpdateMarker:
        at = dt.time(hour, 0)
        return UpdateMarker(id=update_id, at=at, tz="Europe/Paris", label=f"UPDATE: {hour}:00", pinned=pinned)

    return Post(
        title="Live",
        created=dt.datetime(2026, 5, 6, 9, 0, tzinfo=PARIS),
        blocks=(  # oldest first, the 12:00 update pinned at the top
            marker("noon", 12, pinned=True),
            para("Noon."),
            marker("ten", 10),
            para("Ten."),
            marker("eleven", 11),
            para("Eleven."),
        ),
    )


def test_a_pinned_update_at_the_top_does_not_move_the_others_to_the_next_day() -> None:
    data = live_blog_posting(_post_with_a_pinned_time_of_day())
    updates = data["liveBlogUpdate"]
    published = {u["articleBody"]: dt.datetime.fromisoformat(u["datePublished"]) for u in updates}
    day = dt.date(2026, 5, 6)
    assert {body: when.date() for body, when in published.items()} == {
        "Noon.": day,
        "Ten.": day,
        "Eleven.": day,
    }
    assert dt.datetime.fromisoformat(data["coverageStartTime"]) == published["Ten."]
    assert [u["articleBody"] for u in data["liveBlogUpdate"]] == ["Noon.", "Eleven.", "Ten."]


def test_the_amp_byline_is_the_byline_every_format_shows() -> None:
    names = ("Ann Lee", "Smith, Jr.", "Bo Ng")
    marker = UpdateMarker(id="u1", at=AT, tz="Europe/Paris", label="UPDATE: 23:18", by=names)
    root = lxml.html.fragment_fromstring(amp_live_list(Post(blocks=(marker, para("Body.")))))
    (byline,) = root.xpath("//*[contains(@class, 'update-byline')]")
    assert byline.text_content() == byline_text(names)
    html_byline = formats.write(Post(blocks=(marker,)), "html")
    shown = lxml.html.fragment_fromstring(html_byline, create_parent="div")
    assert shown.xpath("string(//*[contains(@class, 'update-byline')])") == byline.text_content()


def test_the_json_ld_script_holds_hostile_fields_as_data() -> None:
    nasty = "</script><!--<script>alert(1)</script>-->\u2028&"
    marker = UpdateMarker(id="u1", at=AT, tz="Europe/Paris", label=nasty, by=(nasty,), headline=nasty)
    post = Post(title=nasty, blocks=(marker, para(nasty)))
    script = live_blog_script(post)
    inner = script.removeprefix('<script type="application/ld+json">\n').removesuffix("\n</script>")
    assert "</script" not in inner.lower() and "<!--" not in inner
    data = json.loads(inner)
    (update,) = data["liveBlogUpdate"]
    assert update["headline"] == nasty and update["author"] == [{"@type": "Person", "name": marker.by[0]}]


def test_a_comment_inside_an_html_marker_is_not_its_text() -> None:
    # found by the fuzz suite: a comment among a marker's children made the HTML reader raise
    html = '<h2 id="update-x">UPDATE: 10:00 <!-- said --><em>UTC</em></h2><p>News.</p>'
    post = formats.read(html, "html", report=ConversionReport())
    marker = next(post.updates())
    assert (marker.id, marker.label) == ("x", "UPDATE: 10:00 UTC")
