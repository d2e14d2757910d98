"""Fidelity of one document across one pair of formats (issue 15): read it in its format, write it in the
target, read that back, and compare with what was read first, field by field and block by block.

Each crossing is ``equal`` (what comes back equals what went in), ``named`` (it differs, and the report
names every block and field that differs), ``refused`` (the writer refused with a clear error: a protected
post, say), or ``silent`` (something differs that the report does not name, or the crossing crashed).

Beside the crossings: a document made by a real tool from another (its ``twin``: the block editor's saved
HTML, the spec's HTML, Ghost's conversion) is read against it, which shows what a reader loses on the way
in (no crossing can); and the raw content each document is read with (what the model has no type for).
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from cmsbridge import formats
from cmsbridge.errors import CMSBridgeError
from cmsbridge.formats.crossing import changed_blocks
from cmsbridge.model import Block, Post, Raw, RawInline
from cmsbridge.report import ConversionReport
from tests.fidelity_corpus import Document

FORMATS = ("text", "gutenberg", "html", "markdown", "lexical", "json", "wxr")
KINDS = ("equal", "named", "refused", "silent")
READ = "(read)"
"""The target of a crossing that never left its source: its reader crashed."""
Kind = Literal["equal", "named", "refused", "silent"]

_UNCOMPARED = frozenset({"blocks", "sources", "modified", "schema_version"})
"""What is compared otherwise (blocks) or may differ by design: provenance, a last-modified time."""


@dataclass(frozen=True)
class Crossing:
    document: str
    source: str
    target: str
    kind: Kind
    detail: str = ""
    """For ``silent``: what differs unnamed, with a short diff; for ``refused``: the error."""


def _dump(value: object) -> str:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", exclude={"origin"})
    return json.dumps(to_jsonable_python(value), ensure_ascii=False)


def short_diff(before: str, after: str, width: int = 60) -> str:
    """The first change from ``before`` to ``after``, with a little context either side."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            lead = before[max(0, i1 - 20) : i1]
            return f"…{lead}[{before[i1:i2][:width]!s} -> {after[j1:j2][:width]!s}]…"
    return "(no textual difference)"


def _fields(post: Post, back: Post) -> list[str]:
    return [
        name
        for name in Post.model_fields
        if name not in _UNCOMPARED and getattr(post, name) != getattr(back, name)
    ]


def _named_field(name: str, messages: str) -> bool:
    return name in messages or name.replace("_", " ") in messages


def _unnamed(post: Post, back: Post, report: ConversionReport) -> list[str]:
    """What differs between ``post`` and ``back`` that ``report`` does not name, each with a short diff."""
    messages = " ".join(loss.message for loss in report.losses)
    named_blocks = {loss.block for loss in report.losses if loss.block is not None}
    found = [
        f"post {name}: {short_diff(_dump(getattr(post, name)), _dump(getattr(back, name)))}"
        for name in _fields(post, back)
        if not _named_field(name, messages)
    ]
    changed = changed_blocks(post.blocks, back.blocks)
    matcher = difflib.SequenceMatcher(None, list(post.blocks), list(back.blocks), autojunk=False)
    partner: dict[int, Block | None] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for index in range(i1, i2):
            at = j1 + index - i1
            partner[index] = back.blocks[at] if tag != "equal" and at < j2 else None
    for index in changed:
        if index not in named_blocks:
            sent, other = post.blocks[index], partner.get(index)
            diff = short_diff(_dump(sent), _dump(other)) if other is not None else "gone"
            found.append(f"block {index} ({sent.type}): {diff}")
    added = changed_blocks(back.blocks, post.blocks)
    if added and not changed:
        found.append(f"{len(added)} block(s) added: {_dump(back.blocks[added[0]])[:120]}")
    return found


def cross(document: Document, post: Post, target: str) -> Crossing:
    """``post`` (read from ``document``) written as ``target`` and read back, classified."""
    where = (document.name, document.format, target)
    report = ConversionReport()
    try:
        written = formats.write(post, target, report=report)
    except CMSBridgeError as exc:
        return Crossing(*where, "refused", f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # a crash is a finding, not the end of the measure
        return Crossing(*where, "silent", f"write crashed: {type(exc).__name__}: {exc}"[:300])
    try:
        back = formats.read(written, target, report=ConversionReport())
    except Exception as exc:
        return Crossing(*where, "silent", f"its own output does not read: {type(exc).__name__}: {exc}"[:300])
    if post == back or not (_fields(post, back) or changed_blocks(post.blocks, back.blocks)):
        return Crossing(*where, "equal")
    unnamed = _unnamed(post, back, report)
    if unnamed:
        return Crossing(*where, "silent", "; ".join(unnamed)[:600])
    return Crossing(*where, "named")


def raws(value: object) -> Iterator[Raw | RawInline]:
    """The raw blocks and spans in ``value`` (a post, a block, a tuple of them), nested ones included."""
    if isinstance(value, Raw | RawInline):
        yield value
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name != "origin":
                yield from raws(getattr(value, name))
    elif isinstance(value, tuple):
        for item in value:
            yield from raws(item)


_RAW_KINDS = (
    re.compile(r"<!-- wp:([a-z][a-z0-9_/-]*)"),
    re.compile(r'"type"\s*:\s*"([^"]+)"'),
    re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)"),
)


def raw_kind(raw: Raw | RawInline) -> str:
    """What a raw block or span holds: its block name, Lexical node type or first HTML element."""
    where = "raw inline" if isinstance(raw, RawInline) else "raw"
    for pattern in _RAW_KINDS:
        if found := pattern.search(raw.content):
            return f"{where} {raw.format} {found.group(1)}"
    return f"{where} {raw.format} text"


@dataclass
class Measure:
    """Every crossing of a corpus, and the documents whose own format could not read them."""

    crossings: list[Crossing] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    twins: list[Crossing] = field(default_factory=list)
    """Each document read against its twin (``source`` the twin's format, ``target`` the document's):
    ``equal`` when both read as the same blocks, ``named`` when they differ and a reader reported a loss,
    ``silent`` when they differ and neither did (a reader lost or added something unreported)."""
    raw: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(source format, kind of raw content) -> documents read with such content: what the model has no
    type for (a block name, a Lexical node type, an HTML element), carried verbatim."""
    """Documents their own format's reader refused with a clear error, each with the error (a reader that
    crashes is a ``silent`` crossing to :data:`READ`)."""

    def table(self) -> dict[tuple[str, str], Counter[str]]:
        counts: dict[tuple[str, str], Counter[str]] = {}
        for one in self.crossings:
            counts.setdefault((one.source, one.target), Counter())[one.kind] += 1
        return counts

    def silent(self) -> list[Crossing]:
        return [one for one in self.crossings if one.kind == "silent"]


def _twin(
    document: Document, post: Post, said: ConversionReport, twin: tuple[str, Post, ConversionReport]
) -> Crossing:
    """``document`` (read as ``post``) against its twin (its format, read post and reader's report)."""
    fmt, other, other_said = twin
    pair = (document.name, fmt, document.format)
    changed = changed_blocks(other.blocks, post.blocks)
    if not changed and len(other.blocks) == len(post.blocks):
        return Crossing(*pair, "equal")
    if said.losses or other_said.losses:
        return Crossing(*pair, "named")
    index = changed[0] if changed else len(other.blocks)
    sent = _dump(other.blocks[index]) if index < len(other.blocks) else ""
    got = _dump(post.blocks[index]) if index < len(post.blocks) else ""
    return Crossing(*pair, "silent", f"block {index}: {short_diff(sent, got)}")


def measure(documents: Iterable[Document], targets: Sequence[str] = FORMATS) -> Measure:
    result = Measure()
    read: dict[str, tuple[str, Post, ConversionReport]] = {}  # name -> format, post, reader's report
    for document in documents:
        said = ConversionReport()
        try:
            post = formats.read(document.data, document.format, report=said)
        except CMSBridgeError as exc:  # a reader refusing real material, with a clear error
            result.unreadable.append((document.name, f"{type(exc).__name__}: {exc}"[:200]))
            continue
        except Exception as exc:  # a reader crashing on it: silent
            crash = f"the reader crashed: {type(exc).__name__}: {exc}"[:300]
            result.crossings.append(Crossing(document.name, document.format, READ, "silent", crash))
            continue
        read[document.name] = (document.format, post, said)
        if document.twin in read:
            result.twins.append(_twin(document, post, said, read[document.twin]))
        result.raw.update({(document.format, raw_kind(raw)) for raw in raws(post)})
        result.crossings.extend(cross(document, post, target) for target in targets)
    return result
