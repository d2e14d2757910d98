"""cmsbridge: one model of a post, readers and writers around it, and backends that sync it to CMSs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import CMSBridgeError
from .formats import convert, read, write
from .model import (
    Bold,
    Code,
    Embed,
    Heading,
    Image,
    Italic,
    LineBreak,
    Link,
    List,
    ListItem,
    Origin,
    Paragraph,
    Post,
    Quote,
    Raw,
    RawInline,
    Separator,
    SourceRef,
    Text,
    UpdateMarker,
)
from .report import ConversionReport, ConversionWarning, Loss

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .backends.sites import connect


def __getattr__(name: str) -> object:
    # connect() is imported on first use, so that `import cmsbridge` stays fast.
    if name == "connect":
        from .backends.sites import connect

        return connect
    raise AttributeError(f"module 'cmsbridge' has no attribute {name!r}")


__all__ = [
    "Bold",
    "CMSBridgeError",
    "Code",
    "ConversionReport",
    "ConversionWarning",
    "Embed",
    "Heading",
    "Image",
    "Italic",
    "LineBreak",
    "Link",
    "List",
    "ListItem",
    "Loss",
    "Origin",
    "Paragraph",
    "Post",
    "Quote",
    "Raw",
    "RawInline",
    "Separator",
    "SourceRef",
    "Text",
    "UpdateMarker",
    "connect",
    "convert",
    "read",
    "write",
]
