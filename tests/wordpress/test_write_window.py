"""An editor's change saved inside WordPress's own read-modify-write of our append, for real.

WordPress writes every field of a post back from the copy it read at the start of the request
(``wp_update_post`` behind REST, ``wp.editPost`` behind XML-RPC), so a change saved by someone else while
our content write is in flight is undone by it: the title and excerpt come back, the content is ours.
The test site's hold plugin (scripts/wordpress-server, ``HOLD_PLUGIN``) stops our write exactly there,
between WordPress's read and its database update; the editor saves meanwhile; then our write goes on.
cmsbridge must find the undone change in the revisions and put it back, with the update once.
"""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

import cmsbridge
from cmsbridge.backends.base import Transport
from cmsbridge.live import Outcome, Result, Update, append_update
from cmsbridge.model import Paragraph, text

pytestmark = pytest.mark.wordpress

INTRO = "<!-- wp:paragraph -->\n<p>Intro paragraph.</p>\n<!-- /wp:paragraph -->"
CORRECTED = INTRO.replace("Intro paragraph.", "Intro paragraph, corrected by the desk.")


class Editor:
    """The newsroom editor: plain REST requests as the editor user, never held."""

    def __init__(self, wordpress: dict[str, Any]) -> None:
        user = wordpress["users"]["editor"]
        self.url = wordpress["url"]
        self.auth = (user["user"], user["app_password"])

    def route(self, post: str = "") -> str:
        return f"{self.url}/?rest_route=/wp/v2/posts{'/' + post if post else ''}"

    def create(self) -> str:
        body = {"title": "Old title", "excerpt": "Old excerpt", "content": INTRO, "status": "publish"}
        answer = requests.post(self.route(), auth=self.auth, json=body, timeout=30)
        answer.raise_for_status()
        return str(answer.json()["id"])

    def save(self, post: str, fields: dict[str, str]) -> None:
        requests.post(self.route(post), auth=self.auth, json=fields, timeout=30).raise_for_status()

    def stored(self, post: str) -> dict[str, str]:
        answer = requests.get(self.route(post), auth=self.auth, params={"context": "edit"}, timeout=30)
        answer.raise_for_status()
        body = answer.json()
        return {name: body[name]["raw"] for name in ("title", "excerpt", "content")}


def append_held(
    wordpress: dict[str, Any], transport: str, post: str, during: Any
) -> tuple[Result, dict[str, str]]:
    """Append one update over ``transport`` with its first write held in WordPress's window; run
    ``during()`` while it is held. Returns the delivery's result."""
    if "holds" not in wordpress:
        pytest.fail("this WordPress has no hold plugin: restart it with scripts/wordpress-server")
    holds = Path(wordpress["holds"])
    name = f"window-{uuid.uuid4().hex[:12]}"
    (holds / f"{name}.armed").touch()
    session = requests.Session()
    session.headers["X-Cmsbridge-Hold"] = name
    backend = cmsbridge.connect(
        wordpress["users"]["editor"][f"{transport}_site"], transport=Transport(session=session)
    )
    update = Update(
        label="UPDATE: 10:00 Paris time", blocks=(Paragraph(inlines=text("Breaking: the update.")),)
    )
    outcome: dict[str, Any] = {}

    def deliver() -> None:
        try:
            outcome["result"] = append_update(backend, post, update)
        except BaseException as exc:  # reported by the test thread
            outcome["error"] = exc

    worker = threading.Thread(target=deliver)
    worker.start()
    deadline = time.monotonic() + 30
    while not (holds / f"{name}.held").exists():
        assert time.monotonic() < deadline, "the write never reached the hold"
        assert worker.is_alive(), f"delivery ended before its write was held: {outcome}"
        time.sleep(0.02)
    try:
        during()
    finally:
        (holds / f"{name}.release").touch()
        worker.join(60)
    if "error" in outcome:
        raise outcome["error"]
    result: Result = outcome["result"]
    return result, {"id": result.update_id}


@pytest.mark.parametrize("transport", ["rest", "xmlrpc"])
@pytest.mark.parametrize("change", ["title", "content", "both"])
def test_change_saved_inside_our_write_is_put_back(
    wordpress: dict[str, Any], transport: str, change: str
) -> None:
    editor = Editor(wordpress)
    post = editor.create()
    fields: dict[str, str] = {}
    if change in ("title", "both"):
        fields.update(title="The desk's title", excerpt="The desk's excerpt")
    if change in ("content", "both"):
        fields["content"] = CORRECTED

    result, update = append_held(wordpress, transport, post, lambda: editor.save(post, fields))

    stored = editor.stored(post)
    assert result.outcome is Outcome.APPLIED
    assert result.conflicts >= 1, "the collision inside WordPress's window went unnoticed"
    assert (stored["title"], stored["excerpt"]) == (
        fields.get("title", "Old title"),
        fields.get("excerpt", "Old excerpt"),
    )
    expected_intro = "Intro paragraph, corrected by the desk." if "content" in fields else "Intro paragraph."
    assert f"<p>{expected_intro}</p>" in stored["content"]
    assert stored["content"].count(f'"update":"{update["id"]}"') == 1
    assert stored["content"].count("Breaking: the update.") == 1
