"""Against a real Ghost (scripts/ghost-server), issue 15: pages, featured, scheduled, canonical URL, meta
title and description, each written and read back; a protected post is never written."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from cmsbridge.backends.ghost import GhostAdmin
from cmsbridge.errors import UnsupportedError
from cmsbridge.model import Paragraph, Post, Text
from cmsbridge.report import ConversionReport

pytestmark = pytest.mark.ghost


def test_a_page_keeps_its_fields_on_a_real_ghost(ghost: GhostAdmin, ghost_site: str) -> None:
    slug = f"page-{uuid.uuid4().hex[:10]}"
    page = Post(
        title="About",
        slug=slug,
        status="publish",
        post_type="page",
        sticky=True,
        canonical_url="https://elsewhere.example.com/about/",
        seo_title="About | Example",
        seo_description="Who we are",
        blocks=(Paragraph(inlines=(Text(text="Hello"),)),),
    )
    report = ConversionReport()
    ref = ghost.create(page, report=report)
    try:
        back = ghost.get(ref).post
        assert back.post_type == "page" and back.sticky is True
        assert back.canonical_url == page.canonical_url
        assert (back.seo_title, back.seo_description) == (page.seo_title, page.seo_description)
        found = ghost.find(slug=slug)
        assert found is not None and found.ref.id == ref.id
        assert ref.id in {f.ref.id for f in ghost.list(status="publish")}
        ghost.update(ref, back.replace(title="About us"))
        with GhostAdmin.from_url(ghost_site) as fresh:  # one that has not seen the page's id
            assert fresh.get(ref.id).post.title == "About us"
    finally:
        ghost.delete(ref)


def test_a_future_post_is_scheduled_on_a_real_ghost(ghost: GhostAdmin) -> None:
    when = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=30)
    ref = ghost.create(Post(title="Later", status="future", created=when))
    try:
        back = ghost.get(ref).post
        assert back.status == "future" and back.created == when
        assert ghost.get(ref).data["status"] == "scheduled"
    finally:
        ghost.delete(ref)


def test_a_protected_post_is_not_written_to_a_real_ghost(ghost: GhostAdmin) -> None:
    slug = f"secret-{uuid.uuid4().hex[:10]}"
    with pytest.raises(UnsupportedError):
        ghost.create(Post(title="Secret", slug=slug, status="publish", password="pw"))
    assert ghost.find(slug=slug) is None
