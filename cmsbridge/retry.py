"""The one retry policy of cmsbridge, built on tenacity (implements :class:`backends.base.RetryPolicy`).

Retried: connection failures, timeouts, HTTP 502/503/504 (:class:`~cmsbridge.errors.ServerError`) and
429 (:class:`~cmsbridge.errors.RateLimitedError`), with exponential backoff and full jitter, honouring the
server's ``Retry-After``; bounded by a number of attempts and by a total time. Other errors (4xx, 500,
conflicts) are not retried. A request that is not idempotent is retried only when the server certainly
did no work (429). The sleep, the clock and the random source are injectable so tests control time.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import tenacity

from .errors import (
    ConnectionFailedError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
    TransientError,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Deadline:
    """A point in time that a whole run (an ``append``, a ``flush``, one request) must end by.

    Shared by everything that waits: the HTTP boundary gives each request at most :meth:`remaining`
    seconds in all (connect and the whole body), and a :class:`RetryPolicy` with a deadline takes no wait
    that would end past it. ``clock`` is injectable (``time.monotonic`` by default)."""

    at: float
    clock: Callable[[], float] = time.monotonic

    @classmethod
    def after(cls, seconds: float, clock: Callable[[], float] = time.monotonic) -> Deadline:
        """The deadline ``seconds`` from now."""
        return cls(clock() + max(0.0, seconds), clock)

    def remaining(self) -> float:
        """Seconds left (0.0 once passed)."""
        return max(0.0, self.at - self.clock())

    def expired(self) -> bool:
        return self.clock() >= self.at


RETRIED_STATUSES = frozenset({502, 503, 504})


def is_transient(exc: BaseException) -> bool:
    """True for the failures worth retrying: connection errors, timeouts, 502/503/504 and 429."""
    if isinstance(exc, RateLimitedError | ConnectionFailedError | RequestTimeoutError):
        return True
    if isinstance(exc, ServerError):
        return exc.status is None or exc.status in RETRIED_STATUSES
    if isinstance(exc, TransientError):
        return True
    return _is_transport_failure(exc)


def _is_transport_failure(exc: BaseException) -> bool:
    """A raw ``requests`` or socket failure that a backend did not translate."""
    if isinstance(exc, ConnectionError | TimeoutError):
        return True
    module = type(exc).__module__
    if module.startswith(("requests", "urllib3", "http.client")):
        import requests

        return isinstance(exc, requests.ConnectionError | requests.Timeout)
    return False


def retry_after(exc: BaseException | None) -> float | None:
    """The server's ``Retry-After`` in seconds, when the failure carries one."""
    if isinstance(exc, RateLimitedError) and exc.retry_after is not None:
        return max(0.0, float(exc.retry_after))
    value = getattr(exc, "retry_after", None)
    return float(value) if isinstance(value, int | float) else None


@dataclass
class RetryPolicy:
    """Retry transient failures with exponential backoff and full jitter, honouring ``Retry-After``.

    ``attempts`` bounds the number of tries, ``budget`` the seconds from the first try to the last
    (a wait that would end past the budget, or past the run's ``deadline``, is not taken: the failure is
    raised instead). The n-th wait is
    uniform in ``[0, min(cap, base * 2**n)]``, raised to ``Retry-After`` when the server gave one (a
    ``Retry-After`` longer than ``max_retry_after`` is not honoured: the failure is raised).
    """

    attempts: int = 6
    base: float = 0.25
    cap: float = 8.0
    budget: float = 60.0
    max_retry_after: float = 120.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)
    on_retry: Callable[[BaseException, float], None] | None = None
    """Called before each wait with the failure and the seconds about to be slept (for logging)."""
    deadline: Deadline | None = None
    """The end of the whole run: a wait that would end past it is not taken (the failure is raised)."""

    def backoff(self, attempt: int, exc: BaseException | None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        ceiling = min(self.cap, self.base * 2 ** (attempt - 1))
        wait = self.rng.uniform(0.0, ceiling)
        after = retry_after(exc)
        if after is not None:
            wait = max(wait, after)
        return wait

    def should_retry(self, exc: BaseException, *, idempotent: bool) -> bool:
        if not is_transient(exc):
            return False
        return idempotent or isinstance(exc, RateLimitedError)

    def call(self, func: Callable[[], T], *, idempotent: bool = True) -> T:
        """Run ``func``, retrying as the policy says; the last failure is raised as is."""
        start = self.clock()

        def wait(state: tenacity.RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome is not None else None
            return self.backoff(state.attempt_number, exc)

        def stop(state: tenacity.RetryCallState) -> bool:
            if state.attempt_number >= self.attempts:
                return True
            exc = state.outcome.exception() if state.outcome is not None else None
            after = retry_after(exc)
            if after is not None and after > self.max_retry_after:
                return True
            if self.deadline is not None and state.upcoming_sleep >= self.deadline.remaining():
                return True
            return self.clock() - start + state.upcoming_sleep > self.budget

        def before_sleep(state: tenacity.RetryCallState) -> None:
            if self.on_retry is not None and state.outcome is not None:
                exc = state.outcome.exception()
                if exc is not None:
                    self.on_retry(exc, state.upcoming_sleep)

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(lambda exc: self.should_retry(exc, idempotent=idempotent)),
            wait=wait,
            stop=stop,
            sleep=self.sleep,
            before_sleep=before_sleep,
            reraise=True,
        )
        result: T = retrying(func)
        return result

    def with_(self, **changes: Any) -> RetryPolicy:
        """A copy with some settings changed."""
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values.update(changes)
        return RetryPolicy(**values)


def default_policy() -> RetryPolicy:
    """The policy cmsbridge uses when none is given: 6 attempts within 60 seconds."""
    return RetryPolicy()
