"""``markdown``: Markdown with YAML front matter, as Hugo and Jekyll use it.

Front matter keys (first listed is what the writer uses; the others are read too):
``title``; ``slug``; ``date``; ``lastmod`` (``modified``, ``last_modified_at``); ``draft`` (Jekyll's
``published``) and ``status``; ``summary`` (``excerpt``, ``description``); ``authors`` (``author``);
``categories``; ``tags``; ``featured_image`` (``image``, ``cover``); ``sources``; any other key goes to
``Post.metadata`` (and metadata keys that clash with these are written under ``metadata:``). TOML front
matter (``+++``) is read too: at most :data:`MAX_FRONT_MATTER` characters, nested at most
:data:`~cmsbridge.limits.MAX_DEPTH` deep, and YAML without aliases (``*name``: a few hundred bytes of
them expand to gigabytes). The body is read by :mod:`.markdown_common` with the markdown flavour.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from typing import Any

import yaml
from pydantic import ValidationError

from ...errors import ParseError
from ...limits import MAX_DEPTH, json_depth, too_deep
from ...model import Post, SourceRef
from ...report import ConversionReport
from ..inert import inert_featured_image
from .common import MARKDOWN, Reader, normalize_newlines
from .writer import Writer

NAME = "markdown"

_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "slug": ("slug",),
    "created": ("date",),
    "modified": ("lastmod", "modified", "last_modified_at"),
    "excerpt": ("summary", "excerpt", "description"),
    "authors": ("authors", "author"),
    "categories": ("categories",),
    "tags": ("tags",),
    "featured_image": ("featured_image", "image", "cover"),
    "sources": ("sources",),
}
_RESERVED = {key for keys in _FIELDS.values() for key in keys} | {"draft", "published", "status", "metadata"}
_STATUSES = {"draft", "publish", "pending", "private", "future", "scheduled", "trash"}
_YAML_FENCE = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)
_TOML_FENCE = re.compile(r"\A\+\+\+[ \t]*\n(.*?\n)?\+\+\+[ \t]*(?:\n|\Z)", re.S)


MAX_FRONT_MATTER = 1_000_000
"""Characters of front matter a post may have (Hugo's and Jekyll's are a few hundred)."""


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing aliases and nesting deeper than :data:`MAX_DEPTH`.

    An alias repeats a node by reference, and the front matter is then copied as JSON data: nine lines of
    nested aliases ("billion laughs") take gigabytes. Front matter has no use for them."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            line = self.peek_event().start_mark.line + 1  # type: ignore[no-untyped-call]
            raise ParseError(f"markdown: front matter line {line}: YAML aliases (*name) are not accepted")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise too_deep("markdown front matter")
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_TOML_KEY = re.compile(r"[\w\s.\"'-]*")


def _check_toml_keys(text: str) -> None:
    """Refuse a TOML key or table name of more than :data:`MAX_DEPTH` dotted parts before ``tomllib``
    reads it: its memory grows with the square of a dotted key's parts (60 KB of ``a.a.a... = 1`` take
    3.6 GB), and a table name's take hundreds of bytes a character."""
    for line in text.splitlines():
        key, equals, _ = line.partition("=")
        header = line.strip()
        if header.startswith("[") and header.endswith("]"):
            key, equals = header.strip("[]"), "="
        if equals and key.count(".") > MAX_DEPTH and _TOML_KEY.fullmatch(key):
            raise too_deep("markdown front matter")


def _front_matter(data: str) -> tuple[dict[str, Any], str]:
    yaml_match = _YAML_FENCE.match(data)
    toml_match = _TOML_FENCE.match(data) if yaml_match is None else None
    fence = yaml_match or toml_match
    if fence is not None and len(fence[1] or "") > MAX_FRONT_MATTER:
        raise ParseError(f"markdown: front matter longer than {MAX_FRONT_MATTER:,} characters (the limit)")
    try:
        if yaml_match:
            loaded = yaml.load(yaml_match[1] or "", Loader=_FrontMatterLoader)
            body = data[yaml_match.end() :]
        elif toml_match:
            _check_toml_keys(toml_match[1] or "")
            loaded = tomllib.loads(toml_match[1] or "")
            body = data[toml_match.end() :]
        else:
            return {}, data
    except (yaml.YAMLError, tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        raise ParseError(f"markdown: front matter is not valid: {exc}") from exc
    if json_depth(loaded) > MAX_DEPTH:
        raise too_deep("markdown front matter")
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise ParseError("markdown: front matter is not a mapping")
    return {str(k): v for k, v in loaded.items()}, body


def _json(value: Any) -> Any:
    """A front matter value as JSON data (dates become ISO strings)."""
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _when(value: Any, key: str, report: ConversionReport) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError as exc:
            raise ParseError(f"markdown: {key}: not a date: {value!r}") from exc
    if not isinstance(value, dt.datetime):
        raise ParseError(f"markdown: {key}: not a date: {value!r}")
    if value.tzinfo is None:
        report.warn(NAME, f"{key} has no time zone; read as UTC")
        value = value.replace(tzinfo=dt.UTC)
    when: dt.datetime = value
    return when


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v) if not isinstance(v, dict) else str(v.get("name", v)) for v in value)
    return (str(value),)


def _status(front: dict[str, Any]) -> str:
    """The post's status: ``status`` (any case), else ``draft: true|false`` (Hugo), else
    ``published: true|false`` (Jekyll), else a draft. A status not known, or a flag not a boolean, is an
    error: a post goes live only when its file says so."""
    if "status" in front:
        value = front["status"]
        status = value.strip().lower() if isinstance(value, str) else None
        if status not in _STATUSES:
            known = ", ".join(sorted(_STATUSES))
            raise ParseError(f"markdown: status {str(value)[:40]!r} is not one of {known}")
        return status
    for key, live_when in (("draft", False), ("published", True)):
        if key in front:
            if not isinstance(front[key], bool):
                raise ParseError(f"markdown: {key} must be true or false, not {str(front[key])[:40]!r}")
            return "publish" if front[key] is live_when else "draft"
    return "draft"


def read(data: str, report: ConversionReport) -> Post:
    data = normalize_newlines(data).removeprefix("\ufeff")
    front, body = _front_matter(data)
    fields: dict[str, Any] = {}
    metadata: dict[str, Any] = {}
    used: set[str] = set()
    for name, keys in _FIELDS.items():
        for key in keys:
            if key in front:
                if name not in fields:
                    fields[name] = front[key]
                    used.add(key)
                break
    status = _status(front)
    used |= {"status", "draft", "published"} & set(front)
    if isinstance(front.get("metadata"), dict):
        metadata.update(front["metadata"])
        used.add("metadata")
    for key, value in front.items():
        if key not in used:
            metadata[key] = value
    image = fields.get("featured_image")
    if isinstance(image, dict):
        image = image.get("image") or image.get("src")
    try:
        sources = tuple(SourceRef.model_validate(s) for s in fields.get("sources") or ())
        return Post(
            title=str(fields.get("title") or ""),
            slug=str(fields["slug"]) if fields.get("slug") is not None else None,
            status=status,
            excerpt=str(fields.get("excerpt") or ""),
            authors=_strings(fields.get("authors")),
            categories=_strings(fields.get("categories")),
            tags=_strings(fields.get("tags")),
            created=_when(fields.get("created"), "date", report),
            modified=_when(fields.get("modified"), "lastmod", report),
            featured_image=str(image) if image else None,
            metadata=_json(metadata),
            sources=sources,
            blocks=tuple(Reader(MARKDOWN, report).read(body)),
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ParseError(f"markdown: front matter: {first['loc']}: {first['msg']}") from exc
    except TypeError as exc:
        raise ParseError(f"markdown: front matter: {exc}") from exc


def write(post: Post, report: ConversionReport) -> str:
    post = inert_featured_image(post, NAME, report)  # a theme shows it as an image
    front: dict[str, Any] = {"title": post.title}
    if post.slug is not None:
        front["slug"] = post.slug
    if post.created is not None:
        front["date"] = post.created.isoformat()
    if post.modified is not None:
        front["lastmod"] = post.modified.isoformat()
    front["draft"] = post.status != "publish"
    if post.status not in ("draft", "publish"):
        front["status"] = post.status
    if post.excerpt:
        front["summary"] = post.excerpt
    for name in ("authors", "categories", "tags"):
        if getattr(post, name):
            front[name] = list(getattr(post, name))
    if post.featured_image is not None:
        front["featured_image"] = post.featured_image
    if post.sources:
        front["sources"] = [s.model_dump(exclude_none=True) for s in post.sources]
    clashing = {k: v for k, v in post.metadata.items() if k in _RESERVED}
    front.update({k: v for k, v in post.metadata.items() if k not in _RESERVED})
    if clashing:
        front["metadata"] = clashing
    header = yaml.safe_dump(
        json.loads(json.dumps(front)),
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=10**6,
    )
    header = re.sub(r"^(date|lastmod): '([^']*)'$", r"\1: \2", header, flags=re.M)
    body = Writer(MARKDOWN, report).blocks(post.blocks)
    return f"---\n{header}---\n\n{body}\n" if body else f"---\n{header}---\n"
