"""Embed URLs: the canonical URL of a provider's video id, and the provider and id a URL names."""

from __future__ import annotations

import re

from ..model import Embed

_CANONICAL = {
    "youtube": "https://www.youtube.com/watch?v={id}",
    "vimeo": "https://vimeo.com/{id}",
    "dailymotion": "https://www.dailymotion.com/video/{id}",
}

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "youtube",
        re.compile(
            r"^https?://(?:(?:www|m)\.)?youtube(?:-nocookie)?\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/|v/)([\w-]{6,})"
        ),
    ),
    ("youtube", re.compile(r"^https?://youtu\.be/([\w-]{6,})")),
    ("vimeo", re.compile(r"^https?://(?:www\.|player\.)?vimeo\.com/(?:video/)?(\d+)")),
    ("dailymotion", re.compile(r"^https?://(?:www\.)?dailymotion\.com/(?:embed/)?video/([A-Za-z0-9]+)")),
    ("twitter", re.compile(r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/[^/]+/status(?:es)?/(\d+)")),
    ("instagram", re.compile(r"^https?://(?:www\.)?instagram\.com/(?:p|reel)/([\w-]+)")),
    ("tiktok", re.compile(r"^https?://(?:www\.)?tiktok\.com/@[^/]+/video/(\d+)")),
    ("spotify", re.compile(r"^https?://open\.spotify\.com/(?:embed/)?(\w+/\w+)")),
    ("soundcloud", re.compile(r"^https?://(?:www\.)?soundcloud\.com/([^?#]+)")),
]


def canonical_url(provider: str, provider_id: str) -> str | None:
    """The usual watch URL of a video id at ``provider``, or None when there is no such rule."""
    template = _CANONICAL.get(provider)
    return template.format(id=provider_id) if template else None


def identify(url: str) -> tuple[str, str | None]:
    """The provider slug and the provider's id that ``url`` names (``generic``, None when unknown)."""
    for provider, pattern in _PATTERNS:
        match = pattern.match(url)
        if match:
            return provider, match[1]
    return "generic", None


def embed_for_url(url: str) -> Embed:
    """An embed of ``url``; iframe player URLs (``/embed/ID``) become the provider's watch URL."""
    provider, provider_id = identify(url)
    if provider_id is not None:
        canonical = canonical_url(provider, provider_id)
        if canonical is not None and re.search(r"/embed/|player\.vimeo|/video/\d+$", url):
            url = canonical
    return Embed(provider=provider, url=url, provider_id=provider_id)
