"""The HTTP boundary against misbehaving servers on loopback (tests/hostile_server.py), for every backend
and the media fetch: answers of the wrong shape, bodies trickled a byte at a time, gzip bombs, servers
that echo the credentials. Small timeouts and caps keep these fast."""

from __future__ import annotations

import base64
import random
import tracemalloc
import xmlrpc.client
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import responses
from click.testing import CliRunner

from cmsbridge import retry
from cmsbridge.backends import media
from cmsbridge.backends.base import Backend, Transport
from cmsbridge.backends.ghost import GhostAdmin
from cmsbridge.backends.wordpress_rest import WordPressREST
from cmsbridge.backends.wordpress_xmlrpc import WordPressXMLRPC
from cmsbridge.cli import cli
from cmsbridge.errors import (
    AuthenticationError,
    CMSBridgeError,
    ConnectionFailedError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
    UnexpectedResponseError,
)
from cmsbridge.model import Post
from cmsbridge.retry import RetryPolicy
from tests.hostile_server import (
    HostileServer,
    Reply,
    Request,
    echo_headers,
    gzip_bomb,
    json_reply,
    xmlrpc_raw,
    xmlrpc_reply,
)

PASSWORD = "pa/ss@w:rd#?x y"  # every character today's URL redaction stopped at
KEY_ID = "6b061a3fabc0e45513b71f67"
KEY_SECRET = "68467e3660d58d487d4a65619039544d7d4fd402b81be49f75036991bbbee4cc"
POST_ID = "0123456789abcdef01234567"
CAP = 1024 * 1024
FAST = 0.5  # seconds a whole request may take in these tests
TRICKLE = 0.2  # seconds between the bytes of a trickled answer (25 bytes: 5 s if nothing cut it)


def rest(server: HostileServer, password: str = PASSWORD, **transport: Any) -> WordPressREST:
    return WordPressREST(server.url, "editor", password, api="wp-json", transport=Transport(**transport))


def xmlrpc_site(server: HostileServer, password: str = PASSWORD, **transport: Any) -> WordPressXMLRPC:
    return WordPressXMLRPC(server.url, "editor", password, transport=Transport(**transport))


def ghost(server: HostileServer, **transport: Any) -> GhostAdmin:
    return GhostAdmin(server.url, KEY_ID, KEY_SECRET, transport=Transport(**transport))


def wp_post(**fields: Any) -> dict[str, Any]:
    return {
        "id": 7,
        "link": "http://x/p",
        "content": {"raw": "<p>x</p>"},
        "modified_gmt": "2024-01-02T03:04:05",
        **fields,
    }


def ghost_post(**fields: Any) -> dict[str, Any]:
    return {
        "id": POST_ID,
        "url": "http://x/p/",
        "updated_at": "2026-05-06T21:18:00.000Z",
        "lexical": None,
        **fields,
    }


def xmlrpc_post(**fields: Any) -> dict[str, Any]:
    modified = xmlrpc.client.DateTime("20240102T03:04:05")
    return {"post_id": "7", "post_content": "<p>x</p>", "post_modified_gmt": modified, **fields}


def xmlrpc_answer(request: Request) -> Reply:
    """A post for wp.getPost, no revisions for wp.getRevisions."""
    return xmlrpc_reply([] if b"wp.getRevisions" in request.body else xmlrpc_post())


def trickled(reply: Reply) -> Reply:
    return Reply(reply.status, reply.body[:25].ljust(25), reply.headers, trickle=TRICKLE)


def assert_no_secret(exc: BaseException, *secrets: str) -> None:
    for text in (str(exc), repr(exc), getattr(exc, "message", "")):
        for secret in secrets:
            assert secret not in text, text


# Each backend: how to read post 7 and an answer that reads it successfully.
Reader = Callable[[HostileServer, dict[str, Any]], Backend]
READ_OK: list[tuple[str, Reader, Reply]] = [
    ("rest", lambda s, t: rest(s, **t), json_reply(wp_post())),
    ("ghost", lambda s, t: ghost(s, **t), json_reply({"posts": [ghost_post()]})),
    ("xmlrpc", lambda s, t: xmlrpc_site(s, **t), xmlrpc_reply(xmlrpc_post())),
]
REQUESTS_PER_READ = {"rest": 1, "ghost": 1, "xmlrpc": 2}  # xmlrpc: the post, then its revisions' ids


def read(backend: Backend) -> None:
    backend.read_versioned(POST_ID if isinstance(backend, GhostAdmin) else "7")


def get(backend: Backend) -> None:
    backend.get(POST_ID if isinstance(backend, GhostAdmin) else "7")


# --- answers of the wrong shape ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "answer"),
    [
        ("rest", json_reply(wp_post(id=[1]))),  # made WordPress `publish` print the id "[1]"
        ("rest", json_reply([wp_post()])),  # a list where a post belongs
        ("rest", json_reply(wp_post(content=5))),
        ("rest", json_reply(wp_post(_links={"version-history": {"count": 3}}))),
        ("ghost", json_reply({"posts": {"id": POST_ID}})),
        ("ghost", json_reply({"posts": [ghost_post(id=5)]})),
        ("ghost", json_reply({"posts": [ghost_post(updated_at="yesterday")]})),
        ("ghost", json_reply({"posts": []})),
        ("xmlrpc", xmlrpc_reply("not a struct")),
        ("xmlrpc", xmlrpc_reply(xmlrpc_post(post_id=["7"]))),
        ("xmlrpc", xmlrpc_reply(xmlrpc_post(post_modified_gmt="soon"))),
        ("xmlrpc", xmlrpc_raw("<params><param><value><int>seven</int></value></param></params>")),
        ("xmlrpc", xmlrpc_raw("<fault><value><string>not a struct</string></value></fault>")),
        ("xmlrpc", xmlrpc_raw("<params><param><value><struct><member>")),
    ],
)
def test_an_answer_of_the_wrong_shape_is_one_unexpected_response_error(name: str, answer: Reply) -> None:
    make = {n: m for n, m, _ in READ_OK}[name]
    with HostileServer(answer) as server:
        for operation in (read, get):
            with pytest.raises(UnexpectedResponseError) as caught:
                operation(make(server, {}))
            assert caught.value.site == server.url


def test_ghost_content_that_is_not_lexical_is_an_unexpected_response_not_a_usage_error() -> None:
    answer = json_reply({"posts": [ghost_post(lexical='{"root": 5}')]})
    with HostileServer(answer) as server, pytest.raises(UnexpectedResponseError, match="lexical"):
        get(ghost(server))


def test_rest_create_with_an_id_of_the_wrong_type_fails_instead_of_printing_it(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: T\nstatus: draft\n---\n\nHello.\n", encoding="utf-8")
    with HostileServer(json_reply(wp_post(id=[1]), 201)) as server:
        site = f"wordpress+http://editor:secret@127.0.0.1:{server.port}?api=wp-json"
        result = CliRunner().invoke(cli, ["publish", str(post), "--site", site, "--insecure"])
    assert result.exit_code == 1, result.output
    assert "[1]" not in result.stdout
    assert "unexpected shape" in result.output


def test_rest_lists_of_terms_and_users_are_checked() -> None:
    def answer(request: Request) -> Reply:
        if "/users/me" in request.path:
            return json_reply({"id": 1, "username": "editor"})
        return json_reply([{"id": "two", "username": "ann"}])

    with HostileServer(answer) as server, pytest.raises(UnexpectedResponseError, match="users"):
        rest(server).create(Post(title="T", authors=("ann",)))


# --- time: a whole request, a whole run ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "make", "answer"), READ_OK)
def test_a_trickled_answer_ends_at_the_timeout(name: str, make: Reader, answer: Reply) -> None:
    with HostileServer(trickled(answer)) as server, pytest.raises(RequestTimeoutError):
        read(make(server, {"timeout": FAST}))


def test_a_run_deadline_bounds_a_trickled_answer_below_a_long_timeout() -> None:
    with HostileServer(trickled(json_reply(wp_post()))) as server, pytest.raises(RequestTimeoutError):
        read(rest(server, timeout=60.0, deadline=retry.Deadline.after(FAST)))


def test_no_request_starts_once_the_run_deadline_passed() -> None:
    with HostileServer(json_reply(wp_post())) as server:
        with pytest.raises(RequestTimeoutError, match="budget"):
            read(rest(server, deadline=retry.Deadline.after(0)))
        assert server.requests == []


@responses.activate
def test_a_retry_wait_never_ends_past_the_run_deadline() -> None:
    url = "https://news.example.com/wp-json/wp/v2/posts/7"
    for _ in range(2):
        responses.get(
            url, json={"code": "slow_down", "message": "later"}, status=429, headers={"Retry-After": "5"}
        )
    responses.get(url, json=wp_post())
    now = [100.0]
    slept: list[float] = []
    deadline = retry.Deadline(at=103.0, clock=lambda: now[0])
    policy = RetryPolicy(attempts=3, sleep=slept.append, clock=lambda: now[0], rng=random.Random(1))
    wp = WordPressREST(
        "https://news.example.com",
        "editor",
        "pw",
        api="wp-json",
        transport=Transport(retry=policy, deadline=deadline),
    )
    with pytest.raises(RateLimitedError):
        wp.read_versioned(7)
    assert slept == []  # the 5 s wait would end 2 s past the deadline
    # with time left the same policy waits and succeeds
    wp.transport.deadline = retry.Deadline(at=110.0, clock=lambda: now[0])
    assert wp.read_versioned(7).content == "<p>x</p>"
    assert slept == [5.0]


# --- size: a cap after decompression ------------------------------------------------------------------

BOMBS: list[tuple[str, Reader, Reply]] = [
    ("rest", lambda s, t: rest(s, **t), gzip_bomb(64 * CAP, prefix=b'{"id": 7, "x": "')),
    ("ghost", lambda s, t: ghost(s, **t), gzip_bomb(64 * CAP, prefix=b'{"posts": [{"id": "')),
    ("xmlrpc", lambda s, t: xmlrpc_site(s, **t), gzip_bomb(64 * CAP, prefix=b'<?xml version="1.0"?><a>')),
]


@pytest.mark.parametrize(("name", "make", "answer"), BOMBS)
def test_a_gzip_bomb_fails_fast_with_bounded_memory(name: str, make: Reader, answer: Reply) -> None:
    assert len(answer.body) < 400 * 1024
    with HostileServer(answer) as server:
        backend = make(server, {"max_answer_bytes": CAP})
        tracemalloc.start()
        try:
            with pytest.raises(UnexpectedResponseError, match="larger than 1 MB") as caught:
                read(backend)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert caught.value.status == 200
    assert peak < 16 * CAP  # the answer inflates to 64 MB


def test_the_body_of_a_redirect_is_never_read() -> None:
    bomb = gzip_bomb(64 * CAP)
    redirect = Reply(301, bomb.body, {**bomb.headers, "Location": "https://elsewhere.example/"})
    with HostileServer(redirect) as server:
        tracemalloc.start()
        try:
            with pytest.raises(UnexpectedResponseError, match="redirected"):
                read(rest(server))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 16 * CAP


# --- secrets ------------------------------------------------------------------------------------------


def test_rest_echoed_authorization_and_password_with_slashes_are_scrubbed() -> None:
    basic = base64.b64encode(f"editor:{PASSWORD}".encode()).decode()
    with HostileServer(echo_headers(500)) as server, pytest.raises(ServerError) as caught:
        read(rest(server))
    assert "you sent" in str(caught.value)  # the server's message is kept, its secrets are not
    assert server.requests[0].headers["Authorization"] == f"Basic {basic}"
    assert_no_secret(caught.value, PASSWORD, basic, PASSWORD.replace(" ", ""))


def test_ghost_echoed_token_is_scrubbed() -> None:
    with HostileServer(echo_headers(401)) as server, pytest.raises(AuthenticationError) as caught:
        read(ghost(server))
    token = server.requests[0].headers["Authorization"].removeprefix("Ghost ")
    assert "you sent" in str(caught.value)
    assert_no_secret(caught.value, token, KEY_SECRET)


def test_xmlrpc_fault_echoing_the_password_is_scrubbed() -> None:
    fault = xmlrpc.client.dumps(xmlrpc.client.Fault(403, f"bad login editor / {PASSWORD} (sent {PASSWORD})"))
    answer = Reply(200, fault.encode(), {"Content-Type": "text/xml"})
    with HostileServer(answer) as server, pytest.raises(AuthenticationError) as caught:
        read(xmlrpc_site(server))
    assert "bad login editor" in str(caught.value)
    assert_no_secret(caught.value, PASSWORD)


def test_a_one_letter_password_is_redacted_as_a_token_not_as_a_letter() -> None:
    with HostileServer(Reply()) as server:
        port = server.port
    wp = WordPressREST(f"http://127.0.0.1:{port}", "editor", "e", api="wp-json")
    with pytest.raises(ConnectionFailedError) as caught:  # the server is gone: connection refused
        wp.read_versioned(7)
    assert "Connection refused" in str(caught.value)


def test_media_fetch_failures_are_scrubbed_of_credentials_in_the_address() -> None:
    with HostileServer(Reply()) as server:
        port = server.port
    with pytest.raises(media.ImageUnavailable) as caught:
        fetch(f"http://user:{PASSWORD}@127.0.0.1:{port}/a.png")
    assert PASSWORD not in str(caught.value) and "pa/ss" not in str(caught.value)


# --- media fetch --------------------------------------------------------------------------------------

PNG = Reply(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 40, {"Content-Type": "image/png"})


def fetch(url: str) -> bytes:
    with media.fetched_image(url) as path:
        return Path(path).read_bytes()


def test_media_fetch_of_a_trickled_image_ends_at_its_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(media, "IMAGE_TIMEOUT", FAST)
    with HostileServer(trickled(PNG)) as server, pytest.raises(media.ImageUnavailable):
        fetch(f"{server.url}/a.png")


def test_media_fetch_of_a_gzip_bomb_stops_at_the_image_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(media, "MAX_IMAGE_BYTES", CAP)
    bomb = gzip_bomb(64 * CAP, content_type="image/png")
    with HostileServer(bomb) as server, pytest.raises(media.ImageUnavailable, match="larger than"):
        fetch(f"{server.url}/a.png")


def test_media_fetch_follows_a_redirect_without_reading_its_body() -> None:
    bomb = gzip_bomb(64 * CAP, content_type="text/html")

    def answer(request: Request) -> Reply:
        if request.path == "/a.png":
            return PNG
        return Reply(302, bomb.body, {**bomb.headers, "Location": "/a.png"})

    with HostileServer(answer) as server:
        tracemalloc.start()
        try:
            assert fetch(f"{server.url}/moved") == PNG.body
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 16 * CAP


def test_media_fetch_still_fetches_an_image() -> None:
    with HostileServer(PNG) as server, media.fetched_image(f"{server.url}/a.png") as path:
        assert Path(path).read_bytes() == PNG.body and path.endswith(".png")


# --- the happy path through a real socket ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "make", "answer"), READ_OK)
def test_a_sound_answer_is_read_with_no_extra_request(name: str, make: Reader, answer: Reply) -> None:
    with HostileServer(xmlrpc_answer if name == "xmlrpc" else answer) as server:
        read(make(server, {"timeout": 5.0}))
        assert len(server.requests) == REQUESTS_PER_READ[name]


def test_errors_are_cmsbridge_errors() -> None:
    assert issubclass(UnexpectedResponseError, CMSBridgeError)


@pytest.mark.parametrize(("name", "make", "answer"), READ_OK)
def test_a_trickled_status_line_and_headers_end_at_the_timeout(
    name: str, make: Reader, answer: Reply
) -> None:
    """A slow-loris server that sends its head a byte at a time, each byte within the per-read timeout:
    the request still ends at its total timeout, before the head is complete."""
    slow_head = Reply(answer.status, answer.body, answer.headers, trickle_head=TRICKLE)
    with HostileServer(slow_head) as server:
        with pytest.raises(RequestTimeoutError):
            read(make(server, {"timeout": FAST}))
        assert 0 < server.head_sent < server.head_size  # cut while the head was still coming
