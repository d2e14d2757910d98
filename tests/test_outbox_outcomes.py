"""Outcomes of the outbox that mean what they say (issue 13): ``--budget`` bounds a whole ``append`` or
``flush`` run, sites are stored so a flush from cron's working directory finds them, only an entry's own bad
data fails it for good, ``flush`` exits non-zero when something failed, and no stored error holds a secret."""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from cmsbridge.backends.base import Ref, Versioned
from cmsbridge.backends.files import FilesBackend
from cmsbridge.errors import (
    CMSBridgeError,
    ConnectionFailedError,
    ParseError,
    ServerError,
    UnexpectedResponseError,
)
from cmsbridge.live import prepare
from cmsbridge.live.outbox import Outbox
from cmsbridge.model import Paragraph, Post, text
from tests.live_fake import FakeBackend, FakeClock, StoredPost
from tests.test_live_unit import initial, policy, update

HANG_GUARD = 60.0
"""Seconds after which a command is taken to hang (not a performance bound: the runs take seconds)."""


def cli(cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [sys.executable, "-m", "cmsbridge.cli", *args],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=cwd,
            env={**os.environ, "CMSBRIDGE_SITE": ""},
            timeout=HANG_GUARD,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"cmsbridge {args[0]} did not return within {HANG_GUARD:g} s")


def _record(box: Path, site: str, post: str, minute: int = 1) -> str:
    prepared = prepare(post, update(minute))
    with Outbox(box) as outbox:
        outbox.record(site, post, "append", prepared.id, prepared.to_json())
    return prepared.id


def _states(box: Path) -> list[str]:
    with Outbox(box) as outbox:
        return [e.state for e in outbox.entries(states=("pending", "failed", "done"))]


# --- --budget bounds the whole run ---------------------------------------------------------------------


@contextlib.contextmanager
def trickling_server() -> Iterator[int]:
    """A server that answers every request with a JSON body sent one byte every 0.3 s, forever."""
    stop = threading.Event()

    class Trickle(http.server.BaseHTTPRequestHandler):
        def _trickle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            while not stop.wait(0.3):
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return

        do_GET = do_POST = do_PUT = do_HEAD = _trickle

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


def test_append_against_a_trickling_server_returns_within_its_budget_and_stays_queued(tmp_path: Path) -> None:
    box = tmp_path / "o.db"
    with trickling_server() as port:
        site = f"wordpress+http://editor:pw@127.0.0.1:{port}?api=wp-json"
        result = cli(
            tmp_path,
            *("append", "12", "-", "--site", site, "--outbox", str(box)),
            *("--timeout", "1", "--budget", "2", "--label", "UPDATE"),
            stdin="Hello.\n",
        )
    assert (result.returncode, result.stdout.strip()) == (75, "queued"), result.stderr
    assert _states(box) == ["pending"]


def test_flush_against_a_trickling_server_returns_within_its_budget_and_leaves_the_rest_queued(
    tmp_path: Path,
) -> None:
    box = tmp_path / "o.db"
    with trickling_server() as port:
        site = f"wordpress+http://editor:pw@127.0.0.1:{port}?api=wp-json"
        for post in ("12", "13", "14"):
            _record(box, site, post)
        result = cli(
            tmp_path, "flush", "--site", site, "--outbox", str(box), "--timeout", "1", "--budget", "2"
        )
    assert result.returncode == 75, result.stderr
    assert _states(box) == ["pending"] * 3


class SlowBackend(FakeBackend):
    """Each read takes twenty seconds of the fake clock."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(initial("json"))
        self.posts["2"] = StoredPost(initial("json"), history=[initial("json")])
        self.clock = clock
        self.read_posts: list[str] = []

    def read_versioned(self, ref: Ref) -> Versioned:
        self.read_posts.append(str(ref))
        self.clock.now += 20
        return super().read_versioned(ref)


def test_a_flush_starts_no_delivery_once_the_runs_deadline_has_passed(tmp_path: Path) -> None:
    from cmsbridge.retry import Deadline

    clock = FakeClock()
    backend = SlowBackend(clock)
    with Outbox(tmp_path / "o.db") as outbox:
        for post in ("1", "2"):
            prepared = prepare(post, update(1))
            outbox.record("fake://site", post, "append", prepared.id, prepared.to_json())
        deadline = Deadline.after(15, clock=clock)
        deliveries = outbox.flush(lambda site: backend, retry=policy(clock), deadline=deadline)
        assert [(d.entry.post, d.state) for d in deliveries] == [("1", "done")]
        assert "2" not in backend.read_posts
        assert [e.post for e in outbox.pending()] == ["2"]


# --- sites: a flush from another working directory -------------------------------------------------------


def _folder_with_a_post(root: Path) -> str:
    posts = FilesBackend(root / "posts")
    return posts.create(Post(title="Live", blocks=(Paragraph(inlines=text("Intro.")),))).id


def test_a_flush_from_crons_directory_delivers_to_the_default_folder_the_update_was_recorded_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    newsroom, cron = tmp_path / "newsroom", tmp_path / "cron"
    cron.mkdir(parents=True)
    post_id = _folder_with_a_post(newsroom)
    box = tmp_path / "o.db"
    monkeypatch.chdir(newsroom)
    update_id = _record(box, "files:posts", post_id)  # what append records with the default site

    result = cli(cron, "flush", "--outbox", str(box))
    assert result.returncode == 0, result.stderr
    stored = FilesBackend(newsroom / "posts").get(post_id).post
    assert [m.id for m in stored.updates()] == [update_id]
    assert _states(box) == ["done"]


def test_a_profile_is_stored_as_the_site_it_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    newsroom, cron = tmp_path / "newsroom", tmp_path / "cron"
    cron.mkdir(parents=True)
    post_id = _folder_with_a_post(newsroom)
    (newsroom / "cmsbridge.toml").write_text('[sites.desk]\nurl = "files:posts"\n', encoding="utf-8")
    box = tmp_path / "o.db"
    monkeypatch.chdir(newsroom)
    update_id = _record(box, "desk", post_id)

    result = cli(cron, "flush", "--outbox", str(box))  # no ./cmsbridge.toml there
    assert result.returncode == 0, result.stderr
    assert [m.id for m in FilesBackend(newsroom / "posts").get(post_id).post.updates()] == [update_id]


def test_a_site_that_cannot_be_reached_from_here_leaves_its_updates_queued(tmp_path: Path) -> None:
    gone = tmp_path / "unmounted"
    post_id = _folder_with_a_post(gone)
    box = tmp_path / "o.db"
    _record(box, f"files:{gone / 'posts'}", post_id)
    shutil.rmtree(gone)

    result = cli(tmp_path, "flush", "--outbox", str(box))
    assert result.returncode == 75, result.stderr
    assert "does not exist" in result.stdout + result.stderr
    assert _states(box) == ["pending"]


def test_flush_exits_non_zero_when_an_update_failed(tmp_path: Path) -> None:
    _folder_with_a_post(tmp_path)
    box = tmp_path / "o.db"
    _record(box, f"files:{tmp_path / 'posts'}", "no-such-post")

    result = cli(tmp_path, "flush", "--outbox", str(box))
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert _states(box) == ["failed"]


# --- transient failures stay queued; only an entry's own bad data fails it -------------------------------


class Glitching(FakeBackend):
    """Fails the first read with ``error``, then works."""

    def __init__(self, error: Exception) -> None:
        super().__init__(initial("json"))
        self.error: Exception | None = error

    def read_versioned(self, ref: Ref) -> Versioned:
        if self.error is not None:
            error, self.error = self.error, None
            raise error
        return super().read_versioned(ref)


SECRET = "s3cr3t-Passw0rd"
TOKEN = base64.b64encode(f"editor:{SECRET}".encode()).decode()


@pytest.mark.parametrize(
    "error",
    [
        ServerError("Ghost failed: <html>500</html>", status=500),
        ConnectionFailedError("connection reset by peer"),
        UnexpectedResponseError("the answer is not Ghost JSON: <html>proxy</html>", status=200),
        json.JSONDecodeError("Expecting value", "<html>Bad gateway</html>", 0),  # an untranslated answer
        ParseError("lexical: not JSON: Unterminated string"),  # a truncated answer's content
        ValueError("Attempted to set connect timeout to 0"),  # requests, given --timeout 0
        requests.ConnectionError("Connection reset by peer"),  # a raw failure no backend translated
    ],
    ids=["500", "reset", "html", "json-error", "truncated-content", "timeout-0", "raw-reset"],
)
def test_a_transient_glitch_leaves_the_update_queued_and_the_next_flush_delivers_it(
    tmp_path: Path, error: Exception
) -> None:
    backend = Glitching(error)
    with Outbox(tmp_path / "o.db") as outbox:
        prepared = prepare("1", update(1))
        outbox.record("fake://site", "1", "append", prepared.id, prepared.to_json())
        with contextlib.suppress(CMSBridgeError, ValueError):  # reported to the caller, not swallowed
            outbox.flush(lambda site: backend, retry=policy(FakeClock(), attempts=1))
        [entry] = outbox.entries(states=("pending", "failed", "done"))
        assert entry.state == "pending" and entry.last_error
        assert "cannot be read" not in entry.last_error
        deliveries = outbox.flush(lambda site: backend, retry=policy(FakeClock()))
        assert [d.state for d in deliveries] == ["done"]


def test_an_entry_whose_own_data_cannot_be_read_fails_for_good(tmp_path: Path) -> None:
    backend = FakeBackend(initial("json"))
    with Outbox(tmp_path / "o.db") as outbox:
        outbox.record("fake://site", "1", "append", "x", '{"blocks": "not blocks"}')
        deliveries = outbox.flush(lambda site: backend, retry=policy(FakeClock()))
        assert [d.state for d in deliveries] == ["failed"]
        assert "cannot be read" in (outbox.entries()[0].last_error or "")


@pytest.mark.parametrize("args", [("--timeout", "0"), ("--timeout", "nan"), ("--budget", "-1")])
def test_a_time_limit_that_cannot_be_is_bad_input_and_nothing_is_queued(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    site = f"wordpress+http://editor:pw@127.0.0.1:{port}?api=wp-json"
    box = tmp_path / "o.db"
    result = cli(tmp_path, "append", "12", "-", "--site", site, "--outbox", str(box), *args, stdin="Hi.\n")
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert not box.exists() or _states(box) == []
    flushed = cli(tmp_path, "flush", "--site", site, "--outbox", str(box), *args)
    assert flushed.returncode == 2, (flushed.stdout, flushed.stderr)


@pytest.mark.parametrize(
    "error",
    [
        ValueError(f"bad answer echoing Authorization: Basic {TOKEN}"),
        ServerError(f"proxy echoed Authorization: Bearer {SECRET}", status=502),
        ValueError(f"cannot reach wordpress+https://editor:{SECRET}@example.com/"),
    ],
    ids=["untranslated-basic", "server-bearer", "url"],
)
def test_a_stored_error_never_holds_a_secret(tmp_path: Path, error: Exception) -> None:
    backend = Glitching(error)
    with Outbox(tmp_path / "o.db") as outbox:
        prepared = prepare("1", update(1))
        outbox.record("fake://site", "1", "append", prepared.id, prepared.to_json())
        with contextlib.suppress(CMSBridgeError, ValueError):
            outbox.flush(lambda site: backend, retry=policy(FakeClock(), attempts=1))
        [entry] = outbox.entries()
        assert entry.last_error
    for path in tmp_path.glob("o.db*"):
        if path.is_file():
            data = path.read_bytes()
            assert SECRET.encode() not in data and TOKEN.encode() not in data
