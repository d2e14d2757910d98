"""schema.org ``LiveBlogPosting`` for a live post: the structured data search engines read to show live
coverage (Google's "Live" badge), built from the post's update markers.

:func:`live_blog_posting` gives the JSON-LD object; :func:`live_blog_script` the ``<script>`` element to put
in the page. Each update becomes a ``BlogPosting`` in ``liveBlogUpdate``, newest first: its label as the
headline, its time as ``datePublished``, the text of the blocks after its marker as ``articleBody`` and,
given the post's address, ``url`` pointing at the update's anchor.

An update marker may give a time of day without a date ("UPDATE: 23:18 Paris time"). Such times are dated
from the post's own date in the update's zone, going forward a day whenever a time is earlier than the
update before it (coverage through the night). An update with no time at all, or a post with no date to
start from, gives an update without ``datePublished``, reported in the conversion report.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

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


def _chronological(markers: list[UpdateMarker]) -> list[UpdateMarker]:
    """The markers oldest first: document order, reversed when the post runs newest first (judged on
    the markers that carry a full date and time)."""
    dated = [m.at for m in markers if isinstance(m.at, dt.datetime)]
    newest_first = len(dated) >= 2 and dated[0] > dated[-1]
    return list(reversed(markers)) if newest_first else list(markers)


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


def live_blog_posting(
    post: Post, *, url: str | None = None, report: ConversionReport | None = None
) -> dict[str, Any]:
    """The post as a schema.org ``LiveBlogPosting`` (a JSON-LD object); ``url`` is its public address."""
    report = ensure_report(report)
    sections = _sections(post)
    times = _times(post, [marker for marker, _ in sections], report)
    updates: list[tuple[dt.datetime | None, int, dict[str, Any]]] = []
    for place, (marker, blocks) in enumerate(sections):
        body = "\n\n".join(text for text in map(block_text, blocks) if text)
        headline = marker.label or body.split("\n", 1)[0]
        if len(headline) > HEADLINE_LIMIT:
            headline = headline[: HEADLINE_LIMIT - 1].rstrip() + "…"
        entry: dict[str, Any] = {"@type": "BlogPosting", "headline": headline}
        when = times.get(marker.id)
        if when is not None:
            entry["datePublished"] = when.isoformat()
        if body:
            entry["articleBody"] = body
        if url:
            entry["url"] = f"{url.split('#', 1)[0]}#{marker.anchor}"
        updates.append((when, place, entry))
    dated = [when for when, _, _ in updates if when is not None]
    # newest first; undated updates keep their place in the post
    updates.sort(
        key=lambda u: (u[0] is not None, u[0] or dt.datetime.min.replace(tzinfo=dt.UTC)), reverse=True
    )
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
    start = min(dated, default=None) or post.created
    if start is not None:
        data["coverageStartTime"] = start.isoformat()
    if post.authors:
        data["author"] = [{"@type": "Person", "name": name} for name in post.authors]
    if post.featured_image:
        data["image"] = post.featured_image
    data["liveBlogUpdate"] = [entry for _, _, entry in updates]
    return data


def live_blog_script(post: Post, *, url: str | None = None, report: ConversionReport | None = None) -> str:
    """The ``LiveBlogPosting`` as a ``<script type="application/ld+json">`` element, safe inside HTML."""
    text = json.dumps(live_blog_posting(post, url=url, report=report), ensure_ascii=False, indent=2)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">\n{text}\n</script>'


__all__ = ["block_text", "live_blog_posting", "live_blog_script"]
