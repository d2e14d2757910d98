"""A WordPress REST site in memory (``responses``) that counts every request, for the request-count tests of
migrations (tests/test_migrate_requests.py): posts and pages (a slug list, offsets, unique slugs as WordPress
makes them), categories and tags (listed by page with ``X-WP-TotalPages``, searched, ``term_exists`` for a
name under a parent that exists: names stored as sent, HTML-escaped), users.

``race``: seconds between the check that a term does not exist and its insertion, as in WordPress (no
lock): two creates of one new term at once both insert it.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from collections import Counter
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
import responses

SITE = "https://target.example"
USERS = {
    2: {"id": 2, "username": "editor", "slug": "editor", "name": "Editor", "email": "editor@target.example"},
    **{
        n: {"id": n, "username": login, "slug": login, "name": login.title(), "email": f"{login}@x.example"}
        for n, login in enumerate(("ana", "ben", "chloe", "dev"), start=10)
    },
}

Answer = tuple[int, dict[str, str], str]


def _answer(status: int, body: Any, headers: dict[str, str] | None = None) -> Answer:
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(body)


class FakeWordPress:
    def __init__(self, site: str = SITE, *, race: float = 0.0) -> None:
        self.site, self.race = site, race
        self.api = f"{site}/wp-json/wp/v2"
        self.items: dict[int, dict[str, Any]] = {}
        self.terms: dict[int, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # method, route, query
        self.next_id = 1000
        self.lock = threading.Lock()
        route = re.compile(rf"{re.escape(self.api)}/(posts|pages|categories|tags|users)(?:/(\w+))?(\?.*)?$")
        for method in (responses.GET, responses.POST, responses.PUT):
            responses.add_callback(method, route, callback=self.answer)

    # --- what the tests read -------------------------------------------------------------------------

    def count(self, method: str | None = None, route: str | None = None) -> int:
        return sum(1 for m, r, _ in self.requests if method in (None, m) and route in (None, r))

    def routes(self) -> Counter[tuple[str, str]]:
        return Counter((m, r) for m, r, _ in self.requests)

    def posts(self) -> list[dict[str, Any]]:
        return [i for i in self.items.values() if i["type"] == "post"]

    def add_term(self, taxonomy: str, name: str, slug: str, parent: int = 0) -> int:
        term_id = 1 + max(self.terms, default=0)
        stored = {"id": term_id, "name": html.escape(name, quote=False), "slug": slug, "parent": parent}
        self.terms[term_id] = {**stored, "taxonomy": taxonomy}
        return term_id

    def add_post(self, slug: str, title: str, kind: str = "post") -> int:
        self.next_id += 1
        self.items[self.next_id] = {
            "id": self.next_id,
            "type": kind,
            "slug": slug,
            "status": "publish",
            "title": {"raw": title},
            "content": {"raw": "<p>theirs</p>"},
            "link": f"{self.site}/{slug}/",
        }
        return self.next_id

    # --- the API --------------------------------------------------------------------------------------

    def answer(self, request: requests.PreparedRequest) -> Answer:
        url = urlsplit(str(request.url))
        route, _, rest = url.path.removeprefix("/wp-json/wp/v2/").partition("/")
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        with self.lock:
            self.requests.append((str(request.method), route, query))
        body = json.loads(request.body) if request.body else {}
        if route == "users":
            return self._users(rest, query)
        if route in ("categories", "tags"):
            return self._terms(str(request.method), route, rest, query, body)
        return self._items(str(request.method), route, rest, query, body)

    def _users(self, rest: str, query: dict[str, str]) -> Answer:
        if rest == "me":
            return _answer(200, USERS[2])
        if rest:
            return _answer(200, USERS[int(rest)])
        search = query.get("search", "").casefold()
        return _answer(200, [u for u in USERS.values() if search in json.dumps(u).casefold()])

    def _items(self, method: str, route: str, rest: str, query: dict[str, str], body: Any) -> Answer:
        kind = "page" if route == "pages" else "post"
        if method == "GET" and not rest:
            slugs = set(re.split(r"[\s,]+", query["slug"])) if "slug" in query else None
            found = sorted(
                (
                    i
                    for i in self.items.values()
                    if i["type"] == kind and (slugs is None or i["slug"] in slugs)
                ),
                key=lambda i: -i["id"],
            )
            offset, size = int(query.get("offset", 0)), int(query.get("per_page", 10))
            return _answer(200, found[offset : offset + size])
        if method == "GET":
            item = self.items.get(int(rest))
            return (
                _answer(200, item)
                if item
                else _answer(404, {"code": "rest_post_invalid_id", "message": "no"})
            )
        with self.lock:
            if not rest:
                self.next_id += 1
                stored: dict[str, Any] = {"id": self.next_id, "type": kind, "status": "draft"}
                self.items[self.next_id] = stored
            else:
                stored = self.items[int(rest)]
            for name, value in body.items():
                stored[name] = {"raw": value} if name in ("title", "content", "excerpt") else value
            wanted = stored.get("slug") or f"post-{stored['id']}"
            taken = {i["slug"] for i in self.items.values() if i is not stored and "slug" in i}
            slug, n = wanted, 2
            while slug in taken:
                slug, n = f"{wanted}-{n}", n + 1
            stored["slug"] = slug
            stored["link"] = f"{self.site}/{slug}/"
            stored.setdefault("meta", [])
        return _answer(200 if rest else 201, stored)

    def _terms(self, method: str, taxonomy: str, rest: str, query: dict[str, str], body: Any) -> Answer:
        mine = [t for t in self.terms.values() if t["taxonomy"] == taxonomy]
        if method == "GET" and rest:
            return _answer(200, self.terms[int(rest)])
        if method == "GET":
            found = [
                t
                for t in sorted(mine, key=lambda t: t["id"])
                if query.get("search", "").casefold() in t["name"].casefold()
                and ("parent" not in query or int(query["parent"]) == t["parent"])
            ]
            size, page = int(query.get("per_page", 10)), int(query.get("page", 1))
            pages = max(1, -(-len(found) // size))
            return _answer(200, found[(page - 1) * size : page * size], {"X-WP-TotalPages": str(pages)})
        parent = int(body.get("parent", 0))
        same = [t for t in mine if t["name"].casefold() == body["name"].casefold() and t["parent"] == parent]
        if same:
            return _answer(
                400,
                {
                    "code": "term_exists",
                    "message": "A term with the name provided already exists with this parent.",
                    "data": {"status": 400, "term_id": same[0]["id"]},
                },
            )
        time.sleep(self.race)  # WordPress checks, then inserts: no lock between
        slug = body.get("slug") or re.sub(r"[^a-z0-9]+", "-", html.unescape(body["name"]).lower()).strip("-")
        with self.lock:
            if any(t["slug"] == slug for t in self.terms.values() if t["taxonomy"] == taxonomy):
                slug = f"{slug}-{1 + len(self.terms)}"
            term_id = 1 + max(self.terms, default=0)
            self.terms[term_id] = {
                "id": term_id,
                "taxonomy": taxonomy,
                "name": body["name"],
                "slug": slug,
                "parent": parent,
            }
        return _answer(201, self.terms[term_id])
