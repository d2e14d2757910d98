"""Live updates name what they lose (issue 14, item 1 for the live paths): the update's own blocks and the
post around them, on append, --replace, retract and the outbox's delivery; an update whose own content the
site cannot hold is refused (exit 2) before anything is written, unless --allow-loss."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import pytest

from cmsbridge import cli, formats, live
from cmsbridge.backends.base import Ref
from cmsbridge.errors import UsageError
from cmsbridge.live import (
    Update,
    append_update,
    prepare,
    replace_update,
    retract_update,
)
from cmsbridge.live.outbox import Outbox
from cmsbridge.model import Link, Paragraph, Post, Raw, Table, text
from cmsbridge.report import ConversionReport
from cmsbridge.retry import RetryPolicy
from tests.live_fake import FakeBackend, FakeClock

TABLE = "| Candidate | Votes |\n|---|---|\n| A | 51 |\n| B | 49 |\n"
CODE = "> - print('results')\n"
"""A quote holding a list: the model has no block for it (kept as raw Markdown), nor has WordPress markup."""
ITEM_OF_TWO_PARAGRAPHS = "- | Candidate | Votes |\n\n  A 51, B 49\n"
STORY = "<!-- wp:paragraph -->\n<p>Story so far.</p>\n<!-- /wp:paragraph -->\n"
AT = dt.datetime(2026, 5, 6, 21, 0, tzinfo=dt.UTC)


def _gutenberg_site(tmp_path: Path) -> tuple[str, Path]:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "story.html").write_text(STORY, encoding="utf-8")
    return f"files:{folder}?format=gutenberg", folder / "story.html"


def _append(tmp_path: Path, site: str, body: str, *extra: str, post: str = "story") -> int:
    update = tmp_path / "update.md"
    update.write_text(body, encoding="utf-8")
    return cli.main(
        [
            "append",
            post,
            str(update),
            "--from",
            "markdown",
            "--label",
            "UPDATE: 10:05",
            "--tz",
            "Europe/Paris",
            "--site",
            site,
            "--outbox",
            str(tmp_path / "outbox.db"),
            *extra,
        ]
    )


def _pending(tmp_path: Path) -> int:
    with Outbox(tmp_path / "outbox.db") as outbox:
        return len(outbox.entries(states=("pending", "failed", "done")))


@pytest.mark.parametrize(
    ("body", "named"), [(ITEM_OF_TWO_PARAGRAPHS, "| Candidate | Votes |"), (CODE, "print('results')")]
)
def test_append_refuses_content_the_site_cannot_hold_and_applies_it_with_allow_loss(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, named: str
) -> None:
    """The acceptance test: Markdown the model keeps raw appended to a WordPress-markup folder (a table or
    code until issue 15 gave the model blocks for them)."""
    site, stored = _gutenberg_site(tmp_path)
    assert _append(tmp_path, site, body) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "--allow-loss" in lines[0] and named in lines[0], err
    assert stored.read_text(encoding="utf-8") == STORY  # nothing written
    assert _pending(tmp_path) == 0  # nor queued

    assert _append(tmp_path, site, body, "--allow-loss") == 0
    out, err = capsys.readouterr()
    assert out.strip() == "applied"
    warnings = [line for line in err.splitlines() if line.startswith("warning: gutenberg:")]
    assert len(warnings) == 1 and named in warnings[0], err
    after = formats.read(stored.read_text(encoding="utf-8"), "gutenberg", report=ConversionReport())
    assert [b.type for b in after.blocks] == ["paragraph", "update"]  # applied, without what it lost


def test_replace_refuses_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site, stored = _gutenberg_site(tmp_path)
    assert _append(tmp_path, site, "First.\n", "--id", "u1") == 0
    before = stored.read_text(encoding="utf-8")
    capsys.readouterr()
    assert _append(tmp_path, site, CODE, "--id", "u1", "--replace") == 2
    assert "print('results')" in capsys.readouterr().err
    assert stored.read_text(encoding="utf-8") == before
    assert _append(tmp_path, site, CODE, "--id", "u1", "--replace", "--allow-loss") == 0
    assert "print('results')" in capsys.readouterr().err


def test_an_update_the_site_holds_whole_prints_no_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, _ = _gutenberg_site(tmp_path)
    assert _append(tmp_path, site, "Polls close at 20:00.\n") == 0
    out, err = capsys.readouterr()
    assert (out.strip(), err) == ("applied", "")


def test_a_queued_append_is_checked_when_requested_and_carries_the_decision(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The site is down: the check needs no request, and the allowed update is queued as allowed."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    site = f"wordpress+http://editor:secret@127.0.0.1:{port}"
    assert _append(tmp_path, site, CODE, "--budget", "0.5", post="12") == 2
    assert "print('results')" in capsys.readouterr().err
    assert _pending(tmp_path) == 0
    assert _append(tmp_path, site, CODE, "--budget", "0.5", "--allow-loss", post="12") == 75
    out, err = capsys.readouterr()
    assert out.strip() == "queued" and "print('results')" in err
    with Outbox(tmp_path / "outbox.db") as outbox:
        assert [e.allow_loss for e in outbox.pending()] == [True]


# --- the library ---------------------------------------------------------------------------------------


def _policy() -> RetryPolicy:
    clock = FakeClock()
    return RetryPolicy(sleep=clock.sleep, clock=clock, rng=random.Random(1))


def _code_update(update_id: str = "u1") -> Update:
    return Update(id=update_id, at=AT, label="UPDATE 1", blocks=(Raw(format="markdown", content="x = 1"),))


def test_the_result_carries_the_losses_of_the_updates_blocks() -> None:
    intro = formats.write(Post(blocks=(Paragraph(inlines=text("Intro.")),)), "gutenberg")
    backend = FakeBackend(intro, fmt="gutenberg")
    result = append_update(backend, "1", _code_update(), retry=_policy())  # type: ignore[arg-type]
    assert len(result.losses) == 1 and "x = 1" in str(result.losses[0])
    again = append_update(backend, "1", _code_update(), retry=_policy())  # type: ignore[arg-type]
    assert again.losses == ()  # nothing written


def test_allow_loss_false_refuses_before_any_request() -> None:
    backend = FakeBackend("", fmt="gutenberg")
    with pytest.raises(live.UpdateLossError, match="x = 1") as caught:
        append_update(backend, "1", _code_update(), retry=_policy(), allow_loss=False)  # type: ignore[arg-type]
    assert isinstance(caught.value, UsageError) and caught.value.exit_code == 2
    with pytest.raises(live.UpdateLossError):
        replace_update(backend, "1", _code_update(), retry=_policy(), allow_loss=False)  # type: ignore[arg-type]
    assert backend.log == []


STORY_MD = '---\ntitle: Live\n---\n\nIntro.\n\n![Map](map.png "A title the model has no place for")\n'


def test_the_losses_of_the_post_around_the_update_are_named_when_it_is_written_whole(tmp_path: Path) -> None:
    """A folder of Markdown files writes the whole post again: what reading it lost is reported."""
    backend = FakeBackend(STORY_MD, fmt="markdown")
    plain = Update(id="u1", at=AT, label="UPDATE 1", blocks=(Paragraph(inlines=text("News.")),))
    result = append_update(backend, "1", plain, retry=_policy())  # type: ignore[arg-type]
    assert any("image title" in loss.message for loss in result.losses), result.losses
    assert "A title the model" not in backend.content("1")
    retracted = retract_update(backend, "1", "u1", retry=_policy())  # type: ignore[arg-type]
    assert "image title" not in " ".join(map(str, retracted.losses))  # already lost by the append


def test_the_outbox_delivers_with_the_decision_it_recorded(tmp_path: Path) -> None:
    backend = FakeBackend("", fmt="gutenberg")
    refused, allowed = prepare("1", _code_update("u1")), prepare("1", _code_update("u2"))
    with Outbox(tmp_path / "o.db") as outbox:
        entry = outbox.record("fake:site", "1", "append", refused.id, refused.to_json(), allow_loss=False)
        outbox.record("fake:site", "1", "append", allowed.id, allowed.to_json())
        first, second = outbox.flush_post(backend, entry.site, "1", retry=_policy())
    assert first.state == "failed" and isinstance(first.error, live.UpdateLossError)
    assert second.state == "done" and second.result is not None and second.result.losses
    stored = formats.read(backend.content("1"), "gutenberg", report=ConversionReport())
    assert [b.id for b in stored.blocks if b.type == "update"] == ["u2"]  # type: ignore[union-attr]


def test_flush_prints_what_a_delivery_lost(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site, stored = _gutenberg_site(tmp_path)
    prepared = prepare("story", _code_update())
    with Outbox(tmp_path / "outbox.db") as outbox:
        outbox.record(site, "story", "append", prepared.id, prepared.to_json())
    assert cli.main(["flush", "--site", site, "--outbox", str(tmp_path / "outbox.db")]) == 0
    out, err = capsys.readouterr()
    assert out.strip().endswith("applied") and "update-u1" in stored.read_text(encoding="utf-8")
    assert "x = 1" in err and err.startswith("warning:"), err


def test_a_markdown_table_is_read_whole_not_run_into_a_paragraph() -> None:
    """A table is one block (a Table since issue 15), so Markdown writes it back as it was."""
    post = formats.read("Before.\n\n" + TABLE, "markdown", report=ConversionReport())
    assert isinstance(post.blocks[1], Table) and len(post.blocks) == 2
    assert formats.read(ITEM_OF_TWO_PARAGRAPHS, "markdown").blocks[0].type == "raw"
    again = formats.read(formats.write(post, "markdown"), "markdown", report=ConversionReport())
    assert again.blocks == post.blocks


class Filtering(FakeBackend):
    """A server whose save filter removes links (as WordPress's does for a role without unfiltered_html)."""

    def commit(self, ref: Ref, content: str) -> None:
        super().commit(ref, re.sub(r"</?a\b[^>]*>", "", content))


def test_what_the_server_changed_on_save_is_named() -> None:
    intro = formats.write(Post(blocks=(Paragraph(inlines=text("Intro.")),)), "gutenberg")
    backend = Filtering(intro, fmt="gutenberg")
    linked = Paragraph(inlines=(Link(href="https://example.org/", children=text("source")),))
    update = Update(id="u1", at=AT, label="UPDATE 1", blocks=(linked,))
    result = append_update(backend, "1", update, retry=_policy())  # type: ignore[arg-type]
    assert [loss.message for loss in result.losses if "changed it on save" in loss.message], result.losses
    plain = append_update(  # type: ignore[arg-type]
        backend,
        "1",
        Update(id="u2", at=AT, label="UPDATE 2", blocks=(Paragraph(inlines=text("x")),)),
        retry=_policy(),
    )
    assert plain.losses == ()  # a block stored as sent is no loss
