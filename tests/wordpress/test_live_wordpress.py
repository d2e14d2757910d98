"""Live updates against the real WordPress behind the fault proxy (short forms of benchmarks/soak.py).

Every append is a real ``cmsbridge append`` process. Checks: each update exactly once, newest first, bodies
once, the title and excerpt that another process kept changing are the last ones set; an unreachable
server queues updates (exit 75) that all arrive afterwards; kills of a delivering process lose nothing and
double nothing. REST and XML-RPC.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.live_soak import kills, outage, soak, wordpress_target

pytestmark = pytest.mark.wordpress


@pytest.mark.parametrize("transport", ["rest", "xmlrpc"])
def test_soak_concurrent_appends_through_faults(
    wordpress: dict[str, Any], tmp_path: Path, transport: str
) -> None:
    appends = 40 if transport == "rest" else 20
    report = soak(
        wordpress_target(wordpress, transport), tmp_path, appends=appends, processes=4, rate=0.45, seed=11
    )
    assert report.fault_ratio >= 0.3, report
    assert report.title_changes >= 5, report
    assert sum(report.outcomes.values()) == appends


@pytest.mark.parametrize("transport", ["rest", "xmlrpc"])
def test_outage_queues_then_everything_arrives(
    wordpress: dict[str, Any], tmp_path: Path, transport: str
) -> None:
    counts = outage(wordpress_target(wordpress, transport), tmp_path, appends=6, seconds=3.0)
    assert counts["queued"] >= 3 and counts["applied"] >= 1


@pytest.mark.parametrize("transport", ["rest", "xmlrpc"])
def test_kills_of_a_delivering_process_lose_and_double_nothing(
    wordpress: dict[str, Any], tmp_path: Path, transport: str
) -> None:
    result = kills(wordpress_target(wordpress, transport), tmp_path, appends=8, kills=4, seed=5)
    assert result["kills"] == 4
