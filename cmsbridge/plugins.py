"""Plugins: installed packages that extend the format and backend registries through entry points.

Two groups (see the README's "Plugins"):

- ``cmsbridge.formats``: format name -> a module with ``NAME``, ``read(data, report) -> Post`` and
  ``write(post, report) -> str`` (:mod:`cmsbridge.formats`).
- ``cmsbridge.backends``: URL scheme -> a backend class or factory, called as ``factory(site, transport)``
  with the parsed :class:`~cmsbridge.backends.sites.Site` and a
  :class:`~cmsbridge.backends.base.Transport` or None
  (:mod:`cmsbridge.backends.sites`).

Entry points are looked up once, on first use, and a plugin is imported only when its name is asked for.
A plugin that cannot be imported is a :class:`~cmsbridge.errors.PluginError` naming it; the built-in
formats and backends never depend on a plugin, and a plugin never replaces one of them.
"""

from __future__ import annotations

import functools
import importlib.metadata
from importlib.metadata import EntryPoint

from .errors import PluginError

FORMATS_GROUP = "cmsbridge.formats"
BACKENDS_GROUP = "cmsbridge.backends"


@functools.cache
def entry_points(group: str) -> dict[str, EntryPoint]:
    """The installed entry points of ``group`` by name (of two with one name, the first found wins)."""
    found: dict[str, EntryPoint] = {}
    for point in importlib.metadata.entry_points(group=group):
        found.setdefault(point.name, point)
    return found


def clear_cache() -> None:
    """Forget the entry points looked up so far (after installing a plugin in a running process)."""
    entry_points.cache_clear()


def describe(point: EntryPoint) -> str:
    """Where an entry point comes from, for listings and errors: ``plugin DIST VERSION (module:object)``."""
    dist = point.dist
    source = f"plugin {dist.name} {dist.version}" if dist is not None else "plugin"
    return f"{source} ({point.value})"


def load(group: str, name: str) -> object:
    """The object that entry point ``name`` of ``group`` names, imported; a failure is one PluginError."""
    point = entry_points(group)[name]
    try:
        return point.load()
    except Exception as exc:  # a plugin's import can fail in any way; it is reported, never a traceback
        raise PluginError(
            f"{group} {name!r} from {describe(point)} cannot be loaded: {type(exc).__name__}: {exc}"
        ) from None
