"""Issue 15, item 1: every post field WordPress holds crosses WXR, REST and XML-RPC: pages with their
parent and order, password protection, sticky, comment and ping status, post format, template, statuses,
categories with their hierarchy, SEO meta and custom fields. Sites are simulated in memory
(:mod:`tests.backends.wordpress_fields_fakes`); on a real server: tests/wordpress/test_fields_live.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import responses

from cmsbridge.backends.base import Capabilities, Transport, written_content
from cmsbridge.backends.wordpress_rest import WordPressREST
from cmsbridge.backends.wordpress_xmlrpc import WordPressXMLRPC
from cmsbridge.backends.wxr_file import WXRFileBackend
from cmsbridge.errors import UnsupportedError
from cmsbridge.formats.wordpress import wxr
from cmsbridge.migration.run import migrate
from cmsbridge.model import Post, Term
from cmsbridge.report import ConversionReport

from .wordpress_fields_fakes import EXPORT, PASSWORD, SITE, FakeREST, FakeXMLRPC

NEWS, SPORT = Term(name="News"), Term(name="Sport")  # a slug the name gives is not kept
FOO_NEWS = Term(name="Foo A", parent=NEWS)
FOO_SPORT = Term(name="Foo A", slug="foo-a-sport", parent=SPORT)
# what the backends keep of a post besides its blocks: every field but its provenance and dates
COMPARED = [
    "title",
    "slug",
    "status",
    "post_type",
    "parent",
    "menu_order",
    "password",
    "sticky",
    "comment_status",
    "ping_status",
    "format",
    "template",
    "categories",
    "tags",
    "canonical_url",
    "seo_title",
    "seo_description",
    "metadata",
]


def read_export() -> dict[str, Post]:
    report = ConversionReport()
    posts = wxr.read_all(EXPORT, report)
    return {str(p.slug): p for p in posts}


def fields(post: Post, names: list[str] = COMPARED) -> dict[str, object]:
    return {name: getattr(post, name) for name in names}


def rest() -> WordPressREST:
    return WordPressREST(SITE, "editor", "app pass word", api="wp-json", transport=Transport())


def xmlrpc_site() -> WordPressXMLRPC:
    return WordPressXMLRPC(SITE, "editor", "pw", transport=Transport())


# --- WXR --------------------------------------------------------------------------------------------


def test_wxr_reads_pages_protection_sticky_statuses_formats_terms_seo_and_custom_fields() -> None:
    report = ConversionReport()
    posts = {str(p.slug): p for p in wxr.read_all(EXPORT, report)}
    assert sorted(posts) == sorted(
        ["about", "team", "protected", "sticky", "scheduled", "aside", "seo", "private", "pending"]
    )
    about, team = posts["about"], posts["team"]
    assert (about.post_type, about.menu_order, about.template, about.parent) == ("page", 2, "wide.php", None)
    assert (about.comment_status, about.ping_status) == ("closed", "closed")
    assert (team.post_type, team.parent, team.menu_order) == ("page", "about", 1)
    assert posts["protected"].password == PASSWORD
    assert posts["protected"].categories == (FOO_NEWS,)
    assert posts["sticky"].sticky and posts["sticky"].categories == (FOO_SPORT,)
    assert posts["sticky"].categories != posts["protected"].categories  # two "Foo A" stay two terms
    assert posts["scheduled"].status == "future"
    assert posts["scheduled"].created == dt.datetime(2031, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    assert posts["aside"].format == "aside"
    seo = posts["seo"]
    assert (seo.seo_title, seo.seo_description, seo.canonical_url) == (
        "SEO title",
        "SEO description",
        "https://example.org/seo",
    )
    assert seo.metadata == {"color": "red"}  # WordPress's own meta (_edit_lock) is not a custom field
    assert (posts["private"].status, posts["pending"].status) == ("private", "pending")
    assert report.messages() == []
    assert PASSWORD not in repr(posts["protected"])


def test_wxr_writes_every_field_back() -> None:
    posts = list(read_export().values())
    report = ConversionReport()
    again = wxr.read_all(wxr.write_all(posts, report), ConversionReport())
    assert [fields(p) for p in again] == [fields(p) for p in posts]
    assert [p.blocks for p in again] == [p.blocks for p in posts]
    assert report.messages() == []


def test_wxr_writes_parent_categories_first_and_same_named_terms_apart() -> None:
    posts = [
        Post(title="a", categories=(FOO_SPORT,)),
        Post(title="b", categories=(Term(name="Foo A", parent=NEWS),)),
    ]
    written = wxr.write_all(posts, ConversionReport())
    channel = written[: written.index("<item>")]
    order = [channel.index(f"<wp:cat_name><![CDATA[{name}]]>") for name in ("Sport", "News")]
    assert all(at < channel.rindex("<wp:cat_name><![CDATA[Foo A]]>") for at in order)
    back = wxr.read_all(written, ConversionReport())
    assert [c.path() for p in back for c in p.categories] == [("Sport", "Foo A"), ("News", "Foo A")]
    assert back[0].categories[0].slug != back[1].categories[0].slug


def test_wxr_file_backend_reads_parents_and_category_hierarchy_one_item_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_text(EXPORT, encoding="utf-8")
    listed = {f.post.slug: f.post for f in WXRFileBackend(path).list()}
    expected = read_export()
    assert listed["team"].parent == "about" and listed["sticky"].categories == (FOO_SPORT,)
    assert {slug: fields(p) for slug, p in listed.items()} == {
        slug: fields(p) for slug, p in expected.items()
    }


# --- REST and XML-RPC -------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [rest, xmlrpc_site], ids=["rest", "xmlrpc"])
@responses.activate
def test_every_field_crosses_a_wordpress_backend_and_reads_back(make: object) -> None:
    fake = FakeREST() if make is rest else FakeXMLRPC()
    backend = rest() if make is rest else xmlrpc_site()
    posts = read_export()
    refs = {}
    reports = {}
    for slug in ["about", "team", "protected", "sticky", "scheduled", "aside", "seo", "private", "pending"]:
        reports[slug] = ConversionReport()
        refs[slug] = backend.create(posts[slug], report=reports[slug])
    for slug, ref in refs.items():
        got = backend.get(ref).post
        expected = posts[slug]
        # protected post meta: out of reach of both (REST: the site exposes custom field "color" only)
        expected = expected.model_copy(
            update={"seo_title": None, "seo_description": None, "canonical_url": None}
        )
        assert fields(got) == fields(expected), slug
        assert got.created == expected.created
    if isinstance(backend, WordPressXMLRPC):  # wp.newPost takes neither: wp.editPage gives them
        assert isinstance(fake, FakeXMLRPC) and fake.calls.count("wp.editPage") == 2  # about, team
        assert not any("template" in m or "menu order" in m for m in reports["about"].messages())
    seo_losses = " ".join(reports["seo"].messages())
    assert "_yoast_wpseo_title" in seo_losses or "SEO title" in seo_losses
    for report in reports.values():
        assert PASSWORD not in " ".join(report.messages())
    assert fake.items


@responses.activate
def test_rest_creates_parent_categories_first_once_each_and_keeps_same_named_ones_apart() -> None:
    fake = FakeREST()
    backend = rest()
    posts = read_export()
    for slug in ("protected", "sticky", "protected"):
        backend.create(posts[slug])
    created = [t for t in fake.terms.values() if t["taxonomy"] == "categories"]
    assert [(t["name"], t["parent"]) for t in created] == [
        ("News", 0),
        ("Foo A", created[0]["id"]),
        ("Sport", 0),
        ("Foo A", created[2]["id"]),
    ]
    term_requests = [r[0] for r in fake.requests if "/categories" in r[1]]
    # the categories listed once (one page), then each of the four created once: a cache per run
    assert term_requests == ["GET"] + ["POST"] * 4


@responses.activate
def test_rest_sends_password_sticky_format_and_page_parent() -> None:
    fake = FakeREST()
    backend = rest()
    posts = read_export()
    about = backend.create(posts["about"])
    team = backend.create(posts["team"])
    protected = backend.create(posts["protected"])
    assert fake.items[int(team.id)]["parent"] == int(about.id)
    assert fake.items[int(team.id)]["menu_order"] == 1
    assert fake.items[int(protected.id)]["password"] == PASSWORD
    assert fake.items[int(protected.id)]["status"] == "publish"
    assert [m for m, u in fake.requests if "/pages" in u and m == "POST"] == ["POST", "POST"]


def test_a_protected_post_is_never_written_where_it_would_become_public() -> None:
    unprotected = Capabilities(
        system="ghost", transport="admin-api", content_format="lexical", conditional_write="native"
    )
    post = read_export()["protected"]
    with pytest.raises(UnsupportedError) as caught:
        written_content(post, unprotected, ConversionReport())
    assert "protected" in str(caught.value) and PASSWORD not in str(caught.value)


def test_fields_a_backend_does_not_hold_are_reported() -> None:
    bare = Capabilities(
        system="other", transport="rest", content_format="gutenberg", conditional_write="none"
    )
    report = ConversionReport()
    posts = read_export()
    for slug in ("team", "sticky", "aside", "seo"):
        written_content(posts[slug], bare, report)
    text = " ".join(report.messages())
    for what in (
        "parent page",
        "sticky",
        "comment status",
        "post format",
        "SEO title",
        "custom fields",
        "parent categories",
    ):
        assert what in text, what


# --- migration ----------------------------------------------------------------------------------------


@responses.activate
def test_migration_writes_parent_pages_before_their_children(tmp_path: Path) -> None:
    fake = FakeREST()
    path = tmp_path / "export.xml"
    path.write_text(EXPORT, encoding="utf-8")
    listed = [f.post.slug for f in WXRFileBackend(path).list()]
    assert listed.index("team") < listed.index("about")  # the child is listed first (newer)
    report = migrate(WXRFileBackend(path), rest(), state=tmp_path / "state.db")
    assert report.ok, [p.error for p in report.posts]
    pages = {v["slug"]: v for v in fake.items.values() if v["type"] == "page"}
    assert pages["team"]["parent"] == pages["about"]["id"]
    assert pages["about"]["id"] < pages["team"]["id"]


@responses.activate
def test_what_wordpress_does_not_hold_for_a_type_is_left_out_and_reported() -> None:
    fake = FakeREST()
    report = ConversionReport()
    sticky_and_protected = Post(title="S", slug="s", status="publish", sticky=True, password=PASSWORD)
    page_with_terms = Post(title="P", slug="p", post_type="page", categories=(NEWS,), format="aside")
    made = [rest().create(post, report=report) for post in (sticky_and_protected, page_with_terms)]
    stored = [fake.items[int(ref.id)] for ref in made]
    assert stored[0]["sticky"] is False and stored[0]["password"] == PASSWORD
    assert "categories" not in stored[1] and "format" not in stored[1]
    text = " ".join(report.messages())
    assert "sticky" in text and "categories for a page" in text and "format for a page" in text
    assert PASSWORD not in text
