"""Redirects from migrated posts' old addresses to their new ones, from the migration's id map.

``cmsbridge redirects --from OLD --to NEW`` prints them for the web server that keeps answering on the
old addresses: ``csv`` (old and new address), ``nginx`` (a ``map`` to include in the ``http`` block),
``apache`` (``RedirectMatch 301`` lines) or ``ghost`` (a ``redirects.yaml`` for a Ghost site that takes
over the old domain). Each old path also matches with or without its trailing slash. A post whose
address did not change gets none, and in ``ghost`` (paths on the Ghost site) nor does one whose path did
not change: it would redirect to itself.
"""

from __future__ import annotations

import json
import os
import re
from typing import Literal
from urllib.parse import urlsplit

from ..errors import UsageError, redact_url
from .idmap import IdMap, Redirect
from .links import normalize

Format = Literal["csv", "nginx", "apache", "ghost"]
FORMATS: tuple[Format, ...] = ("csv", "nginx", "apache", "ghost")


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _pattern(path: str, *, any_query: bool) -> str:
    """A regular expression for ``path``, with or without its trailing slash (PCRE, as nginx, Apache and
    Ghost read it); ``any_query``: a path without a query also matches with one (``?utm_source=...``)."""
    base, query = path.partition("?")[::2]
    stem = base.rstrip("/")
    body = re.escape(stem) + "/?" if stem else "/"
    if query:
        return "^" + body + r"\?" + re.escape(query) + "$"
    return "^" + body + (r"(?:\?.*)?$" if any_query else "$")


def _same_path(a: str, b: str) -> bool:
    (path_a, _, query_a), (path_b, _, query_b) = a.partition("?"), b.partition("?")
    return (path_a.rstrip("/"), query_a) == (path_b.rstrip("/"), query_b)


def _csv(rows: list[Redirect]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["source", "target"])
    for row in rows:
        writer.writerow([row.source_link, row.target_link])
    return out.getvalue()


def _nginx(rows: list[Redirect], header: str) -> str:
    lines = [
        f"# {header}",
        "# Include in the http block; in the old site's server block add:",
        "#     if ($cmsbridge_redirect) { return 301 $cmsbridge_redirect; }",
        "map $request_uri $cmsbridge_redirect {",
        '    default "";',
    ]
    for row in rows:
        key = "~" + _pattern(_path(row.source_link), any_query=True)
        lines.append(f"    {json.dumps(key)} {json.dumps(row.target_link)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _apache(rows: list[Redirect], header: str) -> str:
    lines = [f"# {header}", "# mod_alias, in the old site's virtual host or .htaccess"]
    for row in rows:
        path = _path(row.source_link)
        if "?" in path:
            continue  # mod_alias does not see the query string
        pattern = _pattern(path, any_query=False)
        if " " in pattern or " " in row.target_link:
            continue  # percent-encoded addresses never hold spaces; anything else is not a post address
        lines.append(f"RedirectMatch 301 {pattern} {row.target_link}")
    return "\n".join(lines) + "\n"


def _ghost(rows: list[Redirect], header: str) -> str:
    entries = []
    for row in rows:
        target = urlsplit(row.target_link)
        to = (target.path or "/") + (f"?{target.query}" if target.query else "")
        old = _path(row.source_link)
        if not _same_path(old, to):  # the same path would redirect to itself
            entries.append(f"  {json.dumps(_pattern(old, any_query=True))}: {json.dumps(to)}")
    kept = len(rows) - len(entries)
    lines = [
        f"# {header}; {kept} kept their path" if kept else f"# {header}",
        "# Upload in Ghost Admin: Settings > Advanced > Labs > Redirects",
        "301:" if entries else "301: {}",
        *entries,
        "302: {}",
    ]
    return "\n".join(lines) + "\n"


def redirects(state: str | os.PathLike[str], source_site: str, target_site: str, fmt: Format = "csv") -> str:
    """The redirects of every post migrated from ``source_site`` to ``target_site`` (their ``.site``)
    recorded in the id map ``state``, in format ``fmt``."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown redirect format {fmt!r}; expected one of {', '.join(FORMATS)}")
    ids = IdMap(state)
    try:
        rows = [
            r
            for r in ids.redirects(source_site, target_site)
            if _path(r.source_link) != "/" and normalize(r.source_link) != normalize(r.target_link)
        ]
    finally:
        ids.close()
    if fmt == "csv":
        return _csv(rows)
    header = f"cmsbridge: {len(rows)} redirect(s) from {redact_url(source_site)} to {redact_url(target_site)}"
    return {"nginx": _nginx, "apache": _apache, "ghost": _ghost}[fmt](rows, header)


__all__ = ["FORMATS", "Format", "redirects"]
