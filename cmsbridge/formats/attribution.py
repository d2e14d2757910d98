"""Bare attributions: the word newsroom text leaves where a quote's source link was (docs/text-format.md
rule 8).

A post copied as text keeps a quoted excerpt's attribution link as its bare word: ``... the website
said." link``. This module holds the one rule for what such a word is (:data:`ATTRIBUTION`, read by the
text format's reader and writer on the text as written) and the one report of a quote that names its source
so, without the address (:func:`report_unknown_sources`, asked by the writers of formats that have a place
for a quote's source URL).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Block, Post, Quote, Text
from ..report import ConversionReport

_WORD = r"(?:[Ll]ink|[Ss]ource)"
_NAME = r"[A-Z0-9@][\w&'\u2019@.-]*(?<!\.)"
"""A word of a ``via`` name: capitalised (or a number, or an @handle), not ending with a full stop (the
sentence's); letters, digits and ``& ' \u2019 @ . - _`` (the writer escapes an underscore at a word's edge, so
such a name as written is not one)."""
ATTRIBUTION = rf"(?:{_WORD}|\({_WORD}\)|\[{_WORD}\]|[Vv]ia {_NAME}(?: {_NAME}){{0,2}})"
"""A bare attribution: ``link``, ``source`` (capitalised or not), either in parentheses or brackets, or
``via`` and a name of one to three capitalised words (``via Reuters``, ``via The Guardian``)."""

_AT_END = re.compile(
    r"(?<=[.!?…])[”\u2019\"'»)]*[ \t]+(?P<escape>\\?)(?P<attribution>" + ATTRIBUTION + r")[ \t]*\Z"
)
"""A line ending with a bare attribution that stands after the quoted text's final punctuation (``.``,
``!``, ``?`` or ``…``, then closing quotation marks or a parenthesis, then spaces). Matched on the text as
written, so a backslash before the word (``escape``) or any of its characters written as an escape or an
entity keeps it text."""


def attribution_at_end(line: str) -> re.Match[str] | None:
    """The bare attribution ending ``line`` (a paragraph's last line as written), or None."""
    return _AT_END.search(line)


def is_attribution(value: str) -> bool:
    """Whether ``value`` is a bare attribution word (a citation a text quote can end with)."""
    return re.fullmatch(ATTRIBUTION, value) is not None


def _quotes(blocks: tuple[Block, ...]) -> Iterator[Quote]:
    for block in blocks:
        if isinstance(block, Quote):
            yield block
        yield from _quotes(getattr(block, "blocks", ()))  # inside a callout, details or container


def unknown_source(quote: Quote) -> str | None:
    """The citation of a quote whose source URL is unknown: it names its source by a bare attribution
    (``link``, ``via Reuters``: the word a link was on) and has no source URL; else None."""
    if quote.source_url is not None or len(quote.citation) != 1 or not isinstance(quote.citation[0], Text):
        return None
    cited = quote.citation[0].text
    return cited if is_attribution(cited) else None


def report_unknown_sources(post: Post, fmt: str, report: ConversionReport) -> None:
    """One warning naming the quotes of ``post`` whose source URL is unknown (:func:`unknown_source`),
    for a format ``fmt`` that has a place for a quote's source URL and so writes the citation unlinked."""
    blocks: list[int] = []
    citations: list[str] = []
    for index, block in enumerate(post.blocks):
        for quote in _quotes((block,)):
            if quote.origin is not None and quote.origin.format == fmt:
                continue  # read from this format and written back as it was: nothing is new to it
            cited = unknown_source(quote)
            if cited is not None:
                blocks += [] if index in blocks else [index]
                citations.append(cited)
    if not citations:
        return
    many = len(citations) > 1
    where = f"block{'s' if len(blocks) > 1 else ''} {', '.join(map(str, blocks))}"
    named = " or ".join(map(repr, dict.fromkeys(citations)))
    report.warn(
        fmt,
        f"{len(citations)} quote{'s' if many else ''} ({where}) cite{'' if many else 's'} {named} with no"
        " source URL: the address is unknown, so the citation is written as text, without a link",
    )
