"""``cmsbridge migrate``: copy every post of one site to another, resumably (:mod:`cmsbridge.migration.run`).

Found by name by :mod:`cmsbridge.cli` (its ``COMMANDS``); the library and rich are imported when the
command runs. Exit codes: 0 when every post was migrated (or already was), 1 when some failed, 2 for bad
input, 130 when interrupted (run it again to resume).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

import click

from .args import insecure_option, media_root_option

if TYPE_CHECKING:
    from ..migration.run import MigrationReport, PostOutcome


def _since(value: str | None) -> Any:
    import datetime as dt

    from ..errors import UsageError

    if value is None:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--since {value!r} is not an ISO 8601 time") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def _rate(value: str | None) -> float | None:
    from ..errors import UsageError

    if value is None:
        return None
    number = value.strip().removesuffix("/s")
    try:
        rate = float(number)
    except ValueError:
        rate = 0.0
    if not rate > 0 or rate == float("inf"):
        raise UsageError(f"--rate {value!r} is not a number of requests a second (e.g. 5/s)")
    return rate


def _default_state() -> str:
    import platformdirs

    return str(platformdirs.user_state_dir("cmsbridge")) + "/migrations.sqlite3"


class _Progress:
    """A rich progress display on stderr (a spinner and counts: the number of posts is not known)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = self.progress.add_task("migrating", total=None)
        self.counts: dict[str, int] = {}
        self.whole = ""

    def __enter__(self) -> _Progress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def __call__(self, outcome: PostOutcome) -> None:
        self.counts[outcome.action] = self.counts.get(outcome.action, 0) + 1
        counts = ", ".join(f"{n} {action}" for action, n in self.counts.items())
        self.progress.update(self.task, advance=1, description=f"{counts}{self.whole}  {outcome.title[:40]}")

    def whole_migration(self, counts: Mapping[str, int]) -> None:
        """The whole migration's progress, every machine's (shown beside this process's counts)."""
        done = sum(n for action, n in counts.items() if action != "todo")
        self.whole = f" (whole migration: {done} of {done + counts.get('todo', 0)} done)"


def _print(report: MigrationReport, as_json: bool) -> None:
    click.echo(report.to_json() if as_json else report.to_text())


@click.command()
@click.option(
    "--from",
    "source",
    required=True,
    metavar="SITE",
    help="Site to copy from (URL, profile, or wxr:FILE, a WordPress export).",
)
@click.option("--to", "target", required=True, metavar="SITE", help="Site to copy to (URL or profile).")
@click.option(
    "--state",
    default=None,
    metavar="PATH|URL",
    help="The migration's state: an SQLite file (default: migrations.sqlite3 in the user's state directory)"
    " or a postgresql:// URL shared by workers on several machines (its password from PGPASSWORD, a"
    " ~/.pgpass or service file, or CMSBRIDGE_STATE_PASSWORD).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=64),
    default=1,
    show_default=True,
    metavar="N",
    help="Posts migrated in parallel; the same command elsewhere with the same --state joins in.",
)
@click.option(
    "--rate",
    default=None,
    metavar="N/s",
    help="At most N requests a second to the target, for every worker together.",
)
@click.option(
    "--lease",
    type=click.FloatRange(min=1.0),
    default=120.0,
    show_default=True,
    hidden=True,
    help="Seconds a worker's claim on a post lasts unless renewed (a dead worker's posts return after it).",
)
@click.option(
    "--since",
    default=None,
    metavar="ISO8601",
    help="Only posts modified since then (UTC when no offset is given).",
)
@click.option("--status", default=None, help="Only posts with this status (default: all).")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Create or update at most N posts in this run.",
)
@click.option(
    "--authors",
    type=click.Choice(["drop", "keep"]),
    default="drop",
    show_default=True,
    help="WordPress and Ghost authors are accounts: drop them (reported) or send them as they are.",
)
@click.option(
    "--media",
    type=click.Choice(["keep", "copy"]),
    default="keep",
    show_default=True,
    help="Leave the posts' images where they are, or copy them to the target and point the posts there.",
)
@media_root_option(
    "A folder images named by a local path may be read from (repeatable); a files: source's folder"
    " always is, nothing else is."
)
@click.option(
    "--links",
    type=click.Choice(["keep", "rewrite"]),
    default="keep",
    show_default=True,
    help="Leave links between the posts as they are, or point them at the migrated posts.",
)
@click.option("--dry-run", is_flag=True, help="Read both sites and report what would be done; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@insecure_option
def migrate(
    source: str,
    target: str,
    state: str | None,
    workers: int,
    rate: str | None,
    lease: float,
    since: str | None,
    status: str | None,
    limit: int | None,
    authors: str,
    media: str,
    media_roots: tuple[str, ...],
    links: str,
    dry_run: bool,
    as_json: bool,
    insecure: bool,
) -> None:
    """Copy every post of --from to --to; run again to resume or to pick up changed posts."""
    from ..backends.sites import connect
    from ..migration.run import MigrationInterrupted
    from ..migration.run import migrate as run

    try:
        since_time = _since(since)
        per_second = _rate(rate)
        src, dst = connect(source, insecure=insecure), connect(target, insecure=insecure)
        display: Any = _Progress() if sys.stderr.isatty() and not as_json else None
        context: AbstractContextManager[Any] = display if display is not None else nullcontext()
        with context:
            report = run(
                src,
                dst,
                state=state or _default_state(),
                since=since_time,
                status=status,
                limit=limit,
                dry_run=dry_run,
                authors=authors,  # type: ignore[arg-type]
                media=media,  # type: ignore[arg-type]
                links=links,  # type: ignore[arg-type]
                progress=display,
                progress_whole=display.whole_migration if display is not None else None,
                media_roots=media_roots,
                workers=workers,
                rate=per_second,
                lease=lease,
            )
    except MigrationInterrupted as exc:
        _print(exc.report, as_json)
        click.echo("cmsbridge: interrupted; run the same command again to resume", err=True)
        sys.exit(130)
    _print(report, as_json)
    sys.exit(0 if report.ok else 1)


@click.command()
@click.option("--from", "source", required=True, metavar="SITE", help="The site the posts were copied from.")
@click.option("--to", "target", required=True, metavar="SITE", help="The site they were copied to.")
@click.option(
    "--state", default=None, metavar="PATH|URL", help="The migration's state (as given to migrate)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "nginx", "apache", "ghost"]),
    default="csv",
    show_default=True,
    help="csv, an nginx map, Apache RedirectMatch lines, or a Ghost redirects.yaml.",
)
@insecure_option
def redirects(source: str, target: str, state: str | None, fmt: str, insecure: bool) -> None:
    """Print redirects from the migrated posts' old addresses to their new ones."""
    from ..backends.sites import connect
    from ..migration.redirects import redirects as build

    src, dst = connect(source, insecure=insecure), connect(target, insecure=insecure)
    text = build(state or _default_state(), src.site, dst.site, fmt)  # type: ignore[arg-type]
    click.echo(text, nl=False)
