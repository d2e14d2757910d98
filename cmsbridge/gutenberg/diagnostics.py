"""What a malformed document does to WordPress's block parser (formats.md 7.5).

:func:`parse` never fails: like WordPress it always returns blocks. :func:`diagnostics` says where the
document is not what its author meant, so a migration can report it instead of trusting the output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .parser import TOKEN_RE, decode_attrs

DiagnosticKind = Literal[
    "stray-closer",
    "mismatched-closer",
    "void-closer",
    "closer-attributes",
    "unclosed-block",
    "invalid-json",
    "not-a-delimiter",
]

# Looser than the tokenizer: any whitespace (NBSP included) or none, any name characters.
_DELIMITER_LIKE = re.compile(r"<!--[\s\u00a0]*/?wp:[^\s>]*")


@dataclass(frozen=True)
class Diagnostic:
    kind: DiagnosticKind
    offset: int
    """Character offset of the delimiter in the document."""
    message: str
    block_name: str | None = None


def diagnostics(markup: str) -> list[Diagnostic]:
    """Problems in ``markup``, in document order (``unclosed-block`` ones last, innermost first)."""
    found: list[Diagnostic] = []
    stack: list[tuple[str, int]] = []
    token_starts: set[int] = set()
    scanned_to = len(markup)
    for match in TOKEN_RE.finditer(markup):
        start = match.start()
        token_starts.add(start)
        closer, namespace, name, raw_attrs, void = match.groups()
        block_name = (namespace or "core/") + name
        if raw_attrs is not None and decode_attrs(raw_attrs) is None:
            found.append(
                Diagnostic(
                    "invalid-json", start, f"attributes of {block_name} are not valid JSON", block_name
                )
            )
        if void is not None:
            if closer is not None:
                found.append(
                    Diagnostic(
                        "void-closer",
                        start,
                        f"closer {match.group(0)!r} ends in '/-->' and is read as a void block {block_name}",
                        block_name,
                    )
                )
            continue
        if closer is None:
            stack.append((block_name, start))
            continue
        if raw_attrs is not None:
            found.append(
                Diagnostic(
                    "closer-attributes", start, f"closer of {block_name} carries attributes", block_name
                )
            )
        if not stack:
            found.append(
                Diagnostic(
                    "stray-closer",
                    start,
                    f"closer of {block_name} with no open block: the rest of the document is freeform HTML",
                    block_name,
                )
            )
            scanned_to = start
            break
        open_name, _ = stack.pop()
        if open_name != block_name:
            found.append(
                Diagnostic(
                    "mismatched-closer",
                    start,
                    f"closer of {block_name} closes the open block {open_name}",
                    block_name,
                )
            )
    for block_name, start in reversed(stack):
        extra = "" if len(stack) == 1 else "; its content is repeated in the blocks that were open"
        found.append(Diagnostic("unclosed-block", start, f"{block_name} is never closed{extra}", block_name))
    for match in _DELIMITER_LIKE.finditer(markup, 0, scanned_to):
        if match.start() not in token_starts:
            found.append(
                Diagnostic(
                    "not-a-delimiter",
                    match.start(),
                    f"{match.group(0)!r} looks like a block delimiter but is not one; it stays HTML",
                )
            )
    order = {"unclosed-block": 1}
    found.sort(key=lambda d: (order.get(d.kind, 0), d.offset if d.kind != "unclosed-block" else 0))
    return found
