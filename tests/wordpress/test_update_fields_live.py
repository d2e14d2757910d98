"""An update's byline, headline, pinned and key states on the real WordPress (fixture ``wordpress``), REST
and XML-RPC, for an admin and for an author (no ``unfiltered_html``: WordPress filters the content): the
update appended through the library and the command line reads back with all four, the page shows the
headline and the byline with the pinned update first; pin, unpin and replace exactly once."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import requests

import cmsbridge
from cmsbridge import live
from cmsbridge.backends.base import Backend
from cmsbridge.live import Outcome, Update
from cmsbridge.model import Paragraph, Post, UpdateMarker, text
from tests.live_soak import cli

pytestmark = pytest.mark.wordpress

T0 = dt.datetime(2026, 5, 6, 21, 0, tzinfo=dt.UTC)
CASES = [("rest", "admin"), ("xmlrpc", "admin"), ("rest", "author"), ("xmlrpc", "author")]


def site(wordpress: dict[str, Any], role: str, transport: str) -> Backend:
    return cmsbridge.connect(wordpress["users"][role][f"{transport}_site"])


def markers(backend: Backend, post: str) -> list[UpdateMarker]:
    return list(backend.get(post).post.updates())


def body(words: str) -> tuple[Paragraph, ...]:
    return (Paragraph(inlines=text(words)),)


@pytest.mark.parametrize(("transport", "role"), CASES)
def test_append_with_byline_headline_pin_and_key_reads_back_with_all_four(
    wordpress: dict[str, Any], transport: str, role: str
) -> None:
    backend = site(wordpress, role, transport)
    ref = backend.create(Post(title="Live with bylines", status="publish", blocks=body("Intro.")))
    post = ref.id
    try:
        live.append_update(
            backend, post, Update(id="u1", at=T0, label="UPDATE: 21:00 UTC", blocks=body("One."))
        )
        described = Update(
            id="u2",
            at=T0 + dt.timedelta(minutes=5),
            label="UPDATE: 21:05 UTC",
            blocks=body("Two."),
            key=True,
            by=("Ann Lee", "Bo Ng, Jr."),
            headline="Talks <resume> & go",
            pinned=True,
        )
        first = live.append_update(backend, post, described)
        again = live.append_update(backend, post, described)
        assert (first.outcome, again.outcome) == (Outcome.APPLIED, Outcome.ALREADY_PRESENT)
        # an author's save filters <time> (reported); the headline and byline spans are kept
        assert not [loss for loss in first.losses if "span" in str(loss)], first.losses
        u2 = next(m for m in markers(backend, post) if m.id == "u2")
        assert (u2.by, u2.headline, u2.pinned, u2.key) == (
            ("Ann Lee", "Bo Ng, Jr."),
            "Talks <resume> & go",
            True,
            True,
        )
        page = requests.get(str(backend.get(post).ref.link), timeout=30).text
        assert re.findall(r'id="update-(u\d)"', page) == ["u2", "u1"]  # the pinned update first
        shown = unescape(re.sub(r"<[^>]+>", " ", page))
        assert "Talks <resume> & go" in shown and "By Ann Lee and Bo Ng, Jr." in shown

        assert live.pin_update(backend, post, "u1").outcome is Outcome.APPLIED
        assert live.pin_update(backend, post, "u1").outcome is Outcome.ALREADY_PRESENT
        assert [(m.id, m.pinned) for m in markers(backend, post)] == [("u1", True), ("u2", False)]
        assert live.unpin_update(backend, post, "u1").outcome is Outcome.APPLIED
        assert [(m.id, m.pinned) for m in markers(backend, post)] == [("u2", False), ("u1", False)]

        replaced = live.replace_update(backend, post, Update(id="u2", blocks=body("Two, fixed.")))
        assert replaced.outcome is Outcome.APPLIED
        u2 = next(m for m in markers(backend, post) if m.id == "u2")
        assert (u2.by, u2.headline, u2.label) == (
            ("Ann Lee", "Bo Ng, Jr."),
            "Talks <resume> & go",
            "UPDATE: 21:05 UTC",
        )
        assert u2.at == T0 + dt.timedelta(minutes=5) and u2.edited is not None
    finally:
        backend.delete(ref, force=True)


@pytest.mark.parametrize("transport", ["rest", "xmlrpc"])
def test_cli_append_by_headline_pin_key_then_unpin(
    wordpress: dict[str, Any], transport: str, tmp_path: Path
) -> None:
    url = wordpress["users"]["admin"][f"{transport}_site"]
    backend = cmsbridge.connect(url)
    ref = backend.create(Post(title="Live from the CLI", status="publish", blocks=body("Intro.")))
    post = ref.id
    box = str(tmp_path / "outbox.db")
    try:
        args = ["append", post, "-", "--site", url, "--outbox", box, "--at", "2026-05-06T23:40:00+02:00"]
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
        stored = cli("get", post, "--site", url, "--to", "json")
        assert stored.returncode == 0, stored.stderr
        desk = next(b for b in json.loads(stored.stdout)["blocks"] if b["type"] == "update")
        assert (desk["by"], desk["headline"], desk["pinned"], desk["key"]) == (
            ["Ann Lee", "Bo Ng"],
            "Talks resume",
            True,
            True,
        )
        unpinned = cli("unpin", post, "desk", "--site", url, "--outbox", box)
        assert (unpinned.returncode, unpinned.stdout.strip()) == (0, "applied"), unpinned.stderr
        assert [m.pinned for m in markers(backend, post)] == [False]
    finally:
        backend.delete(ref, force=True)
