"""Ghost over its Admin API (``/ghost/api/admin/``), with a custom integration's Admin API key.

Site URL: ``ghost+https://KEY_ID:KEY_SECRET@host[:port][/path]`` (``ghost+http`` for a local test site).
Every request carries a fresh JWT (HS256, signed with the hex-decoded secret, ``kid`` = key id, ``aud``
``/admin/``, expiring after at most five minutes: Ghost refuses older tokens). Content is stored as Lexical
(:mod:`cmsbridge.formats.lexical`). Updates send the server's current ``updated_at``; Ghost refuses a stale
one with 409 ``UPDATE_COLLISION`` (:class:`ConflictError`; :class:`WriteConflictError` for
:meth:`GhostAdmin.write_content`), so writes are conditional natively.

Every request goes through :mod:`cmsbridge.http`, which maps failures to :mod:`cmsbridge.errors` with
Ghost's own message and code (read from its error shape by :meth:`GhostAdmin._check`), the site (without
the key) and the HTTP status; every answer is checked against its shape (:mod:`.answers`). The key secret
is registered with :func:`cmsbridge.errors.register_secret`: it never appears in a repr, a message or a
log line.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import jwt

from .. import http
from ..errors import (
    ConfigError,
    ConflictError,
    NotFoundError,
    ParseError,
    UnexpectedResponseError,
    UsageError,
    redact_url,
    register_secret,
)
from ..formats import lexical
from ..formats.crossing import report_stored
from ..model import Post
from ..report import ConversionReport, ensure_report
from .answers import GhostImages, GhostPost, GhostPosts, GhostUsers
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
    WriteConflictError,
    Written,
    as_ref,
    http_site,
    listed_status,
    source_of,
    written_content,
)
from .ids import ghost_id
from .media import MediaRoots, is_web_address, local_media, local_refused, upload_file

SYSTEM = "ghost"
CONTENT_FORMAT = lexical.NAME
TOKEN_LIFETIME = 5 * 60
"""Seconds a token is valid: Ghost's limit (``exp - iat`` at most five minutes)."""
PAGE_SIZE = 100
ACCEPT_VERSION = "v6.0"
SERVICE = "Ghost"
_TO_GHOST = {"draft": "draft", "publish": "published", "scheduled": "scheduled", "future": "scheduled"}
_FROM_GHOST = {"draft": "draft", "published": "publish", "scheduled": "scheduled", "sent": "publish"}
_INCLUDE = "tags,authors"


def parse_site(url: str) -> tuple[str, str, str]:
    """``ghost+https://KEY_ID:KEY_SECRET@host/path`` -> (``https://host/path``, key id, key secret)."""
    parts = urlsplit(url)
    base = http_site(url, prefix="ghost+")
    if base is None:
        raise ConfigError(f"not a Ghost site URL (ghost+https://KEY_ID:SECRET@host): {redact_url(url)}")
    if not parts.username or not parts.password:
        raise ConfigError(f"the Ghost site URL needs the Admin API key as KEY_ID:SECRET@: {redact_url(url)}")
    return base, unquote(parts.username), unquote(parts.password)


class GhostAdmin(TransportBackend):
    """A Ghost site over the Admin API. Nothing is sent until the first operation."""

    media_roots: MediaRoots = ()
    """Folders a post's featured image may be read from as a local file (none unless set; see
    :func:`cmsbridge.backends.media.local_media`)."""

    def __init__(
        self,
        url: str,
        key_id: str,
        key_secret: str,
        *,
        transport: Transport | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        base = http_site(url)
        if base is None:
            raise ConfigError(f"not an http(s) site URL: {redact_url(url)}")
        self.base = base
        self.key_id = key_id
        register_secret(key_secret)
        try:
            self.__secret = bytes.fromhex(key_secret)
        except ValueError:
            raise ConfigError("the Ghost Admin API key secret is not hexadecimal", site=self.base) from None
        self.transport = transport or Transport()
        self.clock = clock
        self._users: list[dict[str, Any]] | None = None

    @classmethod
    def from_url(cls, site: str, *, transport: Transport | None = None) -> GhostAdmin:
        """A backend for ``ghost+https://KEY_ID:KEY_SECRET@host``."""
        base, key_id, secret = parse_site(site)
        return cls(base, key_id, secret, transport=transport)

    # --- identity ----------------------------------------------------------------------------------------

    @property
    def site(self) -> str:
        return self.base

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(
            system=SYSTEM,
            transport="admin-api",
            content_format=CONTENT_FORMAT,
            conditional_write="native",
            statuses=frozenset(_TO_GHOST),  # WordPress's "future" is Ghost's "scheduled"
            categories=False,
            max_page_size=PAGE_SIZE,
        )

    def __repr__(self) -> str:
        return f"GhostAdmin({self.base!r}, key_id={self.key_id!r})"

    # --- transport and error mapping ----------------------------------------------------------------------

    def token(self) -> str:
        """A fresh Admin API token (valid for :data:`TOKEN_LIFETIME` seconds from now)."""
        now = int(self.clock())
        return jwt.encode(
            {"iat": now, "exp": now + TOKEN_LIFETIME, "aud": "/admin/"},
            self.__secret,
            algorithm="HS256",
            headers={"kid": self.key_id},
        )

    def _request(
        self,
        method: str,
        route: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        files: Mapping[str, Any] | None = None,
        data: Mapping[str, str] | None = None,
        post: str | None = None,
        idempotent: bool = True,
        shape: Any = None,
        what: str = "",
    ) -> Any:
        """The JSON answer to one request (retried as the transport's policy says), checked against
        ``shape`` (:mod:`.answers`, ``what`` naming it) when given."""
        url = f"{self.base}/ghost/api/admin/{route.lstrip('/')}"

        def attempt() -> Any:
            headers = {
                "Accept": "application/json",
                "Accept-Version": ACCEPT_VERSION,
                "Authorization": f"Ghost {self.token()}",
            }
            answer = http.request(
                self.transport,
                method,
                url,
                site=self.site,
                service=SERVICE,
                params=params,
                json_body=json_body,
                files=files,
                data=data,
                headers=headers,
            )
            body = self._check(answer, post=post)
            if shape is None:
                return body
            return http.validate(
                shape, body, service=SERVICE, site=self.site, what=what, status=answer.status
            )

        return self.transport.call(attempt, idempotent=idempotent)

    def _check(self, answer: http.Answer, *, post: str | None) -> Any:
        """The JSON body of a successful answer; every other answer raised as the matching error."""
        if answer.status == 204:
            return None
        body, problem = http.decode_json(answer)
        error = _first_error(body)
        code = error.get("code") or error.get("type") if error else None
        said = http.Said(_error_message(error) if error else None, code if isinstance(code, str) else None)
        http.raise_for_status(answer, service=SERVICE, site=self.site, said=said, post=post)
        if problem is not None:
            raise UnexpectedResponseError(
                f"the answer is not Ghost JSON: {problem}", site=self.site, status=answer.status, post=post
            )
        return body

    # --- helpers ---------------------------------------------------------------------------------------

    def _author(self, name: str) -> dict[str, str]:
        if self._users is None:
            body = self._request(
                "GET", "users/", params={"limit": "all"}, shape=GhostUsers, what="staff users"
            )
            self._users = [dict(user) for user in body["users"]]
        for user in self._users:
            if name in (user.get("slug"), user.get("name"), user.get("email")):
                return {"id": str(user["id"])}
        raise NotFoundError(f"no Ghost staff user {name!r}", site=self.site)

    def _fields(self, post: Post, report: ConversionReport) -> dict[str, Any]:
        if post.status not in _TO_GHOST:
            raise UsageError(
                f"Ghost posts cannot have the status {post.status!r} (draft, publish, scheduled)"
            )
        fields: dict[str, Any] = {
            "title": post.title,
            "lexical": written_content(post, self.capabilities, report),
            "status": _TO_GHOST[post.status],
            "custom_excerpt": post.excerpt or None,
            "tags": [{"name": tag} for tag in post.tags],
        }
        if post.slug:
            fields["slug"] = post.slug
        if post.created is not None:
            fields["published_at"] = _format_time(post.created)
        if post.authors:
            fields["authors"] = [self._author(name) for name in post.authors]
        if post.featured_image:
            image = post.featured_image
            path = local_media(image, self.media_roots)
            if path is not None:
                fields["feature_image"] = self.upload_media(str(path)).url
            elif is_web_address(image):
                fields["feature_image"] = image
            else:
                report.warn(SYSTEM, f"{local_refused(image, 'featured image')}; not uploaded")
        return fields

    def _fetched(self, body: Mapping[str, Any]) -> Fetched:
        raw = str(body.get("lexical") or "")
        report = ConversionReport()
        if not raw and body.get("mobiledoc"):
            report.warn(SYSTEM, "the post is stored as mobiledoc (an old Ghost editor); content not read")
        try:
            read = lexical.read(raw, report)
        except ParseError as exc:  # the server's content, not the user's input
            problem = f"post {body['id']}: lexical: {exc.message}"
            raise http.fail(SERVICE, self.site, problem) from None
        ref = PostRef(id=str(body["id"]), link=body.get("url"))
        post = read.replace(
            title=str(body.get("title") or ""),
            slug=body.get("slug") or None,
            status=_FROM_GHOST.get(str(body.get("status")), "draft"),
            excerpt=str(body.get("custom_excerpt") or ""),
            authors=tuple(str(a.get("slug")) for a in body.get("authors") or []),
            tags=tuple(str(t.get("name")) for t in body.get("tags") or []),
            created=_parse_time(body.get("published_at")),
            modified=_parse_time(body.get("updated_at")),
            featured_image=body.get("feature_image") or None,
            sources=(source_of(SYSTEM, self.site, ref),),
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

    def _one(self, body: GhostPosts) -> GhostPost:
        if not body["posts"]:
            raise UnexpectedResponseError("Ghost answered without a post", site=self.site)
        return body["posts"][0]

    # --- the protocol ------------------------------------------------------------------------------------

    def create(self, post: Post, *, report: ConversionReport | None = None) -> PostRef:
        report = ensure_report(report)
        fields = self._fields(post, report)
        body = self._request(
            "POST",
            "posts/",
            params={"include": _INCLUDE, "formats": "lexical"},
            json_body={"posts": [fields]},
            idempotent=False,
            shape=GhostPosts,
            what="the created post",
        )
        created = self._one(body)
        _report_stored(fields["lexical"], created, report)
        return PostRef(id=str(created["id"]), link=created.get("url"))

    def get(self, ref: Ref) -> Fetched:
        ref = as_ref(ref)
        body = self._request(
            "GET",
            f"posts/{ghost_id(ref.id)}/",
            params={"formats": "lexical,mobiledoc", "include": _INCLUDE},
            post=ref.id,
            shape=GhostPosts,
            what="a post",
        )
        return self._fetched(self._one(body))

    def update(self, ref: Ref, post: Post, *, report: ConversionReport | None = None) -> PostRef:
        """Replace the post with ``post``, sending the ``updated_at`` just read (a write in between makes
        Ghost answer 409: :class:`ConflictError`)."""
        ref, report = as_ref(ref), ensure_report(report)
        fields = self._fields(post, report)
        fields["updated_at"] = self.read_versioned(ref).version.token
        body = self._request(
            "PUT",
            f"posts/{ghost_id(ref.id)}/",
            params={"include": _INCLUDE, "formats": "lexical"},
            json_body={"posts": [fields]},
            post=ref.id,
            shape=GhostPosts,
            what="the updated post",
        )
        updated = self._one(body)
        _report_stored(fields["lexical"], updated, report)
        return PostRef(id=str(updated["id"]), link=updated.get("url"))

    def delete(self, ref: Ref, *, force: bool = False) -> None:
        """Delete the post (Ghost has no trash: ``force`` changes nothing)."""
        ref = as_ref(ref)
        self._request("DELETE", f"posts/{ghost_id(ref.id)}/", post=ref.id)

    def list(
        self,
        *,
        since: dt.datetime | None = None,
        status: str | None = None,
        author: str | None = None,
        search: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[Fetched]:
        filters = []
        status = listed_status(status, self.capabilities)
        if status is not None:
            filters.append(f"status:{_TO_GHOST[status]}")
        if since is not None:
            filters.append(f"updated_at:>='{_format_time(since)}'")
        if author:
            filters.append(f"authors.id:{self._author(author)['id']}")
        if search:
            filters.append(f"title:~{_nql_string(search)}")
        params: dict[str, Any] = {
            "limit": min(page_size or PAGE_SIZE, PAGE_SIZE),
            "order": "id desc",  # most recently created first; ids are unique, so pages go by key
            "formats": "lexical,mobiledoc",
            "include": _INCLUDE,
        }
        return self._pages(params, filters)

    def _pages(self, params: dict[str, Any], filters: Sequence[str]) -> Iterator[Fetched]:
        """Page by key, not by page number: each page asks for the ids below the last one seen, so posts
        added or removed meanwhile neither repeat nor skip others (see :mod:`.paging`)."""
        last: str | None = None
        while True:
            clauses = [*filters, *([f"id:<{_nql_string(last)}"] if last is not None else [])]
            query = {**params, **({"filter": "+".join(clauses)} if clauses else {})}
            body = self._request("GET", "posts/", params=query, shape=GhostPosts, what="posts")
            items = body["posts"]
            for item in items:
                yield self._fetched(item)
            pagination = (body.get("meta") or {}).get("pagination") or {}
            if not items or not pagination.get("next"):
                return
            last = items[-1]["id"]

    def find(self, *, slug: str) -> Fetched | None:
        try:
            body = self._request(
                "GET",
                f"posts/slug/{quote(slug, safe='')}/",
                params={"formats": "lexical,mobiledoc", "include": _INCLUDE},
                shape=GhostPosts,
                what="a post",
            )
        except NotFoundError:
            return None
        return self._fetched(self._one(body))

    def upload_media(self, path: str) -> Media:
        """Upload an image (Ghost's ``images/upload``); Ghost has no media ids, so the id is the URL."""
        name, content, kind = upload_file(path)
        body = self._request(
            "POST",
            "images/upload/",
            files={"file": (name, content, kind)},
            data={"purpose": "image", "ref": name},
            idempotent=False,
            shape=GhostImages,
            what="the upload",
        )
        images = body["images"]
        if not images:
            raise UnexpectedResponseError("Ghost answered the upload without an image", site=self.site)
        return Media(id=str(images[0]["url"]), url=str(images[0]["url"]))

    def read_versioned(self, ref: Ref) -> Versioned:
        ref = as_ref(ref)
        body = self._request(
            "GET",
            f"posts/{ghost_id(ref.id)}/",
            post=ref.id,
            params={"formats": "lexical", "fields": "id,url,lexical,updated_at"},
            shape=GhostPosts,
            what="a post",
        )
        data = self._one(body)
        new_ref = PostRef(id=str(data["id"]), link=data.get("url"))
        return Versioned(
            ref=new_ref, content=str(data.get("lexical") or ""), format=CONTENT_FORMAT, version=_version(data)
        )

    def write_content(self, ref: Ref, content: str, expected: Version) -> Written:
        """Write the Lexical content only, conditional on ``expected`` (Ghost's ``updated_at``).

        Only ``lexical`` and ``updated_at`` are sent: the title, excerpt, status, tags and every other field
        stay as others set them. Ghost refuses a stale ``updated_at`` (409, :class:`WriteConflictError`
        with ``applied=False``) but, at one-second resolution, not one from a save in the same second:
        :func:`cmsbridge.live.deliver` waits that second out before it reads (``SETTLE``)."""
        ref = as_ref(ref)
        try:
            body = self._request(
                "PUT",
                f"posts/{ghost_id(ref.id)}/",
                post=ref.id,
                params={"formats": "lexical"},
                json_body={"posts": [{"lexical": content, "updated_at": expected.token}]},
                shape=GhostPosts,
                what="the written post",
            )
        except ConflictError as exc:
            raise WriteConflictError(
                f"the post was changed by someone else since it was read: {exc.message}",
                applied=False,
                current=self.read_versioned(ref),
                site=self.site,
                post=ref.id,
                status=exc.status,
                code=exc.code,
            ) from None
        data = self._one(body)
        new_ref = PostRef(id=str(data["id"]), link=data.get("url"))
        return Written(ref=new_ref, content=str(data.get("lexical") or ""), version=_version(data))


# --- answer parsing ------------------------------------------------------------------------------------


def _report_stored(sent: str, answer: GhostPost, report: ConversionReport) -> None:
    """Record what Ghost changed of the content it was sent (its sanitiser, its editor's rules), block by
    block, when its answer holds the stored content."""
    stored = answer.get("lexical")
    if isinstance(stored, str):
        report_stored(sent, stored, lexical, report, system=SYSTEM, cause="Ghost changed the content on save")


def _first_error(body: Any) -> dict[str, Any] | None:
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return errors[0]
    return None


def _error_message(error: Mapping[str, Any]) -> str:
    """Ghost's message, then its context and validation details, as one line."""
    parts = [str(error.get("message") or error.get("type") or "no message")]
    context = error.get("context")
    if context and context not in parts:
        parts.append(str(context))
    details = error.get("details")
    if details:
        parts.append(_details(details))
    prop = error.get("property")
    if prop:
        parts.append(f"property {prop}")
    return redact_url("; ".join(parts))


def _details(details: Any) -> str:
    if isinstance(details, list):
        return "; ".join(_details(d) for d in details)
    if isinstance(details, dict):
        message = details.get("message")
        where = details.get("instancePath") or details.get("dataPath") or details.get("property")
        if message:
            return f"{where}: {message}" if where else str(message)
    return json.dumps(details, ensure_ascii=False)[:300]


def _parse_time(value: Any) -> dt.datetime | None:
    if not value:
        return None
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _format_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _version(body: Mapping[str, Any]) -> Version:
    updated = str(body.get("updated_at") or "")
    return Version(token=updated, modified=_parse_time(updated))


def _nql_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


__all__ = ["GhostAdmin", "parse_site"]
