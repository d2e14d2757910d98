"""cmsbridge: one model of a post, readers and writers around it, and backends that sync it to CMSs."""

from __future__ import annotations

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
    "convert",
    "read",
    "write",
]
