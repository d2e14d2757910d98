"""The ``cmsbridge`` command line: a thin layer over the library, one library call per command.

Errors from the :class:`~cmsbridge.errors.CMSBridgeError` hierarchy are printed as one line on stderr and
exit with the error's code (2 for bad input); there is never a traceback for them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from .errors import CMSBridgeError, UsageError

F = TypeVar("F", bound=Callable[..., Any])


def _read_input(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"cannot read {path}: not UTF-8 ({exc.reason})") from exc


def _write_output(path: str, text: str) -> None:
    if path == "-":
        sys.stdout.write(text)
        return
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _print_losses(report: Any) -> None:
    for loss in report:
        click.echo(f"warning: {loss}", err=True)


def handle_errors(func: F) -> F:
    """Turn library errors into one line on stderr and the error's exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CMSBridgeError as exc:
            click.echo(f"cmsbridge: error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cmsbridge")
def cli() -> None:
    """Publish structured posts to CMSs, append live updates exactly once, migrate between CMSs."""


@cli.command()
@click.argument("file", default="-")
@click.option("--from", "src", required=True, metavar="FMT", help="Input format.")
@click.option("--to", "dst", required=True, metavar="FMT", help="Output format.")
@click.option("-o", "--output", default="-", metavar="FILE", help="Output file ('-' for stdout).")
@handle_errors
def convert(file: str, src: str, dst: str, output: str) -> None:
    """Convert FILE ('-' for stdin) from one format to another."""
    from . import formats
    from .report import ConversionReport

    formats.get(src), formats.get(dst)  # unknown formats fail before any input is read
    report = ConversionReport()
    result = formats.convert(_read_input(file), src, dst, report=report)
    _write_output(output, result)
    _print_losses(report)


@cli.command("formats")
def list_formats() -> None:
    """List the known formats."""
    from . import formats

    for name in formats.available():
        click.echo(name)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``cmsbridge`` console script."""
    try:
        cli.main(args=argv, prog_name="cmsbridge", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("cmsbridge: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        click.echo(f"cmsbridge: error: {exc.format_message()}", err=True)
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except CMSBridgeError as exc:
        click.echo(f"cmsbridge: error: {exc}", err=True)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
