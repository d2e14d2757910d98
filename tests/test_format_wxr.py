"""The ``wxr`` format (WordPress export files) and the read-only ``wxr:PATH`` site."""

from __future__ import annotations

import datetime as dt
import html
import json
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

import cmsbridge
from cmsbridge.backends.files import FilesBackend
from cmsbridge.errors import NotFoundError, ParseError, UnsupportedError
from cmsbridge.formats.wordpress import wxr
from cmsbridge.migration.run import migrate
from cmsbridge.model import Heading, List, ListItem, Paragraph, Post, Quote, Raw, SourceRef, Term, Text
from cmsbridge.report import ConversionReport

PLUS_0545 = dt.timezone(dt.timedelta(hours=5, minutes=45))
MINUS_0330 = dt.timezone(-dt.timedelta(hours=3, minutes=30))


def _para(value: str) -> Paragraph:
    return Paragraph(inlines=(Text(text=value),))


POSTS = [
    Post(
        title="Kathmandu ]]> at night ☃ — «quotes» & <tags>",
        slug="kathmandu-night",
        status="publish",
        excerpt="An excerpt with ]]> and ]]]]> inside",
        authors=("alice",),
        categories=("World", "Été"),
        tags=("nepal", "night life"),
        created=dt.datetime(2024, 5, 6, 23, 18, tzinfo=PLUS_0545),
        modified=dt.datetime(2024, 5, 7, 1, 2, 3, tzinfo=dt.UTC),
        featured_image="https://cdn.example/img/night.jpg",
        blocks=(
            _para("First ]]> paragraph, ünïcode 日本語 😀"),
            Heading(level=2, inlines=(Text(text="A heading"),)),
            Quote(paragraphs=(_para("Quoted"),), citation=(Text(text="Someone"),)),
            List(items=(ListItem(inlines=(Text(text="one"),)), ListItem(inlines=(Text(text="two"),)))),
            Raw(format="html", content="<script>if (a[b[0]]>1) {}</script>"),  # a custom HTML block
        ),
    ),
    Post(
        title="Buenos Aires",
        slug="buenos-aires",
        status="future",
        authors=("bob",),
        tags=("nepal",),
        created=dt.datetime(2031, 1, 2, 3, 4, 5, tzinfo=MINUS_0330),
        modified=dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=MINUS_0330),
        blocks=(_para("Line one\r\nwith a carriage return"),),
    ),
    Post(title="A draft with no dates", slug="draft", status="draft", blocks=(_para("x"),)),
]


def _without_sources(post: Post) -> Post:
    return post.replace(sources=())


def test_round_trip_of_several_posts() -> None:
    report = ConversionReport()
    data = wxr.write_all(POSTS, report)
    assert report.messages() == []
    read_report = ConversionReport()
    back = wxr.read_all(data, read_report)
    assert read_report.messages() == []
    assert [_without_sources(p) for p in back] == POSTS
    assert back[0].created is not None and back[0].created.utcoffset() == PLUS_0545.utcoffset(None)
    assert back[1].created is not None and back[1].created.utcoffset() == MINUS_0330.utcoffset(None)
    assert [p.sources[0].system for p in back] == ["wordpress"] * 3
    assert len({p.sources[0].id for p in back}) == 3
    # a second round keeps the WordPress ids
    again = wxr.read_all(wxr.write_all(back, ConversionReport()), ConversionReport())
    assert again == back


def test_cdata_is_split_and_the_file_is_well_formed_xml() -> None:
    data = wxr.write_all(POSTS, ConversionReport())
    assert "]]]]><![CDATA[>" in data
    from lxml import etree

    root = etree.fromstring(data.encode("utf-8"))
    wp = wxr.NAMESPACES["wp"]
    assert root.findtext(f"channel/{{{wp}}}wxr_version") == "1.2"
    # WordPress treats a title as HTML: the post's text title is written escaped
    assert html.unescape(root.find("channel/item/title").text) == POSTS[0].title  # type: ignore[union-attr,arg-type]
    assert "<tags>" not in root.find("channel/item/title").text  # type: ignore[union-attr,operator]


def test_read_takes_the_first_post_and_reports_the_rest() -> None:
    data = wxr.write_all(POSTS, ConversionReport())
    report = ConversionReport()
    first = cmsbridge.read(data, "wxr", report=report)
    assert _without_sources(first) == POSTS[0]
    assert any("3 posts" in m for m in report.messages())
    one = cmsbridge.write(POSTS[1], "wxr", report=ConversionReport())
    assert len(wxr.read_all(one, ConversionReport())) == 1
    with pytest.raises(ParseError):
        cmsbridge.read(wxr.write_all([], ConversionReport()), "wxr", report=ConversionReport())
    with pytest.raises(ParseError):
        cmsbridge.read("<rss><channel><item>", "wxr", report=ConversionReport())


def test_what_wxr_cannot_hold_is_reported() -> None:
    post = POSTS[2].replace(
        authors=("a", "b"),
        metadata={"k": 1},
        title="bell \x07 here",
        sources=(SourceRef(system="ghost", id="abc"),),
    )
    report = ConversionReport()
    back = wxr.read_all(wxr.write_all([post], report), ConversionReport())[0]
    messages = " | ".join(report.messages())
    assert "one author" in messages and "metadata" in messages and "ghost:abc" in messages
    assert "characters XML cannot hold" in messages
    assert back.title == "bell  here" and back.authors == ("a",)


EXPORT_1_1 = """<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.1/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.1/">
<channel><link>https://old.example</link><wp:wxr_version>1.1</wp:wxr_version>
<item><title>Old &secret; post</title><link>https://old.example/?p=7</link>
  <dc:creator><![CDATA[carol]]></dc:creator>
  <content:encoded><![CDATA[<p>Classic <b>HTML</b></p>]]></content:encoded>
  <excerpt:encoded><![CDATA[Short]]></excerpt:encoded>
  <wp:post_id>7</wp:post_id>
  <wp:post_date>2010-03-04 10:00:00</wp:post_date><wp:post_date_gmt>2010-03-04 09:00:00</wp:post_date_gmt>
  <wp:post_name>old-post</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
  <wp:post_password>pw</wp:post_password>
  <category domain="category" nicename="news"><![CDATA[News]]></category>
  <category domain="post_format" nicename="post-format-aside"><![CDATA[Aside]]></category>
  <wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>99</wp:meta_value></wp:postmeta>
  <wp:postmeta><wp:meta_key>subtitle</wp:meta_key><wp:meta_value>x</wp:meta_value></wp:postmeta>
  <wp:comment><wp:comment_id>1</wp:comment_id></wp:comment>
</item>
<item><title>About</title><wp:post_id>8</wp:post_id><wp:post_type>page</wp:post_type></item>
<item><title>Draft</title><wp:post_id>9</wp:post_id><wp:post_type>post</wp:post_type><wp:status>draft</wp:status>
  <wp:post_date>2010-03-05 10:00:00</wp:post_date><wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt>
</item>
</channel></rss>
"""


def test_an_older_export_with_losses_and_no_entity_expansion() -> None:
    report = ConversionReport()
    posts = wxr.read_all(EXPORT_1_1, report)
    assert len(posts) == 3  # pages are read (issue 15)
    old = posts[0]
    assert "root:" not in old.title
    assert (old.slug, old.status, old.excerpt, old.authors, old.categories) == (
        "old-post",
        "publish",
        "Short",
        ("carol",),
        (Term(name="News"),),
    )
    # read since issue 15: the password, the post format, custom fields, pages
    assert (old.password, old.format, old.metadata) == ("pw", "aside", {"subtitle": "x"})
    assert (posts[1].post_type, posts[1].title) == ("page", "About")
    assert old.created == dt.datetime(2010, 3, 4, 9, tzinfo=dt.UTC)
    assert old.created.utcoffset() == dt.timedelta(hours=1)
    assert old.sources == (
        SourceRef(system="wordpress", site="https://old.example", id="7", link="https://old.example/?p=7"),
    )
    assert posts[2].created is None
    assert [c.id for c in old.comments] == ["1"]  # comments are read (issue 15)
    messages = " | ".join(report.messages())
    for expected in (
        "attachment 99",
        "post 9: post_date 2010-03-05 10:00:00 has no GMT time",
    ):
        assert expected in messages, expected


# --- the wxr: site ---------------------------------------------------------------------------------------


def test_wxr_site_is_read_only_and_a_migration_source(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_text(wxr.write_all(POSTS, ConversionReport()), encoding="utf-8")
    site = cmsbridge.connect(f"wxr:{path}")
    listed = list(site.list())
    assert sorted(f.post.title for f in listed) == sorted(p.title for p in POSTS)
    assert [f.post.title for f in site.list(status="future")] == ["Buenos Aires"]
    found = site.find(slug="buenos-aires")
    assert found is not None and site.get(found.ref).post == found.post
    assert site.find(slug="nope") is None
    with pytest.raises(NotFoundError):
        site.get("12345")
    with pytest.raises(UnsupportedError):
        site.create(POSTS[0])
    with pytest.raises(UnsupportedError):
        site.delete(found.ref)

    target = FilesBackend(tmp_path / "posts", format="json")
    state = tmp_path / "state.db"
    first = migrate(site, target, state=state, authors="keep")
    assert (first.created, first.failed) == (3, 0), first.to_text()
    copied = {f.post.slug: f.post for f in target.list()}
    assert copied["kathmandu-night"].blocks == POSTS[0].blocks
    assert copied["kathmandu-night"].categories == POSTS[0].categories

    changed = [POSTS[0].replace(title="Kathmandu, updated"), *POSTS[1:]]
    path.write_text(wxr.write_all(changed, ConversionReport()), encoding="utf-8")
    second = migrate(cmsbridge.connect(f"wxr:{path}"), target, state=state, authors="keep")
    assert (second.created, second.updated, second.skipped) == (0, 1, 2)
    assert copied.keys() == {f.post.slug for f in target.list()}
    assert target.get("kathmandu-night").post.title == "Kathmandu, updated"


# --- WordPress's own side -----------------------------------------------------------------------------

PHP_READER = r"""<?php
// Reads a WXR file the way WordPress's importer (WXR_Parser_SimpleXML) does, and prints what it got.
$dom = new DOMDocument;
if (!$dom->loadXML(file_get_contents($argv[1]))) { fwrite(STDERR, "not XML\n"); exit(1); }
$xml = simplexml_import_dom($dom);
$version = $xml->xpath('/rss/channel/wp:wxr_version');
if (!$version || !preg_match('/^\d+\.\d+$/', (string) $version[0])) {
    fwrite(STDERR, "no version\n");
    exit(1);
}
$ns = $xml->getDocNamespaces();
$out = array('authors' => array(), 'posts' => array());
foreach ($xml->xpath('/rss/channel/wp:author') as $a) {
    $out['authors'][] = (string) $a->children($ns['wp'])->author_login;
}
foreach ($xml->channel->item as $item) {
    $wp = $item->children($ns['wp']);
    $post = array(
        'title' => (string) $item->title,
        'author' => (string) $item->children('http://purl.org/dc/elements/1.1/')->creator,
        'content' => (string) $item->children('http://purl.org/rss/1.0/modules/content/')->encoded,
        'excerpt' => (string) $item->children($ns['excerpt'])->encoded,
        'id' => (int) $wp->post_id, 'date_gmt' => (string) $wp->post_date_gmt,
        'name' => (string) $wp->post_name, 'status' => (string) $wp->status,
        'type' => (string) $wp->post_type, 'terms' => array(), 'meta' => array(),
    );
    foreach ($item->category as $c) {
        $att = $c->attributes();
        if (isset($att['nicename'])) {
            $post['terms'][] = array((string) $att['domain'], (string) $c);
        }
    }
    foreach ($wp->postmeta as $m) {
        $post['meta'][(string) $m->meta_key] = (string) $m->meta_value;
    }
    $out['posts'][] = $post;
}
echo json_encode($out);
"""


def test_php_reads_the_file_as_wordpress_s_importer_does(tmp_path: Path) -> None:
    if shutil.which("php") is None:
        pytest.skip("php is not installed (scripts/wordpress-server installs it)")
    path, script = tmp_path / "export.xml", tmp_path / "read.php"
    path.write_text(wxr.write_all(POSTS, ConversionReport()), encoding="utf-8")
    script.write_text(PHP_READER, encoding="utf-8")
    result = subprocess.run(["php", str(script), str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert sorted(got["authors"]) == ["alice", "bob"]
    posts = [p for p in got["posts"] if p["type"] == "post"]
    attachments = {p["id"]: p for p in got["posts"] if p["type"] == "attachment"}
    assert [html.unescape(p["title"]) for p in posts] == [p.title for p in POSTS]
    assert [p["name"] for p in posts] == [p.slug for p in POSTS]
    assert [p["status"] for p in posts] == [p.status for p in POSTS]
    assert html.unescape(posts[0]["excerpt"]) == POSTS[0].excerpt
    assert posts[1]["content"] == cmsbridge.write(Post(blocks=POSTS[1].blocks), "gutenberg")
    assert "a[b[0]]>1" in posts[0]["content"]
    assert posts[0]["date_gmt"] == "2024-05-06 17:33:00"
    assert sorted(posts[0]["terms"]) == sorted(
        [["category", "World"], ["category", "Été"], ["post_tag", "nepal"], ["post_tag", "night life"]]
    )
    thumbnail = attachments[int(posts[0]["meta"]["_thumbnail_id"])]
    assert thumbnail["status"] == "inherit"


def _export(wordpress: dict[str, Any], category_id: int) -> str:
    """WordPress's own export (Tools > Export) of one category's posts, as a logged-in administrator."""
    url = wordpress["url"]
    admin = wordpress["users"]["admin"]
    session = requests.Session()
    session.cookies.set("wordpress_test_cookie", "WP Cookie check")
    login = session.post(
        f"{url}/wp-login.php",
        data={
            "log": admin["user"],
            "pwd": admin["password"],
            "testcookie": "1",
            "redirect_to": f"{url}/wp-admin/",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert login.status_code == 302, login.status_code
    exported = session.get(
        f"{url}/wp-admin/export.php",
        params={"download": "true", "content": "posts", "cat": str(category_id)},
        timeout=60,
    )
    assert exported.status_code == 200 and "xml" in exported.headers.get("content-type", "")
    return exported.text


@pytest.mark.wordpress
def test_reading_an_export_wordpress_made(wordpress: dict[str, Any], tmp_path: Path) -> None:
    site = cmsbridge.connect(wordpress["users"]["admin"]["rest_site"])
    site.media_roots = (tmp_path,)  # type: ignore[attr-defined]  # the featured image's folder
    category = f"wxr-{uuid.uuid4().hex[:8]}"
    image = tmp_path / "pixel.png"
    image.write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000100e5270de40000000049454e44ae426082"
        )
    )
    made = [
        POSTS[0].replace(
            categories=(category,),
            slug=f"{category}-one",
            featured_image=str(image),
            authors=(),
            modified=None,
        ),
        # WordPress's exporter writes carriage returns raw into CDATA, where XML reads them as newlines
        POSTS[1].replace(
            categories=(category,),
            slug=f"{category}-two",
            status="publish",
            authors=(),
            modified=None,
            blocks=(_para("no carriage return"),),
        ),
        POSTS[2].replace(categories=(category,), slug=f"{category}-three", status="draft"),
    ]
    refs = [site.create(p, report=ConversionReport()) for p in made]
    try:
        report = ConversionReport()
        exported = wxr.read_all(_export(wordpress, _category_id(site, category)), report)
        by_id = {p.sources[0].id or "": p for p in exported}
        assert sorted(by_id) == sorted(r.id for r in refs)
        for ref in refs:
            rest = site.get(ref).post
            got = by_id[ref.id]
            for name in ("title", "slug", "status", "excerpt", "authors", "categories", "tags"):
                assert getattr(got, name) == getattr(rest, name), name
            if rest.status == "draft":  # a new draft's dates float (no GMT in the export): reported
                assert got.created is None and got.modified is None
                for field in ("post_date", "post_modified"):
                    assert any(f"post {ref.id}: {field} " in m for m in report.messages())
            else:
                assert (got.created, got.modified) == (rest.created, rest.modified)
            assert got.blocks == rest.blocks
            assert got.sources[0].link == ref.link or got.sources[0].link == rest.sources[0].link
        featured = by_id[refs[0].id].featured_image
        rest_featured = site.get(refs[0]).post.featured_image
        assert featured == rest_featured or any("featured image" in m for m in report.messages())
    finally:
        for ref in refs:
            site.delete(ref, force=True)


def _category_id(site: Any, name: str) -> int:
    return int(site._category_id(Term(name=name), ConversionReport()))
