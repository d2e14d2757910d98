"""Links between posts, rewritten when the posts move to another site (``migrate(links="rewrite")``).

Pure functions over the post model: :func:`rewrite_links` replaces every link that a resolver maps (in
paragraphs, headings, lists, quotes and their source, captions, image links) and lists the links it could
not map; links inside raw markup are listed apart, since raw markup is written back unchanged.

:func:`normalize` is the key a link is looked up by: scheme, host case, default port,
trailing slash and fragment do not count, so ``http://News.example/a`` finds ``https://news.example/a/``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..model import Post

_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def normalize(url: str) -> str:
    """The lookup key of an absolute address: host (lower case, default port dropped), path without its
    trailing slash, and query; the scheme and fragment are ignored."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    port = parts.port if parts.port not in (None, 80, 443) else None
    netloc = f"{host}:{port}" if port else host
    path = parts.path.rstrip("/") or "/"
    return f"{netloc}{path}" + (f"?{parts.query}" if parts.query else "")


@dataclass
class Rewritten:
    """What :func:`rewrite_links` did: the links changed (old, new), those that point into the source site
    but map to nothing yet, and the source-site links inside raw markup (kept as they are)."""

    changed: list[tuple[str, str]] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    in_raw: list[str] = field(default_factory=list)


def rewrite_links(
    post: Post,
    *,
    base: str | None,
    internal: Callable[[str], bool],
    resolve: Callable[[str], str | None],
) -> tuple[Post, Rewritten]:
    """``post`` with each internal link (``internal(absolute address)``) replaced by ``resolve``'s answer.

    Relative links are made absolute against ``base`` (the post's own address) first; a link's fragment is
    kept. A link that is internal but that ``resolve`` does not know is left and listed as unresolved."""
    result = Rewritten()

    def new_href(href: str) -> str:
        absolute = urljoin(base, href) if base else href
        if not urlsplit(absolute).netloc or not internal(absolute):
            return href
        address, hash_mark, fragment = absolute.partition("#")
        target = resolve(address)
        if target is None:
            result.unresolved.append(absolute)
            return href
        new = target + (hash_mark + fragment if hash_mark else "")
        if new != href:
            result.changed.append((href, new))
        return new

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            if value.get("type") == "raw":
                for match in _HREF.finditer(str(value.get("content", ""))):
                    href = match.group(1) if match.group(1) is not None else match.group(2)
                    absolute = urljoin(base, href) if base else href
                    if urlsplit(absolute).netloc and internal(absolute):
                        result.in_raw.append(absolute)
                return value
            out = {}
            for k, v in value.items():
                if k == "origin":
                    out[k] = v
                elif k in ("href", "link", "source_url") and isinstance(v, str) and v:
                    out[k] = new_href(v)
                else:
                    out[k] = walk(v)
            return out
        if isinstance(value, list | tuple):
            return [walk(v) for v in value]
        return value

    data = post.model_dump(mode="json")
    blocks = walk(data["blocks"])
    if not result.changed:
        return post, result
    rebuilt: Post = Post.model_validate({**data, "blocks": blocks})
    return rebuilt, result


__all__ = ["Rewritten", "normalize", "rewrite_links"]
