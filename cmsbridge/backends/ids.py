"""Post ids as each CMS makes them, checked once before one goes into a URL or a call.

WordPress ids are ASCII decimal numbers (no sign, no spaces, at most 20 digits: a 64-bit id); Ghost ids
are MongoDB object ids, 24 lowercase hexadecimal characters. A bad id is a :class:`UsageError` that shows
only a short, escaped prefix of it.
"""

from __future__ import annotations

import re

from ..errors import UsageError

WORDPRESS_ID = re.compile(r"[0-9]{1,20}")
GHOST_ID = re.compile(r"[0-9a-f]{24}")
SHOWN = 40
"""How many characters of a bad id an error message shows."""


def shown(value: str) -> str:
    """An untrusted ``value`` (an id, a status) for an error message: quoted, its control and invisible
    characters escaped, cut to :data:`SHOWN` characters (and its length given) when longer."""
    if len(value) <= SHOWN:
        return repr(value)
    return f"{value[:SHOWN]!r}… ({len(value)} characters)"


def wordpress_id(value: str) -> int:
    """A WordPress post id as the number the API takes; UsageError unless ``value`` is one."""
    if not WORDPRESS_ID.fullmatch(value):
        raise UsageError(f"a WordPress post id is a number (digits 0-9, at most 20), not {shown(value)}")
    return int(value)


def ghost_id(value: str) -> str:
    """A Ghost post id as given; UsageError unless ``value`` is 24 lowercase hexadecimal characters."""
    if not GHOST_ID.fullmatch(value):
        raise UsageError(f"a Ghost post id is 24 lowercase hexadecimal characters, not {shown(value)}")
    return value
