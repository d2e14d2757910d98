"""Issue 16's acceptance flow on a real site, through the command line as a desk runs it: open the story,
append an update with ``--by``, ``--headline``, ``--pin`` and ``--key``, read it back with all four, print
the schema (coverage start, the update's byline, headline, times, pinned first), close the story, see the
coverage end in the schema and ``disabled`` in the AMP list, and be refused an append until ``--reopen``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lxml import html as lxml_html

from tests.live_soak import cli

UPDATE = "UPDATE: 23:40 Paris time\n\nTalks resumed at the border.\n"
LATER = "UPDATE: 23:55 Paris time\n\nA later word.\n"


def _ok(result: Any, said: str | None = None) -> str:
    assert result.returncode == 0, result.stderr
    out = str(result.stdout)
    if said is not None:
        assert out.strip() == said, (out, result.stderr)
    return out


def run_desk(site: str, post: str, tmp_path: Path) -> None:
    box = str(tmp_path / "outbox.db")
    on = ["--site", site, "--outbox", box]
    _ok(cli("open", post, *on, "--at", "2026-05-06T20:00:00+02:00", "--tz", "Europe/Paris"), "applied")
    _ok(cli("open", post, *on, "--at", "2026-05-06T21:00:00+02:00"), "already open")
    append = ["append", post, "-", *on, "--id", "talks", "--at", "2026-05-06T23:40:00+02:00"]
    flags = ["--by", "Ann Lee", "--by", "Bo Ng", "--headline", "Talks resume", "--pin", "--key"]
    _ok(cli(*append, *flags, stdin=UPDATE), "applied")
    _ok(cli(*append, *flags, stdin=UPDATE), "already present")
    later = ["append", post, "-", *on, "--id", "later", "--at", "2026-05-06T23:55:00+02:00"]
    _ok(cli(*later, stdin=LATER), "applied")

    stored = json.loads(_ok(cli("get", post, "--site", site, "--to", "json")))
    updates = [b for b in stored["blocks"] if b["type"] == "update"]
    talks = next(u for u in updates if u["id"] == "talks")
    assert (talks["by"], talks["headline"], talks["pinned"], talks["key"]) == (
        ["Ann Lee", "Bo Ng"],
        "Talks resume",
        True,
        True,
    )
    assert [u["id"] for u in updates] == ["talks", "later"]  # pinned on top, though older

    schema = json.loads(_ok(cli("schema", post, "--site", site)))
    assert schema["@type"] == "LiveBlogPosting"
    assert schema["coverageStartTime"].startswith("2026-05-06T20:00:00")
    assert "coverageEndTime" not in schema
    first = schema["liveBlogUpdate"][0]
    assert first["headline"] == "Talks resume"
    assert [a["name"] for a in first["author"]] == ["Ann Lee", "Bo Ng"]
    assert first["datePublished"].startswith("2026-05-06T23:40:00")
    assert "dateModified" in first

    _ok(cli("close", post, *on, "--at", "2026-05-07T01:00:00+02:00"), "applied")
    _ok(cli("close", post, *on), "already closed")
    closed = json.loads(_ok(cli("schema", post, "--site", site)))
    assert closed["coverageStartTime"].startswith("2026-05-06T20:00:00")
    assert closed["coverageEndTime"].startswith("2026-05-07T01:00:00")
    amp = lxml_html.fromstring(_ok(cli("schema", post, "--site", site, "--amp", "--outbox", box)))
    assert amp.tag == "amp-live-list" and amp.get("disabled") is not None
    assert next(iter(amp.find("div[@items]"))).get("id") == "update-talks"

    after = ["append", post, "-", *on, "--id", "after", "--at", "2026-05-07T01:30:00+02:00"]
    refused = cli(*after, stdin=LATER)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
    assert "--reopen" in refused.stderr and "Traceback" not in refused.stderr, refused.stderr
    reopened = cli(*after, "--reopen", stdin=LATER)
    _ok(reopened, "applied")
    again = json.loads(_ok(cli("schema", post, "--site", site)))
    assert "coverageEndTime" not in again and again["coverageStartTime"].startswith("2026-05-06T20:00:00")
