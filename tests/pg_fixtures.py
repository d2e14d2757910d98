"""Pytest fixtures for a real PostgreSQL (scripts/postgres-server), started once per session.

``CMSBRIDGE_TEST_PG`` may name a running server instead: the JSON that ``postgres-server start`` prints, or
a path to a file holding it. Otherwise the script starts one (installing PostgreSQL as root when needed)
and the session stops it at the end if it started it. When it cannot be started, the tests skip on a
developer machine and fail in CI (``CI=true``). Tests that use these fixtures are marked ``postgres``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "postgres-server"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _given_server() -> dict[str, Any] | None:
    given = os.environ.get("CMSBRIDGE_TEST_PG", "").strip()
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
def postgres() -> Iterator[dict[str, Any]]:
    """The running server: ``url`` (no password in it), ``password``, ``host``, ``port``, ``user``,
    ``database``."""
    given = _given_server()
    if given is not None:
        yield given
        return
    was_running = _run("status").returncode == 0
    started = _run("start")
    if started.returncode != 0:
        message = f"cannot start PostgreSQL: {started.stderr.strip()[-2000:]}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    yield json.loads(started.stdout)
    if not was_running:
        _run("stop")


@pytest.fixture
def pg_url(postgres: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, empty database on the server for one test (dropped after it): its URL, without the
    password, which is in ``PGPASSWORD`` for the test."""
    import psycopg

    monkeypatch.setenv("PGPASSWORD", str(postgres["password"]))
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = f"{postgres['url']}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield f"postgresql://{postgres['user']}@{postgres['host']}:{postgres['port']}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
