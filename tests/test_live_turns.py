"""Writers to one post on one machine take turns (issue 16): the post's lock covers the whole read, splice,
write and verify of a delivery, so two appenders wait for each other instead of colliding and repairing;
appenders on different machines (here: different lock folders) still collide, and are repaired.

Each appender below, after its read, waits (a bounded moment) for the other appender to have read as often:
without the turn, both read the same version and one conditional write is refused (a conflict, counted);
with it, the other cannot read until the first has written, so the wait runs out and nothing collides."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import multiprocessing.sharedctypes
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cmsbridge import formats
from cmsbridge.backends.base import Ref, Version, Versioned, WriteConflictError, Written
from cmsbridge.backends.files import FilesBackend
from cmsbridge.backends.turns import post_turn
from cmsbridge.live import SETTLE, Update, append_update
from cmsbridge.model import Paragraph, Post, text
from tests.live_fake import FakeBackend, StoredPost

T0 = dt.datetime(2026, 5, 6, 21, 0, tzinfo=dt.UTC)
PER_WRITER = 4
MEET = 0.2
"""How long an appender waits, after its read, for the other to have read as often (never asserted on)."""


@pytest.fixture(autouse=True)
def own_locks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test's post locks in a folder of its own (the user's state folder is ``$XDG_STATE_HOME``)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def update(writer: int, n: int) -> Update:
    return Update(
        at=T0 + dt.timedelta(minutes=10 * n + writer),
        label=f"UPDATE {writer}.{n}",
        blocks=(Paragraph(inlines=text(f"Writer {writer} says {n}.")),),
    )


def folder_with_post(root: Path) -> str:
    root.mkdir()
    (root / "live.md").write_text(
        formats.write(Post(title="Live", blocks=(Paragraph(inlines=text("Intro.")),)), "markdown")
    )
    return "live"


class MeetingFolder(FilesBackend):
    """A folder whose appender ``me``, after each read, waits up to :data:`MEET` seconds for the other
    appender to have read as often; counts the conditional writes the folder refused."""

    def __init__(self, root: Path, me: int, reads: Any, refused: Any) -> None:
        super().__init__(root)
        self.me, self.reads, self.refused = me, reads, refused

    def read_versioned(self, ref: Ref) -> Versioned:
        current = super().read_versioned(ref)
        with self.reads.get_lock():
            self.reads[self.me] += 1
            mine = self.reads[self.me]
        deadline = time.monotonic() + MEET
        while self.reads[1 - self.me] < mine and time.monotonic() < deadline:
            time.sleep(0.005)
        return current

    def write_content(self, ref: Ref, content: str, expected: Version) -> Written:
        try:
            return super().write_content(ref, content, expected)
        except WriteConflictError:
            with self.refused.get_lock():
                self.refused.value += 1
            raise


def appender(root: Path, post: str, me: int, reads: Any, refused: Any, state: str | None = None) -> int:
    """Append this writer's updates; the conflicts its deliveries met."""
    if state is not None:  # another machine: its own locks
        os.environ["XDG_STATE_HOME"] = state
    backend = MeetingFolder(root, me, reads, refused)
    return sum(append_update(backend, post, update(me, n)).conflicts for n in range(PER_WRITER))


def shared() -> tuple[Any, Any]:
    context = multiprocessing.get_context("fork")
    return context.Array("i", 2), context.Value("i", 0)


def stored_updates(root: Path, post: str) -> list[str]:
    return [m.label for m in formats.read((root / f"{post}.md").read_text(), "markdown").updates()]


def expected_updates() -> list[str]:
    return sorted(f"UPDATE {w}.{n}" for w in (0, 1) for n in range(PER_WRITER))


def run_threads(target: Callable[..., int], args: list[tuple[Any, ...]]) -> list[int]:
    results: list[int] = [0] * len(args)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            results[i] = target(*args[i])
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(args))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


def run_processes(target: Callable[..., int], args: list[tuple[Any, ...]]) -> None:
    context = multiprocessing.get_context("fork")
    children = [context.Process(target=target, args=a) for a in args]
    for child in children:
        child.start()
    for child in children:
        child.join(60)
    assert [child.exitcode for child in children] == [0] * len(children)


def test_two_threads_appending_to_one_post_take_turns(tmp_path: Path) -> None:
    root = tmp_path / "site"
    post = folder_with_post(root)
    reads, refused = shared()
    conflicts = run_threads(appender, [(root, post, w, reads, refused) for w in (0, 1)])
    assert (sum(conflicts), refused.value) == (0, 0), (
        "the appenders collided: the turn does not cover the read"
    )
    assert sorted(stored_updates(root, post)) == expected_updates()  # each update exactly once


def test_two_processes_appending_to_one_post_take_turns(tmp_path: Path) -> None:
    root = tmp_path / "site"
    post = folder_with_post(root)
    reads, refused = shared()
    run_processes(appender, [(root, post, w, reads, refused) for w in (0, 1)])
    assert refused.value == 0, "the appenders collided: the turn does not cover the read"
    assert sorted(stored_updates(root, post)) == expected_updates()


def test_appenders_on_two_machines_still_collide_and_each_update_lands_once(tmp_path: Path) -> None:
    root = tmp_path / "site"
    post = folder_with_post(root)
    reads, refused = shared()
    machines = [str(tmp_path / f"machine-{w}") for w in (0, 1)]
    run_processes(appender, [(root, post, w, reads, refused, machines[w]) for w in (0, 1)])
    assert refused.value >= 1, "the appenders never met: this test no longer exercises a collision"
    assert sorted(stored_updates(root, post)) == expected_updates()


# --- the one lock: held across the delivery, re-entrant, between threads --------------------------------


class Probe(FakeBackend):
    """Looks, at each read and write, whether another thread could take the post's turn now."""

    def __init__(self, content: str) -> None:
        super().__init__(content, fmt="json")
        self.free_at: list[tuple[str, bool]] = []

    def _free_elsewhere(self) -> bool:
        found: list[bool] = []

        def other() -> None:
            with post_turn(self.site, "1", wait=0.0) as turn:
                found.append(turn.held)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(10)
        return found[0]

    def read_versioned(self, ref: Ref) -> Versioned:
        self.free_at.append(("read", self._free_elsewhere()))
        return super().read_versioned(ref)

    def write_content(self, ref: Ref, content: str, expected: Version) -> Written:
        self.free_at.append(("write", self._free_elsewhere()))
        with post_turn(self.site, "1", wait=0.0) as turn:  # a backend's own lock (REST's): taken again
            assert turn.held, "the post's turn is not re-entrant for its holder"
            return super().write_content(ref, content, expected)


def test_the_turn_is_held_from_the_read_to_the_write_and_taken_again_inside() -> None:
    backend = Probe(formats.write(Post(blocks=(Paragraph(inlines=text("Intro.")),)), "json"))
    append_update(backend, "1", update(0, 1))
    assert backend.free_at == [("read", False), ("write", False)]
    with post_turn(backend.site, "1", wait=0.0) as turn:
        assert turn.held  # released after the delivery


def test_a_thread_waits_for_the_turn_another_thread_holds() -> None:
    order: list[str] = []
    held = threading.Event()

    def holder() -> None:
        with post_turn("fake://site", "7"):
            held.set()
            time.sleep(0.2)
            order.append("holder done")

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(10)
    with post_turn("fake://site", "7"):
        order.append("waiter in")
    thread.join(10)
    assert order == ["holder done", "waiter in"]


# --- a version of one-second resolution (XML-RPC, Ghost): the last writer's second is waited out first ----


class SecondsBackend(FakeBackend):
    """Versions are modified times of one-second resolution (no revision count), as on XML-RPC and Ghost;
    the conditional write compares them, so a write in the same second would slip past it."""

    def __init__(self, content: str) -> None:
        super().__init__(content, fmt="json", mode="native")
        self.modified = {"1": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}

    def commit(self, ref: Ref, content: str) -> None:
        super().commit(ref, content)
        self.modified[str(ref)] = dt.datetime.now(dt.UTC).replace(microsecond=0)

    def _version(self, stored: StoredPost) -> Version:
        modified = next(m for k, m in self.modified.items() if self.posts[k] is stored)
        return Version(token=modified.isoformat(), modified=modified)


def test_after_a_write_on_this_machine_the_next_writer_waits_before_its_read_and_reads_once() -> None:
    content = formats.write(Post(blocks=(Paragraph(inlines=text("Intro.")),)), "json")
    first, second = SecondsBackend(content), SecondsBackend(content)
    append_update(first, "1", update(0, 1))
    second.posts["1"].content, second.modified["1"] = first.posts["1"].content, first.modified["1"]
    sleeps: list[float] = []

    class Policy:
        def sleep(self, seconds: float) -> None:
            sleeps.append(seconds)
            time.sleep(seconds)

        def call(self, func: Callable[[], Any], *, idempotent: bool = True) -> Any:
            return func()

    from cmsbridge.live import Append, deliver, prepare

    deliver(second, "1", Append(prepare("1", update(0, 2))), retry=Policy())  # type: ignore[arg-type]
    assert second.log == ["read", "write"], "the post was read again after waiting out its second"
    assert len(sleeps) == 1 and 0 < sleeps[0] <= SETTLE
