"""Shared test configuration.

With ``CI=true`` in the environment a skipped test fails the run: CI must exercise everything.
"""

from __future__ import annotations

import os

import pytest

pytest_plugins = ["tests.wp_fixtures"]

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if not IN_CI or reporter is None:
        return
    skipped = reporter.stats.get("skipped", [])
    if skipped:
        reporter.write_line(f"CI=true: {len(skipped)} test(s) skipped; skips are failures in CI", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
