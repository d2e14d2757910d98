"""The post model: immutability, validation, equality ignoring origins, JSON form and its schema."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from hypothesis import given, settings
from pydantic import ValidationError

import cmsbridge
from cmsbridge.errors import ParseError
from cmsbridge.formats.json_format import schema
from cmsbridge.model import Origin, Paragraph, Post, Text, UpdateMarker, plain_text, slugify
from tests.strategies import posts


def test_posts_are_immutable() -> None:
    post = Post(title="a")
    with pytest.raises(ValidationError):
        post.title = "b"  # type: ignore[misc]
    assert isinstance(Post(blocks=[Paragraph()]).blocks, tuple)


def test_equality_ignores_origin_but_not_content() -> None:
    plain = Paragraph(inlines=(Text(text="x"),))
    sourced = Paragraph(inlines=(Text(text="x"),), origin=Origin(format="gutenberg", markup="<p>x</p>"))
    assert plain == sourced
    assert Post(blocks=(plain,)) == Post(blocks=(sourced,))
    assert plain != Paragraph(inlines=(Text(text="y"),))
    assert sourced.without_origin().origin is None


def test_update_marker_time_and_zone() -> None:
    marker = UpdateMarker(id="2318-paris-time", at=dt.time(23, 18), tz="Europe/Paris", label="UPDATE")
    assert marker.anchor == "update-2318-paris-time"
    naive = UpdateMarker(id="x", at=dt.datetime(2008, 8, 8, 23, 18), tz="Europe/Paris")
    assert naive.at == dt.datetime(2008, 8, 8, 23, 18, tzinfo=ZoneInfo("Europe/Paris"))
    with pytest.raises(ValidationError, match="needs a zone"):
        UpdateMarker(id="x", at=dt.datetime(2008, 8, 8, 23, 18))
    with pytest.raises(ValidationError, match="unknown time zone"):
        UpdateMarker(id="x", tz="Mars/Olympus")
    with pytest.raises(ValidationError):
        UpdateMarker(id="has space")


def test_post_times_need_zones() -> None:
    with pytest.raises(ValidationError, match="zone"):
        Post(created=dt.datetime(2020, 1, 1))


def test_slugify_follows_ghost() -> None:
    assert slugify("UPDATE: 23:18 Paris time") == "update-2318-paris-time"
    assert slugify("  Crème brûlée!  ") == "cr%C3%A8me-br%C3%BBl%C3%A9e"


def test_plain_text() -> None:
    post = cmsbridge.read(
        '{"blocks":[{"type":"paragraph","inlines":[{"type":"text","text":"a "},'
        '{"type":"bold","children":[{"type":"text","text":"b"}]}]}]}',
        "json",
    )
    block = post.blocks[0]
    assert isinstance(block, Paragraph)
    assert plain_text(block.inlines) == "a b"


@settings(max_examples=60, deadline=None)
@given(posts())
def test_json_round_trip(post: Post) -> None:
    assert cmsbridge.read(cmsbridge.write(post, "json"), "json") == post


def test_json_rejects_other_versions_and_junk() -> None:
    with pytest.raises(ParseError, match="schema_version"):
        cmsbridge.read('{"schema_version": 99}', "json")
    with pytest.raises(ParseError, match="not JSON"):
        cmsbridge.read("{", "json")
    with pytest.raises(ParseError, match="blocks"):
        cmsbridge.read('{"blocks": [{"type": "nope"}]}', "json")


def test_published_schema_is_current() -> None:
    published = Path(cmsbridge.__file__).parent / "schema" / "post-v1.json"
    assert json.loads(published.read_text(encoding="utf-8")) == schema(), (
        "regenerate cmsbridge/schema/post-v1.json: python -m cmsbridge.formats.json_format"
    )


@settings(max_examples=25, deadline=None)
@given(posts())
def test_json_form_validates_against_schema(post: Post) -> None:
    jsonschema.validate(json.loads(cmsbridge.write(post, "json")), schema())
