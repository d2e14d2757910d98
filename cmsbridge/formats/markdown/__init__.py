"""``markdown``: Markdown with YAML front matter, as Hugo and Jekyll use it.

Front matter keys (first listed is what the writer uses; the others are read too):
``title``; ``slug``; ``date``; ``lastmod`` (``modified``, ``last_modified_at``); ``draft`` (Jekyll's
``published``) and ``status``; ``summary`` (``excerpt``, ``description``); ``authors`` (``author``);
``categories``; ``tags``; ``featured_image`` (``image``, ``cover``); ``post_type`` (written when not
``post``); ``parent``; ``menu_order``; ``password``; ``sticky``; ``comment_status``; ``ping_status``;
``format``; ``template``; ``canonical_url``; ``seo_title``; ``seo_description``; ``comments`` (when it
is a list: Jekyll's ``comments: false`` stays a metadata key); ``sources``; any other key goes to
``Post.metadata`` (and metadata keys that clash with these are written under ``metadata:``).

A category is its name; one with a slug or a parent is a mapping (``name``, ``slug``, ``parent``, the
parent written the same way), so two categories of one name under different parents stay two::

    categories:
      - News
      - name: Local
        parent: News

``comments`` is a list of mappings, one a comment (``id``, ``parent``, ``author``, ``email``, ``url``,
``date``, ``status``, ``content``; what is empty or ``approved`` left out). A post's ``password`` is
written as given: the folder is the user's own, and a protected post stays protected when it is read
back and written to a CMS. TOML front
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
from ...model import Comment, Post, SourceRef, Term
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
    "post_type": ("post_type",),
    "parent": ("parent",),
    "menu_order": ("menu_order",),
    "password": ("password",),
    "sticky": ("sticky",),
    "comment_status": ("comment_status",),
    "ping_status": ("ping_status",),
    "format": ("format",),
    "template": ("template",),
    "canonical_url": ("canonical_url",),
    "seo_title": ("seo_title",),
    "seo_description": ("seo_description",),
    "comments": ("comments",),
    "sources": ("sources",),
}
_TEXTS = (
    "post_type",
    "parent",
    "password",
    "format",
    "template",
    "canonical_url",
    "seo_title",
    "seo_description",
)
"""Fields that are text, read as text whatever YAML made of them (``password: 1234`` is a number)."""
_OPTIONAL = (*_TEXTS, "menu_order", "sticky", "comment_status", "ping_status")
"""Fields written only when they differ from a new post's."""
_RESERVED = {key for keys in _FIELDS.values() for key in keys} | {"draft", "published", "status", "metadata"}
_STATUSES = {"draft", "publish", "pending", "private", "future", "scheduled", "trash"}
_YAML_FENCE = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)
_TOML_FENCE = re.compile(r"\A\+\+\+[ \t]*\n(.*?\n)?\+\+\+[ \t]*(?:\n|\Z)", re.S)


_NEW = Post().model_dump()


def _switch(key: str, value: Any, post: Post) -> bool:
    """A metadata key that reads back as metadata though a field has its name (Jekyll's ``comments:
    false``: the ``comments`` field is a list), written as it came unless the post has comments."""
    return key == "comments" and not isinstance(value, list) and not post.comments


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


_YAML_MAPPING_LINE = re.compile(r"[ \t]*(?:\{|[^\s#\[{-][^\n]*?:(?:[ \t]|$))")
_YAML_IDLE_LINE = re.compile(r"[ \t]*(?:#.*)?")


def _looks_like_front_matter(text: str) -> bool:
    """Whether the text between two leading ``---`` lines is front matter (empty, or a mapping: its first
    line that is not blank nor a comment is a ``key:``); otherwise the ``---`` is a thematic break."""
    lines = [line for line in text.split("\n") if not _YAML_IDLE_LINE.fullmatch(line)]
    if not lines:
        return not text.strip()
    return _YAML_MAPPING_LINE.match(lines[0]) is not None


def _front_matter(data: str) -> tuple[dict[str, Any], str]:
    yaml_match = _YAML_FENCE.match(data)
    if yaml_match is not None and not _looks_like_front_matter(yaml_match[1] or ""):
        yaml_match = None  # "---" opening the body: a thematic break
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


def _term(value: Any) -> Term:
    """A category of the front matter: its name, or a mapping of name, slug and parent."""
    if not isinstance(value, dict):
        return Term(name=str(value))
    parent = value.get("parent")
    slug = value.get("slug")
    return Term(
        name=str(value.get("name") or ""),
        slug=None if slug is None else str(slug),
        parent=None if parent is None else _term(parent),
    )


def _terms(value: Any) -> tuple[Term, ...]:
    if value is None:
        return ()
    return tuple(_term(v) for v in (value if isinstance(value, list | tuple) else [value]))


def _term_data(term: Term) -> Any:
    """A category as front matter: its name alone when that is all it has."""
    if term.slug is None and term.parent is None:
        return term.name
    data: dict[str, Any] = {"name": term.name}
    if term.slug is not None:
        data["slug"] = term.slug
    if term.parent is not None:
        data["parent"] = _term_data(term.parent)
    return data


def _comments(value: Any) -> tuple[Comment, ...]:
    if not isinstance(value, list):
        raise ParseError("markdown: comments: not a list of comments")
    return tuple(Comment.model_validate(_json(c)) for c in value)


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
        if name == "comments" and not isinstance(front.get("comments"), list):
            continue  # Jekyll's comments: true|false, a theme's switch
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
            categories=_terms(fields.get("categories")),
            tags=_strings(fields.get("tags")),
            created=_when(fields.get("created"), "date", report),
            modified=_when(fields.get("modified"), "lastmod", report),
            featured_image=str(image) if image else None,
            metadata=_json(metadata),
            comments=_comments(fields.get("comments", [])),
            **{name: str(fields[name]) for name in _TEXTS if fields.get(name) is not None},
            **{
                name: fields[name]
                for name in _OPTIONAL
                if name not in _TEXTS and fields.get(name) is not None
            },
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
    for name in ("authors", "tags"):
        if getattr(post, name):
            front[name] = list(getattr(post, name))
    if post.categories:
        front["categories"] = [_term_data(term) for term in post.categories]
    if post.featured_image is not None:
        front["featured_image"] = post.featured_image
    front.update({name: getattr(post, name) for name in _OPTIONAL if getattr(post, name) != _NEW[name]})
    if post.comments:
        front["comments"] = [c.model_dump(mode="json", exclude_defaults=True) for c in post.comments]
    if post.sources:
        front["sources"] = [s.model_dump(exclude_none=True) for s in post.sources]
    clashing = {k: v for k, v in post.metadata.items() if k in _RESERVED and not _switch(k, v, post)}
    front.update({k: v for k, v in post.metadata.items() if k not in _RESERVED or _switch(k, v, post)})
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
