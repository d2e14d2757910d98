"""Live updates, exactly once: append, replace and retract update markers on any backend.

    from cmsbridge.live import Update, append_update
    result = append_update(site, 123, Update(at=when, label="UPDATE: 23:18 Paris time", blocks=blocks))
    result.outcome  # Outcome.APPLIED or Outcome.ALREADY_PRESENT

An update is an :class:`~cmsbridge.model.UpdateMarker` (saved with the anchor ``id="update-<id>"``)
followed by its blocks. Its id, when not given, is derived from the post, the time and the content
(:func:`derive_id`), so running the same job twice is a no-op.

The algorithm (:func:`deliver`), each attempt under the retry policy (:mod:`cmsbridge.retry`) and holding
the post's turn from its read to its verification (:mod:`cmsbridge.backends.turns`: this machine's, or the
one every host shares when a PostgreSQL outbox took it first; writers sharing it wait for each other
instead of colliding; other writers, an editor's save, still collide, and steps 4 and 5 find them):

1. read the stored content and its version (``read_versioned``: one request); when the version is only a
   modified time of one-second resolution (XML-RPC, Ghost's ``updated_at``) and the post changed less than
   :data:`SETTLE` before the read began, wait until then and read again (:func:`_settle_time`), so that no
   write made in the second the version names can slip past the conditional write (when the last write
   to the post on this machine left its modified time with the turn, that wait comes before the read, so
   the post is read once); the wait stays even after a write of ours: an editor may write in that second;
2. if the update is already there (its id is present; for a replacement, its new content; for a retraction,
   its absence), stop;
3. splice the update's units into the stored content at its place, without rewriting any other block
   (:mod:`cmsbridge.formats.units`: each format splices its own units); the place follows the post's
   convention, newest first or oldest first, detected from the existing markers' times (an option
   overrides);
4. write the content only, conditional on the version read (``write_content``: one request);
5. on a refused conditional write (``WriteConflictError(applied=False)``), go back to 1; on a write that
   was stored but overwrote someone else's (``applied=True``, WordPress REST), remember the other writer's
   content and re-apply its changes on top of the current content (:func:`restore`), then write again;
6. verify from the server's answer that the update is stored.

What the site's format does not hold of the update (and of the post around it, where the format is written
whole again), and what the server changed on save, is returned in :attr:`Result.losses`; an operation that
does not allow losses (``allow_loss=False``) is refused before any request when the update's own content
would lose anything (:func:`check_losses`).

A failure of unknown outcome (a timeout, a response lost after the server committed) is retried from 1, so
the re-read finds the update and the retry stops: exactly once.

A story's coverage opens and closes the same way (:func:`open_story`, :func:`close_story`; :mod:`.story`);
an append to a closed story is refused unless it reopens the story in the same write (``reopen=True``),
decided on the content read in step 1.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import itertools
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum
from typing import Any, Literal, Protocol

from .. import formats
from ..backends.base import (
    Backend,
    PostRef,
    RecoversOverwritten,
    Ref,
    RetryPolicy,
    Version,
    Versioned,
    WriteConflictError,
    as_ref,
)
from ..backends.turns import Turn, post_turn
from ..errors import ConflictError, InvalidContentError, NotFoundError, TransientError, UsageError, logger
from ..formats.crossing import report_stored
from ..formats.units import Document, MarkerInfo, When, anchor_pattern, document, named, write_blocks
from ..formats.updates import parse_update_label
from ..model import Block, Post, UpdateMarker
from ..report import ConversionReport, Loss
from ..retry import Deadline, default_policy
from .story import ClosedStory, CloseStory, OpenStory, StoryClosedError, StoryError, admit

log = logger("cmsbridge.live")  # scrubbed of secrets (cmsbridge.errors)

Order = Literal["newest-first", "oldest-first"]
ORDERS: tuple[Order, ...] = ("newest-first", "oldest-first")
DEFAULT_ORDER: Order = "newest-first"
"""Where updates go in a post whose existing markers do not tell (fewer than two with times)."""

MAX_CONFLICTS = 100


class Outcome(StrEnum):
    APPLIED = "applied"
    ALREADY_PRESENT = "already present"


class UpdateNotFoundError(NotFoundError):
    """A replacement names an update id that the post does not hold."""


class UpdateLossError(UsageError):
    """The site's content format cannot hold the update's own content, and the loss was not allowed."""


# --- updates and their ids ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Update:
    """A live update to deliver: a marker (id, time, label, key-event flag, byline, headline, pinned
    state) and the blocks after it.

    ``at`` is an aware datetime, a naive one with ``tz`` (an IANA zone), a time of day, or None. What is
    not given is read from the label as the ``text`` format reads an ``UPDATE:`` line ("UPDATE: 23:18 Paris
    time" is 23:18 in Europe/Paris); a label that names no time shows the time of delivery. The derived id
    depends on what was given (with ``at`` None: the label and content only).

    ``by``, ``headline`` and ``pinned`` left None are not given: a new update has none (no byline, no
    headline, not pinned); a replacement keeps the stored update's (:func:`prepare` with ``edit``), as it
    keeps its label and time when neither is given.
    """

    id: str | None = None
    at: When | None = None
    label: str | None = None
    blocks: tuple[Block, ...] = ()
    key: bool = False
    tz: str | None = None
    by: tuple[str, ...] | None = None
    headline: str | None = None
    pinned: bool | None = None


def _canonical(value: Any) -> Any:
    """``value`` without origins and empty fields, so a field added to the model later keeps ids stable."""
    if isinstance(value, dict):
        return {
            k: _canonical(v) for k, v in value.items() if k != "origin" and v not in (None, "", [], {}, False)
        }
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def _canonical_block(block: Block) -> Any:
    return _canonical(block.model_dump(mode="json"))


def _when_text(at: When | None) -> str | None:
    return None if at is None else at.isoformat()


def derive_id(ref: Ref, at: When | None, label: str | None, blocks: Sequence[Block]) -> str:
    """A stable id for an update: a readable time stamp (when known) and a short hash of the post id,
    the time and the content."""
    payload = {
        "post": as_ref(ref).id,
        "at": _when_text(at),
        "label": label or "",
        "blocks": [_canonical_block(b) for b in blocks],
    }
    data = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(data.encode("utf-8")).hexdigest()
    if isinstance(at, dt.datetime):
        return f"{at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}-{digest[:8]}"
    if isinstance(at, dt.time):
        return f"{at:%H%M%S}-{digest[:8]}"
    return digest[:12]


@dataclass(frozen=True)
class Prepared:
    """An update ready to deliver: its marker (id and time fixed) and its body. The outbox stores this,
    so every retry and every process delivers exactly the same thing."""

    marker: UpdateMarker
    body: tuple[Block, ...] = ()
    keep: frozenset[str] = frozenset()
    """For a replacement: the marker's fields (:data:`KEPT`) taken from the update as stored, because the
    replacement did not give them (:meth:`edited_from`)."""

    @property
    def id(self) -> str:
        return self.marker.id

    @property
    def blocks(self) -> tuple[Block, ...]:
        return (self.marker, *self.body)

    def edited_from(self, stored: UpdateMarker | None) -> Prepared:
        """This replacement with the fields it keeps taken from ``stored``, the marker it replaces."""
        if not self.keep or stored is None:
            return self
        kept = {name: getattr(stored, name) for name in sorted(self.keep)}
        return Prepared(self.marker.model_copy(update=kept), self.body)

    def to_json(self) -> str:
        data = Post(blocks=self.blocks).model_dump_json()
        if not self.keep:
            return data  # as before the field existed: outboxes of either version read it
        return json.dumps({**json.loads(data), "keep": sorted(self.keep)}, ensure_ascii=False)

    @classmethod
    def from_json(cls, data: str) -> Prepared:
        fields = json.loads(data)
        keep = fields.pop("keep", []) if isinstance(fields, dict) else []
        if not isinstance(keep, list) or not set(keep) <= set(KEPT):
            raise ValueError(f"a prepared update keeps only {', '.join(KEPT)}")
        blocks = Post.model_validate(fields).blocks
        marker = blocks[0] if blocks else None
        if not isinstance(marker, UpdateMarker):
            raise ValueError("a prepared update starts with its marker")
        return cls(marker, tuple(blocks[1:]), frozenset(keep))


KEPT = ("at", "by", "headline", "label", "pinned", "tz")
"""The marker fields a replacement keeps from the stored update when it does not give them."""


def prepare(
    ref: Ref, update: Update, *, now: Callable[[], dt.datetime] | None = None, edit: bool = False
) -> Prepared:
    """Fix the update's id and time. Raises :class:`UsageError` for an update that cannot be delivered.

    ``edit``: the update replaces the stored update with its id. Its time last edited is now; what it
    does not give of the label, the time (no ``at``, and no time in a given label), the byline, the
    headline and the pinned state is kept from the stored update when it is delivered
    (:attr:`Prepared.keep`)."""
    if edit:
        return _edit(ref, update, (now or _utcnow)().replace(microsecond=0))
    at, tz = update.at, update.tz
    update_id = update.id or derive_id(ref, at, update.label, update.blocks)
    if update.label:  # the time and zone the text format reads from the label, where not given
        named_at, named_zone = parse_update_label(update.label)
        at, tz = named_at if at is None else at, tz or named_zone
    if isinstance(at, dt.datetime) and at.tzinfo is None and tz is None:
        raise UsageError("an update's time needs a zone: give an offset or a time zone")
    if at is None:
        at = (now or _utcnow)().replace(microsecond=0)
    if isinstance(at, dt.datetime) and tz is None and at.utcoffset() == dt.timedelta(0):
        tz = "UTC"  # as every format reads a time at offset zero back
    if not update.blocks and not update.label:
        raise UsageError("an update needs a label or some content")
    try:
        marker = UpdateMarker(
            id=update_id,
            at=at,
            tz=tz,
            label=update.label or "",
            key=update.key,
            by=update.by or (),
            headline=update.headline or "",
            pinned=bool(update.pinned),
        )
    except ValueError as exc:
        raise UsageError(f"invalid update: {_first_error(exc)}") from None
    if any(isinstance(b, UpdateMarker) for b in update.blocks):
        raise UsageError("an update's content cannot hold another update marker")
    return Prepared(marker, tuple(update.blocks))


def _edit(ref: Ref, update: Update, edited: dt.datetime) -> Prepared:
    """:func:`prepare` for a replacement (``edit``)."""
    if update.id is None:
        raise UsageError("replacing an update needs its id")
    named_at = parse_update_label(update.label)[0] if update.label else None
    keep = {
        name
        for name, given in (
            ("label", update.label is not None),
            ("by", update.by is not None),
            ("headline", update.headline is not None),
            ("pinned", update.pinned is not None),
        )
        if not given
    }
    if update.at is None and named_at is None:
        keep |= {"at", "tz"}
    if update.label is None and not update.blocks:
        raise UsageError("an update needs a label or some content")
    prepared = prepare(ref, dataclasses.replace(update, label=update.label or ""), now=lambda: edited)
    cleared = {"at": None, "tz": None} if "at" in keep else {}
    marker = prepared.marker.model_copy(update=cleared)
    return Prepared(marker.model_copy(update={"edited": edited}), prepared.body, frozenset(keep))


def update_losses(update: Prepared, fmt: str) -> tuple[Loss, ...]:
    """What content format ``fmt`` will not hold of the update's own blocks (its marker at index 0, then
    its content), each loss naming its block: written as the post will store them."""
    blocks = update.blocks
    if "label" in update.keep and not update.marker.label:
        # the label is the stored update's, which the format holds: an empty stand-in would not read back
        blocks = (update.marker.model_copy(update={"label": "UPDATE:"}), *update.body)
    report = ConversionReport()
    write_blocks(blocks, fmt, report)
    return tuple(named(loss, blocks) for loss in report)


def check_losses(update: Prepared, fmt: str, *, allow_loss: bool) -> tuple[Loss, ...]:
    """:func:`update_losses`; when there are some and ``allow_loss`` is False, :class:`UpdateLossError`
    naming them."""
    losses = update_losses(update, fmt)
    if losses and not allow_loss:
        lost = "; ".join(str(loss) for loss in losses)
        raise UpdateLossError(
            f"update {update.id!r} not applied, it would lose content: {lost}; allow the loss to apply it "
            "anyway (--allow-loss)"
        )
    return losses


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        try:
            first = errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            return f"{where}: {first.get('msg')}" if where else str(first.get("msg"))
        except (IndexError, TypeError):
            pass
    return str(exc)


# --- placement -------------------------------------------------------------------------------------------


def _compare(a: When | None, b: When | None) -> int | None:
    """-1, 0 or 1 when ``a`` is before, at or after ``b``; None when they cannot be compared."""
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return (a > b) - (a < b)
    if isinstance(a, dt.time) and isinstance(b, dt.time):
        x, y = a.replace(tzinfo=None), b.replace(tzinfo=None)
        return (x > y) - (x < y)
    return None


def detect_order(markers: Sequence[MarkerInfo], default: Order = DEFAULT_ORDER) -> Order:
    """Newest first or oldest first, from the times of the markers in document order."""
    ascending = descending = 0
    timed = [m.at for m in markers if m.at is not None]
    for earlier, later in itertools.pairwise(timed):
        c = _compare(earlier, later)
        if c == -1:
            ascending += 1
        elif c == 1:
            descending += 1
    if ascending > descending:
        return "oldest-first"
    if descending > ascending:
        return "newest-first"
    return default


def insertion_index(doc: Document, at: When | None, order: Order | None) -> int:
    """The unit index a new update with time ``at`` goes before (``len(units)`` for the end), among the
    updates placed by time (a pinned update is at the top, whatever its time)."""
    markers = [(index, info) for index, info in doc.markers() if not info.pinned]
    chosen = order or detect_order([info for _, info in markers])
    for index, info in markers:
        c = _compare(info.at, at)
        if chosen == "newest-first" and (c is None or c <= 0):
            return index
        if chosen == "oldest-first" and c is not None and c > 0:
            return index
    return len(doc.units)


# --- operations --------------------------------------------------------------------------------------------


class Operation(Protocol):
    @property
    def update_id(self) -> str: ...

    def satisfied(self, doc: Document) -> bool:
        """True when the content already holds what this operation wants."""
        ...

    def apply(self, doc: Document) -> None:
        """Edit ``doc`` so that it holds what this operation wants."""
        ...


def _present(doc: Document, update_id: str) -> bool:
    return anchor_pattern(update_id).search(doc.text()) is not None or doc.has(update_id)


@dataclass
class Append:
    update: Prepared
    order: Order | None = None
    allow_loss: bool = True
    """False: refuse (:class:`UpdateLossError`) when the content format cannot hold the update."""
    closed: ClosedStory = "refuse"
    """When the story's coverage has ended (:mod:`.story`): refuse (:class:`StoryClosedError`), reopen it in
    the same write, or ignore it (an update delivered before the story closed, put back)."""

    @property
    def update_id(self) -> str:
        return self.update.id

    def satisfied(self, doc: Document) -> bool:
        return _present(doc, self.update_id)

    def apply(self, doc: Document) -> None:
        admit(doc, self.closed, self.update_id)  # on the content read in this attempt: exact
        if self.update.marker.pinned:
            _unpin_others(doc, self.update_id, self.order)
            markers = doc.markers()
            index = markers[0][0] if markers else insertion_index(doc, self.update.marker.at, self.order)
            doc.insert(index, doc.new_units(self.update.blocks))
            return
        doc.insert(insertion_index(doc, self.update.marker.at, self.order), doc.new_units(self.update.blocks))


@dataclass
class Replace:
    update: Prepared
    allow_loss: bool = True
    """False: refuse (:class:`UpdateLossError`) when the content format cannot hold the update."""

    @property
    def update_id(self) -> str:
        return self.update.id

    def _region(self, doc: Document) -> tuple[int, int]:
        region = doc.region(self.update_id)
        if region is None:
            raise UpdateNotFoundError(f"the post has no update {self.update_id!r} to replace")
        return region

    def _wanted(self, doc: Document, start: int, end: int) -> Prepared:
        """The replacement, with what it keeps of the stored update (:meth:`Prepared.edited_from`)."""
        if not self.update.keep:
            return self.update
        return self.update.edited_from(_stored_marker(doc, start, end))

    def satisfied(self, doc: Document) -> bool:
        start, end = self._region(doc)
        stored = doc.units[start:end]
        wanted = self._wanted(doc, start, end)
        if wanted.marker.pinned and not _pinned_on_top(doc, self.update_id):
            return False
        # the time last edited is when a replacement was made, not what it says: a replacement already
        # stored (by this run's earlier try, or an earlier run) is present whatever its edited time
        was = next(iter(doc.blocks_of(stored)), None)
        if isinstance(was, UpdateMarker) and wanted.marker.edited != was.edited:
            wanted = Prepared(wanted.marker.model_copy(update={"edited": was.edited}), wanted.body)
        if [doc.key(u) for u in stored] == [doc.key(u) for u in doc.new_units(wanted.blocks)]:
            return True
        return doc.blocks_of(stored) == list(wanted.blocks)

    def apply(self, doc: Document) -> None:
        start, end = self._region(doc)
        was_pinned = _stored_marker(doc, start, end).pinned
        wanted = self._wanted(doc, start, end)
        doc.replace(start, end, doc.new_units(wanted.blocks))
        if wanted.marker.pinned:
            _pin(doc, self.update_id, None)
        elif was_pinned:
            _move_by_time(doc, self.update_id, None)


@dataclass
class Retract:
    update_id: str

    def satisfied(self, doc: Document) -> bool:
        return not _present(doc, self.update_id)

    def apply(self, doc: Document) -> None:
        region = doc.region(self.update_id)
        if region is not None:
            doc.remove(*region)


@dataclass
class Pin:
    """Pin the update ``update_id``: shown at the top, above the updates placed by time (its marker and
    blocks moved there, so it exists once); any other pinned update is unpinned, back at its time's place."""

    update_id: str
    order: Order | None = None

    def satisfied(self, doc: Document) -> bool:
        _found(doc, self.update_id)
        return _pinned_on_top(doc, self.update_id)

    def apply(self, doc: Document) -> None:
        _found(doc, self.update_id)
        _pin(doc, self.update_id, self.order)


@dataclass
class Unpin:
    """Unpin the update ``update_id``: back among the updates placed by time, at its time's place."""

    update_id: str
    order: Order | None = None

    def satisfied(self, doc: Document) -> bool:
        return not _found(doc, self.update_id).pinned

    def apply(self, doc: Document) -> None:
        _set_pinned(doc, self.update_id, False)
        _move_by_time(doc, self.update_id, self.order)


def _found(doc: Document, update_id: str) -> MarkerInfo:
    """The marker of update ``update_id``; :class:`UpdateNotFoundError` when the post has none."""
    found = next((info for _, info in doc.markers() if info.id == update_id), None)
    if found is None:
        raise UpdateNotFoundError(f"the post has no update {update_id!r}")
    return found


def _stored_marker(doc: Document, start: int, end: int) -> UpdateMarker:
    """The marker of the update whose region is units ``[start, end)``, read through the format."""
    first = next(iter(doc.blocks_of(doc.units[start:end])), None)
    if not isinstance(first, UpdateMarker):
        raise InvalidContentError("the stored update's marker could not be read back")
    return first


def _pinned_on_top(doc: Document, update_id: str) -> bool:
    """Whether ``update_id`` is pinned, the only pinned update, and the first update of the post."""
    markers = [info for _, info in doc.markers()]
    pinned = [info.id for info in markers if info.pinned]
    return pinned == [update_id] and markers[0].id == update_id


def _set_pinned(doc: Document, update_id: str, pinned: bool) -> None:
    """Rewrite the update's marker with ``pinned`` (its other blocks as stored)."""
    region = doc.region(update_id)
    if region is None:
        raise UpdateNotFoundError(f"the post has no update {update_id!r}")
    blocks = doc.blocks_of(doc.units[region[0] : region[1]])
    marker = blocks[0] if blocks else None
    if not isinstance(marker, UpdateMarker):
        raise InvalidContentError(f"the marker of update {update_id!r} could not be read back")
    if marker.pinned != pinned:
        changed = [marker.model_copy(update={"pinned": pinned}), *blocks[1:]]
        doc.replace(region[0], region[1], doc.new_units(changed))


def _move(doc: Document, update_id: str, place: Callable[[Document], int]) -> None:
    """Move the update's units (marker and blocks) to the index ``place`` gives once they are taken out."""
    region = doc.region(update_id)
    if region is None:
        return
    units = doc.units[region[0] : region[1]]
    doc.remove(*region)
    doc.insert(place(doc), units)


def _move_by_time(doc: Document, update_id: str, order: Order | None) -> None:
    """Move the (unpinned) update to where its time puts it among the updates placed by time."""
    at = _found(doc, update_id).at
    _move(doc, update_id, lambda rest: insertion_index(rest, at, order))


def _unpin_others(doc: Document, update_id: str, order: Order | None) -> None:
    for other in [info.id for _, info in doc.markers() if info.pinned and info.id != update_id]:
        _set_pinned(doc, other, False)
        _move_by_time(doc, other, order)


def _pin(doc: Document, update_id: str, order: Order | None) -> None:
    """Pin ``update_id`` and move it above every other update; unpin any other (at most one pinned)."""
    _unpin_others(doc, update_id, order)
    _set_pinned(doc, update_id, True)
    if doc.markers()[0][1].id != update_id:
        _move(doc, update_id, lambda rest: rest.markers()[0][0])


@dataclass
class AllOf:
    """``main`` plus operations to keep true at the same time (updates delivered earlier that a stale write
    may have removed since); the outcome reported is ``main``'s."""

    main: Operation
    also: Sequence[Operation] = ()

    @property
    def update_id(self) -> str:
        return self.main.update_id

    def satisfied(self, doc: Document) -> bool:
        return all(op.satisfied(doc) for op in (self.main, *self.also))

    def apply(self, doc: Document) -> None:
        for op in (self.main, *self.also):
            if not op.satisfied(doc):
                op.apply(doc)


# --- restoring what an overwriting write lost ---------------------------------------------------------


def restore(doc: Document, base: Document, theirs: Document, order: Order | None = None) -> None:
    """Re-apply on ``doc`` what ``theirs`` (content that a write of ours replaced) changed relative to
    ``base`` (the content our write was based on): updates it added (placed by time), blocks it edited in
    place and blocks it inserted next to an unchanged one. Deletions are not replayed (a lost deletion is
    safer than lost content). Idempotent: what ``doc`` already holds is not added twice."""
    base_ids = {info.id for _, info in base.markers()}
    for _, info in theirs.markers():
        if info.id in base_ids or doc.has(info.id):
            continue
        region = theirs.region(info.id)
        if region is not None:
            doc.insert(insertion_index(doc, info.at, order), list(theirs.units[region[0] : region[1]]))
    base_keys = [base.key(u) for u in base.units]
    their_keys = [theirs.key(u) for u in theirs.units]
    matcher = SequenceMatcher(None, base_keys, their_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            for offset in range(i2 - i1):
                _restore_edit(doc, base, theirs, i1 + offset, j1 + offset)
        elif tag == "insert":
            _restore_insert(doc, base, theirs, i1, j1, j2)


def _restore_edit(doc: Document, base: Document, theirs: Document, i: int, j: int) -> None:
    old, new = base.units[i], theirs.units[j]
    old_marker, new_marker = base.marker_of(old), theirs.marker_of(new)
    if (old_marker or new_marker) and (
        old_marker is None or new_marker is None or old_marker.id != new_marker.id
    ):
        return
    keys = [doc.key(u) for u in doc.units]
    if theirs.key(new) in keys:
        return
    places = [k for k, key in enumerate(keys) if key == base.key(old)]
    if len(places) == 1:
        doc.set(places[0], new)


def _restore_insert(doc: Document, base: Document, theirs: Document, i: int, j1: int, j2: int) -> None:
    inserted = theirs.units[j1:j2]
    if any(theirs.marker_of(u) is not None for u in inserted):
        return  # whole updates are restored by id
    content = [u for u in inserted if not theirs.is_separator(u)]
    keys = {doc.key(u) for u in doc.units}
    if not content or all(theirs.key(u) in keys for u in content):
        return
    if i == 0:
        doc.replace(0, 0, list(inserted))
        return
    before = base.key(base.units[i - 1])
    places = [k for k, u in enumerate(doc.units) if doc.key(u) == before]
    if len(places) == 1:
        doc.replace(places[0] + 1, places[0] + 1, list(inserted))


# --- delivery ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """What delivering an update did."""

    outcome: Outcome
    update_id: str
    ref: PostRef
    version: Version | None = None
    attempts: int = 1
    conflicts: int = 0
    losses: tuple[Loss, ...] = ()
    """What the write lost: of the update's blocks, of the post around them where its format is written
    whole again (a folder of Markdown files), and what the server changed on save. Empty when nothing
    was written."""

    def __str__(self) -> str:
        return str(self.outcome)


@dataclass
class _State:
    restores: list[tuple[str, str]] = field(default_factory=list)
    unanswered: tuple[str, Version, str] | None = None
    """A write whose answer never came: the content it was based on, that content's version, and ours."""
    wrote: bool = False
    unanswered_once: bool = False
    unverified: int = 0
    main_present: bool | None = None
    """Whether the main operation was already satisfied at the first read."""
    attempts: int = 0
    conflicts: int = 0


def deliver(
    backend: Backend,
    ref: Ref,
    operation: Operation,
    *,
    retry: RetryPolicy | None = None,
    order: Order | None = None,
    max_conflicts: int = MAX_CONFLICTS,
) -> Result:
    """Run ``operation`` on the post until the stored content holds it, exactly once (module docstring)."""
    post = as_ref(ref)
    main = operation.main if isinstance(operation, AllOf) else operation
    if isinstance(main, Append | Replace) and not main.allow_loss:
        check_losses(main.update, backend.capabilities.content_format, allow_loss=False)  # before any request
    policy: RetryPolicy = retry if retry is not None else default_policy()
    state = _State()
    sleep: Callable[[float], None] = getattr(policy, "sleep", time.sleep)
    rng: random.Random = getattr(policy, "rng", None) or random.Random()

    deadline: Deadline | None = getattr(policy, "deadline", None)

    def attempt() -> Result:
        state.attempts += 1
        # Writers on this machine take turns for the whole read, splice, write and verify (turns).
        with post_turn(
            backend.site, post.id, wait=None if deadline is None else deadline.remaining()
        ) as turn:
            if not turn.held:
                raise ConflictError(
                    "another process on this machine held the post until the run's deadline", post=post.id
                )
            return _attempt(backend, post, operation, state, order, max_conflicts, sleep, rng, turn)

    return policy.call(attempt, idempotent=True)


def _attempt(
    backend: Backend,
    ref: PostRef,
    op: Operation,
    state: _State,
    order: Order | None,
    max_conflicts: int,
    sleep: Callable[[float], None],
    rng: random.Random,
    turn: Turn,
) -> Result:
    last_write = _noted(turn.note())  # the last write to the post on this machine: wait out its second now
    if last_write is not None:
        settle = _settle_time(last_write, _utcnow())
        if settle > 0:
            sleep(settle)
    while True:
        read_started = _utcnow()
        current = backend.read_versioned(ref)
        settle = _settle_time(current.version, read_started)
        if settle > 0:
            sleep(settle)
            continue
        if state.unanswered is not None:
            _check_unanswered(backend, ref, state, current)
        doc = document(current.content, current.format)
        for base, theirs in state.restores:
            restore(doc, document(base, current.format), document(theirs, current.format), order)
        main = op.main if isinstance(op, AllOf) else op
        if state.main_present is None:
            state.main_present = main.satisfied(doc)
        if doc.source is not None and op.satisfied(doc):
            outcome = Outcome.APPLIED if state.wrote or not state.main_present else Outcome.ALREADY_PRESENT
            return Result(
                outcome, op.update_id, current.ref, current.version, state.attempts, state.conflicts
            )
        if not op.satisfied(doc):
            op.apply(doc)
        desired = doc.text()
        try:
            written = backend.write_content(ref, desired, current.version)
        except TransientError:
            state.wrote = True  # the write's outcome is unknown: finding the update later means it was ours
            state.unanswered = (current.content, current.version, desired)
            state.unanswered_once = True
            raise
        except WriteConflictError as exc:
            state.conflicts += 1
            if state.conflicts > max_conflicts:
                raise ConflictError(
                    f"gave up on update {op.update_id!r} after {state.conflicts} conflicting writes",
                    post=ref.id,
                ) from exc
            if exc.applied:
                state.wrote = True
                if exc.overwritten is not None:
                    state.restores.append((current.content, exc.overwritten))
                    state.restores.extend(exc.restores)
                else:
                    log.warning("post %s: a concurrent write was overwritten and cannot be recovered", ref)
            else:
                sleep(rng.uniform(0.0, min(1.0, 0.02 * 2 ** min(state.conflicts, 6))))
            continue
        state.wrote = True
        turn.leave_note(_note(written.version))
        stored = document(written.content, current.format)
        if not op.satisfied(stored):
            # The answer may show a concurrent writer's content (saved between ours and the answer); read
            # again. The same refusal three times is the server's content filters, not a race.
            state.unverified += 1
            if state.unverified < 3:
                continue
            raise InvalidContentError(
                f"the server did not keep update {op.update_id!r} (its content filters removed the marker?)",
                post=ref.id,
            )
        present = state.main_present and not state.unanswered_once
        outcome = Outcome.ALREADY_PRESENT if present else Outcome.APPLIED
        losses = doc.losses() + _stored_losses(backend, desired, written.content, current.format)
        return Result(
            outcome, op.update_id, written.ref, written.version, state.attempts, state.conflicts, losses
        )


def _stored_losses(backend: Backend, sent: str, stored: str, fmt: str) -> tuple[Loss, ...]:
    """What the server changed of the content it was sent, block by block (:func:`report_stored`)."""
    report = ConversionReport()
    system = backend.capabilities.system
    report_stored(sent, stored, formats.get(fmt), report, system=system, cause=f"{system} changed it on save")
    return tuple(report)


SETTLE = 1.2
"""Seconds a post must have been left alone, when a read starts, before a write conditional on a modified
time of one-second resolution: 1 s for the resolution, 0.2 s for clock differences and rounding."""


def _settle_time(version: Version, read_started: dt.datetime) -> float:
    """How long to wait before reading again, so that the conditional write to come cannot miss a write.

    A conditional write on a modified time of one-second resolution (XML-RPC ``if_not_modified_since``,
    Ghost's ``updated_at``) cannot see another write made in the same second as the version read: that
    write leaves the modified time unchanged. Once a read started at least :data:`SETTLE` after the
    modified time it returned, every later write stores a later second and is detected. So, without a
    revision count to check afterwards, a post changed less than :data:`SETTLE` before the read began is
    read again when that time is over. The age is taken from the start of the read, not its answer: a
    slow answer does not shorten the wait. A modified time more than a second in the future (a server
    clock ahead of ours) is not waited for."""
    if version.revisions is not None or version.modified is None:
        return 0.0
    age = (read_started - version.modified).total_seconds()
    return SETTLE - age if 0.0 < SETTLE - age <= SETTLE + 1.0 else 0.0


def _note(version: Version) -> str:
    """What a write leaves for the next writer of the post on this machine: its modified time, when that
    is a version of one-second resolution (:func:`_settle_time`); nothing otherwise."""
    if version.revisions is not None or version.modified is None:
        return ""
    return version.modified.isoformat()


def _noted(note: str) -> Version | None:
    """The version a note names (:func:`_note`), or None."""
    try:
        modified = dt.datetime.fromisoformat(note) if note else None
    except ValueError:
        return None
    if modified is None or modified.tzinfo is None:
        return None
    return Version(token="", modified=modified)


def _check_unanswered(backend: Backend, ref: PostRef, state: _State, current: Versioned) -> None:
    """After a write whose answer was lost: if our content is stored and the revision count shows another
    write between our read and ours, ours overwrote it; recover it (when the backend can) to restore it."""
    base, base_version, ours = state.unanswered or ("", current.version, "")
    state.unanswered = None
    before, after = base_version.revisions, current.version.revisions
    if current.content != ours or before is None or after is None or after <= before + 1:
        return
    theirs = None
    if isinstance(backend, RecoversOverwritten):
        theirs = backend.read_overwritten(ref, current.version)
    if isinstance(theirs, str):
        state.restores.append((base, theirs))
    else:
        log.warning("post %s: a concurrent write was overwritten and cannot be recovered", ref)


def append_update(
    backend: Backend,
    ref: Ref,
    update: Update | Prepared,
    *,
    retry: RetryPolicy | None = None,
    order: Order | None = None,
    allow_loss: bool = True,
    reopen: bool = False,
) -> Result:
    """Add ``update`` to the post exactly once, where the post's convention puts it. ``result.losses``
    names what the site's format did not hold; with ``allow_loss=False`` an update whose own content would
    lose anything is refused (:class:`UpdateLossError`) before anything is sent. An update to a closed
    story is refused (:class:`StoryClosedError`) unless ``reopen``, which reopens it in the same write."""
    prepared = update if isinstance(update, Prepared) else prepare(ref, update)
    closed: ClosedStory = "reopen" if reopen else "refuse"
    return deliver(backend, ref, Append(prepared, order, allow_loss, closed), retry=retry, order=order)


def replace_update(
    backend: Backend,
    ref: Ref,
    update: Update | Prepared,
    *,
    retry: RetryPolicy | None = None,
    allow_loss: bool = True,
) -> Result:
    """Replace the update with ``update.id`` (marker and body) by ``update`` (losses as for
    :func:`append_update`): its time last edited is now, and what it does not give of the label, time,
    byline, headline and pinned state is kept (:func:`prepare` with ``edit``)."""
    if isinstance(update, Update) and update.id is None:
        raise UsageError("replacing an update needs its id")
    prepared = update if isinstance(update, Prepared) else prepare(ref, update, edit=True)
    return deliver(backend, ref, Replace(prepared, allow_loss), retry=retry)


def retract_update(backend: Backend, ref: Ref, update_id: str, *, retry: RetryPolicy | None = None) -> Result:
    """Remove the update ``update_id`` (marker and body); already absent is ``ALREADY_PRESENT``."""
    return deliver(backend, ref, Retract(update_id), retry=retry)


# --- a story's coverage (:mod:`.story`) -------------------------------------------------------------------


def open_story(
    backend: Backend,
    ref: Ref,
    *,
    at: dt.datetime | None = None,
    tz: str | None = None,
    retry: RetryPolicy | None = None,
) -> Result:
    """Record that the story's live coverage started ``at`` (default: now), exactly once; an open story
    is ``ALREADY_PRESENT`` (its start kept), a closed one is reopened."""
    return deliver(backend, ref, OpenStory(at or _utcnow().replace(microsecond=0), tz), retry=retry)


def close_story(
    backend: Backend,
    ref: Ref,
    *,
    at: dt.datetime | None = None,
    tz: str | None = None,
    retry: RetryPolicy | None = None,
) -> Result:
    """Record that the story's live coverage ended ``at`` (default: now), exactly once; a closed story is
    ``ALREADY_PRESENT`` (its end kept)."""
    return deliver(backend, ref, CloseStory(at or _utcnow().replace(microsecond=0), tz), retry=retry)


def pin_update(
    backend: Backend,
    ref: Ref,
    update_id: str,
    *,
    retry: RetryPolicy | None = None,
    order: Order | None = None,
) -> Result:
    """Pin the update ``update_id``: shown first, above the updates placed by time; any other pinned
    update is unpinned (at most one). Already pinned on top is ``ALREADY_PRESENT``; a post without that
    update raises :class:`UpdateNotFoundError`."""
    return deliver(backend, ref, Pin(update_id, order), retry=retry, order=order)


def unpin_update(
    backend: Backend,
    ref: Ref,
    update_id: str,
    *,
    retry: RetryPolicy | None = None,
    order: Order | None = None,
) -> Result:
    """Unpin the update ``update_id``: back at its time's place. Not pinned is ``ALREADY_PRESENT``."""
    return deliver(backend, ref, Unpin(update_id, order), retry=retry, order=order)


__all__ = [
    "KEPT",
    "ORDERS",
    "AllOf",
    "Append",
    "CloseStory",
    "OpenStory",
    "Operation",
    "Order",
    "Outcome",
    "Pin",
    "Prepared",
    "Replace",
    "Result",
    "Retract",
    "StoryClosedError",
    "StoryError",
    "Unpin",
    "Update",
    "UpdateLossError",
    "UpdateNotFoundError",
    "append_update",
    "check_losses",
    "close_story",
    "deliver",
    "derive_id",
    "detect_order",
    "document",
    "insertion_index",
    "open_story",
    "pin_update",
    "prepare",
    "replace_update",
    "restore",
    "retract_update",
    "unpin_update",
    "update_losses",
]
