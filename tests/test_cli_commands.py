"""The command line as a declaration: every command listed once in ``cli.COMMANDS``, none registered by
importing a module, no command module importing ``cli`` back, and one place that turns a library error
into one line and its exit code (issue 14, items 4 and 6)."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cmsbridge import cli

CLI_ROOM = Path(cli.__file__).resolve().parent
PACKAGE = CLI_ROOM.parent
COMMAND_MODULES = sorted(
    path.stem for path in CLI_ROOM.glob("*.py") if path.stem not in {"__init__", "__main__", "args"}
)
"""The modules that define commands: every module of the CLI's room but the helpers they share."""
ENTRY_POINTS = {CLI_ROOM / "__init__.py", CLI_ROOM / "__main__.py", PACKAGE / "__main__.py"}
"""``cmsbridge.cli`` itself, ``python -m cmsbridge.cli`` and ``python -m cmsbridge``: the only modules that
may import it."""


def _imports_of(path: Path) -> set[str]:
    """Every module ``path`` (in the package) imports, anywhere in it (functions included), as absolute
    names."""
    package = ["cmsbridge", *path.relative_to(PACKAGE).parent.parts]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_no_module_of_the_package_imports_the_cli() -> None:
    importers = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if path not in ENTRY_POINTS and "cmsbridge.cli" in _imports_of(path)
    ]
    assert importers == []


def test_importing_the_cli_registers_nothing_and_imports_no_command_module() -> None:
    code = (
        "import sys, cmsbridge.cli as c\n"
        "print(sorted(m for m in sys.modules if m.startswith('cmsbridge.cli.')))\n"
        "print(sorted(c.cli.commands))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["['cmsbridge.cli.args']", "[]"]


def test_command_modules_define_no_registering_function() -> None:
    for module in COMMAND_MODULES:
        assert not hasattr(importlib.import_module(f"cmsbridge.cli.{module}"), "register"), module


def test_every_command_defined_is_declared_once_under_its_own_name() -> None:
    defined = {
        (module, name): value
        for module in COMMAND_MODULES
        for name, value in vars(importlib.import_module(f"cmsbridge.cli.{module}")).items()
        if isinstance(value, click.Command)
    }
    declared = list(cli.COMMANDS.values())
    assert sorted(declared) == sorted(defined)
    for command_name, target in cli.COMMANDS.items():
        assert defined[target].name == command_name


def test_help_lists_every_declared_command_and_each_one_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    listing = capsys.readouterr().out.split("Commands:", 1)[1]
    assert [line.split()[0] for line in listing.strip().splitlines()] == sorted(cli.COMMANDS)
    for name in cli.COMMANDS:
        assert cli.main([name, "--help"]) == 0, name
        assert f"Usage: cmsbridge {name}" in capsys.readouterr().out


def test_an_unknown_command_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["publsh"]) == 2
    assert "No such command 'publsh'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [
        ["get", "missing", "--site", "files:{tmp}"],  # cli.posts
        [
            "retract",
            "missing",
            "--id",
            "u1",
            "--site",
            "files:{tmp}",
            "--outbox",
            "{tmp}/outbox.db",
        ],  # cli.live
        ["redirects", "--from", "nosuch:{tmp}", "--to", "files:{tmp}", "--state", "{tmp}/state"],  # migrate
    ],
)
def test_a_library_error_is_one_line_and_its_code_through_main_and_the_group(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [arg.format(tmp=tmp_path) for arg in args]
    code = cli.main(argv)
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code in (1, 2) and len(lines) == 1 and lines[0].startswith("cmsbridge: error: "), err
    result = CliRunner().invoke(cli.cli, argv)
    assert (result.exit_code, result.stderr) == (code, err)


def test_python_dash_m_cmsbridge_is_the_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cmsbridge", "formats"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "gutenberg" in done.stdout and "lexical" in done.stdout
