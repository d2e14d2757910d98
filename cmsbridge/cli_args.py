"""What the command-line modules share: the POST_ID argument, the --media-root option and how an error
is put on one line.

Kept apart from :mod:`cmsbridge.cli` so that :mod:`cmsbridge.cli_live` and :mod:`cmsbridge.cli_migrate`,
which ``cli`` imports, can use it without importing ``cli`` back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from .backends.ids import shown
from .errors import scrub

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
    named by a local path (:func:`cmsbridge.media.local_media`); ``help`` says which folders count too."""
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
