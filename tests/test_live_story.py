"""A live story that opens and closes: the live-status container in every format, ``open_story`` and
``close_story`` exactly once, an append to a closed story refused unless it reopens the story (decided on
the content the write is based on), and the command line."""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import html as lxml_html

from cmsbridge import formats
from cmsbridge.live import (
    Outcome,
    StoryClosedError,
    StoryError,
    Update,
    append_update,
    close_story,
    open_story,
    prepare,
)
from cmsbridge.live.outbox import Outbox
from cmsbridge.live.story import status_container
from cmsbridge.model import LIVE_STATUS, Container, Paragraph, Post, UpdateMarker, plain_text, text
from cmsbridge.report import ConversionReport
from cmsbridge.retry import RetryPolicy
from tests.live_fake import FakeBackend, FakeClock

PARIS = ZoneInfo("Europe/Paris")
START = dt.datetime(2026, 5, 6, 18, 0, tzinfo=dt.UTC)  # 20:00 in Paris
END = dt.datetime(2026, 5, 6, 23, 30, tzinfo=dt.UTC)
SPLICED = ["json", "lexical", "gutenberg", "markdown"]
"""Content formats a live site stores: its own splicer (lexical, gutenberg) or through the model."""


def policy() -> RetryPolicy:
    clock = FakeClock()
    return RetryPolicy(sleep=clock.sleep, clock=clock, rng=random.Random(1))


def story(fmt: str) -> str:
    """A live post: an intro and one update given in Paris time."""
    marker = UpdateMarker(
        id="first", at=dt.datetime(2026, 5, 6, 20, 5, tzinfo=PARIS), tz="Europe/Paris", label="UPDATE: 20:05"
    )
    return formats.write(Post(blocks=(Paragraph(inlines=text("Intro.")), marker)), fmt)


def read(backend: FakeBackend) -> Post:
    return formats.read(backend.content(), backend.fmt)


def statuses(post: Post) -> list[Container]:
    return [b for b in post.blocks if isinstance(b, Container) and b.kind == LIVE_STATUS]


def sentence(container: Container) -> str:
    return " ".join(plain_text(b.inlines) for b in container.blocks if isinstance(b, Paragraph))


def late_update(minute: int = 45) -> Update:
    at = dt.datetime(2026, 5, 6, 23, minute, tzinfo=PARIS)
    return Update(
        at=at, tz="Europe/Paris", label=f"UPDATE: 23:{minute}", blocks=(Paragraph(inlines=text("Late.")),)
    )


# --- the container in every format ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", formats.available())
@pytest.mark.parametrize("closed", [False, True])
def test_the_live_status_reads_back_equal_in_every_format(fmt: str, closed: bool) -> None:
    container = status_container(START.astimezone(PARIS), END.astimezone(PARIS) if closed else None)
    marker = UpdateMarker(
        id="u1", at=dt.datetime(2026, 5, 6, 20, 5, tzinfo=PARIS), tz="Europe/Paris", label="U"
    )
    post = Post(title="Live", blocks=(container, marker, Paragraph(inlines=text("News."))))
    report = ConversionReport()
    back = formats.read(formats.write(post, fmt, report=report), fmt)
    assert back.blocks[0] == container
    assert back.coverage == post.coverage
    assert back.coverage is not None and back.coverage.start == START
    assert back.coverage.end == (END if closed else None)
    assert not [loss for loss in report if loss.block == 0]  # nothing of it lost


HOSTILE = '</script><script>alert(1)</script>--><b onmouseover="x">&amp;'


@pytest.mark.parametrize("fmt", formats.available())
def test_hostile_live_status_text_and_attributes_stay_text(fmt: str) -> None:
    container = Container(
        kind=LIVE_STATUS,
        attrs={"start": START.isoformat(), "note": HOSTILE},
        blocks=(Paragraph(inlines=text(HOSTILE)),),
    )
    written = formats.write(Post(blocks=(container,)), fmt, report=ConversionReport())
    assert formats.read(written, fmt).blocks[0] == container
    if fmt in ("html", "gutenberg", "lexical", "wxr"):
        markup = written
        if fmt == "lexical":
            markup = "".join(str(n.get("html", "")) for n in json.loads(written)["root"]["children"])
        tree = lxml_html.fromstring(f"<div>{markup}</div>")
        assert not tree.xpath("//script | //b")


@pytest.mark.node
def test_the_wordpress_live_status_is_valid_in_the_block_editor() -> None:
    from tests.test_editor_validity import _invalid, _run_validator

    closed = status_container(START.astimezone(PARIS), END.astimezone(PARIS))
    markup = formats.write(
        Post(blocks=(closed, Paragraph(inlines=text("x")))), "gutenberg", report=ConversionReport()
    )
    result = _run_validator({"live-status": markup})["live-status"]
    assert result["blocks"][0]["name"] == "core/group"
    assert _invalid(result["blocks"]) == []
    assert result["reserialized"] == markup  # what the editor itself saves: its metadata kept


# --- open and close, exactly once ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", SPLICED)
def test_open_and_close_each_happen_once_at_the_top_of_the_post(fmt: str) -> None:
    backend = FakeBackend(story(fmt), fmt=fmt)
    before = read(backend).blocks
    opened = open_story(backend, "1", at=START, retry=policy())
    assert opened.outcome is Outcome.APPLIED and backend.log == ["read", "write"]
    again = open_story(backend, "1", at=START + dt.timedelta(hours=1), retry=policy())
    assert again.outcome is Outcome.ALREADY_PRESENT
    post = read(backend)
    assert post.coverage is not None and post.coverage.start == START and post.coverage.is_open
    assert isinstance(post.blocks[0], Container) and post.blocks[1:] == before  # the rest untouched
    assert sentence(post.blocks[0]) == "Live coverage started 6 May 2026, 20:00 CEST."  # the post's zone

    closed = close_story(backend, "1", at=END, retry=policy())
    assert closed.outcome is Outcome.APPLIED
    assert close_story(backend, "1", at=END + dt.timedelta(hours=1), retry=policy()).outcome is (
        Outcome.ALREADY_PRESENT
    )
    post = read(backend)
    assert len(statuses(post)) == 1 and post.blocks[1:] == before
    assert post.coverage is not None and (post.coverage.start, post.coverage.end) == (START, END)
    assert sentence(post.blocks[0]) == "Live coverage ended 7 May 2026, 01:30 CEST."
    assert backend.count("write") == 2


@pytest.mark.parametrize("fault", ["drop", "502-after"])
def test_an_open_whose_answer_was_lost_is_not_made_twice(fault: str) -> None:
    backend = FakeBackend(story("gutenberg"), fmt="gutenberg", faults=[None, fault])
    assert open_story(backend, "1", at=START, retry=policy()).outcome is Outcome.APPLIED
    assert len(statuses(read(backend))) == 1 and backend.count("write") == 1


def test_opening_a_closed_story_reopens_it_with_its_first_start() -> None:
    backend = FakeBackend(story("lexical"), fmt="lexical")
    open_story(backend, "1", at=START, retry=policy())
    close_story(backend, "1", at=END, retry=policy())
    assert open_story(backend, "1", at=END + dt.timedelta(hours=2), retry=policy()).outcome is Outcome.APPLIED
    post = read(backend)
    assert post.coverage is not None and post.coverage.start == START and post.coverage.is_open
    assert len(statuses(post)) == 1


def test_a_story_cannot_end_before_it_started_and_times_need_a_zone() -> None:
    backend = FakeBackend(story("json"))
    open_story(backend, "1", at=START, retry=policy())
    with pytest.raises(StoryError):
        close_story(backend, "1", at=START - dt.timedelta(minutes=1), retry=policy())
    with pytest.raises(StoryError):
        open_story(backend, "1", at=dt.datetime(2026, 5, 6, 20, 0), retry=policy())
    assert read(backend).coverage is not None and read(backend).coverage.is_open  # type: ignore[union-attr]


def test_closing_a_story_never_opened_records_its_end() -> None:
    backend = FakeBackend(story("gutenberg"), fmt="gutenberg")
    close_story(backend, "1", at=END, tz="Europe/London", retry=policy())
    post = read(backend)
    assert post.coverage is not None and (post.coverage.start, post.coverage.end) == (None, END)
    assert sentence(statuses(post)[0]) == "Live coverage ended 7 May 2026, 00:30 BST."


# --- appending to a closed story ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", SPLICED)
def test_an_append_to_a_closed_story_is_refused_unless_it_reopens_it(fmt: str) -> None:
    backend = FakeBackend(story(fmt), fmt=fmt)
    open_story(backend, "1", at=START, retry=policy())
    close_story(backend, "1", at=END, retry=policy())
    stored, writes = backend.content(), backend.count("write")
    with pytest.raises(StoryClosedError, match="--reopen"):
        append_update(backend, "1", late_update(), retry=policy())
    assert backend.content() == stored and backend.count("write") == writes

    result = append_update(backend, "1", late_update(), retry=policy(), reopen=True)
    assert result.outcome is Outcome.APPLIED and backend.count("write") == writes + 1  # one write for both
    post = read(backend)
    assert result.update_id in [m.id for m in post.updates()]
    assert post.coverage is not None and post.coverage.start == START and post.coverage.is_open
    assert sentence(statuses(post)[0]).startswith("Live coverage started")
    # delivered before: a closed story does not refuse what it already holds
    close_story(backend, "1", at=END + dt.timedelta(hours=1), retry=policy())
    assert append_update(backend, "1", late_update(), retry=policy()).outcome is Outcome.ALREADY_PRESENT


def test_an_open_story_and_a_post_without_coverage_take_appends() -> None:
    plain = FakeBackend(story("json"))
    assert append_update(plain, "1", late_update(), retry=policy()).outcome is Outcome.APPLIED
    live = FakeBackend(story("json"))
    open_story(live, "1", at=START, retry=policy())
    assert append_update(live, "1", late_update(), retry=policy()).outcome is Outcome.APPLIED


def _closed_by_another_writer(fmt: str) -> str:
    other = FakeBackend(story(fmt), fmt=fmt)
    open_story(other, "1", at=START, retry=policy())
    close_story(other, "1", at=END, retry=policy())
    return other.content()


@pytest.mark.parametrize("fmt", ["lexical", "gutenberg"])
def test_a_story_closed_between_the_read_and_the_write_refuses_the_append(fmt: str) -> None:
    """The check is made on the content the conditional write is based on: a close that lands after our
    read makes the write stale; the attempt reads again and refuses."""
    backend = FakeBackend(story(fmt), fmt=fmt, mode="native")
    open_story(backend, "1", at=START, retry=policy())
    closed = _closed_by_another_writer(fmt)
    backend.before_write.append(lambda: backend.commit("1", closed))
    with pytest.raises(StoryClosedError):
        append_update(backend, "1", late_update(), retry=policy())
    assert backend.content() == closed


def test_a_story_closed_while_an_append_overwrote_it_keeps_both() -> None:
    """Where the server stores the stale write and says so (WordPress REST), the close it overwrote is put
    back: the update and the close both stand, as if the append came first."""
    backend = FakeBackend(story("gutenberg"), fmt="gutenberg", mode="detected")
    open_story(backend, "1", at=START, retry=policy())
    closed = _closed_by_another_writer("gutenberg")
    backend.before_write.append(lambda: backend.commit("1", closed))
    result = append_update(backend, "1", late_update(), retry=policy())
    post = read(backend)
    assert result.update_id in [m.id for m in post.updates()]
    assert post.coverage is not None and post.coverage.end == END


def test_the_outbox_puts_back_an_update_of_a_closed_story_a_stale_write_removed(tmp_path: Path) -> None:
    backend = FakeBackend(story("gutenberg"), fmt="gutenberg")
    site = backend.site
    with Outbox(tmp_path / "outbox.sqlite3", clock=FakeClock()) as outbox:
        prepared = prepare("1", late_update())
        outbox.record(site, "1", "append", prepared.id, prepared.to_json())
        outbox.flush_post(backend, site, "1", retry=policy())
        before_close = backend.content()
        close_story(backend, "1", at=END, retry=policy())
        without = formats.read(backend.content(), "gutenberg")
        stale = Post(
            blocks=tuple(b for b in without.blocks if not isinstance(b, UpdateMarker) or b.id == "first")
        )
        backend.commit("1", formats.write(stale, "gutenberg", report=ConversionReport()))
        assert prepared.id not in [m.id for m in read(backend).updates()] and before_close
        assert outbox.verify(backend, site, "1", retry=policy()) == 1
    post = read(backend)
    assert prepared.id in [m.id for m in post.updates()] and post.coverage is not None
    assert post.coverage.end == END


# --- the command line ---------------------------------------------------------------------------------------


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cmsbridge.cli", *args], capture_output=True, text=True, check=False
    )


def test_cli_open_close_and_a_refused_append(tmp_path: Path) -> None:
    source = tmp_path / "live.txt"
    source.write_text("Live\n\nIntro.\n\nUPDATE: 20:05 Paris time\nFirst.\n", encoding="utf-8")
    site = ["--site", f"files:{tmp_path / 'posts'}", "--outbox", str(tmp_path / "outbox.sqlite3")]
    published = cli("publish", str(source), *site[:2])
    assert published.returncode == 0, published.stderr
    post_id = published.stdout.split("\t")[0]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return cli(*args[:1], post_id, *args[1:], *site)

    first = run("open", "--at", "2026-05-06T20:00", "--tz", "Europe/Paris")
    assert (first.returncode, first.stdout) == (0, "applied\n"), first.stderr
    assert run("open").stdout == "already open\n"
    assert run("close", "--at", "2026-05-07T01:30+02:00").stdout == "applied\n"
    assert run("close").stdout == "already closed\n"
    got = cli("get", post_id, "--to", "json", *site[:2])
    coverage = formats.read(got.stdout, "json").coverage
    assert coverage is not None
    assert (coverage.start, coverage.end) == (START, dt.datetime(2026, 5, 6, 23, 30, tzinfo=dt.UTC))

    update = tmp_path / "late.txt"
    update.write_text("Late news.\n", encoding="utf-8")
    refused = run("append", str(update), "--at", "2026-05-07T01:45+02:00")
    assert refused.returncode == 2 and refused.stdout == ""
    assert len(refused.stderr.splitlines()) == 1 and "--reopen" in refused.stderr
    reopened = run("append", str(update), "--at", "2026-05-07T01:46+02:00", "--reopen")
    assert (reopened.returncode, reopened.stdout) == (0, "applied\n"), reopened.stderr
    after = formats.read(cli("get", post_id, "--to", "json", *site[:2]).stdout, "json")
    assert after.coverage is not None and after.coverage.is_open and after.coverage.start == START
    assert "Late news." in [plain_text(b.inlines) for b in after.blocks if isinstance(b, Paragraph)]


def test_cli_open_refuses_a_bad_time(tmp_path: Path) -> None:
    site = ["--site", f"files:{tmp_path / 'posts'}", "--outbox", str(tmp_path / "outbox.sqlite3")]
    for args in (["--at", "20:00"], ["--at", "2026-05-06T20:00"], ["--tz", "Mars/Olympus"]):
        run = cli("open", "some-post", *args, *site)
        assert run.returncode == 2 and len(run.stderr.splitlines()) == 1, (args, run.stderr)
