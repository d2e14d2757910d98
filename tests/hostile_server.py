"""A misbehaving HTTP server on loopback, for the tests of the HTTP boundary (every backend, media fetch).

    with HostileServer(lambda request: Reply(body=b'{"id": [1]}')) as server:
        site = server.url

Each request is answered by the function given (or one fixed :class:`Reply`): any status, headers and
body, optionally trickled one byte every ``trickle`` seconds (a slow-loris server), gzip-encoded (see
:func:`gzip_bomb`), or echoing the request's headers (a server that prints ``Authorization``). Requests
are recorded in ``server.requests``. Threads are daemons; a trickle stops when the client goes away or
the server is closed.
"""

from __future__ import annotations

import gzip
import http.server
import io
import json
import threading
import xmlrpc.client
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    trickle: float | None = None
    """Seconds between the bytes of the body (sent one at a time); None sends it at once."""
    trickle_head: float | None = None
    """Seconds between the bytes of the status line and headers (a slow-loris server before the body)."""


def json_reply(value: Any, status: int = 200, **headers: str) -> Reply:
    return Reply(status, json.dumps(value).encode(), {"Content-Type": "application/json", **headers})


def xmlrpc_reply(value: Any) -> Reply:
    """An XML-RPC method response holding ``value``."""
    body = xmlrpc.client.dumps((value,), methodresponse=True, allow_none=True).encode()
    return Reply(200, body, {"Content-Type": "text/xml"})


def xmlrpc_raw(inner: str) -> Reply:
    """An XML-RPC response whose ``<params>`` part is ``inner`` verbatim (to send malformed values)."""
    body = f'<?xml version="1.0"?>\n<methodResponse>{inner}</methodResponse>'
    return Reply(200, body.encode(), {"Content-Type": "text/xml"})


def gzip_bomb(inflated: int, *, prefix: bytes = b"", content_type: str = "application/json") -> Reply:
    """An answer of a few KB that inflates to ``inflated`` bytes (``prefix`` then zeros)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as packed:
        packed.write(prefix)
        zeros = b"0" * (1024 * 1024)
        left = inflated - len(prefix)
        while left > 0:
            packed.write(zeros[: min(left, len(zeros))])
            left -= len(zeros)
    return Reply(200, buffer.getvalue(), {"Content-Type": content_type, "Content-Encoding": "gzip"})


class HostileServer:
    """See the module docstring."""

    def __init__(self, answer: Reply | Callable[[Request], Reply]) -> None:
        self.answer = answer if callable(answer) else (lambda request: answer)
        self.requests: list[Request] = []
        self.head_sent = 0
        """Bytes of a trickled head sent so far (``Reply.trickle_head``), of ``head_size``."""
        self.head_size = 0
        self.closed = threading.Event()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle_one(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    self.command, self.path, dict(self.headers.items()), self.rfile.read(length)
                )
                server.requests.append(request)
                reply = server.answer(request)
                if reply.trickle_head is not None:
                    head = f"HTTP/1.1 {reply.status} X\r\nX-Pad: {'x' * 40}\r\n".encode()
                    server.head_size = len(head)
                    for index in range(len(head)):
                        if server.closed.wait(reply.trickle_head):
                            return
                        try:
                            self.wfile.write(head[index : index + 1])
                            self.wfile.flush()
                        except OSError:
                            return  # the client gave up
                        server.head_sent = index + 1
                    self.close_connection = True
                    return
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.send_header("Connection", "close")
                self.end_headers()
                if self.command == "HEAD":
                    return
                if reply.trickle is None:
                    self.wfile.write(reply.body)
                    return
                for index in range(len(reply.body)):
                    if server.closed.wait(reply.trickle):
                        return
                    try:
                        self.wfile.write(reply.body[index : index + 1])
                        self.wfile.flush()
                    except OSError:
                        return  # the client gave up

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_one

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> HostileServer:
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.closed.set()
        self.server.shutdown()
        self.server.server_close()


def echo_headers(status: int = 401) -> Callable[[Request], Reply]:
    """A server that answers with an error whose message is the request's headers (a debugging proxy)."""

    def answer(request: Request) -> Reply:
        echoed = "; ".join(f"{name}: {value}" for name, value in request.headers.items())
        message = f"you sent {echoed}"
        # WordPress's error shape and Ghost's, in one answer
        return json_reply({"code": "echo", "message": message, "errors": [{"message": message}]}, status)

    return answer
