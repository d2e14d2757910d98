"""Live updates on the real Ghost (scripts/ghost-server): exactly once, order, replace and retract, the key
flag, Ghost's ``updated_at`` collision (stale, and the same-second blind spot it cannot see), a concurrent
title/excerpt/content changer, the soak, outage and kills through the fault proxy (short forms of
benchmarks/soak.py), and the CLI (``cmsbridge publish`` and ``cmsbridge append``).

The post is read back directly (plain ``requests``, :class:`tests.live_soak.GhostDirect`), from the HTML
Ghost renders, so the checks do not depend on cmsbridge's own reader.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from cmsbridge import live
from cmsbridge.backends.base import Ref, Versioned
from cmsbridge.backends.ghost import GhostAdmin
from cmsbridge.live import Outcome, Update
from cmsbridge.model import Paragraph, UpdateMarker, text
from tests.live_soak import GhostDirect, cli, ghost_target, kills, outage, soak

pytestmark = pytest.mark.ghost

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "south-ossetia-liveblog.txt"
T0 = dt.datetime(2026, 5, 6, 21, 0, tzinfo=dt.UTC)


def update(minute: int, body: str | None = None, **kw: Any) -> Update:
    blocks = (Paragraph(inlines=text(body or f"News {minute}.")),)
    return Update(
        id=kw.pop("id", f"m{minute:03d}"),
        at=T0 + dt.timedelta(minutes=minute),
        label=f"UPDATE {minute}",
        blocks=blocks,
        **kw,
    )


def anchors(html: str) -> list[str]:
    return re.findall(r'data-update-id="([^"]+)"', html)


@pytest.fixture()
def direct(ghost_site: str) -> GhostDirect:
    found = ghost_target(ghost_site).direct
    assert isinstance(found, GhostDirect)
    return found


@pytest.fixture()
def post(direct: GhostDirect) -> str:
    """A published post with one paragraph, its title and excerpt set by someone else."""
    created = direct.create("Live on Ghost")
    direct.set_meta(created, "Live on Ghost", "Set by the desk")
    return created


def test_append_exactly_once_and_only_the_content_is_written(
    ghost: GhostAdmin, direct: GhostDirect, post: str
) -> None:
    direct.put(post, {"tags": [{"name": "Breaking"}], "featured": True})
    first = live.append_update(ghost, post, update(1))
    again = live.append_update(ghost, post, update(1))
    assert (first.outcome, again.outcome) == (Outcome.APPLIED, Outcome.ALREADY_PRESENT)
    assert (first.attempts, again.attempts) == (1, 1)
    state = direct.read(post)
    assert anchors(state["content"]) == ["m001"]
    assert state["content"].count("<p>News 1.</p>") == 1
    assert (state["title"], state["excerpt"]) == ("Live on Ghost", "Set by the desk")
    saved = direct.get(post)
    assert (saved["status"], saved["featured"]) == ("published", True)
    assert [t["name"] for t in saved["tags"]] == ["Breaking"]


def test_updates_follow_the_posts_order_newest_first_and_oldest_first(
    ghost: GhostAdmin, direct: GhostDirect, post: str
) -> None:
    for minute in (10, 20, 15):
        live.append_update(ghost, post, update(minute))
    assert anchors(direct.read(post)["content"]) == ["m020", "m015", "m010"]
    other = direct.create("Oldest first")
    for minute in (10, 20):
        live.append_update(ghost, other, update(minute), order="oldest-first")
    live.append_update(ghost, other, update(15))  # detected from the markers already there
    assert anchors(direct.read(other)["content"]) == ["m010", "m015", "m020"]


def test_replace_retract_and_the_key_flag(ghost: GhostAdmin, direct: GhostDirect, post: str) -> None:
    live.append_update(ghost, post, update(1))
    live.append_update(ghost, post, update(2, key=True))
    marker = next(b for b in ghost.get(post).post.blocks if isinstance(b, UpdateMarker) and b.id == "m002")
    assert marker.key
    assert 'data-key="true"' in direct.read(post)["content"]

    corrected = update(1, "News 1, corrected.")
    assert live.replace_update(ghost, post, corrected).outcome == Outcome.APPLIED
    assert live.replace_update(ghost, post, corrected).outcome == Outcome.ALREADY_PRESENT
    html = direct.read(post)["content"]
    assert "<p>News 1, corrected.</p>" in html and "<p>News 1.</p>" not in html

    assert live.retract_update(ghost, post, "m002").outcome == Outcome.APPLIED
    assert live.retract_update(ghost, post, "m002").outcome == Outcome.ALREADY_PRESENT
    state = direct.read(post)
    assert anchors(state["content"]) == ["m001"] and "News 2." not in state["content"]
    assert (state["title"], state["excerpt"]) == ("Live on Ghost", "Set by the desk")


def _prepend_paragraph(direct: GhostDirect, post: str, words: str) -> dict[str, Any]:
    """Another writer: a paragraph added at the top of the content, with the ``updated_at`` just read."""
    for _ in range(50):
        current = direct.get(post, "lexical")
        lexical = json.loads(current["lexical"])
        node = json.loads(json.dumps(lexical["root"]["children"][0]))  # the intro paragraph as a template
        node["children"] = [{**node["children"][0], "text": words}]
        lexical["root"]["children"].insert(0, node)
        answer = direct.put_once(post, {"lexical": json.dumps(lexical)}, current["updated_at"])
        if answer is not None:
            return answer
    raise AssertionError("the other writer collided 50 times in a row")


class Interleaved(GhostAdmin):
    """A GhostAdmin after whose next reads (``interleave`` of them) another writer saves the post."""

    interleave: int = 0
    direct: GhostDirect
    post_id: str
    notes: list[str]
    same_second: int = 0

    def read_versioned(self, ref: Ref) -> Versioned:
        current = super().read_versioned(ref)
        if self.interleave > 0:
            self.interleave -= 1
            words = f"Other writer {len(self.notes) + 1}."
            answer = _prepend_paragraph(self.direct, self.post_id, words)
            self.notes.append(words)
            if answer["updated_at"] == current.version.token:
                self.same_second += 1  # Ghost cannot tell this write happened: same updated_at
        return current


def _interleaved(ghost_site: str, direct: GhostDirect, post: str) -> Interleaved:
    backend = Interleaved.from_url(ghost_site)
    assert isinstance(backend, Interleaved)
    backend.direct, backend.post_id, backend.notes = direct, post, []
    return backend


def test_a_stale_updated_at_collides_and_is_recovered(
    ghost_site: str, direct: GhostDirect, post: str
) -> None:
    backend = _interleaved(ghost_site, direct, post)
    with backend:
        for minute in (1, 2):
            time.sleep(1.1)  # the other writer's save lands in a later second than the version read
            backend.interleave = 1
            result = live.append_update(backend, post, update(minute))
            assert result.outcome == Outcome.APPLIED
            assert result.conflicts >= 1  # Ghost refused the write based on the stale updated_at (409)
    html = direct.read(post)["content"]
    assert anchors(html) == ["m002", "m001"]
    for words in backend.notes:
        assert html.count(f"<p>{words}</p>") == 1, words


def test_a_write_in_the_same_second_as_the_read_is_not_lost(
    ghost_site: str, direct: GhostDirect, post: str
) -> None:
    """Ghost's ``updated_at`` has one-second resolution: a save in the same second as the version read
    leaves it unchanged, and Ghost would accept a write based on the older content. cmsbridge waits until
    the post has been left alone past that second before it writes."""
    backend = _interleaved(ghost_site, direct, post)
    with backend:
        for minute in range(1, 5):
            while time.time() % 1.0 > 0.2:  # start early in a second: the other save lands in the same one
                time.sleep(0.02)
            direct.set_meta(post, f"Title {minute}", f"Excerpt {minute}")  # the post changes now
            backend.interleave = 1
            assert live.append_update(backend, post, update(minute)).outcome == Outcome.APPLIED
    assert backend.same_second >= 1, "no save landed in the second read: the blind spot was not exercised"
    state = direct.read(post)
    assert anchors(state["content"]) == ["m004", "m003", "m002", "m001"]
    for words in backend.notes:
        assert state["content"].count(f"<p>{words}</p>") == 1, f"lost: {words}"
    assert (state["title"], state["excerpt"]) == ("Title 4", "Excerpt 4")


def test_appends_while_another_writer_changes_title_excerpt_and_content(
    ghost: GhostAdmin, direct: GhostDirect, post: str
) -> None:
    stop = threading.Event()
    notes: list[str] = []
    last: list[tuple[str, str]] = []

    def changer() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            if n % 2:
                direct.set_meta(post, f"Desk title {n}", f"Desk excerpt {n}")
                last.append((f"Desk title {n}", f"Desk excerpt {n}"))
            else:
                _prepend_paragraph(direct, post, f"Desk note {n}.")
                notes.append(f"Desk note {n}.")
            stop.wait(1.3)

    thread = threading.Thread(target=changer, daemon=True)
    thread.start()
    try:
        for minute in range(1, 7):
            assert live.append_update(ghost, post, update(minute)).outcome == Outcome.APPLIED
    finally:
        stop.set()
        thread.join(timeout=60)
    state = direct.read(post)
    assert anchors(state["content"]) == [f"m{m:03d}" for m in range(6, 0, -1)]
    for minute in range(1, 7):
        assert state["content"].count(f"<p>News {minute}.</p>") == 1
    assert len(notes) >= 2 and len(last) >= 2
    for words in notes:
        assert state["content"].count(f"<p>{words}</p>") == 1, f"lost: {words}"
    assert (state["title"], state["excerpt"]) == last[-1]


# --- through the fault proxy, with real cmsbridge processes ----------------------------------------------


def test_soak_concurrent_appends_through_faults(ghost_site: str, tmp_path: Path) -> None:
    report = soak(
        ghost_target(ghost_site), tmp_path, appends=40, processes=4, rate=0.45, seed=11, title_interval=3.0
    )
    assert report.fault_ratio >= 0.3, report
    assert report.title_changes >= 5, report
    assert sum(report.outcomes.values()) == 40


def test_outage_queues_then_everything_arrives(ghost_site: str, tmp_path: Path) -> None:
    counts = outage(ghost_target(ghost_site), tmp_path, appends=6, seconds=3.0)
    assert counts["queued"] >= 3 and counts["applied"] >= 1


def test_kills_of_a_delivering_process_lose_and_double_nothing(ghost_site: str, tmp_path: Path) -> None:
    result = kills(ghost_target(ghost_site), tmp_path, appends=8, kills=4, seed=5)
    assert result["kills"] == 4


# --- the CLI -----------------------------------------------------------------------------------------------


def test_cli_publish_the_example_then_append(ghost_site: str, direct: GhostDirect, tmp_path: Path) -> None:
    published = cli("publish", str(EXAMPLE), "--site", ghost_site, "--json")
    assert published.returncode == 0, published.stderr
    created = json.loads(published.stdout)
    post_id = str(created["id"])
    html = direct.read(post_id)["content"]
    assert "youtube.com/embed/" in html and 'id="update-' in html
    before = anchors(html)

    args = [
        "append",
        post_id,
        "-",
        "--site",
        ghost_site,
        "--outbox",
        str(tmp_path / "outbox.db"),
        "--at",
        "2026-05-06T23:40:00+02:00",
        "--label",
        "UPDATE: 23:40 Paris time",
        "--key",
    ]
    first = cli(*args, stdin="Talks resumed in the evening.\n")
    again = cli(*args, stdin="Talks resumed in the evening.\n")
    assert (first.returncode, first.stdout.strip()) == (0, "applied"), first.stderr
    assert (again.returncode, again.stdout.strip()) == (0, "already present"), again.stderr
    state = direct.read(post_id)
    added = [a for a in anchors(state["content"]) if a not in before]
    assert len(added) == 1
    assert state["content"].count("<p>Talks resumed in the evening.</p>") == 1
    assert state["title"] == EXAMPLE.read_text(encoding="utf-8").splitlines()[0].strip()
    listed = cli("outbox", "--outbox", str(tmp_path / "outbox.db"))
    assert listed.returncode == 0 and post_id not in listed.stdout
