"""Backends seen through a wrapper, shared by the tests: everything a wrapper does not define is its inner
backend's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cmsbridge.backends.base import Backend, Fetched


class Delegating:
    """A backend that forwards to another one; tests override one method to inject a fault or record a
    call."""

    def __init__(self, inner: Backend) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    @property
    def site(self) -> str:
        return self.inner.site

    @property
    def capabilities(self) -> Any:
        return self.inner.capabilities


class OnlyOurs(Delegating):
    """A site seen through a search for this test's token: the servers are shared with other tests."""

    def __init__(self, inner: Backend, token: str) -> None:
        super().__init__(inner)
        self.token = token

    def list(self, **options: Any) -> Iterator[Fetched]:
        return self.inner.list(search=self.token, **options)
