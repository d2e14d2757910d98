"""A real Ghost for the tests in this folder: started once per session by scripts/ghost-server, or taken
from ``CMSBRIDGE_TEST_GHOST`` (a ``ghost+http://KEY_ID:SECRET@host:port`` site URL). Stopped at the end
only if this session started it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from cmsbridge.backends.ghost import GhostAdmin

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "ghost-server"


def _can_install() -> bool:
    return all(shutil.which(tool) for tool in ("npm", "make", "g++"))


@pytest.fixture(scope="session")
def ghost_site() -> Iterator[str]:
    """The site URL (with the Admin API key) of a running Ghost."""
    given = os.environ.get("CMSBRIDGE_TEST_GHOST")
    if given:
        yield given
        return
    status = json.loads(
        subprocess.run([str(SCRIPT), "status"], check=True, capture_output=True, text=True).stdout
    )
    if not status["installed"] and not _can_install():
        pytest.skip(
            "Ghost is not installed and npm/make/g++ are missing to install it (scripts/ghost-server)"
        )
    was_running = bool(status["running"])
    started = subprocess.run([str(SCRIPT), "start"], capture_output=True, text=True, timeout=900)
    if started.returncode != 0:
        pytest.fail(f"scripts/ghost-server start failed:\n{started.stderr[-3000:]}")
    try:
        yield str(json.loads(started.stdout)["site"])
    finally:
        if not was_running:
            subprocess.run([str(SCRIPT), "stop"], capture_output=True, timeout=60)


@pytest.fixture()
def ghost(ghost_site: str) -> Iterator[GhostAdmin]:
    with GhostAdmin.from_url(ghost_site) as backend:
        yield backend
