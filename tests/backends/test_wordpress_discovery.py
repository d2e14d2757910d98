"""WordPress REST API discovery on sites that are not a plain WordPress home page: a home page that
redirects (to ``/en/``, to another host), one that names no API, a blocked ``/wp-json/``. Each site is a
loopback server (tests/hostile_server.py) answering per path."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest

from cmsbridge.backends.base import Transport
from cmsbridge.backends.wordpress_rest import WordPressREST
from cmsbridge.errors import CMSBridgeError
from tests.hostile_server import HostileServer, Reply, Request, json_reply

PASSWORD = "disc0very pass word"
INDEX = {"namespaces": ["oembed/1.0", "wp/v2"], "routes": {}}
POST = {
    "id": 7,
    "link": "http://x/p",
    "content": {"raw": "<p>found</p>"},
    "modified_gmt": "2024-01-02T03:04:05",
}
FIREWALL = Reply(403, b"<html><title>Forbidden</title>Blocked</html>", {"Content-Type": "text/html"})
PAGE = Reply(200, b"<html>Welcome</html>", {"Content-Type": "text/html"})


def site(answer: Callable[[str, dict[str, list[str]]], Reply]) -> HostileServer:
    """A server answering ``answer(path, query)``."""

    def reply(request: Request) -> Reply:
        parts = urlsplit(request.path)
        return answer(parts.path, parse_qs(parts.query))

    return HostileServer(reply)


def rest_route(query: dict[str, list[str]]) -> Reply:
    """WordPress answering ``?rest_route=``: the index, or post 7."""
    route = query.get("rest_route", [""])[0]
    if route == "/":
        return json_reply(INDEX)
    if route == "/wp/v2/posts/7":
        return json_reply(POST)
    return json_reply({"code": "rest_no_route", "message": "No route"}, 404)


def read(server: HostileServer) -> str:
    wp = WordPressREST(server.url, "editor", PASSWORD, transport=Transport(timeout=5.0))
    return wp.read_versioned(7).content


def asked(request: Request) -> str:
    """The path asked for, or the route of a ``?rest_route=`` request."""
    parts = urlsplit(request.path)
    route = parse_qs(parts.query).get("rest_route")
    return f"?rest_route={route[0]}" if route else parts.path


def authorized(server: HostileServer) -> list[str]:
    return [asked(r) for r in server.requests if "Authorization" in r.headers]


def test_a_home_page_redirected_to_en_names_the_api_there() -> None:
    def answer(path: str, query: dict[str, list[str]]) -> Reply:
        if path == "/":
            return Reply(301, headers={"Location": "/en/"})
        if path == "/en/":
            return Reply(200, headers={"Link": f'<{server.url}/wp-json/>; rel="https://api.w.org/"'})
        if path == "/wp-json/wp/v2/posts/7":
            return json_reply(POST)
        return Reply(404)

    with site(answer) as server:
        assert read(server) == "<p>found</p>"
        assert [asked(r) for r in server.requests] == ["/", "/en/", "/wp-json/wp/v2/posts/7"]
        assert authorized(server) == ["/wp-json/wp/v2/posts/7"]  # discovery sends no credentials


def test_a_home_page_without_link_and_a_blocked_wp_json_finds_rest_route() -> None:
    def answer(path: str, query: dict[str, list[str]]) -> Reply:
        if path.startswith("/wp-json"):
            return FIREWALL
        return rest_route(query) if "rest_route" in query else PAGE

    with site(answer) as server:
        assert read(server) == "<p>found</p>"
        assert authorized(server) == ["?rest_route=/wp/v2/posts/7"]


def test_a_home_page_without_link_finds_a_working_wp_json() -> None:
    def answer(path: str, query: dict[str, list[str]]) -> Reply:
        if path == "/wp-json/":
            return json_reply(INDEX)
        if path == "/wp-json/wp/v2/posts/7":
            return json_reply(POST)
        return PAGE  # a landing page, also where ?rest_route= would land

    with site(answer) as server:
        assert read(server) == "<p>found</p>"
        assert authorized(server) == ["/wp-json/wp/v2/posts/7"]


def test_a_linked_wp_json_that_is_blocked_falls_back_to_rest_route_and_remembers_it() -> None:
    def answer(path: str, query: dict[str, list[str]]) -> Reply:
        if path.startswith("/wp-json"):
            return FIREWALL
        if "rest_route" in query:
            return rest_route(query)
        return Reply(200, headers={"Link": f'<{server.url}/wp-json/>; rel="https://api.w.org/"'})

    with site(answer) as server:
        wp = WordPressREST(server.url, "editor", PASSWORD, transport=Transport(timeout=5.0))
        assert wp.read_versioned(7).content == "<p>found</p>"
        assert wp.read_versioned(7).content == "<p>found</p>"
        assert [asked(r) for r in server.requests] == [
            "/",
            "/wp-json/wp/v2/posts/7",
            "?rest_route=/wp/v2/posts/7",
            "?rest_route=/wp/v2/posts/7",
        ]


def test_a_redirect_to_another_host_is_not_followed() -> None:
    with site(lambda path, query: json_reply(INDEX)) as elsewhere:

        def answer(path: str, query: dict[str, list[str]]) -> Reply:
            if path == "/":
                return Reply(302, headers={"Location": f"{elsewhere.url}/en/"})
            return Reply(404, b"<html>Not found</html>", {"Content-Type": "text/html"})

        with site(answer) as server:
            wp = WordPressREST(server.url, "editor", PASSWORD, transport=Transport(timeout=5.0))
            with pytest.raises(CMSBridgeError):  # no API on this host
                wp.read_versioned(7)
            assert elsewhere.requests == []


def test_a_link_naming_another_host_gets_no_credentials() -> None:
    with site(lambda path, query: json_reply(POST)) as elsewhere:

        def answer(path: str, query: dict[str, list[str]]) -> Reply:
            if "rest_route" in query:
                return rest_route(query)
            return Reply(200, headers={"Link": f'<{elsewhere.url}/wp-json/>; rel="https://api.w.org/"'})

        with site(answer) as server:
            assert read(server) == "<p>found</p>"
            assert elsewhere.requests == []
