"""What the command-line modules share: the POST_ID argument, the --site, --insecure and --media-root
options, reading and writing FILE or ``-``, and how an error is put on one line with its exit code.

The bottom of the command line's room: :mod:`cmsbridge.cli.posts`, :mod:`cmsbridge.cli.live` and
:mod:`cmsbridge.cli.migrate` import it, and :mod:`cmsbridge.cli` finds their commands by name; none of
them imports ``cli``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import click

from ..backends.ids import shown
from ..errors import CMSBridgeError, UsageError, scrub

F = TypeVar("F", bound=Callable[..., Any])

MAX_POST_ID = 200
"""The longest post id the command line takes (ids are numbers, hex strings or file names); each backend
checks its own id format (:mod:`cmsbridge.backends.ids`)."""


def _post_id(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if len(value) > MAX_POST_ID:
        raise click.BadParameter(f"too long ({len(value)} characters, at most {MAX_POST_ID})")
    if not value or not value.isprintable() or value != value.strip():
        raise click.BadParameter(f"not a post id: {shown(value)}")
    return value


post_id_argument = click.argument("post_id", callback=_post_id)
"""The POST_ID argument of every command that takes one: at most :data:`MAX_POST_ID` printable characters."""


def media_root_option(help: str) -> Callable[[F], F]:
    """The repeatable ``--media-root DIR`` option (an existing folder) of the commands that read images
    named by a local path (:func:`cmsbridge.backends.media.local_media`); ``help`` says which folders
    count too."""
    return click.option(
        "--media-root",
        "media_roots",
        multiple=True,
        type=click.Path(exists=True, file_okay=False),
        metavar="DIR",
        help=help,
    )


def one_line(exc: BaseException, *, named: bool = False) -> str:
    """The exception's message (after its type's name when ``named``) on one line of at most 1,000
    characters, secrets scrubbed: what the command line prints of an error."""
    text = " ".join(scrub(f"{type(exc).__name__}: {exc}" if named else str(exc)).split())
    return text if len(text) <= 1000 else text[:999] + "…"


def error_exit_code(exc: CMSBridgeError) -> int:
    """Print ``exc`` as one line on stderr and return its exit code (2 for bad input): the one place the
    command line turns a :class:`~cmsbridge.errors.CMSBridgeError` into what the user sees."""
    click.echo(f"cmsbridge: error: {one_line(exc)}", err=True)
    return exc.exit_code


site_option = click.option(
    "--site",
    default=None,
    metavar="SITE",
    help="Site URL or profile (default: $CMSBRIDGE_SITE, else files:posts).",
)
insecure_option = click.option("--insecure", is_flag=True, help="Allow http:// to a non-loopback host.")


def read_input(path: str) -> str:
    """The text of file ``path`` (``-``: standard input), which must be UTF-8."""
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


def write_output(path: str, text: str) -> None:
    """Write ``text`` to file ``path`` whole or not at all (``-``: standard output)."""
    if path == "-":
        sys.stdout.write(text)
        return
    from ..backends.files import write_atomically

    try:
        write_atomically(path, text)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc


def print_losses(losses: Iterable[object]) -> None:
    """One ``warning:`` line on stderr per loss of a conversion report."""
    for loss in losses:
        click.echo(f"warning: {loss}", err=True)
