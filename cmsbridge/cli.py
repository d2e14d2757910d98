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


# --- sites: publish, get, list, delete (issue 3) ---------------------------------------------------

_EXTENSION_FORMATS = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "json",
    ".html": "gutenberg",
    ".lexical": "lexical",
    ".xml": "wxr",
}
_site_option = click.option(
    "--site",
    default=None,
    metavar="SITE",
    help="Site URL or profile (default: $CMSBRIDGE_SITE, else files:posts).",
)
_insecure_option = click.option("--insecure", is_flag=True, help="Allow http:// to a non-loopback host.")


def _guess_format(path: str, given: str | None) -> str:
    if given:
        return given
    import os.path

    fmt = _EXTENSION_FORMATS.get(os.path.splitext(path)[1].lower())
    if fmt is None:
        raise UsageError(f"cannot tell the format of {path}; give --from FMT")
    return fmt


@cli.command()
@click.argument("file")
@click.option("--from", "src", default=None, metavar="FMT", help="Input format (default: by extension).")
@_site_option
@click.option("--status", type=click.Choice(["draft", "publish"]), default=None, help="Publication status.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object with id and link.")
@_insecure_option
@handle_errors
def publish(
    file: str, src: str | None, site: str | None, status: str | None, as_json: bool, insecure: bool
) -> None:
    """Publish FILE ('-' for stdin) as a new post and print its id and link."""
    import json

    from . import formats
    from .report import ConversionReport
    from .sites import connect

    report = ConversionReport()
    post = formats.read(_read_input(file), _guess_format(file, src), report=report)
    if status is not None:
        post = post.replace(status=status)
    backend = connect(site, insecure=insecure)
    ref = backend.create(post, report=report)
    if as_json:
        click.echo(
            json.dumps({"id": ref.id, "link": ref.link, "site": backend.site, "warnings": report.messages()})
        )
    else:
        click.echo(f"{ref.id}\t{ref.link or ''}")
    _print_losses(report)


@cli.command()
@click.argument("post_id")
@_site_option
@click.option("--to", "dst", default="json", metavar="FMT", help="Output format (default json).")
@click.option("-o", "--output", default="-", metavar="FILE", help="Output file ('-' for stdout).")
@_insecure_option
@handle_errors
def get(post_id: str, site: str | None, dst: str, output: str, insecure: bool) -> None:
    """Print post POST_ID in format FMT."""
    from . import formats
    from .report import ConversionReport
    from .sites import connect

    formats.get(dst)
    fetched = connect(site, insecure=insecure).get(post_id)
    report = ConversionReport()
    report.losses.extend(fetched.report.losses)
    _write_output(output, formats.write(fetched.post, dst, report=report))
    _print_losses(report)


@cli.command("list")
@_site_option
@click.option("--status", default=None, help="Only posts with this status (default: all).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@_insecure_option
@handle_errors
def list_posts(site: str | None, status: str | None, as_json: bool, insecure: bool) -> None:
    """List the site's posts, newest first: id, status, title, link."""
    import json

    from .sites import connect

    for fetched in connect(site, insecure=insecure).list(status=status):
        post = fetched.post
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "id": fetched.ref.id,
                        "status": post.status,
                        "title": post.title,
                        "slug": post.slug,
                        "link": fetched.ref.link,
                    }
                )
            )
        else:
            click.echo(f"{fetched.ref.id}\t{post.status}\t{post.title}\t{fetched.ref.link or ''}")


@cli.command()
@click.argument("post_id")
@_site_option
@click.option("--force", is_flag=True, help="Delete for good instead of moving to the trash.")
@_insecure_option
@handle_errors
def delete(post_id: str, site: str | None, force: bool, insecure: bool) -> None:
    """Delete post POST_ID (to the trash where the CMS has one)."""
    from .sites import connect

    connect(site, insecure=insecure).delete(post_id, force=force)


def _register_live_commands() -> None:
    from .cli_live import register  # append, retract, flush, outbox (issue 4)

    register(cli)


_register_live_commands()


def _register_migrate_command() -> None:
    from .cli_migrate import register  # migrate

    register(cli)


_register_migrate_command()


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
