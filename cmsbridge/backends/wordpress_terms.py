"""A WordPress site's categories and tags over REST: read once per backend, each created on demand, once.

A migration writes hundreds of posts sharing a few dozen terms; asking the site for each term of each post
would cost more requests than the posts themselves. :class:`SiteTerms` lists a taxonomy the first time a
post needs one of its terms (``_fields=id,name,slug,parent``, a page of 100 at a time) and answers every
later question from that list, adding the terms it creates. A site with more than
:data:`MAX_LISTED_PAGES` pages of a taxonomy (a newsroom with tens of thousands of tags) is not listed:
each term is looked up by name once (``search``), and the answer kept.

Shared by threads (a migration's workers use one backend per target): each term is looked up and created
under a lock of its own (a taxonomy is listed under the taxonomy's), so two workers needing the same new
term create it once while workers needing different terms do not wait for each other's requests. A term
made meanwhile by someone else (another process, another machine) is refused by WordPress as
``term_exists``: it is then looked up by name and adopted, never created twice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidContentError
from ..model import Term
from ..report import ConversionReport
from .wordpress_common import PAGE_SIZE, SYSTEM, html_text, unescape

MAX_LISTED_PAGES = 20
"""A taxonomy of more pages than this (of 100 terms) is looked up term by term instead of listed."""

LISTED_FIELDS = "id,name,slug,parent"


@dataclass(frozen=True)
class Row:
    """One term as the site holds it (its name as text)."""

    id: int
    name: str
    slug: str
    parent: int


Page = Callable[[str, dict[str, Any]], tuple[list[Mapping[str, Any]], int]]
"""``page(taxonomy, params)``: one page of a taxonomy's listing and the number of pages."""
Create = Callable[[str, dict[str, Any]], Mapping[str, Any]]
"""``create(taxonomy, fields)``: the term created (raises InvalidContentError when WordPress refuses)."""
Missing = Callable[[str], Exception]
"""The error for a term WordPress says exists but no listing shows."""


def _row(item: Mapping[str, Any]) -> Row:
    return Row(
        id=int(item["id"]),
        name=unescape(str(item.get("name") or "")),
        slug=str(item.get("slug") or ""),
        parent=int(item.get("parent") or 0),
    )


class SiteTerms:
    """The categories and tags of one site (see the module docstring)."""

    def __init__(self, page: Page, create: Create, missing: Missing) -> None:
        self._page, self._create, self._missing = page, create, missing
        self._lock = threading.Lock()  # guards the dictionaries and lists below, never held across a request
        self._turns: dict[tuple[str, object], threading.RLock] = {}
        self._listed: dict[str, list[Row] | None] = {}  # taxonomy -> every term, or None: too many
        self._searched: dict[tuple[str, str], list[Row]] = {}  # (taxonomy, name) -> rows, unlisted sites
        self._tags: dict[str, int] = {}
        self._categories: dict[Term, int] = {}

    # --- what the backend asks -------------------------------------------------------------------------

    def _turn(self, kind: str, key: object) -> threading.RLock:
        """The lock of one term (or of listing one taxonomy)."""
        with self._lock:
            return self._turns.setdefault((kind, key), threading.RLock())

    def tag_id(self, name: str) -> int:
        """The id of the tag ``name`` (case-blind, or its slug), created when missing."""
        key = name.casefold()
        with self._turn("tag", key):
            if key not in self._tags:
                found = self._tag(name)
                with self._lock:
                    self._tags[key] = found
            return self._tags[key]

    def category_id(self, term: Term, report: ConversionReport) -> int:
        """The id of the category ``term`` under its parent (created first), created when missing: two
        categories of one name under different parents are two categories."""
        with self._turn("category", term):  # a child's lock, then its parent's: always in that order
            if term not in self._categories:
                parent = self.category_id(term.parent, report) if term.parent is not None else 0
                found = self._category(term, parent, report)
                with self._lock:
                    self._categories[term] = found
            return self._categories[term]

    # --- finding and creating --------------------------------------------------------------------------

    def _tag(self, name: str) -> int:
        def match(rows: list[Row]) -> Row | None:
            return next((r for r in rows if r.name.casefold() == name.casefold() or r.slug == name), None)

        found = match(self._candidates("tags", name))
        if found is not None:
            return found.id
        try:
            created = _row(self._create("tags", {"name": html_text(name)}))
        except InvalidContentError as exc:
            if exc.code != "term_exists":
                raise
            return self._adopted("tags", name, match)
        self._add("tags", name, created)
        return created.id

    def _category(self, term: Term, parent: int, report: ConversionReport) -> int:
        def match(rows: list[Row]) -> Row | None:
            same = [r for r in rows if r.name.casefold() == term.name.casefold() and r.parent == parent]
            return next((r for r in same if r.slug == term.slug), same[0] if same else None)

        found = match(self._candidates("categories", term.name))
        if found is not None:
            return found.id
        fields: dict[str, Any] = {"name": html_text(term.name), "parent": parent}
        if term.slug:
            fields["slug"] = term.slug
        try:
            try:
                created = _row(self._create("categories", fields))
            except InvalidContentError as exc:
                if exc.code != "duplicate_term_slug" or "slug" not in fields:
                    raise
                report.warn(
                    SYSTEM, f"the category slug {term.slug!r} is taken on the site; WordPress chose one"
                )
                del fields["slug"]
                created = _row(self._create("categories", fields))
        except InvalidContentError as exc:
            if exc.code != "term_exists":
                raise
            return self._adopted("categories", term.name, match)
        self._add("categories", term.name, created)
        return created.id

    def _adopted(self, taxonomy: str, name: str, match: Callable[[list[Row]], Row | None]) -> int:
        """The term WordPress says exists (made meanwhile by someone else, or a name its search misses
        in the listing): looked up by name, and kept."""
        found = match(self._search(taxonomy, name))
        if found is None:
            raise self._missing(f"no term {name!r} after WordPress said it exists")
        self._add(taxonomy, name, found)
        return found.id

    def _candidates(self, taxonomy: str, name: str) -> list[Row]:
        """The terms that may be ``name``: the whole listed taxonomy, or (too many to list) a search."""
        with self._turn("listing", taxonomy):
            if taxonomy not in self._listed:
                listing = self._list(taxonomy)
                with self._lock:
                    self._listed[taxonomy] = listing
        listed = self._listed[taxonomy]
        if listed is not None:
            with self._lock:
                return list(listed)
        key = (taxonomy, name.casefold())
        if key not in self._searched:  # under the term's own lock (tag_id, category_id)
            found = self._search(taxonomy, name)
            with self._lock:
                self._searched.setdefault(key, found)
        with self._lock:
            return list(self._searched[key])

    def _list(self, taxonomy: str) -> list[Row] | None:
        params: dict[str, Any] = {"per_page": PAGE_SIZE, "orderby": "id", "_fields": LISTED_FIELDS}
        rows, pages = self._page(taxonomy, {**params, "page": 1})
        if pages > MAX_LISTED_PAGES:
            return None
        listed = [_row(r) for r in rows]
        for number in range(2, pages + 1):
            more, _ = self._page(taxonomy, {**params, "page": number})
            listed.extend(_row(r) for r in more)
        return listed

    def _search(self, taxonomy: str, name: str) -> list[Row]:
        """The terms whose name holds ``name`` as WordPress's search finds it: by the name as text, and
        as WordPress stores it (``&amp;``) when that differs."""
        rows: dict[int, Row] = {}
        for query in dict.fromkeys((name, html_text(name))):
            found, _ = self._page(
                taxonomy, {"search": query, "per_page": PAGE_SIZE, "_fields": LISTED_FIELDS}
            )
            rows.update((row.id, row) for row in map(_row, found))
        return list(rows.values())

    def _add(self, taxonomy: str, name: str, row: Row) -> None:
        """A term created or adopted, known from now on to the lookups of ``name``."""
        with self._lock:
            listed = self._listed.get(taxonomy)
            key = (taxonomy, name.casefold())
            rows = listed if listed is not None else self._searched.setdefault(key, [])
            if all(r.id != row.id for r in rows):
                rows.append(row)
