"""WordPress over its REST API (``/wp/v2``), with application passwords.

Every request goes through :mod:`cmsbridge.http` (a total timeout, a size cap, the cmsbridge user agent,
TLS verification); redirects are not followed (a POST redirected to https would silently become a GET).
Failures are mapped there, with WordPress's own message and code (:func:`_said`) and, here, the
not-logged-in probe; every answer is checked against its shape (:mod:`.answers`). The API root is
discovered on first use, unless given: from the home page's ``Link: <...>; rel="https://api.w.org/"``
header (the home page's redirects followed on its host, without credentials), else by asking
``/wp-json/`` then ``?rest_route=`` for the API index. A named root that the first request finds
blocked (a firewall's 403, a 404 page) is swapped once for the other style.

Posts and pages (issue 15): a page is written to and read from ``/wp/v2/pages`` (its parent found by
slug, its ``menu_order``); ``get``, ``delete`` and ``find`` look for a page where no post has the id or
slug; ``list`` merges both, newest first. Password, sticky, comment and ping status, format and template
are written as the post holds them; categories with their parents (created first, each once per
backend); custom fields and Yoast SEO meta through ``meta``, where the site exposes them (the route's
schema, asked once): the rest is reported.
"""

from __future__ import annotations

import base64
import builtins
import datetime as dt
import functools
import heapq
import os
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from .. import http
from ..errors import (
    AuthenticationError,
    BackendError,
    CMSBridgeError,
    InvalidContentError,
    NotFoundError,
    PermissionDeniedError,
    UnexpectedResponseError,
    UsageError,
    register_secret,
    scrub,
)
from ..formats.wordpress.wxr import SEO_META, own_slug
from ..http import Said
from ..model import Comment, Post, Term
from ..report import ConversionReport, ensure_report
from . import paging, turns
from . import wordpress_revisions as revisions
from .answers import WPComment, WPMedia, WPPost, WPPostFields, WPTerm, WPUser
from .base import (
    Added,
    Capabilities,
    Fetched,
    Media,
    PostRef,
    Ref,
    Transport,
    TransportBackend,
    Version,
    Versioned,
    Written,
    as_ref,
    listed_status,
    source_of,
    written_content,
)
from .ids import wordpress_id
from .media import MediaRoots, is_web_address, same_host, upload_file
from .wordpress_comments import add_all, comment_of, parents_first, rest_status, to_write, unreadable
from .wordpress_common import (
    CONTENT_FORMAT,
    FIELDS,
    PAGE_SIZE,
    SERVICE,
    STATUSES,
    SYSTEM,
    featured_image_file,
    format_gmt,
    from_markup,
    html_text,
    parse_gmt,
    report_filtered,
    seo_fields,
    seo_meta,
    site_base,
    unescape,
    writable_fields,
)
from .wordpress_revisions import Checked, Revision
from .wordpress_terms import SiteTerms

API_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="https://api\.w\.org/"')
AUTH_HINT = (
    "check the user name and the application password (Users > Profile > Application Passwords; the login "
    "password is refused over REST); if they are right, a proxy or the web server may be stripping the "
    "Authorization header"
)
MAX_HOME_REDIRECTS = 5
NO_USER = -1
"""An author name no user of the site has (remembered, like the names found)."""
STORED_SLUG = re.compile(r"(?:[a-z0-9_]|%[a-f0-9]{2})+(?:-(?:[a-z0-9_]|%[a-f0-9]{2})+)*")
"""A slug as WordPress stores it (``sanitize_title`` leaves it as it is): asked about in bulk."""
SLUGS_PER_ASK = 50
ApiStyle = Literal["auto", "wp-json", "rest_route"]


class WordPressREST(TransportBackend):
    """A WordPress site over REST. Nothing is sent until the first operation."""

    media_roots: MediaRoots = ()
    """Folders a post's featured image may be read from as a local file (none unless set; see
    :func:`cmsbridge.backends.media.local_media`)."""

    def __init__(
        self,
        url: str,
        user: str,
        password: str,
        *,
        transport: Transport | None = None,
        api: ApiStyle = "auto",
    ) -> None:
        self.base = site_base(url)
        self.user = user
        self.__password = password
        register_secret(password)
        register_secret(base64.b64encode(f"{user}:{password}".encode()).decode())
        self.transport = transport or Transport()
        self._api: ApiStyle = api
        self._api_root: str | None = None
        self._api_unsure = False  # a root named by the home page, not yet used: see _request
        self._me: dict[str, Any] | None = None
        self._logged_in: bool | None = None  # known once a refusal made us ask WordPress
        self._terms = SiteTerms(
            self._term_page, self._new_term, lambda problem: http.fail(SERVICE, self.site, problem)
        )
        self._term_names: dict[tuple[str, int], str] = {}
        self._category_terms: dict[int, Term] = {}
        self._page_slugs: dict[int, str] = {}
        self._meta_keys: dict[str, frozenset[str]] = {}
        self._users: dict[int, str] = {}
        self._author_ids: dict[str, int | None] = {}
        self._lock = threading.Lock()

    # --- identity -----------------------------------------------------------------------------------

    @property
    def site(self) -> str:
        return self.base

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(
            system=SYSTEM,
            transport="rest",
            content_format=CONTENT_FORMAT,
            conditional_write="detected",
            statuses=STATUSES,
            trash=True,
            filters_content=True,
            authors_per_post=1,
            max_page_size=PAGE_SIZE,
            comments=True,
            **FIELDS,
        )

    def __repr__(self) -> str:
        return f"WordPressREST({self.base!r}, user={self.user!r})"

    # --- transport and error mapping --------------------------------------------------------------------

    def _url(self, route: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        root = self._discover()
        if root.endswith("?rest_route="):
            return root[: -len("?rest_route=")], {"rest_route": "/" + route.lstrip("/"), **params}
        return root + route.lstrip("/"), params

    def _discover(self) -> str:
        if self._api_root is not None:
            return self._api_root
        wp_json, rest_route = self.base + "/wp-json/", self.base + "/?rest_route="
        if self._api != "auto":
            self._api_root = wp_json if self._api == "wp-json" else rest_route
            return self._api_root
        root = self._linked_root()
        if root is None:  # a landing page or a cache: ask the API itself, at /wp-json/ then ?rest_route=
            self._api_root = wp_json
            if not self._answers_api():
                self._api_root = rest_route  # also what a site that answers no visitor is left with
        else:
            self._api_root, self._api_unsure = root, True
        return self._api_root

    def _linked_root(self) -> str | None:
        """The API root named by the home page's ``Link`` header, the home page's redirects followed
        (on this host or its https upgrade only; discovery sends no credentials); None when none."""
        url = self.base + "/"
        for _ in range(MAX_HOME_REDIRECTS + 1):
            answer = self._http("HEAD", url, params={}, auth=False)
            location = answer.headers.get("Location")
            if not (300 <= answer.status < 400 and location):
                break
            url = urljoin(url, location)
            if not self._on_this_site(url):
                return None
        links = API_LINK.findall(answer.headers.get("Link", ""))
        if not links:
            return None
        root: str = links[0]
        return root if "rest_route=" not in root and self._on_this_site(root) else self.base + "/?rest_route="

    def _on_this_site(self, url: str) -> bool:
        """Whether ``url`` is on this site's host, with its scheme or the https upgrade of http."""
        return same_host(url, self.base) and urlsplit(url).scheme in {urlsplit(self.base).scheme, "https"}

    def _answers_api(self) -> bool:
        """Whether the API root in use answers a visitor as WordPress's REST API does."""
        url, query = self._url("", {})
        answer = self._http("GET", url, params=query, auth=False)
        body, problem = http.decode_json(answer)
        namespaces = body.get("namespaces") if isinstance(body, dict) else None
        return (
            answer.status == 200
            and problem is None
            and isinstance(namespaces, list)
            and "wp/v2" in namespaces
        )

    def _other_style(self) -> str:
        """The API root of the other style than the one in use."""
        in_use = self._discover()
        return self.base + ("/wp-json/" if in_use.endswith("?rest_route=") else "/?rest_route=")

    def _http(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any],
        json_body: Any = None,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        auth: bool = True,
    ) -> http.Answer:
        return http.request(
            self.transport,
            method,
            url,
            site=self.site,
            service=SERVICE,
            params=params,
            json_body=json_body,
            data=data,
            headers={"Accept": "application/json", **(headers or {})},
            auth=(self.user, self.__password) if auth else None,
        )

    def _request(
        self,
        method: str,
        route: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        post: str | None = None,
        idempotent: bool = True,
        shape: Any = None,
        what: str = "",
    ) -> tuple[Any, http.Answer]:
        """The JSON answer to one request (retried as the transport's policy says), checked against
        ``shape`` (:mod:`.answers`, ``what`` naming it) when given."""

        def send() -> http.Answer:
            url, query = self._url(route, params or {})
            return self._http(method, url, params=query, json_body=json_body, data=data, headers=headers)

        def attempt() -> tuple[Any, http.Answer]:
            answer = send()
            if self._api_unsure:
                # the first request to the root the home page named: a blocked /wp-json/ (a firewall's
                # 403, a 404 page) may still be reachable as ?rest_route=, and the reverse
                self._api_unsure = False
                if _blocked(answer, idempotent=idempotent):
                    named, self._api_root = self._api_root, self._other_style()
                    other = send()
                    if _blocked(other, idempotent=idempotent):
                        self._api_root = named  # report what the named root answered
                    else:
                        answer = other
            body = self._check(answer, post=post)
            if shape is not None:
                body = http.validate(
                    shape, body, service=SERVICE, site=self.site, what=what, status=answer.status
                )
            return body, answer

        return self.transport.call(attempt, idempotent=idempotent)

    def _check(self, answer: http.Answer, *, post: str | None) -> Any:
        """The JSON body of a successful answer; every other answer raised as the matching error."""
        status = answer.status
        body, problem = http.decode_json(answer)
        said = _said(body)
        if not 200 <= status < 300 and (status < 400 or status == 429 or status >= 500):
            http.raise_for_status(answer, service=SERVICE, site=self.site, said=said, post=post)
        ctx: dict[str, Any] = {"site": self.site, "status": status, "post": post, "code": said.code}
        if problem is not None:
            if status == 403:
                raise PermissionDeniedError(
                    f"refused with an HTML page, not WordPress JSON (a firewall or security plugin?): "
                    f"{answer.snippet()}",
                    **ctx,
                )
            raise UnexpectedResponseError(f"the answer is not WordPress JSON: {problem}", **ctx)
        if status < 300:
            return body
        if status in (400, 401, 403) and not self._is_logged_in():
            # WordPress ignores credentials it does not accept and answers as to a visitor, whose refusal
            # ("Status is forbidden", "not allowed to edit") hides the cause
            text = said.message or "no message"
            raise AuthenticationError(f"WordPress did not log {self.user!r} in ({text}); {AUTH_HINT}", **ctx)
        http.raise_for_status(
            answer,
            service=SERVICE,
            site=self.site,
            said=Said(said.message or "no message", said.code),
            post=post,
            auth_hint=AUTH_HINT,
            details=_param_details(body),
        )
        return body  # not reached: every status left is a failure

    def _is_logged_in(self) -> bool:
        """Whether WordPress accepts the credentials (asked once, after a refusal: ``users/me``)."""
        if self._logged_in is None:
            url, query = self._url("wp/v2/users/me", {})
            try:
                probe = self._http("GET", url, params=query, json_body=None, data=None, headers=None)
            except BackendError:
                return True  # cannot tell: keep the original error
            self._logged_in = probe.status != 401
        return self._logged_in

    # --- helpers -------------------------------------------------------------------------------------

    def _me_info(self) -> dict[str, Any]:
        if self._me is None:
            body, _ = self._request(
                "GET", "wp/v2/users/me", params={"context": "edit"}, shape=WPUser, what="the current user"
            )
            self._me = dict(body)
        return self._me

    def _term_page(self, taxonomy: str, params: dict[str, Any]) -> tuple[list[Any], int]:
        """One page of a taxonomy's terms and the number of pages (WordPress's ``X-WP-TotalPages``)."""
        body, answer = self._request(
            "GET", f"wp/v2/{taxonomy}", params=params, shape=list[WPTerm], what="terms"
        )
        pages = answer.headers.get("X-WP-TotalPages", "1")
        return body, int(pages) if str(pages).isdigit() else 1

    def _new_term(self, taxonomy: str, fields: dict[str, Any]) -> Any:
        created, _ = self._request(
            "POST", f"wp/v2/{taxonomy}", json_body=fields, idempotent=False, shape=WPTerm, what="a term"
        )
        return created

    def _tag_id(self, name: str) -> int:
        """The id of the tag ``name``, created when missing (:class:`.wordpress_terms.SiteTerms`)."""
        return self._terms.tag_id(name)

    def _category_id(self, term: Term, report: ConversionReport) -> int:
        """The id of the category ``term`` under its parent, created when missing (each once per backend)."""
        return self._terms.category_id(term, report)

    def _category(self, term_id: int) -> Term:
        """The category ``term_id`` with its parents (each read once per backend)."""
        if term_id not in self._category_terms:
            body, _ = self._request("GET", f"wp/v2/categories/{term_id}", shape=WPTerm, what="a term")
            parent_id = int(body.get("parent") or 0)
            parent = self._category(parent_id) if parent_id and parent_id != term_id else None
            name = unescape(str(body.get("name") or term_id))
            slug = own_slug(name, body.get("slug"))
            self._category_terms[term_id] = Term(name=name, slug=slug, parent=parent)
        return self._category_terms[term_id]

    def _page_slug(self, page_id: int) -> str | None:
        """The slug of the page ``page_id`` (a page's parent), None when it cannot be read."""
        if page_id not in self._page_slugs:
            try:
                body, _ = self._request(
                    "GET", f"wp/v2/pages/{page_id}", params={"context": "edit"}, shape=WPPost, what="a page"
                )
            except (NotFoundError, PermissionDeniedError):
                return None
            self._page_slugs[page_id] = str(body.get("slug") or "")
        return self._page_slugs[page_id] or None

    def _page_id(self, slug: str) -> int | None:
        """The id of the page with this slug (any status), None when there is none."""
        params = {"slug": slug, "status": "any", "context": "edit", "_fields": "id,slug"}
        body, _ = self._request("GET", "wp/v2/pages", params=params, shape=list[WPPost], what="pages")
        return int(body[0]["id"]) if body else None

    def _exposed_meta(self, route: str) -> frozenset[str]:
        """The post meta keys the site exposes over REST for ``route`` (``register_post_meta`` with
        ``show_in_rest``), from the route's schema; asked once, and only when a post has meta to write."""
        if route not in self._meta_keys:
            try:
                body, _ = self._request("OPTIONS", f"wp/v2/{route}", what="the route's schema")
            except (NotFoundError, PermissionDeniedError, UnexpectedResponseError):
                body = {}
            schema = body.get("schema") if isinstance(body, dict) else None
            props = schema.get("properties") if isinstance(schema, dict) else None
            meta = props.get("meta") if isinstance(props, dict) else None
            keys = meta.get("properties") if isinstance(meta, dict) else None
            self._meta_keys[route] = frozenset(keys) if isinstance(keys, dict) else frozenset()
        return self._meta_keys[route]

    def _writable_meta(self, post: Post, report: ConversionReport) -> Post:
        """``post`` with the custom fields and SEO fields the site does not let us write over REST taken
        out and reported: WordPress's own fields (``_``), and meta the route does not expose."""
        own = [key for key in post.metadata if key.startswith("_")]
        for key in own:
            report.warn(SYSTEM, f"custom field {key!r} is WordPress's own (starts with _); not written")
        metadata = {k: v for k, v in post.metadata.items() if k not in own}
        seo = {name: key for name, key in SEO_META.items() if getattr(post, name)}
        if not metadata and not seo:
            return post.replace(metadata=metadata) if own else post
        exposed = self._exposed_meta(_route(post.post_type))
        hidden = sorted(k for k in (*metadata, *seo.values()) if k not in exposed)
        if hidden:
            report.warn(
                SYSTEM,
                "post meta not exposed over REST by the site (register_post_meta with show_in_rest); "
                f"not written: {', '.join(hidden)}",
            )
        unheld = {name: None for name, key in seo.items() if key not in exposed}
        kept = {k: v for k, v in metadata.items() if k in exposed}
        return post.replace(metadata=kept, **unheld) if own or hidden else post

    def prepared(self, post: Post, report: ConversionReport) -> Post:
        """What WordPress holds of ``post``'s fields (:func:`writable_fields`), less the post meta the site
        does not expose over REST (reported); a status WordPress does not know is a UsageError."""
        if post.status not in STATUSES:
            raise UsageError(f"WordPress posts cannot be created with status {post.status!r}")
        return self._writable_meta(writable_fields(post, report), report)

    def _term_name(self, taxonomy: str, term_id: int) -> str:
        key = (taxonomy, term_id)
        if key not in self._term_names:
            body, _ = self._request("GET", f"wp/v2/{taxonomy}/{term_id}", shape=WPTerm, what="a term")
            self._term_names[key] = unescape(str(body.get("name", term_id)))
        return self._term_names[key]

    def _author_id(self, name: str) -> int | None:
        """The user id for a login, slug, display name or e-mail (None for the current user); each name is
        looked up once per backend (one that matches no user too)."""
        with self._lock:
            if name not in self._author_ids:
                self._author_ids[name] = self._look_up_author(name)
            found = self._author_ids[name]
        if found == NO_USER:
            raise NotFoundError(f"no WordPress user {name!r}", site=self.site)
        return found

    def _look_up_author(self, name: str) -> int | None:
        me = self._me_info()
        if name in {me.get("username"), me.get("slug"), me.get("name"), me.get("email")}:
            return None
        params = {"search": name, "context": "edit", "per_page": PAGE_SIZE}
        found, _ = self._request("GET", "wp/v2/users", params=params, shape=list[WPUser], what="users")
        for user in found:
            if name in {user.get("username"), user.get("slug"), user.get("name"), user.get("email")}:
                return int(user["id"])
        return NO_USER

    def _author_name(self, user_id: int) -> str:
        if user_id not in self._users:
            try:
                body, _ = self._request("GET", f"wp/v2/users/{user_id}", shape=WPUser, what="a user")
                self._users[user_id] = str(body.get("slug") or user_id)
            except (NotFoundError, PermissionDeniedError, AuthenticationError):
                self._users[user_id] = str(user_id)
        return self._users[user_id]

    def _fields(self, post: Post, report: ConversionReport) -> tuple[dict[str, Any], str]:
        post = self.prepared(post, report)
        content = written_content(post, self.capabilities, report)
        fields: dict[str, Any] = {
            "title": html_text(post.title),
            "content": content,
            "excerpt": html_text(post.excerpt),
            "status": post.status,
            "password": post.password or "",
        }
        if post.slug:
            fields["slug"] = post.slug
        if post.created is not None:
            fields["date_gmt"] = format_gmt(post.created)
        for name in ("comment_status", "ping_status", "template"):
            if getattr(post, name) is not None:
                fields[name] = getattr(post, name)
        meta = {**post.metadata, **seo_meta(post)}  # what the site exposes (prepared)
        if meta:
            fields["meta"] = meta
        if post.post_type == "page":
            fields["menu_order"] = post.menu_order
            fields["parent"] = self._parent_id(post, report)
        else:
            fields["sticky"] = post.sticky
            fields["format"] = post.format or "standard"
            fields["categories"] = [self._category_id(c, report) for c in post.categories]
            fields["tags"] = [self._tag_id(t) for t in post.tags]
        if post.authors:
            author = self._author_id(post.authors[0])
            if author is not None:
                fields["author"] = author
        own = self._own_media_id(post.featured_image)
        if own is not None:
            fields["featured_media"] = own
            return fields, content
        with featured_image_file(post.featured_image, self.base, report, self.media_roots) as image:
            if image is not None:
                fields["featured_media"] = int(self.upload_media(image).id)
        return fields, content

    @functools.cached_property
    def _unfiltered_html(self) -> bool | None:
        """Whether the user may post any HTML (WordPress's ``unfiltered_html``); None when unknown."""
        try:
            body, _ = self._request("GET", "wp/v2/users/me", params={"context": "edit"}, what="the user")
        except CMSBridgeError:
            return None
        held = body.get("capabilities") if isinstance(body, dict) else None
        return bool(held.get("unfiltered_html")) if isinstance(held, dict) else None

    def _own_media_id(self, url: str | None) -> int | None:
        """The id of the attachment in this site's media library whose file is at ``url``, if any."""
        if not url or not is_web_address(url) or not same_host(url, self.base):
            return None
        stem = os.path.splitext(os.path.basename(urlsplit(url).path))[0]
        params = {"search": stem, "per_page": PAGE_SIZE, "_fields": "id,source_url"}
        body, _ = self._request("GET", "wp/v2/media", params=params, shape=list[WPMedia], what="media")
        for item in body:
            if isinstance(item, dict) and item.get("source_url") == url and isinstance(item.get("id"), int):
                return int(item["id"])
        return None

    def _parent_id(self, post: Post, report: ConversionReport) -> int:
        """The id of the page's parent page (0: none, or not on the site, which is reported)."""
        if not post.parent:
            return 0
        found = self._page_id(post.parent)
        if found is None:
            report.warn(SYSTEM, f"the parent page {post.parent!r} is not on the site; written without it")
        return found or 0

    def _write(
        self, method: str, route: str, fields: dict[str, Any], report: ConversionReport, post: str | None
    ) -> Any:
        """Send a post's ``fields``; a template the site's theme does not have is left out and reported
        (WordPress refuses the whole post for it)."""

        def send(fields: dict[str, Any]) -> Any:
            body, _ = self._request(
                method,
                route,
                params={"context": "edit"},
                json_body=fields,
                idempotent=method != "POST",
                post=post,
                shape=WPPost,
                what="the written post",
            )
            return body

        try:
            return send(fields)
        except InvalidContentError as exc:
            if exc.code != "rest_invalid_param" or "template" not in fields or "template" not in str(exc):
                raise
            report.warn(SYSTEM, f"the site's theme has no template {fields['template']!r}; not written")
            return send({k: v for k, v in fields.items() if k != "template"})

    def _fetched(self, body: Mapping[str, Any]) -> Fetched:
        raw = _raw(body, "content")
        report = ConversionReport()
        read = from_markup(raw, report)
        ref = PostRef(id=str(body["id"]), link=body.get("link"))
        featured = int(body.get("featured_media") or 0)
        post = read.replace(
            title=unescape(_raw(body, "title")),
            slug=body.get("slug") or None,
            status=body.get("status", "draft"),
            excerpt=unescape(_raw(body, "excerpt")),
            authors=(self._author_name(int(body["author"])),) if body.get("author") else (),
            categories=tuple(self._category(int(c)) for c in body.get("categories", [])),
            tags=tuple(self._term_name("tags", int(t)) for t in body.get("tags", [])),
            created=parse_gmt(body.get("date_gmt")),
            modified=parse_gmt(body.get("modified_gmt")),
            featured_image=self._media_url(featured) if featured else None,
            sources=(source_of(SYSTEM, self.site, ref),),
            **_fields_of(body),
        )
        parent = int(body.get("parent") or 0)
        if parent:
            post = post.replace(parent=self._page_slug(parent))
        return Fetched(
            ref=ref,
            post=post,
            raw=raw,
            format=CONTENT_FORMAT,
            version=_version(body),
            data=body,
            report=report,
        )

    def _media_url(self, media_id: int) -> str | None:
        try:
            body, _ = self._request("GET", f"wp/v2/media/{media_id}", shape=WPMedia, what="a media item")
        except NotFoundError:
            return None
        return str(body.get("source_url")) if body.get("source_url") else None

    # --- the protocol ------------------------------------------------------------------------------------

    def create(self, post: Post, *, report: ConversionReport | None = None) -> PostRef:
        report = ensure_report(report)
        fields, sent = self._fields(post, report)
        body = self._write("POST", f"wp/v2/{_route(post.post_type)}", fields, report, None)
        report_filtered(
            sent, _raw(body, "content"), report, user=self.user, unfiltered=lambda: self._unfiltered_html
        )
        return PostRef(id=str(body["id"]), link=body.get("link"))

    def get(self, ref: Ref) -> Fetched:
        ref = as_ref(ref)
        try:
            body, _ = self._request(
                "GET",
                f"wp/v2/posts/{wordpress_id(ref.id)}",
                params={"context": "edit"},
                post=ref.id,
                shape=WPPost,
                what="a post",
            )
        except NotFoundError:  # a page (WordPress answers a page's id at /pages only)
            body, _ = self._request(
                "GET",
                f"wp/v2/pages/{wordpress_id(ref.id)}",
                params={"context": "edit"},
                post=ref.id,
                shape=WPPost,
                what="a page",
            )
        return self._fetched(body)

    def update(self, ref: Ref, post: Post, *, report: ConversionReport | None = None) -> PostRef:
        ref, report = as_ref(ref), ensure_report(report)
        fields, sent = self._fields(post, report)
        route = f"wp/v2/{_route(post.post_type)}/{wordpress_id(ref.id)}"
        body = self._write("PUT", route, fields, report, ref.id)
        report_filtered(
            sent, _raw(body, "content"), report, user=self.user, unfiltered=lambda: self._unfiltered_html
        )
        return PostRef(id=str(body["id"]), link=body.get("link"))

    def delete(self, ref: Ref, *, force: bool = False) -> None:
        ref = as_ref(ref)
        params = {"force": "true" if force else "false"}
        try:
            self._request("DELETE", f"wp/v2/posts/{wordpress_id(ref.id)}", params=params, post=ref.id)
        except NotFoundError:  # a page
            self._request("DELETE", f"wp/v2/pages/{wordpress_id(ref.id)}", params=params, post=ref.id)

    def list(
        self,
        *,
        since: dt.datetime | None = None,
        status: str | None = None,
        author: str | None = None,
        search: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[Fetched]:
        params: dict[str, Any] = {
            "context": "edit",
            "per_page": min(page_size or PAGE_SIZE, PAGE_SIZE),
            "status": listed_status(status, self.capabilities) or "any",
            # By id, not date: WordPress sorts equal dates in no fixed order, so paging by date skips and
            # repeats posts that share a date (a bulk import, a busy second). Ids are unique.
            "orderby": "id",
            "order": "desc",
        }
        if since is not None:
            params["modified_after"] = format_gmt(since) + "Z"
        if search:
            params["search"] = search
        if author:
            author_id = self._author_id(author)
            params["author"] = author_id if author_id is not None else self._me_info()["id"]
        return self._pages(params)

    def _pages(self, params: dict[str, Any]) -> Iterator[Fetched]:
        """Every post and page the query matches, newest first (by id: posts and pages share ids)."""
        listed = heapq.merge(
            self._listed("posts", params), self._listed("pages", params), key=lambda b: -b["id"]
        )
        for item in listed:
            yield self._fetched(item)

    def _listed(self, route: str, params: dict[str, Any]) -> Iterator[Any]:
        """Every item of ``route`` the query matches, each once even while the site changes
        (:mod:`.paging`); no page where the user may not edit pages (an author)."""

        def fetch(offset: int, count: int) -> list[Any]:
            try:
                query = {**params, "per_page": count, "offset": offset}
                body, _ = self._request("GET", f"wp/v2/{route}", params=query, shape=list[WPPost], what=route)
            except InvalidContentError as exc:
                if exc.code == "rest_post_invalid_page_number":
                    return []
                raise
            except PermissionDeniedError:
                if route == "posts":
                    raise
                return []
            if not isinstance(body, list):
                raise UnexpectedResponseError("a post listing that is not a list", site=self.site)
            return body

        def key(item: Any) -> int:
            identifier = item.get("id") if isinstance(item, dict) else None
            if not isinstance(identifier, int):
                raise UnexpectedResponseError("a listed post without a numeric id", site=self.site)
            return identifier

        return paging.by_descending_id(fetch, key, int(params["per_page"]))

    def find(self, *, slug: str) -> Fetched | None:
        params = {"slug": slug, "status": "any", "context": "edit"}
        for route in ("posts", "pages"):
            body, _ = self._request("GET", f"wp/v2/{route}", params=params, shape=list[WPPost], what=route)
            if body:
                return self._fetched(body[0])
        return None

    def held_slugs(self, slugs: Sequence[str]) -> set[str]:
        """Those of ``slugs`` a post or page holds, asked in bulk (``?slug=a,b,c``, any status, ids and slugs
        only: two requests per :data:`SLUGS_PER_ASK` slugs). A slug not in the form WordPress stores
        (:data:`STORED_SLUG`; WordPress would look up another) and a batch whose answer may be cut short
        are returned as held: :meth:`find` tells."""
        plain = [slug for slug in dict.fromkeys(slugs) if STORED_SLUG.fullmatch(slug)]
        held = set(slugs).difference(plain)
        for start in range(0, len(plain), SLUGS_PER_ASK):
            batch = plain[start : start + SLUGS_PER_ASK]
            for route in ("posts", "pages"):
                params = {
                    "slug": ",".join(batch),
                    "status": "any",
                    "per_page": PAGE_SIZE,
                    "_fields": "id,slug",
                }
                try:
                    body, _ = self._request(
                        "GET", f"wp/v2/{route}", params=params, shape=list[WPPost], what=route
                    )
                except PermissionDeniedError:  # pages an author may not list: find tells
                    held.update(batch)
                    continue
                if len(body) >= PAGE_SIZE:
                    held.update(batch)
                held.update(str(item.get("slug")) for item in body if item.get("slug") in batch)
        return held

    def upload_media(self, path: str) -> Media:
        name, data, kind = upload_file(path)
        ascii_name = name.encode("ascii", "replace").decode().replace('"', "_")
        headers = {
            "Content-Type": kind,
            "Content-Disposition": f'attachment; filename="{ascii_name}"',
        }
        body, _ = self._request(
            "POST",
            "wp/v2/media",
            data=data,
            headers=headers,
            idempotent=False,
            shape=WPMedia,
            what="the upload",
        )
        return Media(id=str(body["id"]), url=str(body.get("source_url", "")))

    def read_versioned(self, ref: Ref) -> Versioned:
        ref = as_ref(ref)
        body, _ = self._request(
            "GET",
            f"wp/v2/posts/{wordpress_id(ref.id)}",
            post=ref.id,
            params={"context": "edit", "_fields": "id,link,content,modified_gmt,_links"},
            shape=WPPost,
            what="a post",
        )
        new_ref = PostRef(id=str(body["id"]), link=body.get("link"))
        content = _raw(body, "content")
        return Versioned(ref=new_ref, content=content, format=CONTENT_FORMAT, version=_version(body))

    def write_content(self, ref: Ref, content: str, expected: Version) -> Written:
        """Write the content only. WordPress REST has no conditional write, so an interleaved write is
        detected from the answer (:meth:`write_fields`); then what WordPress's own read-modify-write undid
        is put back and :class:`WriteConflictError` is raised (:mod:`.wordpress_revisions`).

        The PUT is never replayed by the transport's retry policy (``idempotent=False``): a blind replay
        could overwrite a write made meanwhile; callers retry from a fresh read instead."""
        return revisions.write_content(self, as_ref(ref), content, expected)

    def write_fields(self, ref: PostRef, fields: Mapping[str, str], expected: Version) -> Checked:
        """Write ``fields`` (content, title, excerpt) only and tell whether another write came between
        ``expected`` and ours: one revision more than ``expected`` is ours (none when nothing revisioned
        changed); two or more mean someone else saved in between. Where revisions are capped
        (``WP_POST_REVISIONS``) the count stops growing: the two newest revisions then tell whether the
        one before ours is the one we read."""
        # WordPress saves a post and its revision non-atomically: two PUTs processed at once can leave one
        # revision for both writes, hiding the collision. Writers on this machine take turns per post (the
        # live loop holds the same turn already, from its read on: taken again, not twice).
        with turns.post_turn(self.site, ref.id):
            body, _ = self._request(
                "PUT",
                f"wp/v2/posts/{wordpress_id(ref.id)}",
                post=ref.id,
                json_body=dict(fields),
                params={"context": "edit", "_fields": "id,link,content,modified_gmt,_links"},
                idempotent=False,
                shape=WPPost,
                what="the written post",
            )
        new_ref = PostRef(id=str(body["id"]), link=body.get("link"))
        version = _version(body)
        written = Written(ref=new_ref, content=_raw(body, "content"), version=version)
        before, after = expected.revisions, version.revisions
        if before is None or after is None:
            return Checked(written)
        ours_only = after == before + 1
        unchanged = after <= before and version.latest_revision in (None, expected.latest_revision)
        if ours_only or unchanged:
            return Checked(written)
        newest = self._newest_revisions(new_ref, count=20) or []
        ids = [str(item.get("id")) for item in newest]
        mine = ids.index(version.latest_revision) if version.latest_revision in ids else -1
        # capped (the count stopped growing): collided when the revision before ours is not the one we read
        capped_alone = after <= before and not (
            0 <= mine < len(ids) - 1 and ids[mine + 1] != expected.latest_revision
        )
        if capped_alone:
            return Checked(written)
        if mine < 0:
            return Checked(written, collided=True)
        ours = _revision(newest[mine])
        previous = _revision(newest[mine + 1]) if mine + 1 < len(newest) else None
        return Checked(written, collided=True, ours=ours, before=previous)

    def current_fields(self, ref: PostRef) -> dict[str, str]:
        body, _ = self._request(
            "GET",
            f"wp/v2/posts/{wordpress_id(ref.id)}",
            post=ref.id,
            params={"context": "edit", "_fields": "title,excerpt"},
            shape=WPPostFields,
            what="a post's title and excerpt",
        )
        return {name: _raw(body, name) for name in revisions.REVISIONED}

    def read_overwritten(self, ref: Ref, version: Version) -> str | None:
        """The content stored just before the write that produced ``version`` (the other writer's state
        that write replaced), when the user may read revisions; None otherwise.

        The write's own revision is found by its id (``version.latest_revision``, the post's newest revision
        when WordPress answered the write), not assumed to be the newest now: more writes may have landed
        since, and taking the second newest would then name the wrong one."""
        newest = self._newest_revisions(as_ref(ref), count=20)
        if not newest:
            return None
        if version.latest_revision is None:
            return _raw(newest[1], "content") if len(newest) >= 2 else None
        ids = [str(item.get("id")) for item in newest]
        if version.latest_revision not in ids:
            return None
        position = ids.index(version.latest_revision)
        return _raw(newest[position + 1], "content") if position + 1 < len(newest) else None

    def _newest_revisions(self, ref: PostRef, count: int = 2) -> builtins.list[Mapping[str, Any]] | None:
        try:
            body, _ = self._request(
                "GET",
                f"wp/v2/posts/{wordpress_id(ref.id)}/revisions",
                post=ref.id,
                params={"context": "edit", "per_page": count, "orderby": "id", "order": "desc"},
                shape=list[WPPost],
                what="revisions",
            )
        except (PermissionDeniedError, NotFoundError):
            return None
        return [dict(item) for item in body]

    # --- comments (issue 15; :mod:`.wordpress_comments`) -------------------------------------------------

    def comments(self, ref: Ref, *, report: ConversionReport | None = None) -> tuple[Comment, ...]:
        """The post's comments of every status, parents before their replies (``/wp/v2/comments``)."""
        try:
            return self._comments(as_ref(ref))
        except PermissionDeniedError as exc:
            return unreadable(report, self.user, exc)

    def _comments(self, ref: PostRef) -> tuple[Comment, ...]:
        params = {"post": wordpress_id(ref.id), "context": "edit", "status": "any", "orderby": "id"}

        def fetch(offset: int, count: int) -> builtins.list[Any]:
            query = {**params, "order": "desc", "per_page": count, "offset": offset}
            body, _ = self._request(
                "GET", "wp/v2/comments", params=query, post=ref.id, shape=list[WPComment], what="comments"
            )
            return builtins.list(body)

        found = [
            comment_of(
                id=item["id"],
                parent=item.get("parent"),
                author=item.get("author_name"),
                email=item.get("author_email"),
                url=item.get("author_url"),
                date_gmt=item.get("date_gmt"),
                status=item.get("status"),
                content=_raw(item, "content"),
            )
            for item in paging.by_descending_id(fetch, lambda item: int(item["id"]), PAGE_SIZE)
        ]
        return tuple(parents_first(reversed(found)))

    def add_comments(
        self,
        ref: Ref,
        post: Post,
        known: Mapping[str, str],
        *,
        added: Added | None = None,
        report: ConversionReport | None = None,
    ) -> dict[str, str]:
        """Write the comments of ``post`` not in ``known`` (``POST /wp/v2/comments``, with author, date and
        status); a post whose comments are closed is opened meanwhile. WordPress takes no comment on a
        draft over REST: those are reported, not written."""
        ref, report = as_ref(ref), ensure_report(report)
        missing = to_write(post, known)
        if not missing:
            return dict(known)
        if post.status == "draft":
            count = len(missing)
            report.warn(SYSTEM, f"WordPress takes no comments on a draft over REST: {count} not written")
            return dict(known)
        post_id = wordpress_id(ref.id)

        def create(comment: Comment, parent: str | None) -> str:
            fields: dict[str, Any] = {
                "post": int(post_id),
                "parent": int(parent or 0),
                "content": comment.content,
                "status": rest_status(comment),
            }
            author = {"author_name": comment.author, "author_email": comment.email, "author_url": comment.url}
            fields.update({name: value for name, value in author.items() if value})
            if len(fields) == 4:
                report.warn(SYSTEM, f"comment {comment.id} has no author: written as {self.user}'s")
            if comment.date is not None:
                fields["date_gmt"] = format_gmt(comment.date)
            body, _ = self._request(
                "POST",
                "wp/v2/comments",
                params={"context": "edit"},
                json_body=fields,
                post=ref.id,
                idempotent=False,
                shape=WPComment,
                what="the created comment",
            )
            return str(body["id"])

        route = f"wp/v2/{'pages' if post.post_type == 'page' else 'posts'}/{post_id}"
        closed = post.comment_status == "closed"
        if closed:
            self._request("PUT", route, json_body={"comment_status": "open"}, post=ref.id)
        try:
            return add_all(post.comments, known, create, added=added, report=report)
        finally:
            if closed:
                self._request("PUT", route, json_body={"comment_status": "closed"}, post=ref.id)


# --- answer parsing ------------------------------------------------------------------------------------


def _blocked(answer: http.Answer, *, idempotent: bool) -> bool:
    """Whether ``answer`` is not from the REST API but from what stands before it: a firewall's 403, a
    404 page, or (for a request safe to send again) a page answered in its place."""
    _, problem = http.decode_json(answer)
    return problem is not None and (answer.status in (403, 404) or (idempotent and answer.status < 300))


def _said(body: Any) -> Said:
    """WordPress's error message (tags removed) and code, from a ``{"code", "message"}`` answer."""
    if not isinstance(body, dict):
        return Said()
    message, code = body.get("message"), body.get("code")
    return Said(
        unescape(re.sub(r"<[^>]+>", "", scrub(message))) if isinstance(message, str) else None,
        code if isinstance(code, str) else None,
    )


def _param_details(body: Any) -> str:
    params = (
        body.get("data", {}).get("params")
        if isinstance(body, dict) and isinstance(body.get("data"), dict)
        else None
    )
    if isinstance(params, dict) and params:
        return " (" + "; ".join(f"{k}: {v}" for k, v in params.items()) + ")"
    return ""


def _route(post_type: str) -> str:
    """The REST route of a post type: ``pages`` for pages, ``posts`` for the rest."""
    return "pages" if post_type == "page" else "posts"


def _fields_of(body: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of issue 15 a REST answer holds (the parent page is read by the backend)."""
    meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
    assert isinstance(meta, dict)
    openness = {"open", "closed"}
    fields: dict[str, Any] = {
        "post_type": "page" if body.get("type") == "page" else "post",
        "menu_order": int(body.get("menu_order") or 0),
        "password": body.get("password") or None,
        "sticky": bool(body.get("sticky")),
        "comment_status": body.get("comment_status") if body.get("comment_status") in openness else None,
        "ping_status": body.get("ping_status") if body.get("ping_status") in openness else None,
        "format": body.get("format") if body.get("format") not in (None, "", "standard") else None,
        "template": body.get("template") or None,
        "metadata": {k: v for k, v in meta.items() if not k.startswith("_") and v not in ("", [], None)},
        **seo_fields(meta),
    }
    return fields


def _raw(body: Mapping[str, Any], field: str) -> str:
    value = body.get(field)
    if isinstance(value, dict):
        return str(value.get("raw", value.get("rendered", "")))
    return str(value or "")


def _revision(body: Mapping[str, Any]) -> Revision:
    return Revision(
        id=str(body.get("id")),
        content=_raw(body, "content"),
        title=_raw(body, "title"),
        excerpt=_raw(body, "excerpt"),
    )


def _version(body: Mapping[str, Any]) -> Version:
    links = body.get("_links") or {}
    history = links.get("version-history") or [{}]
    latest = links.get("predecessor-version") or [{}]
    count = history[0].get("count")
    latest_id = latest[0].get("id")
    modified = body.get("modified_gmt")
    return Version(
        token=f"{modified}|{count}|{latest_id}",
        modified=parse_gmt(modified),
        revisions=int(count) if count is not None else None,
        latest_revision=str(latest_id) if latest_id is not None else None,
    )


__all__ = ["WordPressREST"]
