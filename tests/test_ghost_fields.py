"""Issue 15: the post fields Ghost holds (pages, featured, scheduled, canonical URL, meta title and
description, template), those it does not (reported), and protected posts (never made public)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses

from cmsbridge.backends.wordpress_rest import WordPressREST
from cmsbridge.errors import UnsupportedError
from cmsbridge.model import Comment, Paragraph, Post, Term, Text
from cmsbridge.report import ConversionReport
from tests.ghost_fakes import API, POST_ID, ghost
from tests.ghost_fakes import ghost_post as answer

PAGE_ID = "0123456789abcdef01234568"
WP = "https://news.example.com"


def created_answer(kind: str) -> Any:
    def reply(request: Any) -> tuple[int, dict[str, str], str]:
        sent = json.loads(request.body)[kind][0]
        return 201, {}, json.dumps({kind: [answer(**{**sent, "id": POST_ID})]})

    return reply


@responses.activate
def test_a_scheduled_ghost_post_is_future_and_crosses_to_wordpress() -> None:
    """Ghost's ``scheduled`` was read as a status WordPress does not know, and the migration failed."""
    responses.get(
        f"{API}/posts/{POST_ID}/",
        json={"posts": [answer(status="scheduled", published_at="2030-01-02T03:04:05.000Z")]},
    )
    post = ghost().get(POST_ID).post
    assert post.status == "future"
    assert post.created is not None and post.created.year == 2030

    sent: list[dict[str, Any]] = []

    def created(request: Any) -> tuple[int, dict[str, str], str]:
        sent.append(json.loads(request.body))
        return 201, {}, json.dumps({"id": 5, "link": f"{WP}/?p=5", "status": "future"})

    responses.add_callback(responses.POST, f"{WP}/wp-json/wp/v2/posts", callback=created)
    WordPressREST(WP, "editor", "pw", api="wp-json").create(post, report=ConversionReport())
    assert sent[0]["status"] == "future"


@responses.activate
def test_a_future_post_is_written_scheduled_and_the_listing_filters_on_it() -> None:
    responses.add_callback(responses.POST, f"{API}/posts/", callback=created_answer("posts"))
    ghost().create(Post(title="Later", status="future"))
    assert json.loads(responses.calls[0].request.body or b"{}")["posts"][0]["status"] == "scheduled"
    assert "future" in ghost().capabilities.statuses and "scheduled" not in ghost().capabilities.statuses


@responses.activate
def test_ghost_fields_are_read_into_the_post() -> None:
    responses.get(
        f"{API}/posts/{POST_ID}/",
        json={
            "posts": [
                answer(
                    featured=True,
                    canonical_url="https://elsewhere.example.com/first/",
                    meta_title="SEO title",
                    meta_description="SEO description",
                    custom_template="custom-wide",
                )
            ]
        },
    )
    post = ghost().get(POST_ID).post
    assert post.sticky is True and post.post_type == "post"
    assert post.canonical_url == "https://elsewhere.example.com/first/"
    assert (post.seo_title, post.seo_description) == ("SEO title", "SEO description")
    assert post.template == "custom-wide"


@responses.activate
def test_ghost_fields_are_written_from_the_post() -> None:
    responses.add_callback(responses.POST, f"{API}/posts/", callback=created_answer("posts"))
    post = Post(
        title="T",
        sticky=True,
        canonical_url="https://elsewhere.example.com/first/",
        seo_title="SEO title",
        seo_description="SEO description",
        template="custom-wide",
    )
    report = ConversionReport()
    ghost().create(post, report=report)
    sent = json.loads(responses.calls[0].request.body or b"{}")["posts"][0]
    assert sent["featured"] is True
    assert sent["canonical_url"] == "https://elsewhere.example.com/first/"
    assert (sent["meta_title"], sent["meta_description"]) == ("SEO title", "SEO description")
    assert sent["custom_template"] == "custom-wide"
    assert report.messages() == []


@responses.activate
def test_a_page_is_created_read_updated_and_deleted_at_ghosts_pages() -> None:
    responses.add_callback(responses.POST, f"{API}/pages/", callback=created_answer("pages"))
    ref = ghost().create(
        Post(title="About", post_type="page", blocks=(Paragraph(inlines=(Text(text="x"),)),))
    )
    assert (
        ref.id == POST_ID
        and responses.calls[0].request.url == f"{API}/pages/?include=tags%2Cauthors&formats=lexical"
    )

    # a fresh backend does not know the id: Ghost says 404 for it as a post, and it is found as a page
    missing = {"errors": [{"message": "Post not found.", "type": "NotFoundError"}]}
    responses.get(f"{API}/posts/{PAGE_ID}/", status=404, json=missing)
    responses.get(f"{API}/pages/{PAGE_ID}/", json={"pages": [answer(id=PAGE_ID, title="About")]})
    responses.put(f"{API}/pages/{PAGE_ID}/", json={"pages": [answer(id=PAGE_ID, title="About us")]})
    responses.delete(f"{API}/pages/{PAGE_ID}/", status=204)
    backend = ghost()
    fetched = backend.get(PAGE_ID)
    assert fetched.post.post_type == "page" and fetched.post.title == "About"
    backend.update(PAGE_ID, fetched.post.replace(title="About us"))
    put = [c.request for c in responses.calls if c.request.method == "PUT"]
    assert [r.url.split("?")[0] for r in put] == [f"{API}/pages/{PAGE_ID}/"]
    assert json.loads(put[0].body or b"{}")["pages"][0]["title"] == "About us"
    backend.delete(PAGE_ID)
    assert responses.calls[-1].request.method == "DELETE"


@responses.activate
def test_listing_gives_posts_and_pages_newest_first() -> None:
    done = {"meta": {"pagination": {"next": None}}}
    responses.get(f"{API}/posts/", json={"posts": [answer(id="c" * 24), answer(id="a" * 24)], **done})
    responses.get(f"{API}/pages/", json={"pages": [answer(id="b" * 24)], **done})
    listed = [(f.ref.id[0], f.post.post_type) for f in ghost().list()]
    assert listed == [("c", "post"), ("b", "page"), ("a", "post")]


@responses.activate
def test_find_looks_for_a_page_when_no_post_has_the_slug() -> None:
    missing = {"errors": [{"message": "Post not found.", "type": "NotFoundError"}]}
    responses.get(f"{API}/posts/slug/about/", status=404, json=missing)
    responses.get(f"{API}/pages/slug/about/", json={"pages": [answer(slug="about")]})
    found = ghost().find(slug="about")
    assert found is not None and found.post.post_type == "page"


@pytest.mark.parametrize(
    "post",
    [Post(title="Secret plans", password="hunter2-x"), Post(title="Secret plans", status="private")],
    ids=["password", "private"],
)
def test_a_protected_or_private_post_is_never_written_to_ghost(post: Post) -> None:
    with responses.RequestsMock() as calls, pytest.raises(UnsupportedError) as caught:
        ghost().create(post)
    assert len(calls.calls) == 0  # nothing sent
    assert "Secret plans" in str(caught.value) and "hunter2-x" not in str(caught.value)
    assert "hunter2-x" not in repr(post)


@responses.activate
def test_a_members_only_ghost_post_is_read_as_private_never_public() -> None:
    responses.get(f"{API}/posts/{POST_ID}/", json={"posts": [answer(status="published", visibility="paid")]})
    fetched = ghost().get(POST_ID)
    assert fetched.post.status == "private"
    assert any("paid" in m for m in fetched.report.messages())


@responses.activate
def test_a_pending_post_is_a_draft_on_ghost_reported() -> None:
    responses.add_callback(responses.POST, f"{API}/posts/", callback=created_answer("posts"))
    report = ConversionReport()
    ghost().create(Post(title="Review me", status="pending"), report=report)
    assert json.loads(responses.calls[0].request.body or b"{}")["posts"][0]["status"] == "draft"
    assert any("pending" in m for m in report.messages())


@responses.activate
def test_fields_ghost_does_not_hold_are_reported() -> None:
    responses.add_callback(responses.POST, f"{API}/posts/", callback=created_answer("posts"))
    post = Post(
        title="T",
        categories=(Term(name="Local", parent=Term(name="News")),),
        comment_status="closed",
        ping_status="closed",
        format="aside",
        metadata={"subtitle": "x"},
        comments=(Comment(id="1", author="A", content="Hi"),),
    )
    report = ConversionReport()
    ghost().create(post, report=report)
    said = " ".join(report.messages())
    for what in ("categories", "comment status", "ping status", "post format", "custom fields", "comment"):
        assert what in said, what
    sent = json.loads(responses.calls[0].request.body or b"{}")["posts"][0]
    assert "aside" not in json.dumps(sent) and "closed" not in json.dumps(sent)


@responses.activate
def test_a_custom_post_type_is_written_as_a_post_reported() -> None:
    responses.add_callback(responses.POST, f"{API}/posts/", callback=created_answer("posts"))
    report = ConversionReport()
    ghost().create(Post(title="T", post_type="event"), report=report)
    assert responses.calls[0].request.url.startswith(f"{API}/posts/")
    assert any("'event'" in m and "written as a post" in m for m in report.messages())
