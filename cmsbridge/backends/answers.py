"""What the CMS APIs answer, as far as cmsbridge reads it: typed shapes checked by
:func:`cmsbridge.http.validate` before any field is used (a wrong type, a missing id, a list where an
object belongs: one :class:`~cmsbridge.errors.UnexpectedResponseError`, never a wrong value or a
traceback). Fields cmsbridge does not read are kept as they came (``Fetched.data``) but not checked.
"""

from __future__ import annotations

import datetime as dt
import xmlrpc.client
from typing import Annotated, Any, NotRequired, Required

from pydantic import AfterValidator, ConfigDict, InstanceOf, Strict, StringConstraints, with_config
from typing_extensions import TypedDict

Id = Annotated[int, Strict()]
"""A numeric id: a JSON integer (not a string, a float, a boolean or a list)."""
KEEP = ConfigDict(extra="allow")


def _iso_time(value: str | None) -> str | None:
    if value:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


IsoTime = Annotated[str | None, AfterValidator(_iso_time)]


# --- WordPress REST (/wp/v2) -------------------------------------------------------------------------


@with_config(KEEP)
class WPText(TypedDict, total=False):
    raw: str
    rendered: str


@with_config(KEEP)
class WPCount(TypedDict, total=False):
    count: Id


@with_config(KEEP)
class WPRevisionLink(TypedDict, total=False):
    id: Id


WPLinks = TypedDict(
    "WPLinks",
    {"version-history": list[WPCount], "predecessor-version": list[WPRevisionLink]},
    total=False,
)
WPLinks.__pydantic_config__ = KEEP  # type: ignore[attr-defined]


@with_config(KEEP)
class WPPost(TypedDict, total=False):
    id: Required[Id]
    link: str | None
    content: str | WPText | None
    title: str | WPText | None
    excerpt: str | WPText | None
    status: str
    slug: str | None
    author: Id
    categories: list[Id]
    tags: list[Id]
    date_gmt: str | None
    modified_gmt: str | None
    featured_media: Id
    _links: WPLinks
    type: str
    parent: Id
    menu_order: Id
    password: str | None
    sticky: bool
    comment_status: str | None
    ping_status: str | None
    format: str | None
    template: str | None
    meta: dict[str, Any] | list[Any] | None


@with_config(KEEP)
class WPPostFields(TypedDict, total=False):
    title: str | WPText | None
    excerpt: str | WPText | None
    content: str | WPText | None


@with_config(KEEP)
class WPTerm(TypedDict, total=False):
    id: Required[Id]
    name: str
    slug: str
    parent: Id


@with_config(KEEP)
class WPUser(TypedDict, total=False):
    id: Required[Id]
    username: str
    slug: str
    name: str
    email: str


@with_config(KEEP)
class WPComment(TypedDict, total=False):
    id: Required[Id]
    post: Id
    parent: Id
    author_name: str | None
    author_email: str | None
    author_url: str | None
    date_gmt: IsoTime
    status: str
    content: str | WPText | None


@with_config(KEEP)
class WPMedia(TypedDict, total=False):
    id: Required[Id]
    source_url: str | None


# --- Ghost Admin API ---------------------------------------------------------------------------------


@with_config(KEEP)
class GhostAuthor(TypedDict, total=False):
    slug: str | None


@with_config(KEEP)
class GhostTag(TypedDict, total=False):
    name: str | None


@with_config(KEEP)
class GhostPost(TypedDict, total=False):
    id: Required[str]
    url: str | None
    title: str | None
    slug: str | None
    status: str | None
    custom_excerpt: str | None
    lexical: str | None
    mobiledoc: str | None
    feature_image: str | None
    authors: list[GhostAuthor] | None
    tags: list[GhostTag] | None
    published_at: IsoTime
    updated_at: IsoTime
    featured: bool | None
    visibility: str | None
    canonical_url: str | None
    meta_title: str | None
    meta_description: str | None
    custom_template: str | None


@with_config(KEEP)
class GhostPagination(TypedDict, total=False):
    next: int | None


@with_config(KEEP)
class GhostMeta(TypedDict, total=False):
    pagination: GhostPagination | None


@with_config(KEEP)
class GhostPosts(TypedDict):
    posts: list[GhostPost]
    meta: NotRequired[GhostMeta | None]


@with_config(KEEP)
class GhostPages(TypedDict):
    pages: list[GhostPost]
    meta: NotRequired[GhostMeta | None]


@with_config(KEEP)
class GhostUser(TypedDict, total=False):
    id: Required[str]
    slug: str | None
    name: str | None
    email: str | None


@with_config(KEEP)
class GhostUsers(TypedDict):
    users: list[GhostUser]


@with_config(KEEP)
class GhostImage(TypedDict):
    url: str


@with_config(KEEP)
class GhostImages(TypedDict):
    images: list[GhostImage]


# --- WordPress XML-RPC (the structs python-wordpress-xmlrpc turns into objects) ----------------------


def _xmlrpc_time(value: xmlrpc.client.DateTime) -> xmlrpc.client.DateTime:
    if str(value) != "00000000T00:00:00Z":
        value.timetuple()  # what the library does with it; a ValueError here is a malformed date
    return value


XMLRPCTime = Annotated[InstanceOf[xmlrpc.client.DateTime], AfterValidator(_xmlrpc_time)]
XMLRPCId = Annotated[str, StringConstraints(strict=True, pattern=r"^[0-9]+$")] | Id
"""An id as XML-RPC gives it: digits in a string (or an integer)."""


@with_config(KEEP)
class XMLRPCTerm(TypedDict, total=False):
    name: str
    taxonomy: str
    term_id: XMLRPCId
    slug: str
    parent: XMLRPCId


@with_config(KEEP)
class XMLRPCPost(TypedDict, total=False):
    post_id: Required[XMLRPCId]
    post_author: XMLRPCId
    post_date_gmt: XMLRPCTime
    post_modified_gmt: XMLRPCTime
    post_name: str
    post_status: str
    post_title: str
    post_content: str
    post_excerpt: str
    link: str
    terms: list[XMLRPCTerm]
    post_thumbnail: Any
    post_type: str
    post_parent: XMLRPCId
    menu_order: int
    post_password: str
    sticky: bool
    comment_status: str
    ping_status: str
    post_format: str
    custom_fields: list[Any]


@with_config(KEEP)
class XMLRPCUser(TypedDict, total=False):
    user_id: Required[XMLRPCId]
    username: str
    nicename: str
    display_name: str
    email: str
    registered: XMLRPCTime


@with_config(KEEP)
class XMLRPCUpload(TypedDict, total=False):
    id: XMLRPCId
    attachment_id: XMLRPCId
    url: str
