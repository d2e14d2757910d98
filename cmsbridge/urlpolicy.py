"""Which URLs may appear in a link, an embed or an image: the one rule every writer applies.

A URL is allowed when it is relative (no scheme) or its scheme is ``http``, ``https`` or ``mailto``.
The scheme is judged as a browser would read it once the URL sits in a page: HTML character references
decoded (``&#106;avascript:``), and ASCII control characters and spaces removed (``java\tscript:``,
`` javascript:``). Anything else (``javascript:``, ``data:``, ``vbscript:``, ``file:``...) is refused,
except, as an image's source only, inline raster images (``data:image/png``, ``gif``, ``jpeg``, ``webp``:
never SVG, which can hold script).
"""

from __future__ import annotations

import html
import re

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})

_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_RASTER_DATA = re.compile(r"data:image/(?:png|gif|jpeg|webp)[;,]", re.I)


def _as_browser_sees(url: str) -> str:
    return _INVISIBLE.sub("", html.unescape(html.unescape(url)))


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see in ``url`` (lower case), or None for a relative URL."""
    match = _SCHEME.match(_as_browser_sees(url))
    return match[1].lower() if match else None


def is_safe_url(url: str, *, image: bool = False) -> bool:
    """Whether ``url`` is relative or uses an allowed scheme (``http``, ``https``, ``mailto``); with
    ``image``, an inline raster image (``data:image/png;...``) is allowed too."""
    scheme = url_scheme(url)
    if scheme is None or scheme in ALLOWED_SCHEMES:
        return True
    return image and _RASTER_DATA.match(_as_browser_sees(url)) is not None


def safe_url(url: str, *, image: bool = False) -> str | None:
    """``url`` when it is allowed (see :func:`is_safe_url`), else None."""
    return url if is_safe_url(url, image=image) else None
