"""The example post across CMSs: WordPress -> Ghost -> WordPress gives the same post, losses reported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

import cmsbridge
from cmsbridge.backends.base import Backend
from cmsbridge.report import ConversionReport

pytestmark = [pytest.mark.wordpress, pytest.mark.ghost]
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "south-ossetia-liveblog.txt"


def _hop(backend: Backend, post: cmsbridge.Post, report: ConversionReport) -> cmsbridge.Post:
    ref = backend.create(post, report=report)
    try:
        fetched = backend.get(ref)
        for loss in fetched.report:
            report.losses.append(loss)
        return fetched.post
    finally:
        backend.delete(ref, force=True)


@pytest.mark.parametrize("transport", ["rest", "xmlrpc"])
def test_wordpress_ghost_wordpress_round_trip(
    wordpress: dict[str, Any], ghost_site: str, transport: str
) -> None:
    wp = cmsbridge.connect(wordpress["users"]["editor"][f"{transport}_site"])
    ghost = cmsbridge.connect(ghost_site)
    original = cmsbridge.read(EXAMPLE.read_text(encoding="utf-8"), "text").replace(status="publish")
    report = ConversionReport()

    from_wp = _hop(wp, original, report)
    # authors are site accounts (WordPress's "editor" is no Ghost staff user): the post moves without them
    from_ghost = _hop(ghost, from_wp.without_origin().replace(authors=()), report)
    again = _hop(wp, from_ghost.without_origin().replace(authors=()), report)

    for got in (from_wp, from_ghost, again):
        assert got.title == original.title
        assert got.blocks == original.blocks
    assert [u.anchor for u in again.updates()] == [u.anchor for u in original.updates()]
    # the example's content is nothing Ghost or WordPress cannot hold; the expected losses are fields every
    # WordPress post has and Ghost has no place for: its default category (XML-RPC posts get
    # "Uncategorized") and its discussion settings (comments and pings open or closed); and each writer
    # names the quotes cited "link" whose source URL is unknown (issue 16)
    expected = ("categories", "comment status", "ping status", "no source URL")
    assert all(any(word in m for word in expected) for m in report.messages()), report.messages()


def test_losses_across_cms_are_reported(wordpress: dict[str, Any], ghost_site: str) -> None:
    """What Ghost cannot hold (categories, a quote's linked citation with a source) is listed."""
    post = cmsbridge.Post(
        title="Losses",
        status="publish",
        categories=("World",),
        blocks=(
            cmsbridge.Quote(
                paragraphs=(cmsbridge.Paragraph(inlines=(cmsbridge.Text(text="Quoted."),)),),
                citation=(cmsbridge.Link(href="https://a.example/", children=(cmsbridge.Text(text="A"),)),),
                source_url="https://b.example/",
            ),
        ),
    )
    report = ConversionReport()
    _hop(cmsbridge.connect(ghost_site), post, report)
    messages = " ".join(report.messages()).lower()
    assert "categor" in messages
    assert "citation" in messages or "source" in messages


def test_ghost_page_links_to_updates_like_wordpress(wordpress: dict[str, Any], ghost_site: str) -> None:
    """A link to an update keeps working after a move: both pages carry the same anchors."""
    original = cmsbridge.read(EXAMPLE.read_text(encoding="utf-8"), "text").replace(status="publish")
    pages = []
    for site in (wordpress["users"]["admin"]["rest_site"], ghost_site):
        backend = cmsbridge.connect(site)
        ref = backend.create(original, report=ConversionReport())  # the quotes' unknown sources, named
        try:
            pages.append(requests.get(str(ref.link), timeout=30).text)
        finally:
            backend.delete(ref, force=True)
    for update in original.updates():
        for page in pages:
            assert f'id="{update.anchor}"' in page
