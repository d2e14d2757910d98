"""Readers and writers around the post model, one module per format, behind one registry.

Each format module defines ``NAME``, ``read(data: str, report: ConversionReport) -> Post`` and
``write(post: Post, report: ConversionReport) -> str``. Readers and writers are pure: no I/O.
Modules are imported on first use, so the command line starts fast. Installed plugins add formats through
the entry-point group ``cmsbridge.formats`` (:mod:`cmsbridge.plugins`); a built-in name is never replaced.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import PurePath
from types import ModuleType
from typing import Protocol, cast

from .. import plugins
from ..errors import ParseError, PluginError, UnknownFormatError
from ..model import Post
from ..report import ConversionReport, ensure_report

FORMATS: dict[str, str] = {
    "text": "cmsbridge.formats.markdown.text",
    "gutenberg": "cmsbridge.formats.wordpress",
    "html": "cmsbridge.formats.html",
    "markdown": "cmsbridge.formats.markdown",
    "json": "cmsbridge.formats.json_format",
    "lexical": "cmsbridge.formats.lexical",
    "wxr": "cmsbridge.formats.wordpress.wxr",
}
"""Format name -> module. A name is listed only once its module exists (checked by the tests)."""

ALIASES = {"wordpress": "gutenberg", "md": "markdown", "txt": "text"}

EXTENSIONS: dict[str, tuple[str, ...]] = {
    "text": (".txt",),
    "markdown": (".md", ".markdown"),
    "json": (".json",),
    "gutenberg": (".html",),
    "html": (".html",),
    "lexical": (".lexical",),
    "wxr": (".xml",),
}
"""Format name -> the extensions of its files, the one it is written with first. A file is read as the
first format listing its extension (``.html`` is WordPress markup); a format not listed (a plugin's) is
written as ``.NAME``."""


def extension(fmt: str) -> str:
    """The extension a file in format ``fmt`` (or an alias of it) is written with."""
    name = ALIASES.get(fmt, fmt)
    return EXTENSIONS.get(name, (f".{name}",))[0]


def format_of(path: str) -> str | None:
    """The format a file named ``path`` is read as, by its extension (any case); None when none claims it."""
    suffix = PurePath(path).suffix.lower()
    return next((name for name, suffixes in EXTENSIONS.items() if suffix in suffixes), None)


class FormatModule(Protocol):
    NAME: str

    def read(self, data: str, report: ConversionReport) -> Post: ...

    def write(self, post: Post, report: ConversionReport) -> str: ...


POST_FIELDS = (
    "title",
    "slug",
    "status",
    "excerpt",
    "authors",
    "categories",
    "tags",
    "created",
    "modified",
    "featured_image",
    "post_type",
    "parent",
    "menu_order",
    "password",
    "sticky",
    "comment_status",
    "ping_status",
    "format",
    "template",
    "canonical_url",
    "seo_title",
    "seo_description",
    "metadata",
    "comments",
    "sources",
)
_EMPTY = Post()


def report_unwritten_fields(
    post: Post, fmt: str, report: ConversionReport, *, written: tuple[str, ...] = ()
) -> None:
    """Record a loss for each of ``post``'s fields that is set but that format ``fmt`` does not write.

    Backends that store content and fields separately write ``content_only(post)``, so nothing is
    reported for fields they carry themselves."""
    for name in POST_FIELDS:
        if name not in written and getattr(post, name) != getattr(_EMPTY, name):
            report.warn(fmt, f"{fmt} holds no post {name}; not written")


BLOCK_FORMAT = {"wxr": "gutenberg"}
"""Formats that hold their blocks in another format's markup (a WordPress export holds block markup)."""


def block_format(fmt: str) -> str:
    """The format of the block markup that format ``fmt`` writes: whose source markup its writer reuses."""
    name = ALIASES.get(fmt, fmt)
    return BLOCK_FORMAT.get(name, name)


def content_only(post: Post) -> Post:
    """``post``'s blocks alone: what a backend writes as content, its fields going elsewhere."""
    return Post(blocks=post.blocks)


def installed() -> dict[str, str]:
    """Every format installed, built-in ones first, each with what provides it."""
    found = {name: "built-in" for name, mod in FORMATS.items() if importlib.util.find_spec(mod) is not None}
    for name, point in plugins.entry_points(plugins.FORMATS_GROUP).items():
        if name not in FORMATS and name not in ALIASES:
            found[name] = plugins.describe(point)
    return found


def available() -> list[str]:
    """Names of the formats installed, plugins included."""
    return list(installed())


def get(fmt: str) -> FormatModule:
    name = ALIASES.get(fmt, fmt)
    module_name = FORMATS.get(name)
    if module_name is None and name in plugins.entry_points(plugins.FORMATS_GROUP):
        return _plugin_format(name)
    if module_name is None or importlib.util.find_spec(module_name) is None:
        raise UnknownFormatError(f"unknown format {fmt!r}; known formats: {', '.join(available())}")
    module: ModuleType = importlib.import_module(module_name)
    return cast(FormatModule, module)


def _plugin_format(name: str) -> FormatModule:
    module = plugins.load(plugins.FORMATS_GROUP, name)
    missing = [attr for attr in ("read", "write") if not callable(getattr(module, attr, None))]
    if not isinstance(getattr(module, "NAME", None), str):
        missing.insert(0, "NAME")
    if missing:
        point = plugins.entry_points(plugins.FORMATS_GROUP)[name]
        raise PluginError(f"format {name!r} from {plugins.describe(point)} has no {', '.join(missing)}")
    return cast(FormatModule, module)


def read(data: str | bytes, fmt: str, *, report: ConversionReport | None = None) -> Post:
    """Read ``data`` in format ``fmt`` into a :class:`Post`."""
    module = get(fmt)
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError(f"{fmt} input is not UTF-8: {exc}") from exc
    return module.read(data, ensure_report(report))


def write(post: Post, fmt: str, *, report: ConversionReport | None = None) -> str:
    """Write ``post`` in format ``fmt``; what ``fmt`` will not hold of it (written, then read back and
    compared: :mod:`.crossing`) is recorded in ``report``."""
    from . import crossing

    return crossing.write(post, get(fmt), ensure_report(report))


def convert(data: str | bytes, src: str, dst: str, *, report: ConversionReport | None = None) -> str:
    """Read ``data`` as ``src`` and write it as ``dst``, collecting losses in ``report``."""
    report = ensure_report(report)
    return write(read(data, src, report=report), dst, report=report)
