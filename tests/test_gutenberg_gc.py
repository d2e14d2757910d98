"""``gutenberg.parse`` leaves Python's garbage collector alone and is safe to call from threads.

The collector's state is process-wide: a library call that collects, pauses, freezes or unfreezes it
changes it for every other thread of the program. ``parse`` does none of this.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from cmsbridge import gutenberg
from tests.suite import examples

DOCUMENT = (
    '<!-- wp:group {"layout":{"type":"constrained"}} --><div class="wp-block-group">'
    '<!-- wp:paragraph {"align":"center"} --><p>One</p><!-- /wp:paragraph -->'
    "</div><!-- /wp:group -->\n\n<!-- wp:paragraph --><p>Two</p><!-- /wp:paragraph -->"
    '<!-- wp:image {"id":7,"sizeSlug":"large"} /-->'
)


@pytest.fixture
def collector() -> Iterator[None]:
    """Restore the collector's state after a test that sets it."""
    was_enabled = gc.isenabled()
    try:
        yield
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()
        else:
            gc.disable()


def collector_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every call to a function of the gc module that changes its state."""
    calls: list[str] = []
    for name in ("collect", "disable", "enable", "freeze", "unfreeze", "set_threshold"):
        original: Callable[..., Any] = getattr(gc, name)

        def recording(*args: Any, _name: str = name, _original: Callable[..., Any] = original) -> Any:
            calls.append(_name)
            return _original(*args)

        monkeypatch.setattr(gc, name, recording)
    return calls


def test_parse_calls_nothing_that_changes_the_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = collector_calls(monkeypatch)
    blocks = gutenberg.parse(DOCUMENT * 50)
    gutenberg.parse_reference(DOCUMENT)
    assert gutenberg.serialize(blocks) == DOCUMENT * 50
    assert calls == []


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize("frozen", [True, False])
def test_parse_leaves_the_collector_as_it_was(collector: None, enabled: bool, frozen: bool) -> None:
    if frozen:
        gc.freeze()
    (gc.enable if enabled else gc.disable)()
    frozen_count = gc.get_freeze_count()
    threshold = gc.get_threshold()
    blocks = gutenberg.parse(DOCUMENT * 50)
    assert gc.isenabled() is enabled
    assert gc.get_freeze_count() == frozen_count
    assert gc.get_threshold() == threshold
    assert gutenberg.serialize(blocks) == DOCUMENT * 50


ROUNDS = examples(20)
"""How many times the threads parse each document (fewer in the unit suite, tests/suite.py)."""


def test_parsing_in_threads_gives_the_single_threaded_blocks(collector: None) -> None:
    gc.enable()
    documents = [DOCUMENT * (1 + n % 7) + f'<!-- wp:heading {{"level":{n % 6 + 1}}} /-->' for n in range(60)]
    expected = [gutenberg.parse(document) for document in documents]
    gutenberg.clear_caches()  # the threads fill the caches concurrently, and a clearing thread empties them
    states: list[tuple[bool, int]] = []
    stop = threading.Event()
    gc.collect()
    gc.freeze()  # a program's frozen objects: a parse that froze or unfroze objects would show here
    frozen_count = gc.get_freeze_count()

    def watch() -> None:
        # another thread reads the collector's state (and toggles nothing) while the parses run
        while not stop.is_set():
            states.append((gc.isenabled(), gc.get_freeze_count()))
            gutenberg.clear_caches()

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(gutenberg.parse, documents * ROUNDS))
    finally:
        stop.set()
        watcher.join()
    assert results == expected * ROUNDS
    assert states and all(state == (True, frozen_count) for state in states)
    assert gc.isenabled() and gc.get_freeze_count() == frozen_count
