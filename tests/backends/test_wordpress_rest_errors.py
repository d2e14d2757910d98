"""Every failure of the WordPress REST backend maps to one error class, with site, status and code,
and never carries the password. Answers are simulated with ``responses``."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import responses

from cmsbridge.backends.base import Transport, Version
from cmsbridge.backends.wordpress_rest import WordPressREST
from cmsbridge.errors import (
    AuthenticationError,
    CMSBridgeError,
    ConflictError,
    ConnectionFailedError,
    InvalidContentError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
    UnexpectedResponseError,
)
from cmsbridge.retry import RetryPolicy

SITE = "https://news.example.com/blog"
SECRET = "abcd EFGH ijkl MNOP qrst UVWX"
POST_URL = f"{SITE}/wp-json/wp/v2/posts/7"


def backend(**transport: Any) -> WordPressREST:
    return WordPressREST(SITE, "editor", SECRET, api="wp-json", transport=Transport(**transport))


def wp_error(status: int, code: str, message: str = "Nope.", **headers: str) -> dict[str, Any]:
    return {
        "status": status,
        "headers": headers,
        "body": json.dumps({"code": code, "message": message, "data": {"status": status}}),
    }


def assert_clean(exc: CMSBridgeError) -> None:
    for text in (str(exc), repr(exc), exc.message):
        assert SECRET not in text and SECRET.replace(" ", "") not in text


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (401, "rest_not_logged_in", AuthenticationError),
        (401, "incorrect_password", AuthenticationError),
        (403, "rest_cannot_edit", PermissionDeniedError),
        (404, "rest_post_invalid_id", NotFoundError),
        (410, "rest_already_trashed", NotFoundError),
        (400, "rest_invalid_param", InvalidContentError),
        (409, "rest_conflict", ConflictError),
        (500, "internal_server_error", ServerError),
        (503, "service_unavailable", ServerError),
    ],
)
@responses.activate
def test_wordpress_errors_map_to_classes(status: int, code: str, error: type[CMSBridgeError]) -> None:
    responses.add(responses.GET, POST_URL, **wp_error(status, code, "It failed."))
    with pytest.raises(error) as info:
        backend().read_versioned(7)
    exc = info.value
    assert type(exc) is error
    assert (exc.status, exc.code, exc.site, exc.post) == (status, code, SITE, "7")
    assert "It failed." in str(exc)
    assert_clean(exc)


@responses.activate
def test_authentication_error_hints_at_a_stripped_authorization_header() -> None:
    responses.add(responses.GET, POST_URL, **wp_error(401, "rest_not_logged_in"))
    with pytest.raises(AuthenticationError, match="Authorization header"):
        backend().read_versioned(7)


@responses.activate
def test_rate_limit_carries_retry_after() -> None:
    responses.add(responses.GET, POST_URL, **wp_error(429, "too_many", **{"Retry-After": "17"}))
    with pytest.raises(RateLimitedError) as info:
        backend().read_versioned(7)
    assert info.value.retry_after == 17.0 and info.value.status == 429


@responses.activate
def test_retry_policy_retries_transient_errors_with_injected_sleep() -> None:
    responses.add(responses.GET, POST_URL, **wp_error(429, "too_many", **{"Retry-After": "3"}))
    responses.add(responses.GET, POST_URL, **wp_error(503, "down"))
    responses.add(
        responses.GET,
        POST_URL,
        json={"id": 7, "link": "l", "content": {"raw": "<p>x</p>"}, "modified_gmt": "2024-01-02T03:04:05"},
    )
    slept: list[float] = []
    wp = backend(retry=RetryPolicy(attempts=3, base=0.5, sleep=slept.append))
    assert wp.read_versioned(7).content == "<p>x</p>"
    # Retry-After honoured, then exponential backoff with jitter (at most base * 2)
    assert len(slept) == 2 and slept[0] == 3.0 and 0.0 <= slept[1] <= 1.0


@responses.activate
def test_creating_is_not_retried_after_a_server_error() -> None:
    responses.add(responses.POST, f"{SITE}/wp-json/wp/v2/posts", **wp_error(502, "bad_gateway"))
    slept: list[float] = []
    wp = backend(retry=RetryPolicy(attempts=3, sleep=slept.append))
    with pytest.raises(ServerError):
        wp._request("POST", "wp/v2/posts", json_body={}, idempotent=False)
    assert slept == [] and len(responses.calls) == 1


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (
            "<!DOCTYPE html><html><body><form id='loginform' action='wp-login.php'>"
            '<input type="password"></form></body></html>',
            "text/html",
            "login page",
        ),
        ("<html><body><h1>Welcome to nginx</h1></body></html>", "text/html", "HTML page"),
        (
            '<br />\n<b>Notice</b>: Undefined index in plugin.php<br />\n{"id": 7}',
            "application/json",
            "output before the JSON",
        ),
        ("this is not json", "text/plain", "not JSON"),
        ("", "application/json", "empty body"),
    ],
)
@responses.activate
def test_answers_that_are_not_wordpress_json(body: str, content_type: str, expected: str) -> None:
    responses.add(responses.GET, POST_URL, body=body, status=200, content_type=content_type)
    with pytest.raises(UnexpectedResponseError, match=expected) as info:
        backend().read_versioned(7)
    assert info.value.status == 200
    assert_clean(info.value)


@responses.activate
def test_redirect_to_https_is_an_error_with_a_hint() -> None:
    wp = WordPressREST("http://news.example.com", "editor", SECRET, api="wp-json")
    responses.add(
        responses.POST,
        "http://news.example.com/wp-json/wp/v2/posts",
        status=301,
        headers={"Location": "https://news.example.com/wp-json/wp/v2/posts"},
    )
    with pytest.raises(UnexpectedResponseError, match="use an https:// site URL") as info:
        wp._request("POST", "wp/v2/posts", json_body={})
    assert info.value.status == 301


@responses.activate
def test_firewall_html_403_is_permission_denied() -> None:
    responses.add(
        responses.GET,
        POST_URL,
        body="<html><title>Access denied</title>Blocked by WAF</html>",
        status=403,
        content_type="text/html",
    )
    with pytest.raises(PermissionDeniedError, match="firewall"):
        backend().read_versioned(7)


@responses.activate
def test_html_5xx_from_a_proxy_is_a_server_error() -> None:
    responses.add(
        responses.GET, POST_URL, body="<html>502 Bad Gateway</html>", status=502, content_type="text/html"
    )
    with pytest.raises(ServerError) as info:
        backend().read_versioned(7)
    assert info.value.status == 502


@responses.activate
def test_connection_failures_and_timeouts() -> None:
    responses.add(
        responses.GET,
        POST_URL,
        body=requests.exceptions.ConnectionError(
            f"cannot connect to https://editor:{SECRET}@news.example.com"
        ),
    )
    with pytest.raises(ConnectionFailedError) as refused:
        backend().read_versioned(7)
    assert_clean(refused.value)
    responses.replace(responses.GET, POST_URL, body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(RequestTimeoutError):
        backend(timeout=2.5).read_versioned(7)


@responses.activate
def test_every_request_has_timeout_user_agent_and_no_redirects() -> None:
    seen: dict[str, Any] = {}

    class Spy(requests.Session):
        def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
            seen.update(kwargs)
            return super().request(method, url, *args, **kwargs)

    responses.add(responses.GET, POST_URL, json={"id": 7, "content": {"raw": ""}})
    backend(session=Spy(), timeout=4.0).read_versioned(7)
    assert seen["timeout"] == 4.0 and seen["verify"] is True and seen["allow_redirects"] is False
    assert seen["headers"]["User-Agent"].startswith("cmsbridge/")
    assert responses.calls[0].request.headers["Authorization"].startswith("Basic ")


@responses.activate
def test_api_root_discovery_from_link_header_and_rest_route_fallback() -> None:
    responses.add(
        responses.HEAD, f"{SITE}/", headers={"Link": f'<{SITE}/wp-json/>; rel="https://api.w.org/"'}
    )
    responses.add(responses.GET, POST_URL, json={"id": 7, "content": {"raw": "a"}})
    wp = WordPressREST(SITE, "editor", SECRET)
    assert wp.read_versioned(7).content == "a"
    assert wp.read_versioned(7).content == "a"
    assert [c.request.method for c in responses.calls] == ["HEAD", "GET", "GET"]

    responses.reset()
    responses.add(responses.HEAD, f"{SITE}/", status=200)
    responses.add(responses.GET, f"{SITE}/wp-json/", status=404, body="<html>Not found</html>")
    responses.add(responses.GET, f"{SITE}/", json={"id": 7, "content": {"raw": "b"}})
    wp = WordPressREST(SITE, "editor", SECRET)
    assert wp.read_versioned(7).content == "b"
    assert "rest_route=%2Fwp%2Fv2%2Fposts%2F7" in str(responses.calls[2].request.url)


@responses.activate
def test_write_content_detects_an_interleaved_revision() -> None:
    def answer(count: int) -> dict[str, Any]:
        return {
            "id": 7,
            "link": "l",
            "content": {"raw": "<p>mine</p>"},
            "modified_gmt": "2024-01-01T00:00:09",
            "_links": {"version-history": [{"count": count}], "predecessor-version": [{"id": 90 + count}]},
        }

    responses.add(responses.PUT, POST_URL, json=answer(4))
    expected = Version(token="t", revisions=3)
    written = backend().write_content(7, "<p>mine</p>", expected)
    assert written.version.revisions == 4
    sent = json.loads(responses.calls[0].request.body or b"{}")
    assert sent == {"content": "<p>mine</p>"}

    responses.replace(responses.PUT, POST_URL, json=answer(5))
    responses.add(
        responses.GET,
        f"{POST_URL}/revisions",
        json=[{"id": 95, "content": {"raw": "<p>mine</p>"}}, {"id": 94, "content": {"raw": "<p>theirs</p>"}}],
    )
    with pytest.raises(ConflictError) as info:
        backend().write_content(7, "<p>mine</p>", expected)
    assert getattr(info.value, "applied", None) is True
    assert getattr(info.value, "overwritten", None) == "<p>theirs</p>"


@responses.activate
def test_write_content_detects_an_interleaved_revision_when_revisions_are_capped() -> None:
    """With WP_POST_REVISIONS capped the count stays put; the two newest revisions tell instead."""
    capped = {
        "id": 7,
        "link": "l",
        "content": {"raw": "<p>mine</p>"},
        "modified_gmt": "2024-01-01T00:00:09",
        "_links": {"version-history": [{"count": 5}], "predecessor-version": [{"id": 95}]},
    }
    responses.add(responses.PUT, POST_URL, json=capped)
    revisions = responses.add(
        responses.GET,
        f"{POST_URL}/revisions",
        json=[{"id": 95, "content": {"raw": "<p>mine</p>"}}, {"id": 93, "content": {"raw": "<p>read</p>"}}],
    )
    # the revision before ours is the one we read: no collision, one extra request
    backend().write_content(7, "<p>mine</p>", Version(token="t", revisions=5, latest_revision="93"))
    assert revisions.call_count == 1
    # someone saved revision 94 after our read (93): a collision, with their content recovered
    responses.replace(
        responses.GET,
        f"{POST_URL}/revisions",
        json=[{"id": 95, "content": {"raw": "<p>mine</p>"}}, {"id": 94, "content": {"raw": "<p>theirs</p>"}}],
    )
    with pytest.raises(ConflictError) as info:
        backend().write_content(7, "<p>mine</p>", Version(token="t", revisions=5, latest_revision="93"))
    assert getattr(info.value, "overwritten", None) == "<p>theirs</p>"


@responses.activate
def test_content_writes_are_never_replayed_by_the_transport() -> None:
    responses.add(responses.PUT, POST_URL, **wp_error(503, "down"))
    slept: list[float] = []
    wp = backend(retry=RetryPolicy(attempts=3, sleep=slept.append))
    with pytest.raises(ServerError):
        wp.write_content(7, "<p>mine</p>", Version(token="t"))
    assert slept == [] and len(responses.calls) == 1


@responses.activate
def test_listing_pages_lazily_by_offset_with_one_place_of_overlap() -> None:
    site_ids = [9, 8, 7, 6, 5, 4]  # newest first, as WordPress sorts them by id

    def page(offset: int) -> list[dict[str, Any]]:
        return [
            {"id": i, "content": {"raw": ""}, "title": {"raw": f"p{i}"}}
            for i in site_ids[offset : offset + 3]
        ]

    for offset in (0, 2, 4):
        responses.add(
            responses.GET,
            f"{SITE}/wp-json/wp/v2/posts",
            json=page(offset),
            match=[
                responses.matchers.query_param_matcher(
                    {
                        "context": "edit",
                        "per_page": "3",
                        "status": "any",
                        "orderby": "id",  # ids are unique; equal dates have no fixed order to page by
                        "order": "desc",
                        "offset": str(offset),
                    }
                )
            ],
        )
    responses.add(responses.GET, f"{SITE}/wp-json/wp/v2/pages", json=[])  # pages: listed beside posts
    wp = backend()
    wp._fetched = lambda body: body["title"]["raw"]  # type: ignore[method-assign]
    listing = wp.list(page_size=3)
    assert len(responses.calls) == 0
    assert next(listing) == "p9"  # type: ignore[comparison-overlap]
    assert len(responses.calls) == 2  # the first page of posts and of pages
    # each page after the first starts on the last post already yielded, which is not yielded again
    assert list(listing) == ["p8", "p7", "p6", "p5", "p4"]  # type: ignore[comparison-overlap]
    assert len(responses.calls) == 4


def test_repr_hides_the_password() -> None:
    wp = backend()
    assert SECRET not in repr(wp) and SECRET not in repr(wp.__dict__.get("transport"))
