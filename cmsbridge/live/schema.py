"""schema.org ``LiveBlogPosting`` for a live post: the structured data search engines read to show live
coverage (Google's "Live" badge), built from the post's update markers; and AMP's ``amp-live-list``.

:func:`live_blog_posting` gives the JSON-LD object; :func:`live_blog_script` the ``<script>`` element to put
in the page. Each update becomes a ``BlogPosting`` in ``liveBlogUpdate``, the pinned one first and the others
newest first: its headline (else its label) as ``headline``, its time as ``datePublished``, the time it was
last edited (else ``datePublished``) as ``dateModified``, its byline as ``author`` (each name a ``Person``),
the text of the blocks after its marker as ``articleBody`` and, given the post's address, ``url`` pointing
at the update's anchor. ``coverageStartTime`` and ``coverageEndTime`` are the story's coverage
(:attr:`Post.coverage <cmsbridge.model.Post.coverage>`, recorded by ``cmsbridge open`` and ``close``); a post
that records none starts its coverage at its first update (or its date) and gives no end.

:func:`amp_live_list` gives the ``<amp-live-list>`` element: each update an item with its anchor as ``id``,
its time as ``data-sort-time`` and its edited time as ``data-update-time`` (milliseconds since the epoch),
holding its label, headline, byline and text (AMP allows no arbitrary markup: an update's images, embeds
and other blocks are written as their text or left out, each reported); the updates the caller knows were
retracted (the post keeps no trace of them: the outbox does) as ``data-tombstone`` items; ``disabled``
once the story is closed. Every text is escaped: a label or byline never becomes markup.

An update marker may give a time of day without a date ("UPDATE: 23:18 Paris time"). Such times are dated
from the post's own date in the update's zone, going forward a day whenever a time is earlier than the
update before it (coverage through the night). An update with no time at all, or a post with no date to
start from, gives an update without ``datePublished``, reported in the conversion report.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Mapping
from typing import Any

from ..formats.updates import byline_text
from ..model import (
    Block,
    Embed,
    Heading,
    Image,
    List,
    ListItem,
    Paragraph,
    Post,
    Quote,
    Separator,
    UpdateMarker,
    plain_text,
    zone_info,
)
from ..report import ConversionReport, ensure_report

HEADLINE_LIMIT = 110
"""Google's limit for a headline, in characters."""


def _list_text(items: tuple[ListItem, ...]) -> list[str]:
    out: list[str] = []
    for item in items:
        out.append(plain_text(item.inlines))
        for child in item.children:
            out.extend(_list_text(child.items))
    return out


def block_text(block: Block) -> str:
    """The readable text of a block (an image's alternative text, an embed's address)."""
    if isinstance(block, Paragraph | Heading):
        return plain_text(block.inlines)
    if isinstance(block, Quote):
        said = " ".join(plain_text(p.inlines) for p in block.paragraphs)
        by = plain_text(block.citation)
        return f"{said} ({by})" if by else said
    if isinstance(block, List):
        return "\n".join(_list_text(block.items))
    if isinstance(block, Image):
        return block.alt
    if isinstance(block, Embed):
        return " ".join(part for part in (plain_text(block.caption), block.url) if part)
    return ""


def _sections(post: Post) -> list[tuple[UpdateMarker, list[Block]]]:
    sections: list[tuple[UpdateMarker, list[Block]]] = []
    for block in post.blocks:
        if isinstance(block, UpdateMarker):
            sections.append((block, []))
        elif sections:
            sections[-1][1].append(block)
    return sections


def _later(a: dt.datetime | dt.time | None, b: dt.datetime | dt.time | None) -> bool:
    """Whether ``a`` is after ``b`` (False when they cannot be compared)."""
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return a > b
    if isinstance(a, dt.time) and isinstance(b, dt.time):
        return a.replace(tzinfo=None) > b.replace(tzinfo=None)
    return False


def _chronological(markers: list[UpdateMarker]) -> list[UpdateMarker]:
    """The markers oldest first: the updates placed by time in document order, reversed when the post
    runs newest first (judged on the markers that carry a full date and time); a pinned update, which
    stands at the top whatever its time, goes where its time puts it (as unpinning it would)."""
    placed = [m for m in markers if not m.pinned]
    dated = [m.at for m in placed if isinstance(m.at, dt.datetime)]
    ordered = list(reversed(placed)) if len(dated) >= 2 and dated[0] > dated[-1] else placed
    for pinned in (m for m in markers if m.pinned):
        after = next((i for i, m in enumerate(ordered) if _later(m.at, pinned.at)), len(ordered))
        ordered.insert(after, pinned)
    return ordered


def _times(post: Post, markers: list[UpdateMarker], report: ConversionReport) -> dict[str, dt.datetime]:
    """Each dated update's time, by update id."""
    times: dict[str, dt.datetime] = {}
    previous: dt.datetime | None = post.created
    for marker in _chronological(markers):
        if isinstance(marker.at, dt.datetime):
            times[marker.id] = previous = marker.at
            continue
        if isinstance(marker.at, dt.time) and previous is not None:
            zone = zone_info(marker.tz) if marker.tz else dt.UTC
            day = previous.astimezone(zone).date()
            when = dt.datetime.combine(day, marker.at, tzinfo=zone)
            if when < previous:
                when += dt.timedelta(days=1)
            times[marker.id] = previous = when
            continue
        why = "has no time" if marker.at is None else "gives a time of day and the post has no date"
        report.warn("schema.org", f"update {marker.id!r} {why}; no datePublished")
    return times


def _listed(
    post: Post, report: ConversionReport
) -> list[tuple[UpdateMarker, list[Block], dt.datetime | None]]:
    """The updates with their blocks and times, as live pages list them: the pinned update first, then
    the others newest first (undated updates keep their place in the post)."""
    sections = _sections(post)
    times = _times(post, [marker for marker, _ in sections], report)
    listed = [(marker, blocks, times.get(marker.id)) for marker, blocks in sections]
    pinned = [u for u in listed if u[0].pinned]
    if len(pinned) > 1:
        report.warn("schema.org", f"{len(pinned)} updates are pinned; only the first is listed first")
    rest = [u for u in listed if u is not pinned[0]] if pinned else listed
    rest.sort(key=lambda u: (u[2] is not None, u[2] or dt.datetime.min.replace(tzinfo=dt.UTC)), reverse=True)
    return pinned[:1] + rest


def _headline(marker: UpdateMarker, body: str) -> str:
    headline = marker.headline or marker.label or body.split("\n", 1)[0]
    if len(headline) > HEADLINE_LIMIT:
        headline = headline[: HEADLINE_LIMIT - 1].rstrip() + "…"
    return headline


def live_blog_posting(
    post: Post, *, url: str | None = None, report: ConversionReport | None = None
) -> dict[str, Any]:
    """The post as a schema.org ``LiveBlogPosting`` (a JSON-LD object); ``url`` is its public address."""
    report = ensure_report(report)
    entries: list[dict[str, Any]] = []
    dated: list[dt.datetime] = []
    for marker, blocks, when in _listed(post, report):
        body = "\n\n".join(text for text in map(block_text, blocks) if text)
        entry: dict[str, Any] = {"@type": "BlogPosting", "headline": _headline(marker, body)}
        if when is not None:
            entry["datePublished"] = when.isoformat()
            dated.append(when)
        modified = marker.edited or when
        if modified is not None:
            entry["dateModified"] = modified.isoformat()
            dated.append(modified)
        if marker.by:
            entry["author"] = [{"@type": "Person", "name": name} for name in marker.by]
        if body:
            entry["articleBody"] = body
        if url:
            entry["url"] = f"{url.split('#', 1)[0]}#{marker.anchor}"
        entries.append(entry)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "headline": post.title,
    }
    if post.excerpt:
        data["description"] = post.excerpt
    if url:
        data["url"] = url
        data["mainEntityOfPage"] = url
    if post.created:
        data["datePublished"] = post.created.isoformat()
    latest = max([*dated, *([post.modified] if post.modified else [])], default=None)
    if latest is not None:
        data["dateModified"] = latest.isoformat()
    coverage = post.coverage
    start = coverage.start if coverage is not None and coverage.start is not None else None
    start = start or min(dated, default=None) or post.created
    if start is not None:
        data["coverageStartTime"] = start.isoformat()
    if coverage is not None and coverage.end is not None:
        data["coverageEndTime"] = coverage.end.isoformat()
    if post.authors:
        data["author"] = [{"@type": "Person", "name": name} for name in post.authors]
    if post.featured_image:
        data["image"] = post.featured_image
    data["liveBlogUpdate"] = entries
    return data


def live_blog_script(post: Post, *, url: str | None = None, report: ConversionReport | None = None) -> str:
    """The ``LiveBlogPosting`` as a ``<script type="application/ld+json">`` element, safe inside HTML."""
    text = json.dumps(live_blog_posting(post, url=url, report=report), ensure_ascii=False, indent=2)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">\n{text}\n</script>'


# --- AMP's live list ----------------------------------------------------------------------------------------

POLL_MINIMUM = 15
"""AMP's shortest poll interval, in seconds."""
_ID = re.compile(r"[^A-Za-z0-9_-]+")


def _millis(when: dt.datetime) -> str:
    return str(round(when.timestamp() * 1000))


def _attr(name: str, value: str) -> str:
    return f' {name}="{html.escape(value, quote=True)}"'


def _item(marker: UpdateMarker, blocks: list[Block], when: dt.datetime, report: ConversionReport) -> str:
    attrs = _attr("id", marker.anchor) + _attr("data-sort-time", _millis(when))
    if marker.edited is not None:
        attrs += _attr("data-update-time", _millis(marker.edited))
    classes = ["update", *(["pinned"] if marker.pinned else []), *(["key-event"] if marker.key else [])]
    parts = [f"<div{attrs}{_attr('class', ' '.join(classes))}>"]
    if marker.label:
        stamp = _attr("datetime", when.isoformat())
        parts.append(f'<p class="update-label"><time{stamp}>{html.escape(marker.label)}</time></p>')
    if marker.headline:
        parts.append(f"<h3>{html.escape(marker.headline)}</h3>")
    if marker.by:
        parts.append(f'<p class="update-byline">{html.escape(byline_text(marker.by))}</p>')
    for block in blocks:
        said = block_text(block)
        if isinstance(block, Image | Embed) or (not said and not isinstance(block, Separator)):
            what = "written as its text" if said else "not written"
            report.warn("amp", f"update {marker.id!r}: the AMP list holds text; a {block.type} {what}")
        if said:
            parts.append("<p>" + "<br>".join(html.escape(line) for line in said.split("\n")) + "</p>")
    parts.append("</div>")
    return "\n".join(parts)


def amp_live_list(
    post: Post,
    *,
    list_id: str = "live-list",
    poll: int = POLL_MINIMUM,
    max_items: int = 20,
    retracted: Mapping[str, dt.datetime] | None = None,
    report: ConversionReport | None = None,
) -> str:
    """The post's updates as an ``<amp-live-list>`` element (module docstring). ``retracted`` maps the id
    of each update known to have been retracted to its time (its tombstone's sort time); ``poll`` is in
    seconds (at least :data:`POLL_MINIMUM`)."""
    report = ensure_report(report)
    list_id = _ID.sub("-", list_id).strip("-") or "live-list"
    coverage = post.coverage
    attrs = _attr("id", list_id) + _attr("data-poll-interval", str(max(poll, POLL_MINIMUM) * 1000))
    attrs += _attr("data-max-items-per-page", str(max(max_items, 1)))
    if coverage is not None and coverage.end is not None:
        attrs += " disabled"
    items: list[str] = []
    present: set[str] = set()
    for marker, blocks, when in _listed(post, report):
        present.add(marker.id)
        if when is None:
            report.warn(
                "amp", f"update {marker.id!r} has no date; not in the AMP list (it needs a sort time)"
            )
            continue
        items.append(_item(marker, blocks, when, report))
    for update_id, when in sorted((retracted or {}).items(), key=lambda kv: kv[1], reverse=True):
        if update_id not in present:
            tomb = _attr("id", f"update-{update_id}") + _attr("data-sort-time", _millis(when))
            items.append(f"<div{tomb} data-tombstone></div>")
    button = f"<button update{_attr('on', f'tap:{list_id}.update')}>New updates</button>"
    return (
        f"<amp-live-list{attrs}>\n{button}\n<div items>\n" + "\n".join(items) + "\n</div>\n</amp-live-list>"
    )


__all__ = ["amp_live_list", "block_text", "live_blog_posting", "live_blog_script"]
