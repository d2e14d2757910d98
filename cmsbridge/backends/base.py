"""The one protocol every CMS backend implements (WordPress REST and XML-RPC, Ghost, a local folder).

A backend is obtained from :func:`cmsbridge.connect` and speaks :class:`~cmsbridge.model.Post`:

- ``create(post) -> PostRef``; ``get(ref) -> Fetched`` (the post, plus the CMS's raw content and version);
  ``update(ref, post) -> PostRef``; ``delete(ref)``; ``list(...)`` streams every page lazily;
  ``find(slug=...)``. Categories and tags are created on demand, authors looked up by name, login or
  e-mail, and a featured image given as a local file is uploaded when it lies inside the backend's
  ``media_roots`` (none by default; :func:`cmsbridge.backends.media.local_media`), else reported and left out.
- The live-update primitive (issue 4): ``read_versioned(ref) -> Versioned`` (the raw stored content and an
  opaque :class:`Version`) and ``write_content(ref, content, expected) -> Written`` which writes the content
  *only* (never title, excerpt, status...). Where the CMS has conditional writes (XML-RPC
  ``if_not_modified_since``, Ghost ``updated_at``) the write is conditional and raises
  :class:`WriteConflictError` with ``applied=False``; where it has none (WordPress REST) an interleaved
  write is detected right after ours from the server's answer (revision count) and raises
  :class:`WriteConflictError` with ``applied=True``: our content is stored, the other writer's content
  change was overwritten and must be re-applied on top (``overwritten`` holds it when recoverable).
  WordPress's own read-modify-write can undo a change saved while it handles our write, past the XML-RPC
  condition too; both WordPress backends find that in the revisions afterwards, write back the title and
  excerpt it undid, and raise the same ``applied=True`` error (:mod:`.wordpress_revisions`).

Transport (a ``requests.Session``), the retry policy, the run's deadline and the sleep function are injected
through :class:`Transport` (:mod:`cmsbridge.http`, through which every request goes); nothing is sent at
construction time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, Self, runtime_checkable
from urllib.parse import urlsplit

from ..errors import ConflictError, UnsupportedError, UsageError
from ..formats import content_only
from ..formats import write as write_format
from ..http import DEFAULT_TIMEOUT, USER_AGENT, NoRetry, RetryPolicy, Transport
from ..model import Comment, Post, SourceRef
from ..report import ConversionReport
from .ids import shown

# --- references, fetched posts, versions -----------------------------------------------------------


@dataclass(frozen=True)
class PostRef:
    """A post on a site: its id there (always a string) and, when known, its public link."""

    id: str
    link: str | None = None

    def __str__(self) -> str:
        return self.id


Ref = PostRef | str | int
"""What the operations accept as a post reference: a :class:`PostRef` or a bare id."""


def as_ref(ref: Ref) -> PostRef:
    """``ref`` as a :class:`PostRef`."""
    return ref if isinstance(ref, PostRef) else PostRef(id=str(ref))


def source_of(system: str, site: str, ref: PostRef) -> SourceRef:
    """Where a post was read: the system, the site and the post's id and link there (a fetched post's
    provenance, which a migration matches on)."""
    return SourceRef(system=system, site=site, id=ref.id, link=ref.link)


def http_site(url: str, *, prefix: str = "") -> str | None:
    """The site an ``http(s)`` URL with a host names, as a backend addresses it: ``scheme://host[:port]/path``
    without credentials or a trailing slash (a scheme ``prefix`` such as ``ghost+`` dropped first); None
    for any other URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.removeprefix(prefix)
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{scheme}://{parts.netloc.rpartition('@')[2]}{parts.path.rstrip('/')}"


@dataclass(frozen=True)
class Version:
    """What a versioned read saw, enough to make or check a conditional write.

    ``token`` is opaque and compares equal when nothing changed. ``modified`` is the CMS's last-modified
    time (UTC, one-second resolution on WordPress and Ghost); ``revisions`` and ``latest_revision`` are
    WordPress's ``version-history`` count and ``predecessor-version`` id, when the server exposes them.
    """

    token: str
    modified: dt.datetime | None = None
    revisions: int | None = None
    latest_revision: str | None = None


@dataclass(frozen=True)
class Versioned:
    """The stored content of a post (in the CMS's own format, ``format``) and its :class:`Version`."""

    ref: PostRef
    content: str = field(repr=False)
    format: str
    version: Version


@dataclass(frozen=True)
class Written:
    """The result of :meth:`Backend.write_content`: the new version and the content the CMS stored."""

    ref: PostRef
    content: str = field(repr=False)
    version: Version


@dataclass(frozen=True)
class Fetched:
    """A post read from a CMS: the post, the raw stored content and its format, the version, the API
    object as received (``data``, secrets never included) and what reading the raw content lost."""

    ref: PostRef
    post: Post
    raw: str = field(repr=False)  # a folder's file holds the post's password
    format: str
    version: Version
    data: Mapping[str, Any] = field(default_factory=dict, repr=False)
    report: ConversionReport = field(default_factory=ConversionReport, repr=False)


@dataclass(frozen=True)
class Media:
    """An uploaded file: its id on the site and its public URL."""

    id: str
    url: str


class WriteConflictError(ConflictError):
    """A content write collided with another writer.

    ``applied`` says whether our content was stored anyway (WordPress REST detects a collision only after
    the fact); ``current`` is the state after the failed or collided write when the backend read it;
    ``overwritten`` is the other writer's content that our write replaced, when recoverable (a revision).
    ``restores`` are more such changes, each as (the content it was based on, the content it saved): a
    write made while the backend was repairing the collision and undone by that repair.
    """

    def __init__(
        self,
        message: str,
        *,
        applied: bool,
        current: Versioned | None = None,
        overwritten: str | None = None,
        restores: tuple[tuple[str, str], ...] = (),
        **context: Any,
    ) -> None:
        self.applied = applied
        self.current = current
        self.overwritten = overwritten
        self.restores = restores
        super().__init__(message, **context)


# --- capabilities ------------------------------------------------------------------------------------

ConditionalWrite = Literal["native", "detected", "none"]


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do, so callers can choose a path instead of catching UnsupportedError."""

    system: str
    """``wordpress``, ``ghost`` or ``files``."""
    transport: str
    """``rest``, ``xmlrpc``, ``admin-api`` or ``files``."""
    content_format: str
    """The format name (in :mod:`cmsbridge.formats`) the CMS stores content in."""
    conditional_write: ConditionalWrite
    """``native``: the CMS refuses a stale write; ``detected``: a collision is detected right after the
    write; ``none``: last writer wins."""
    statuses: frozenset[str] = frozenset({"draft", "publish"})
    categories: bool = True
    tags: bool = True
    authors: bool = True
    author_accounts: bool = True
    """Authors must be accounts of the site (WordPress, Ghost); otherwise any name is kept as given."""
    featured_image: bool = True
    featured_image_by_address: bool = True
    """A featured image may be given as the address of an image already on the site (Ghost, a folder,
    WordPress REST, which finds it in its media library); otherwise only as a file or an image on another
    site, which the backend uploads itself (WordPress XML-RPC)."""
    trash: bool = False
    """``delete`` moves to a trash first (``force=True`` deletes for good)."""
    filters_content: bool = False
    """The server may rewrite content depending on the user's role (WordPress without unfiltered_html)."""
    max_page_size: int = 100
    authors_per_post: int | None = None
    """How many authors a post may have (WordPress: one); None for any number."""
    fields_in_content: bool = False
    """The post's fields are written in its content (a folder's front matter), so the content format
    says which it holds; otherwise the backend holds them outside the content, as the flags above say."""
    keeps_sources: bool = True
    """The post's provenance (its ``sources``) is written; otherwise it is left out, which is no loss."""
    post_types: frozenset[str] = frozenset({"post"})
    """The post types the backend writes (``post``, ``page``)."""
    page_fields: bool = False
    """A page's parent page is held."""
    page_order: bool = False
    """A page's ``menu_order`` (its place among its siblings) is held."""
    password: bool = False
    """A password-protected post is held protected; otherwise such a post is refused, never made public."""
    sticky: bool = False
    discussion: bool = False
    """Comment and ping status (open, closed) are held."""
    post_format: bool = False
    template: bool = False
    term_hierarchy: bool = False
    """Categories keep their parent categories; otherwise only their names are written."""
    seo: bool = False
    """Canonical URL, SEO title and description are held."""
    custom_fields: bool = False
    """The post's ``metadata`` (custom fields) is held."""
    comments: bool = False
    """The post's comments are read and written beside it, by ``comments(ref)`` and ``add_comments``
    (:class:`cmsbridge.backends.wordpress_comments.HoldsComments`: a migration does that; ``create`` and
    ``update`` write the post only)."""

    @property
    def display_name(self) -> str:
        """The system's name as a reader knows it."""
        return _SHOWN.get(self.system, self.system)


_SHOWN = {"wordpress": "WordPress", "ghost": "Ghost", "files": "a folder"}


def report_unheld_fields(post: Post, capabilities: Capabilities, report: ConversionReport) -> None:
    """Record each field of ``post`` that a backend holding fields outside its content will not hold."""
    if capabilities.fields_in_content:
        return  # the content format says, where the post crosses into it
    system, who = capabilities.system, capabilities.display_name
    for names, held, what in (
        (post.categories, capabilities.categories, "categories"),
        (post.tags, capabilities.tags, "tags"),
        (post.authors, capabilities.authors, "authors"),
    ):
        if names and not held:
            report.warn(system, f"{who} has no {what}; not written: {', '.join(map(str, names))}")
    most = capabilities.authors_per_post
    if capabilities.authors and most is not None and len(post.authors) > most:
        kept = ", ".join(repr(name) for name in post.authors[:most])
        report.warn(
            system, f"{who} has {'one author' if most == 1 else f'{most} authors'} per post; kept {kept}"
        )
    if post.featured_image and not capabilities.featured_image:
        report.warn(system, f"{who} has no featured image; not written: {post.featured_image}")
    _report_unheld_post_fields(post, capabilities, report)
    if post.comments:
        count = f"{len(post.comments)} comment(s)"
        if not capabilities.comments:
            report.warn(system, f"{who} holds no comments; not written: {count}")
        else:
            report.warn(system, f"{count} not written with the post (a migration adds them: add_comments)")


def _report_unheld_post_fields(post: Post, capabilities: Capabilities, report: ConversionReport) -> None:
    """The fields of issue 15 (page, sticky, discussion, format, template, SEO, custom fields)."""
    system, who = capabilities.system, capabilities.display_name
    if post.post_type not in capabilities.post_types:
        instead = "post" if "post" in capabilities.post_types else min(capabilities.post_types)
        report.warn(system, f"{who} holds no {post.post_type!r}; written as a {instead}")
    unheld = [
        (what, value)
        for what, value, held in (
            ("parent page", post.parent, capabilities.page_fields),
            ("menu order", post.menu_order or None, capabilities.page_order),
            ("sticky", post.sticky or None, capabilities.sticky),
            ("comment status", post.comment_status, capabilities.discussion),
            ("ping status", post.ping_status, capabilities.discussion),
            ("post format", post.format, capabilities.post_format),
            ("template", post.template, capabilities.template),
            ("canonical URL", post.canonical_url, capabilities.seo),
            ("SEO title", post.seo_title, capabilities.seo),
            ("SEO description", post.seo_description, capabilities.seo),
            ("custom fields", ", ".join(post.metadata) or None, capabilities.custom_fields),
        )
        if value is not None and not held
    ]
    for what, value in unheld:
        report.warn(system, f"{who} holds no {what}; not written: {value}")
    if capabilities.categories and not capabilities.term_hierarchy:
        nested = [" > ".join(term.path()) for term in post.categories if term.parent is not None]
        if nested:
            report.warn(system, f"{who} holds no parent categories; written by name: {', '.join(nested)}")


def refuse_unprotected(post: Post, capabilities: Capabilities) -> None:
    """A password-protected post is never written where it would lose its protection: an
    :class:`UnsupportedError` (naming the post, never its password) when the backend holds no password."""
    if post.password is not None and not capabilities.password:
        name = post.slug or post.title or "a post"
        raise UnsupportedError(
            f"{name!r} is password-protected and {capabilities.display_name} holds no post password; "
            "not written (it would become public)"
        )


def written_content(post: Post, capabilities: Capabilities, report: ConversionReport) -> str:
    """``post`` as the content a backend with ``capabilities`` writes, with every loss recorded in
    ``report``: the one path by which a post crosses into a backend (its create and update, and a
    migration's dry run, which therefore reports the same losses), after the backend's own
    :meth:`Backend.prepared`."""
    if not capabilities.keeps_sources:
        post = post.replace(sources=())
    if capabilities.fields_in_content:
        return write_format(post, capabilities.content_format, report=report)
    refuse_unprotected(post, capabilities)
    report_unheld_fields(post, capabilities, report)
    return write_format(content_only(post), capabilities.content_format, report=report)


def listed_status(status: str | None, capabilities: Capabilities) -> str | None:
    """The status a ``list`` filters on: None for every status (``None`` or ``any``), else ``status`` when
    the backend knows it (``capabilities.statuses``, and ``trash`` where deleting trashes); anything else
    is a :class:`UsageError` naming the statuses it knows, never an empty listing."""
    if not status or status == "any":
        return None
    known = capabilities.statuses | ({"trash"} if capabilities.trash else set())
    if status not in known:
        names = ", ".join(sorted(known))
        raise UsageError(f"{capabilities.system} has no post status {shown(status)}; known: {names}, any")
    return status


# --- transport, retries (defined in :mod:`cmsbridge.http`, the one HTTP boundary) ------------------------


class TransportBackend:
    """Closing and the context-manager protocol, shared by the backends that talk through a
    :class:`Transport`."""

    transport: Transport

    def close(self) -> None:
        if self.transport.session is not None:
            self.transport.session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- the protocol ------------------------------------------------------------------------------------


@runtime_checkable
class Backend(Protocol):
    """The operations every CMS backend provides. See the module docstring."""

    @property
    def site(self) -> str:
        """The site, printable: its URL without credentials."""
        ...

    @property
    def capabilities(self) -> Capabilities: ...

    def prepared(self, post: Post, report: ConversionReport) -> Post:
        """What the backend will write of ``post``'s fields: ``post`` with what it drops or changes of
        them (a field the post's type cannot have, a status it holds as another...) taken out or changed,
        each recorded in ``report``; a post it refuses (one that would become public) raises a
        :class:`~cmsbridge.errors.CMSBridgeError`. The one place a backend decides this: ``create`` and
        ``update`` call it, and so does a migration's dry run (before :func:`written_content`), which
        therefore reports the same losses and refusals as the real run. Reads the site at most (what it
        exposes), never writes."""
        ...

    def create(self, post: Post, *, report: ConversionReport | None = None) -> PostRef:
        """Create ``post`` (status as in ``post.status``); losses (content the server filtered out,
        blocks the CMS cannot hold) are recorded in ``report`` (or issued as ConversionWarning)."""
        ...

    def get(self, ref: Ref) -> Fetched:
        """Read one post (NotFoundError when it does not exist)."""
        ...

    def update(self, ref: Ref, post: Post, *, report: ConversionReport | None = None) -> PostRef:
        """Replace the post's content and metadata with ``post``'s."""
        ...

    def delete(self, ref: Ref, *, force: bool = False) -> None:
        """Delete (or move to the trash when the CMS has one and ``force`` is False)."""
        ...

    def list(
        self,
        *,
        since: dt.datetime | None = None,
        status: str | None = None,
        author: str | None = None,
        search: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[Fetched]:
        """Every matching post exactly once, newest first, fetched page by page as the iterator is consumed.

        Newest by creation on WordPress and Ghost (the order of their ids, which pages cannot skip), by
        the file's modification time in a local folder, by date in an export file.

        ``since`` keeps posts modified at or after that time; ``status`` defaults to every status the
        user may see (``any``); a status the backend does not know is a UsageError (:func:`listed_status`)."""
        ...

    def find(self, *, slug: str) -> Fetched | None:
        """The post with this slug (any status), or None."""
        ...

    def upload_media(self, path: str) -> Media:
        """Upload a local file to the site's media library."""
        ...

    def read_versioned(self, ref: Ref) -> Versioned:
        """The stored content and its version, in one request."""
        ...

    def write_content(self, ref: Ref, content: str, expected: Version) -> Written:
        """Write ``content`` (raw, in ``capabilities.content_format``) and nothing else.

        Conditional on ``expected`` where the CMS allows it, checked right after where it does not; raises
        :class:`WriteConflictError` on a collision."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class RecoversOverwritten(Protocol):
    """A backend that can read back the content a write of ours overwrote (WordPress REST, from its
    revisions), so the live-update engine can re-apply the other writer's change."""

    def read_overwritten(self, ref: Ref, version: Version) -> str | None:
        """The content stored just before the write that produced ``version``, or None."""
        ...


Added = Callable[[str, str], None]
"""Called with (source comment id, target comment id) right after each comment is written."""


class HoldsComments(Protocol):
    """A backend that reads and writes a post's comments beside the post: one whose
    ``capabilities.comments`` is true (WordPress over REST and XML-RPC; see
    :mod:`cmsbridge.backends.wordpress_comments`). Callers check the capability, then ``cast``."""

    def comments(self, ref: Ref, *, report: ConversionReport | None = None) -> tuple[Comment, ...]:
        """The post's comments, parents before their replies (none, reported, where the user may not
        read them all)."""
        ...

    def add_comments(
        self,
        ref: Ref,
        post: Post,
        known: Mapping[str, str],
        *,
        added: Added | None = None,
        report: ConversionReport | None = None,
    ) -> dict[str, str]:
        """Write the comments of ``post`` not in ``known`` (source comment id -> target comment id) to the
        post ``ref``, parents first, with their dates and statuses; the whole map, ``known`` included."""
        ...


@runtime_checkable
class KnowsSlugs(Protocol):
    """A backend that tells in bulk which slugs its posts and pages hold: a migration asks once per batch
    of the source listing (:mod:`cmsbridge.migration.slugs`) instead of one :meth:`Backend.find` per
    post."""

    def held_slugs(self, slugs: Sequence[str]) -> set[str]:
        """Those of ``slugs`` a post or page of the site holds (as :meth:`Backend.find` would find it),
        and those it could not ask about in bulk (:meth:`Backend.find` tells)."""
        ...


@runtime_checkable
class Folder(Protocol):
    """A backend whose posts are files of a folder on this machine (``files:``): the images its posts name
    may be read inside ``root``; files of it that are not posts are named in ``skipped`` as a listing meets
    them; two folders are one site when their real paths and file ``extension`` match."""

    root: Path
    extension: str
    skipped: list[str]


__all__ = [
    "DEFAULT_TIMEOUT",
    "USER_AGENT",
    "Added",
    "Backend",
    "Capabilities",
    "Fetched",
    "Folder",
    "HoldsComments",
    "KnowsSlugs",
    "Media",
    "NoRetry",
    "PostRef",
    "RecoversOverwritten",
    "Ref",
    "RetryPolicy",
    "Transport",
    "TransportBackend",
    "Version",
    "Versioned",
    "WriteConflictError",
    "Written",
    "as_ref",
    "http_site",
    "listed_status",
    "refuse_unprotected",
    "report_unheld_fields",
    "source_of",
    "written_content",
]
