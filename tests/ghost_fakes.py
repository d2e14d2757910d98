"""A Ghost site the unit tests talk to through ``responses``: its Admin API key, its addresses and the post
it answers with."""

from __future__ import annotations

from typing import Any

from cmsbridge.backends.ghost import GhostAdmin, parse_site

KEY_ID = "6b061a3fabc0e45513b71f67"
SECRET = "68467e3660d58d487d4a65619039544d7d4fd402b81be49f75036991bbbee4cc"
SITE = f"ghost+https://{KEY_ID}:{SECRET}@blog.example.com"
API = "https://blog.example.com/ghost/api/admin"
POST_ID = "0123456789abcdef01234567"


def ghost() -> GhostAdmin:
    return GhostAdmin(*parse_site(SITE))


def ghost_post(**fields: Any) -> dict[str, Any]:
    """A post as Ghost's Admin API answers it, with ``fields`` in place of the defaults."""
    return {
        "id": POST_ID,
        "title": "T",
        "status": "draft",
        "url": "https://blog.example.com/t/",
        "updated_at": "2026-05-06T21:18:00.000Z",
        "lexical": None,
        "tags": [],
        "authors": [],
        **fields,
    }
