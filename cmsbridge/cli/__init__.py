"""The ``cmsbridge`` command line: a thin layer over the library, one library call per command.

The commands are declared in :data:`COMMANDS` and imported when one runs or help lists them; no module
registers a command by being imported, and no command module imports this one. A
:class:`~cmsbridge.errors.CMSBridgeError` is printed as one line on stderr and exits with the error's code
(2 for bad input), never with a traceback (:func:`cmsbridge.cli.args.error_exit_code`, asked by the group
and by :func:`main`). Any other exception is a bug: :func:`main`, the last line of defence, prints one line
naming the command and exits with :data:`EX_SOFTWARE` (the whole trace only with ``--debug`` or
``CMSBRIDGE_DEBUG=1``).
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from typing import Any

import click

from ..errors import CMSBridgeError, scrub
from .args import error_exit_code, one_line

EX_SOFTWARE = 70
"""The exit code of an unexpected exception (a bug in cmsbridge), as sysexits.h has it."""
_run: dict[str, Any] = {"debug": False, "command": "cmsbridge"}
"""This run's ``--debug`` and command name, for :func:`main`."""

COMMANDS: dict[str, tuple[str, str]] = {
    "convert": ("posts", "convert"),
    "formats": ("posts", "list_formats"),
    "sites": ("posts", "list_sites"),
    "publish": ("posts", "publish"),
    "get": ("posts", "get"),
    "list": ("posts", "list_posts"),
    "delete": ("posts", "delete"),
    "append": ("live", "append"),
    "retract": ("live", "retract"),
    "open": ("live", "open_story"),
    "close": ("live", "close_story"),
    "pin": ("live", "pin"),
    "unpin": ("live", "unpin"),
    "flush": ("live", "flush"),
    "outbox": ("live", "outbox_command"),
    "schema": ("live", "schema"),
    "migrate": ("migrate", "migrate"),
    "redirects": ("migrate", "redirects"),
}
"""Every command of the command line: its name -> (module of this package, the click command in it)."""


class _Commands(click.Group):
    """The ``cmsbridge`` group: its commands are :data:`COMMANDS`, imported when asked for, and a
    :class:`~cmsbridge.errors.CMSBridgeError` from any of them ends the run as one line and its code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, name = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f".{module}", __package__), name)
        if not isinstance(command, click.Command):
            raise TypeError(f"COMMANDS[{cmd_name!r}] names {module}.{name}, which is not a click command")
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CMSBridgeError as exc:
            sys.exit(error_exit_code(exc))


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    _run["debug"] = _run["debug"] or value


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
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


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``cmsbridge`` console script: run the command line, return the exit code.

    The last line of defence: an exception outside the :class:`~cmsbridge.errors.CMSBridgeError` tree is
    a bug, printed as one line naming the command (secrets redacted) with exit code :data:`EX_SOFTWARE`;
    the trace follows only with ``--debug`` or ``CMSBRIDGE_DEBUG=1``. Ctrl-C exits with 130.
    """
    args = sys.argv[1:] if argv is None else list(argv)
    _run.update(debug=os.environ.get("CMSBRIDGE_DEBUG", "") not in ("", "0"), command="cmsbridge")
    try:
        code = cli.main(args=args, prog_name="cmsbridge", standalone_mode=False)  # ctx.exit(n) returns n
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
        return error_exit_code(exc)
    except Exception as exc:
        if _run["debug"]:
            click.echo(scrub(traceback.format_exc()).rstrip("\n"), err=True)
        click.echo(f"cmsbridge: internal error in {_run['command']}: {one_line(exc, named=True)}", err=True)
        return EX_SOFTWARE
    return code if isinstance(code, int) else 0
