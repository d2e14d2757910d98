"""What kind of test run this is: the unit suite (plain ``pytest``) or everything (``scripts/test``, which
sets ``CMSBRIDGE_TEST_ALL=1``, and CI, ``CI=true``).

The unit suite skips the tests that need real servers or tools (tests/conftest.py) and tries fewer
hypothesis examples (:func:`examples`); everything runs every test with every example.
"""

from __future__ import annotations

import os

COMMAND = "scripts/test"
"""The command that runs everything."""


def _set(name: str) -> bool:
    return os.environ.get(name, "").lower() in {"1", "true", "yes"}


def everything() -> bool:
    """Whether this run is everything: under ``scripts/test`` or in CI."""
    return _set("CMSBRIDGE_TEST_ALL") or _set("CI")


def examples(full: int) -> int:
    """How many examples a hypothesis test tries: ``full`` when this run is :func:`everything`, else a
    quarter of it (at least 5)."""
    return full if everything() else max(full // 4, 5)
