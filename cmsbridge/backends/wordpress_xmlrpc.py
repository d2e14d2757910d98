"""WordPress over XML-RPC (``/xmlrpc.php``), through python-wordpress-xmlrpc 2.3, mended here and only here.

The library's quirks, each fixed inside this module without touching the library or the interpreter:

- On Python 3.10+ every call returning a list fails (``collections.Iterable`` is gone): :class:`_Client`
  processes results itself with :class:`collections.abc.Iterable`; the global ``collections`` module is
  never changed.
- ``Client()`` calls ``mt.supportedMethods`` when constructed: :class:`_Client` sends nothing until the
  first operation and does not check the method list.
- A fresh ``WordPressPost`` sends ``title='Untitled'``: posts are written as explicit structs holding only
  the fields we mean to set, so a content-only edit never touches the title.
- A fetched post carries ``sticky=False``, and sending it back fails for authors (fault 401): fetched
  posts are never sent back; ``sticky`` is never sent.
- No timeout, user agent or TLS control: requests go through :mod:`cmsbridge.http` (the injected
  session, a total timeout, a size cap, the cmsbridge user agent, TLS verification), and every failure
  is mapped once to :mod:`cmsbridge.errors` (faults 403 -> authentication, 401 -> permission, 404 -> not
  found, 409 -> conflict, 405 -> XML-RPC disabled).
- Answers are trusted as parsed: values that do not parse (``<int>x</int>``, a fault that is not a
  struct) and results of the wrong shape (:data:`_SHAPES`, :mod:`.answers`) are one
  :class:`~cmsbridge.errors.UnexpectedResponseError` before the library touches them.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import xmlrpc.client
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar
from xml.parsers.expat import ExpatError

from wordpress_xmlrpc import AuthenticatedMethod, Client, WordPressPost
from wordpress_xmlrpc.methods import media, posts, users

from .. import http
from ..errors import (
    AuthenticationError,
    BackendError,
    CMSBridgeError,
    ConflictError,
    InvalidContentError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
    UnexpectedResponseError,
    UnsupportedError,
    UsageError,
    register_secret,
)
from ..model import Post
from ..report import ConversionReport, ensure_report
from . import paging
from . import wordpress_revisions as revisions
from .answers import XMLRPCId, XMLRPCPost, XMLRPCUpload, XMLRPCUser
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
    listed_status,
    source_of,
    written_content,
)
from .ids import wordpress_id
from .media import MediaRoots, upload_file
from .wordpress_common import (
    CONTENT_FORMAT,
    PAGE_SIZE,
    SERVICE,
    STATUSES,
    SYSTEM,
    UNFILTERED_ROLES,
    featured_image_file,
    from_markup,
    html_text,
    report_filtered,
    site_base,
    unescape,
)
from .wordpress_revisions import Checked, Revision

T = TypeVar("T")


# --- the mended client -------------------------------------------------------------------------------


class _SessionTransport(xmlrpc.client.Transport):
    """An xmlrpc transport that posts through the backend's ``requests`` session."""

    def __init__(self, post: Callable[[bytes], bytes]) -> None:
        super().__init__()
        self._post = post

    def request(self, host: Any, handler: Any, request_body: Any, verbose: bool = False) -> Any:
        body = self._post(request_body if isinstance(request_body, bytes) else str(request_body).encode())
        parser, unmarshaller = self.getparser()
        try:
            parser.feed(body)
            parser.close()
            return unmarshaller.close()
        except xmlrpc.client.Fault as fault:
            if not isinstance(fault.faultCode, int) or not isinstance(fault.faultString, str):
                raise _Malformed("a fault without an integer code and a message") from None
            raise
        except (ExpatError, xmlrpc.client.ResponseError, ValueError, TypeError, OverflowError) as exc:
            # a value that is not its type (<int>x</int>), a fault that is not a struct, truncated XML
            raise _Malformed(f"{type(exc).__name__}: {exc}") from None


class _Malformed(Exception):
    """An XML-RPC answer that does not parse (raised by the transport, mapped by the backend)."""


class _Client(Client):  # type: ignore[misc]
    """python-wordpress-xmlrpc's Client without the request in the constructor and without the
    ``collections.Iterable`` crash."""

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        transport: _SessionTransport,
        check: Callable[[Any, Any], None],
    ) -> None:
        self.check = check
        self.url = url
        self.username = username
        self.password = password
        self.blog_id = 0
        self.server = xmlrpc.client.ServerProxy(url, allow_none=True, transport=transport)
        self.supported_methods: list[str] | None = None

    def call(self, method: Any) -> Any:
        raw = getattr(self.server, method.method_name)(*method.get_args(self))
        self.check(method, raw)
        results_class = method.results_class
        if results_class and raw:
            if isinstance(raw, dict):
                return results_class(raw)
            if isinstance(raw, Iterable) and not isinstance(raw, str | bytes):
                return [results_class(item) for item in raw]
        return raw


class _EditPost(AuthenticatedMethod):  # type: ignore[misc]
    """``wp.editPost`` with an explicit struct (only the fields given are written)."""

    method_name = "wp.editPost"
    method_args = ("post_id", "content")


class _GetRevisionIds(AuthenticatedMethod):  # type: ignore[misc]
    """``wp.getRevisions`` asking for the ids alone (a live post may have hundreds of revisions)."""

    method_name = "wp.getRevisions"
    method_args = ("post_id", "fields")


class _GetFields(AuthenticatedMethod):  # type: ignore[misc]
    """``wp.getPost`` for some fields, answered as the raw struct (also reads a revision by its id)."""

    method_name = "wp.getPost"
    method_args = ("post_id", "fields")


class _NewPost(AuthenticatedMethod):  # type: ignore[misc]
    method_name = "wp.newPost"
    method_args = ("content",)


class _GetTerms(AuthenticatedMethod):  # type: ignore[misc]
    method_name = "wp.getTerms"
    method_args = ("taxonomy",)
    optional_args = ("filter",)


# --- the backend ---------------------------------------------------------------------------------------


class WordPressXMLRPC(TransportBackend):
    """A WordPress site over XML-RPC. Nothing is sent until the first operation."""

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
        endpoint: str = "xmlrpc.php",
    ) -> None:
        self.base = site_base(url)
        self.endpoint = f"{self.base}/{endpoint}"
        self.user = user
        self.transport = transport or Transport()
        register_secret(password)
        self._client = _Client(
            self.endpoint, user, password, _SessionTransport(self._post), self._check_shape
        )
        self._me: Any = None
        self._users: dict[str, str] = {}

    @property
    def site(self) -> str:
        return self.base

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(
            system=SYSTEM,
            transport="xmlrpc",
            content_format=CONTENT_FORMAT,
            conditional_write="native",
            statuses=STATUSES,
            trash=True,
            featured_image_by_address=False,
            filters_content=True,
            authors_per_post=1,
            max_page_size=PAGE_SIZE,
        )

    def __repr__(self) -> str:
        return f"WordPressXMLRPC({self.base!r}, user={self.user!r})"

    # --- transport and error mapping --------------------------------------------------------------------

    def _post(self, body: bytes) -> bytes:
        answer = http.request(
            self.transport,
            "POST",
            self.endpoint,
            site=self.site,
            service=SERVICE,
            data=body,
            headers={"Content-Type": "text/xml; charset=utf-8"},
        )
        status = answer.status
        ctx: dict[str, Any] = {"site": self.site, "status": status}
        if status in (401, 403):
            said = http.Said("at the HTTP level (a proxy, a firewall or a security plugin?)")
            http.raise_for_status(answer, service=SERVICE, site=self.site, said=said)
        if status == 404:
            raise UnexpectedResponseError(f"no XML-RPC endpoint at {self.endpoint}", **ctx)
        http.raise_for_status(answer, service=SERVICE, site=self.site, said=http.Said("an HTTP error"))
        content = answer.body
        head = content.lstrip()[:200].lower()
        if not head.startswith(b"<?xml") and not head.startswith(b"<methodresponse"):
            kind = "an HTML page" if b"<html" in head or b"<!doctype" in head else "output before the XML"
            raise UnexpectedResponseError(
                f"the answer is not XML-RPC: {kind} ({content.lstrip()[:80].decode('utf-8', 'replace')!r})",
                **ctx,
            )
        return content

    def _check_shape(self, method: Any, raw: Any) -> None:
        """Check an XML-RPC result against what its method answers (:mod:`.answers`)."""
        shape = _SHAPES.get(type(method))
        if shape is not None:
            what = f"{method.method_name}"
            http.validate(shape, raw, service=SERVICE, site=self.site, what=what)

    def _call(self, method: Any, *, post: str | None = None, idempotent: bool = True) -> Any:
        def attempt() -> Any:
            try:
                return self._client.call(method)
            except xmlrpc.client.Fault as fault:
                raise self._fault(fault, post) from None
            except _Malformed as exc:
                raise UnexpectedResponseError(
                    f"the answer is not valid XML-RPC: {exc}", site=self.site, post=post
                ) from None

        return self.transport.call(attempt, idempotent=idempotent)

    def _fault(self, fault: xmlrpc.client.Fault, post: str | None) -> BackendError:
        code, text = fault.faultCode, str(fault.faultString)
        ctx: dict[str, Any] = {"site": self.site, "post": post, "code": f"fault {code}"}
        if code == 403:
            return AuthenticationError(
                f"authentication failed: {text}; check the user name and the password or application "
                "password (a proxy may strip the Authorization header)",
                **ctx,
            )
        if code == 401:
            return PermissionDeniedError(f"not allowed: {text}", **ctx)
        if code == 404:
            return NotFoundError(f"not found: {text}", **ctx)
        if code == 409:
            return ConflictError(f"conflict: {text}", **ctx)
        if code == 405:
            return UnsupportedError(f"XML-RPC is disabled on this site: {text}", **ctx)
        if code in (-32601, -32602):
            return UnsupportedError(f"method not supported: {text}", **ctx)
        if code in (-32700, -32701, -32702):
            return UnexpectedResponseError(f"the server could not parse the request: {text}", **ctx)
        if code == 500:
            return ServerError(f"WordPress failed: {text}", **ctx)
        return InvalidContentError(f"WordPress rejected the request: {text}", **ctx)

    # --- helpers -------------------------------------------------------------------------------------

    def _me_user(self) -> Any:
        if self._me is None:
            self._me = self._call(users.GetProfile())
        return self._me

    def _unfiltered_html(self) -> bool | None:
        """Whether the user may post any HTML, by the roles of the profile; None when unknown."""
        try:
            roles = getattr(self._me_user(), "roles", None)
        except CMSBridgeError:
            return None
        return bool(UNFILTERED_ROLES.intersection(roles)) if isinstance(roles, list) else None

    def _author_id(self, name: str) -> str | None:
        me = self._me_user()
        if name in {me.username, getattr(me, "nicename", None), me.display_name, me.email}:
            return None
        for user in self._call(users.GetUsers({"number": 1000})) or []:
            if name in {user.username, getattr(user, "nicename", None), user.display_name, user.email}:
                return str(user.id)
        raise NotFoundError(f"no WordPress user {name!r}", site=self.site)

    def _author_name(self, user_id: str) -> str:
        if user_id not in self._users:
            me = self._me_user()
            if str(me.id) == user_id:
                self._users[user_id] = str(getattr(me, "nicename", None) or me.username)
            else:
                try:
                    user = self._call(users.GetUser(user_id))
                    self._users[user_id] = str(getattr(user, "nicename", None) or user.username)
                except (PermissionDeniedError, NotFoundError):
                    self._users[user_id] = user_id
        return self._users[user_id]

    def _struct(self, post: Post, report: ConversionReport) -> tuple[dict[str, Any], str]:
        if post.status not in STATUSES:
            raise UsageError(f"WordPress posts cannot be created with status {post.status!r}")
        content = written_content(post, self.capabilities, report)
        struct: dict[str, Any] = {
            "post_type": "post",
            "post_title": html_text(post.title),
            "post_content": content,
            "post_excerpt": html_text(post.excerpt),
            "post_status": post.status,
            "terms_names": {
                "category": [html_text(c) for c in post.categories],
                "post_tag": [html_text(t) for t in post.tags],
            },
        }
        if post.slug:
            struct["post_name"] = post.slug
        if post.created is not None:
            struct["post_date_gmt"] = xmlrpc.client.DateTime(post.created.astimezone(dt.UTC).timetuple())
        if post.authors:
            author = self._author_id(post.authors[0])
            if author is not None:
                struct["post_author"] = author
        with featured_image_file(post.featured_image, self.base, report, self.media_roots) as image:
            if image is not None:
                struct["post_thumbnail"] = self.upload_media(image).id
        return struct, content

    def _fetched(self, wp: Any) -> Fetched:
        raw = str(getattr(wp, "content", "") or "")
        report = ConversionReport()
        read = from_markup(raw, report)
        ref = PostRef(id=str(wp.id), link=getattr(wp, "link", None))
        terms = getattr(wp, "terms", []) or []
        thumbnail = getattr(wp, "thumbnail", None)
        post = read.replace(
            title=unescape(str(getattr(wp, "title", "") or "")),
            slug=getattr(wp, "slug", None) or None,
            status=getattr(wp, "post_status", "draft"),
            excerpt=unescape(str(getattr(wp, "excerpt", "") or "")),
            authors=(self._author_name(str(wp.user)),) if getattr(wp, "user", None) else (),
            categories=tuple(unescape(t.name) for t in terms if t.taxonomy == "category"),
            tags=tuple(unescape(t.name) for t in terms if t.taxonomy == "post_tag"),
            created=_utc(getattr(wp, "date", None)),
            modified=_utc(getattr(wp, "date_modified", None)),
            featured_image=thumbnail.get("link") if isinstance(thumbnail, Mapping) and thumbnail else None,
            sources=(source_of(SYSTEM, self.site, ref),),
        )
        return Fetched(
            ref=ref,
            post=post,
            raw=raw,
            format=CONTENT_FORMAT,
            version=_version(wp),
            data=dict(getattr(wp, "__dict__", {})),
            report=report,
        )

    def _get_raw(self, ref: PostRef) -> Any:
        return self._call(posts.GetPost(wordpress_id(ref.id)), post=ref.id)

    # --- the protocol ------------------------------------------------------------------------------------

    def create(self, post: Post, *, report: ConversionReport | None = None) -> PostRef:
        report = ensure_report(report)
        struct, sent = self._struct(post, report)
        post_id = str(self._call(_NewPost(struct), idempotent=False))
        return self._compared(PostRef(post_id), sent, report)

    def get(self, ref: Ref) -> Fetched:
        return self._fetched(self._get_raw(as_ref(ref)))

    def update(self, ref: Ref, post: Post, *, report: ConversionReport | None = None) -> PostRef:
        ref, report = as_ref(ref), ensure_report(report)
        struct, sent = self._struct(post, report)
        self._call(_EditPost(wordpress_id(ref.id), struct), post=ref.id)
        return self._compared(ref, sent, report)

    def _compared(self, ref: PostRef, sent: str, report: ConversionReport) -> PostRef:
        """Read back what WordPress stored of ``sent`` and report what its filters changed."""
        stored = self._get_raw(ref)
        content = str(getattr(stored, "content", ""))
        report_filtered(sent, content, report, user=self.user, unfiltered=self._unfiltered_html)
        return PostRef(id=ref.id, link=getattr(stored, "link", None))

    def delete(self, ref: Ref, *, force: bool = False) -> None:
        ref = as_ref(ref)
        if force:
            # wp.deletePost only trashes a published post; trashing a trashed post deletes it for good.
            self._call(posts.DeletePost(wordpress_id(ref.id)), post=ref.id)
            with contextlib.suppress(NotFoundError):
                self._call(posts.DeletePost(wordpress_id(ref.id)), post=ref.id)
            return
        current = self._get_raw(ref)
        if getattr(current, "post_status", None) == "trash":
            raise NotFoundError("the post is already in the trash", site=self.site, post=ref.id)
        self._call(posts.DeletePost(wordpress_id(ref.id)), post=ref.id)

    def list(
        self,
        *,
        since: dt.datetime | None = None,
        status: str | None = None,
        author: str | None = None,
        search: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[Fetched]:
        # By ID, not date: WordPress sorts equal dates in no fixed order (see .paging)
        flt: dict[str, Any] = {"post_type": "post", "orderby": "ID", "order": "DESC"}
        status = listed_status(status, self.capabilities)
        if status is not None:
            flt["post_status"] = status
        if author:
            author_id = self._author_id(author)
            flt["author"] = author_id if author_id is not None else str(self._me_user().id)
        if search:
            flt["s"] = search
        return self._listing(flt, page_size or PAGE_SIZE, since)

    def _listing(self, flt: dict[str, Any], size: int, since: dt.datetime | None) -> Iterator[Fetched]:
        for wp in self._walk(flt, size):
            fetched = self._fetched(wp)
            if since is None or (fetched.post.modified is not None and fetched.post.modified >= since):
                yield fetched

    def _walk(self, flt: dict[str, Any], size: int, fields: tuple[str, ...] = ()) -> Iterator[Any]:
        """Every post ``flt`` matches, each once even while the site changes (:mod:`.paging`)."""

        def fetch(offset: int, count: int) -> Sequence[Any]:
            query = {**flt, "number": count, "offset": offset}
            method = posts.GetPosts(query, [*fields]) if fields else posts.GetPosts(query)
            return self._call(method) or []

        def key(wp: Any) -> int:
            try:
                return int(wp.id)
            except (TypeError, ValueError, AttributeError):
                raise UnexpectedResponseError("a post without a numeric id", site=self.site) from None

        return paging.by_descending_id(fetch, key, min(size, PAGE_SIZE))

    def find(self, *, slug: str) -> Fetched | None:
        # wp.getPosts has no slug filter: walk the slugs alone (the "fields" argument), then fetch the one
        # post that matches.
        flt: dict[str, Any] = {"post_type": "post", "orderby": "ID", "order": "DESC"}
        for wp in self._walk(flt, PAGE_SIZE, ("post_name",)):
            if getattr(wp, "slug", None) == slug:
                return self.get(PostRef(id=str(wp.id)))
        return None

    def upload_media(self, path: str) -> Media:
        name, data, kind = upload_file(path)
        upload = {
            "name": name,
            "type": kind,
            "bits": xmlrpc.client.Binary(data),
            "overwrite": False,
        }
        result = self._call(media.UploadFile(upload), idempotent=False)
        media_id = result.get("id") or result.get("attachment_id")
        if media_id is None:
            raise http.fail(SERVICE, self.site, "wp.uploadFile: no id")
        return Media(id=str(media_id), url=str(result.get("url", "")))

    def read_versioned(self, ref: Ref) -> Versioned:
        return self._versioned(as_ref(ref))[0]

    def _versioned(self, ref: PostRef) -> tuple[Versioned, builtins.list[int] | None]:
        """The stored content and version, and the ids of the post's revisions (None: unreadable)."""
        wp = self._get_raw(ref)
        new_ref = PostRef(id=str(wp.id), link=getattr(wp, "link", None))
        ids = self._revision_ids(new_ref)
        content = str(getattr(wp, "content", "") or "")
        return Versioned(new_ref, content, CONTENT_FORMAT, _version(wp, _newest(ids))), ids

    def write_content(self, ref: Ref, content: str, expected: Version) -> Written:
        """Write the content only, with ``if_not_modified_since`` = the version's modified time: WordPress
        refuses (fault 409) when the post changed after it (to the second). A write that lands inside
        ``wp.editPost``'s own read-modify-write passes that check and is undone by ours; the revisions show
        it afterwards, and :mod:`.wordpress_revisions` puts it back."""
        return revisions.write_content(self, as_ref(ref), content, expected)

    def write_fields(self, ref: PostRef, fields: Mapping[str, str], expected: Version) -> Checked:
        """Write ``fields`` only, then compare the revisions made since ``expected`` with ours. A content
        write is conditional (``if_not_modified_since``); a repair of the title or excerpt is not (it is
        made just after our own write, and only for fields nobody has changed since)."""
        struct: dict[str, Any] = {f"post_{name}": value for name, value in fields.items()}
        if "content" in fields and expected.modified is not None:
            struct["if_not_modified_since"] = xmlrpc.client.DateTime(expected.modified.timetuple())
        try:
            self._call(_EditPost(wordpress_id(ref.id), struct), post=ref.id)
        except ConflictError as exc:
            if isinstance(exc, WriteConflictError):
                raise
            raise WriteConflictError(
                exc.message, applied=False, site=self.site, post=ref.id, status=exc.status, code=exc.code
            ) from None
        after, ids = self._versioned(ref)
        new_ref = after.ref
        written = Written(ref=new_ref, content=after.content, version=after.version)
        if expected.latest_revision is None or not ids:
            return Checked(written)  # revisions cannot be read (or are off)
        made = sorted(i for i in ids if i > int(expected.latest_revision))[-10:]
        if len(made) < 2:
            return Checked(written)
        found = [self._revision(new_ref, i) for i in made]
        made_here = [r for r in found if r is not None]
        mine = next((r for r in made_here if all(r.get(k) == v for k, v in fields.items())), None)
        if mine is None:
            return Checked(written, collided=True)
        position = made_here.index(mine)
        if position == 0:
            return Checked(written)  # the other revisions came after ours
        return Checked(written, collided=True, ours=mine, before=made_here[position - 1])

    def current_fields(self, ref: PostRef) -> dict[str, str]:
        raw = self._call(_GetFields(wordpress_id(ref.id), ["post_title", "post_excerpt"]), post=ref.id)
        return {name: str(raw.get(f"post_{name}") or "") for name in revisions.REVISIONED}

    def _revision_ids(self, ref: PostRef) -> builtins.list[int] | None:
        """The ids of the post's revisions; None where the user may not read them or they are off."""
        try:
            raw = self._call(_GetRevisionIds(wordpress_id(ref.id), ["post_id"]), post=ref.id)
        except (PermissionDeniedError, NotFoundError):
            return None
        if not isinstance(raw, list):
            return None
        return [
            int(item["post_id"])
            for item in raw
            if isinstance(item, dict) and str(item.get("post_id")).isdigit()
        ]

    def _revision(self, ref: PostRef, revision_id: int) -> Revision | None:
        fields = ["post_title", "post_content", "post_excerpt"]
        try:
            raw = self._call(_GetFields(revision_id, fields), post=ref.id)
        except (PermissionDeniedError, NotFoundError):
            return None
        if not isinstance(raw, dict):
            return None
        return Revision(
            id=str(revision_id),
            content=str(raw.get("post_content") or ""),
            title=str(raw.get("post_title") or ""),
            excerpt=str(raw.get("post_excerpt") or ""),
        )


def _utc(value: Any) -> dt.datetime | None:
    if not isinstance(value, dt.datetime) or value.year < 1971:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _newest(ids: list[int] | None) -> int | None:
    """The newest revision's id; 0 when the post has none yet, None when revisions cannot be read."""
    if ids is None:
        return None
    return max(ids, default=0)


def _version(wp: Any, latest_revision: int | None = None) -> Version:
    """The post's modified time and, when known, its newest revision's id."""
    modified = _utc(getattr(wp, "date_modified", None))
    latest = str(latest_revision) if latest_revision is not None else None
    token = f"{modified.isoformat() if modified else ''}|{latest or ''}"
    return Version(token=token, modified=modified, latest_revision=latest)


_SHAPES: dict[type, Any] = {
    posts.GetPost: XMLRPCPost,
    posts.GetPosts: list[XMLRPCPost],
    posts.DeletePost: bool,
    users.GetProfile: XMLRPCUser,
    users.GetUser: XMLRPCUser,
    users.GetUsers: list[XMLRPCUser],
    media.UploadFile: XMLRPCUpload,
    _NewPost: XMLRPCId,
    _EditPost: bool,
    _GetFields: dict[str, Any],
    _GetRevisionIds: list[dict[str, Any]],
}
"""What each method answers; a result of another shape is an UnexpectedResponseError."""

__all__ = ["WordPressPost", "WordPressXMLRPC"]
