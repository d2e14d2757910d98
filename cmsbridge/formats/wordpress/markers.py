"""Live-blog update markers in WordPress markup: recognising them and the encoding cmsbridge writes.

A marker is written as a core paragraph that renders without any plugin::

    <!-- wp:paragraph {"anchor":"update-ID","className":"update-marker is-key-event is-pinned",
      "metadata":{"name":"LABEL","cmsbridge":{"update":"ID","at":"2026-05-06T23:18:00+02:00",
      "tz":"Europe/Paris","key":true,"by":["Ann Lee","Bo Ng"],"headline":"Talks resume","pinned":true,
      "edited":"2026-05-06T23:40:00+02:00"}}} -->
    <p class="update-marker is-key-event is-pinned" id="update-ID"><strong>UPDATE: <time
      datetime="...">23:18</time> Paris time</strong><br><span class="update-headline">Talks resume</span>
      <br><span class="update-byline">By Ann Lee and Bo Ng</span></p>
    <!-- /wp:paragraph -->

The HTML carries the anchor, a ``<time datetime>`` and, on lines of their own after the label, the
headline and the byline readers see (spans with their classes; the label alone is what
:mod:`cmsbridge.formats.updates` reads as a label); the comment attributes carry the same facts again
(``metadata`` is a global attribute the editor keeps), because WordPress strips ``<time>`` from the
content of users without ``unfiltered_html`` while comment attributes, ``id`` and ``class`` survive. The
visible headline and byline win over the attributes when an editor changed them; the time last edited is
in the attributes only, a pinned update has the class ``is-pinned``.
Existing content is recognised by its text: a paragraph or heading that starts like an update label
(:mod:`cmsbridge.formats.updates`: ``UPDATE:``, ``Updated -``, ``MISE À JOUR :``..., optionally in
``<strong>``), its time and zone read as every format reads them.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from ...model import Bold, Inlines, Italic, LineBreak, RawInline, Text, UpdateMarker, plain_text, zone_info
from ..html.inline import escape_attr, escape_text
from ..updates import (
    byline_names,
    byline_text,
    edited_time,
    find_time,
    is_update_label,
    names_from,
    parse_update_label,
    update_id_from_label,
)

KEY_CLASS = "is-key-event"
MARKER_CLASS = "update-marker"
PINNED_CLASS = "is-pinned"
HEADLINE_CLASS = "update-headline"
BYLINE_CLASS = "update-byline"
METADATA_KEY = "cmsbridge"

_ID_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
_TIME_TAG_RE = re.compile(r'<time\b[^>]*\bdatetime\s*=\s*["\']([^"\']*)["\']', re.IGNORECASE)
_EXTRA_RE = re.compile(rf'\A<span class="({HEADLINE_CLASS}|{BYLINE_CLASS})">([^<]*)</span>\Z')


def split_extras(inlines: Inlines) -> tuple[Inlines, dict[str, str]]:
    """A marker paragraph's content split into its label and the lines after it that cmsbridge writes
    (``<br><span class="update-headline">...</span>``, the same for ``update-byline``): the label's
    inlines, and the text of each such span by its class."""
    label = list(inlines)
    extras: dict[str, str] = {}
    while label:
        last = label[-1]
        if _blank(last):
            label.pop()
            continue
        match = _EXTRA_RE.match(last.content) if isinstance(last, RawInline) else None
        if match is None or match[1] in extras:
            break
        extras[match[1]] = html.unescape(match[2])
        label.pop()
        while label and (isinstance(label[-1], LineBreak) or _blank(label[-1])):
            label.pop()
    return (tuple(label), extras) if extras else (inlines, {})


def _blank(span: object) -> bool:
    return isinstance(span, Text) and not span.text.strip()


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
    """Whether inline content is an update marker's label (with the headline and byline lines cmsbridge
    writes after it): the marker prefix, and no links or code."""
    label, _ = split_extras(inlines)
    return is_update_label(plain_text(label)) and _inline_ok(label)


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
    """The label: the plain text, ``<time>`` text included (plain_text skips raw inline markup; the raw
    markup's text is unescaped, the text spans already are)."""
    return _label_text(inlines).strip()


def _label_text(inlines: Inlines) -> str:
    parts: list[str] = []
    for span in inlines:
        if isinstance(span, Text):
            parts.append(span.text)
        elif isinstance(span, LineBreak):
            parts.append("\n")
        elif isinstance(span, Bold | Italic):
            parts.append(_label_text(span.children))
        elif isinstance(span, RawInline):
            parts.append(html.unescape(re.sub(r"<[^>]*>", "", span.content)))
    return "".join(parts)


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
    label_inlines, extras = split_extras(inlines)
    label = label_of(label_inlines)
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
    return UpdateMarker(
        id=marker_id or update_id_from_label(label),
        at=at,
        tz=zone,
        label=label,
        key=key,
        **_described(info, extras, classes),
    )


def _described(info: dict[str, Any], extras: dict[str, str], classes: list[str]) -> dict[str, Any]:
    """A marker's byline, headline, pinned state and edited time: the visible lines where there are some
    (an editor may have changed them), else the comment attributes."""
    known = names_from(info.get("by")) if isinstance(info.get("by"), list) else ()
    by = byline_names(extras[BYLINE_CLASS], known) if BYLINE_CLASS in extras else known
    headline = info.get("headline") if isinstance(info.get("headline"), str) else ""
    return {
        "by": by,
        "headline": extras.get(HEADLINE_CLASS, headline),
        "pinned": PINNED_CLASS in classes or info.get("pinned") is True,
        "edited": edited_time(info.get("edited")),
    }


def marker_metadata(marker: UpdateMarker) -> dict[str, Any]:
    info: dict[str, Any] = {"update": marker.id}
    if marker.at is not None:
        info["at"] = format_when(marker.at)
    if marker.tz is not None:
        info["tz"] = marker.tz
    if marker.key:
        info["key"] = True
    if marker.by:
        info["by"] = list(marker.by)
    if marker.headline:
        info["headline"] = marker.headline
    if marker.pinned:
        info["pinned"] = True
    if marker.edited is not None:
        info["edited"] = marker.edited.isoformat()
    return info


def marker_classes(marker: UpdateMarker) -> list[str]:
    """The classes a marker's paragraph has: the marker's, and its key-event and pinned states."""
    return [MARKER_CLASS] + [KEY_CLASS] * marker.key + [PINNED_CLASS] * marker.pinned


def extras_html(marker: UpdateMarker) -> str:
    """The lines after the label that readers see: the headline and the byline, each after a line break."""
    lines = [(HEADLINE_CLASS, marker.headline), (BYLINE_CLASS, byline_text(marker.by))]
    return "".join(f'<br><span class="{name}">{escape_text(text)}</span>' for name, text in lines if text)


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
