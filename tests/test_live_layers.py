"""The live engine's rooms import one way (issue 14, item 4): formats below backends below the live engine
and its outbox, the CLI on top. Imports are read from the source (inside functions too), so a lazy import
running the wrong way fails as well."""

from __future__ import annotations

import ast
from pathlib import Path

import cmsbridge

PACKAGE = Path(cmsbridge.__file__).parent


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, relative imports resolved."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    return _imported(path.read_text(encoding="utf-8"), package)


def _imported(source: str, package: str) -> set[str]:
    """Every module ``source`` (a module of ``package``) imports, and each name it imports from one."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            name = (f"{base}.{node.module}" if node.module else base) if node.level else str(node.module)
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def _wrong_way(room: str, above: tuple[str, ...]) -> list[str]:
    wrong = []
    for path in sorted((PACKAGE / room).rglob("*.py")):
        for name in _imports(path):
            if any(name == up or name.startswith(up + ".") for up in above):
                wrong.append(f"{path.relative_to(PACKAGE)} imports {name}")
    return wrong


LIVE_AND_ABOVE = ("cmsbridge.live", "cmsbridge.migrate", "cmsbridge.cli")


def test_formats_import_nothing_of_the_backends_the_live_engine_or_the_cli() -> None:
    assert _wrong_way("formats", ("cmsbridge.backends", *LIVE_AND_ABOVE)) == []


def test_backends_import_nothing_of_the_live_engine_or_the_cli() -> None:
    assert _wrong_way("backends", LIVE_AND_ABOVE) == []


def test_the_live_engine_imports_nothing_of_the_cli_and_only_the_outbox_imports_the_outbox() -> None:
    assert _wrong_way("live", ("cmsbridge.migrate", "cmsbridge.cli")) == []
    wrong = _wrong_way("live", ("cmsbridge.live.outbox",))
    assert [w for w in wrong if not w.startswith("live/outbox.py")] == []


def test_the_finder_sees_a_lazy_wrong_way_import() -> None:
    """The check itself: an import inside a function, relative or absolute, is found and resolved."""
    source = "def f() -> None:\n    from ..live import append_update\n    import cmsbridge.cli\n"
    found = _imported(source, "cmsbridge.backends")
    assert {"cmsbridge.live", "cmsbridge.live.append_update", "cmsbridge.cli"} <= found
    assert _imported("from . import read\n", "cmsbridge.formats") == {
        "cmsbridge.formats",
        "cmsbridge.formats.read",
    }
