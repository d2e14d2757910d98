"""Live desks on several hosts (issue 17): two hosts append to one post of the real WordPress through the
fault proxy, sharing one PostgreSQL outbox (``--outbox postgresql://...``), while an editor keeps changing
the post's title and excerpt through REST directly.

A host is a worker process with its own home, state, config and cache folders (so its post locks, the
flock files, are its own: the hosts share no lock file, only the database); both run on this machine's
loopback, in the same network namespace. Each append is a real ``python -m cmsbridge append`` process.
Checks: every update exactly once, newest first, each body once (:func:`tests.live_soak.check_post`); the
editor's last title and excerpt kept; the outbox's entries all delivered, in the order of their sequence
(each finished after the one before it), whichever host delivered them. REST and XML-RPC (whose version
is a modified time of one-second resolution: two hosts writing within one second would hide a collision
from it, were they not taking turns through the database).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cmsbridge.live.outbox import Outbox
from tests.live_soak import soak, wordpress_target

pytestmark = [pytest.mark.wordpress, pytest.mark.postgres]


@pytest.mark.parametrize("transport", ["rest", "xmlrpc"])
def test_two_hosts_share_one_outbox_and_one_lock_per_post(
    wordpress: dict[str, Any], pg_url: str, tmp_path: Path, transport: str
) -> None:
    # XML-RPC waits out each second the post changed in before writing (its version's resolution): the
    # editor changes it less often there, or the appends spend their budget waiting
    appends, editor_interval = (16, 0.3) if transport == "rest" else (8, 2.0)
    report = soak(
        wordpress_target(wordpress, transport),
        tmp_path,
        appends=appends,
        processes=2,
        rate=0.3,
        seed=17,
        title_interval=editor_interval,
        outbox=pg_url,
        hosts=True,
    )
    assert sum(report.outcomes.values()) == appends
    assert report.fault_ratio >= 0.15, report
    assert report.title_changes >= 5, report
    for home in report.homes:  # each host took its own flock files: it shared none with the other
        assert list((home / ".local" / "state" / "cmsbridge" / "locks").glob("post-*.lock")), home
    with Outbox(pg_url) as outbox:
        assert outbox.pending() == [] and outbox.entries(states=("failed",)) == []
        rows = outbox.db.rows("SELECT seq, updated FROM entries WHERE state = 'done' ORDER BY seq")
    assert len(rows) == appends
    finished = [float(updated) for _, updated in rows]
    assert finished == sorted(finished), "entries were not delivered in the order of their sequence"
