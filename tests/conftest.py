"""Shared test configuration.

Plain ``pytest`` runs the unit suite: the tests marked ``wordpress``, ``ghost``, ``php``, ``node`` or
``postgres`` need real servers and tools, and are skipped with the command that runs them
(``scripts/test``, which sets ``CMSBRIDGE_TEST_ALL=1``; tests/suite.py). With ``CI=true`` they run too,
and a skipped test fails the run: CI must exercise everything.
"""

from __future__ import annotations

import os

import pytest

from tests.suite import COMMAND, everything

pytest_plugins = ["tests.wp_fixtures", "tests.pg_fixtures", "pytester"]

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SERVER_MARKERS = ("wordpress", "ghost", "php", "node", "postgres")
"""The markers of the tests that start real servers or tools (pyproject.toml lists what each needs)."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if everything():
        return
    for item in items:
        needs = [name for name in SERVER_MARKERS if item.get_closest_marker(name) is not None]
        if needs:
            reason = f"needs {'/'.join(needs)}: {COMMAND} starts the servers and runs every test"
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if not IN_CI or reporter is None:
        return
    skipped = reporter.stats.get("skipped", [])
    if skipped:
        reporter.write_line(f"CI=true: {len(skipped)} test(s) skipped; skips are failures in CI", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
