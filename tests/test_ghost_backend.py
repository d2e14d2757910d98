"""The Ghost backend without a server: site URLs, tokens, error mapping, paging (``responses``)."""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest
import requests
import responses
from responses import matchers

from cmsbridge.backends.base import Backend, Version, WriteConflictError
from cmsbridge.backends.ghost import TOKEN_LIFETIME, GhostAdmin, parse_site
from cmsbridge.errors import (
    AuthenticationError,
    ConfigError,
    ConflictError,
    ConnectionFailedError,
    InvalidContentError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    UsageError,
)
from cmsbridge.model import Paragraph, Post, Text
from tests.ghost_fakes import API, KEY_ID, POST_ID, SECRET, SITE, ghost_post


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def backend(clock: Clock | None = None) -> GhostAdmin:
    base, key_id, secret = parse_site(SITE)
    return GhostAdmin(base, key_id, secret, clock=clock or Clock())


def error(message: str, **fields: Any) -> dict[str, Any]:
    return {"errors": [{"message": message, "type": fields.pop("type", "Error"), **fields}]}


def test_parse_site_and_protocol() -> None:
    assert parse_site(SITE) == ("https://blog.example.com", KEY_ID, SECRET)
    with pytest.raises(ConfigError) as caught:
        parse_site(f"ghost+https://{KEY_ID}@blog.example.com")
    assert SECRET not in str(caught.value)
    with pytest.raises(ConfigError):
        GhostAdmin("https://blog.example.com", KEY_ID, "not-hex")
    ghost = backend()
    assert isinstance(ghost, Backend)
    assert ghost.capabilities.conditional_write == "native"
    assert SECRET not in repr(ghost) and ghost.site == "https://blog.example.com"


@responses.activate
def test_every_request_carries_a_fresh_short_lived_token() -> None:
    clock = Clock()
    ghost = backend(clock)
    responses.get(f"{API}/posts/{POST_ID}/", json={"posts": [ghost_post()]})
    ghost.read_versioned(POST_ID)
    clock.now += 290
    ghost.read_versioned(POST_ID)
    tokens = [call.request.headers["Authorization"].removeprefix("Ghost ") for call in responses.calls]
    assert len(set(tokens)) == 2
    for token, issued in zip(tokens, (1_800_000_000, 1_800_000_290), strict=True):
        assert jwt.get_unverified_header(token) == {"alg": "HS256", "kid": KEY_ID, "typ": "JWT"}
        claims = jwt.decode(
            token,
            bytes.fromhex(SECRET),
            algorithms=["HS256"],
            audience="/admin/",
            options={"verify_exp": False, "verify_iat": False},
        )
        assert claims["iat"] == issued
        assert 0 < claims["exp"] - claims["iat"] <= 300
    assert TOKEN_LIFETIME <= 300


@pytest.mark.parametrize(
    ("status", "body", "expected", "code"),
    [
        (
            422,
            error(
                "Validation error, cannot save post.",
                type="ValidationError",
                context="Value in [posts.title] exceeds maximum length of 255 characters.",
                property="title",
            ),
            InvalidContentError,
            "ValidationError",
        ),
        (
            409,
            error(
                "Saving failed! Someone else is editing this post.",
                type="UpdateCollisionError",
                code="UPDATE_COLLISION",
            ),
            ConflictError,
            "UPDATE_COLLISION",
        ),
        (
            401,
            error("Invalid token: jwt expired", type="UnauthorizedError", code="INVALID_JWT"),
            AuthenticationError,
            "INVALID_JWT",
        ),
        (
            403,
            error(
                "Authorization failed",
                type="NoPermissionError",
                context="Unable to determine the authenticated user or integration.",
            ),
            PermissionDeniedError,
            "NoPermissionError",
        ),
        (
            404,
            error(
                "Resource not found error, cannot read post.", type="NotFoundError", context="Post not found."
            ),
            NotFoundError,
            "NotFoundError",
        ),
        (500, error("Internal server error"), ServerError, "Error"),
        (429, error("Too many requests"), RateLimitedError, "Error"),
    ],
)
@responses.activate
def test_errors_map_to_the_hierarchy_with_ghosts_messages(
    status: int, body: dict[str, Any], expected: type[Exception], code: str
) -> None:
    responses.get(f"{API}/posts/{POST_ID}/", json=body, status=status)
    responses.get(f"{API}/pages/{POST_ID}/", json=body, status=status)  # a post not found may be a page
    with pytest.raises(expected) as caught:
        backend().get(POST_ID)
    err = caught.value
    assert getattr(err, "status", None) == status and getattr(err, "code", None) == code
    first = body["errors"][0]
    assert first["message"] in str(err)
    if "context" in first:
        assert first["context"] in str(err)
    assert SECRET not in str(err) and SECRET not in repr(err)


@responses.activate
def test_html_error_pages_are_mapped_by_status() -> None:
    responses.get(f"{API}/posts/{POST_ID}/", body="<html>Bad gateway</html>", status=502)
    with pytest.raises(ServerError):
        backend().get(POST_ID)


@responses.activate
def test_validation_details_are_in_the_message() -> None:
    body = error(
        "Validation error, cannot edit post.",
        type="ValidationError",
        details=[{"instancePath": "/posts/0", "message": "must have required property 'updated_at'"}],
    )
    responses.put(f"{API}/posts/{POST_ID}/", json=body, status=422)
    with pytest.raises(InvalidContentError) as caught:
        backend().write_content(POST_ID, "{}", Version(token="2026-05-06T21:18:00.000Z"))
    assert "/posts/0: must have required property 'updated_at'" in str(caught.value)


@responses.activate
def test_write_content_collision_is_a_write_conflict_with_the_current_state() -> None:
    responses.put(
        f"{API}/posts/{POST_ID}/",
        status=409,
        json=error("Saving failed! Someone else is editing this post.", code="UPDATE_COLLISION"),
    )
    newer = ghost_post(updated_at="2026-05-06T21:19:00.000Z", lexical='{"root":{"children":[]}}')
    responses.get(f"{API}/posts/{POST_ID}/", json={"posts": [newer]})
    with pytest.raises(WriteConflictError) as caught:
        backend().write_content(POST_ID, "{}", Version(token="2026-05-06T21:18:00.000Z"))
    assert caught.value.applied is False and caught.value.code == "UPDATE_COLLISION"
    assert caught.value.current is not None
    assert caught.value.current.version.token == "2026-05-06T21:19:00.000Z"
    sent = json.loads(responses.calls[0].request.body or b"{}")
    assert sent == {"posts": [{"lexical": "{}", "updated_at": "2026-05-06T21:18:00.000Z"}]}


@responses.activate
def test_update_sends_the_servers_updated_at_and_lexical_as_a_string() -> None:
    responses.get(f"{API}/posts/{POST_ID}/", json={"posts": [ghost_post()]})
    responses.put(f"{API}/posts/{POST_ID}/", json={"posts": [ghost_post()]})
    post = Post(title="New", status="publish", tags=("a",), blocks=(Paragraph(inlines=(Text(text="x"),)),))
    backend().update(POST_ID, post)
    sent = json.loads(responses.calls[1].request.body or b"{}")["posts"][0]
    assert sent["updated_at"] == "2026-05-06T21:18:00.000Z"
    assert isinstance(sent["lexical"], str) and json.loads(sent["lexical"])["root"]["children"]
    assert (sent["title"], sent["status"], sent["tags"]) == ("New", "published", [{"name": "a"}])


def test_statuses_ghost_cannot_hold_are_refused() -> None:
    with pytest.raises(UsageError):
        backend().create(Post(title="p", status="trash"))


@responses.activate
def test_list_pages_by_key_below_the_last_id_seen() -> None:
    newest, older = "b" * 24, "a" * 24  # Ghost's ids grow with creation
    responses.get(
        f"{API}/posts/",
        match=[
            matchers.query_param_matcher({"filter": "status:draft", "order": "id desc"}, strict_match=False)
        ],
        json={"posts": [ghost_post(id=newest)], "meta": {"pagination": {"page": 1, "next": 2}}},
    )
    responses.get(
        f"{API}/posts/",
        match=[matchers.query_param_matcher({"filter": f"status:draft+id:<'{newest}'"}, strict_match=False)],
        json={"posts": [ghost_post(id=older)], "meta": {"pagination": {"page": 1, "next": None}}},
    )
    responses.get(f"{API}/pages/", json={"pages": [], "meta": {"pagination": {"page": 1, "next": None}}})
    ids = [f.ref.id for f in backend().list(page_size=1, status="draft")]
    assert ids == [newest, older]
    # never a page number: a post added or removed meanwhile cannot shift what the next request returns
    assert all("page=" not in str(call.request.url) for call in responses.calls)


@responses.activate
def test_connection_failures_are_transient_and_redacted() -> None:
    responses.get(f"{API}/posts/{POST_ID}/", body=requests.exceptions.ConnectionError("refused"))
    with pytest.raises(ConnectionFailedError) as caught:
        backend().get(POST_ID)
    assert SECRET not in str(caught.value)
