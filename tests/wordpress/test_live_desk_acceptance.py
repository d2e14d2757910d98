"""Issue 16's acceptance on the real WordPress, over REST and XML-RPC (:mod:`tests.live_desk_flow`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import cmsbridge
from cmsbridge.model import Paragraph, Post, text
from tests.live_desk_flow import run_desk

pytestmark = pytest.mark.wordpress


@pytest.mark.parametrize("transport", ["rest", "xmlrpc"])
def test_a_desk_opens_appends_pins_and_closes_a_story(
    wordpress: dict[str, Any], transport: str, tmp_path: Path
) -> None:
    url = wordpress["users"]["admin"][f"{transport}_site"]
    backend = cmsbridge.connect(url)
    ref = backend.create(Post(title="Desk", status="publish", blocks=(Paragraph(inlines=text("Intro.")),)))
    try:
        run_desk(url, ref.id, tmp_path)
    finally:
        backend.delete(ref, force=True)
