"""The live-update commands of the command line: ``append``, ``retract``, ``pin``, ``unpin``, ``open``,
``close``, ``flush``, ``outbox`` and ``schema``.

Found by name by :mod:`cmsbridge.cli` (its ``COMMANDS``). Only click is imported at start-up; the
library is imported when a command runs (cron starts ``cmsbridge append`` every minute).

Exit codes: 0 when the update is applied or already present, 75 (EX_TEMPFAIL) when it stays queued in the
outbox, 2 for bad input, 1 for other errors (the update then stays queued unless the error is the update's
own: a missing post, content the server refuses). ``flush`` exits 1 when an update failed for good in that
run, else 75 when some stay queued.

``--budget`` bounds the whole run (every request, retry wait and wait for a post's lock: one
:class:`~cmsbridge.retry.Deadline`); ``--timeout`` each request, from connecting to the end of the answer.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from .args import error_exit_code, post_id_argument, read_input
from .args import insecure_option as _insecure_option
from .args import site_option as _site_option

if TYPE_CHECKING:
    from ..backends.base import Backend
    from ..live import Prepared
    from ..live.outbox import Delivery, Outbox
    from ..report import Loss
    from ..retry import Deadline, RetryPolicy

EX_TEMPFAIL = 75

_outbox_option = click.option(
    "--outbox",
    "outbox_path",
    default=None,
    metavar="PATH|URL",
    help="Outbox: an SQLite file (default: in the user's state directory) or a postgresql:// URL shared by"
    " the appenders of every machine (the password from PGPASSWORD, ~/.pgpass or CMSBRIDGE_STATE_PASSWORD).",
)


def _seconds(minimum: float, *, inclusive: bool) -> Any:
    """A click callback: a finite number of seconds above (or at, ``inclusive``) ``minimum``."""

    def check(ctx: click.Context, param: click.Parameter, value: float) -> float:
        import math

        if not math.isfinite(value) or value < minimum or (value == minimum and not inclusive):
            bound = f"at least {minimum:g}" if inclusive else f"more than {minimum:g}"
            raise click.BadParameter(f"{value:g} is not a number of seconds {bound}")
        return value

    return check


_timeout_option = click.option(
    "--timeout",
    type=float,
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    callback=_seconds(0.0, inclusive=False),
    help="Seconds allowed for each request, from connecting to the end of the answer.",
)
_budget_option = click.option(
    "--budget",
    type=float,
    default=45.0,
    show_default=True,
    metavar="SECONDS",
    callback=_seconds(0.0, inclusive=True),
    help="Seconds the whole run may take (requests, retries, waiting); what is not delivered by then "
    "stays queued.",
)


def _fail(exc: Exception) -> None:
    from ..errors import CMSBridgeError

    if isinstance(exc, CMSBridgeError):
        sys.exit(error_exit_code(exc))
    raise exc


def _given_site(site: str | None) -> str:
    import os

    from ..backends.sites import DEFAULT_SITE

    return site or os.environ.get("CMSBRIDGE_SITE") or DEFAULT_SITE


def _connector(timeout: float, insecure: bool, deadline: Deadline) -> Any:
    def connect(site: str) -> Backend:
        from ..backends.base import Transport
        from ..backends.sites import connect as connect_site

        transport = Transport(timeout=timeout, deadline=deadline)
        return connect_site(site, insecure=insecure, transport=transport)

    return connect


def _policy(budget: float, deadline: Deadline) -> RetryPolicy:
    from ..retry import RetryPolicy

    return RetryPolicy(attempts=8, budget=budget, deadline=deadline)


def _parse_at(value: str | None, tz: str | None) -> Any:
    import datetime as dt

    from ..errors import UsageError

    if value is None:
        return None
    try:
        if "T" in value or (len(value) >= 10 and value[4] == "-"):
            when = dt.datetime.fromisoformat(value)
            if when.tzinfo is None and tz is None:
                raise UsageError(f"--at {value}: give an offset (2026-05-06T23:18+02:00) or --tz ZONE")
            return when
        return dt.time.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--at {value!r} is not an ISO 8601 time") from None


def _read_update(
    file: str,
    src: str | None,
    update_id: str | None,
    at: str | None,
    tz: str | None,
    label: str | None,
    key: bool,
    post_id: str,
    described: dict[str, Any] | None = None,
    edit: bool = False,
) -> Prepared:
    """The update FILE holds, with what the command line gives. ``described``: its byline, headline and
    pinned state as given (None: not given; a marker line at the top of FILE may give them); ``edit``: a
    replacement (:func:`cmsbridge.live.prepare`)."""
    from .. import formats
    from ..errors import UsageError
    from ..live import Update, prepare
    from ..model import UpdateMarker
    from ..report import ConversionReport

    fmt = formats.ALIASES.get(src or "text", src or "text")
    formats.get(fmt)
    data = read_input(file)
    report = ConversionReport()
    post = formats.read("\n" + data if fmt == "text" else data, fmt, report=report)
    for loss in report:
        click.echo(f"warning: {loss}", err=True)
    blocks = list(post.blocks)
    when = _parse_at(at, tz)
    first = blocks[0] if blocks else None
    given = dict(described or {})
    if isinstance(first, UpdateMarker):
        blocks.pop(0)
        label = label if label is not None else first.label
        when, tz = first.at if when is None else when, tz or first.tz
        key = key or first.key
        shown = {"by": first.by or None, "headline": first.headline or None, "pinned": first.pinned or None}
        given = {name: shown[name] if given.get(name) is None else given[name] for name in shown}
    if any(isinstance(b, UpdateMarker) for b in blocks):
        raise UsageError("the update's content holds another UPDATE: marker; append them one at a time")
    update = Update(id=update_id, at=when, label=label, blocks=tuple(blocks), key=key, tz=tz, **given)
    return prepare(post_id, update, edit=edit)


def _update_losses(site: str, insecure: bool, payload: str, allow_loss: bool) -> tuple[Loss, ...]:
    """What the site's content format will not hold of the update (connecting sends nothing); unless
    ``allow_loss``, an update that would lose any of its content is refused before it is recorded."""
    from ..backends.sites import connect
    from ..live import Prepared, check_losses

    backend = connect(site, insecure=insecure)
    try:
        fmt = backend.capabilities.content_format
    finally:
        backend.close()
    return check_losses(Prepared.from_json(payload), fmt, allow_loss=allow_loss)


def _report_others(deliveries: list[Delivery], seq: int) -> None:
    for d in deliveries:
        if d.entry.seq == seq:
            continue
        what = str(d.result.outcome) if d.result is not None else f"still {d.state}: {d.error}"
        click.echo(f"outbox: {d.entry.op} {d.entry.update_id} on post {d.entry.post}: {what}", err=True)


def _run_entry(
    outbox: Outbox,
    op: str,
    site: str,
    post_id: str,
    update_id: str,
    payload: str,
    order: str | None,
    timeout: float,
    budget: float,
    insecure: bool,
    allow_loss: bool = True,
    reopen: bool = False,
) -> None:
    from ..backends.sites import resolve
    from ..errors import CMSBridgeError
    from ..retry import Deadline

    deadline = Deadline.after(budget)
    resolve(site, insecure=insecure)  # a wrong site is bad input (exit 2), before anything is recorded
    an_update = op in ("append", "replace")
    losses = _update_losses(site, insecure, payload, allow_loss) if an_update else ()
    entry = outbox.record(
        site,
        post_id,
        op,  # type: ignore[arg-type]
        update_id,
        payload,
        order=order,  # type: ignore[arg-type]
        allow_loss=allow_loss,
        reopen=reopen,
    )
    error: Exception | None = None
    deliveries: list[Delivery] = []
    try:
        deliveries = outbox.flush(
            _connector(timeout, insecure, deadline),
            sites={site: site},
            retry=_policy(budget, deadline),
            wait=budget,
            post=post_id,
            until=entry.seq,
            deadline=deadline,
        )
    except CMSBridgeError as exc:
        error = exc
    _report_others(deliveries, entry.seq)
    result = next((d.result for d in deliveries if d.entry.seq == entry.seq and d.result), None)
    for loss in result.losses if result is not None else losses:
        click.echo(f"warning: {loss}", err=True)
    final = outbox.get(entry.seq)
    if final.state == "done":
        # a retract finds the update "already present" when it is already gone: say so in those words
        already = {
            "retract": "already absent",
            "pin": "already pinned",
            "unpin": "already unpinned",
            "open": "already open",
            "close": "already closed",
        }
        said = already.get(op) if final.outcome == "already present" else None
        click.echo(said or final.outcome)
        return
    if final.state == "failed":
        click.echo(f"cmsbridge: error: {final.last_error}", err=True)
        sys.exit(final.exit_code or 1)
    if error is not None:
        click.echo(f"cmsbridge: error: {error} (the update stays queued in {outbox.label})", err=True)
        sys.exit(getattr(error, "exit_code", 1))
    unreached = next((d.error for d in deliveries if d.entry.seq == entry.seq and d.error), None)
    if unreached is not None or final.last_error:
        click.echo(f"cmsbridge: {unreached or final.last_error}", err=True)
    click.echo("queued")
    sys.exit(EX_TEMPFAIL)


@click.command()
@post_id_argument
@click.argument("file")
@_site_option
@click.option("--id", "update_id", default=None, metavar="ID", help="The update's id (default: derived).")
@click.option("--at", default=None, metavar="ISO8601", help="The update's time (default: now).")
@click.option("--tz", default=None, metavar="ZONE", help="IANA time zone of --at (Europe/Paris).")
@click.option(
    "--label", default=None, metavar="TEXT", help='The marker\'s label ("UPDATE: 23:18 Paris time").'
)
@click.option("--from", "src", default=None, metavar="FMT", help="Format of FILE (default: text).")
@click.option("--key", is_flag=True, help="Flag the update as a key event.")
@click.option(
    "--by",
    "by",
    multiple=True,
    metavar="NAME",
    help="An author of the update, by display name, shown as its byline (repeat for several, in order). "
    "With --replace, '--by \"\"' clears the byline.",
)
@click.option("--headline", default=None, metavar="TEXT", help="The update's own headline, after its label.")
@click.option(
    "--pin",
    is_flag=True,
    help="Pin the update: shown first, above the updates placed by time (any other pinned update is "
    "unpinned; see also `cmsbridge pin` and `cmsbridge unpin`).",
)
@click.option(
    "--order",
    type=click.Choice(["newest-first", "oldest-first"]),
    default=None,
    help="Where updates go (default: detected from the post).",
)
@click.option("--replace", is_flag=True, help="Replace the update --id instead of adding one.")
@click.option(
    "--reopen",
    is_flag=True,
    help="Reopen the story if its coverage has ended (in the same write); without it an update to a closed "
    "story is refused.",
)
@click.option(
    "--allow-loss",
    is_flag=True,
    help="Apply the update even where the site's format cannot hold all of its content (each loss is "
    "printed); without it such an update is refused (exit 2) before anything is written.",
)
@_outbox_option
@_timeout_option
@_budget_option
@_insecure_option
def append(
    post_id: str,
    file: str,
    site: str | None,
    update_id: str | None,
    at: str | None,
    tz: str | None,
    label: str | None,
    src: str | None,
    key: bool,
    by: tuple[str, ...],
    headline: str | None,
    pin: bool,
    order: str | None,
    replace: bool,
    reopen: bool,
    allow_loss: bool,
    outbox_path: str | None,
    timeout: float,
    budget: float,
    insecure: bool,
) -> None:
    """Append a live update (FILE, '-' for stdin) to post POST_ID, exactly once.

    Prints 'applied', 'already present' or 'queued' (exit 0, 0, 75), and on stderr each thing the site's
    format does not hold (of the update, and of the post around it where the post is written whole). An
    update whose own content the site cannot hold is refused (exit 2) unless --allow-loss is given. The
    update is recorded in the outbox first; queued updates are delivered first, in order, by the next
    append or flush. An update to a story closed with 'cmsbridge close' is refused (exit 2) unless
    --reopen is given.

    --by, --headline, --pin and --key describe the update (a marker line at the top of FILE may too:
    UPDATE: 23:18 {by="Ann Lee" headline="..." pinned=true key=true}). With --replace, the update's
    time last edited is now and what is not given (label, time, byline, headline, pinned state) is kept
    from the update as stored."""
    from ..errors import CMSBridgeError, UsageError
    from ..live.outbox import Outbox

    try:
        if replace and not update_id:
            raise UsageError("--replace needs --id")
        described = {
            "by": tuple(name for name in by if name.strip()) if by else None,
            "headline": headline,
            "pinned": True if pin else None,
        }
        prepared = _read_update(file, src, update_id, at, tz, label, key, post_id, described, edit=replace)
        with Outbox(outbox_path) as outbox:
            _run_entry(
                outbox,
                "replace" if replace else "append",
                _given_site(site),
                post_id,
                prepared.id,
                prepared.to_json(),
                order,
                timeout,
                budget,
                insecure,
                allow_loss,
                reopen,
            )
    except CMSBridgeError as exc:
        _fail(exc)


@click.command()
@post_id_argument
@click.option("--id", "update_id", required=True, metavar="ID", help="The update to remove.")
@_site_option
@_outbox_option
@_timeout_option
@_budget_option
@_insecure_option
def retract(
    post_id: str,
    update_id: str,
    site: str | None,
    outbox_path: str | None,
    timeout: float,
    budget: float,
    insecure: bool,
) -> None:
    """Remove the live update --id from post POST_ID, exactly once (through the outbox).

    Prints 'applied', 'already absent' (no such update: removed before, or never there) or 'queued'."""
    from ..errors import CMSBridgeError
    from ..live.outbox import Outbox

    try:
        with Outbox(outbox_path) as outbox:
            _run_entry(
                outbox, "retract", _given_site(site), post_id, update_id, "", None, timeout, budget, insecure
            )
    except CMSBridgeError as exc:
        _fail(exc)


def _story_change(op: str, at: str | None, tz: str | None) -> str:
    """The outbox payload of opening or closing a story at ``at`` (default: now)."""
    import datetime as dt

    from ..errors import UsageError
    from ..live.story import STORY_OPERATIONS

    when = _parse_at(at, tz)
    if isinstance(when, dt.time):
        raise UsageError(f"--at {at}: give a date and a time (2026-05-06T20:00+02:00)")
    return STORY_OPERATIONS[op](when or dt.datetime.now(dt.UTC).replace(microsecond=0), tz).to_json()


def _story_command(op: str, doc: str) -> click.Command:
    """``open`` or ``close``: record when a story's live coverage started or ended, through the outbox."""

    @click.command(op, help=doc)
    @post_id_argument
    @_site_option
    @click.option("--at", default=None, metavar="ISO8601", help="When (default: now).")
    @click.option(
        "--tz", default=None, metavar="ZONE", help="IANA time zone of --at and of the sentence shown."
    )
    @_outbox_option
    @_timeout_option
    @_budget_option
    @_insecure_option
    def command(
        post_id: str,
        site: str | None,
        at: str | None,
        tz: str | None,
        outbox_path: str | None,
        timeout: float,
        budget: float,
        insecure: bool,
    ) -> None:
        from ..errors import CMSBridgeError
        from ..live.outbox import Outbox
        from ..live.story import STORY_ID

        try:
            payload = _story_change(op, at, tz)
            with Outbox(outbox_path) as outbox:
                _run_entry(
                    outbox, op, _given_site(site), post_id, STORY_ID, payload, None, timeout, budget, insecure
                )
        except CMSBridgeError as exc:
            _fail(exc)

    return command


open_story = _story_command(
    "open",
    """Record that post POST_ID's live coverage started (--at, default now), exactly once.

    Writes a live-status line at the top of the post ("Live coverage started ..."). Prints 'applied',
    'already open' (its first start is kept) or 'queued'; a closed story is reopened.""",
)
close_story = _story_command(
    "close",
    """Record that post POST_ID's live coverage ended (--at, default now), exactly once.

    The live-status line says "Live coverage ended ..."; updates appended afterwards are refused unless
    'cmsbridge append --reopen'. Prints 'applied', 'already closed' (its first end is kept) or 'queued'.""",
)


def _pin_command(op: str, post_id: str, update_id: str, site: str | None, *options: Any) -> None:
    from ..errors import CMSBridgeError, UsageError
    from ..live.outbox import Outbox
    from ..model import UpdateMarker

    outbox_path, order, timeout, budget, insecure = options
    try:
        try:
            UpdateMarker(id=update_id)
        except ValueError:
            raise UsageError(f"{update_id[:60]!r} is not an update id") from None
        with Outbox(outbox_path) as outbox:
            _run_entry(
                outbox, op, _given_site(site), post_id, update_id, "", order, timeout, budget, insecure
            )
    except CMSBridgeError as exc:
        _fail(exc)


_update_id_argument = click.argument("update_id", metavar="UPDATE_ID")
_pin_order_option = click.option(
    "--order",
    type=click.Choice(["newest-first", "oldest-first"]),
    default=None,
    help="Where updates placed by time go (default: detected from the post).",
)


@click.command()
@post_id_argument
@_update_id_argument
@_site_option
@_pin_order_option
@_outbox_option
@_timeout_option
@_budget_option
@_insecure_option
def pin(
    post_id: str,
    update_id: str,
    site: str | None,
    order: str | None,
    outbox_path: str | None,
    timeout: float,
    budget: float,
    insecure: bool,
) -> None:
    """Pin live update UPDATE_ID of post POST_ID, exactly once (through the outbox).

    The pinned update is shown first, above the updates placed by time (its marker and blocks move
    there); any other pinned update is unpinned, back at its time's place. Prints 'applied', 'already
    pinned' or 'queued'; exit 1 when the post has no such update."""
    _pin_command("pin", post_id, update_id, site, outbox_path, order, timeout, budget, insecure)


@click.command()
@post_id_argument
@_update_id_argument
@_site_option
@_pin_order_option
@_outbox_option
@_timeout_option
@_budget_option
@_insecure_option
def unpin(
    post_id: str,
    update_id: str,
    site: str | None,
    order: str | None,
    outbox_path: str | None,
    timeout: float,
    budget: float,
    insecure: bool,
) -> None:
    """Unpin live update UPDATE_ID of post POST_ID, exactly once (through the outbox): it goes back to
    its time's place among the other updates. Prints 'applied', 'already unpinned' or 'queued'; exit 1
    when the post has no such update."""
    _pin_command("unpin", post_id, update_id, site, outbox_path, order, timeout, budget, insecure)


@click.command()
@_site_option
@_outbox_option
@_timeout_option
@_budget_option
@_insecure_option
def flush(site: str | None, outbox_path: str | None, timeout: float, budget: float, insecure: bool) -> None:
    """Deliver the outbox's queued updates, each post's in order, within --budget in all.

    Each update goes to the site it was recorded for (a folder by its absolute path); --site (or
    $CMSBRIDGE_SITE) gives the secret of a site that needs one. Exit 1 when an update failed for good,
    else 75 when some stay queued."""
    import os

    from ..errors import CMSBridgeError
    from ..live.outbox import Outbox
    from ..retry import Deadline

    try:
        deadline = Deadline.after(budget)
        given = site or os.environ.get("CMSBRIDGE_SITE")
        with Outbox(outbox_path) as outbox:
            deliveries = outbox.flush(
                _connector(timeout, insecure, deadline),
                sites={given: given} if given else {},
                retry=_policy(budget, deadline),
                wait=budget,
                verify=True,
                deadline=deadline,
            )
            for d in deliveries:
                what = str(d.result.outcome) if d.result is not None else f"{d.state}: {d.error}"
                click.echo(f"{d.entry.post}\t{d.entry.op}\t{d.entry.update_id}\t{what}")
                for loss in d.result.losses if d.result is not None else ():
                    click.echo(f"warning: post {d.entry.post}, update {d.entry.update_id}: {loss}", err=True)
            failed = sum(1 for d in deliveries if d.state == "failed")
            queued = len(outbox.pending())
            if queued:
                click.echo(f"{queued} update(s) still queued", err=True)
            if failed:
                click.echo(f"cmsbridge: error: {failed} update(s) failed (see cmsbridge outbox)", err=True)
                sys.exit(1)
            if queued:
                sys.exit(EX_TEMPFAIL)
    except CMSBridgeError as exc:
        _fail(exc)


@click.command("outbox")
@_outbox_option
@click.option("--all", "show_all", is_flag=True, help="Also list delivered entries.")
def outbox_command(outbox_path: str | None, show_all: bool) -> None:
    """List the updates waiting in the outbox (and failed ones)."""
    import datetime as dt

    from ..errors import CMSBridgeError
    from ..live.outbox import Outbox

    try:
        with Outbox(outbox_path) as outbox:
            states = ("pending", "failed", "done") if show_all else ("pending", "failed")
            for e in outbox.entries(states=states):  # type: ignore[arg-type]
                created = dt.datetime.fromtimestamp(e.created, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                detail = e.outcome or e.last_error or ""
                click.echo(
                    f"{e.seq}\t{e.state}\t{created}\t{e.site}\t{e.post}\t{e.op}\t{e.update_id}\t"
                    f"{e.attempts}\t{detail}"
                )
    except CMSBridgeError as exc:
        _fail(exc)


def _retracted(outbox_path: str | None, site: str, post_id: str) -> dict[str, Any]:
    """The updates of the post that the outbox retracted (the post keeps no trace of them), each with its
    time: the one its append gave, else when the retraction was asked for. An outbox that does not exist
    yet is not created."""
    import datetime as dt
    from pathlib import Path

    from ..live.outbox import Outbox, default_path

    path = Path(outbox_path) if outbox_path else default_path()
    if not path.exists():
        return {}
    with Outbox(path) as outbox:
        done = outbox.entries(states=("done",), site=site, post=post_id)
    times: dict[str, dt.datetime] = {}
    for entry in done:
        if entry.op in ("append", "replace"):
            try:
                at = entry.prepared().marker.at
            except ValueError:
                continue
            if isinstance(at, dt.datetime):
                times[entry.update_id] = at
    return {
        e.update_id: times.get(e.update_id) or dt.datetime.fromtimestamp(e.created, dt.UTC)
        for e in done
        if e.op == "retract" and e.outcome == "applied"
    }


@click.command("schema")
@post_id_argument
@_site_option
@click.option("--url", default=None, metavar="URL", help="The post's address (default: its link).")
@click.option("--script", is_flag=True, help='Print a <script type="application/ld+json"> element.')
@click.option("--amp", is_flag=True, help="Print the <amp-live-list> element of the post's updates instead.")
@click.option(
    "--poll",
    type=click.IntRange(min=15),
    default=15,
    show_default=True,
    metavar="SECONDS",
    help="AMP poll interval.",
)
@click.option(
    "--max-items",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    metavar="N",
    help="AMP items per page.",
)
@_outbox_option
@_insecure_option
def schema(
    post_id: str,
    site: str | None,
    url: str | None,
    script: bool,
    amp: bool,
    poll: int,
    max_items: int,
    outbox_path: str | None,
    insecure: bool,
) -> None:
    """Print post POST_ID's schema.org LiveBlogPosting (JSON-LD) for search engines.

    With --amp, print its <amp-live-list> markup instead: an item per dated update, a tombstone for each
    update the outbox retracted from the post, 'disabled' once the story is closed."""
    import json

    from ..backends.sites import connect
    from ..errors import CMSBridgeError
    from ..live.schema import amp_live_list, live_blog_posting, live_blog_script
    from ..report import ConversionReport

    try:
        fetched = connect(site, insecure=insecure).get(post_id)
        report = ConversionReport()
        address = url or fetched.ref.link
        if amp:
            retracted = _retracted(outbox_path, _given_site(site), post_id)
            list_id = f"live-list-{fetched.ref.id}"
            click.echo(
                amp_live_list(
                    fetched.post,
                    list_id=list_id,
                    poll=poll,
                    max_items=max_items,
                    retracted=retracted,
                    report=report,
                )
            )
        elif script:
            click.echo(live_blog_script(fetched.post, url=address, report=report))
        else:
            data = live_blog_posting(fetched.post, url=address, report=report)
            click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        for loss in report:
            click.echo(f"warning: {loss}", err=True)
    except CMSBridgeError as exc:
        _fail(exc)
