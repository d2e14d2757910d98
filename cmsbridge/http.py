"""The one HTTP boundary: every backend and the media fetcher send their requests through :func:`request`.

- The :class:`Transport` is injected (session, timeout, user agent, TLS verification, retry policy, a
  per-run :class:`~cmsbridge.retry.Deadline`, the answer size cap).
- ``timeout`` bounds a whole request: connecting and reading the whole body, however slowly the server
  sends it (the body is streamed, the time checked at each chunk, the socket given the time left, and a
  watchdog closes the connection when it is up). A run's ``deadline`` bounds every request and every retry
  wait of the run.
- An answer larger than ``max_answer_bytes`` once decompressed fails fast (a gzip bomb is read chunk by
  chunk, never inflated whole).
- Failures are mapped once into :mod:`cmsbridge.errors` (:func:`request` for the transport,
  :func:`raise_for_status` for the HTTP status); a backend only says what its CMS wrote in the answer
  (:class:`Said`). :func:`decode_json` and :func:`validate` turn a body into checked data, so a malformed
  answer is one :class:`~cmsbridge.errors.UnexpectedResponseError`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html import unescape
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import urljoin

import pydantic

from . import retry as retrying
from .errors import (
    AuthenticationError,
    BackendError,
    ConflictError,
    ConnectionFailedError,
    InvalidContentError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
    UnexpectedResponseError,
    redact_url,
    scrub,
)

if TYPE_CHECKING:
    import requests

T = TypeVar("T")

DEFAULT_TIMEOUT = 60.0
"""Seconds allowed for a whole request: connecting, sending and reading the whole answer."""
MAX_ANSWER_BYTES = 64 * 1024 * 1024
"""The largest answer (after decompression) read from a CMS API."""
USER_AGENT = "cmsbridge/0.1 (+https://github.com/cmsbridge/cmsbridge)"
CHUNK = 64 * 1024
MAX_REDIRECTS = 10
REDIRECTS = frozenset({301, 302, 303, 307, 308})


# --- the transport ----------------------------------------------------------------------------------


class RetryPolicy(Protocol):
    """Runs one logical request, retrying transient failures as the policy sees fit.

    ``idempotent`` is False for requests that must not be replayed blindly (creating a post): a policy
    must then retry only failures where the request certainly did not reach the server.
    """

    def call(self, func: Callable[[], T], *, idempotent: bool) -> T: ...


class NoRetry:
    """Runs the request once. The retrying policy is :class:`cmsbridge.retry.RetryPolicy` (tenacity)."""

    def call(self, func: Callable[[], T], *, idempotent: bool) -> T:
        return func()


class Pace(Protocol):
    """A pace shared by the workers writing to one site (:mod:`cmsbridge.store.pace`): ``wait`` before
    each request to ``url``'s host; ``slow_down`` when the host asked for a pause (429, ``Retry-After``)."""

    def wait(self, url: str) -> None: ...

    def slow_down(self, url: str, seconds: float) -> None: ...


SLOW_DOWN = 1.0
"""Seconds every worker pauses after a 429 that names no ``Retry-After``."""


@dataclass
class Transport:
    """How a network backend talks: the session, timeouts, user agent, TLS verification and retries.

    ``timeout`` is the time a whole request may take (a pair: the time to connect, the whole request);
    ``deadline`` the end of the whole run, past which no request runs and no retry waits;
    ``max_answer_bytes`` the largest answer read, decompressed. Everything is injectable; a test passes
    its own session, a policy with a fake sleep, and so on.
    """

    session: requests.Session | None = None
    timeout: float | tuple[float, float] = DEFAULT_TIMEOUT
    user_agent: str = USER_AGENT
    verify: bool | str = True
    retry: RetryPolicy = field(default_factory=NoRetry)
    sleep: Callable[[float], None] = time.sleep
    deadline: retrying.Deadline | None = None
    max_answer_bytes: int = MAX_ANSWER_BYTES
    pace: Pace | None = None

    def get_session(self) -> requests.Session:
        """The injected session, or one made here whose connections the request watchdog can cut while
        the server is still sending the status line and headers (an injected session's requests are
        bounded from the headers on, and per read before)."""
        if self.session is None:
            import requests

            session = requests.Session()
            adapter = _watched_adapter()
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self.session = session
        return self.session

    def limits(self) -> tuple[float, float]:
        """Seconds for connecting and for the whole request, within the run's deadline."""
        connect, total = self.timeout if isinstance(self.timeout, tuple) else (self.timeout, self.timeout)
        if self.deadline is not None:
            total = min(total, self.deadline.remaining())
        return min(connect, total), total

    def call(self, func: Callable[[], T], *, idempotent: bool) -> T:
        """Run ``func`` (one attempt of a request) under the retry policy, which takes no wait that
        would end past the run's deadline."""
        policy = self.retry
        if self.deadline is not None and isinstance(policy, retrying.RetryPolicy) and policy.deadline is None:
            policy = policy.with_(deadline=self.deadline)
        return policy.call(func, idempotent=idempotent)


# --- one exchange ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """An HTTP answer read whole (within the time and size limits)."""

    method: str
    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    encoding: str | None = None

    @property
    def text(self) -> str:
        return self.body.decode(self.encoding or "utf-8", errors="replace")

    def snippet(self) -> str:
        """The start of the body as one line of text (tags removed), or its content type. Scrubbed before
        it is cut or its tags and spaces are taken out, which could split a secret the server echoed."""
        text = scrub(self.body[:8000].decode(self.encoding or "utf-8", errors="replace"))[:4000]
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
        text = " ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split())
        return repr(text[:120]) if text else self.headers.get("Content-Type", "an empty body")


def request(
    transport: Transport,
    method: str,
    url: str,
    *,
    site: str,
    service: str,
    params: Mapping[str, Any] | None = None,
    json_body: Any = None,
    data: Any = None,
    files: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    auth: tuple[str, str] | None = None,
    max_bytes: int | None = None,
    follow_redirects: bool = False,
) -> Answer:
    """Send one request and read its whole answer (any status), within ``transport``'s limits.

    ``follow_redirects`` (a GET without credentials: an image) follows up to :data:`MAX_REDIRECTS`
    redirects, each answer read within the same limits. Raises :class:`ConnectionFailedError`,
    :class:`RequestTimeoutError`, :class:`BackendError` (TLS) or :class:`UnexpectedResponseError` (an
    answer over the size cap, broken compression), never a ``requests`` exception."""
    connect, total = transport.limits()
    if total <= 0:
        spent = transport.deadline is not None and transport.deadline.expired()
        why = "the run's time budget is spent" if spent else "the timeout is 0"
        raise RequestTimeoutError(f"no time left to ask {service} ({why})", site=site)
    ends = time.monotonic() + total
    cap = max_bytes if max_bytes is not None else transport.max_answer_bytes
    follow = follow_redirects and method.upper() == "GET" and auth is None
    limit = total
    for _ in range(MAX_REDIRECTS + 1):
        if transport.pace is not None:
            transport.pace.wait(url)
        response = _send(
            transport,
            method,
            url,
            params=params,
            json=json_body,
            data=data,
            files=files,
            headers={"User-Agent": transport.user_agent, **(headers or {})},
            auth=auth,
            timeout=(min(connect, total), total),
            service=service,
            site=site,
        )
        location = response.headers.get("Location")
        if follow and response.is_redirect and location:
            url, params = urljoin(response.url, location), None
            total = ends - time.monotonic()
            if total <= 0:
                break
            continue
        if transport.pace is not None:
            _paced(transport.pace, url, response.status_code, response.headers.get("Retry-After"))
        with response:
            body = (
                b""  # a redirect's body is never read (_drop_redirect_body)
                if response.is_redirect
                else _read_body(response, ends=ends, cap=cap, service=service, site=site, total=limit)
            )
        return Answer(
            method=method.upper(),
            url=response.url,
            status=response.status_code,
            headers=response.headers,
            body=body,
            encoding=response.encoding if "charset" in response.headers.get("Content-Type", "") else None,
        )
    raise UnexpectedResponseError(f"{service} redirected too often or too slowly", site=site)


def _paced(pace: Pace, url: str, status: int, retry_after: str | None) -> None:
    """Tell the pace of a host that asked to slow down: a 429, or any answer with ``Retry-After``."""
    if status == 429 or (retry_after and status in (503, 529)):
        pace.slow_down(url, parse_retry_after(retry_after) or SLOW_DOWN)


class _Watch:
    """The socket a request of this thread is using, for a watchdog that cuts it when time is up."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sock: socket.socket | None = None
        self.expired = False

    def attach(self, sock: Any) -> None:
        with self.lock:
            self.sock = sock if isinstance(sock, socket.socket) else None
            if self.expired:
                _cut(self.sock)

    def expire(self) -> None:
        with self.lock:
            self.expired = True
            _cut(self.sock)


_watching = threading.local()


def _cut(sock: socket.socket | None) -> None:
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _attach(sock: Any) -> None:
    watch = getattr(_watching, "watch", None)
    if watch is not None:
        watch.attach(sock)


def _watched_adapter() -> Any:
    """A ``requests`` adapter whose connections tell this thread's :class:`_Watch` their socket: when
    connected (before TLS), and before the answer's head is read (a kept-alive connection too)."""
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class Watched:
        sock: Any

        def _new_conn(self) -> socket.socket:
            sock: socket.socket = super()._new_conn()  # type: ignore[misc]
            _attach(sock)
            return sock

        def getresponse(self) -> Any:
            _attach(self.sock)
            return super().getresponse()  # type: ignore[misc]

    class WatchedHTTP(Watched, HTTPConnection):
        pass

    class WatchedHTTPS(Watched, HTTPSConnection):
        pass

    class WatchedHTTPPool(HTTPConnectionPool):
        ConnectionCls = WatchedHTTP

    class WatchedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = WatchedHTTPS

    class WatchedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": WatchedHTTPPool, "https": WatchedHTTPSPool}

    return WatchedAdapter()


def _send(
    transport: Transport,
    method: str,
    url: str,
    *,
    timeout: tuple[float, float],
    service: str,
    site: str,
    **arguments: Any,
) -> requests.Response:
    """One request sent, its answer's headers read (the body is left to :func:`_read_body`)."""
    import requests

    connect, total = timeout
    session = transport.get_session()
    watch = _Watch()
    watchdog = threading.Timer(total, watch.expire)
    watchdog.daemon = True
    _watching.watch = watch
    watchdog.start()
    try:
        return session.request(
            method,
            url,
            timeout=total if connect == total else (connect, total),  # per socket operation
            verify=transport.verify,
            allow_redirects=False,
            stream=True,
            hooks={"response": _drop_redirect_body},
            **arguments,
        )
    except requests.exceptions.RequestException as exc:
        if watch.expired:
            raise RequestTimeoutError(f"{service} did not answer within {total:g} s", site=site) from None
        raise _translated(exc, service=service, site=site, total=total) from None
    finally:
        watchdog.cancel()
        _watching.watch = None


def _translated(exc: requests.RequestException, *, service: str, site: str, total: float) -> BackendError:
    """A ``requests`` failure as the matching :mod:`cmsbridge.errors` error."""
    import requests

    if isinstance(exc, requests.exceptions.SSLError):
        return BackendError(f"TLS verification failed: {_reason(exc)}", site=site)
    if isinstance(exc, requests.exceptions.ConnectTimeout | requests.exceptions.ConnectionError):
        return ConnectionFailedError(f"cannot reach {service}: {_reason(exc)}", site=site)
    if isinstance(exc, requests.exceptions.Timeout):
        return RequestTimeoutError(f"{service} did not answer within {total:g} s", site=site)
    return BackendError(f"request failed: {_reason(exc)}", site=site)


def _drop_redirect_body(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
    """Close a redirect's connection unread and mark its body empty: ``requests`` otherwise reads the
    body of a redirect whole (even one it does not follow), without a size or time limit."""
    if response.is_redirect:
        response.raw.close()
        response._content = b""
        response._content_consumed = True  # type: ignore[attr-defined]
    return response


def _read_body(
    response: requests.Response, *, ends: float, cap: int, service: str, site: str, total: float
) -> bytes:
    """The decoded body, read chunk by chunk: at most ``cap`` bytes, done by ``ends``."""
    import urllib3.exceptions

    read = getattr(response.raw, "read1", response.raw.read)  # read1: whatever has arrived, at once
    sock = _socket(response)
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    late = RequestTimeoutError(f"{service} did not send its whole answer within {total:g} s", site=site)
    watchdog = threading.Timer(max(0.0, ends - time.monotonic()), expire)
    watchdog.daemon = True
    watchdog.start()
    data = bytearray()
    try:
        while True:
            left = ends - time.monotonic()
            if left <= 0 or expired.is_set():
                raise late
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.settimeout(left)
            chunk = read(CHUNK, decode_content=True)
            if not chunk:
                break
            data += chunk
            if len(data) > cap:
                raise UnexpectedResponseError(
                    f"the answer of {service} is larger than {_size(cap)} (decompressed); not read further",
                    site=site,
                    status=response.status_code,
                )
    except (TimeoutError, urllib3.exceptions.ReadTimeoutError):
        raise late from None
    except urllib3.exceptions.DecodeError:
        raise UnexpectedResponseError(
            f"the answer of {service} is not validly compressed", site=site, status=response.status_code
        ) from None
    except (OSError, urllib3.exceptions.HTTPError) as exc:
        if expired.is_set():
            raise late from None
        raise ConnectionFailedError(
            f"the connection to {service} broke while reading the answer: {_reason(exc)}", site=site
        ) from None
    finally:
        watchdog.cancel()
    if expired.is_set() or time.monotonic() > ends:
        raise late
    return bytes(data)


def _socket(response: requests.Response) -> socket.socket | None:
    """The socket the answer is read from (None for a simulated answer)."""
    sock = getattr(getattr(response.raw, "_connection", None), "sock", None)
    if sock is None:  # a connection closed after this answer: the socket lives on in the reader
        reader = getattr(getattr(response.raw, "_fp", None), "fp", None)
        sock = getattr(getattr(reader, "raw", None), "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def _size(count: int) -> str:
    return f"{count // (1024 * 1024)} MB" if count >= 1024 * 1024 else f"{count} bytes"


def _reason(exc: BaseException) -> str:
    """An exception's message (its innermost cause when ``requests`` wraps urllib3's retries), scrubbed,
    on one line and short."""
    inner = exc.args[0] if exc.args else None
    while getattr(inner, "reason", None) is not None:
        inner = inner.reason  # type: ignore[union-attr]
    return " ".join(scrub(str(inner if isinstance(inner, BaseException) else exc)).split())[:300]


# --- statuses ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Said:
    """What a CMS wrote in a failure answer: its message and its error code (each backend's hook reads
    them from its own error shape)."""

    message: str | None = None
    code: str | None = None


def raise_for_status(
    answer: Answer,
    *,
    service: str,
    site: str,
    said: Said = Said(),
    post: str | None = None,
    auth_hint: str = "",
    details: str = "",
) -> None:
    """Nothing for a 2xx answer; the matching error for every other status."""
    status = answer.status
    if 200 <= status < 300:
        return
    ctx: dict[str, Any] = {"site": site, "status": status, "post": post, "code": said.code}
    text = said.message or answer.snippet()
    if 300 <= status < 400 or status < 200:
        location = redact_url(answer.headers.get("Location", ""))
        hint = ""
        if location.startswith("https://") and site.startswith("http://"):
            hint = "; the site redirects to https: use an https:// site URL"
        raise UnexpectedResponseError(
            f"{service} redirected the request to {location or 'nowhere'}{hint}", **ctx
        )
    if status == 429:
        raise RateLimitedError(
            f"{service} is rate limiting: {said.message or 'too many requests'}",
            retry_after=parse_retry_after(answer.headers.get("Retry-After")),
            **ctx,
        )
    if status >= 500:
        raise ServerError(f"{service} failed: {text}", **ctx)
    if status == 401:
        raise AuthenticationError(
            f"authentication failed: {text}{'; ' + auth_hint if auth_hint else ''}", **ctx
        )
    if status == 403:
        raise PermissionDeniedError(f"not allowed: {text}", **ctx)
    if status in (404, 410):
        raise NotFoundError(f"not found: {text}", **ctx)
    if status == 409:
        raise ConflictError(f"conflict: {text}", **ctx)
    if status in (400, 413, 415, 422):
        raise InvalidContentError(f"{service} rejected the request: {text}{details}", **ctx)
    raise BackendError(f"{service} refused the request: {text}", **ctx)


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` (seconds or an HTTP date) in seconds from now, or None."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


# --- bodies ------------------------------------------------------------------------------------------


def decode_json(answer: Answer) -> tuple[Any, str | None]:
    """The parsed JSON body and None, or None and what is wrong with the answer."""
    if answer.method == "HEAD":
        return {}, None
    text = answer.text
    if not text.strip():
        return None, "an empty body" if answer.status != 204 else None
    stripped = text.lstrip("\ufeff \t\r\n")
    try:
        return json.loads(stripped), None
    except RecursionError:
        return None, "JSON nested too deeply"
    except ValueError:
        pass
    lowered = stripped[:2000].lower()
    if lowered.startswith(("<!doctype", "<html")) or "<html" in lowered:
        kind = "a login page" if "wp-login" in lowered or 'type="password"' in lowered else "an HTML page"
        return None, f"{kind} ({answer.snippet()})"
    start = min((i for i in (stripped.find("{"), stripped.find("[")) if i >= 0), default=-1)
    if start > 0:
        try:
            json.loads(stripped[start:])
        except (ValueError, RecursionError):
            pass
        else:
            junk = " ".join(stripped[:start].split())[:120]
            return None, f"output before the JSON (a PHP notice or a plugin printing?): {junk!r}"
    return None, f"not JSON ({answer.snippet()})"


_ADAPTERS: dict[Any, pydantic.TypeAdapter[Any]] = {}


def validate(shape: Any, value: Any, *, service: str, site: str, what: str, status: int | None = None) -> Any:
    """``value`` checked against ``shape`` (a type pydantic validates: a TypedDict, a list of them...);
    an :class:`UnexpectedResponseError` naming the first wrong field when it does not fit."""
    adapter = _ADAPTERS.get(shape)
    if adapter is None:
        adapter = _ADAPTERS[shape] = pydantic.TypeAdapter(shape)
    try:
        return adapter.validate_python(value)
    except pydantic.ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "the answer"
        raise fail(service, site, f"{what}: {where}: {first['msg'][:200]}", status=status) from None
    except RecursionError:
        raise fail(service, site, f"{what}: nested too deeply", status=status) from None


def fail(service: str, site: str, problem: str, *, status: int | None = None) -> UnexpectedResponseError:
    """The error for an answer of the wrong shape."""
    return UnexpectedResponseError(
        f"{service} answered in an unexpected shape: {problem}", site=site, status=status
    )


__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_ANSWER_BYTES",
    "USER_AGENT",
    "Answer",
    "NoRetry",
    "Pace",
    "RetryPolicy",
    "Said",
    "Transport",
    "decode_json",
    "fail",
    "parse_retry_after",
    "raise_for_status",
    "request",
    "validate",
]
