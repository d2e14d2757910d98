"""Losses counted at the crossing: what a target will not hold of a post, found by writing the post in
the target's own form and reading that back.

:func:`write` is the one place a post crosses into a format (``formats.write`` goes through it, hence
``convert``, every backend and ``migrate`` real or dry run). The read-back is compared with the post
field by field and block by block (blocks aligned with :class:`difflib.SequenceMatcher` over model
equality, which ignores origins): a block that comes back intact is never reported; one that does not is
reported with the writer's own cause when the writer named one for it, else as not reading back
identically. :func:`report_stored` compares what was sent to a server with what it stored the same way.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Sequence

from ..errors import CMSBridgeError
from ..model import Block, Post, Raw
from ..report import ConversionReport
from . import POST_FIELDS, FormatModule
from .presentation import report_presentation

_UNCHECKED_FIELDS = frozenset({"sources", "modified"})
"""Fields a read-back may legitimately differ in: the provenance a reader adds, a last-modified time."""


def changed_blocks(sent: Sequence[Block], back: Sequence[Block]) -> list[int]:
    """Indices of the blocks of ``sent`` that have no equal block at their place in ``back``."""
    matcher = difflib.SequenceMatcher(None, list(sent), list(back), autojunk=False)
    intact: set[int] = set()
    for match in matcher.get_matching_blocks():
        intact.update(range(match.a, match.a + match.size))
    return [index for index in range(len(sent)) if index not in intact]


def _read_back(module: FormatModule, text: str) -> Post | None:
    try:
        return module.read(text, ConversionReport())
    except (CMSBridgeError, ValueError):  # a reader refusing its own writer's output (a plugin's, say)
        return None


def _carried(post: Post, changed: Sequence[int]) -> frozenset[int]:
    """Blocks that hold their source markup verbatim (a WordPress block the model has no type for) and
    came back intact: their source attributes crossed with them."""
    lost = set(changed)
    return frozenset(
        index
        for index, block in enumerate(post.blocks)
        if isinstance(block, Raw)
        and block.origin is not None
        and block.format == block.origin.format
        and index not in lost
    )


def write(post: Post, module: FormatModule, report: ConversionReport) -> str:
    """Write ``post`` with ``module``; record in ``report`` what the written form does not hold."""
    name = module.NAME
    own = ConversionReport()
    text = module.write(post, own)
    for loss in own.losses:
        report.warn(loss.format, loss.message, loss.block)
    back = _read_back(module, text)
    if back is None:  # a writer whose output its reader refuses: only the writer's word counts
        report_presentation(post, name, report)
        return text
    said = " ".join(loss.message for loss in own.losses if loss.block is None)
    for field in POST_FIELDS:
        if field in _UNCHECKED_FIELDS or f"post {field}" in said:
            continue
        value = getattr(post, field)
        if value and value != getattr(back, field):
            report.warn(name, f"the post {field} does not read back identically from {name}")
    named = {loss.block for loss in own.losses if loss.block is not None}
    changed = changed_blocks(post.blocks, back.blocks)
    for index in changed:
        if index not in named:
            kind = post.blocks[index].type.replace("_", " ")
            report.warn(name, f"this {kind} block does not read back identically from {name}", index)
    report_presentation(post, name, report, carried=_carried(post, changed))
    return text


def _excerpt(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…") if text else ""


def _difference(before: str, after: str) -> str:
    """The first change from ``before`` to ``after``, in words (what a reader needs to find it)."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed, added = _excerpt(before[i1:i2]), _excerpt(after[j1:j2])
        if not added:
            return f"removed {removed}"
        return f"changed {removed} to {added}" if removed else f"added {added}"
    return "changed it"


def _markup(blocks: Sequence[Block]) -> str:
    return "".join(block.origin.markup if block.origin is not None else "" for block in blocks)


_ELEMENT = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)")


def _removed_elements(before: str, after: str) -> list[str]:
    """The markup elements (``time``, ``iframe``...) ``before`` holds more of than ``after``."""
    kept = Counter(name.lower() for name in _ELEMENT.findall(after))
    gone = Counter(name.lower() for name in _ELEMENT.findall(before)) - kept
    return sorted(gone)


def report_stored(
    sent: str, stored: str, module: FormatModule, report: ConversionReport, *, system: str, cause: str
) -> bool:
    """Record, one loss per block, what a server changed between the content ``sent`` and the content it
    ``stored`` (both in ``module``'s format), compared block by block as read back into the model.

    A block that reads back different is reported; so is one that reads back equal but lost markup
    elements (the ``<time>`` an update marker is written with, which the model also keeps elsewhere);
    any other difference (attribute order, ``rel="noopener"`` added to a link) is no loss. ``cause``
    names who changed it. Returns whether anything was reported."""
    if sent == stored:
        return False
    before = _read_back(module, sent)
    after = _read_back(module, stored)
    if before is None or after is None:
        report.warn(system, f"{cause}: the stored content cannot be read back; compare it with what was sent")
        return True
    matcher = difflib.SequenceMatcher(None, list(before.blocks), list(after.blocks), autojunk=False)
    changed = False
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for index, other in zip(range(i1, i2), range(j1, j2), strict=True):
                gone = _removed_elements(
                    _markup(before.blocks[index : index + 1]), _markup(after.blocks[other : other + 1])
                )
                if gone:
                    changed = True
                    kind = before.blocks[index].type.replace("_", " ")
                    elements = ", ".join(f"<{name}>" for name in gone)
                    report.warn(system, f"{cause}, in this {kind} block: removed {elements}", index)
            continue
        changed = True
        what = _difference(_markup(before.blocks[i1:i2]), _markup(after.blocks[j1:j2]))
        if i1 == i2:  # blocks the server added
            report.warn(system, f"{cause}: {what}", i1 if i1 < len(before.blocks) else None)
            continue
        for index in range(i1, i2):
            kind = before.blocks[index].type.replace("_", " ")
            report.warn(system, f"{cause}, in this {kind} block: {what}", index)
    return changed


__all__ = ["changed_blocks", "report_stored", "write"]
