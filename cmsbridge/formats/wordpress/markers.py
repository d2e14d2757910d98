"""Live-blog update markers in WordPress markup: recognising them and the encoding cmsbridge writes.

A marker is written as a core paragraph that renders without any plugin::

    <!-- wp:paragraph {"anchor":"update-ID","className":"update-marker is-key-event",
      "metadata":{"name":"LABEL","cmsbridge":{"update":"ID","at":"2026-05-06T23:18:00+02:00",
      "tz":"Europe/Paris","key":true}}} -->
    <p class="update-marker is-key-event" id="update-ID"><strong>UPDATE: <time datetime="...">23:18</time>
      Paris time</strong></p>
    <!-- /wp:paragraph -->

The HTML carries the anchor and a ``<time datetime>``; the comment attributes carry the same facts again
(``metadata`` is a global attribute the editor keeps), because WordPress strips ``<time>`` from the
content of users without ``unfiltered_html`` while comment attributes, ``id`` and ``class`` survive.
Existing content is recognised by its text: a paragraph or heading that starts like an update label
(:mod:`cmsbridge.formats.updates`: ``UPDATE:``, ``Updated -``, ``MISE À JOUR :``..., optionally in
``<strong>``), its time and zone read as every format reads them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ...model import Bold, Inlines, Italic, LineBreak, RawInline, Text, UpdateMarker, plain_text, zone_info
from ..html.inline import escape_attr, escape_text
from ..updates import find_time, is_update_label, parse_update_label, update_id_from_label

KEY_CLASS = "is-key-event"
MARKER_CLASS = "update-marker"
METADATA_KEY = "cmsbridge"

_ID_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
_TIME_TAG_RE = re.compile(r'<time\b[^>]*\bdatetime\s*=\s*["\']([^"\']*)["\']', re.IGNORECASE)


def _inline_ok(inlines: Inlines) -> bool:
    for span in inlines:
        if isinstance(span, Bold | Italic):
            if not _inline_ok(span.children):
                return False
        elif isinstance(span, RawInline):
            if not span.content.lower().startswith("<time"):
                return False
        elif not isinstance(span, Text | LineBreak):
            return False
    return True


def looks_like_marker(inlines: Inlines) -> bool:
    """Whether inline content is an update marker's label: the marker prefix, and no links or code."""
    return is_update_label(plain_text(inlines)) and _inline_ok(inlines)


def said_text(attrs: dict[str, Any]) -> bool:
    """Whether block attributes say that a paragraph or heading starting like an update label is text, not
    a marker (``"metadata":{"cmsbridge":{"marker":false}}``, which :func:`text_attrs` writes)."""
    meta = attrs.get("metadata")
    ours = meta.get(METADATA_KEY) if isinstance(meta, dict) else None
    return isinstance(ours, dict) and ours.get("marker") is False


def text_attrs(inlines: Inlines, attrs: dict[str, Any]) -> dict[str, Any]:
    """``attrs`` for a paragraph or heading holding ``inlines``: marked as text when the text starts like an
    update label ("Update: the talks resume"), so that it reads back as the paragraph it is; unmarked
    otherwise. The mark is a ``metadata`` attribute, which the block editor keeps and nothing renders."""
    wanted = looks_like_marker(inlines)
    if wanted == said_text(attrs):
        return attrs
    meta = dict(attrs["metadata"]) if isinstance(attrs.get("metadata"), dict) else {}
    if wanted:
        meta[METADATA_KEY] = {"marker": False}
    else:
        meta.pop(METADATA_KEY, None)
    changed = {key: value for key, value in attrs.items() if key != "metadata"}
    return {**changed, "metadata": meta} if meta else changed


def label_of(inlines: Inlines) -> str:
    """The label: the plain text, ``<time>`` text included (plain_text skips raw inline markup)."""
    parts: list[str] = []
    for span in inlines:
        if isinstance(span, Text):
            parts.append(span.text)
        elif isinstance(span, LineBreak):
            parts.append("\n")
        elif isinstance(span, Bold | Italic):
            parts.append(label_of(span.children))
        elif isinstance(span, RawInline):
            parts.append(re.sub(r"<[^>]*>", "", span.content))
    import html

    return html.unescape("".join(parts)).strip()


def parse_when(value: str, zone: str | None) -> dt.datetime | dt.time | None:
    """A ``datetime`` attribute value: a full ISO date-time (made aware) or a time of day."""
    value = value.strip()
    try:
        if "T" in value or " " in value or len(value) > 8:
            when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if when.tzinfo is None:
                if zone is None:
                    return None
                when = when.replace(tzinfo=zone_info(zone))
            elif zone is not None:
                when = when.astimezone(zone_info(zone))
            return when
        return dt.time.fromisoformat(value)
    except ValueError:
        return None


def format_when(at: dt.datetime | dt.time) -> str:
    if isinstance(at, dt.datetime):
        return at.isoformat()
    return at.strftime("%H:%M") if at.second == 0 and at.microsecond == 0 else at.isoformat()


def marker_from(
    inlines: Inlines, html_text: str, anchor: str | None, attrs: dict[str, Any], classes: list[str]
) -> UpdateMarker:
    """The marker that a recognised paragraph or heading holds."""
    label = label_of(inlines)
    meta = attrs.get("metadata")
    info = meta.get(METADATA_KEY) if isinstance(meta, dict) else None
    info = info if isinstance(info, dict) else {}
    zone = info.get("tz") if isinstance(info.get("tz"), str) else None
    if zone is not None:
        try:
            zone_info(zone)
        except (ValueError, KeyError):
            zone = None
    named_at, named_zone = parse_update_label(label)
    if zone is None:
        zone = named_zone
    at: dt.datetime | dt.time | None = None
    time_match = _TIME_TAG_RE.search(html_text)
    if time_match:
        at = parse_when(time_match.group(1), zone)
    if at is None and isinstance(info.get("at"), str):
        at = parse_when(info["at"], zone)
    if at is None:
        at = named_at
    if isinstance(at, dt.datetime) and zone is None and at.utcoffset() == dt.timedelta(0):
        zone = "UTC"
    marker_id = None
    if isinstance(info.get("update"), str) and _ID_OK.match(info["update"]):
        marker_id = info["update"]
    elif anchor:
        candidate = anchor.removeprefix("update-")
        marker_id = candidate if _ID_OK.match(candidate) else None
    key = KEY_CLASS in classes or info.get("key") is True
    return UpdateMarker(id=marker_id or update_id_from_label(label), at=at, tz=zone, label=label, key=key)


def marker_metadata(marker: UpdateMarker) -> dict[str, Any]:
    info: dict[str, Any] = {"update": marker.id}
    if marker.at is not None:
        info["at"] = format_when(marker.at)
    if marker.tz is not None:
        info["tz"] = marker.tz
    if marker.key:
        info["key"] = True
    return info


def label_html(marker: UpdateMarker) -> str:
    """The marker's label as inline HTML, its time wrapped in ``<time datetime>`` when known."""
    label = marker.label or f"UPDATE: {marker.id}"
    if marker.at is None:
        return escape_text(label)
    stamp = escape_attr(format_when(marker.at))
    found = find_time(label)
    if found and (found[0].hour, found[0].minute) == (marker.at.hour, marker.at.minute):
        before, inside, after = label[: found[1]], label[found[1] : found[2]], label[found[2] :]
        return (
            f'{escape_text(before)}<time datetime="{stamp}">{escape_text(inside)}</time>{escape_text(after)}'
        )
    return f'<time datetime="{stamp}">{escape_text(label)}</time>'
