"""A live story that opens and closes on the real Ghost: ``open_story`` and ``close_story`` once each, the
live-status HTML card kept by Ghost and rendered with its sentence, read back as the story's coverage, an
append to the closed story refused and ``reopen`` taking it, and ``LiveBlogPosting`` showing the coverage
times. The rendered page is read back directly (plain ``requests``, :class:`tests.live_soak.GhostDirect`)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cmsbridge.backends.ghost import GhostAdmin
from cmsbridge.live import Outcome, StoryClosedError, Update, append_update, close_story, open_story
from cmsbridge.live.schema import live_blog_posting
from cmsbridge.model import Paragraph, text
from tests.live_soak import GhostDirect, ghost_target

pytestmark = pytest.mark.ghost

PARIS = ZoneInfo("Europe/Paris")
START = dt.datetime(2026, 5, 6, 20, 0, tzinfo=PARIS)
END = dt.datetime(2026, 5, 7, 1, 30, tzinfo=PARIS)


def test_open_close_and_append_to_a_closed_story(ghost: GhostAdmin, ghost_site: str) -> None:
    direct = ghost_target(ghost_site).direct
    assert isinstance(direct, GhostDirect)
    post = direct.create("Live story on Ghost")
    assert open_story(ghost, post, at=START).outcome is Outcome.APPLIED
    assert open_story(ghost, post, at=END).outcome is Outcome.ALREADY_PRESENT
    page = direct.read(post)["content"]
    assert page.count('data-cmsbridge-kind="live-status"') == 1
    assert "Live coverage started 6 May 2026, 20:00 CEST." in page

    assert close_story(ghost, post, at=END).outcome is Outcome.APPLIED
    assert close_story(ghost, post).outcome is Outcome.ALREADY_PRESENT
    coverage = ghost.get(post).post.coverage
    assert coverage is not None and (coverage.start, coverage.end) == (START, END)
    assert "Live coverage ended 7 May 2026, 01:30 CEST." in direct.read(post)["content"]

    late = Update(
        at=END + dt.timedelta(minutes=5), label="UPDATE: 01:35", blocks=(Paragraph(inlines=text("Late.")),)
    )
    with pytest.raises(StoryClosedError):
        append_update(ghost, post, late)
    result = append_update(ghost, post, late, reopen=True)
    assert result.outcome is Outcome.APPLIED
    after = ghost.get(post).post
    assert after.coverage is not None and after.coverage.is_open and after.coverage.start == START
    assert result.update_id in [m.id for m in after.updates()]
    close_story(ghost, post, at=END + dt.timedelta(hours=1))
    data = live_blog_posting(ghost.get(post).post)
    assert data["coverageStartTime"] == START.isoformat()
    assert data["coverageEndTime"] == (END + dt.timedelta(hours=1)).isoformat()
