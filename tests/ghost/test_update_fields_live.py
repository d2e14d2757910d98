"""An update's byline, headline, pinned and key states on the real Ghost (scripts/ghost-server), appended
through the library and the command line, read back with all four; pin, unpin and replace exactly once.

The rendered page is checked with plain ``requests`` (:class:`tests.live_soak.GhostDirect`), so that what a
reader of the Ghost site sees does not depend on cmsbridge's reader: the headline and the byline are on
the page, and the pinned update comes first."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape
from pathlib import Path

import pytest

from cmsbridge import live
from cmsbridge.backends.ghost import GhostAdmin
from cmsbridge.live import Outcome, Update
from cmsbridge.model import Paragraph, UpdateMarker, text
from tests.live_soak import GhostDirect, cli, ghost_target

pytestmark = pytest.mark.ghost

T0 = dt.datetime(2026, 5, 6, 21, 0, tzinfo=dt.UTC)


@pytest.fixture()
def direct(ghost_site: str) -> GhostDirect:
    found = ghost_target(ghost_site).direct
    assert isinstance(found, GhostDirect)
    return found


@pytest.fixture()
def post(direct: GhostDirect) -> str:
    return direct.create("Live with bylines")


def markers(ghost: GhostAdmin, post: str) -> list[UpdateMarker]:
    return list(ghost.get(post).post.updates())


def page_order(html: str) -> list[str]:
    return re.findall(r'data-update-id="([^"]+)"', html)


def test_append_with_byline_headline_pin_and_key_reads_back_with_all_four(
    ghost: GhostAdmin, direct: GhostDirect, post: str
) -> None:
    live.append_update(
        ghost,
        post,
        Update(id="u1", at=T0, label="UPDATE: 21:00 UTC", blocks=(Paragraph(inlines=text("One.")),)),
    )
    described = Update(
        id="u2",
        at=T0 + dt.timedelta(minutes=5),
        label="UPDATE: 21:05 UTC",
        blocks=(Paragraph(inlines=text("Two.")),),
        key=True,
        by=("Ann Lee", "Bo Ng, Jr."),
        headline="Talks <resume> & go",
        pinned=True,
    )
    first = live.append_update(ghost, post, described)
    again = live.append_update(ghost, post, described)
    assert (first.outcome, again.outcome) == (Outcome.APPLIED, Outcome.ALREADY_PRESENT)
    u2 = next(m for m in markers(ghost, post) if m.id == "u2")
    assert (u2.by, u2.headline, u2.pinned, u2.key) == (
        ("Ann Lee", "Bo Ng, Jr."),
        "Talks <resume> & go",
        True,
        True,
    )
    html = direct.read(post)["content"]
    assert page_order(html) == ["u2", "u1"]  # pinned first
    shown = unescape(re.sub(r"<[^>]+>", " ", html))
    assert "Talks <resume> & go" in shown and "By Ann Lee and Bo Ng, Jr." in shown

    # pin the other one, then unpin it: exactly once, at most one pinned, back at its time's place
    assert live.pin_update(ghost, post, "u1").outcome is Outcome.APPLIED
    assert live.pin_update(ghost, post, "u1").outcome is Outcome.ALREADY_PRESENT
    assert [(m.id, m.pinned) for m in markers(ghost, post)] == [("u1", True), ("u2", False)]
    assert live.unpin_update(ghost, post, "u1").outcome is Outcome.APPLIED
    assert [(m.id, m.pinned) for m in markers(ghost, post)] == [("u2", False), ("u1", False)]

    # a replacement keeps the byline and headline, and records when it was edited
    replaced = live.replace_update(
        ghost, post, Update(id="u2", blocks=(Paragraph(inlines=text("Two, fixed.")),))
    )
    assert replaced.outcome is Outcome.APPLIED
    u2 = next(m for m in markers(ghost, post) if m.id == "u2")
    assert (u2.by, u2.headline, u2.label, u2.at) == (
        ("Ann Lee", "Bo Ng, Jr."),
        "Talks <resume> & go",
        "UPDATE: 21:05 UTC",
        T0 + dt.timedelta(minutes=5),
    )
    assert u2.edited is not None


def test_cli_append_by_headline_pin_key_then_pin(
    ghost_site: str, ghost: GhostAdmin, post: str, tmp_path: Path
) -> None:
    box = str(tmp_path / "outbox.db")
    args = ["append", post, "-", "--site", ghost_site, "--outbox", box, "--at", "2026-05-06T23:40:00+02:00"]
    flags = [
        "--id",
        "desk",
        "--by",
        "Ann Lee",
        "--by",
        "Bo Ng",
        "--headline",
        "Talks resume",
        "--pin",
        "--key",
    ]
    first = cli(*args, *flags, stdin="UPDATE: 23:40 Paris time\n\nTalks resumed.\n")
    again = cli(*args, *flags, stdin="UPDATE: 23:40 Paris time\n\nTalks resumed.\n")
    assert (first.returncode, first.stdout.strip()) == (0, "applied"), first.stderr
    assert (again.returncode, again.stdout.strip()) == (0, "already present"), again.stderr
    stored = cli("get", post, "--site", ghost_site, "--to", "json")
    assert stored.returncode == 0, stored.stderr
    desk = next(b for b in json.loads(stored.stdout)["blocks"] if b["type"] == "update")
    assert (desk["by"], desk["headline"], desk["pinned"], desk["key"]) == (
        ["Ann Lee", "Bo Ng"],
        "Talks resume",
        True,
        True,
    )
    unpinned = cli("unpin", post, "desk", "--site", ghost_site, "--outbox", box)
    assert (unpinned.returncode, unpinned.stdout.strip()) == (0, "applied"), unpinned.stderr
    assert [m.pinned for m in markers(ghost, post)] == [False]
