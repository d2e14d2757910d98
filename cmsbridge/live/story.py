"""A live story that opens and closes: its coverage recorded in the post, exactly once.

The post records its coverage in a :class:`~cmsbridge.model.Container` of kind
:data:`~cmsbridge.model.LIVE_STATUS` at its top: attributes ``start`` and, once closed, ``end`` (ISO 8601
instants with their offset, read by :attr:`Post.coverage <cmsbridge.model.Post.coverage>`), and one
paragraph that readers see ("Live coverage started 6 May 2026, 20:00 CEST." / "Live coverage ended 7 May
2026, 01:00 CEST."). Every format keeps it and reads it back as that container (WordPress: a core/group
holding the attributes in its ``metadata``; Ghost: an HTML card).

:class:`OpenStory` and :class:`CloseStory` are operations for :func:`cmsbridge.live.deliver`, like appending
an update: what they check and change is the content read in the same attempt, so they are exact when
several writers edit the post at once. Opening an open story or closing a closed one changes nothing (the
first start and end are kept); opening a closed story takes its end away (coverage resumes, its start
kept). An append to a closed story is refused (:class:`StoryClosedError`) unless it reopens the story, in
the same write as the update (:func:`admit`).

The sentence shows the time in ``tz`` when given, else in the zone of the post's first update whose time
has one, else at the instant's own offset.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Literal

from ..errors import UsageError
from ..formats.units import Document
from ..model import LIVE_STATUS, Container, Coverage, Paragraph, Post, UpdateMarker, text, zone_info

ClosedStory = Literal["refuse", "reopen", "ignore"]
"""What an append does to a closed story: refuse (:class:`StoryClosedError`), reopen it in the same write,
or ignore the closure (putting back an update delivered before the story closed)."""

STORY_ID = LIVE_STATUS
"""The id an open or close operation reports and the outbox records (a story has one coverage)."""

_MONTHS: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
)
_MONTHS += ("November", "December")


class StoryError(UsageError):
    """A change to a story's coverage that cannot be made as asked (an end before its start)."""


class StoryClosedError(StoryError):
    """An update appended to a story whose coverage has ended, without reopening it."""


# --- the live-status container -----------------------------------------------------------------------------


def coverage_of(container: Container) -> Coverage:
    """The coverage a live-status container records (read as :attr:`Post.coverage` reads it)."""
    return Post(blocks=(container,)).coverage or Coverage()


def shown(when: dt.datetime) -> str:
    """An instant as the sentence shows it: ``6 May 2026, 20:00 CEST`` (in its own zone)."""
    return f"{when.day} {_MONTHS[when.month - 1]} {when.year}, {when:%H:%M} {when.tzname() or ''}".rstrip()


def status_container(
    start: dt.datetime | None, end: dt.datetime | None, *, keep: Container | None = None
) -> Container:
    """The live-status container for a coverage from ``start`` to ``end`` (None: not known / still open);
    the attributes of ``keep`` other than ``start`` and ``end`` are kept."""
    attrs = {k: v for k, v in (keep.attrs if keep is not None else {}).items() if k not in ("start", "end")}
    if start is not None:
        attrs["start"] = start.isoformat()
    if end is not None:
        attrs["end"] = end.isoformat()
    sentence = f"Live coverage ended {shown(end)}." if end is not None else None
    if sentence is None:
        sentence = f"Live coverage started {shown(start)}." if start is not None else "Live coverage."
    return Container(kind=LIVE_STATUS, attrs=attrs, blocks=(Paragraph(inlines=text(sentence)),))


def find_status(doc: Document) -> tuple[int, Container] | None:
    """The post's live-status container (the first at its top level, as :attr:`Post.coverage` reads it)
    and its unit index."""
    if doc.source is not None and LIVE_STATUS not in doc.source:
        return None  # most posts: one look at the content as read
    for index, unit in enumerate(doc.units):
        if doc.is_separator(unit) or LIVE_STATUS not in doc.key(unit):
            continue  # cheap: a unit that cannot be it is not read
        blocks = doc.blocks_of([unit])
        if len(blocks) == 1 and isinstance(blocks[0], Container) and blocks[0].kind == LIVE_STATUS:
            return index, blocks[0]
    return None


def _zone(doc: Document, tz: str | None) -> dt.tzinfo | None:
    """The zone the sentence shows times in: ``tz``, else that of the post's first update with one."""
    if tz is not None:
        return zone_info(tz)
    for index, _ in doc.markers():
        first = next(iter(doc.blocks_of([doc.units[index]])), None)
        if isinstance(first, UpdateMarker) and first.tz is not None:
            return zone_info(first.tz)
    return None


def _in(when: dt.datetime | None, zone: dt.tzinfo | None) -> dt.datetime | None:
    return when.astimezone(zone) if when is not None and zone is not None else when


def _put(doc: Document, found: tuple[int, Container] | None, container: Container) -> None:
    """Store ``container`` in place of the one found, or at the top of the post."""
    if found is None:
        doc.insert(0, doc.new_units([container]))
    else:
        doc.replace(found[0], found[0] + 1, doc.new_units([container]))


def admit(doc: Document, closed: ClosedStory, update_id: str) -> None:
    """Before appending update ``update_id`` to ``doc``: refuse it when the story is closed
    (:class:`StoryClosedError`), or reopen the story (``closed="reopen"``, in the same write)."""
    if closed == "ignore":
        return
    found = find_status(doc)
    coverage = coverage_of(found[1]) if found is not None else None
    if coverage is None or coverage.end is None:
        return
    if closed == "refuse":
        raise StoryClosedError(
            f"update {update_id!r} not appended: the story's live coverage ended {coverage.end.isoformat()};"
            " reopen it to append (--reopen)"
        )
    assert found is not None
    _put(doc, found, status_container(_in(coverage.start, _zone(doc, None)), None, keep=found[1]))


# --- operations --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _StoryChange:
    at: dt.datetime
    """When coverage started or ended (aware, or naive in ``tz``)."""
    tz: str | None = None
    """The IANA zone the sentence shows it in (default: the post's updates' zone, or ``at``'s offset)."""

    def __post_init__(self) -> None:
        try:
            zone = zone_info(self.tz) if self.tz is not None else None
        except ValueError as exc:
            raise StoryError(str(exc)) from None
        if self.at.tzinfo is None:
            if zone is None:
                raise StoryError("a coverage time needs a zone: give an offset or a time zone")
            object.__setattr__(self, "at", self.at.replace(tzinfo=zone))

    @property
    def update_id(self) -> str:
        return STORY_ID

    def to_json(self) -> str:
        return json.dumps({"at": self.at.isoformat(), "tz": self.tz})

    def _found(self, doc: Document) -> tuple[tuple[int, Container] | None, Coverage]:
        found = find_status(doc)
        return found, coverage_of(found[1]) if found is not None else Coverage()


@dataclass(frozen=True)
class OpenStory(_StoryChange):
    """Record that coverage started ``at`` (a story already open keeps its start; a closed one reopens)."""

    def satisfied(self, doc: Document) -> bool:
        found, coverage = self._found(doc)
        return found is not None and coverage.is_open

    def apply(self, doc: Document) -> None:
        found, coverage = self._found(doc)
        zone = _zone(doc, self.tz)
        start = _in(coverage.start or self.at, zone)
        _put(doc, found, status_container(start, None, keep=found[1] if found else None))


@dataclass(frozen=True)
class CloseStory(_StoryChange):
    """Record that coverage ended ``at`` (a story already closed keeps its end)."""

    def satisfied(self, doc: Document) -> bool:
        found, coverage = self._found(doc)
        return found is not None and coverage.end is not None

    def apply(self, doc: Document) -> None:
        found, coverage = self._found(doc)
        if coverage.start is not None and self.at < coverage.start:
            ended, started = self.at.isoformat(), coverage.start.isoformat()
            raise StoryError(f"coverage cannot end ({ended}) before it started ({started})")
        zone = _zone(doc, self.tz)
        keep = found[1] if found else None
        _put(doc, found, status_container(_in(coverage.start, zone), _in(self.at, zone), keep=keep))


STORY_OPERATIONS: dict[str, type[OpenStory] | type[CloseStory]] = {"open": OpenStory, "close": CloseStory}
"""The outbox's operation names for story changes -> their class."""


def story_change(op: str, payload: str) -> OpenStory | CloseStory:
    """The story change the outbox recorded as ``op`` with ``payload`` (:meth:`_StoryChange.to_json`);
    a :class:`ValueError` for data that does not read back."""
    data = json.loads(payload)
    if not isinstance(data, dict) or not isinstance(data.get("at"), str) or op not in STORY_OPERATIONS:
        raise ValueError(f"not a story change: {op} {payload[:80]!r}")
    tz = data.get("tz")
    try:
        return STORY_OPERATIONS[op](
            dt.datetime.fromisoformat(data["at"]), tz if isinstance(tz, str) else None
        )
    except UsageError as exc:
        raise ValueError(exc.message) from None


__all__ = [
    "STORY_ID",
    "CloseStory",
    "ClosedStory",
    "OpenStory",
    "StoryClosedError",
    "StoryError",
    "admit",
    "coverage_of",
    "find_status",
    "shown",
    "status_container",
    "story_change",
]
