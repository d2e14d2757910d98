"""The post commands of the command line: ``convert``, ``formats``, ``sites``, ``publish``, ``get``,
``list`` and ``delete``.

:mod:`cmsbridge.cli` finds them by name (its ``COMMANDS``); only click is imported at start-up, the library
when a command runs. A :class:`~cmsbridge.errors.CMSBridgeError` is left to the group, which prints it.
"""

from __future__ import annotations

import click

from ..errors import UsageError
from .args import (
    insecure_option,
    media_root_option,
    post_id_argument,
    print_losses,
    read_input,
    site_option,
    write_output,
)


@click.command()
@click.argument("file", default="-")
@click.option("--from", "src", required=True, metavar="FMT", help="Input format.")
@click.option("--to", "dst", required=True, metavar="FMT", help="Output format.")
@click.option("-o", "--output", default="-", metavar="FILE", help="Output file ('-' for stdout).")
def convert(file: str, src: str, dst: str, output: str) -> None:
    """Convert FILE ('-' for stdin) from one format to another."""
    from .. import formats
    from ..report import ConversionReport

    formats.get(src), formats.get(dst)  # unknown formats fail before any input is read
    report = ConversionReport()
    result = formats.convert(read_input(file), src, dst, report=report)
    write_output(output, result)
    print_losses(report)


@click.command("formats")
def list_formats() -> None:
    """List the formats installed, plugins included: name, then what provides it."""
    from .. import formats

    for name, source in formats.installed().items():
        click.echo(f"{name}\t{source}")


@click.command("sites")
def list_sites() -> None:
    """List the site URL schemes installed, plugins included: scheme, how a URL is written, what it is."""
    from ..backends.sites import schemes

    for name, scheme in schemes().items():
        click.echo(f"{name}\t{scheme.form}\t{scheme.about}")


# --- sites: publish, get, list, delete (issue 3) ---------------------------------------------------


def _guess_format(path: str, given: str | None) -> str:
    if given:
        return given
    from ..formats import format_of

    fmt = format_of(path)
    if fmt is None:
        raise UsageError(f"cannot tell the format of {path}; give --from FMT")
    return fmt


@click.command()
@click.argument("file")
@click.option("--from", "src", default=None, metavar="FMT", help="Input format (default: by extension).")
@site_option
@click.option("--status", type=click.Choice(["draft", "publish"]), default=None, help="Publication status.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object with id and link.")
@media_root_option("A folder the featured image may be read from (repeatable); FILE's own folder always is.")
@insecure_option
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

    from .. import formats
    from ..backends.media import LocalMedia
    from ..backends.sites import connect
    from ..report import ConversionReport

    report = ConversionReport()
    post = formats.read(read_input(file), _guess_format(file, src), report=report)
    if status is not None:
        post = post.replace(status=status)
    backend = connect(site, insecure=insecure)
    if isinstance(backend, LocalMedia):  # the user named FILE, and so its folder (cmsbridge.backends.media)
        given = [] if file == "-" else [os.path.dirname(os.path.abspath(file))]
        backend.media_roots = (*media_roots, *given)
    ref = backend.create(post, report=report)
    if as_json:
        click.echo(
            json.dumps({"id": ref.id, "link": ref.link, "site": backend.site, "warnings": report.messages()})
        )
    else:
        click.echo(f"{ref.id}\t{ref.link or ''}")
    print_losses(report)


@click.command()
@post_id_argument
@site_option
@click.option("--to", "dst", default="json", metavar="FMT", help="Output format (default json).")
@click.option("-o", "--output", default="-", metavar="FILE", help="Output file ('-' for stdout).")
@insecure_option
def get(post_id: str, site: str | None, dst: str, output: str, insecure: bool) -> None:
    """Print post POST_ID in format FMT."""
    from .. import formats
    from ..backends.sites import connect
    from ..report import ConversionReport

    formats.get(dst)
    fetched = connect(site, insecure=insecure).get(post_id)
    report = ConversionReport()
    report.losses.extend(fetched.report.losses)
    write_output(output, formats.write(fetched.post, dst, report=report))
    print_losses(report)


@click.command("list")
@site_option
@click.option("--status", default=None, help="Only posts with this status (default: all).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@insecure_option
def list_posts(site: str | None, status: str | None, as_json: bool, insecure: bool) -> None:
    """List the site's posts, newest first: id, status, title, link."""
    import json

    from ..backends.sites import connect

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


@click.command()
@post_id_argument
@site_option
@click.option("--force", is_flag=True, help="Delete for good instead of moving to the trash.")
@insecure_option
def delete(post_id: str, site: str | None, force: bool, insecure: bool) -> None:
    """Delete post POST_ID (to the trash where the CMS has one)."""
    from ..backends.sites import connect

    connect(site, insecure=insecure).delete(post_id, force=force)
