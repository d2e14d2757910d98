"""Ghost over its Admin API (``/ghost/api/admin/``), with a custom integration's Admin API key.

Site URL: ``ghost+https://KEY_ID:KEY_SECRET@host[:port][/path]`` (``ghost+http`` for a local test site).
Every request carries a fresh JWT (HS256, signed with the hex-decoded secret, ``kid`` = key id, ``aud``
``/admin/``, expiring after at most five minutes: Ghost refuses older tokens). Content is stored as Lexical
(:mod:`cmsbridge.formats.lexical`). Updates send the server's current ``updated_at``; Ghost refuses a stale
one with 409 ``UPDATE_COLLISION`` (:class:`ConflictError`; :class:`WriteConflictError` for
:meth:`GhostAdmin.write_content`), so writes are conditional natively.

Posts and pages (``post_type="page"``, Ghost's ``/pages/``) are both read, listed, found and written; an id
not seen yet is tried as a post, then as a page. Ghost's ``featured``, ``canonical_url``, ``meta_title``,
``meta_description`` and ``custom_template`` are the post's ``sticky``, ``canonical_url``, ``seo_title``,
``seo_description`` and ``template``; its ``scheduled`` is the model's ``future``. Ghost has no post
password and no private posts (members-only posts are open to anyone who signs up): such a post is
refused (:class:`UnsupportedError`), never written public, and a published members-only post is read as
private (reported). A post pending review is written as a draft (reported).

Every request goes through :mod:`cmsbridge.http`, which maps failures to :mod:`cmsbridge.errors` with
Ghost's own message and code (read from its error shape by :meth:`GhostAdmin._check`), the site (without
the key) and the HTTP status; every answer is checked against its shape (:mod:`.answers`). The key secret
is registered with :func:`cmsbridge.errors.register_secret`: it never appears in a repr, a message or a
log line.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import threading
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
    UnsupportedError,
    UsageError,
    redact_url,
    register_secret,
)
from ..formats import lexical
from ..formats.crossing import report_stored
from ..model import Post
from ..report import ConversionReport, ensure_report
from .answers import GhostImages, GhostPages, GhostPost, GhostPosts, GhostUsers
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
SLUGS_PER_ASK = 50
ACCEPT_VERSION = "v6.0"
SERVICE = "Ghost"
_TO_GHOST = {"draft": "draft", "publish": "published", "future": "scheduled", "pending": "draft"}
"""The model's statuses Ghost holds (a post pending review is a draft on Ghost, reported)."""
_FROM_GHOST = {"draft": "draft", "published": "publish", "scheduled": "future", "sent": "publish"}
_STATUSES = frozenset({"draft", "publish", "future"})
"""What a listing filters on (the model's words for Ghost's draft, published and scheduled)."""
_PUBLIC = "public"
_SHAPES: dict[str, Any] = {"posts": GhostPosts, "pages": GhostPages}
_INCLUDE = "tags,authors"
_KINDS = {"post": "posts", "page": "pages"}
"""The model's post types -> Ghost's resources (any other type is written as a post, reported)."""
_OPTIONAL_FIELDS = {
    "featured": "sticky",
    "canonical_url": "canonical_url",
    "meta_title": "seo_title",
    "meta_description": "seo_description",
    "custom_template": "template",
}
"""Ghost's own fields -> the post's, read and written as they are (``featured`` is WordPress's sticky)."""


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
        self._lock = threading.Lock()
        self._kinds: dict[str, str] = {}
        """Post id -> ``posts`` or ``pages``: where Ghost keeps it, as last seen."""

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
            statuses=_STATUSES,  # WordPress's "future" is Ghost's "scheduled"
            categories=False,
            max_page_size=PAGE_SIZE,
            post_types=frozenset(_KINDS),
            sticky=True,  # Ghost's featured
            template=True,
            seo=True,
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
        with self._lock:  # the staff users, read once per backend (shared by a migration's workers)
            if self._users is None:
                body = self._request(
                    "GET", "users/", params={"limit": "all"}, shape=GhostUsers, what="staff users"
                )
                self._users = [dict(user) for user in body["users"]]
        for user in self._users:
            if name in (user.get("slug"), user.get("name"), user.get("email")):
                return {"id": str(user["id"])}
        raise NotFoundError(f"no Ghost staff user {name!r}", site=self.site)

    def prepared(self, post: Post, report: ConversionReport) -> Post:
        """``post`` as Ghost holds it: a post pending review as a draft (reported); a private post is
        refused (Ghost would show it to anyone who signs up), as is a status Ghost does not know."""
        if post.status == "private":
            raise UnsupportedError(
                f"{_named(post)} is private and Ghost has no private posts (its members-only posts are open "
                "to anyone who signs up); not written (it would become public)"
            )
        if post.status not in _TO_GHOST:
            raise UsageError(
                f"Ghost posts cannot have the status {post.status!r} (draft, publish, future, pending)"
            )
        if post.status == "pending":
            report.warn(SYSTEM, "Ghost has no review status (pending); written as a draft")
            post = post.replace(status="draft")
        return post

    def _fields(self, post: Post, report: ConversionReport) -> dict[str, Any]:
        post = self.prepared(post, report)
        fields: dict[str, Any] = {
            "title": post.title,
            "lexical": written_content(post, self.capabilities, report),
            "status": _TO_GHOST[post.status],
            "custom_excerpt": post.excerpt or None,
            "tags": [{"name": tag} for tag in post.tags],
            **{ghost: getattr(post, name) for ghost, name in _OPTIONAL_FIELDS.items()},
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

    def _fetched(self, body: Mapping[str, Any], kind: str = "posts") -> Fetched:
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
            post_type="page" if kind == "pages" else "post",
            sources=(source_of(SYSTEM, self.site, ref),),
            **_optional_fields(body),
        )
        visibility = body.get("visibility") or _PUBLIC
        if visibility != _PUBLIC and post.status in ("publish", "future"):
            report.warn(SYSTEM, f"Ghost shows this post to {visibility} readers only; read as private")
            post = post.replace(status="private")
        self._kinds[ref.id] = kind
        return Fetched(
            ref=ref,
            post=post,
            raw=raw,
            format=CONTENT_FORMAT,
            version=_version(body),
            data=body,
            report=report,
        )

    def _one(self, body: Mapping[str, Any], kind: str) -> GhostPost:
        items: list[GhostPost] = body[kind]
        if not items:
            raise UnexpectedResponseError(f"Ghost answered without a {kind[:-1]}", site=self.site)
        return items[0]

    def _at(
        self,
        method: str,
        post_id: str,
        *,
        params: Mapping[str, Any],
        json_body: Any = None,
        what: str,
        reply: bool = True,
    ) -> tuple[Any, str]:
        """The answer to one request for the post or page ``post_id``, and where Ghost keeps it (``posts``
        or ``pages``). Ghost's ids are unique across both but its API asks for the right one: an id not
        seen yet is tried as a post, then as a page (an answer 404 wrote nothing)."""
        known = self._kinds.get(post_id)
        kinds = (known,) if known else ("posts", "pages")
        for kind in kinds:
            try:
                body = self._request(
                    method,
                    f"{kind}/{ghost_id(post_id)}/",
                    params=params,
                    json_body=None if json_body is None else {kind: [json_body]},
                    post=post_id,
                    shape=_SHAPES[kind] if reply else None,
                    what=f"{what} {kind[:-1]}",
                )
            except NotFoundError:
                if kind == kinds[-1]:
                    raise
                continue
            self._kinds[post_id] = kind
            return body, kind
        raise AssertionError("unreachable")

    # --- the protocol ------------------------------------------------------------------------------------

    def create(self, post: Post, *, report: ConversionReport | None = None) -> PostRef:
        report = ensure_report(report)
        kind = _KINDS.get(post.post_type, "posts")  # another type is reported (report_unheld_fields)
        fields = self._fields(post, report)
        body = self._request(
            "POST",
            f"{kind}/",
            params={"include": _INCLUDE, "formats": "lexical"},
            json_body={kind: [fields]},
            idempotent=False,
            shape=_SHAPES[kind],
            what=f"the created {kind[:-1]}",
        )
        created = self._one(body, kind)
        self._kinds[str(created["id"])] = kind
        _report_stored(fields["lexical"], created, report)
        return PostRef(id=str(created["id"]), link=created.get("url"))

    def get(self, ref: Ref) -> Fetched:
        ref = as_ref(ref)
        params = {"formats": "lexical,mobiledoc", "include": _INCLUDE}
        body, kind = self._at("GET", ref.id, params=params, what="a")
        return self._fetched(self._one(body, kind), kind)

    def update(self, ref: Ref, post: Post, *, report: ConversionReport | None = None) -> PostRef:
        """Replace the post with ``post``, sending the ``updated_at`` just read (a write in between makes
        Ghost answer 409: :class:`ConflictError`). A post stays a post and a page a page (Ghost cannot
        turn one into the other)."""
        ref, report = as_ref(ref), ensure_report(report)
        fields = self._fields(post, report)
        fields["updated_at"] = self.read_versioned(ref).version.token
        kind = self._kinds.get(ref.id, "posts")
        if _KINDS.get(post.post_type, "posts") != kind:
            report.warn(SYSTEM, f"Ghost cannot change the type of a {kind[:-1]}; updated as a {kind[:-1]}")
        params = {"include": _INCLUDE, "formats": "lexical"}
        body, kind = self._at("PUT", ref.id, params=params, json_body=fields, what="the updated")
        updated = self._one(body, kind)
        _report_stored(fields["lexical"], updated, report)
        return PostRef(id=str(updated["id"]), link=updated.get("url"))

    def delete(self, ref: Ref, *, force: bool = False) -> None:
        """Delete the post or page (Ghost has no trash: ``force`` changes nothing)."""
        self._at("DELETE", as_ref(ref).id, params={}, what="the deleted", reply=False)

    def list(
        self,
        *,
        since: dt.datetime | None = None,
        status: str | None = None,
        author: str | None = None,
        search: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[Fetched]:
        """Posts and pages, newest first (Ghost's ids grow with creation across both)."""
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
        streams = (self._paged(kind, params, filters) for kind in _KINDS.values())
        return heapq.merge(*streams, key=lambda fetched: fetched.ref.id, reverse=True)

    def _paged(self, kind: str, params: dict[str, Any], filters: Sequence[str]) -> Iterator[Fetched]:
        """Page by key, not by page number: each page asks for the ids below the last one seen, so posts
        added or removed meanwhile neither repeat nor skip others (see :mod:`.paging`)."""
        last: str | None = None
        while True:
            clauses = [*filters, *([f"id:<{_nql_string(last)}"] if last is not None else [])]
            query = {**params, **({"filter": "+".join(clauses)} if clauses else {})}
            body = self._request("GET", f"{kind}/", params=query, shape=_SHAPES[kind], what=kind)
            items = body[kind]
            for item in items:
                yield self._fetched(item, kind)
            pagination = (body.get("meta") or {}).get("pagination") or {}
            if not items or not pagination.get("next"):
                return
            last = items[-1]["id"]

    def find(self, *, slug: str) -> Fetched | None:
        """The post, else the page, with this slug."""
        for kind in _KINDS.values():
            try:
                body = self._request(
                    "GET",
                    f"{kind}/slug/{quote(slug, safe='')}/",
                    params={"formats": "lexical,mobiledoc", "include": _INCLUDE},
                    shape=_SHAPES[kind],
                    what=f"a {kind[:-1]}",
                )
            except NotFoundError:
                continue
            return self._fetched(self._one(body, kind), kind)
        return None

    def held_slugs(self, slugs: Sequence[str]) -> set[str]:
        """Those of ``slugs`` a post or page holds, asked in bulk (``filter=slug:[...]``, ids and slugs
        only: two requests per :data:`SLUGS_PER_ASK` slugs)."""
        unique = list(dict.fromkeys(slugs))
        held: set[str] = set()
        for start in range(0, len(unique), SLUGS_PER_ASK):
            batch = unique[start : start + SLUGS_PER_ASK]
            listed = ",".join(_nql_string(slug) for slug in batch)
            params = {"filter": f"slug:[{listed}]", "fields": "id,slug", "limit": str(PAGE_SIZE)}
            for kind in _KINDS.values():
                body = self._request("GET", f"{kind}/", params=params, shape=_SHAPES[kind], what=kind)
                found = [str(item.get("slug")) for item in body[kind]]
                held.update(batch if len(found) >= PAGE_SIZE else found)
        return held

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
        params = {"formats": "lexical", "fields": "id,url,lexical,updated_at"}
        body, kind = self._at("GET", ref.id, params=params, what="a")
        data = self._one(body, kind)
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
            body, kind = self._at(
                "PUT",
                ref.id,
                params={"formats": "lexical"},
                json_body={"lexical": content, "updated_at": expected.token},
                what="the written",
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
        data = self._one(body, kind)
        new_ref = PostRef(id=str(data["id"]), link=data.get("url"))
        return Written(ref=new_ref, content=str(data.get("lexical") or ""), version=_version(data))


# --- answer parsing ------------------------------------------------------------------------------------


def _report_stored(sent: str, answer: GhostPost, report: ConversionReport) -> None:
    """Record what Ghost changed of the content it was sent (its sanitiser, its editor's rules), block by
    block, when its answer holds the stored content."""
    stored = answer.get("lexical")
    if isinstance(stored, str):
        report_stored(sent, stored, lexical, report, system=SYSTEM, cause="Ghost changed the content on save")


def _optional_fields(body: Mapping[str, Any]) -> dict[str, Any]:
    """The post's fields Ghost holds in its own fields (:data:`_OPTIONAL_FIELDS`)."""
    fields = {name: body.get(ghost) or None for ghost, name in _OPTIONAL_FIELDS.items()}
    return {**fields, "sticky": bool(body.get("featured"))}


def _named(post: Post) -> str:
    """How a message names a post: its slug or title (never its password)."""
    return repr(post.slug or post.title or "a post")


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
