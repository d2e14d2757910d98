"""The outbox in the store's schema, on SQLite (upgraded in place from earlier versions) and on PostgreSQL
(``--outbox postgresql://...``), shared by appenders on several machines: one lock per post for all of them
(the database's advisory lock around each machine's own), entries delivered in order, once.

A "machine" here is a process with a state folder of its own (``XDG_STATE_HOME``): its flock files are
not the other's, as on another host; only the database is shared."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from cmsbridge import formats
from cmsbridge.backends.turns import LOCAL, post_turn
from cmsbridge.errors import CMSBridgeError
from cmsbridge.live import prepare
from cmsbridge.live.outbox import Outbox
from cmsbridge.model import Paragraph, Post, text
from cmsbridge.store import PostgresDatabase, schema
from cmsbridge.store.turns import SharedTurns
from tests.test_live_turns import PER_WRITER, MeetingFolder, folder_with_post, run_processes, shared, update

ROOT = Path(__file__).resolve().parent.parent

EARLIER_OUTBOX = """
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    site TEXT NOT NULL,
    post TEXT NOT NULL,
    op TEXT NOT NULL,
    update_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL DEFAULT 'pending',
    outcome TEXT,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    exit_code INTEGER
);
CREATE INDEX IF NOT EXISTS entries_pending ON entries (state, site, post, seq);
"""
"""The outbox file as cmsbridge wrote it before the outbox joined the store's versioned schema."""


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cmsbridge", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


# --- SQLite: the outbox of an earlier version keeps working ----------------------------------------------


def test_an_outbox_file_of_an_earlier_version_is_upgraded_in_place_and_keeps_its_queue(
    tmp_path: Path,
) -> None:
    path = tmp_path / "outbox.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(EARLIER_OUTBOX)
    prepared = prepare("1", update(0, 0))
    old.execute(
        "INSERT INTO entries (site, post, op, update_id, payload, created, updated) "
        "VALUES (?, ?, ?, ?, ?, 1, 1)",
        ("fake://site", "1", "append", prepared.id, prepared.to_json()),
    )
    old.commit()
    old.close()
    with Outbox(path) as outbox:
        queued = outbox.pending()
        assert [(e.seq, e.update_id, e.op) for e in queued] == [(1, prepared.id, "append")]
        assert queued[0].prepared() == prepared
        later = prepare("1", update(0, 1))
        assert outbox.record("fake://site", "1", "append", later.id, later.to_json()).seq == 2
        assert schema.version(outbox.db) == schema.VERSION
    with sqlite3.connect(path) as db:  # still the plain file, its rows where they were
        assert db.execute("SELECT seq, update_id FROM entries ORDER BY seq").fetchall() == [
            (1, prepared.id),
            (2, later.id),
        ]


# --- PostgreSQL ----------------------------------------------------------------------------------------


def outbox_appender(root: Path, post: str, me: int, reads: Any, refused: Any, state: str, url: str) -> None:
    """One machine's appender: each update recorded in the shared outbox, then the post's queue delivered
    (whatever is queued for it, the other machine's entries included)."""
    os.environ["XDG_STATE_HOME"] = state  # this machine's own flock files
    backend = MeetingFolder(root, me, reads, refused)
    with Outbox(url) as outbox:
        for n in range(PER_WRITER):
            prepared = prepare(post, update(me, n))
            entry = outbox.record(backend.site, post, "append", prepared.id, prepared.to_json())
            outbox.flush(lambda site: backend, post=post, until=entry.seq, wait=60.0)


@pytest.mark.postgres
def test_appenders_on_two_machines_sharing_a_postgresql_outbox_take_turns_and_deliver_in_order(
    pg_url: str, tmp_path: Path
) -> None:
    root = tmp_path / "site"
    post = folder_with_post(root)
    reads, refused = shared()
    machines = [str(tmp_path / f"machine-{w}") for w in (0, 1)]
    run_processes(outbox_appender, [(root, post, w, reads, refused, machines[w], pg_url) for w in (0, 1)])
    # without one lock for both machines they collide (tests/test_live_turns.py: separate outboxes)
    assert refused.value == 0, "the two machines collided: they do not share the post's lock"
    for machine in machines:  # each took its own machine's flock too: they shared nothing but the database
        assert list((Path(machine) / "cmsbridge" / "locks").glob("post-*.lock"))
    stored = formats.read((root / f"{post}.md").read_text(), "markdown").updates()
    expected = sorted(
        ((m.at, m.label) for m in [update(w, n) for w in (0, 1) for n in range(PER_WRITER)]), reverse=True
    )
    assert [(m.at, m.label) for m in stored] == expected  # each update exactly once, newest first
    with Outbox(pg_url) as outbox:
        assert outbox.pending() == []
        done = outbox.db.rows("SELECT seq, updated, state FROM entries ORDER BY seq")
    assert [state for _, _, state in done] == ["done"] * 2 * PER_WRITER
    finished = [float(updated) for _, updated, _ in done]
    assert finished == sorted(finished), "entries were not delivered in the order of their sequence"


@pytest.mark.postgres
def test_the_turn_and_its_note_are_one_for_every_machine(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Outbox(pg_url) as outbox:
        db = outbox.db
        assert isinstance(db, PostgresDatabase) and isinstance(outbox.turns, SharedTurns)
        monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "machine-a"))
        with post_turn("fake://site", "9", turns=outbox.turns) as turn:
            assert turn.held
            turn.leave_note("2026-05-06T12:00:00+00:00")
            # another machine (another connection, another state folder) cannot take it
            other = Outbox(pg_url)
            try:
                monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "machine-b"))
                with LOCAL.take(
                    "fake://site", "9", wait=0.0, give_up=None, poll=0.01, sleep=lambda s: None
                ) as mine:
                    assert mine.held  # its own flock is free: only the shared lock stands in the way

                seen: list[bool] = []
                thread = threading.Thread(target=lambda: seen.append(_try(other)))
                thread.start()
                thread.join(30)
                assert seen == [False]
            finally:
                other.close()
        monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "machine-b"))
        with Outbox(pg_url) as later, post_turn("fake://site", "9", turns=later.turns) as turn:
            assert turn.held and turn.note() == "2026-05-06T12:00:00+00:00"


def _try(outbox: Outbox) -> bool:
    with outbox.locked("fake://site", "9", wait=0.3) as held:
        return held


@pytest.mark.postgres
def test_the_command_line_appends_through_a_postgresql_outbox(pg_url: str, tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "live.md").write_text(
        formats.write(Post(title="Live", blocks=(Paragraph(inlines=text("Intro.")),)), "markdown")
    )
    site = ["--site", f"files:{posts}", "--outbox", pg_url]
    first = cli(
        "append",
        "live",
        "-",
        "--label",
        "UPDATE: 20:05 Paris time",
        *site,
        env={"XDG_STATE_HOME": str(tmp_path / "a")},
    )
    assert (first.returncode, first.stdout) == (0, "applied\n"), first.stderr
    listed = cli("outbox", "--all", "--outbox", pg_url)
    assert listed.returncode == 0, listed.stderr
    with Outbox(pg_url) as outbox:
        assert [e.state for e in outbox.entries(states=("pending", "done", "failed"))] == ["done"]
    stored = formats.read((posts / "live.md").read_text(), "markdown").updates()
    assert [m.label for m in stored] == ["UPDATE: 20:05 Paris time"]


@pytest.mark.postgres
def test_a_postgresql_outbox_never_shows_its_password(postgres: dict[str, Any]) -> None:
    secret = "Wr0ngPassw0rd-for-the-outbox"  # refused by the server: the error must not show it
    url = f"postgresql://{postgres['user']}:{secret}@{postgres['host']}:{postgres['port']}/{postgres['database']}"
    outbox = Outbox(url)
    try:
        assert secret not in repr(outbox) and secret not in outbox.label
        with pytest.raises(CMSBridgeError) as caught:
            outbox.pending()
    finally:
        outbox.close()
    assert secret not in str(caught.value)
    ran = cli("flush", "--outbox", url)
    assert ran.returncode != 0
    assert secret not in ran.stdout + ran.stderr
    assert len(ran.stderr.strip().splitlines()) == 1, ran.stderr
