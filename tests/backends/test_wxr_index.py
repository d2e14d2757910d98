"""The export index reads every post exactly as reading the whole file does, one post at a time."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cmsbridge
from cmsbridge.backends.wxr_index import index, read_item
from cmsbridge.formats.wordpress import wxr
from cmsbridge.model import Post
from cmsbridge.report import ConversionReport
from tests.strategies import posts
from tests.test_format_wxr import EXPORT_1_1, POSTS


def same_as_whole_file(path: Path) -> int:
    whole = wxr.parse(path.read_bytes())
    found = index(path)
    assert [i.post_id for i in found.posts] == [e.id for e in whole.entries]
    for entry, item in zip(whole.entries, found.posts, strict=True):
        one = read_item(path, found, item)
        assert (one.id, one.digest, one.content, one.link) == (
            entry.id,
            entry.digest,
            entry.content,
            entry.link,
        )
        assert one.post == entry.post and one.post.sources == entry.post.sources
        assert one.report.messages() == entry.report.messages()
    assert found.report.messages() == whole.report.messages()
    return len(whole.entries)


def test_an_older_export_with_attachments_pages_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "old.xml"
    path.write_text(EXPORT_1_1, encoding="utf-8")
    assert same_as_whole_file(path) == 3  # two posts and a page (read since issue 15)


def test_awkward_layout_latin1_and_an_end_tag_inside_cdata(tmp_path: Path) -> None:
    """A non-UTF-8 export, ``</item>`` inside a post's CDATA, an end tag with a space, no newlines."""
    text = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">'
        "<channel><link>https://x.example</link>"
        "<item><title>Caf\xe9</title><content:encoded><![CDATA[<p>a </item> b</p>]]></content:encoded>"
        "<wp:post_id>5</wp:post_id><wp:post_type>post</wp:post_type></item >"
        "<item><title>Two</title><wp:post_id>6</wp:post_id></item></channel></rss>"
    )
    path = tmp_path / "latin1.xml"
    path.write_bytes(text.encode("iso-8859-1"))
    assert same_as_whole_file(path) == 2
    site = cmsbridge.connect(f"wxr:{path}")
    assert site.get("5").post.title == "Café" and "</item>" in site.get("5").raw


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(posts(max_blocks=4), min_size=1, max_size=4))
def test_any_export_cmsbridge_writes(tmp_path: Path, made: list[Post]) -> None:
    path = tmp_path / "made.xml"
    path.write_text(wxr.write_all(made, ConversionReport()), encoding="utf-8")
    assert same_as_whole_file(path) == len(made)


def test_the_site_lists_newest_first_and_filters_without_reading_every_post(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_text(wxr.write_all(POSTS, ConversionReport()), encoding="utf-8")
    site = cmsbridge.connect(f"wxr:{path}")
    whole = sorted(
        wxr.read_all(path.read_text(encoding="utf-8"), ConversionReport()),
        key=lambda p: (p.modified or p.created) is not None and (p.modified or p.created).timestamp(),  # type: ignore[union-attr]
        reverse=True,
    )
    assert [f.post.title for f in site.list()] == [p.title for p in whole]
    assert [f.post.title for f in site.list(status="future")] == ["Buenos Aires"]
