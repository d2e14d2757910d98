"""Rooms that import one way: the model and the block grammar at the bottom, formats above them, backends
above formats, the store (the state kept in SQLite or PostgreSQL) above backends, live updates and
migration above the store (side by side, neither importing the other), the
command line on top. Every import is checked, those inside functions and under TYPE_CHECKING included: an
import that runs the wrong way fails here, whatever the reason it was written."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cmsbridge

PACKAGE = Path(cmsbridge.__file__).resolve().parent

FLOORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "model",
        (
            "cmsbridge.errors",
            "cmsbridge.report",
            "cmsbridge.model",
            "cmsbridge.limits",
            "cmsbridge.urlpolicy",
            "cmsbridge.retry",
            "cmsbridge.plugins",
            "cmsbridge.gutenberg",
        ),
    ),
    ("formats", ("cmsbridge.formats",)),
    ("backends", ("cmsbridge.http", "cmsbridge.backends")),
    ("store", ("cmsbridge.store",)),
    ("live", ("cmsbridge.live",)),
    ("migration", ("cmsbridge.migration",)),
    ("cli", ("cmsbridge.cli", "cmsbridge.__main__")),
)
"""Rooms from the bottom up. A module may import its own room and the rooms below it, except that live
and migration share a floor and do not import each other."""

SIDE_BY_SIDE = {frozenset({"live", "migration"})}


def room_of(module: str) -> str | None:
    for room, prefixes in FLOORS:
        if any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes):
            return room
    return None


def floor_of(room: str) -> int:
    return [name for name, _ in FLOORS].index(room) if room != "live" else floor_of("migration")


def module_name(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def imported_modules(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Every cmsbridge module that ``source`` (the code of ``module``) imports, with the line."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("cmsbridge")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if not target.startswith("cmsbridge"):
                continue
            # `from cmsbridge.formats import lexical` imports the module cmsbridge.formats.lexical
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return found


def wrong_way(importer: str, imported: str) -> str | None:
    """Why importing ``imported`` from ``importer`` runs the wrong way, or None."""
    here, there = room_of(importer), room_of(imported)
    if here is None or there is None or here == there:
        return None
    if frozenset({here, there}) in SIDE_BY_SIDE:
        return f"{here} and {there} stand side by side and do not import each other"
    if floor_of(there) > floor_of(here):
        return f"{here} imports {there}, a room above it"
    return None


def violations() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module, is_package = module_name(path)
        for line, imported in imported_modules(path.read_text(encoding="utf-8"), module, is_package):
            why = wrong_way(module, imported)
            if why:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {imported}: {why}")
    return found


def test_every_module_lives_in_a_room() -> None:
    homeless = [
        module_name(path)[0]
        for path in PACKAGE.rglob("*.py")
        if module_name(path)[0] != "cmsbridge" and room_of(module_name(path)[0]) is None
    ]
    assert homeless == []


def test_imports_run_one_way() -> None:
    assert violations() == []


@pytest.mark.parametrize(
    ("importer", "source", "expected"),
    [
        ("cmsbridge.formats.html", "from ..backends.base import Backend", "formats imports backends"),
        (
            "cmsbridge.backends.ghost",
            "def f():\n    from ..live import append_update\n",
            "backends imports live",
        ),
        ("cmsbridge.model", "import cmsbridge.cli", "model imports cli"),
        ("cmsbridge.live.outbox", "from ..migration.idmap import IdMap", "side by side"),
        ("cmsbridge.migration.run", "from cmsbridge.live import Update", "side by side"),
        ("cmsbridge.store.work", "from ..migration.idmap import IdMap", "store imports migration"),
        ("cmsbridge.store.engine", "from ..live.outbox import Outbox", "store imports live"),
        ("cmsbridge.migration.idmap", "from ..store import open_store", None),
        ("cmsbridge.formats", "from . import lexical", None),
        ("cmsbridge.cli.live", "from ..live import append_update", None),
    ],
)
def test_the_check_sees_an_import_that_runs_the_wrong_way(
    importer: str, source: str, expected: str | None
) -> None:
    is_package = importer == "cmsbridge.formats"
    reasons = [
        wrong_way(importer, imported) for _, imported in imported_modules(source, importer, is_package)
    ]
    if expected is None:
        assert reasons == [None]
    else:
        assert any(reason and expected in reason for reason in reasons), reasons
