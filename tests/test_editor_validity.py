"""Every block cmsbridge writes opens in the current block editor without being flagged invalid.

The editor's own code decides: tests/editor/validate.mjs runs ``@wordpress/blocks`` ``parse()`` with
``@wordpress/block-library``'s core blocks under jsdom, once for the whole batch of documents below (new
blocks of every kind, update markers, changed blocks that keep their original attributes), and reports
``isValid`` and the validation issues of every block, inner blocks included. Install it with
scripts/install-editor-validator.sh.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings

from cmsbridge.formats import wordpress
from cmsbridge.model import (
    Block,
    Embed,
    Heading,
    Image,
    List,
    ListItem,
    Paragraph,
    Post,
    Quote,
    Raw,
    Separator,
    UpdateMarker,
    text,
)
from cmsbridge.report import ConversionReport

from .conftest import IN_CI
from .strategies import posts
from .wordpress_samples import LEGACY_POST, NEWSROOM_POST

pytestmark = pytest.mark.node

EDITOR = Path(__file__).resolve().parent / "editor"
CONTROL = "control-invalid"
CONTROL_MARKUP = '<!-- wp:heading -->\n<h3 class="wp-block-heading">x</h3>\n<!-- /wp:heading -->'
_CLASS_RE = re.compile(r'class="([^"]*)"')


def _dedupe_classes(markup: str) -> str:
    """block-library 11.0 under jsdom repeats a multi-word custom className when it re-saves a paragraph
    (``class="a b a b"``); the block is valid, and the repeat is the editor's, so it is folded here."""
    return _CLASS_RE.sub(lambda m: 'class="' + " ".join(dict.fromkeys(m.group(1).split())) + '"', markup)


def _write(blocks: list[Block] | tuple[Block, ...]) -> str:
    return wordpress.write(Post(blocks=tuple(blocks)), ConversionReport())


def _new_blocks() -> dict[str, str]:
    paris = ZoneInfo("Europe/Paris")
    docs = {
        "paragraph": _write([Paragraph(inlines=text("Plain & <simple> text."))]),
        "heading-anchor": _write([Heading(level=3, inlines=text("Section"), anchor="sec-1")]),
        "quote-source": _write(
            [
                Quote(
                    paragraphs=(Paragraph(inlines=text("Q")),),
                    citation=text("Who"),
                    source_url="https://example.com/src",
                )
            ]
        ),
        "embeds": _write(
            [
                Embed(
                    provider="youtube",
                    url="https://www.youtube.com/watch?v=E4AD6mOZm9I",
                    provider_id="E4AD6mOZm9I",
                    caption=text("AP video"),
                ),
                Embed(provider="vimeo", url="https://vimeo.com/22439234", provider_id="22439234"),
                Embed(provider="twitter", url="https://x.com/jack/status/20", provider_id="20"),
                Embed(provider="spotify", url="https://open.spotify.com/track/1"),
                Embed(url="https://example.com/page"),
            ]
        ),
        "lists": _write(
            [
                List(
                    ordered=True,
                    items=(
                        ListItem(inlines=text("a"), children=(List(items=(ListItem(inlines=text("b")),)),)),
                    ),
                )
            ]
        ),
        "images": _write(
            [
                Image(src="https://example.com/a.jpg", alt="A", caption=text("Cap")),
                Image(src="https://example.com/b.jpg", link="https://example.com/", width=300, height=200),
                Image(src="https://example.com/c.jpg", width=640),
            ]
        ),
        "separator": _write([Separator()]),
        "raw-html": _write([Raw(format="html", content='<div class="x">raw</div>')]),
        "markers": _write(
            [
                UpdateMarker(
                    id="u1",
                    at=dt.datetime(2026, 5, 6, 23, 18, tzinfo=paris),
                    tz="Europe/Paris",
                    label="UPDATE: 23:18 Paris time",
                    key=True,
                ),
                UpdateMarker(
                    id="u2", at=dt.time(9, 5), tz="Europe/London", label="UPDATE: 09:05 London time"
                ),
                UpdateMarker(id="u3", label="Update: no time given"),
                UpdateMarker(
                    id="u4", at=dt.datetime(2026, 5, 6, 7, 0, tzinfo=dt.UTC), tz="UTC", label="Breaking"
                ),
                UpdateMarker(
                    id="u5",
                    at=dt.datetime(2026, 5, 6, 23, 40, tzinfo=paris),
                    tz="Europe/Paris",
                    label="UPDATE: 23:40 Paris time",
                    key=True,
                    by=("Ann Lee", "Bo Ng"),
                    headline="Talks <resume> & go on",
                    pinned=True,
                    edited=dt.datetime(2026, 5, 6, 22, 0, tzinfo=dt.UTC),
                ),
            ]
        ),
    }
    return docs


def _changed_blocks() -> dict[str, str]:
    docs: dict[str, str] = {}
    for name, source in (("newsroom", NEWSROOM_POST), ("legacy", LEGACY_POST)):
        post = wordpress.read(source, ConversionReport())
        changed: list[Block] = []
        for block in post.blocks:
            if isinstance(block, Paragraph):
                block = block.model_copy(update={"inlines": text("Rewritten paragraph.")})
            elif isinstance(block, Heading):
                block = block.model_copy(update={"inlines": text("Rewritten"), "level": 4})
            elif isinstance(block, Quote):
                block = block.model_copy(
                    update={
                        "citation": text("New citation"),
                        "paragraphs": (*block.paragraphs, Paragraph(inlines=text("Added."))),
                    }
                )
            elif isinstance(block, Embed):
                block = block.model_copy(update={"caption": text("New caption")})
            elif isinstance(block, List):
                block = block.model_copy(update={"items": (*block.items, ListItem(inlines=text("added")))})
            elif isinstance(block, Image):
                block = block.model_copy(update={"alt": "new alt", "caption": text("new caption")})
            elif isinstance(block, UpdateMarker):
                block = block.model_copy(
                    update={"key": True, "at": dt.time(23, 19), "label": "UPDATE: 23:19 Paris time"}
                )
            changed.append(block)
        docs[f"changed-{name}"] = _write(changed)
        docs[f"appended-{name}"] = _write(
            [
                *post.blocks,
                UpdateMarker(
                    id="late", at=dt.time(1, 2), tz="Europe/Paris", label="UPDATE: 01:02 Paris time"
                ),
            ]
        )
    return docs


def _generated_posts(count: int) -> dict[str, str]:
    found: list[Post] = []

    @settings(max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(posts())
    def collect(post: Post) -> None:
        found.append(post)

    collect()
    return {f"generated-{i}": _write(post.blocks) for i, post in enumerate(found[:count])}


def _run_validator(documents: dict[str, str]) -> dict[str, dict[str, Any]]:
    node = shutil.which("node")
    if node is None or not (EDITOR / "node_modules" / "@wordpress" / "block-library").exists():
        message = "the block editor's validator is not installed: run scripts/install-editor-validator.sh"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    names = list(documents)
    proc = subprocess.run(
        [node, str(EDITOR / "validate.mjs")],
        input=json.dumps({"documents": [documents[n] for n in names]}),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        cwd=EDITOR,
        env={**os.environ, "NODE_NO_WARNINGS": "1"},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads(proc.stdout)["results"]
    return dict(zip(names, results, strict=True))


def _reattached_blocks() -> dict[str, str]:
    """An image block and a gallery as the editor saves them, and the same after ``migrate --media copy``
    gave their images the ids of their copies (``wordpress_attachments.reattach``)."""
    from cmsbridge.formats.wordpress.attachments import reattach

    from .test_wordpress_attachments import NEW, gallery, image_block, media_text

    source = "\n\n".join(
        [image_block(NEW, 57), gallery((NEW, 57), ("https://old.example/b.jpg", 58)), media_text(NEW, 57)]
    )
    copied = reattach(source, {NEW: "812"})
    assert copied != source
    return {"reattach-source": source, "reattach-copied": copied}


@pytest.fixture(scope="module")
def validated() -> dict[str, tuple[str, dict[str, Any]]]:
    documents = {
        **_new_blocks(),
        **_changed_blocks(),
        **_generated_posts(40),
        **_reattached_blocks(),
        CONTROL: CONTROL_MARKUP,
    }
    results = _run_validator(documents)
    return {name: (documents[name], results[name]) for name in documents}


def _invalid(blocks: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        if not block["isValid"]:
            out.append(f"{block['name']}: {block['issues'][:1]}")
        out += _invalid(block["innerBlocks"])
    return out


def _count(blocks: list[dict[str, Any]]) -> int:
    return sum(1 + _count(b["innerBlocks"]) for b in blocks)


def test_every_written_block_is_valid_in_the_editor(validated: dict[str, tuple[str, dict[str, Any]]]) -> None:
    failures = {
        name: _invalid(result["blocks"]) for name, (_, result) in validated.items() if name != CONTROL
    }
    assert {k: v for k, v in failures.items() if v} == {}
    assert sum(_count(result["blocks"]) for _, result in validated.values()) > 200


NEW_DOCS = (
    "paragraph",
    "heading-anchor",
    "quote-source",
    "embeds",
    "lists",
    "separator",
    "markers",
    "raw-html",
)


@pytest.mark.parametrize("name", NEW_DOCS)
def test_new_blocks_are_what_the_editor_itself_saves(
    validated: dict[str, tuple[str, dict[str, Any]]], name: str
) -> None:
    markup, result = validated[name]
    assert _dedupe_classes(result["reserialized"]) == markup


def test_generated_posts_are_what_the_editor_itself_saves(
    validated: dict[str, tuple[str, dict[str, Any]]],
) -> None:
    generated = {k: v for k, v in validated.items() if k.startswith("generated-")}
    assert generated
    for name, (markup, result) in generated.items():
        assert _dedupe_classes(result["reserialized"]) == markup, name


def test_validator_catches_invalid_markup(validated: dict[str, tuple[str, dict[str, Any]]]) -> None:
    """The harness can fail: a heading whose level does not match its tag is reported invalid."""
    assert _invalid(validated[CONTROL][1]["blocks"])
