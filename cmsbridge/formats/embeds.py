"""Embed providers, in one table: the URLs that name a provider's item, the pattern its ids follow, its
canonical URL and its player (iframe) URL.

The same table gives WordPress's embed ``type`` and ``providerNameSlug`` (the provider's name) and the
fields of Ghost's embed card (``embedType``, ``metadata.provider_name``, the player's size); every reader
and writer asks it (:func:`identify`, :func:`player_url`...).

An id that does not match its provider's pattern is never put into a URL (``../../x`` or
``x?autoplay=1&list=...`` would reach an iframe's ``src``): :func:`valid_id` is the one check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Embed


@dataclass(frozen=True)
class Provider:
    name: str
    id_pattern: re.Pattern[str]
    urls: tuple[re.Pattern[str], ...]
    canonical: str | None = None
    player: str | None = None
    kind: str = "rich"
    """WordPress's embed ``type`` and Ghost's embed card ``embedType``: ``video`` or ``rich``."""
    ghost_name: str | None = None
    """Ghost's ``metadata.provider_name`` (the oEmbed provider name) for the players cmsbridge writes."""
    size: tuple[int, int] | None = None
    """The player's width and height in the HTML cmsbridge writes for Ghost."""


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII)


PROVIDERS: dict[str, Provider] = {
    p.name: p
    for p in (
        Provider(
            "youtube",
            _re(r"[A-Za-z0-9_-]{1,64}"),
            (
                _re(
                    r"^https?://(?:(?:www|m)\.)?youtube(?:-nocookie)?\.com/"
                    r"(?:watch\?(?:.*&)?v=|embed/|shorts/|live/|v/)([\w-]{6,})"
                ),
                _re(r"^https?://music\.youtube\.com/watch\?(?:.*&)?v=([\w-]{6,})"),
                _re(r"^https?://youtu\.be/([\w-]{6,})"),
            ),
            "https://www.youtube.com/watch?v={id}",
            "https://www.youtube.com/embed/{id}",
            "video",
            "YouTube",
            (560, 315),
        ),
        Provider(
            "vimeo",
            _re(r"[0-9]{1,20}"),
            (_re(r"^https?://(?:www\.|player\.)?vimeo\.com/(?:video/)?(\d+)"),),
            "https://vimeo.com/{id}",
            "https://player.vimeo.com/video/{id}",
            "video",
            "Vimeo",
            (640, 360),
        ),
        Provider(
            "dailymotion",
            _re(r"[A-Za-z0-9]{1,32}"),
            (_re(r"^https?://(?:www\.)?dailymotion\.com/(?:embed/)?video/([A-Za-z0-9]+)"),),
            "https://www.dailymotion.com/video/{id}",
            "https://www.dailymotion.com/embed/video/{id}",
            "video",
        ),
        Provider(
            "twitter",
            _re(r"[0-9]{1,25}"),
            (_re(r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/[^/]+/status(?:es)?/(\d+)"),),
        ),
        Provider(
            "instagram",
            _re(r"[A-Za-z0-9_-]{1,64}"),
            (_re(r"^https?://(?:www\.)?instagram\.com/(?:p|reel)/([\w-]+)"),),
        ),
        Provider(
            "tiktok",
            _re(r"[0-9]{1,25}"),
            (_re(r"^https?://(?:www\.)?tiktok\.com/@[^/]+/video/(\d+)"),),
            kind="video",
        ),
        Provider(
            "ted",
            _re(r"[A-Za-z0-9_]{1,128}"),
            (_re(r"^https?://(?:www\.)?ted\.com/talks/(\w+)"),),
            kind="video",
        ),
        Provider(
            "facebook",
            _re(r"[0-9]{1,25}"),
            (_re(r"^https?://(?:www\.)?facebook\.com/[^/?#]+/(?:videos|posts)/(\d+)"),),
        ),
        Provider(
            "spotify",
            _re(r"[a-z]{1,16}/[A-Za-z0-9]{1,64}"),
            (_re(r"^https?://open\.spotify\.com/(?:embed/)?(\w+/\w+)"),),
        ),
        Provider(
            "soundcloud",
            _re(r"[A-Za-z0-9_-]{1,100}(?:/[A-Za-z0-9_-]{1,100}){0,3}"),
            (_re(r"^https?://(?:www\.)?soundcloud\.com/([^?#]+)"),),
        ),
    )
}

WORDPRESS_LEGACY_SLUGS = {"speaker": "speaker-deck", "polldaddy": "crowdsignal"}
"""Old ``core-embed/NAME`` block names whose ``NAME`` is not the provider's slug (the slug is the provider's
name in :data:`PROVIDERS`, as WordPress's ``providerNameSlug`` is)."""

OTHER_ID = _re(r"[A-Za-z0-9_-][A-Za-z0-9_.:-]{0,127}")
"""The ids of providers that have no entry in :data:`PROVIDERS` (no ``/``, ``?``, ``&``, ``#``, ``..``)."""

PROVIDER_SLUG = _re(r"[a-z0-9][a-z0-9_-]{0,63}")
"""What a provider slug looks like (``youtube``, ``generic``...)."""


def wordpress_type(provider: str) -> str | None:
    """The ``type`` of a WordPress embed block of ``provider`` (None for providers not in the table)."""
    known = PROVIDERS.get(provider)
    return known.kind if known is not None else None


def id_in_url(provider: str, url: str) -> str | None:
    """The id ``url`` names when it is a URL of ``provider``, else None."""
    found, found_id = identify(url)
    return found_id if found == provider else None


def valid_id(provider: str, provider_id: str) -> bool:
    """Whether ``provider_id`` follows ``provider``'s id pattern (and so may be put into a URL)."""
    known = PROVIDERS.get(provider)
    pattern = known.id_pattern if known is not None else OTHER_ID
    return pattern.fullmatch(provider_id) is not None and ".." not in provider_id


def canonical_url(provider: str, provider_id: str) -> str | None:
    """The usual watch URL of a video id at ``provider``, or None when there is no such rule."""
    known = PROVIDERS.get(provider)
    if known is None or known.canonical is None or not valid_id(provider, provider_id):
        return None
    return known.canonical.format(id=provider_id)


def player_url(provider: str, provider_id: str | None) -> str | None:
    """The iframe URL that plays ``provider_id`` at ``provider``, or None (no player, or a bad id)."""
    known = PROVIDERS.get(provider)
    if known is None or known.player is None or not provider_id or not valid_id(provider, provider_id):
        return None
    return known.player.format(id=provider_id)


def identify(url: str) -> tuple[str, str | None]:
    """The provider slug and the provider's id that ``url`` names (``generic``, None when unknown)."""
    for provider in PROVIDERS.values():
        for pattern in provider.urls:
            match = pattern.match(url)
            if match:
                found = match[1]
                return provider.name, found if valid_id(provider.name, found) else None
    return "generic", None


def embed_for_url(url: str) -> Embed:
    """An embed of ``url``; iframe player URLs (``/embed/ID``) become the provider's watch URL."""
    provider, provider_id = identify(url)
    if provider_id is not None:
        canonical = canonical_url(provider, provider_id)
        if canonical is not None and re.search(r"/embed/|player\.vimeo|/video/\d+$", url):
            url = canonical
    return Embed(provider=provider, url=url, provider_id=provider_id)
