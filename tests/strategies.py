"""Hypothesis strategies for posts, shared by every format's round-trip tests.

The generated content is what newsroom posts hold: words with punctuation and non-ASCII letters, marks
separated by spaces (as every lightweight markup requires), links, code, update markers with zones.
Each format's test picks the blocks that format can express (``blocks=`` argument).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hypothesis import strategies as st

from cmsbridge.formats.html.inline import normalize
from cmsbridge.model import (
    Block,
    Bold,
    Code,
    Embed,
    Heading,
    Image,
    Inline,
    Italic,
    Link,
    List,
    ListItem,
    Paragraph,
    Post,
    Quote,
    Separator,
    Text,
    UpdateMarker,
)

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüøçЖ\u0416日本"  # accented, Cyrillic, CJK
words = st.lists(
    st.text(alphabet=_LETTERS + "0123456789", min_size=1, max_size=8), min_size=1, max_size=5
).map(" ".join)
"""A few words separated by single spaces: safe in every format."""

sentence = st.builds(
    lambda w, p: w + p, words, st.sampled_from(["", ".", ",", "!", "?", " & co", " <tag>", ' "q"', " 50%"])
)
urls = st.builds(
    lambda host, path: f"https://{host}.example.com/{path}",
    st.text(alphabet="abcdefghij", min_size=1, max_size=6),
    st.text(alphabet="abcdefghij0123456789-", min_size=0, max_size=10),
)


def _segment() -> st.SearchStrategy[Inline]:
    plain = words.map(lambda w: Text(text=w))
    return st.one_of(
        plain,
        plain,
        words.map(lambda w: Bold(children=(Text(text=w),))),
        words.map(lambda w: Italic(children=(Text(text=w),))),
        st.builds(lambda u, w: Link(href=u, children=(Text(text=w),)), urls, words),
        words.map(lambda w: Code(text=w)),
    )


def _join(segments: Sequence[Inline], end: str) -> tuple[Inline, ...]:
    out: list[Inline] = []
    for i, seg in enumerate(segments):
        if i:
            out.append(Text(text=" "))
        out.append(seg)
    if end:
        out.append(Text(text=end))
    return normalize(tuple(out))


inlines = st.builds(
    _join, st.lists(_segment(), min_size=1, max_size=5), st.sampled_from(["", ".", "!", " & more."])
)
"""Inline content starting and ending with a non-space, marks separated by spaces."""

paragraphs = st.builds(Paragraph, inlines=inlines)
headings = st.builds(
    Heading,
    level=st.integers(2, 4),
    inlines=st.builds(
        _join,
        st.lists(_segment().filter(lambda s: not isinstance(s, Link | Code)), min_size=1, max_size=3),
        st.just(""),
    ),
)
quotes = st.builds(
    Quote,
    paragraphs=st.lists(paragraphs, min_size=1, max_size=3).map(tuple),
    citation=st.one_of(st.just(()), words.map(lambda w: (Text(text=w),))),
)
embeds = st.one_of(
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", min_size=11, max_size=11
    ).map(lambda i: Embed(provider="youtube", url=f"https://www.youtube.com/watch?v={i}", provider_id=i)),
    st.integers(1000, 99999999).map(
        lambda n: Embed(provider="vimeo", url=f"https://vimeo.com/{n}", provider_id=str(n))
    ),
)
zones = st.sampled_from(["Europe/Paris", "UTC", "America/New_York", "Asia/Tokyo", "Europe/London"])


def _update(
    minutes: int,
    zone: str,
    key: bool,
    with_date: bool,
    described: tuple[tuple[str, ...], str, bool, int | None],
) -> UpdateMarker:
    from zoneinfo import ZoneInfo

    when = dt.datetime(2026, 5, 6, tzinfo=ZoneInfo(zone)) + dt.timedelta(minutes=minutes)
    at: dt.datetime | dt.time = when if with_date else dt.time(when.hour, when.minute)
    label = f"UPDATE: {when:%H:%M} {zone.split('/')[-1].replace('_', ' ')} time"
    by, headline, pinned, edited_after = described
    edited = None if edited_after is None else when + dt.timedelta(minutes=edited_after)
    return UpdateMarker(
        id=f"u{minutes}",
        at=at,
        tz=zone,
        label=label,
        key=key,
        by=by,
        headline=headline,
        pinned=pinned,
        edited=edited,
    )


_described = st.tuples(
    st.lists(words, max_size=3).map(tuple),
    st.one_of(st.just(""), sentence),
    st.booleans(),
    st.one_of(st.none(), st.integers(0, 600)),
)
"""An update's byline, headline, pinned state and minutes from its time to its last edit."""
updates = st.builds(_update, st.integers(0, 60 * 24 * 3), zones, st.booleans(), st.booleans(), _described)
lists = st.builds(
    List,
    ordered=st.booleans(),
    items=st.lists(st.builds(ListItem, inlines=inlines), min_size=1, max_size=4).map(tuple),
)
images = st.builds(
    Image, src=urls.map(lambda u: u + ".jpg"), alt=words, caption=st.one_of(st.just(()), inlines)
)
separators = st.just(Separator())

ALL_BLOCKS: dict[str, st.SearchStrategy[Block]] = {
    "paragraph": paragraphs,
    "heading": headings,
    "quote": quotes,
    "embed": embeds,
    "update": updates,
    "list": lists,
    "image": images,
    "separator": separators,
}


def posts(blocks: Sequence[str] = tuple(ALL_BLOCKS), *, max_blocks: int = 8) -> st.SearchStrategy[Post]:
    """Posts made of the named kinds of blocks, with a title and unique update ids."""
    block = st.one_of(*(ALL_BLOCKS[name] for name in blocks))

    def build(title: str, items: list[Block]) -> Post:
        seen: set[str] = set()
        kept = []
        for item in items:
            if isinstance(item, UpdateMarker):
                if item.id in seen:
                    continue
                seen.add(item.id)
            kept.append(item)
        return Post(title=title, blocks=tuple(kept))

    return st.builds(build, words, st.lists(block, min_size=1, max_size=max_blocks))
