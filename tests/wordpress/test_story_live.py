"""A live story that opens and closes on the real WordPress (REST and XML-RPC): ``open_story`` and
``close_story`` once each, the live-status group stored where the editor keeps it (its metadata and its
sentence), read back as the story's coverage, an append to the closed story refused and ``reopen`` taking
it, and ``LiveBlogPosting`` showing the coverage times. The stored markup is read back directly (plain
``requests``)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import cmsbridge
from cmsbridge.live import Outcome, StoryClosedError, Update, append_update, close_story, open_story
from cmsbridge.live.schema import live_blog_posting
from cmsbridge.model import Paragraph, text
from tests.live_soak import wordpress_target

pytestmark = pytest.mark.wordpress

PARIS = ZoneInfo("Europe/Paris")
START = dt.datetime(2026, 5, 6, 20, 0, tzinfo=PARIS)
END = dt.datetime(2026, 5, 7, 1, 30, tzinfo=PARIS)


@pytest.mark.parametrize("transport", ["rest", "xmlrpc"])
def test_open_close_and_append_to_a_closed_story(wordpress: dict[str, Any], transport: str) -> None:
    direct = wordpress_target(wordpress, transport).direct
    post = direct.create("Live story")
    backend = cmsbridge.connect(wordpress["users"]["editor"][f"{transport}_site"])
    assert open_story(backend, post, at=START).outcome is Outcome.APPLIED
    assert open_story(backend, post, at=END).outcome is Outcome.ALREADY_PRESENT
    stored = direct.read(post)["content"]
    assert stored.count('"live-status":{') == 1 and "Live coverage started 6 May 2026, 20:00 CEST." in stored
    assert stored.startswith('<!-- wp:group {"className":"live-status"')  # at the top of the post

    assert close_story(backend, post, at=END).outcome is Outcome.APPLIED
    assert close_story(backend, post).outcome is Outcome.ALREADY_PRESENT
    coverage = backend.get(post).post.coverage
    assert coverage is not None and (coverage.start, coverage.end) == (START, END)
    assert "Live coverage ended 7 May 2026, 01:30 CEST." in direct.read(post)["content"]

    late = Update(
        at=END + dt.timedelta(minutes=5), label="UPDATE: 01:35", blocks=(Paragraph(inlines=text("Late.")),)
    )
    with pytest.raises(StoryClosedError):
        append_update(backend, post, late)
    result = append_update(backend, post, late, reopen=True)
    assert result.outcome is Outcome.APPLIED
    after = backend.get(post).post
    assert after.coverage is not None and after.coverage.is_open and after.coverage.start == START
    assert result.update_id in [m.id for m in after.updates()]
    close_story(backend, post, at=END + dt.timedelta(hours=1))
    data = live_blog_posting(backend.get(post).post)
    assert data["coverageStartTime"] == START.isoformat()
    assert data["coverageEndTime"] == (END + dt.timedelta(hours=1)).isoformat()
