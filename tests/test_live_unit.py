"""Live updates over an in-memory backend with injected faults and a fake clock (no server needed):
the retry policy, exactly-once delivery, conflicts, placement, replace and retract, the outbox, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cmsbridge import formats
from cmsbridge.backends.base import WriteConflictError
from cmsbridge.errors import (
    ConnectionFailedError,
    InvalidContentError,
    NotFoundError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
)
from cmsbridge.formats.units import document
from cmsbridge.formats.wordpress.live import split_top_level
from cmsbridge.live import (
    Outcome,
    Prepared,
    Update,
    UpdateNotFoundError,
    append_update,
    derive_id,
    prepare,
    replace_update,
    retract_update,
)
from cmsbridge.live.outbox import Outbox
from cmsbridge.model import Heading, Paragraph, Post, UpdateMarker, text
from cmsbridge.retry import RetryPolicy, is_transient
from tests.live_fake import FakeBackend, FakeClock

FORMATS = ["json", "lexical", "gutenberg"]
T0 = dt.datetime(2026, 5, 6, 21, 0, tzinfo=dt.UTC)


def policy(clock: FakeClock, **kw: Any) -> RetryPolicy:
    return RetryPolicy(sleep=clock.sleep, clock=clock, rng=random.Random(1), **kw)


def update(minute: int, body: str = "", **kw: Any) -> Update:
    return Update(
        at=T0 + dt.timedelta(minutes=minute),
        label=f"UPDATE {minute}",
        blocks=(Paragraph(inlines=text(body or f"news {minute}")),),
        **kw,
    )


def initial(fmt: str, *blocks: Any) -> str:
    return formats.write(Post(blocks=(Paragraph(inlines=text("Intro.")), *blocks)), fmt)


def markers(backend: FakeBackend, ref: str = "1") -> list[UpdateMarker]:
    return list(formats.read(backend.content(ref), backend.fmt).updates())


def marker_ids(backend: FakeBackend) -> list[str]:
    return [m.id for m in markers(backend)]


def times(backend: FakeBackend) -> list[Any]:
    return [m.at for m in markers(backend)]


# --- the retry policy ----------------------------------------------------------------------------------


class Flaky:
    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


@pytest.mark.parametrize(
    "error",
    [
        ConnectionFailedError("reset"),
        RequestTimeoutError("slow"),
        ServerError("x", status=502),
        ServerError("x", status=503),
        ServerError("x", status=504),
        RateLimitedError("x", status=429),
    ],
)
def test_policy_retries_transient_failures(error: Exception) -> None:
    clock = FakeClock()
    func = Flaky(error, error)
    assert policy(clock).call(func, idempotent=True) == "ok"
    assert func.calls == 3
    assert len(clock.sleeps) == 2


@pytest.mark.parametrize(
    "error",
    [
        ServerError("x", status=500),
        NotFoundError("x", status=404),
        InvalidContentError("x", status=400),
        ValueError("bug"),
    ],
)
def test_policy_does_not_retry_other_failures(error: Exception) -> None:
    clock = FakeClock()
    func = Flaky(error)
    with pytest.raises(type(error)):
        policy(clock).call(func, idempotent=True)
    assert func.calls == 1 and clock.sleeps == []


def test_policy_honours_retry_after_and_backs_off_with_jitter() -> None:
    clock = FakeClock()
    func = Flaky(
        RateLimitedError("x", retry_after=7.0),
        ServerError("x", status=503),
        ServerError("x", status=503),
        ServerError("x", status=503),
    )
    p = policy(clock, base=1.0, cap=100.0)
    p.call(func, idempotent=True)
    assert clock.sleeps[0] >= 7.0
    for n, slept in enumerate(clock.sleeps[1:], start=2):
        assert 0.0 <= slept <= 2 ** (n - 1)
    assert len(set(clock.sleeps)) == len(clock.sleeps)  # jitter: not a fixed schedule


def test_policy_is_bounded_in_attempts_and_time() -> None:
    clock = FakeClock()
    func = Flaky(*[ServerError("x", status=503)] * 50)
    with pytest.raises(ServerError):
        policy(clock, attempts=4).call(func, idempotent=True)
    assert func.calls == 4
    clock = FakeClock()
    func = Flaky(*[RateLimitedError("x", retry_after=10.0)] * 50)
    with pytest.raises(RateLimitedError):
        policy(clock, attempts=100, budget=35.0).call(func, idempotent=True)
    assert sum(clock.sleeps) <= 35.0 and func.calls == 4


def test_policy_gives_up_when_retry_after_exceeds_what_it_honours() -> None:
    clock = FakeClock()
    func = Flaky(RateLimitedError("x", retry_after=3600.0))
    with pytest.raises(RateLimitedError):
        policy(clock).call(func, idempotent=True)
    assert clock.sleeps == []


def test_policy_replays_a_non_idempotent_request_only_when_refused_before_any_work() -> None:
    clock = FakeClock()
    with pytest.raises(RequestTimeoutError):
        policy(clock).call(Flaky(RequestTimeoutError("slow")), idempotent=False)
    assert policy(clock).call(Flaky(RateLimitedError("x", retry_after=1.0)), idempotent=False) == "ok"


def test_raw_transport_failures_count_as_transient() -> None:
    import requests

    assert is_transient(requests.ConnectionError("reset"))
    assert is_transient(requests.Timeout("slow"))
    assert not is_transient(requests.HTTPError("404"))


# --- ids and preparation -------------------------------------------------------------------------------


def test_derived_ids_are_deterministic_and_depend_on_post_time_and_content() -> None:
    a = derive_id("1", T0, "L", (Paragraph(inlines=text("x")),))
    assert a == derive_id("1", T0, "L", (Paragraph(inlines=text("x")),))
    assert a != derive_id("2", T0, "L", (Paragraph(inlines=text("x")),))
    assert a != derive_id("1", T0 + dt.timedelta(minutes=1), "L", (Paragraph(inlines=text("x")),))
    assert a != derive_id("1", T0, "L", (Paragraph(inlines=text("y")),))
    assert a != derive_id("1", T0, "L", (Heading(inlines=text("x")),))
    assert UpdateMarker(id=a).anchor == f"update-{a}"


def test_prepare_without_a_time_stamps_now_but_keeps_the_id_stable() -> None:
    u = Update(label="UPDATE", blocks=(Paragraph(inlines=text("x")),))
    first = prepare("1", u, now=lambda: T0)
    second = prepare("1", u, now=lambda: T0 + dt.timedelta(hours=1))
    assert first.id == second.id and first.marker.at == T0
    assert Prepared.from_json(first.to_json()) == first


def test_prepare_reads_the_time_and_zone_a_label_names_as_the_text_format_does() -> None:
    from cmsbridge.formats import read

    body = (Paragraph(inlines=text("Tanks near the tunnel.")),)
    label = "UPDATE: 23:40 Paris time"
    prepared = prepare("1", Update(label=label, blocks=body), now=lambda: T0)
    as_text = read(f"Story\n\n{label}\n\nTanks near the tunnel.\n", "text").blocks[0]
    assert isinstance(as_text, UpdateMarker)
    assert (
        (prepared.marker.at, prepared.marker.tz)
        == (as_text.at, as_text.tz)
        == (dt.time(23, 40), "Europe/Paris")
    )
    dated = prepare("1", Update(label="UPDATE 2026-05-06 09:15 New York time", blocks=body), now=lambda: T0)
    assert dated.marker.at == dt.datetime(2026, 5, 6, 9, 15, tzinfo=ZoneInfo("America/New_York"))
    # what is given wins over the label; a label with no time shows the time of delivery
    given = prepare("1", Update(label=label, at=T0, tz="Asia/Tbilisi", blocks=body), now=lambda: T0)
    assert (given.marker.at, given.marker.tz) == (T0, "Asia/Tbilisi")
    assert prepare("1", Update(label="UPDATE", blocks=body), now=lambda: T0).marker.at == T0


def test_prepare_rejects_bad_updates() -> None:
    from cmsbridge.errors import UsageError

    with pytest.raises(UsageError):
        prepare("1", Update(label="x", at=dt.datetime(2026, 1, 1)))  # naive, no zone
    with pytest.raises(UsageError):
        prepare("1", Update())  # nothing to say
    with pytest.raises(UsageError):
        prepare("1", Update(id="bad id!", label="x"))


# --- exactly once --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_happy_path_is_one_read_and_one_write_and_rerun_is_a_no_op(fmt: str) -> None:
    backend = FakeBackend(initial(fmt), fmt=fmt)
    clock = FakeClock()
    result = append_update(backend, "1", update(1), retry=policy(clock))
    assert result.outcome is Outcome.APPLIED
    assert backend.log == ["read", "write"]
    again = append_update(backend, "1", update(1), retry=policy(clock))
    assert again.outcome is Outcome.ALREADY_PRESENT and again.update_id == result.update_id
    assert backend.log == ["read", "write", "read"]
    assert marker_ids(backend) == [result.update_id]
    if fmt != "json":  # the markup carries the anchor; the model's JSON carries the id itself
        assert f"update-{result.update_id}" in backend.content().replace('\\"', '"')


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("fault", ["drop", "502-after"])
def test_a_response_lost_after_the_server_committed_does_not_duplicate(fmt: str, fault: str) -> None:
    backend = FakeBackend(initial(fmt), fmt=fmt, faults=[None, fault])
    result = append_update(backend, "1", update(1), retry=policy(FakeClock()))
    assert result.outcome is Outcome.APPLIED
    assert marker_ids(backend) == [result.update_id]
    assert backend.count("write") == 1


@pytest.mark.parametrize("fault", ["reset", "503", "429"])
def test_refused_requests_are_retried(fault: str) -> None:
    clock = FakeClock()
    backend = FakeBackend(initial("json"), faults=[fault, None, fault], retry_after=5.0)
    result = append_update(backend, "1", update(1), retry=policy(clock))
    assert result.outcome is Outcome.APPLIED and marker_ids(backend) == [result.update_id]
    if fault == "429":
        assert all(s >= 5.0 for s in clock.sleeps)


def test_the_retry_budget_is_bounded() -> None:
    clock = FakeClock()
    backend = FakeBackend(initial("json"), faults=["503"] * 100)
    with pytest.raises(ServerError):
        append_update(backend, "1", update(1), retry=policy(clock, attempts=5))
    assert backend.count("read") == 5 and backend.count("write") == 0


@pytest.mark.parametrize("mode", ["native", "detected"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_random_faults_and_interleaved_appenders_give_every_update_exactly_once(mode: str, fmt: str) -> None:
    rng = random.Random(f"{mode}{fmt}")
    backend = FakeBackend(initial(fmt), fmt=fmt, mode=mode, fault_rate=0.35, seed=7)
    clock = FakeClock()
    minutes = list(range(1, 25))
    rng.shuffle(minutes)
    done: set[int] = set()
    for minute in minutes:
        if minute in done:
            continue
        others = [m for m in minutes if m not in done and m != minute]
        if others and rng.random() < 0.5:
            other = rng.choice(others)
            done.add(other)

            def interleave(other: int = other) -> None:
                saved, backend.fault_rate = backend.fault_rate, 0.0
                append_update(backend, "1", update(other), retry=policy(clock))
                backend.fault_rate = saved

            backend.before_write.append(interleave)
        append_update(backend, "1", update(minute), retry=policy(clock, attempts=30, budget=1e9))
        done.add(minute)
    assert backend.faulted > 10
    got = times(backend)
    assert len(got) == 24 and len(set(marker_ids(backend))) == 24
    assert got == sorted(got, reverse=True)  # newest first, whatever the delivery order
    post = formats.read(backend.content(), fmt)
    bodies = [b for b in post.blocks if isinstance(b, Paragraph)]
    assert len(bodies) == 25  # the intro and one body per update


def test_an_overwritten_edit_by_someone_else_is_restored() -> None:
    fmt = "gutenberg"
    backend = FakeBackend(initial(fmt), fmt=fmt, mode="detected")
    edited = backend.content().replace("Intro.", "Intro, corrected.")
    backend.before_write.append(lambda: backend.commit("1", edited))
    append_update(backend, "1", update(1), retry=policy(FakeClock()))
    assert "Intro, corrected." in backend.content()
    assert len(markers(backend)) == 1


def test_changes_undone_while_a_backend_repaired_a_collision_are_restored() -> None:
    """A backend's ``restores``: (the content its write stored, what another writer saved on top, which
    the backend's repair then undid) are re-applied like ``overwritten``."""
    fmt = "gutenberg"
    backend = FakeBackend(initial(fmt), fmt=fmt, mode="detected")
    original = backend.write_content
    calls: list[str] = []

    def repairing(ref: Any, content: str, expected: Any) -> Any:
        calls.append(content)
        written = original(ref, content, expected)
        if len(calls) > 1:
            return written
        fixed = written.content.replace("Intro.", "Intro, corrected.")
        raise WriteConflictError(
            "interleaved",
            applied=True,
            overwritten=initial(fmt),
            restores=((written.content, fixed),),
            current=None,
        )

    backend.write_content = repairing  # type: ignore[method-assign]
    result = append_update(backend, "1", update(1), retry=policy(FakeClock()))
    assert (result.outcome, result.conflicts, len(calls)) == (Outcome.APPLIED, 1, 2)
    assert "Intro, corrected." in backend.content()
    assert len(markers(backend)) == 1


def test_a_title_change_between_read_and_write_is_harmless() -> None:
    backend = FakeBackend(initial("gutenberg"), fmt="gutenberg", mode="detected")
    backend.before_write.append(lambda: backend.set_title("1", "New title"))
    result = append_update(backend, "1", update(1), retry=policy(FakeClock()))
    assert result.outcome is Outcome.APPLIED and len(markers(backend)) == 1
    assert backend.posts["1"].title == "New title"


def test_a_server_that_drops_the_marker_is_an_error_not_a_retry_loop() -> None:
    backend = FakeBackend(initial("json"))
    original = backend.write_content

    def filtering(ref: Any, content: str, expected: Any) -> Any:
        return original(ref, initial("json"), expected)

    backend.write_content = filtering  # type: ignore[method-assign]
    with pytest.raises(InvalidContentError):
        append_update(backend, "1", update(1), retry=policy(FakeClock()))


def test_a_missing_post_is_not_retried() -> None:
    backend = FakeBackend(initial("json"))
    with pytest.raises(NotFoundError):
        append_update(backend, "2", update(1), retry=policy(FakeClock()))
    assert backend.log == ["read"]


# --- placement -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_order_is_detected_from_existing_markers(fmt: str) -> None:
    clock = FakeClock()
    oldest_first = FakeBackend(initial(fmt), fmt=fmt)
    for minute in (1, 2):
        append_update(oldest_first, "1", update(minute), retry=policy(clock), order="oldest-first")
    append_update(oldest_first, "1", update(3), retry=policy(clock))
    append_update(oldest_first, "1", update(0), retry=policy(clock))
    assert times(oldest_first) == [T0 + dt.timedelta(minutes=m) for m in (0, 1, 2, 3)]

    newest_first = FakeBackend(initial(fmt), fmt=fmt)
    for minute in (1, 2, 3):
        append_update(newest_first, "1", update(minute), retry=policy(clock))
    append_update(newest_first, "1", update(0), retry=policy(clock))
    assert times(newest_first) == [T0 + dt.timedelta(minutes=m) for m in (3, 2, 1, 0)]
    # the intro stays first: updates go after what precedes the first marker
    assert formats.read(newest_first.content(), fmt).blocks[0] == Paragraph(inlines=text("Intro."))


def test_the_order_option_overrides_detection() -> None:
    clock = FakeClock()
    backend = FakeBackend(initial("json"))
    for minute in (1, 2):
        append_update(backend, "1", update(minute), retry=policy(clock))
    append_update(backend, "1", update(3), retry=policy(clock), order="oldest-first")
    assert times(backend)[-1] == T0 + dt.timedelta(minutes=3)


def test_splicing_keeps_every_other_block_byte_for_byte() -> None:
    odd = (
        '<!-- wp:paragraph {"className":"lead"} -->\n<p class="lead">Odd  spacing</p>\n<!-- /wp:paragraph -->'
        "\n\n\n<p>classic html between blocks</p>\n"
        '<!-- wp:acme/widget {"z":1,"a":"\\u003cb\\u003e"} /-->\n\n'
        '<!-- wp:group --><div class="wp-block-group"><!-- wp:paragraph --><p>in</p>'
        "<!-- /wp:paragraph --></div>"
        "<!-- /wp:group -->"
    )
    backend = FakeBackend(odd, fmt="gutenberg")
    append_update(backend, "1", update(1), retry=policy(FakeClock()))
    stored = backend.content()
    assert stored.startswith(odd)
    assert split_top_level(stored) is not None
    assert len(markers(backend)) == 1


def test_top_level_split_refuses_unbalanced_markup() -> None:
    assert split_top_level("<!-- wp:paragraph --><p>open") is None
    assert split_top_level("x<!-- /wp:paragraph -->") is None
    units = split_top_level("a<!-- wp:x /-->b<!-- wp:y --><!-- wp:z /--><!-- /wp:y -->")
    assert units == ["a", "<!-- wp:x /-->", "b", "<!-- wp:y --><!-- wp:z /--><!-- /wp:y -->"]


# --- key events, replace, retract ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_key_event_flag_is_kept_in_the_markup(fmt: str) -> None:
    backend = FakeBackend(initial(fmt), fmt=fmt)
    append_update(backend, "1", update(1, key=True), retry=policy(FakeClock()))
    append_update(backend, "1", update(2), retry=policy(FakeClock()))
    assert [m.key for m in markers(backend)] == [False, True]


@pytest.mark.parametrize("fmt", FORMATS)
def test_replace_and_retract_by_id(fmt: str) -> None:
    clock = FakeClock()
    backend = FakeBackend(initial(fmt), fmt=fmt)
    first = append_update(backend, "1", update(1), retry=policy(clock))
    append_update(backend, "1", update(2), retry=policy(clock))
    corrected = Update(
        id=first.update_id,
        at=T0 + dt.timedelta(minutes=1),
        label="UPDATE 1 (corrected)",
        blocks=(Paragraph(inlines=text("corrected")), Paragraph(inlines=text("more"))),
    )
    backend.faults = [None, "drop"]
    assert replace_update(backend, "1", corrected, retry=policy(clock)).outcome is Outcome.APPLIED
    assert replace_update(backend, "1", corrected, retry=policy(clock)).outcome is Outcome.ALREADY_PRESENT
    post = formats.read(backend.content(), fmt)
    assert [m.label for m in post.updates()] == ["UPDATE 2", "UPDATE 1 (corrected)"]
    assert post.blocks[-2:] == (Paragraph(inlines=text("corrected")), Paragraph(inlines=text("more")))
    with pytest.raises(UpdateNotFoundError):
        replace_update(backend, "1", Update(id="nope", label="x"), retry=policy(clock))
    backend.faults = [None, "502-after"]
    assert retract_update(backend, "1", first.update_id, retry=policy(clock)).outcome is Outcome.APPLIED
    again = retract_update(backend, "1", first.update_id, retry=policy(clock))
    assert again.outcome is Outcome.ALREADY_PRESENT
    post = formats.read(backend.content(), fmt)
    assert [m.label for m in post.updates()] == ["UPDATE 2"]
    assert Paragraph(inlines=text("corrected")) not in post.blocks
    assert post.blocks[0] == Paragraph(inlines=text("Intro."))


def test_document_regions_exclude_separators() -> None:
    doc = document(initial("gutenberg"), "gutenberg")
    assert doc.markers() == [] and doc.region("x") is None


# --- the outbox ----------------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def box(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where an outbox lives: an SQLite file, or a PostgreSQL database of its own (the same tests)."""
    if request.param == "sqlite":
        return str(tmp_path / "o.db")
    return str(request.getfixturevalue("pg_url"))


def _record(outbox: Outbox, minute: int, site: str = "fake://site") -> int:
    prepared = prepare("1", update(minute))
    return outbox.record(site, "1", "append", prepared.id, prepared.to_json()).seq


def test_outbox_records_before_delivering_and_delivers_in_order(box: str) -> None:
    backend = FakeBackend(initial("json"), faults=["503"] * 40)
    clock = FakeClock()
    with Outbox(box) as outbox:
        seqs = [_record(outbox, m) for m in (1, 2, 3)]
        deliveries = outbox.flush(lambda site: backend, retry=policy(clock, attempts=2))
        assert [d.state for d in deliveries] == ["pending"]  # the first stays queued, the rest wait
        assert [e.seq for e in outbox.pending()] == seqs
        backend.faults = []
        deliveries = outbox.flush(lambda site: backend, retry=policy(clock))
        assert [d.entry.seq for d in deliveries] == seqs and outbox.pending() == []
    assert times(backend) == [T0 + dt.timedelta(minutes=m) for m in (3, 2, 1)]


def test_outbox_does_not_record_the_same_pending_operation_twice(box: str) -> None:
    with Outbox(box) as outbox:
        assert _record(outbox, 1) == _record(outbox, 1)
        assert len(outbox.pending()) == 1


def test_outbox_never_stores_secrets(tmp_path: Path) -> None:
    with Outbox(tmp_path / "o.db") as outbox:
        _record(outbox, 1, site="wordpress+http://editor:S3cretPassw0rd@127.0.0.1:8080")
        assert outbox.pending()[0].site == "wordpress+http://editor:***@127.0.0.1:8080"
    assert b"S3cretPassw0rd" not in (tmp_path / "o.db").read_bytes()
    assert oct((tmp_path / "o.db").stat().st_mode & 0o777) == "0o600"


def test_outbox_marks_permanent_failures_and_moves_on(box: str) -> None:
    backend = FakeBackend(initial("json"))
    with Outbox(box) as outbox:
        prepared = prepare("2", update(1))
        outbox.record("fake://site", "2", "append", prepared.id, prepared.to_json())
        deliveries = outbox.flush(lambda site: backend, retry=policy(FakeClock()))
        assert [d.state for d in deliveries] == ["failed"]
        assert outbox.pending() == [] and outbox.entries()[0].state == "failed"


def _kill_worker(path: str, content_path: str, seed: int) -> None:  # pragma: no cover - runs in a child
    """Deliver the outbox into a file-backed fake backend and die (SIGKILL) at a random request."""
    import signal

    rng = random.Random(seed)
    backend = _FileBackend(content_path)
    die_at = rng.randint(1, 6)
    calls = {"n": 0}

    def maybe_die() -> None:
        calls["n"] += 1
        if calls["n"] == die_at:
            os.kill(os.getpid(), signal.SIGKILL)

    backend.hook = maybe_die
    with Outbox(path) as outbox:
        outbox.flush(lambda site: backend, retry=RetryPolicy(sleep=lambda s: None))


class _FileBackend(FakeBackend):
    """A fake backend whose post lives in a file, so it survives the killed process."""

    def __init__(self, content_path: str) -> None:
        super().__init__("", fmt="json")
        self.content_path = content_path
        self.hook: Any = lambda: None

    def read_versioned(self, ref: Any) -> Any:
        self.posts["1"].content = Path(self.content_path).read_text()
        self.hook()
        return super().read_versioned(ref)

    def commit(self, ref: Any, content: str) -> None:
        self.hook()
        tmp = self.content_path + ".tmp"
        Path(tmp).write_text(content)
        os.replace(tmp, self.content_path)
        super().commit(ref, content)
        self.hook()


def test_outbox_survives_kills_at_random_moments(box: str, tmp_path: Path) -> None:
    db, content = box, str(tmp_path / "post.json")
    Path(content).write_text(initial("json"))
    with Outbox(db) as outbox:
        for m in range(1, 9):
            _record(outbox, m)
    context = multiprocessing.get_context("fork")
    for seed in range(12):
        child = context.Process(target=_kill_worker, args=(db, content, seed))
        child.start()
        child.join(30)
    with Outbox(db) as outbox:
        outbox.flush(lambda site: _FileBackend(content), retry=RetryPolicy(sleep=lambda s: None))
        assert outbox.pending() == []
    got = [m.at for m in formats.read(Path(content).read_text(), "json").updates()]
    assert got == [T0 + dt.timedelta(minutes=m) for m in range(8, 0, -1)]


def test_outbox_lock_is_released_when_its_holder_dies(box: str, tmp_path: Path) -> None:
    outbox = Outbox(box)
    script = (
        "import sys, time; from cmsbridge.live.outbox import Outbox\n"
        f"o = Outbox({box!r})\n"
        "with o.locked('fake://site', '1', wait=1) as held:\n"
        "    print(held, flush=True); time.sleep(60)\n"
    )
    # A PostgreSQL outbox's lock is one for every machine: the holder here keeps its own state folder (its
    # own flock files, as on another machine), and still holds the post.
    env = (
        {**os.environ, "XDG_STATE_HOME": str(tmp_path / "elsewhere")}
        if box.startswith("postgresql")
        else None
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "True"
        with outbox.locked("fake://site", "1", wait=0.2) as held:
            assert held is False
    finally:
        child.kill()
        child.wait()
    with outbox.locked("fake://site", "1", wait=5) as held:
        assert held is True
    outbox.close()


def test_outbox_is_plain_sqlite_in_wal_mode(tmp_path: Path) -> None:
    with Outbox(tmp_path / "o.db") as outbox:
        _record(outbox, 1)
    db = sqlite3.connect(tmp_path / "o.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT count(*) FROM entries WHERE state = 'pending'").fetchone()[0] == 1


# --- the command line ----------------------------------------------------------------------------------


def run_cli(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    root = Path(__file__).resolve().parent.parent
    return subprocess.run(
        [sys.executable, "-m", "cmsbridge.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_cli_append_to_a_files_site_applied_then_already_present(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    site = f"files:{posts}"
    published = run_cli("publish", "-", "--from", "text", "--site", site, stdin="Live\n\nIntro.\n")
    assert published.returncode == 0, published.stderr
    post_id = published.stdout.split()[0]
    box = str(tmp_path / "o.db")
    args = ("append", post_id, "-", "--site", site, "--outbox", box, "--at", "2026-05-06T23:18:00+02:00")
    first = run_cli(*args, stdin="UPDATE: 23:18 Paris time\n\nThe vote passed.\n")
    assert (first.returncode, first.stdout.strip()) == (0, "applied"), first.stderr
    second = run_cli(*args, stdin="UPDATE: 23:18 Paris time\n\nThe vote passed.\n")
    assert (second.returncode, second.stdout.strip()) == (0, "already present"), second.stderr
    assert run_cli("outbox", "--outbox", box).stdout.strip() == ""
    retract = ("retract", post_id, "--id", "no-such-update", "--site", site, "--outbox", box)
    assert run_cli(*retract).stdout.strip() == "already absent"
    # The README's form: the label on the command line names the time, read as the text format reads it
    labelled = (
        "append",
        post_id,
        "-",
        "--site",
        site,
        "--outbox",
        box,
        "--label",
        "UPDATE: 23:40 Paris time",
    )
    third = run_cli(*labelled, stdin="Tanks near the tunnel.\n")
    assert (third.returncode, third.stdout.strip()) == (0, "applied"), third.stderr
    stored = run_cli("get", post_id, "--site", site, "--to", "json").stdout
    markers = [b for b in json.loads(stored)["blocks"] if b["type"] == "update"]
    assert [(m["label"], m["at"], m["tz"]) for m in markers] == [
        ("UPDATE: 23:40 Paris time", "23:40:00", "Europe/Paris"),
        ("UPDATE: 23:18 Paris time", "2026-05-06T23:18:00+02:00", "Europe/Paris"),
    ]


def test_cli_queues_when_the_site_is_down_and_flush_delivers(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    site = f"wordpress+http://editor:secret@127.0.0.1:{port}"
    box = str(tmp_path / "o.db")
    result = run_cli(
        "append",
        "12",
        "-",
        "--site",
        site,
        "--outbox",
        box,
        "--budget",
        "0.5",
        "--label",
        "UPDATE",
        stdin="Hello.\n",
    )
    assert (result.returncode, result.stdout.strip()) == (75, "queued"), result.stderr
    listed = run_cli("outbox", "--outbox", box).stdout
    assert "pending" in listed and "12" in listed and "secret" not in listed
    flushed = run_cli("flush", "--site", site, "--outbox", box, "--budget", "0.5")
    assert flushed.returncode == 75


@pytest.mark.parametrize(
    "args, stdin",
    [
        (("append", "1", "-", "--at", "yesterday"), "x"),
        (("append", "1", "-", "--at", "2026-05-06T23:18"), "x"),  # no zone
        (("append", "1", "-", "--from", "nope"), "x"),
        (("append", "1", "-"), ""),  # nothing to say
        (("append", "1", "/nonexistent/file.txt"), ""),
        (("append", "1", "-", "--replace"), "x"),  # --replace without --id
        (("append", "1", "-", "--id", "bad id"), "x"),
        (("append", "1", "-", "--site", "nonsense://x"), "x"),
    ],
)
def test_cli_bad_input_exits_2(tmp_path: Path, args: tuple[str, ...], stdin: str) -> None:
    result = run_cli(*args, "--outbox", str(tmp_path / "o.db"), stdin=stdin)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    with Outbox(tmp_path / "o.db") as outbox:
        assert outbox.pending() == []  # bad input is never queued
