"""A loopback HTTP proxy that injects faults in front of a real server (the test WordPress).

    with FaultProxy("http://127.0.0.1:8089", rate=0.3, seed=1, delay=2.5) as proxy:
        site = f"wordpress+http://editor:PASSWORD@127.0.0.1:{proxy.port}?api=rest_route"

Each request is faulted with probability ``rate`` (decisions drawn in request order from ``seed``), with one
of :data:`FAULTS`:

- ``reset``: the connection is reset before the request reaches the server;
- ``503``: 503 Service Unavailable, the server never sees the request;
- ``429``: 429 Too Many Requests with ``Retry-After: <retry_after>``, the server never sees the request;
- ``drop``: the request is forwarded (the server commits), then the connection is closed with no answer;
- ``502-after``: the request is forwarded (the server commits), then 502 Bad Gateway is answered;
- ``delay``: the request is forwarded after ``delay`` seconds (past the client's timeout), the answer is
  sent to a client that gave up.

Bounded: ``max_faults`` caps the number of faults and ``delay`` the time a request is held. ``paused``
makes every request fail as a reset (the server is "down"). Only loopback addresses are accepted, both to
listen on and to forward to. Run as a script (``python -m tests.faultproxy UPSTREAM``) it prints its port.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import http.server
import ipaddress
import random
import socket
import struct
import threading
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

FAULTS = ("reset", "503", "429", "drop", "502-after", "delay")
_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "content-length",
}


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class FaultProxy:
    """See the module docstring."""

    def __init__(
        self,
        upstream: str,
        *,
        rate: float = 0.3,
        seed: int = 0,
        faults: tuple[str, ...] = FAULTS,
        delay: float = 2.5,
        retry_after: float = 1.0,
        max_faults: int | None = None,
        port: int = 0,
    ) -> None:
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname or not _loopback(parts.hostname):
            raise ValueError("the fault proxy only forwards to a loopback http:// server")
        unknown = set(faults) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults: {sorted(unknown)}")
        self.upstream_host = parts.hostname
        self.upstream_port = parts.port or 80
        self.rate = rate
        self.faults = faults
        self.delay = delay
        self.retry_after = retry_after
        self.max_faults = max_faults
        self.paused = False
        self.counts: Counter[str] = Counter()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        proxy = self

        class Handler(_Handler):
            owner = proxy

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def decide(self) -> str | None:
        """The fault for the next request, or None."""
        with self._lock:
            self.counts["requests"] += 1
            if self.paused:
                self.counts["down"] += 1
                return "down"
            if self.max_faults is not None and self.counts["faults"] >= self.max_faults:
                return None
            if self._rng.random() >= self.rate:
                return None
            fault = self._rng.choice(self.faults)
            self.counts["faults"] += 1
            self.counts[fault] += 1
            return fault

    def start(self) -> FaultProxy:
        self._thread = threading.Thread(target=self.server.serve_forever, name="faultproxy", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def fault_ratio(self) -> float:
        return self.counts["faults"] / self.counts["requests"] if self.counts["requests"] else 0.0


class _Handler(http.server.BaseHTTPRequestHandler):
    owner: FaultProxy
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _proxy(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fault = self.owner.decide()
        if fault in ("reset", "down"):
            self._reset()
            return
        if fault in ("503", "429"):
            status = int(fault)
            extra = {"Retry-After": f"{self.owner.retry_after:g}"} if status == 429 else {}
            self._answer(status, b'{"code":"fault","message":"injected"}', extra)
            return
        if fault == "delay":
            time.sleep(self.owner.delay)
        try:
            status, headers, payload = self._forward(body)
        except OSError:
            self._answer(502, b'{"code":"upstream","message":"upstream unreachable"}')
            return
        if fault == "drop":
            self._reset()
            return
        if fault == "502-after":
            self._answer(502, b"<html>Bad Gateway</html>", {"Content-Type": "text/html"})
            return
        self._answer(status, payload, headers)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _proxy

    def _forward(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        owner = self.owner
        connection = http.client.HTTPConnection(owner.upstream_host, owner.upstream_port, timeout=120)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            if body:
                headers["Content-Length"] = str(len(body))
            headers["Host"] = f"{owner.upstream_host}:{owner.upstream_port}"
            headers["Connection"] = "close"
            connection.request(self.command, self.path, body=body or None, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            kept = {k: v for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP}
            return response.status, kept, payload
        finally:
            connection.close()

    def _answer(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response_only(status)
        for name, value in (headers or {"Content-Type": "application/json"}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            with contextlib.suppress(OSError):
                self.wfile.write(payload)
        with contextlib.suppress(OSError):
            self.wfile.flush()

    def _reset(self) -> None:
        """Close with RST, no answer."""
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("upstream")
    parser.add_argument("--rate", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--delay", type=float, default=2.5)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    proxy = FaultProxy(args.upstream, rate=args.rate, seed=args.seed, delay=args.delay, port=args.port)
    print(proxy.port, flush=True)
    proxy.server.serve_forever()


if __name__ == "__main__":
    main()
