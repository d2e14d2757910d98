"""The ``cmsbridge`` command line: a thin layer over the library, one library call per command.

Errors from the :class:`~cmsbridge.errors.CMSBridgeError` hierarchy are printed as one line on stderr and
exit with the error's code (2 for bad input); there is never a traceback for them. Any other exception is
a bug: :func:`main`, the last line of defence, prints one line naming the command and exits with
:data:`EX_SOFTWARE` (the whole trace only with ``--debug`` or ``CMSBRIDGE_DEBUG=1``).
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from .cli_args import media_root_option, one_line, post_id_argument
from .errors import CMSBridgeError, UsageError, scrub

F = TypeVar("F", bound=Callable[..., Any])

EX_SOFTWARE = 70
"""The exit code of an unexpected exception (a bug in cmsbridge), as sysexits.h has it."""
_run: dict[str, Any] = {"debug": False, "command": "cmsbridge"}
"""This run's ``--debug`` and command name, for :func:`main`."""


def _read_input(path: str) -> str:
    if path == "-":
        stdin = getattr(sys.stdin, "buffer", None)
        if stdin is None:
            return sys.stdin.read()
        try:
            return bytes(stdin.read()).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UsageError(
                f"cannot read standard input: not UTF-8 ({exc.reason} at byte {exc.start})"
            ) from None
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
    from .backends.files import write_atomically

    try:
        write_atomically(path, text)
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
            click.echo(f"cmsbridge: error: {one_line(exc)}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    _run["debug"] = _run["debug"] or value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cmsbridge")
@click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_set_debug,
    help="Print the whole trace of an unexpected error (also CMSBRIDGE_DEBUG=1).",
)
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Publish structured posts to CMSs, append live updates exactly once, migrate between CMSs."""
    _run["command"] = ctx.invoked_subcommand or "cmsbridge"


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
    """List the formats installed, plugins included: name, then what provides it."""
    from . import formats

    for name, source in formats.installed().items():
        click.echo(f"{name}\t{source}")


@cli.command("sites")
def list_sites() -> None:
    """List the site URL schemes installed, plugins included: scheme, how a URL is written, what it is."""
    from .sites import schemes

    for name, scheme in schemes().items():
        click.echo(f"{name}\t{scheme.form}\t{scheme.about}")


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
@media_root_option("A folder the featured image may be read from (repeatable); FILE's own folder always is.")
@_insecure_option
@handle_errors
def publish(
    file: str,
    src: str | None,
    site: str | None,
    status: str | None,
    as_json: bool,
    media_roots: tuple[str, ...],
    insecure: bool,
) -> None:
    """Publish FILE ('-' for stdin) as a new post and print its id and link.

    A featured image given as a local path is uploaded only from FILE's folder or a --media-root folder;
    any other is reported and left out."""
    import json
    import os

    from . import formats
    from .media import LocalMedia
    from .report import ConversionReport
    from .sites import connect

    report = ConversionReport()
    post = formats.read(_read_input(file), _guess_format(file, src), report=report)
    if status is not None:
        post = post.replace(status=status)
    backend = connect(site, insecure=insecure)
    if isinstance(backend, LocalMedia):  # the user named FILE, and so its folder (cmsbridge.media)
        given = [] if file == "-" else [os.path.dirname(os.path.abspath(file))]
        backend.media_roots = (*media_roots, *given)
    ref = backend.create(post, report=report)
    if as_json:
        click.echo(
            json.dumps({"id": ref.id, "link": ref.link, "site": backend.site, "warnings": report.messages()})
        )
    else:
        click.echo(f"{ref.id}\t{ref.link or ''}")
    _print_losses(report)


@cli.command()
@post_id_argument
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

    backend = connect(site, insecure=insecure)
    for fetched in backend.list(status=status):
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
    for skipped in getattr(backend, "skipped", ()):
        click.echo(f"warning: skipped {skipped}", err=True)


@cli.command()
@post_id_argument
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


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``cmsbridge`` console script: run the command line, return the exit code.

    The last line of defence: an exception outside the :class:`~cmsbridge.errors.CMSBridgeError` tree is
    a bug, printed as one line naming the command (secrets redacted) with exit code :data:`EX_SOFTWARE`;
    the trace follows only with ``--debug`` or ``CMSBRIDGE_DEBUG=1``. Ctrl-C exits with 130.
    """
    args = sys.argv[1:] if argv is None else list(argv)
    _run.update(debug=os.environ.get("CMSBRIDGE_DEBUG", "") not in ("", "0"), command="cmsbridge")
    try:
        cli.main(args=args, prog_name="cmsbridge", standalone_mode=False)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("cmsbridge: interrupted", err=True)
        return 130
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.format_message(), err=True)  # the help itself, not an error line
        return 2
    except click.ClickException as exc:
        click.echo(f"cmsbridge: error: {exc.format_message()}", err=True)
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except CMSBridgeError as exc:
        click.echo(f"cmsbridge: error: {one_line(exc)}", err=True)
        return exc.exit_code
    except Exception as exc:
        if _run["debug"]:
            click.echo(scrub(traceback.format_exc()).rstrip("\n"), err=True)
        click.echo(f"cmsbridge: internal error in {_run['command']}: {one_line(exc, named=True)}", err=True)
        return EX_SOFTWARE
    return 0


if __name__ == "__main__":
    sys.exit(main())
