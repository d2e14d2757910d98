"""Issue 16's acceptance on the real Ghost (:mod:`tests.live_desk_flow`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmsbridge.backends.ghost import GhostAdmin
from cmsbridge.model import Paragraph, Post, text
from tests.live_desk_flow import run_desk

pytestmark = pytest.mark.ghost


def test_a_desk_opens_appends_pins_and_closes_a_story(
    ghost: GhostAdmin, ghost_site: str, tmp_path: Path
) -> None:
    ref = ghost.create(Post(title="Desk", status="publish", blocks=(Paragraph(inlines=text("Intro.")),)))
    try:
        run_desk(ghost_site, ref.id, tmp_path)
    finally:
        ghost.delete(ref, force=True)
