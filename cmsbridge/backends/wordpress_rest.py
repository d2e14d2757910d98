"""WordPress over its REST API (``/wp/v2``), with application passwords.

Every request has a timeout, the cmsbridge user agent and TLS verification; redirects are not followed
(a POST redirected to https would silently become a GET). Every failure is mapped once, in
:meth:`WordPressREST._send`, to :mod:`cmsbridge.errors` with the site (without credentials), the HTTP status
and WordPress's error code. The API root is discovered on first use from the site's ``Link:
<...>; rel="https://api.w.org/"`` header (``/wp-json/`` or ``?rest_route=``), unless given.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import email.utils
import json
import mimetypes
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import requests

from ..errors import (
    AuthenticationError,
    BackendError,
    ConflictError,
    ConnectionFailedError,
    InvalidContentError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
    UnexpectedResponseError,
    UsageError,
)
from ..live import LiveUpdates
from ..media import is_web_address, same_host
from ..model import Post, SourceRef
from ..report import ConversionReport, ensure_report
from . import paging
from . import wordpress_revisions as revisions
from .base import (
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
)
from .wordpress_common import (
    CONTENT_FORMAT,
    SYSTEM,
    featured_image_file,
    format_gmt,
    from_markup,
    parse_gmt,
    report_filtered,
    to_markup,
    unescape,
)
from .wordpress_revisions import Checked, Revision

API_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="https://api\.w\.org/"')
AUTH_HINT = (
    "check the user name and the application password (Users > Profile > Application Passwords; the login "
    "password is refused over REST); if they are right, a proxy or the web server may be stripping the "
    "Authorization header"
)
PAGE_SIZE = 100
STATUSES = frozenset({"draft", "publish", "pending", "private", "future"})
ApiStyle = Literal["auto", "wp-json", "rest_route"]


class WordPressREST(LiveUpdates, TransportBackend):
    """A WordPress site over REST. Nothing is sent until the first operation."""

    def __init__(
        self,
        url: str,
        user: str,
        password: str,
        *,
        transport: Transport | None = None,
        api: ApiStyle = "auto",
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise UsageError(f"not an http(s) site URL: {parts.scheme}://{parts.hostname or ''}")
        self.base = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path.rstrip('/')}"
        self.user = user
        self.__password = password
        self.transport = transport or Transport()
        self._api: ApiStyle = api
        self._api_root: str | None = None
        self._me: dict[str, Any] | None = None
        self._logged_in: bool | None = None  # known once a refusal made us ask WordPress
        self._terms: dict[tuple[str, str], int] = {}
        self._term_names: dict[tuple[str, int], str] = {}
        self._users: dict[int, str] = {}

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
            max_page_size=PAGE_SIZE,
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
        if self._api == "wp-json":
            self._api_root = self.base + "/wp-json/"
        elif self._api == "rest_route":
            self._api_root = self.base + "/?rest_route="
        else:
            response = self._http("HEAD", self.base + "/", params={}, auth=False)
            if 300 <= response.status_code < 400:
                self._redirected(response)
            links = API_LINK.findall(response.headers.get("Link", ""))
            if links:
                root = links[0]
                self._api_root = root if "rest_route=" not in root else self.base + "/?rest_route="
                if urlsplit(root).scheme != urlsplit(self.base).scheme:
                    self._api_root = self.base + "/?rest_route="
            else:
                self._api_root = self.base + "/?rest_route="
        return self._api_root

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
    ) -> requests.Response:
        t = self.transport
        try:
            return t.get_session().request(
                method,
                url,
                params=params,
                json=json_body,
                data=data,
                headers={"User-Agent": t.user_agent, "Accept": "application/json", **(headers or {})},
                auth=(self.user, self.__password) if auth else None,
                timeout=t.timeout,
                verify=t.verify,
                allow_redirects=False,
            )
        except requests.exceptions.SSLError as exc:
            raise BackendError(f"TLS verification failed: {self._reason(exc)}", site=self.site) from None
        except (requests.exceptions.ConnectTimeout, requests.exceptions.ConnectionError) as exc:
            raise ConnectionFailedError(
                f"cannot reach WordPress: {self._reason(exc)}", site=self.site
            ) from None
        except requests.exceptions.Timeout:
            raise RequestTimeoutError(
                f"WordPress did not answer within {t.timeout} s", site=self.site
            ) from None
        except requests.exceptions.RequestException as exc:
            raise BackendError(f"request failed: {self._reason(exc)}", site=self.site) from None

    def _reason(self, exc: Exception) -> str:
        """An exception's message without the password (in a URL or anywhere else)."""
        return _scrub(str(exc), self.__password)

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
    ) -> tuple[Any, requests.Response]:
        def attempt() -> tuple[Any, requests.Response]:
            url, query = self._url(route, params or {})
            response = self._http(method, url, params=query, json_body=json_body, data=data, headers=headers)
            return self._check(response, post=post), response

        return self.transport.retry.call(attempt, idempotent=idempotent)

    def _check(self, response: requests.Response, *, post: str | None) -> Any:
        """The JSON body of a successful answer; every other answer raised as the matching error."""
        status = response.status_code
        ctx: dict[str, Any] = {"site": self.site, "status": status, "post": post}
        if 300 <= status < 400:
            self._redirected(response)
        body, problem = _json_body(response)
        code = body.get("code") if isinstance(body, dict) and isinstance(body.get("code"), str) else None
        message = _message(body) if problem is None else None
        ctx["code"] = code
        if status == 429:
            raise RateLimitedError(
                f"WordPress is rate limiting: {message or 'too many requests'}",
                retry_after=_retry_after(response.headers.get("Retry-After")),
                **ctx,
            )
        if status >= 500:
            raise ServerError(f"WordPress failed: {message or _snippet(response)}", **ctx)
        if problem is not None:
            if status == 403:
                raise PermissionDeniedError(
                    f"refused with an HTML page, not WordPress JSON (a firewall or security plugin?): "
                    f"{_snippet(response)}",
                    **ctx,
                )
            raise UnexpectedResponseError(f"the answer is not WordPress JSON: {problem}", **ctx)
        if status < 300:
            return body
        text = message or "no message"
        if status in (400, 401, 403) and not self._is_logged_in():
            # WordPress ignores credentials it does not accept and answers as to a visitor, whose refusal
            # ("Status is forbidden", "not allowed to edit") hides the cause
            raise AuthenticationError(f"WordPress did not log {self.user!r} in ({text}); {AUTH_HINT}", **ctx)
        if status == 401:
            raise AuthenticationError(f"authentication failed: {text}; {AUTH_HINT}", **ctx)
        if status == 403:
            raise PermissionDeniedError(f"not allowed: {text}", **ctx)
        if status in (404, 410):
            raise NotFoundError(f"not found: {text}", **ctx)
        if status == 409:
            raise ConflictError(f"conflict: {text}", **ctx)
        if status in (400, 413, 415, 422):
            raise InvalidContentError(f"WordPress rejected the request: {text}{_param_details(body)}", **ctx)
        raise BackendError(f"WordPress refused the request: {text}", **ctx)

    def _is_logged_in(self) -> bool:
        """Whether WordPress accepts the credentials (asked once, after a refusal: ``users/me``)."""
        if self._logged_in is None:
            url, query = self._url("wp/v2/users/me", {})
            try:
                probe = self._http("GET", url, params=query, json_body=None, data=None, headers=None)
            except BackendError:
                return True  # cannot tell: keep the original error
            self._logged_in = probe.status_code != 401
        return self._logged_in

    def _redirected(self, response: requests.Response) -> None:
        location = response.headers.get("Location", "")
        hint = ""
        if location.startswith("https://") and self.base.startswith("http://"):
            hint = "; the site redirects to https: use an https:// site URL"
        raise UnexpectedResponseError(
            f"WordPress redirected the request to {_safe(location) or 'nowhere'}{hint}",
            site=self.site,
            status=response.status_code,
        )

    # --- helpers -------------------------------------------------------------------------------------

    def _me_info(self) -> dict[str, Any]:
        if self._me is None:
            body, _ = self._request("GET", "wp/v2/users/me", params={"context": "edit"})
            self._me = dict(body)
        return self._me

    def _term_id(self, taxonomy: str, name: str) -> int:
        """The id of the category or tag ``name``, created when missing."""
        key = (taxonomy, name.casefold())
        if key in self._terms:
            return self._terms[key]
        route = f"wp/v2/{taxonomy}"
        found, _ = self._request("GET", route, params={"search": name, "per_page": PAGE_SIZE})
        for term in found if isinstance(found, list) else []:
            if unescape(str(term.get("name", ""))).casefold() == name.casefold() or term.get("slug") == name:
                self._terms[key] = int(term["id"])
                return self._terms[key]
        try:
            created, _ = self._request("POST", route, json_body={"name": name}, idempotent=False)
            term_id = int(created["id"])
        except InvalidContentError as exc:
            if exc.code != "term_exists":
                raise
            body, _ = self._request("GET", route, params={"search": name, "per_page": PAGE_SIZE})
            term_id = int(body[0]["id"])
        self._terms[key] = term_id
        return term_id

    def _term_name(self, taxonomy: str, term_id: int) -> str:
        key = (taxonomy, term_id)
        if key not in self._term_names:
            body, _ = self._request("GET", f"wp/v2/{taxonomy}/{term_id}")
            self._term_names[key] = unescape(str(body.get("name", term_id)))
        return self._term_names[key]

    def _author_id(self, name: str) -> int | None:
        """The user id for a login, slug, display name or e-mail (None for the current user)."""
        me = self._me_info()
        if name in {me.get("username"), me.get("slug"), me.get("name"), me.get("email")}:
            return None
        found, _ = self._request(
            "GET", "wp/v2/users", params={"search": name, "context": "edit", "per_page": PAGE_SIZE}
        )
        for user in found if isinstance(found, list) else []:
            if name in {user.get("username"), user.get("slug"), user.get("name"), user.get("email")}:
                return int(user["id"])
        raise NotFoundError(f"no WordPress user {name!r}", site=self.site)

    def _author_name(self, user_id: int) -> str:
        if user_id not in self._users:
            try:
                body, _ = self._request("GET", f"wp/v2/users/{user_id}")
                self._users[user_id] = str(body.get("slug") or user_id)
            except (NotFoundError, PermissionDeniedError, AuthenticationError):
                self._users[user_id] = str(user_id)
        return self._users[user_id]

    def _fields(self, post: Post, report: ConversionReport) -> tuple[dict[str, Any], str]:
        content = to_markup(post, report)
        fields: dict[str, Any] = {
            "title": post.title,
            "content": content,
            "excerpt": post.excerpt,
            "status": post.status,
        }
        if post.status not in STATUSES:
            raise UsageError(f"WordPress posts cannot be created with status {post.status!r}")
        if post.slug:
            fields["slug"] = post.slug
        if post.created is not None:
            fields["date_gmt"] = format_gmt(post.created)
        fields["categories"] = [self._term_id("categories", c) for c in post.categories]
        fields["tags"] = [self._term_id("tags", t) for t in post.tags]
        if post.authors:
            author = self._author_id(post.authors[0])
            if author is not None:
                fields["author"] = author
            if len(post.authors) > 1:
                report.warn(SYSTEM, f"WordPress has one author per post; kept {post.authors[0]!r}")
        own = self._own_media_id(post.featured_image)
        if own is not None:
            fields["featured_media"] = own
            return fields, content
        with featured_image_file(post.featured_image, self.base, report) as image:
            if image is not None:
                fields["featured_media"] = int(self.upload_media(image).id)
        return fields, content

    def _own_media_id(self, url: str | None) -> int | None:
        """The id of the attachment in this site's media library whose file is at ``url``, if any."""
        if not url or not is_web_address(url) or not same_host(url, self.base):
            return None
        stem = os.path.splitext(os.path.basename(urlsplit(url).path))[0]
        params = {"search": stem, "per_page": PAGE_SIZE, "_fields": "id,source_url"}
        body, _ = self._request("GET", "wp/v2/media", params=params)
        for item in body if isinstance(body, list) else []:
            if isinstance(item, dict) and item.get("source_url") == url and isinstance(item.get("id"), int):
                return int(item["id"])
        return None

    def _fetched(self, body: Mapping[str, Any]) -> Fetched:
        raw = _raw(body, "content")
        report = ConversionReport()
        read = from_markup(raw, report)
        ref = PostRef(id=str(body["id"]), link=body.get("link"))
        featured = int(body.get("featured_media") or 0)
        post = read.replace(
            title=_raw(body, "title"),
            slug=body.get("slug") or None,
            status=body.get("status", "draft"),
            excerpt=_raw(body, "excerpt"),
            authors=(self._author_name(int(body["author"])),) if body.get("author") else (),
            categories=tuple(self._term_name("categories", int(c)) for c in body.get("categories", [])),
            tags=tuple(self._term_name("tags", int(t)) for t in body.get("tags", [])),
            created=parse_gmt(body.get("date_gmt")),
            modified=parse_gmt(body.get("modified_gmt")),
            featured_image=self._media_url(featured) if featured else None,
            sources=(SourceRef(system=SYSTEM, site=self.site, id=ref.id, link=ref.link),),
        )
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
            body, _ = self._request("GET", f"wp/v2/media/{media_id}")
        except NotFoundError:
            return None
        return str(body.get("source_url")) if body.get("source_url") else None

    # --- the protocol ------------------------------------------------------------------------------------

    def create(self, post: Post, *, report: ConversionReport | None = None) -> PostRef:
        report = ensure_report(report)
        fields, sent = self._fields(post, report)
        body, _ = self._request(
            "POST", "wp/v2/posts", params={"context": "edit"}, json_body=fields, idempotent=False
        )
        report_filtered(sent, _raw(body, "content"), report, user=self.user)
        return PostRef(id=str(body["id"]), link=body.get("link"))

    def get(self, ref: Ref) -> Fetched:
        ref = as_ref(ref)
        body, _ = self._request("GET", f"wp/v2/posts/{_id(ref)}", params={"context": "edit"}, post=ref.id)
        return self._fetched(body)

    def update(self, ref: Ref, post: Post, *, report: ConversionReport | None = None) -> PostRef:
        ref, report = as_ref(ref), ensure_report(report)
        fields, sent = self._fields(post, report)
        body, _ = self._request(
            "PUT", f"wp/v2/posts/{_id(ref)}", params={"context": "edit"}, json_body=fields, post=ref.id
        )
        report_filtered(sent, _raw(body, "content"), report, user=self.user)
        return PostRef(id=str(body["id"]), link=body.get("link"))

    def delete(self, ref: Ref, *, force: bool = False) -> None:
        ref = as_ref(ref)
        self._request(
            "DELETE", f"wp/v2/posts/{_id(ref)}", params={"force": "true" if force else "false"}, post=ref.id
        )

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
            "status": status or "any",
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
        """Every post the query matches, each once even while the site changes (:mod:`.paging`)."""

        def fetch(offset: int, count: int) -> list[Any]:
            try:
                body, _ = self._request(
                    "GET", "wp/v2/posts", params={**params, "per_page": count, "offset": offset}
                )
            except InvalidContentError as exc:
                if exc.code == "rest_post_invalid_page_number":
                    return []
                raise
            if not isinstance(body, list):
                raise UnexpectedResponseError("a post listing that is not a list", site=self.site)
            return body

        def key(item: Any) -> int:
            identifier = item.get("id") if isinstance(item, dict) else None
            if not isinstance(identifier, int):
                raise UnexpectedResponseError("a listed post without a numeric id", site=self.site)
            return identifier

        for item in paging.by_descending_id(fetch, key, int(params["per_page"])):
            yield self._fetched(item)

    def find(self, *, slug: str) -> Fetched | None:
        params = {"slug": slug, "status": "any", "context": "edit"}
        body, _ = self._request("GET", "wp/v2/posts", params=params)
        return self._fetched(body[0]) if isinstance(body, list) and body else None

    def upload_media(self, path: str) -> Media:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc
        name = os.path.basename(path)
        ascii_name = name.encode("ascii", "replace").decode().replace('"', "_")
        headers = {
            "Content-Type": mimetypes.guess_type(name)[0] or "application/octet-stream",
            "Content-Disposition": f'attachment; filename="{ascii_name}"',
        }
        body, _ = self._request("POST", "wp/v2/media", data=data, headers=headers, idempotent=False)
        return Media(id=str(body["id"]), url=str(body.get("source_url", "")))

    def read_versioned(self, ref: Ref) -> Versioned:
        ref = as_ref(ref)
        body, _ = self._request(
            "GET",
            f"wp/v2/posts/{_id(ref)}",
            post=ref.id,
            params={"context": "edit", "_fields": "id,link,content,modified_gmt,_links"},
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
        # revision for both writes, hiding the collision. Writers on this machine take turns per post.
        with _write_turn(self.base, ref.id):
            body, _ = self._request(
                "PUT",
                f"wp/v2/posts/{_id(ref)}",
                post=ref.id,
                json_body=dict(fields),
                params={"context": "edit", "_fields": "id,link,content,modified_gmt,_links"},
                idempotent=False,
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
            f"wp/v2/posts/{_id(ref)}",
            post=ref.id,
            params={"context": "edit", "_fields": "title,excerpt"},
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
                f"wp/v2/posts/{_id(ref)}/revisions",
                post=ref.id,
                params={"context": "edit", "per_page": count, "orderby": "id", "order": "desc"},
            )
        except (PermissionDeniedError, NotFoundError):
            return None
        return [dict(item) for item in body] if isinstance(body, list) else None


@contextlib.contextmanager
def _write_turn(site: str, post: str) -> Iterator[None]:
    """Hold this machine's lock for content writes to one post (``flock``: released if the process dies)."""
    import fcntl
    import hashlib

    import platformdirs

    folder = Path(platformdirs.user_state_dir("cmsbridge")) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(f"{site}|{post}".encode()).hexdigest()[:24]
    with open(folder / f"write-{name}.lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# --- answer parsing ------------------------------------------------------------------------------------


def _json_body(response: requests.Response) -> tuple[Any, str | None]:
    """The parsed JSON body and None, or None and what is wrong with the answer."""
    text = response.text
    if response.request is not None and response.request.method == "HEAD":
        return {}, None
    if not text.strip():
        return None, "an empty body" if response.status_code != 204 else None
    stripped = text.lstrip("\ufeff \t\r\n")
    try:
        return json.loads(stripped), None
    except ValueError:
        pass
    lowered = stripped[:2000].lower()
    if lowered.startswith(("<!doctype", "<html")) or "<html" in lowered:
        kind = "a login page" if "wp-login" in lowered or 'type="password"' in lowered else "an HTML page"
        return None, f"{kind} ({_snippet(response)})"
    start = min((i for i in (stripped.find("{"), stripped.find("[")) if i >= 0), default=-1)
    if start > 0:
        try:
            json.loads(stripped[start:])
        except ValueError:
            pass
        else:
            junk = " ".join(stripped[:start].split())[:120]
            return None, f"output before the JSON (a PHP notice or a plugin printing?): {junk!r}"
    return None, f"not JSON ({_snippet(response)})"


def _message(body: Any) -> str | None:
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return unescape(re.sub(r"<[^>]+>", "", body["message"]))
    return None


def _param_details(body: Any) -> str:
    params = (
        body.get("data", {}).get("params")
        if isinstance(body, dict) and isinstance(body.get("data"), dict)
        else None
    )
    if isinstance(params, dict) and params:
        return " (" + "; ".join(f"{k}: {v}" for k, v in params.items()) + ")"
    return ""


def _snippet(response: requests.Response) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", response.text[:4000], flags=re.S | re.I)
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split())
    return repr(text[:120]) if text else f"{response.headers.get('Content-Type', 'no content type')}"


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


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


def _id(ref: PostRef) -> int:
    try:
        return int(ref.id)
    except ValueError:
        raise UsageError(f"a WordPress post id is a number, not {ref.id!r}") from None


def _scrub(text: str, secret: str) -> str:
    """``text`` without URL credentials and without ``secret`` (with or without its spaces)."""
    from ..errors import redact_url

    for form in {secret, secret.replace(" ", "")} - {""}:
        text = text.replace(form, "***")
    return redact_url(text)[:300]


def _safe(url: str) -> str:
    from ..errors import redact_url

    return redact_url(url)


__all__ = ["WordPressREST"]
