"""An export with every post field of issue 15, and in-memory WordPress sites (REST and XML-RPC) that store
what they are sent as WordPress does, for the tests of those fields (tests/backends/test_wordpress_fields.py).
"""

from __future__ import annotations

import json
import re
import xmlrpc.client
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import requests
import responses

SITE = "https://news.example.com"
API = f"{SITE}/wp-json/wp/v2"
ENDPOINT = f"{SITE}/xmlrpc.php"
PASSWORD = "s3cret-Pa55"  # the protected post's password: never in a message

_ITEM = """
  <item>
    <title><![CDATA[{title}]]></title>
    <link>{site}/?p={id}</link>
    <dc:creator><![CDATA[]]></dc:creator>
    <content:encoded><![CDATA[<!-- wp:paragraph -->
<p>{title} body.</p>
<!-- /wp:paragraph -->]]></content:encoded>
    <excerpt:encoded><![CDATA[]]></excerpt:encoded>
    <wp:post_id>{id}</wp:post_id>
    <wp:post_date><![CDATA[{date}]]></wp:post_date>
    <wp:post_date_gmt><![CDATA[{date}]]></wp:post_date_gmt>
    <wp:post_modified><![CDATA[{date}]]></wp:post_modified>
    <wp:post_modified_gmt><![CDATA[{date}]]></wp:post_modified_gmt>
    <wp:comment_status><![CDATA[{comments}]]></wp:comment_status>
    <wp:ping_status><![CDATA[{pings}]]></wp:ping_status>
    <wp:post_name><![CDATA[{slug}]]></wp:post_name>
    <wp:status><![CDATA[{status}]]></wp:status>
    <wp:post_parent>{parent}</wp:post_parent>
    <wp:menu_order>{order}</wp:menu_order>
    <wp:post_type><![CDATA[{type}]]></wp:post_type>
    <wp:post_password><![CDATA[{password}]]></wp:post_password>
    <wp:is_sticky>{sticky}</wp:is_sticky>
    {extra}
  </item>"""


def _item(id: int, slug: str, **fields: Any) -> str:
    values = {
        "title": slug.title(),
        "site": SITE,
        "date": "2024-03-04 05:06:07",
        "comments": "open",
        "pings": "open",
        "status": "publish",
        "parent": 0,
        "order": 0,
        "type": "post",
        "password": "",
        "sticky": 0,
        "extra": "",
        **fields,
    }
    return _ITEM.format(id=id, slug=slug, **values)


def _meta(key: str, value: str) -> str:
    key_xml = f"<wp:meta_key><![CDATA[{key}]]></wp:meta_key>"
    return f"<wp:postmeta>{key_xml}<wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:postmeta>"


def _category(slug: str, name: str, domain: str = "category") -> str:
    return f'<category domain="{domain}" nicename="{slug}"><![CDATA[{name}]]></category>'


def _channel_category(slug: str, parent: str, name: str) -> str:
    return (
        f"<wp:category><wp:category_nicename><![CDATA[{slug}]]></wp:category_nicename>"
        f"<wp:category_parent><![CDATA[{parent}]]></wp:category_parent>"
        f"<wp:cat_name><![CDATA[{name}]]></wp:cat_name></wp:category>"
    )


SEO_META = (
    _meta("_yoast_wpseo_title", "SEO title")
    + _meta("_yoast_wpseo_metadesc", "SEO description")
    + _meta("_yoast_wpseo_canonical", "https://example.org/seo")
    + _meta("color", "red")
    + _meta("_edit_lock", "1")
)
ITEMS = [
    _item(10, "about", type="page", order=2, comments="closed", pings="closed").replace(
        "</item>", _meta("_wp_page_template", "wide.php") + "</item>"
    ),
    _item(11, "team", type="page", parent=10, order=1, date="2024-03-09 05:06:07"),
    _item(12, "protected", password=PASSWORD, extra=_category("foo-a", "Foo A")),
    _item(13, "sticky", sticky=1, comments="closed", extra=_category("foo-a-sport", "Foo A")),
    _item(14, "scheduled", status="future", date="2031-05-06 07:08:09"),
    _item(15, "aside", extra=_category("post-format-aside", "Aside", "post_format")),
    _item(16, "seo", extra=SEO_META),
    _item(17, "private", status="private", pings="closed"),
    _item(18, "pending", status="pending"),
]
CATEGORIES = [
    _channel_category("news", "", "News"),
    _channel_category("sport", "", "Sport"),
    _channel_category("foo-a", "news", "Foo A"),
    _channel_category("foo-a-sport", "sport", "Foo A"),
]
EXPORT = f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>News</title>
  <link>{SITE}</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>{SITE}</wp:base_site_url>
  {"".join(CATEGORIES)}
  {"".join(ITEMS)}
</channel>
</rss>
"""
"""An export with pages (a child page listed before its parent), a protected, a sticky, a scheduled, an
aside, a private and a pending post, posts under two child categories both named "Foo A", SEO meta and
custom fields."""


def _answer(status: int, body: Any) -> tuple[int, dict[str, str], str]:
    return status, {"Content-Type": "application/json"}, json.dumps(body)


class FakeREST:
    """WordPress's REST API over posts, pages, categories and tags kept in memory (a user with
    unfiltered_html: content stored as sent). Custom field ``color`` is exposed over REST; SEO meta not."""

    EXPOSED_META = ("color",)

    def __init__(self) -> None:
        self.items: dict[int, dict[str, Any]] = {}
        self.terms: dict[int, dict[str, Any]] = {}
        self.requests: list[tuple[str, str]] = []
        self.next_id = 100
        add = responses.add_callback
        item = re.compile(rf"{re.escape(API)}/(posts|pages)(?:/(\d+))?(\?.*)?$")
        term = re.compile(rf"{re.escape(API)}/(categories|tags)(?:/(\d+))?(\?.*)?$")
        for method in (responses.GET, responses.POST, responses.PUT):
            add(method, item, callback=self.item)
            add(method, term, callback=self.term)
        add(responses.OPTIONS, item, callback=self.schema)

    def _log(self, request: requests.PreparedRequest) -> tuple[list[str], dict[str, str], Any]:
        url = str(request.url)
        self.requests.append((str(request.method), url))
        path = urlsplit(url).path.removeprefix("/wp-json/wp/v2/")
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        body = json.loads(request.body) if request.body else None
        return path.split("/"), query, body

    def schema(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        self._log(request)
        meta = {"type": "object", "properties": {k: {"type": "string"} for k in self.EXPOSED_META}}
        return _answer(200, {"schema": {"properties": {"meta": meta}}})

    def item(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        parts, query, body = self._log(request)
        kind = "page" if parts[0] == "pages" else "post"
        if len(parts) == 1 and request.method == "GET":
            found = [
                v
                for v in self.items.values()
                if v["type"] == kind and ("slug" not in query or v["slug"] == query["slug"])
            ]
            return _answer(200, sorted(found, key=lambda v: -int(v["id"]))[int(query.get("offset", 0)) :])
        if len(parts) == 1:  # create
            self.next_id += 1
            stored: dict[str, Any] = {"id": self.next_id, "type": kind, "link": f"{SITE}/?p={self.next_id}"}
            self.items[self.next_id] = stored
        else:
            stored = self.items.get(int(parts[1]), {})
            if stored.get("type") != kind:
                return _answer(404, {"code": "rest_post_invalid_id", "message": "Invalid post ID."})
        for name, value in (body or {}).items():
            if name == "meta":
                value = {k: v for k, v in value.items() if k in self.EXPOSED_META}
            if name in ("title", "content", "excerpt"):
                value = {"raw": value}
            stored[name] = value
        stored.setdefault("meta", [])
        return _answer(200, stored)

    def term(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        parts, query, body = self._log(request)
        taxonomy = parts[0]
        if len(parts) == 2:
            return _answer(200, self.terms[int(parts[1])])
        if request.method == "GET":
            found = [
                t
                for t in self.terms.values()
                if t["taxonomy"] == taxonomy
                and query.get("search", "").casefold() in t["name"].casefold()
                and ("parent" not in query or int(query["parent"]) == t["parent"])
            ]
            return _answer(200, found)
        assert body is not None
        slug = body.get("slug") or body["name"].lower().replace(" ", "-")
        if any(t["slug"] == slug for t in self.terms.values() if t["taxonomy"] == taxonomy):
            parent = self.terms.get(body.get("parent", 0))
            slug = f"{slug}-{parent['slug']}" if parent else f"{slug}-2"
        term_id = 1 + max(self.terms, default=0)
        self.terms[term_id] = {
            "id": term_id,
            "taxonomy": taxonomy,
            "name": body["name"],
            "slug": slug,
            "parent": body.get("parent", 0),
        }
        return _answer(201, self.terms[term_id])


class FakeXMLRPC:
    """WordPress's XML-RPC API over posts, pages and terms kept in memory."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self.terms: dict[str, dict[str, Any]] = {}
        self.calls: list[str] = []
        self.meta_ids = 0
        responses.add_callback(responses.POST, ENDPOINT, callback=self.answer)

    def _new_term(self, struct: dict[str, Any]) -> str:
        term_id = str(1 + len(self.terms))
        name, taxonomy = struct["name"], struct["taxonomy"]
        slug = struct.get("slug") or name.lower().replace(" ", "-")
        if any(t["slug"] == slug for t in self.terms.values()):
            slug = f"{slug}-{term_id}"
        parent = str(struct.get("parent", "0"))
        self.terms[term_id] = {
            "term_id": term_id,
            "name": name,
            "slug": slug,
            "taxonomy": taxonomy,
            "parent": parent,
        }
        return term_id

    def _store(self, stored: dict[str, Any], struct: dict[str, Any]) -> None:
        for name, value in struct.items():
            if name == "terms":
                stored["term_ids"] = [str(i) for ids in value.values() for i in ids]
            elif name == "terms_names":
                for taxonomy, names in value.items():
                    for term_name in names:
                        found = next(
                            (
                                t
                                for t in self.terms.values()
                                if t["name"] == term_name and t["taxonomy"] == taxonomy
                            ),
                            None,
                        )
                        term_id = (
                            found["term_id"]
                            if found
                            else self._new_term({"name": term_name, "taxonomy": taxonomy})
                        )
                        stored.setdefault("term_ids", []).append(term_id)
            elif name == "custom_fields":
                fields = stored.setdefault("custom_fields", [])
                for field in value:
                    if "key" in field:
                        self.meta_ids += 1
                        fields.append(
                            {"id": str(self.meta_ids), "key": field["key"], "value": field["value"]}
                        )
                    else:
                        fields[:] = [f for f in fields if f["id"] != field["id"]]
            elif name == "post_date_gmt":
                stored[name] = value
            else:
                stored[name] = value

    def _post(self, post_id: str) -> dict[str, Any]:
        stored = self.items[post_id]
        answer = {k: v for k, v in stored.items() if k != "term_ids"}
        answer["terms"] = [self.terms[i] for i in stored.get("term_ids", [])]
        answer.setdefault("post_format", "standard")
        answer.setdefault("sticky", False)
        answer.setdefault("post_modified_gmt", xmlrpc.client.DateTime("20240304T05:06:07"))
        return answer

    def answer(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        body = request.body if isinstance(request.body, bytes) else str(request.body).encode()
        params, method = xmlrpc.client.loads(body, use_datetime=False)
        self.calls.append(str(method))
        value: Any
        if method == "wp.newPost":
            post_id = str(1000 + len(self.items))
            self.items[post_id] = {"post_id": post_id, "link": f"{SITE}/?p={post_id}", "post_type": "post"}
            self._store(self.items[post_id], cast(dict[str, Any], params[3]))
            value = post_id
        elif method == "wp.editPost":
            self._store(self.items[str(params[3])], cast(dict[str, Any], params[4]))
            value = True
        elif method == "wp.getPost":
            post_id = str(params[3])
            if post_id not in self.items:
                fault = xmlrpc.client.Fault(404, "Invalid post ID.")
                return 200, {"Content-Type": "text/xml"}, xmlrpc.client.dumps(fault, methodresponse=True)
            value = self._post(post_id)
            if len(params) > 4:
                value = {k: v for k, v in value.items() if k in [*cast(list[str], params[4]), "post_id"]}
        elif method == "wp.getPosts":
            flt = cast(dict[str, Any], params[3])
            found = sorted(
                (
                    i
                    for i in self.items
                    if self.items[i].get("post_type", "post") == flt.get("post_type", "post")
                ),
                key=lambda i: -int(i),
            )
            value = [self._post(i) for i in found[int(flt.get("offset", 0)) :]]
        elif method == "wp.editPage":  # (blog, page, user, password, struct, publish), as WordPress
            stored, struct = self.items[str(params[1])], cast(dict[str, Any], params[4])
            if "wp_page_order" in struct:
                stored["menu_order"] = int(struct["wp_page_order"])
            if struct.get("wp_page_template"):
                stored["page_template"] = struct["wp_page_template"]
            stored["post_status"] = struct.get("page_status") or ("publish" if params[5] else "draft")
            value = True
        elif method == "wp.getPage":
            stored = self.items[str(params[1])]
            value = {"page_id": stored["post_id"], "wp_page_template": stored.get("page_template", "default")}
        elif method == "wp.getTerms":
            value = [t for t in self.terms.values() if t["taxonomy"] == params[3]]
        elif method == "wp.newTerm":
            value = self._new_term(cast(dict[str, Any], params[3]))
        else:
            value = []
        reply = xmlrpc.client.dumps((value,), methodresponse=True, allow_none=True)
        return 200, {"Content-Type": "text/xml"}, reply
