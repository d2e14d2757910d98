"""An update's byline, headline, pinned state and time last edited (issue 16, item 2): kept by every format
and read back equal, visible where readers look, a pinned update at the top (at most one), pin and unpin
and replace exactly once through faults, and the command line's --by, --headline, --pin, pin and unpin."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from html import unescape
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cmsbridge import formats
from cmsbridge.errors import ParseError
from cmsbridge.formats import crossing
from cmsbridge.formats.updates import byline_names, byline_text, is_update_label
from cmsbridge.live import (
    Outcome,
    Prepared,
    Update,
    UpdateNotFoundError,
    append_update,
    pin_update,
    prepare,
    replace_update,
    unpin_update,
)
from cmsbridge.live.outbox import Outbox
from cmsbridge.model import LineBreak, Paragraph, Post, RawInline, Text, UpdateMarker, text
from cmsbridge.report import ConversionReport
from cmsbridge.retry import RetryPolicy
from tests.live_fake import FakeBackend, FakeClock
from tests.test_live_unit import run_cli

PARIS = ZoneInfo("Europe/Paris")
T0 = dt.datetime(2026, 5, 6, 21, 0, tzinfo=dt.UTC)

FULL = UpdateMarker(
    id="talks",
    at=dt.datetime(2026, 5, 6, 23, 18, tzinfo=PARIS),
    tz="Europe/Paris",
    label="UPDATE: 23:18 Paris time",
    key=True,
    by=("Ann Lee", "Bo Ng, Jr.", "Cy and Di Oh"),
    headline='Talks <b>resume</b> & "go" {{ on }} *now* [x](y) `c`',
    pinned=True,
    edited=dt.datetime(2026, 5, 6, 23, 40, 5, tzinfo=dt.UTC),
)
PLAIN = UpdateMarker(id="plain", at=dt.time(22, 0), tz=None, label="UPDATE: 22:00")
SOLO = UpdateMarker(id="solo", at=dt.time(21, 0), label="UPDATE: 21:00", by=("Ann Lee",), headline="Solo")


def post_with(*markers: UpdateMarker) -> Post:
    blocks: list[Any] = [Paragraph(inlines=text("Intro."))]
    for marker in markers:
        blocks += [marker, Paragraph(inlines=text(f"About {marker.id}."))]
    return Post(blocks=tuple(blocks))


# --- every format keeps the four fields ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(formats.FORMATS))
def test_every_format_reads_the_fields_back_equal(fmt: str) -> None:
    post = post_with(FULL, PLAIN, SOLO)
    report = ConversionReport()
    written = formats.write(post, fmt, report=report)
    assert [loss for loss in report if loss.block is not None] == []  # no block lost (post fields may be)
    back = formats.read(written, fmt)
    assert back.blocks == post.blocks
    marker = next(back.updates())
    assert (marker.by, marker.headline, marker.pinned, marker.key, marker.edited) == (
        FULL.by,
        FULL.headline,
        True,
        True,
        FULL.edited,
    )


@pytest.mark.parametrize("fmt", ["gutenberg", "html"])
def test_headline_and_byline_are_visible_and_the_label_still_reads_as_a_label(fmt: str) -> None:
    written = formats.write(post_with(FULL), fmt)
    paragraph = next(p for p in re.findall(r"<p\b[^>]*>.*?</p>", written, re.S) if "update-talks" in p)
    lines = [unescape(re.sub(r"<[^>]+>", "", line)) for line in re.split(r"<br\s*/?>", paragraph)]
    assert lines == [FULL.label, FULL.headline, "By Ann Lee, Bo Ng, Jr. and Cy and Di Oh"]
    assert is_update_label(lines[0])
    assert "is-pinned" in re.search(r'class="([^"]*)"', paragraph)[1].split()  # type: ignore[index]


def test_lexical_shows_the_headline_as_a_heading_and_the_byline_as_a_paragraph() -> None:
    nodes = json.loads(formats.write(post_with(FULL), "lexical"))["root"]["children"]
    card = next(n for n in nodes if n.get("type") == "html" and "update-talks" in n["html"])
    after = nodes[nodes.index(card) + 1 : nodes.index(card) + 4]
    shown = [(n["type"], n.get("tag"), "".join(c["text"] for c in n["children"])) for n in after]
    assert shown == [
        ("extended-heading", "h3", FULL.label),
        ("extended-heading", "h4", FULL.headline),
        ("paragraph", None, byline_text(FULL.by)),
    ]
    assert 'data-pinned="true"' in card["html"] and "data-edited" in card["html"]


def test_an_editors_change_to_the_visible_byline_and_headline_wins_in_wordpress() -> None:
    written = formats.write(post_with(SOLO), "gutenberg")
    assert "By Ann Lee<" in written
    edited = written.replace("By Ann Lee<", "By Ann Lee, Bo Ng and Cy Oh<").replace(">Solo<", ">Solo, again<")
    marker = next(formats.read(edited, "gutenberg").updates())
    assert (marker.by, marker.headline) == (("Ann Lee", "Bo Ng", "Cy Oh"), "Solo, again")


def test_an_editors_change_to_the_byline_paragraph_wins_in_lexical() -> None:
    written = formats.write(post_with(SOLO), "lexical")
    edited = written.replace('"text":"By Ann Lee"', '"text":"By Ann Lee and Bo Ng"')
    assert edited != written
    assert next(formats.read(edited, "lexical").updates()).by == ("Ann Lee", "Bo Ng")


def test_a_paragraph_that_only_looks_like_a_marker_with_a_headline_stays_a_paragraph() -> None:
    span = RawInline(format="html", content='<span class="update-headline">x</span>')
    paragraph = Paragraph(inlines=(Text(text="UPDATE: 10:00"), LineBreak(), span))
    back = formats.read(formats.write(Post(blocks=(paragraph,)), "gutenberg"), "gutenberg")
    assert back.blocks == (paragraph,)


def test_the_byline_text_reads_back_as_its_names() -> None:
    for names in [("Ann Lee",), ("Ann Lee", "Bo Ng"), ("A", "B", "C")]:
        assert byline_names(byline_text(names)) == names
    assert byline_names("By Ann Lee, Bo Ng and Cy and Di Oh", ("Ann Lee", "Bo Ng", "Cy and Di Oh")) == (
        "Ann Lee",
        "Bo Ng",
        "Cy and Di Oh",
    )


def test_text_repeats_by_for_each_author_and_refuses_a_bad_edited_time() -> None:
    line = 'UPDATE: 10:00 {#update-x by="Ann Lee" by="Bo Ng" headline="Hi there" pinned=true}'
    marker = next(formats.read(f"\n{line}\n\nBody.\n", "text").updates())
    assert (marker.by, marker.headline, marker.pinned) == (("Ann Lee", "Bo Ng"), "Hi there", True)
    with pytest.raises(ParseError, match="edit"):
        formats.read("\nUPDATE: 10:00 {#update-x edited=2026-05-06T10:00}\n", "text")  # no offset


@pytest.mark.parametrize("field", ["by", "headline", "pinned", "edited"])
def test_a_format_that_loses_one_of_the_fields_is_reported_naming_the_marker(field: str) -> None:
    """The crossing compares the read-back with model equality: a format whose writer drops a field (here
    the markdown writer with that attribute taken out) has the marker named in the report."""
    markdown = formats.get("markdown")

    def dropping(post: Post, report: ConversionReport) -> str:
        written = markdown.write(post, report)
        return re.sub(rf' {field}=("(?:[^"\\]|\\.)*"|\S+?)(?=[ }}])', "", written)

    lossy = SimpleNamespace(NAME="lossy", read=markdown.read, write=dropping)
    report = ConversionReport()
    crossing.write(post_with(FULL), lossy, report)  # type: ignore[arg-type]
    assert [(loss.block, "update" in loss.message) for loss in report if loss.block is not None] == [
        (1, True)
    ]
    clean = ConversionReport()
    crossing.write(post_with(FULL), markdown, clean)
    assert [loss for loss in clean if loss.block is not None] == []


# --- live: pinned at the top, exactly once ---------------------------------------------------------------

LIVE_FORMATS = ["json", "lexical", "gutenberg", "markdown"]


def policy(clock: FakeClock) -> RetryPolicy:
    return RetryPolicy(sleep=clock.sleep, clock=clock, rng=random.Random(1))


def update(minute: int, **kw: Any) -> Update:
    return Update(
        id=f"u{minute}",
        at=T0 + dt.timedelta(minutes=minute),
        label=f"UPDATE {minute}",
        blocks=(Paragraph(inlines=text(f"news {minute}")),),
        **kw,
    )


def markers(backend: FakeBackend) -> list[UpdateMarker]:
    return list(formats.read(backend.content(), backend.fmt).updates())


def layout(backend: FakeBackend) -> list[tuple[str, bool]]:
    return [(m.id, m.pinned) for m in markers(backend)]


def bodies_once(backend: FakeBackend) -> None:
    """Every update's marker is followed by its own body, once."""
    blocks = formats.read(backend.content(), backend.fmt).blocks
    for index, block in enumerate(blocks):
        if isinstance(block, UpdateMarker):
            assert blocks[index + 1] == Paragraph(inlines=text(f"news {block.id[1:]}"))
    ids = [m.id for m in markers(backend)]
    assert len(ids) == len(set(ids))


def started(fmt: str, minutes: tuple[int, ...] = (1, 2, 3)) -> tuple[FakeBackend, FakeClock]:
    backend = FakeBackend(formats.write(Post(blocks=(Paragraph(inlines=text("Intro.")),)), fmt), fmt=fmt)
    clock = FakeClock()
    for minute in minutes:
        append_update(backend, "1", update(minute), retry=policy(clock))
    return backend, clock


@pytest.mark.parametrize("fmt", LIVE_FORMATS)
def test_pin_moves_the_update_to_the_top_and_unpin_puts_it_back_by_time(fmt: str) -> None:
    backend, clock = started(fmt)
    assert layout(backend) == [("u3", False), ("u2", False), ("u1", False)]  # newest first
    backend.faults = [None, "drop"]  # the write is stored, its answer lost: the retry finds it done
    assert pin_update(backend, "1", "u1", retry=policy(clock)).outcome is Outcome.APPLIED
    assert layout(backend) == [("u1", True), ("u3", False), ("u2", False)]
    assert pin_update(backend, "1", "u1", retry=policy(clock)).outcome is Outcome.ALREADY_PRESENT
    # pinning another unpins the first, which goes back to its time's place: at most one pinned
    backend.faults = [None, "502-after"]
    assert pin_update(backend, "1", "u2", retry=policy(clock)).outcome is Outcome.APPLIED
    assert layout(backend) == [("u2", True), ("u3", False), ("u1", False)]
    # a new update is placed by time among the unpinned ones, under the pinned one
    append_update(backend, "1", update(4), retry=policy(clock))
    assert layout(backend) == [("u2", True), ("u4", False), ("u3", False), ("u1", False)]
    assert unpin_update(backend, "1", "u2", retry=policy(clock)).outcome is Outcome.APPLIED
    assert layout(backend) == [("u4", False), ("u3", False), ("u2", False), ("u1", False)]
    assert unpin_update(backend, "1", "u2", retry=policy(clock)).outcome is Outcome.ALREADY_PRESENT
    bodies_once(backend)
    with pytest.raises(UpdateNotFoundError):
        pin_update(backend, "1", "nope", retry=policy(clock))


@pytest.mark.parametrize("fmt", LIVE_FORMATS)
def test_appending_a_pinned_update_puts_it_on_top_in_an_oldest_first_post(fmt: str) -> None:
    backend, clock = started(fmt, ())
    for minute in (1, 2):
        append_update(backend, "1", update(minute), retry=policy(clock), order="oldest-first")
    append_update(backend, "1", update(3, pinned=True, by=("Ann Lee",)), retry=policy(clock))
    append_update(backend, "1", update(4), retry=policy(clock))  # the order is still read from u1, u2
    assert layout(backend) == [("u3", True), ("u1", False), ("u2", False), ("u4", False)]
    append_update(backend, "1", update(5, pinned=True), retry=policy(clock))
    assert layout(backend) == [("u5", True), ("u1", False), ("u2", False), ("u3", False), ("u4", False)]
    assert markers(backend)[3].by == ("Ann Lee",)
    bodies_once(backend)


@pytest.mark.parametrize("fmt", LIVE_FORMATS)
def test_replace_keeps_byline_headline_pin_and_time_and_sets_edited(fmt: str) -> None:
    backend, clock = started(fmt, (1, 2))
    described = update(1, by=("Ann Lee", "Bo Ng"), headline="First", pinned=True, key=True)
    replace_update(backend, "1", described, retry=policy(clock))
    before = markers(backend)[0]
    assert (before.id, before.by, before.headline, before.pinned) == (
        "u1",
        ("Ann Lee", "Bo Ng"),
        "First",
        True,
    )
    now = dt.datetime(2026, 5, 6, 22, 30, tzinfo=dt.UTC)
    corrected = prepare(
        "1",
        Update(id="u1", blocks=(Paragraph(inlines=text("news 1")), Paragraph(inlines=text("fixed")))),
        now=lambda: now,
        edit=True,
    )
    backend.faults = [None, "drop"]
    assert replace_update(backend, "1", corrected, retry=policy(clock)).outcome is Outcome.APPLIED
    assert replace_update(backend, "1", corrected, retry=policy(clock)).outcome is Outcome.ALREADY_PRESENT
    after = markers(backend)[0]
    assert after.model_copy(update={"edited": None}) == before.model_copy(
        update={"key": False, "edited": None}
    )
    assert after.edited == now and after.at == T0 + dt.timedelta(minutes=1)
    blocks = formats.read(backend.content(), fmt).blocks
    assert blocks.count(Paragraph(inlines=text("fixed"))) == 1
    # a replacement that unpins (and changes the headline) puts the update back at its time's place
    unpinned = prepare("1", update(1, headline="First, revised", pinned=False), now=lambda: now, edit=True)
    replace_update(backend, "1", unpinned, retry=policy(clock))
    assert [(m.id, m.pinned, m.headline) for m in markers(backend)] == [
        ("u2", False, ""),
        ("u1", False, "First, revised"),
    ]
    assert markers(backend)[1].by == ("Ann Lee", "Bo Ng")


def test_a_prepared_replacement_survives_the_outbox_with_what_it_keeps(tmp_path: Path) -> None:
    prepared = prepare("1", Update(id="u1", label="UPDATE 1", headline="New"), edit=True)
    assert prepared.keep == {"by", "pinned", "at", "tz"} and prepared.marker.edited is not None
    assert Prepared.from_json(prepared.to_json()) == prepared
    plain = prepare("1", update(1, by=("Ann Lee",)))
    assert json.loads(plain.to_json()).keys() == json.loads(Post().model_dump_json()).keys()  # old form
    assert Prepared.from_json(plain.to_json()) == plain
    with Outbox(tmp_path / "o.db") as outbox:
        entry = outbox.record("files:/x", "1", "replace", "u1", prepared.to_json())
        assert outbox.get(entry.seq).prepared() == prepared


# --- the command line --------------------------------------------------------------------------------------


def _published(tmp_path: Path, fmt: str) -> tuple[str, str, str]:
    posts = tmp_path / "posts"
    posts.mkdir()
    site = f"files:{posts}?format={fmt}"
    published = run_cli("publish", "-", "--from", "text", "--site", site, stdin="Live\n\nIntro.\n")
    assert published.returncode == 0, published.stderr
    return site, published.stdout.split()[0], str(tmp_path / "o.db")


def _stored_markers(site: str, post_id: str) -> list[dict[str, Any]]:
    stored = run_cli("get", post_id, "--site", site, "--to", "json")
    assert stored.returncode == 0, stored.stderr
    return [b for b in json.loads(stored.stdout)["blocks"] if b["type"] == "update"]


@pytest.mark.parametrize("fmt", ["gutenberg", "lexical"])
def test_cli_append_by_headline_pin_key_then_pin_unpin_and_replace(tmp_path: Path, fmt: str) -> None:
    site, post_id, box = _published(tmp_path, fmt)
    common = ("--site", site, "--outbox", box)

    def append(minute: int, *extra: str) -> str:
        at = f"2026-05-06T23:{minute:02d}:00+02:00"
        result = run_cli(
            "append", post_id, "-", *common, "--at", at, *extra, stdin=f"UPDATE: 23:{minute}\n\nNews.\n"
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    flags = ("--id", "a", "--by", "Ann Lee", "--by", "Bo Ng", "--headline", "Talks resume", "--pin", "--key")
    assert append(10, *flags) == "applied"
    assert append(10, *flags) == "already present"
    assert append(20, "--id", "b") == "applied"
    shown = [(m["id"], m["by"], m["headline"], m["pinned"], m["key"]) for m in _stored_markers(site, post_id)]
    assert shown == [("a", ["Ann Lee", "Bo Ng"], "Talks resume", True, True), ("b", [], "", False, False)]

    assert run_cli("pin", post_id, "b", *common).stdout.strip() == "applied"
    assert run_cli("pin", post_id, "b", *common).stdout.strip() == "already pinned"
    assert [(m["id"], m["pinned"]) for m in _stored_markers(site, post_id)] == [("b", True), ("a", False)]
    assert run_cli("unpin", post_id, "b", *common).stdout.strip() == "applied"
    assert run_cli("unpin", post_id, "b", *common).stdout.strip() == "already unpinned"
    assert [(m["id"], m["pinned"]) for m in _stored_markers(site, post_id)] == [("b", False), ("a", False)]
    missing = run_cli("pin", post_id, "nope", *common)
    assert missing.returncode == 1 and "nope" in missing.stderr and "Traceback" not in missing.stderr
    assert run_cli("pin", post_id, "bad id", *common).returncode == 2
    no_post = run_cli("unpin", "no-such-post", "b", *common)
    assert no_post.returncode == 1 and no_post.stderr.strip().count("\n") == 0, no_post.stderr

    replaced = run_cli("append", post_id, "-", *common, "--replace", "--id", "a", stdin="Corrected.\n")
    assert (replaced.returncode, replaced.stdout.strip()) == (0, "applied"), replaced.stderr
    a = next(m for m in _stored_markers(site, post_id) if m["id"] == "a")
    assert (a["by"], a["headline"], a["label"], a["at"]) == (
        ["Ann Lee", "Bo Ng"],
        "Talks resume",
        "UPDATE: 23:10",
        "2026-05-06T23:10:00+02:00",
    )
    assert a["edited"] is not None
    cleared = run_cli("append", post_id, "-", *common, "--replace", "--id", "a", "--by", "", stdin="Again.\n")
    assert cleared.returncode == 0, cleared.stderr
    assert next(m for m in _stored_markers(site, post_id) if m["id"] == "a")["by"] == []


@pytest.mark.parametrize("fmt", LIVE_FORMATS)
def test_the_same_replacement_made_again_later_is_already_present(fmt: str) -> None:
    backend, clock = started(fmt, (1, 2))
    fixed = Update(id="u1", blocks=(Paragraph(inlines=text("news 1")), Paragraph(inlines=text("fixed"))))
    first = dt.datetime(2026, 5, 6, 22, 30, tzinfo=dt.UTC)
    later = first + dt.timedelta(minutes=7)  # a cron job run again: its edited time is its own
    made = prepare("1", fixed, now=lambda: first, edit=True)
    again = prepare("1", fixed, now=lambda: later, edit=True)
    assert replace_update(backend, "1", made, retry=policy(clock)).outcome is Outcome.APPLIED
    assert replace_update(backend, "1", again, retry=policy(clock)).outcome is Outcome.ALREADY_PRESENT
    assert next(m for m in markers(backend) if m.id == "u1").edited == first  # the edit that was made
