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
  posts are never sent back; ``sticky`` is sent only to make a post sticky.
- No timeout, user agent or TLS control: requests go through :mod:`cmsbridge.http` (the injected
  session, a total timeout, a size cap, the cmsbridge user agent, TLS verification), and every failure
  is mapped once to :mod:`cmsbridge.errors` (faults 403 -> authentication, 401 -> permission, 404 -> not
  found, 409 -> conflict, 405 -> XML-RPC disabled).
- Answers are trusted as parsed: values that do not parse (``<int>x</int>``, a fault that is not a
  struct) and results of the wrong shape (:data:`_SHAPES`, :mod:`.answers`) are one
  :class:`~cmsbridge.errors.UnexpectedResponseError` before the library touches them.

Posts and pages (issue 15): ``post_type``, ``post_parent`` (found by slug), ``menu_order``,
``post_password``, ``sticky``, comment and ping status, ``post_format`` and ``custom_fields`` are written
and read; categories are sent by id (``wp.getTerms`` read once, ``wp.newTerm`` under the parent), so two
of one name under different parents stay two. ``wp.newPost`` and ``wp.editPost`` take no page order nor
template: a page that has either is given them by one more call, the older ``wp.editPage`` (which keeps the
fields it is not given: content, dates, slug, parent), and a page's template is read with ``wp.getPage``
(:meth:`WordPressXMLRPC._page_extras`). SEO meta lives in protected post meta, which XML-RPC cannot reach:
reported (:class:`~cmsbridge.backends.base.Capabilities`).
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import heapq
import json
import threading
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
from ..formats.wordpress.wxr import own_slug
from ..model import Comment, Post, Term
from ..report import ConversionReport, ensure_report
from . import paging
from . import wordpress_revisions as revisions
from .answers import XMLRPCId, XMLRPCPost, XMLRPCTerm, XMLRPCUpload, XMLRPCUser
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
    WriteConflictError,
    Written,
    as_ref,
    listed_status,
    source_of,
    written_content,
)
from .ids import wordpress_id
from .media import MediaRoots, upload_file
from .wordpress_comments import add_all, comment_of, parents_first, to_write, unreadable, xmlrpc_status
from .wordpress_common import (
    CONTENT_FORMAT,
    FIELDS,
    PAGE_SIZE,
    POST_TYPES,
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
    writable_fields,
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


_SHAPES: dict[type, Any] = {
    posts.GetPost: XMLRPCPost,
    posts.GetPosts: list[XMLRPCPost],
    posts.DeletePost: bool,
    users.GetProfile: XMLRPCUser,
    users.GetUser: XMLRPCUser,
    users.GetUsers: list[XMLRPCUser],
    media.UploadFile: XMLRPCUpload,
}
"""What each method answers; a result of another shape is an UnexpectedResponseError (the methods below
add theirs)."""


def _method(name: str, args: tuple[str, ...], answers: Any, *, optional: tuple[str, ...] = ()) -> Any:
    """A WordPress XML-RPC method as a python-wordpress-xmlrpc method class (called with ``args``, then
    ``optional``, after the blog id and login), what it answers recorded in :data:`_SHAPES`."""
    attributes = {"method_name": name, "method_args": args, "optional_args": optional}
    method = type(name.replace(".", "_"), (AuthenticatedMethod,), attributes)
    _SHAPES[method] = answers
    return method


_EditPost = _method("wp.editPost", ("post_id", "content"), bool)
"""``wp.editPost`` with an explicit struct (only the fields given are written)."""
_GetRevisionIds = _method("wp.getRevisions", ("post_id", "fields"), list[dict[str, Any]])
"""``wp.getRevisions`` asking for the ids alone (a live post may have hundreds of revisions)."""
_GetFields = _method("wp.getPost", ("post_id", "fields"), dict[str, Any])
"""``wp.getPost`` for some fields, answered as the raw struct (also reads a revision by its id)."""
_NewPost = _method("wp.newPost", ("content",), XMLRPCId)


class _PageMethod(AuthenticatedMethod):  # type: ignore[misc]
    """The old page methods, which take the page id before the login (blog, page, user, password, ...)."""

    def __init__(self, page_id: int, *rest: Any) -> None:
        self.page_id, self.rest = page_id, rest

    def get_args(self, client: Any) -> list[Any]:
        return [client.blog_id, self.page_id, client.username, client.password, *self.rest]


class _EditPage(_PageMethod):
    """``wp.editPage(blog, page, user, password, struct, publish)``: sets ``wp_page_order`` and
    ``wp_page_template``, which ``wp.editPost`` does not take."""

    method_name = "wp.editPage"


class _GetPage(_PageMethod):
    """``wp.getPage(blog, page, user, password)``: a page with its ``wp_page_template``."""

    method_name = "wp.getPage"


_SHAPES[_EditPage] = bool
_SHAPES[_GetPage] = dict[str, Any]
_GetComments = _method("wp.getComments", ("filter",), list[dict[str, Any]])
_NewComment = _method("wp.newComment", ("post_id", "comment"), XMLRPCId)
_EditComment = _method("wp.editComment", ("comment_id", "comment"), bool)
_NewTerm = _method("wp.newTerm", ("content",), XMLRPCId)
_GetTerms = _method("wp.getTerms", ("taxonomy",), list[XMLRPCTerm], optional=("filter",))


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
        self._category_rows: dict[str, tuple[str, str, str]] | None = None  # id -> (name, slug, parent)
        self._categories: dict[Term, str] = {}
        self._category_terms: dict[str, Term] = {}
        self._page_slugs: dict[str, str] = {}
        self._site_users: builtins.list[Any] | None = None
        self._slugs: set[str] | None = None  # every post's and page's slug, walked once (held_slugs)
        self._lock = threading.RLock()

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
            comments=True,
            # not reachable: the SEO fields are protected post meta
            **{**FIELDS, "seo": False},
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
        with self._lock:  # the site's users, read once per backend
            if self._site_users is None:
                self._site_users = list(self._call(users.GetUsers({"number": 1000})) or [])
        for user in self._site_users:
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

    def prepared(self, post: Post, report: ConversionReport) -> Post:
        """What WordPress holds of ``post``'s fields (:func:`writable_fields`), less WordPress's own custom
        fields (``_``: protected meta XML-RPC does not write), reported; a status WordPress does not know
        is a UsageError."""
        if post.status not in STATUSES:
            raise UsageError(f"WordPress posts cannot be created with status {post.status!r}")
        post = writable_fields(post, report)
        own = [key for key in post.metadata if key.startswith("_")]
        if not own:
            return post
        for key in own:
            report.warn(SYSTEM, f"custom field {key!r} is WordPress's own (starts with _); not written")
        return post.replace(metadata={k: v for k, v in post.metadata.items() if k not in own})

    def _struct(
        self, post: Post, report: ConversionReport, ref: PostRef | None = None
    ) -> tuple[dict[str, Any], str]:
        post = self.prepared(post, report)
        content = written_content(post, self.capabilities, report)
        struct: dict[str, Any] = {
            "post_type": post.post_type,
            "post_title": html_text(post.title),
            "post_content": content,
            "post_excerpt": html_text(post.excerpt),
            "post_status": post.status,
            "post_password": post.password or "",
            "custom_fields": self._custom_fields(post, ref),
        }
        for name in ("comment_status", "ping_status"):
            if getattr(post, name) is not None:
                struct[name] = getattr(post, name)
        if post.post_type == "page":
            struct["post_parent"] = self._parent_id(post, report)
        else:
            struct["terms"] = {"category": [self._category_id(c) for c in post.categories]}
            struct["terms_names"] = {"post_tag": [html_text(t) for t in post.tags]}
            struct["post_format"] = post.format or "standard"
            if post.sticky:
                struct["sticky"] = True
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

    def _categories_by_id(self) -> dict[str, tuple[str, str, str]]:
        """The site's categories (id -> name, slug, parent id), read once."""
        if self._category_rows is None:
            try:  # empty ones too (a parent category may hold no post itself)
                rows = self._call(_GetTerms("category", {"hide_empty": False})) or []
            except PermissionDeniedError:  # a user who may not assign categories: names only
                rows = []
            self._category_rows = {
                str(row.get("term_id")): (
                    unescape(str(row.get("name") or "")),
                    str(row.get("slug") or ""),
                    str(row.get("parent") or "0"),
                )
                for row in rows
                if isinstance(row, Mapping)
            }
        return self._category_rows

    def _category_id(self, term: Term) -> str:
        """The id of the category ``term`` under its parent (created first), created when missing: two
        categories of one name under different parents are two categories. Each once per backend, under a
        lock (a migration's workers share the backend); one made meanwhile by someone else (WordPress
        answers that it exists) is found by reading the categories again, and adopted."""
        with self._lock:
            if term in self._categories:
                return self._categories[term]
            parent = self._category_id(term.parent) if term.parent is not None else "0"
            chosen = self._listed_category(term, parent)
            if chosen is None:
                fields: dict[str, Any] = {"name": html_text(term.name), "taxonomy": "category"}
                if parent != "0":
                    fields["parent"] = int(parent)
                if term.slug:
                    fields["slug"] = term.slug
                try:
                    chosen = str(self._call(_NewTerm(fields), idempotent=False))
                except ServerError as exc:
                    if "exists" not in str(exc):
                        raise
                    self._category_rows = None  # made meanwhile: read them again
                    chosen = self._listed_category(term, parent)
                    if chosen is None:
                        raise
                self._categories_by_id().setdefault(chosen, (term.name, term.slug or "", parent))
            self._categories[term] = chosen
            return chosen

    def _listed_category(self, term: Term, parent: str) -> str | None:
        """The id of the listed category of ``term``'s name under ``parent`` (of its slug if several)."""
        same = [
            (term_id, slug)
            for term_id, (name, slug, above) in self._categories_by_id().items()
            if name.casefold() == term.name.casefold() and above == parent
        ]
        if not same:
            return None
        return next((term_id for term_id, slug in same if slug == term.slug), same[0][0])

    def _category(self, term_id: str, seen: frozenset[str] = frozenset()) -> Term | None:
        """The category ``term_id`` with its parents; None when the site does not list it."""
        if term_id not in self._category_terms:
            row = self._categories_by_id().get(term_id)
            if row is None:
                return None
            name, slug, above = row
            parent = self._category(above, seen | {term_id}) if above != "0" and above not in seen else None
            name = name or term_id
            self._category_terms[term_id] = Term(name=name, slug=own_slug(name, slug), parent=parent)
        return self._category_terms[term_id]

    def _custom_fields(self, post: Post, ref: PostRef | None) -> list[dict[str, Any]]:
        """``wp.newPost``'s ``custom_fields`` making the post's public custom fields ``post.metadata``: on
        an update, fields already there are kept (by id), the others deleted, the missing ones added."""
        wanted = [
            (key, one if isinstance(one, str) else json.dumps(one))
            for key, value in post.metadata.items()
            if not key.startswith("_")
            for one in (value if isinstance(value, list) else [value])
        ]
        present: Any = []
        if ref is not None:
            found = self._call(_GetFields(wordpress_id(ref.id), ["custom_fields"]), post=ref.id)
            present = found.get("custom_fields") or []
        out: list[dict[str, Any]] = []
        for field in present if isinstance(present, list) else []:
            pair = (str(field.get("key")), str(field.get("value")))
            if pair in wanted:
                wanted.remove(pair)
            else:
                out.append({"id": str(field.get("id"))})
        out += [{"key": key, "value": value} for key, value in wanted]
        return out

    def _parent_id(self, post: Post, report: ConversionReport) -> str:
        """The id of the page's parent page ("0": none, or not on the site, which is reported)."""
        if not post.parent:
            return "0"
        flt: dict[str, Any] = {"post_type": "page", "orderby": "ID", "order": "DESC"}
        for wp in self._walk(flt, PAGE_SIZE, ("post_name",)):
            if getattr(wp, "slug", None) == post.parent:
                return str(wp.id)
        report.warn(SYSTEM, f"the parent page {post.parent!r} is not on the site; written without it")
        return "0"

    def _page_slug(self, page_id: str) -> str | None:
        """The slug of the page ``page_id`` (a page's parent)."""
        if page_id not in self._page_slugs:
            try:
                found = self._call(_GetFields(wordpress_id(page_id), ["post_name"]))
            except (NotFoundError, PermissionDeniedError):
                return None
            self._page_slugs[page_id] = str(found.get("post_name") or "")
        return self._page_slugs[page_id] or None

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
            status=_status(getattr(wp, "post_status", "draft"), _utc(getattr(wp, "date", None))),
            excerpt=unescape(str(getattr(wp, "excerpt", "") or "")),
            authors=(self._author_name(str(wp.user)),) if getattr(wp, "user", None) else (),
            categories=tuple(self._term(t) for t in terms if t.taxonomy == "category"),
            tags=tuple(unescape(t.name) for t in terms if t.taxonomy == "post_tag"),
            created=_utc(getattr(wp, "date", None)),
            modified=_utc(getattr(wp, "date_modified", None)),
            featured_image=thumbnail.get("link") if isinstance(thumbnail, Mapping) and thumbnail else None,
            sources=(source_of(SYSTEM, self.site, ref),),
            **_fields_of(wp),
        )
        parent = str(getattr(wp, "parent_id", "") or "0")
        if parent != "0":
            post = post.replace(parent=self._page_slug(parent))
        if post.post_type == "page":
            post = post.replace(**self._page_extras(ref))
        return Fetched(
            ref=ref,
            post=post,
            raw=raw,
            format=CONTENT_FORMAT,
            version=_version(wp),
            data=dict(getattr(wp, "__dict__", {})),
            report=report,
        )

    def _term(self, term: Any) -> Term:
        """A post's category as a term with its parents (the name alone when the site does not list it)."""
        found = self._category(str(getattr(term, "id", "")))
        if found is not None:
            return found
        name = unescape(term.name)
        return Term(name=name, slug=own_slug(name, getattr(term, "slug", None)))

    def _get_raw(self, ref: PostRef) -> Any:
        return self._call(posts.GetPost(wordpress_id(ref.id)), post=ref.id)

    # --- the protocol ------------------------------------------------------------------------------------

    def create(self, post: Post, *, report: ConversionReport | None = None) -> PostRef:
        report = ensure_report(report)
        struct, sent = self._struct(post, report)
        post_id = str(self._call(_NewPost(struct), idempotent=False))
        self._set_page_extras(PostRef(post_id), self.prepared(post, ConversionReport()), report)
        return self._compared(PostRef(post_id), sent, report)

    def get(self, ref: Ref) -> Fetched:
        return self._fetched(self._get_raw(as_ref(ref)))

    def update(self, ref: Ref, post: Post, *, report: ConversionReport | None = None) -> PostRef:
        ref, report = as_ref(ref), ensure_report(report)
        struct, sent = self._struct(post, report, ref)
        self._call(_EditPost(wordpress_id(ref.id), struct), post=ref.id)
        self._set_page_extras(ref, self.prepared(post, ConversionReport()), report)
        return self._compared(ref, sent, report)

    def _set_page_extras(self, ref: PostRef, post: Post, report: ConversionReport) -> None:
        """Give a page its order and template (``wp.editPage``: ``wp.newPost`` and ``wp.editPost`` take
        neither). The status is given again (``wp.editPage`` would otherwise make it a draft); a template the
        site's theme does not have is left out and reported."""
        if post.post_type != "page" or (not post.menu_order and not post.template):
            return
        status = "publish" if post.status == "future" else post.status  # WordPress schedules by the date
        struct: dict[str, Any] = {"wp_page_order": post.menu_order, "page_status": status}
        if post.template:
            struct["wp_page_template"] = post.template
        publish = status in ("publish", "private")
        try:
            self._call(_EditPage(wordpress_id(ref.id), struct, publish), post=ref.id)
        except ServerError as exc:
            if "wp_page_template" not in struct or "template" not in str(exc).lower():
                raise
            report.warn(SYSTEM, f"the site's theme has no template {post.template!r}; not written")
            del struct["wp_page_template"]
            self._call(_EditPage(wordpress_id(ref.id), struct, publish), post=ref.id)

    def _page_extras(self, ref: PostRef) -> dict[str, Any]:
        """A page's template, which ``wp.getPost`` does not give (``wp.getPage``: one more request)."""
        page = self._call(_GetPage(wordpress_id(ref.id)), post=ref.id)
        template = str(page.get("wp_page_template") or "")
        return {"template": template if template not in ("", "default") else None}

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
        """Posts and pages (each walked on its own: ``wp.getPosts`` filters one type), newest first."""
        walks = [self._walk({**flt, "post_type": kind}, size) for kind in sorted(POST_TYPES, reverse=True)]
        for wp in heapq.merge(*walks, key=lambda wp: -int(wp.id)):
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
        for kind in sorted(POST_TYPES, reverse=True):  # posts, then pages
            flt: dict[str, Any] = {"post_type": kind, "orderby": "ID", "order": "DESC"}
            for wp in self._walk(flt, PAGE_SIZE, ("post_name",)):
                if getattr(wp, "slug", None) == slug:
                    return self.get(PostRef(id=str(wp.id)))
        return None

    def held_slugs(self, slugs: Sequence[str]) -> set[str]:
        """Those of ``slugs`` a post or page holds: the site's slugs are walked once per backend
        (``wp.getPosts`` has no slug filter; the slugs alone, a page of 100 at a time), not once per post
        as :meth:`find` walks them."""
        with self._lock:
            if self._slugs is None:
                walked: set[str] = set()
                for kind in sorted(POST_TYPES, reverse=True):
                    flt: dict[str, Any] = {"post_type": kind, "orderby": "ID", "order": "DESC"}
                    walked.update(
                        str(getattr(wp, "slug", "")) for wp in self._walk(flt, PAGE_SIZE, ("post_name",))
                    )
                self._slugs = walked
            return self._slugs.intersection(slugs)

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

    # --- comments (issue 15; :mod:`.wordpress_comments`) -------------------------------------------------

    def comments(self, ref: Ref, *, report: ConversionReport | None = None) -> tuple[Comment, ...]:
        """The post's comments of every status, parents before their replies (``wp.getComments``)."""
        try:
            return self._comments(as_ref(ref))
        except PermissionDeniedError as exc:
            return unreadable(report, self.user, exc)

    def _comments(self, ref: PostRef) -> tuple[Comment, ...]:
        found: dict[str, Comment] = {}
        offset = 0
        while True:
            flt = {"post_id": wordpress_id(ref.id), "status": "any", "offset": offset, "number": PAGE_SIZE}
            batch = self._call(_GetComments(flt), post=ref.id) or []
            for item in batch:
                comment = comment_of(
                    id=item.get("comment_id"),
                    parent=item.get("parent"),
                    author=item.get("author"),
                    email=item.get("author_email"),
                    url=item.get("author_url"),
                    date_gmt=_comment_time(item.get("date_created_gmt")),
                    status=item.get("status"),
                    content=item.get("content"),
                )
                found.setdefault(comment.id, comment)
            if len(batch) < PAGE_SIZE:
                return tuple(parents_first(found.values()))
            offset += len(batch)

    def add_comments(
        self,
        ref: Ref,
        post: Post,
        known: Mapping[str, str],
        *,
        added: Added | None = None,
        report: ConversionReport | None = None,
    ) -> dict[str, str]:
        """Write the comments of ``post`` not in ``known`` (``wp.newComment``, then ``wp.editComment`` for
        the author, date and status, which ``wp.newComment`` sets from the logged-in user and the clock);
        a post whose comments are closed is opened meanwhile."""
        ref, report = as_ref(ref), ensure_report(report)
        if not to_write(post, known):
            return dict(known)
        post_id = wordpress_id(ref.id)
        self._me_user()  # logged in: a refusal of wp.newComment (fault 403) is then about the comment

        def create(comment: Comment, parent: str | None) -> str:
            new = {"content": comment.content, "comment_parent": int(parent or 0)}
            try:
                made = str(self._call(_NewComment(post_id, new), post=ref.id, idempotent=False))
            except AuthenticationError as exc:
                raise InvalidContentError(str(exc), site=self.site, post=ref.id) from None
            fields: dict[str, Any] = {
                "author": comment.author,
                "author_email": comment.email or "",
                "author_url": comment.url or "",
                "status": xmlrpc_status(comment),
            }
            if comment.date is not None:
                when = comment.date.astimezone(dt.UTC).timetuple()
                fields["date_created_gmt"] = xmlrpc.client.DateTime(when)
            self._call(_EditComment(int(made), fields), post=ref.id)
            return made

        closed = post.comment_status == "closed"
        if closed:
            self._call(_EditPost(post_id, {"comment_status": "open"}), post=ref.id)
        try:
            return add_all(post.comments, known, create, added=added, report=report)
        finally:
            if closed:
                self._call(_EditPost(post_id, {"comment_status": "closed"}), post=ref.id)


def _comment_time(value: Any) -> str | None:
    """An XML-RPC comment date (a ``DateTime`` or a datetime, UTC) as a WordPress ``*_gmt`` field."""
    if isinstance(value, xmlrpc.client.DateTime):
        value = dt.datetime.strptime(value.value, "%Y%m%dT%H:%M:%S")
    when = _utc(value)
    return when.replace(tzinfo=None).isoformat() if when is not None else None


def _fields_of(wp: Any) -> dict[str, Any]:
    """The fields of issue 15 a fetched post holds (its parent page is read by the backend)."""
    openness = {"open", "closed"}
    fields = {name: getattr(wp, name, None) for name in ("comment_status", "ping_status", "post_format")}
    custom = getattr(wp, "custom_fields", None) or []
    values: dict[str, list[Any]] = {}
    for field in custom if isinstance(custom, list) else []:
        key, value = str(field.get("key", "")), field.get("value")
        if key and not key.startswith("_") and value not in (None, ""):
            values.setdefault(key, []).append(value)
    metadata = {key: found[0] if len(found) == 1 else found for key, found in values.items()}
    return {
        "post_type": "page" if getattr(wp, "post_type", "post") == "page" else "post",
        "menu_order": int(getattr(wp, "menu_order", 0) or 0),
        "password": getattr(wp, "password", None) or None,
        "sticky": bool(getattr(wp, "sticky", False)),
        "comment_status": fields["comment_status"] if fields["comment_status"] in openness else None,
        "ping_status": fields["ping_status"] if fields["ping_status"] in openness else None,
        "format": fields["post_format"] if fields["post_format"] not in (None, "", "standard") else None,
        "metadata": metadata,
    }


def _status(said: Any, created: dt.datetime | None) -> str:
    """A post's status as XML-RPC says it: WordPress answers ``publish`` for a post scheduled for later
    (``future``), which its date in the future tells apart."""
    status = str(said or "draft")
    if status == "publish" and created is not None and created > dt.datetime.now(dt.UTC):
        return "future"
    return status


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


__all__ = ["WordPressPost", "WordPressXMLRPC"]
