"""Pytest fixtures for a real WordPress (scripts/wordpress-server), started once per session.

``CMSBRIDGE_TEST_WP`` may name a running site instead: the JSON that ``wordpress-server start`` prints, or
a path to a file holding it. Otherwise the script starts one (installing packages as root when needed)
and the session stops it at the end if it started it. When it cannot be started, the tests skip on a
developer machine and fail in CI (``CI=true``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "wordpress-server"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _given_site() -> dict[str, Any] | None:
    given = os.environ.get("CMSBRIDGE_TEST_WP", "").strip()
    if not given:
        return None
    text = given if given.startswith("{") else Path(given).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _run(command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), command], capture_output=True, text=True, timeout=900, check=False
    )


@pytest.fixture(scope="session")
def wordpress() -> Iterator[dict[str, Any]]:
    """The running test site: ``url``, ``xmlrpc``, ``users`` (admin, editor, author with ``user``,
    ``password``, ``app_password``, ``id``, ``rest_site`` and ``xmlrpc_site`` URLs)."""
    given = _given_site()
    if given is not None:
        yield given
        return
    was_running = _run("status").returncode == 0
    started = _run("start")
    if started.returncode != 0:
        message = f"cannot start WordPress: {started.stderr.strip()[-2000:]}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    site = json.loads(started.stdout)
    yield site
    if not was_running:
        _run("stop")
        # the PHP server's workers (PHP_CLI_SERVER_WORKERS) stop with it, not serving on as orphans
        left = subprocess.run(["pgrep", "-g", str(site["pid"])], capture_output=True, text=True).stdout
        assert not left.strip(), f"processes of the stopped WordPress server still run: {left.split()}"


@pytest.fixture(scope="session", params=["admin", "editor", "author"])
def wp_role(request: pytest.FixtureRequest) -> str:
    """Each WordPress role the tests publish as."""
    return str(request.param)
