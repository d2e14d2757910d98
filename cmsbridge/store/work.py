"""A work list shared by every worker of a job, in any process on any machine using the same store.

Items (a source post's id, with its version and its place in the listing) are recorded as they are
listed; a worker *claims* an item before working on it: the claim names the worker's process
(``claimed_by``) and lasts until ``lease_until`` (the database's clock), renewed while the process lives
(:meth:`WorkList.renew`). A process killed at any moment stops renewing: its items return to the pool
when their leases end, and any worker takes them. When an item is finished its status becomes the
outcome's action (``created``, ``updated``, ``skipped``, ``failed``; ``todo`` until then) and its
outcome (opaque text, the caller's JSON) is kept, so the store holds the whole job's outcomes whichever
process wrote them.

Claims use the database's primitives: on PostgreSQL ``SELECT ... FOR UPDATE SKIP LOCKED`` (workers
never wait for each other's rows) or one conditional ``UPDATE`` of the row; on SQLite the same under
``BEGIN IMMEDIATE``, SQLite's write lock.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from .engine import Database, PostgresDatabase

TODO = "todo"
SKIPPED = "skipped"
FAILED = "failed"


def process_name() -> str:
    """A name for this process no other process on any machine has: host, pid and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Waiting:
    """What is left of a job: items not finished, and the seconds until the first lease held on one of
    them ends (None: none is held)."""

    left: int
    first_lease_ends: float | None


class WorkList:
    """The items of ``job`` in ``db``, claimed in the name of ``owner`` for ``lease`` seconds at a time."""

    def __init__(self, db: Database, job: str, *, owner: str | None = None, lease: float = 120.0) -> None:
        self.db, self.job, self.lease = db, job, float(lease)
        self.owner = owner or process_name()

    def __repr__(self) -> str:
        return f"<WorkList {self.job!r} of {self.owner} in {self.db.label}>"

    def offer(self, item: str, version: str, position: int) -> bool:
        """Record ``item`` as listed at ``version`` (to do again when its version changed or it failed)
        and claim it unless a live lease holds it; whether it is now claimed by this owner. A finished
        item is claimed too, so the caller may find it up to date (and leave its outcome as it was)."""
        self.db.run(
            "INSERT INTO work (job, item, position, version, status, updated) VALUES (?, ?, ?, ?, ?, NOW) "
            "ON CONFLICT (job, item) DO UPDATE SET version = excluded.version, status = ?, "
            "position = excluded.position WHERE work.version <> excluded.version OR work.status = ?",
            (self.job, item, position, version, TODO, TODO, FAILED),
        )
        return self.claim(item)

    def claim(self, item: str) -> bool:
        """Claim ``item`` unless a live lease holds it; whether it is now claimed by this owner."""
        changed = self.db.run(
            "UPDATE work SET claimed_by = ?, lease_until = NOW + ?, attempts = attempts + 1 "
            "WHERE job = ? AND item = ? AND (claimed_by IS NULL OR lease_until < NOW)",
            (self.owner, self.lease, self.job, item),
        )
        return changed == 1

    def claim_next(self) -> str | None:
        """Claim the first item still to do that no live lease holds (in listing order); None when there
        is none now."""
        if isinstance(self.db, PostgresDatabase):
            found = self.db.row(
                "UPDATE work SET claimed_by = ?, lease_until = NOW + ?, attempts = attempts + 1 "
                "WHERE (job, item) IN (SELECT job, item FROM work WHERE job = ? AND status = ? "
                "AND (claimed_by IS NULL OR lease_until < NOW) ORDER BY position LIMIT 1 "
                "FOR UPDATE SKIP LOCKED) RETURNING item",
                (self.owner, self.lease, self.job, TODO),
            )
            return str(found[0]) if found else None
        with self.db.transaction():
            found = self.db.row(
                "SELECT item FROM work WHERE job = ? AND status = ? "
                "AND (claimed_by IS NULL OR lease_until < NOW) ORDER BY position LIMIT 1",
                (self.job, TODO),
            )
            if found is None:
                return None
            self.db.run(
                "UPDATE work SET claimed_by = ?, lease_until = NOW + ?, attempts = attempts + 1 "
                "WHERE job = ? AND item = ?",
                (self.owner, self.lease, self.job, found[0]),
            )
            return str(found[0])

    def renew(self) -> int:
        """Extend the leases this owner holds; how many it holds."""
        return self.db.run(
            "UPDATE work SET lease_until = NOW + ? WHERE job = ? AND claimed_by = ?",
            (self.lease, self.job, self.owner),
        )

    def finish(self, item: str, status: str, outcome: str) -> bool:
        """Record the outcome of a claimed item and release it; a ``skipped`` outcome of an item finished
        before keeps that earlier outcome. False when the claim was lost (its lease ended and another
        worker took it: that worker records the outcome)."""
        keep = "CASE WHEN status <> 'todo' AND outcome IS NOT NULL THEN {} ELSE ? END"
        fields = (
            f"outcome = {keep.format('outcome')}, status = {keep.format('status')}"
            if status == SKIPPED
            else "outcome = ?, status = ?"
        )
        changed = self.db.run(
            f"UPDATE work SET {fields}, claimed_by = NULL, lease_until = NULL, updated = NOW "
            "WHERE job = ? AND item = ? AND claimed_by = ?",
            (outcome, status, self.job, item, self.owner),
        )
        return changed == 1

    def release(self, item: str) -> None:
        """Give a claimed item back unfinished (the run was interrupted)."""
        self.db.run(
            "UPDATE work SET claimed_by = NULL, lease_until = NULL "
            "WHERE job = ? AND item = ? AND claimed_by = ?",
            (self.job, item, self.owner),
        )

    def waiting(self) -> Waiting:
        """What is left to do, and when the first lease on it ends."""
        found = self.db.row(
            "SELECT COUNT(*), MIN(CASE WHEN claimed_by IS NOT NULL THEN lease_until - NOW END) "
            "FROM work WHERE job = ? AND status = ?",
            (self.job, TODO),
        )
        left, first = (found or (0, None))[:2]
        return Waiting(int(left or 0), None if first is None else float(first))

    def counts(self) -> dict[str, int]:
        """The job's items by status (``todo`` or the outcome's action)."""
        found = self.db.rows("SELECT status, COUNT(*) FROM work WHERE job = ? GROUP BY status", (self.job,))
        return {str(status): int(n) for status, n in found}

    def outcomes(self) -> Iterator[tuple[str, str, str | None]]:
        """Every item of the job in listing order: its id, status and outcome."""
        for item, status, outcome in self.db.rows(
            "SELECT item, status, outcome FROM work WHERE job = ? ORDER BY position, item", (self.job,)
        ):
            yield str(item), str(status), None if outcome is None else str(outcome)


__all__ = ["FAILED", "SKIPPED", "TODO", "Waiting", "WorkList", "process_name"]
