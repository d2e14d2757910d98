"""Plain ``pytest`` runs the unit suite: a test that needs a real server or tool (marked wordpress, ghost,
php or node) is skipped with the command that runs it; ``scripts/test`` (``CMSBRIDGE_TEST_ALL=1``) and CI
run everything, and hypothesis tests try all their examples only then (issue 14, item 8). The gate is
tests/conftest.py's, run here on a small suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.suite import examples

SUITE = """
import pytest

@pytest.mark.wordpress
def test_needs_wordpress(): pass

@pytest.mark.php
class TestOracle:
    def test_needs_php(self): pass

def test_unit(): pass
"""
GHOST_MODULE = """
import pytest

pytestmark = [pytest.mark.ghost, pytest.mark.node]

def test_needs_ghost_and_node(): pass
"""
SERVER_TESTS = 3


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    for name in ("CI", "CMSBRIDGE_TEST_ALL"):
        monkeypatch.delenv(name, raising=False)
    pytester.makeconftest("from tests.conftest import pytest_collection_modifyitems\n")
    lines = "\n".join(f"    {name}: a server" for name in ("wordpress", "ghost", "php", "node"))
    pytester.makeini(f"[pytest]\nmarkers =\n{lines}\n")
    pytester.makepyfile(test_units=SUITE, test_ghost=GHOST_MODULE)
    return pytester


def test_plain_pytest_skips_server_tests_naming_the_command(suite: pytest.Pytester) -> None:
    result = suite.runpytest("-rs", "-p", "no:cacheprovider", "--strict-markers")
    result.assert_outcomes(passed=1, skipped=SERVER_TESTS)
    for needs in ("wordpress", "php", "ghost/node"):
        result.stdout.fnmatch_lines([f"SKIPPED * needs {needs}: scripts/test *"])


@pytest.mark.parametrize(("name", "value"), [("CMSBRIDGE_TEST_ALL", "1"), ("CI", "true")])
def test_scripts_test_and_ci_run_the_server_tests(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    suite.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1 + SERVER_TESTS)


def test_scripts_test_opens_the_gate() -> None:
    script = (Path(__file__).resolve().parents[1] / "scripts" / "test").read_text(encoding="utf-8")
    assert "export CMSBRIDGE_TEST_ALL=1" in script


@pytest.mark.parametrize("full", [10, 150, 3000])
def test_property_tests_try_every_example_only_when_everything_runs(
    monkeypatch: pytest.MonkeyPatch, full: int
) -> None:
    for name in ("CI", "CMSBRIDGE_TEST_ALL"):
        monkeypatch.delenv(name, raising=False)
    assert 0 < examples(full) < full
    monkeypatch.setenv("CMSBRIDGE_TEST_ALL", "1")
    assert examples(full) == full
