"""Migration between any two backends: resumable, with an id map, progress and a report.

:func:`migrate` streams ``source.list()`` and writes each post to ``target``. A SQLite id map (``state``)
records, per source site and post id and per target site, the target post's id and the source post's
version; so a re-run (after Ctrl-C, a crash, or later to pick up changes):

- skips a post that is mapped and unchanged (same source version token);
- updates the mapped target post when the source post changed (and creates it again if it was deleted);
- creates the rest, recording the mapping right after each create returns.

**Crash between create and record; other people's posts.** Migration never overwrites a post it did not
make. Before each create, the id map records that the create began and the slug it is sent with (a slug
no post on the target holds then); the mapping, once recorded, ends it. When the map has no mapping for a
source post that has a slug, a target post found by slug is *adopted* (mapped, then updated) only when
this migration's id map or the post's own source reference proves it ours: it holds the slug of a create
begun for this source post and never recorded (the process was killed during or right after it) and the
source post's title, or its ``sources`` name the source post (system, site and id; where the target
stores them). Any other post holding the slug (someone else's, even of the same title) is left alone: the
source post is created under the first free slug ``SLUG-2``, ``SLUG-3``... and the change is reported as a
loss of that post. Source posts without a slug are always created.

**Authors** are site accounts on WordPress and Ghost: a source author the target does not know fails that
post's create (NotFoundError). ``authors="drop"`` (the default) migrates posts to such targets without
authors and reports the loss on each post (a local folder, whose authors are plain names, keeps them);
``"keep"`` sends them as they are (a post whose author is missing fails and is reported, the migration
goes on); a mapping sends the mapped names and drops (reporting) the rest.

**Pages** are written after the posts, each parent page before its children (:func:`pages_last`); the
target finds a child's parent by its slug.

**Comments** are read with each post written (beside it from WordPress, with it from an export or a
folder) and written beside it to a target that holds comments so (WordPress: parents first, with their
dates and statuses; each recorded in the id map as soon as it is written, so a re-run adds only those
not written yet); a folder keeps them with the post; any other target reports them as not written. A
post skipped as unchanged is not read again, nor are its comments.

**Links** between the source's posts are left as they are, or with ``links="rewrite"`` pointed at the
migrated posts (:class:`_Links`); the id map keeps both addresses of each post, from which
:mod:`cmsbridge.migration.redirects` writes redirects.

Each post's failure (:class:`~cmsbridge.errors.CMSBridgeError`) is recorded in the report and the
migration goes on. Ctrl-C stops the run (what was recorded stays recorded) and raises
:class:`MigrationInterrupted` (a ``KeyboardInterrupt`` carrying the report so far); a re-run resumes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Literal, cast
from urllib.parse import parse_qs, urlsplit, urlunsplit

from ..backends.base import (
    Backend,
    Fetched,
    Folder,
    HoldsComments,
    PostRef,
    source_of,
    written_content,
)
from ..backends.media import LocalMedia, MediaRoots, copy_images, local_media
from ..errors import CMSBridgeError, ConflictError, NotFoundError, UsageError, redact_url
from ..http import NoRetry, Transport
from ..model import Post, SourceRef
from ..report import ConversionReport
from ..retry import default_policy
from ..store import LocalPace, PostgresDatabase, SharedPace, WorkList
from .idmap import IdMap, Mapped
from .links import rewrite_links
from .outcomes import Action, Outcomes
from .outcomes import PostOutcome as PostOutcome  # part of this module's interface
from .slugs import SlugBook
from .workers import Workers

Authors = Literal["keep", "drop"] | Mapping[str, str]
Media = Literal["keep", "copy"]
Links = Literal["keep", "rewrite"]

WHOLE_EVERY = 1.0
"""Seconds between two reports of the whole migration's progress (one count query on the store)."""


@dataclass
class MigrationReport:
    """Counts, per-post losses and failures of one :func:`migrate` run (secrets never included)."""

    source: str
    target: str
    dry_run: bool = False
    interrupted: bool = False
    posts: Outcomes = field(default_factory=Outcomes)
    """Every post's outcome, in order (those past the first few thousand kept in a temporary file:
    :mod:`cmsbridge.migration.outcomes`)."""
    migration: dict[str, int] = field(default_factory=dict)
    """The whole migration's posts by outcome (``todo`` for those left), from the store: every run's and
    every worker's."""

    def __post_init__(self) -> None:
        if not isinstance(self.posts, Outcomes):  # a list given
            self.posts = Outcomes(self.posts)

    def count(self, action: Action) -> int:
        return self.posts.tally(action)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def skipped(self) -> int:
        return self.count("skipped")

    @property
    def failed(self) -> int:
        return self.count("failed")

    @property
    def ok(self) -> bool:
        """Every post read was migrated (or already was) and the run was not interrupted."""
        return not self.failed and not self.interrupted

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "target": self.target,
            "dry_run": self.dry_run,
            "interrupted": self.interrupted,
            "counts": {a: self.count(a) for a in ("created", "updated", "skipped", "failed")},
            "posts": [asdict(p) for p in self.posts],
            "migration": self.migration,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_text(self) -> str:
        head = f"{self.source} -> {self.target}{' (dry run)' if self.dry_run else ''}"
        counts = ", ".join(f"{self.count(a)} {a}" for a in ("created", "updated", "skipped", "failed"))
        lines = [head, counts + (" (interrupted: run again to resume)" if self.interrupted else "")]
        if self.migration:
            whole = ", ".join(f"{n} {action}" for action, n in sorted(self.migration.items()))
            lines.append(f"the whole migration: {whole}")
        for p in self.posts:
            if p.error:
                lines.append(f"failed {p.source_id} {p.title!r}: {p.error}")
            lines.extend(f"loss {p.source_id} -> {p.target_id or '-'}: {loss}" for loss in p.losses)
        return "\n".join(lines)


class MigrationInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`migrate`; ``report`` holds what was done (and saved) so far."""

    def __init__(self, report: MigrationReport) -> None:
        super().__init__("migration interrupted")
        self.report = report


# --- migrating -------------------------------------------------------------------------------------


def migrate(
    source: Backend,
    target: Backend,
    *,
    state: str | os.PathLike[str],
    since: dt.datetime | None = None,
    status: str | None = None,
    limit: int | None = None,
    dry_run: bool = False,
    authors: Authors = "drop",
    media: Media = "keep",
    links: Links = "keep",
    progress: Callable[[PostOutcome], None] | None = None,
    media_roots: MediaRoots = (),
    workers: int = 1,
    rate: float | None = None,
    lease: float = 120.0,
    progress_whole: Callable[[Mapping[str, int]], None] | None = None,
) -> MigrationReport:
    """Copy ``source``'s posts (modified since ``since``, of ``status``) to ``target``; see the module
    docstring. ``limit`` caps the posts created, updated or failed in this run (skipped ones do not
    count), so repeated runs migrate in batches. ``dry_run`` reads both sites and the map but writes
    nothing; it reports the losses and refusals the real run reports (both write the post through the
    target's :meth:`~cmsbridge.backends.base.Backend.prepared` and
    :func:`~cmsbridge.backends.base.written_content`), except what only a write shows (what the server's
    filters change, a template the theme refuses, a parent page not on the site yet, images copied).
    ``media="copy"`` uploads the posts' images to the target and points the posts at them (see
    :func:`cmsbridge.backends.media.copy_images`); ``"keep"`` leaves them where they are.
    ``links="rewrite"`` points links between migrated posts at their new addresses (see :class:`_Links`).
    ``progress`` is called after each post; ``progress_whole`` with the whole migration's posts by outcome
    (every worker's, on every machine sharing the state: ``todo`` for those left), at most every
    :data:`WHOLE_EVERY` seconds and once at the end.

    ``workers`` threads migrate posts in parallel; the same migration run in other processes (on other
    machines, with the same PostgreSQL ``state``) shares the work (:mod:`cmsbridge.migration.workers`):
    each post is claimed for ``lease`` seconds at a time, renewed while this process lives.
    ``rate`` caps the requests per second to the target's host, for every worker together; a 429 or
    ``Retry-After`` from it pauses every worker. The report lists what this run did; its ``migration``
    counts every post of the whole migration by outcome, whichever worker wrote it.

    Images named by a local path (an export's ``attachment_url``, a front matter's ``featured_image``) are
    read only inside a ``files:`` source's own folder and the folders in ``media_roots``; the target may
    read them there while the migration runs. Any other local image is reported and left out
    (:func:`cmsbridge.backends.media.local_media`)."""
    _refuse_pointless(source, target)
    report = MigrationReport(source=redact_url(source.site), target=redact_url(target.site), dry_run=dry_run)
    roots = (*media_roots, source.root) if isinstance(source, Folder) else tuple(media_roots)
    ids = IdMap(state)
    rewriter = _Links(source, target, ids) if links == "rewrite" else None
    slugs = SlugBook(target)
    work = None if dry_run else WorkList(ids.db, _job(source, target), lease=lease)
    lock = threading.Lock()

    told = [-WHOLE_EVERY]

    def record(outcome: PostOutcome) -> None:
        report.posts.append(outcome)
        if progress is not None:
            progress(outcome)
        if progress_whole is not None and work is not None and time.monotonic() - told[0] >= WHOLE_EVERY:
            told[0] = time.monotonic()
            progress_whole(work.counts())

    def failed(source_id: str, exc: BaseException) -> PostOutcome:
        error = redact_url(str(exc)) if isinstance(exc, CMSBridgeError) else type(exc).__name__
        return PostOutcome(source_id, "", "failed", None, error=error)

    crew = Workers(
        work=work,
        one=lambda f: _one(source, target, ids, f, dry_run, authors, media, roots, rewriter, slugs=slugs),
        get=source.get,
        status=lambda o: (o.action, json.dumps(asdict(o), ensure_ascii=False)),
        record=record,
        failed=failed,
        written=lambda o: o.action != "skipped",
        threads=max(1, workers),
        limit=limit,
    )
    try:
        with _reading_media_from(target, roots), _paced(target, ids, rate, workers):
            listed = slugs.learning(
                source.list(since=since, status=status),
                lambda f: ids.get(source.site, f.ref.id, target.site) is None,
            )
            crew.run(pages_last(listed))
            for skipped in source.skipped if isinstance(source, Folder) else ():
                name, _, reason = skipped.partition(": ")  # a file of the folder that is not a post
                report.posts.append(PostOutcome(source_id=name, title="", action="failed", error=reason))
            if rewriter is not None and not dry_run:
                with lock:
                    rewriter.finish(
                        report,
                        lambda f: _one(source, target, ids, f, False, authors, media, roots, rewriter, True),
                    )
            if work is not None:
                report.migration = work.counts()
                if progress_whole is not None:
                    progress_whole(report.migration)
    except KeyboardInterrupt:
        report.interrupted = True
        raise MigrationInterrupted(report) from None
    finally:
        ids.close()
    return report


def _job(source: Backend, target: Backend) -> str:
    """The work list's name for the migration of ``source`` into ``target``."""
    return f"migrate {redact_url(source.site)} -> {redact_url(target.site)}"


@contextlib.contextmanager
def _paced(target: Backend, ids: IdMap, rate: float | None, workers: int) -> Iterator[None]:
    """With ``rate`` or several workers: one pace for the target's host, shared by every worker (in the
    store when it is PostgreSQL, so by every machine), and a 429 retried after the pause it asks for."""
    transport = getattr(target, "transport", None)
    if not isinstance(transport, Transport) or (rate is None and workers <= 1):
        yield
        return
    pace = SharedPace(ids.db, rate) if isinstance(ids.db, PostgresDatabase) else LocalPace(rate)
    before = transport.pace, transport.retry
    transport.pace = pace
    if isinstance(transport.retry, NoRetry):
        transport.retry = default_policy()
    try:
        yield
    finally:
        transport.pace, transport.retry = before


_READ_ONLY_SYSTEMS = frozenset({"wxr"})


def pages_last(listed: Iterator[Fetched]) -> Iterator[Fetched]:
    """The posts as they come, then the pages, each parent page before its children (a child page is
    written under its parent, which the target finds by slug, so the parent must be there first)."""
    pages: list[Fetched] = []
    for fetched in listed:
        if fetched.post.post_type == "page":
            pages.append(fetched)
        else:
            yield fetched
    slugs = {f.post.slug for f in pages if f.post.slug}
    done: set[str] = set()
    while pages:
        ready = [f for f in pages if f.post.parent not in slugs or f.post.parent in done]
        ready = ready or pages[:1]  # a loop of parents: written in the order listed
        for fetched in ready:
            pages.remove(fetched)
            done.add(fetched.post.slug or "")
            yield fetched


def _refuse_pointless(source: Backend, target: Backend) -> None:
    """A UsageError, before anything is read or written, for a target that is the source itself or
    cannot be written at all (an export file)."""
    if target.capabilities.system in _READ_ONLY_SYSTEMS:
        raise UsageError(f"cannot migrate into {redact_url(target.site)}: it is read-only (a source only)")
    if _site_key(source) == _site_key(target):
        raise UsageError(f"cannot migrate {redact_url(source.site)} into itself")


def _site_key(backend: Backend) -> str:
    """What tells two sites apart: a folder's real path and file kind, else the site URL (host case-blind)."""
    if isinstance(backend, Folder):
        return f"files:{backend.root.resolve()}{backend.extension}"
    parts = urlsplit(backend.site)
    return urlunsplit(parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower())).rstrip("/")


class _Links:
    """Links between the source site's posts, pointed at the migrated posts (``links="rewrite"``).

    A link is the source site's when its host is the source site's or that of a migrated post's source
    address. It is rewritten when the post it points to is migrated (found by its address, or by
    WordPress's ``?p=ID``); the fragment is kept. Since a source lists its newest posts first and posts
    mostly link to older ones, links are often to posts not migrated yet: such a post is remembered, and
    once this run has migrated what its links point to, it is written again (:meth:`finish`), in this run
    or a later one. Links inside raw markup are reported, not rewritten."""

    def __init__(self, source: Backend, target: Backend, ids: IdMap) -> None:
        self.source, self.src, self.dst, self.ids = source, source.site, target.site, ids
        self.hosts = ids.source_hosts(self.src, self.dst)
        site_host = urlsplit(source.site.split("+", 1)[-1]).hostname
        if site_host:
            self.hosts.add(site_host.lower())

    def internal(self, address: str) -> bool:
        host = urlsplit(address).hostname
        return host is not None and host.lower() in self.hosts

    def resolve(self, address: str) -> str | None:
        """The migrated post's address; in a local folder, its file name (the posts lie side by side)."""
        found = self.ids.target_link(self.src, self.dst, address)
        if found is None:
            query = parse_qs(urlsplit(address).query)
            for key in ("p", "page_id"):
                if query.get(key, [""])[0].isdigit():
                    found = self.ids.target_link_of(self.src, self.dst, query[key][0])
                    break
        if found is not None and found.startswith("file:"):
            return found.rsplit("/", 1)[-1]
        return found

    def would_change(self, fetched: Fetched, post: Post) -> bool:
        """Whether rewriting would change a link of ``post`` (or find one not migrated yet)."""
        _, done = rewrite_links(post, base=fetched.ref.link, internal=self.internal, resolve=self.resolve)
        return bool(done.changed or done.unresolved)

    def apply(self, fetched: Fetched, post: Post, losses: ConversionReport) -> tuple[Post, list[str]]:
        """``post`` with its links rewritten, and the links that could not be (yet)."""
        if fetched.ref.link:
            host = urlsplit(fetched.ref.link).hostname
            if host:
                self.hosts.add(host.lower())
        post, done = rewrite_links(post, base=fetched.ref.link, internal=self.internal, resolve=self.resolve)
        if done.unresolved:
            losses.warn(
                "migrate",
                f"{len(done.unresolved)} link(s) into the source site match no migrated post (yet) and kept"
                " their address: " + ", ".join(sorted(set(done.unresolved))[:3]),
            )
        if done.in_raw:
            losses.warn(
                "migrate",
                f"{len(done.in_raw)} link(s) to the source site inside raw markup not rewritten: "
                + ", ".join(sorted(set(done.in_raw))[:3]),
            )
        return post, done.unresolved

    def finish(self, report: MigrationReport, redo: Callable[[Fetched], PostOutcome]) -> None:
        """Write again the posts whose links now point to migrated posts; their outcome in ``report`` is
        updated (a post of an earlier run is added as updated)."""
        ready = [
            source_id
            for source_id, pending in self.ids.pending(self.src, self.dst)
            if any(self.resolve(link.partition("#")[0]) for link in pending)
        ]
        # each one's last outcome in this run, found in one pass over the report (it may be long)
        wanted = set(ready)
        last = {o.source_id: k for k, o in enumerate(report.posts) if o.source_id in wanted} if ready else {}
        for source_id in ready:
            try:
                fetched = self.source.get(source_id)
            except NotFoundError:
                self.ids.set_pending(self.src, source_id, self.dst, [])
                continue
            except CMSBridgeError as exc:
                report.posts.append(PostOutcome(source_id, "", "failed", None, error=redact_url(str(exc))))
                continue
            again = redo(fetched)
            earlier = last.get(source_id)
            if earlier is None:
                report.posts.append(again)
                continue
            first = report.posts[earlier]
            if first.action in ("created", "updated") and again.action != "failed":
                # written earlier in this run: that stays its outcome, with the final losses
                again = replace(again, action=first.action, adopted=first.adopted)
            report.posts[earlier] = again


def _one(
    source: Backend,
    target: Backend,
    ids: IdMap,
    fetched: Fetched,
    dry_run: bool,
    authors: Authors,
    media: Media,
    roots: MediaRoots,
    rewriter: _Links | None = None,
    again: bool = False,
    slugs: SlugBook | None = None,
) -> PostOutcome:
    """Migrate one post; ``again``: write it even when the map says it is up to date (its links)."""
    src_site, dst_site = source.site, target.site
    title = fetched.post.title
    losses = ConversionReport()
    losses.losses.extend(fetched.report.losses)
    post = _prepared(source, target, fetched, authors, losses)
    try:
        mapped = ids.get(src_site, fetched.ref.id, dst_site)
        if not again and mapped is not None and mapped.source_version == fetched.version.token:
            if not dry_run and not mapped.has_links and fetched.ref.link:
                _backfill_links(target, ids, src_site, fetched, mapped.target_id)
            written_without = mapped.links != "rewrite"
            if rewriter is None or not written_without or not rewriter.would_change(fetched, post):
                return PostOutcome(fetched.ref.id, title, "skipped", mapped.target_id)
            # unchanged, but written before its links were rewritten: written again below
        post = _with_source_comments(source, fetched, post, losses)
        adopted = False
        if mapped is None:
            found, post = _placed(target, source, ids, fetched, post, losses, slugs)
            if found is not None:
                adopted = True
                mapped = Mapped(found.ref.id, "")
                if not dry_run:
                    # mapped first (as not yet up to date): never created twice
                    ids.record(src_site, fetched, dst_site, found.ref.id, version="")
        if media == "copy" and not dry_run:
            post = _with_copied_images(target, ids, post, losses, roots)
        unresolved: list[str] = []
        if rewriter is not None:
            post, unresolved = rewriter.apply(fetched, post, losses)
        comments = post.comments
        if target.capabilities.comments:
            post = post.replace(comments=())  # written beside the post, below
        if dry_run:
            # what create or update would report or refuse: the backend's own decision on the fields,
            # then the content (a refusal is this post's failure, as in the real run)
            written_content(target.prepared(post, losses), target.capabilities, losses)
            action: Action = "created" if mapped is None else "updated"
            return PostOutcome(
                fetched.ref.id,
                title,
                action,
                mapped.target_id if mapped else None,
                losses.messages(),
                adopted=adopted,
            )
        action = "updated"
        if mapped is not None:
            try:
                ref = target.update(mapped.target_id, post, report=losses)
            except NotFoundError:  # deleted on the target since: create it again
                ids.forget(src_site, fetched.ref.id, dst_site)
                ref, action = _create(target, ids, src_site, fetched, post, losses), "created"
        else:
            ref, action = _create(target, ids, src_site, fetched, post, losses), "created"
        links = "rewrite" if rewriter is not None else "keep"
        ids.record(src_site, fetched, dst_site, ref.id, target_link=ref.link, links=links)
        if comments and target.capabilities.comments:
            _add_comments(target, ids, src_site, fetched.ref.id, ref, post.replace(comments=comments), losses)
        if rewriter is not None:
            ids.set_pending(src_site, fetched.ref.id, dst_site, unresolved)
        return PostOutcome(fetched.ref.id, title, action, ref.id, losses.messages(), adopted=adopted)
    except CMSBridgeError as exc:
        return PostOutcome(
            fetched.ref.id, title, "failed", None, losses.messages(), error=redact_url(str(exc))
        )


def _with_source_comments(source: Backend, fetched: Fetched, post: Post, losses: ConversionReport) -> Post:
    """``post`` with its comments, read beside it where the source holds them so (WordPress); a source
    that reads them with the post (an export, a folder) has them already."""
    if not source.capabilities.comments:
        return post
    return post.replace(comments=cast(HoldsComments, source).comments(fetched.ref, report=losses))


def _add_comments(
    target: Backend,
    ids: IdMap,
    src_site: str,
    source_id: str,
    ref: PostRef,
    post: Post,
    losses: ConversionReport,
) -> None:
    """Write the comments of ``post`` the target post does not hold yet (by the id map), each recorded
    in the map as soon as it is written: a re-run adds none twice."""

    def added(source_comment: str, target_comment: str) -> None:
        ids.record_comment(src_site, source_id, target.site, source_comment, target_comment)

    known = ids.comments(src_site, source_id, target.site)
    cast(HoldsComments, target).add_comments(ref, post, known, added=added, report=losses)


def _backfill_links(target: Backend, ids: IdMap, src_site: str, fetched: Fetched, target_id: str) -> None:
    """A post mapped by an earlier version without its addresses: record them (for links, redirects)."""
    try:
        link = target.get(target_id).ref.link
    except NotFoundError:
        return  # deleted on the target: the next change of the source post creates it again
    if link and fetched.ref.link:
        ids.set_links(src_site, fetched.ref.id, target.site, fetched.ref.link, link)


@contextlib.contextmanager
def _reading_media_from(target: Backend, roots: MediaRoots) -> Iterator[None]:
    """The target may read local images inside ``roots`` (as well as its own) while the block runs."""
    if not roots or not isinstance(target, LocalMedia):
        yield
        return
    before = target.media_roots
    target.media_roots = (*before, *roots)
    try:
        yield
    finally:
        target.media_roots = before


def _with_copied_images(
    target: Backend, ids: IdMap, post: Post, losses: ConversionReport, roots: MediaRoots
) -> Post:
    def local(src: str) -> str | None:
        path = local_media(src, roots)
        return None if path is None else str(path)

    by_address = target.capabilities.featured_image_by_address
    if not by_address and post.featured_image:  # the backend uploads it itself, from a file or the web
        post = post.replace(featured_image=local(post.featured_image) or post.featured_image)
    return copy_images(
        post,
        upload=target.upload_media,
        target_site=target.site,
        known=ids.media(target.site),
        report=losses,
        local=local,
        featured=by_address,
        attachment_ids=target.capabilities.system == "wordpress",
    )


def _source_ref(source: Backend, fetched: Fetched) -> SourceRef:
    return source_of(source.capabilities.system, source.site, fetched.ref)


def _prepared(
    source: Backend, target: Backend, fetched: Fetched, authors: Authors, losses: ConversionReport
) -> Post:
    """What is written to the target: the post with its provenance appended, and its authors as the
    ``authors`` option says (a target whose authors are names, not accounts, keeps them).

    The blocks keep their source markup: a target that writes the same markup (WordPress to WordPress, a
    WordPress export to WordPress, Ghost to Ghost) writes unchanged blocks as they were, with what the
    model does not hold (alignment, colours, classes); any other reports it as a loss."""
    post: Post = fetched.post
    ref = _source_ref(source, fetched)
    if not any(_same_source(s, ref) for s in post.sources):
        post = post.replace(sources=(*post.sources, ref))
    if (
        not post.authors
        or authors == "keep"
        or (authors == "drop" and not target.capabilities.author_accounts)
    ):
        return post
    kept = () if authors == "drop" else tuple(authors[a] for a in post.authors if a in authors)
    dropped = [a for a in post.authors if authors == "drop" or a not in authors]
    if dropped:
        losses.warn("migrate", f"authors not migrated (no account on the target): {', '.join(dropped)}")
    return post.replace(authors=kept)


def _same_source(a: SourceRef, b: SourceRef) -> bool:
    return (a.system, a.site, a.id) == (b.system, b.site, b.id)


MAX_SLUG_TRIES = 20
"""How many slugs (``SLUG``, ``SLUG-2``...) are tried for a post whose slug other posts hold."""


def _placed(
    target: Backend,
    source: Backend,
    ids: IdMap,
    fetched: Fetched,
    post: Post,
    losses: ConversionReport,
    slugs: SlugBook | None = None,
) -> tuple[Fetched | None, Post]:
    """For a source post the id map does not map: the target post to adopt (one this migration made, see
    the module docstring), or None and the post to create, under a slug no target post holds (a slug
    ``slugs`` learned free is not looked up again)."""
    slug = post.slug
    if not slug:
        return None, post
    ref = _source_ref(source, fetched)
    begun = ids.begun_create(source.site, fetched.ref.id, target.site)
    if begun is not None:
        found = target.find(slug=begun)
        if found is not None and (_names(found, ref) or found.post.title == fetched.post.title):
            return found, post.replace(slug=begun)
    for n in range(1, MAX_SLUG_TRIES + 1):
        candidate = slug if n == 1 else f"{slug}-{n}"
        if n == 1 and slugs is not None and slugs.free(candidate):
            return None, post
        found = target.find(slug=candidate)
        if found is None:
            if n == 1:
                return None, post
            losses.warn(
                "migrate",
                f"the slug {slug!r} is held on the target by a post this migration did not make "
                f"(left alone): created as {candidate!r}",
            )
            return None, post.replace(slug=candidate)
        if _names(found, ref):
            return found, post.replace(slug=candidate)
    raise ConflictError(
        f"the slugs {slug!r} to '{slug}-{MAX_SLUG_TRIES}' are all held on the target by other posts",
        site=target.site,
    )


def _names(found: Fetched, ref: SourceRef) -> bool:
    """Whether the target post's own source references name the source post ``ref``."""
    return any(_same_source(s, ref) for s in found.post.sources)


def _create(
    target: Backend, ids: IdMap, src_site: str, fetched: Fetched, post: Post, losses: ConversionReport
) -> PostRef:
    """Create ``post`` on the target, the create recorded as begun first (see the module docstring)."""
    if post.slug:
        ids.begin_create(src_site, fetched.ref.id, target.site, post.slug)
    return target.create(post, report=losses)
