"""``files:PATH``: a folder of posts, one file per post (Markdown with YAML front matter by default).

The default backend: it needs no server. A post's id is its file name without the extension (the slug,
made unique with ``-2``, ``-3``...). Files are written atomically (a temporary file, then a rename);
``write_content`` is conditional on the file's content hash under an exclusive lock, so two writers never
overwrite each other. Media go to ``PATH/media/``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import BackendError, NotFoundError, UsageError
from ..formats import read as read_format
from ..formats import write as write_format
from ..live import LiveUpdates
from ..model import Post, SourceRef
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
)

EXTENSIONS = {"markdown": ".md", "json": ".json", "html": ".html", "gutenberg": ".html", "text": ".txt"}
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class FilesBackend(LiveUpdates):
    """A local folder of posts in one format (``markdown`` unless told otherwise)."""

    def __init__(self, path: str | os.PathLike[str], *, format: str = "markdown") -> None:
        self.root = Path(path).expanduser()
        self.format = format
        self.extension = EXTENSIONS.get(format, f".{format}")

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
        )

    def __repr__(self) -> str:
        return f"FilesBackend({str(self.root)!r}, format={self.format!r})"

    def close(self) -> None:
        pass

    # --- files ----------------------------------------------------------------------------------------

    def _path(self, ref: PostRef) -> Path:
        if not _SAFE_ID.match(ref.id) or ref.id.endswith(self.extension):
            raise UsageError(f"not a post id in {self.site}: {ref.id!r}")
        return self.root / f"{ref.id}{self.extension}"

    def _ref(self, path: Path) -> PostRef:
        return PostRef(id=path.name[: -len(self.extension)], link=path.resolve().as_uri())

    def _read(self, ref: PostRef) -> str:
        try:
            return self._path(ref).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise NotFoundError("no such post", site=self.site, post=ref.id) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise BackendError(f"cannot read the post: {exc}", site=self.site, post=ref.id) from None

    def _write(self, path: Path, text: str) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".tmp-", suffix=self.extension)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            raise BackendError(f"cannot write {path.name}: {exc.strerror or exc}", site=self.site) from None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def _fetched(self, ref: PostRef, text: str) -> Fetched:
        report = ConversionReport()
        post = read_format(text, self.format, report=report)
        post = post.replace(
            sources=(*post.sources, SourceRef(system="files", site=self.site, id=ref.id, link=ref.link))
        )
        return Fetched(
            ref=ref, post=post, raw=text, format=self.format, version=_version(text), report=report
        )

    def _serialise(self, post: Post, report: ConversionReport) -> str:
        image = post.featured_image
        if image and "://" not in image and os.path.isfile(image):
            post = post.replace(featured_image=self.upload_media(image).url)
        text = write_format(post.replace(sources=()), self.format, report=report)
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

    def list(
        self,
        *,
        since: dt.datetime | None = None,
        status: str | None = None,
        author: str | None = None,
        search: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[Fetched]:
        if not self.root.is_dir():
            return iter(())
        paths = sorted(
            (p for p in self.root.glob(f"*{self.extension}") if not p.name.startswith(".")),
            key=lambda p: (p.stat().st_mtime, p.name),
            reverse=True,
        )
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
            ref = self._ref(path)
            try:
                fetched = self._fetched(ref, path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                continue
            post = fetched.post
            if status and status != "any" and post.status != status:
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
        if _SAFE_ID.match(slug) and (self.root / f"{slug}{self.extension}").exists():
            return self.get(slug)
        return next((f for f in self.list() if f.post.slug == slug), None)

    def media_file(self, src: str) -> str | None:
        """The file of an image the folder's posts point at by a relative address (``media/x.png``)."""
        if "://" in src or src.startswith("/"):
            return None
        path = (self.root / src).resolve()
        return str(path) if path.is_file() and path.is_relative_to(self.root.resolve()) else None

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


def _version(text: str) -> Version:
    return Version(token=hashlib.sha256(text.encode("utf-8")).hexdigest())


def _file_stem(value: str) -> str:
    """A portable file name for a post: ASCII letters, digits and dashes."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].strip("-")
    return stem or "post"
