"""``files:PATH``: a folder of posts, one file per post (Markdown with YAML front matter by default).

The default backend: it needs no server. A post's id is its file name without the extension (the slug,
made unique with ``-2``, ``-3``...). Files are written atomically (a temporary file, then a rename);
``write_content`` is conditional on the file's content hash under an exclusive lock, so two writers never
overwrite each other. Media go to ``PATH/media/``.

One bad file (not a regular file, such as a FIFO or a folder named ``x.md``; unreadable; not UTF-8; bad
front matter) does not stop a listing: it is left out and named in :attr:`FilesBackend.skipped`, and
reading it by its id gives one error. A folder that cannot be written is a :class:`UsageError`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import os
import re
import secrets
import shutil
import stat
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import BackendError, CMSBridgeError, NotFoundError, UsageError
from ..formats import ALIASES, extension
from ..formats import read as read_format
from ..model import Post
from ..report import ConversionReport, ensure_report
from .base import (
    Capabilities,
    Fetched,
    Media,
    PostRef,
    Ref,
    Version,
    Versioned,
    WriteConflictError,
    Written,
    as_ref,
    listed_status,
    refuse_unprotected,
    source_of,
    written_content,
)
from .ids import shown
from .media import MediaRoots, is_web_address, local_media, local_refused

KEEPS_SOURCES = frozenset({"markdown", "json"})
"""The formats whose files hold a post's ``sources`` (its provenance: front matter, the JSON document).
Other formats hold none, and the folder leaves them out as it always did, without a loss per post."""
KEEPS_PASSWORD = frozenset({"markdown", "json", "wxr"})
"""The formats whose files hold a post's password (the folder is the user's own, and a protected post read
back from it stays protected). A folder of another format (HTML a web server may publish) refuses a
protected post rather than write it open."""
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
_CALLERS_FAULT = {
    errno.EACCES,
    errno.EPERM,
    errno.EROFS,
    errno.EEXIST,
    errno.ENOTDIR,
    errno.EISDIR,
    errno.ENAMETOOLONG,
}
"""What makes a folder or file unusable as given (the caller's to fix): a :class:`UsageError`."""


class FilesBackend:
    """A local folder of posts in one format (``markdown`` unless told otherwise)."""

    media_roots: MediaRoots = ()
    """Folders a post's featured image may be copied from into ``media/`` (none unless set; see
    :func:`cmsbridge.backends.media.local_media`)."""

    def __init__(self, path: str | os.PathLike[str], *, format: str = "markdown") -> None:
        self.root = Path(path).expanduser()
        self.format = format
        self.extension = extension(format)
        self.skipped: list[str] = []
        """The files the last :meth:`list` left out, each as ``name: reason``."""
        # file name -> its mtime when its post's slug is the file's own name (most are: kept small, one
        # entry per file), else (mtime, its post's slug)
        self._slugs: dict[str, int | tuple[int, str | None]] = {}
        self._slugs_lock = threading.Lock()

    @property
    def site(self) -> str:
        return f"files:{self.root}"

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(
            system="files",
            transport="files",
            content_format=self.format,
            conditional_write="native",
            statuses=frozenset({"draft", "publish", "pending", "private", "future"}),
            author_accounts=False,  # the front matter holds any name
            max_page_size=1_000_000,
            fields_in_content=True,
            # a lost id map can still prove a migrated post is ours where the format holds provenance
            keeps_sources=ALIASES.get(self.format, self.format) in KEEPS_SOURCES,
            password=ALIASES.get(self.format, self.format) in KEEPS_PASSWORD,
        )

    def __repr__(self) -> str:
        return f"FilesBackend({str(self.root)!r}, format={self.format!r})"

    def close(self) -> None:
        pass

    # --- files ----------------------------------------------------------------------------------------

    def _path(self, ref: PostRef) -> Path:
        if not _SAFE_ID.match(ref.id) or ref.id.endswith(self.extension):
            raise UsageError(f"not a post id in {self.site}: {shown(ref.id)}")
        return self.root / f"{ref.id}{self.extension}"

    def _ref(self, path: Path) -> PostRef:
        return PostRef(id=path.name[: -len(self.extension)], link=path.resolve().as_uri())

    def _read(self, ref: PostRef) -> str:
        try:
            return read_regular_file(self._path(ref))
        except FileNotFoundError:
            raise NotFoundError("no such post", site=self.site, post=ref.id) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise BackendError(f"cannot read the post: {_reason(exc)}", site=self.site, post=ref.id) from None

    def _failed(self, action: str, exc: OSError) -> CMSBridgeError:
        error = UsageError if exc.errno in _CALLERS_FAULT else BackendError
        return error(f"cannot {action}: {exc.strerror or exc}", site=self.site)

    def _write(self, path: Path, text: str) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            write_atomically(path, text)
        except OSError as exc:
            raise self._failed(f"write {path.name}", exc) from None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle = open(self.root / ".lock", "a")  # noqa: SIM115 - held for the block below
        except OSError as exc:
            raise self._failed("write to the folder", exc) from None
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def _fetched(self, ref: PostRef, text: str) -> Fetched:
        report = ConversionReport()
        post = read_format(text, self.format, report=report)
        post = post.replace(sources=(*post.sources, source_of("files", self.site, ref)))
        return Fetched(
            ref=ref, post=post, raw=text, format=self.format, version=_version(text), report=report
        )

    def prepared(self, post: Post, report: ConversionReport) -> Post:
        """``post`` as the folder writes it: a password-protected post is refused where the format holds
        no password (it would become public); a featured image at a local address the folder may not
        read is reported (kept as written). What the format cannot hold is reported as it is written."""
        refuse_unprotected(post, self.capabilities)
        image = post.featured_image
        if (
            image
            and local_media(image, self.media_roots) is None
            and not is_web_address(image)
            and self.media_file(image) is None
        ):
            report.warn("files", f"{local_refused(image, 'featured image')}; not copied, kept as written")
        return post

    def _serialise(self, post: Post, report: ConversionReport) -> str:
        post = self.prepared(post, report)
        path = local_media(post.featured_image, self.media_roots)
        if path is not None:
            post = post.replace(featured_image=self.upload_media(str(path)).url)
        # The post's provenance is kept where the format holds it (capabilities), but not the reference to
        # this folder's own file that reading it added.
        sources = tuple(s for s in post.sources if (s.system, s.site) != ("files", self.site))
        text = written_content(post.replace(sources=sources), self.capabilities, report)
        return text if text.endswith("\n") else text + "\n"

    # --- the protocol ------------------------------------------------------------------------------------

    def create(self, post: Post, *, report: ConversionReport | None = None) -> PostRef:
        text = self._serialise(post, ensure_report(report))
        stem = _file_stem(post.slug or post.title)
        with self._locked():
            n = 1
            while True:
                candidate = self.root / f"{stem if n == 1 else f'{stem}-{n}'}{self.extension}"
                if not candidate.exists():
                    break
                n += 1
            self._write(candidate, text)
        return self._ref(candidate)

    def get(self, ref: Ref) -> Fetched:
        ref = as_ref(ref)
        path = self._path(ref)
        return self._fetched(self._ref(path), self._read(ref))

    def update(self, ref: Ref, post: Post, *, report: ConversionReport | None = None) -> PostRef:
        ref = as_ref(ref)
        path = self._path(ref)
        text = self._serialise(post, ensure_report(report))
        with self._locked():
            if not path.exists():
                raise NotFoundError("no such post", site=self.site, post=ref.id)
            self._write(path, text)
        return self._ref(path)

    def delete(self, ref: Ref, *, force: bool = False) -> None:
        ref = as_ref(ref)
        try:
            self._path(ref).unlink()
        except FileNotFoundError:
            raise NotFoundError("no such post", site=self.site, post=ref.id) from None
        except OSError as exc:
            raise self._failed(f"delete {ref.id}", exc) from None

    def list(
        self,
        *,
        since: dt.datetime | None = None,
        status: str | None = None,
        author: str | None = None,
        search: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[Fetched]:
        self.skipped = []
        status = listed_status(status, self.capabilities)
        if not self.root.is_dir():
            if self.root.exists():
                raise UsageError(f"{self.site} is not a folder")
            return iter(())  # a folder not made yet: a site with no posts
        found: list[tuple[float, str, Path]] = []
        for path in self.root.glob(f"*{self.extension}"):
            if path.name.startswith("."):
                continue
            try:
                info = path.stat()
            except OSError as exc:
                self.skipped.append(f"{path.name}: {_reason(exc)}")
                continue
            if not stat.S_ISREG(info.st_mode):
                self.skipped.append(f"{path.name}: not a regular file")
                continue
            found.append((info.st_mtime, path.name, path))
        paths = [path for _, _, path in sorted(found, reverse=True)]
        return self._matching(paths, since, status, author, search)

    def _matching(
        self,
        paths: Sequence[Path],
        since: dt.datetime | None,
        status: str | None,
        author: str | None,
        search: str | None,
    ) -> Iterator[Fetched]:
        for path in paths:
            try:
                ref = self._ref(path)
                fetched = self._fetched(ref, read_regular_file(path))
            except FileNotFoundError:
                continue
            except (OSError, UnicodeDecodeError, CMSBridgeError) as exc:
                self.skipped.append(f"{path.name}: {_reason(exc)}")
                continue
            post = fetched.post
            if status is not None and post.status != status:
                continue
            if author and author not in post.authors:
                continue
            if search and search.casefold() not in fetched.raw.casefold():
                continue
            if since is not None:
                when = post.modified or dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
                if when < since:
                    continue
            yield fetched

    def find(self, *, slug: str) -> Fetched | None:
        if _SAFE_ID.match(slug) and (self.root / f"{slug}{self.extension}").is_file():
            return self.get(slug)
        return next((f for f in self.list() if f.post.slug == slug), None)

    def held_slugs(self, slugs: Sequence[str]) -> set[str]:
        """Those of ``slugs`` a post of the folder holds (as :meth:`find` finds it: its file's name or its
        front matter's slug). Each file is read once per backend, and again only when it changed: a
        migration asking for every batch of posts reads the folder once, where :meth:`find` reads it
        whole for every slug no file is named after."""
        wanted = set(slugs)
        held = {s for s in wanted if _SAFE_ID.match(s) and (self.root / f"{s}{self.extension}").is_file()}
        if not self.root.is_dir():
            return held
        with self._slugs_lock:
            known: dict[str, int | tuple[int, str | None]] = {}
            for path in self.root.glob(f"*{self.extension}"):
                try:
                    info = path.stat()
                except OSError:
                    continue
                if path.name.startswith(".") or not stat.S_ISREG(info.st_mode):
                    continue
                cached = self._slugs.get(path.name)
                stem = path.name[: -len(self.extension)]
                if cached is None or (cached if isinstance(cached, int) else cached[0]) != info.st_mtime_ns:
                    try:
                        slug = self._fetched(self._ref(path), read_regular_file(path)).post.slug
                    except (OSError, UnicodeDecodeError, CMSBridgeError):
                        slug = None  # left out of a listing, so not found by find either
                    cached = info.st_mtime_ns if slug == stem else (info.st_mtime_ns, slug)
                known[path.name] = cached
                slug = stem if isinstance(cached, int) else cached[1]
                if slug and slug in wanted:
                    held.add(slug)
            self._slugs = known
        return held

    def media_file(self, src: str) -> str | None:
        """The file of an image the folder's posts point at by a relative address (``media/x.png``)."""
        path = local_media(src, (self.root,))
        return None if path is None else str(path)

    def upload_media(self, path: str) -> Media:
        source = Path(path)
        if not source.is_file():
            raise UsageError(f"cannot read {path}: no such file")
        media = self.root / "media"
        media.mkdir(parents=True, exist_ok=True)
        target = media / source.name
        if target.exists() and target.read_bytes() != source.read_bytes():
            digest = hashlib.sha256(source.read_bytes()).hexdigest()[:8]
            target = media / f"{source.stem}-{digest}{source.suffix}"
        if not target.exists():
            shutil.copyfile(source, target)
        return Media(id=target.name, url=f"media/{target.name}")

    def read_versioned(self, ref: Ref) -> Versioned:
        ref = as_ref(ref)
        text = self._read(ref)
        return Versioned(
            ref=self._ref(self._path(ref)), content=text, format=self.format, version=_version(text)
        )

    def write_content(self, ref: Ref, content: str, expected: Version) -> Written:
        """Replace the whole file when it still has the content ``expected`` was read from."""
        ref = as_ref(ref)
        path = self._path(ref)
        with self._locked():
            current = self._read(ref)
            if _version(current).token != expected.token:
                raise WriteConflictError(
                    "the file changed since it was read", applied=False, site=self.site, post=ref.id
                )
            self._write(path, content)
        return Written(ref=self._ref(path), content=content, version=_version(content))


def read_regular_file(path: Path) -> str:
    """The UTF-8 text of the regular file at ``path``; anything else (a FIFO, a device, a folder) is an
    OSError at once: the file is opened without blocking and checked before it is read."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with open(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        return handle.read().decode("utf-8")


def write_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Replace the file at ``path`` with ``text`` (UTF-8) all at once: written to a temporary file in the
    same folder, flushed to disk, then renamed over it, so a failure (a full disk) leaves the old file
    whole. The file keeps its permissions (a new one gets the umask's). A symbolic link is written
    through; a target that is not a regular file (``/dev/null``, a FIFO) is written in place."""
    target = Path(os.path.realpath(path))
    try:
        info: os.stat_result | None = target.stat()
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)
        return
    tmp = target.parent / f".{target.name}.{secrets.token_hex(8)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if info is None else 0o600)  # umask applies
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
            if info is not None:
                os.fchmod(handle.fileno(), stat.S_IMODE(info.st_mode))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _reason(exc: Exception) -> str:
    """Why a file could not be read, on one line."""
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 ({exc.reason} at byte {exc.start})"
    return " ".join(str(exc).split())


def _version(text: str) -> Version:
    return Version(token=hashlib.sha256(text.encode("utf-8")).hexdigest())


def _file_stem(value: str) -> str:
    """A portable file name for a post: ASCII letters, digits and dashes."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].strip("-")
    return stem or "post"
