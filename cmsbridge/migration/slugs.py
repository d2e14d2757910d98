"""The target's slugs, learned in bulk while the source is listed: not one look-up per post.

Before creating a source post the id map does not map, a migration must know whether a post on the target
holds its slug (:func:`cmsbridge.migration.run._placed`: ours to adopt, someone else's to leave alone, or
free). Asking :meth:`~cmsbridge.backends.base.Backend.find` for each post costs a request or two per post
(WordPress asks posts, then pages). :class:`SlugBook` reads the source listing a batch ahead
(:data:`BATCH` posts) and asks a target that can (:class:`~cmsbridge.backends.base.KnowsSlugs`) about the
whole batch's slugs at once; only the posts the id map does not map are asked about, so a re-run of a
finished migration asks nothing.

A slug learned free is handed out once (:meth:`SlugBook.free`): the post created under it holds it from
then on, so a second source post of the same slug (a post and a page, say) goes to ``find`` and is not
given the same slug. A slug held on the target, one the target could not answer for in bulk, and one
learned for a post already handed out all go to ``find`` as before, which keeps every guarantee of the
adoption rules. A post made on the target by someone else between the batch's question and the create is
not seen (as between a ``find`` and the create): WordPress gives ours another slug.

Thread-safe: the book is filled by the thread that reads the listing and read by the workers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

from ..backends.base import Backend, Fetched, KnowsSlugs

BATCH = 100
"""Source posts read ahead, whose slugs are asked about in one go."""


class SlugBook:
    """What the target's slugs are known to be, learned batch by batch (see the module docstring)."""

    def __init__(self, target: Backend) -> None:
        self.target = target
        self._free: set[str] = set()
        self._lock = threading.Lock()

    def learning(self, listed: Iterator[Fetched], unmapped: Callable[[Fetched], bool]) -> Iterator[Fetched]:
        """``listed`` in its order, read :data:`BATCH` posts ahead: the slugs of those ``unmapped`` says
        the id map does not map are asked of the target (when it can tell in bulk) before they come."""
        target = self.target
        if not isinstance(target, KnowsSlugs):
            yield from listed
            return
        batch: list[Fetched] = []
        for fetched in listed:
            batch.append(fetched)
            if len(batch) >= BATCH:
                yield from self._learned(target, batch, unmapped)
                batch = []
        yield from self._learned(target, batch, unmapped)

    def _learned(
        self, target: KnowsSlugs, batch: list[Fetched], unmapped: Callable[[Fetched], bool]
    ) -> list[Fetched]:
        slugs = [f.post.slug for f in batch if f.post.slug and unmapped(f)]
        if slugs:
            held = target.held_slugs(slugs)
            with self._lock:
                self._free.update(slug for slug in slugs if slug not in held)
        return batch

    def free(self, slug: str) -> bool:
        """Whether ``slug`` was learned free on the target: True once, for the post about to be created
        under it; afterwards (and for a slug not learned free) :meth:`Backend.find` must tell."""
        with self._lock:
            if slug in self._free:
                self._free.discard(slug)
                return True
            return False
