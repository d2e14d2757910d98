"""The export index reads every post exactly as reading the whole file does, one post at a time."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cmsbridge
from cmsbridge.backends.wxr_index import index, read_item
from cmsbridge.formats.wordpress import wxr
from cmsbridge.model import Post
from cmsbridge.report import ConversionReport
from tests import generated_export
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


def _item(post_id: str, slug: str, *, kind: str = "post", when: str = "", parent: str = "") -> str:
    return (
        f"<item><title>{slug}</title><wp:post_id>{post_id}</wp:post_id><wp:post_name>{slug}</wp:post_name>"
        f"<wp:post_type>{kind}</wp:post_type><wp:status>publish</wp:status>"
        f"<wp:post_date_gmt>{when}</wp:post_date_gmt><wp:post_parent>{parent}</wp:post_parent></item>"
    )


def _export(items: list[str]) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel><link>https://x.example</link>'
        + "".join(items)
        + "</channel></rss>"
    )


def test_ids_that_repeat_or_are_not_numbers_dates_of_every_shape(tmp_path: Path) -> None:
    """The index keeps numbers, not strings: ids like ``007`` or ``a-1`` and dates with fractions or
    offsets come back exactly; the first post of an id is the one got, the last item its slug."""
    path = tmp_path / "odd.xml"
    items = [
        _item("007", "seven", when="2021-01-01 10:00:00.250000"),
        _item("7", "plain-seven", when="2021-01-01 10:00:00"),
        _item("a-1", "letters", when="2021-01-01T10:00:00+05:00"),
        _item("7", "page-seven", kind="attachment"),  # a later item of id 7: its slug is 7's
        _item("", "no-id", when="0000-00-00 00:00:00"),
        _item("9", "child", kind="page", parent="a-1", when="2020-05-05 00:00:00"),
        _item("10", "child-of-7", kind="page", parent="7"),
        _item("-3", "negative", when="2019-01-01 00:00:00"),
        _item("99999999999999999999999", "huge", when="2022-02-02 00:00:00"),
    ]
    path.write_text(_export(items), encoding="utf-8")
    assert same_as_whole_file(path) == 8
    found = index(path)
    site = cmsbridge.connect(f"wxr:{path}")
    assert [i.post_id for i in found.posts] == [
        "007",
        "7",
        "a-1",
        "5",
        "9",
        "10",
        "-3",
        "99999999999999999999999",
    ]
    for post_id, slug in [("007", "seven"), ("7", "plain-seven"), ("a-1", "letters"), ("5", "no-id")]:
        item = found.by_id(post_id)
        assert item is not None and item.slug == slug and site.get(post_id).post.slug == slug
    assert found.by_id("07") is None and found.by_id("8") is None
    assert found.slugs["7"] == "page-seven" and found.slugs["a-1"] == "letters" and "8" not in found.slugs
    assert site.get("10").post.parent == "page-seven" and site.get("9").post.parent == "letters"
    seven = found.by_id("007")
    assert seven is not None and seven.when is not None and seven.when.microsecond == 250000
    whole = {e.id: e.post for e in wxr.parse(path.read_bytes()).entries}

    def changed(post_id: str) -> float:
        post = whole[post_id]
        when = post.modified or post.created
        return when.timestamp() if when is not None else float("-inf")

    listed = [f.ref.id for f in site.list()]
    assert listed == sorted(whole, key=changed, reverse=True)
    assert listed[-2:] == ["5", "10"]  # undated ones last, in file order
    found_by_slug = site.find(slug="huge")
    assert found_by_slug is not None and found_by_slug.ref.id == "99999999999999999999999"
    assert site.find(slug="page-seven") is None  # an attachment is not a post


def _retained_by_index(path: Path) -> int:
    """Bytes the index of ``path`` keeps once built (with its lookups by id made)."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        found = index(path)
        found.by_id("1")
        assert "1" in found.slugs
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(found.posts) > 0
    return kept


def test_the_index_costs_a_few_tens_of_bytes_a_post(tmp_path: Path) -> None:
    """No object per post: what the index keeps grows by less than 100 bytes a post (a slug included),
    where an object with strings per post cost about 430."""
    sizes = {}
    for count in (2_000, 6_000):
        path = tmp_path / f"{count}.xml"
        path.write_text(generated_export.export(count, paragraphs=1), encoding="utf-8")
        sizes[count] = _retained_by_index(path)
    per_post = (sizes[6_000] - sizes[2_000]) / 4_000
    assert per_post < 100, per_post
