"""A web site serving images on loopback (another site's pictures: Ghost's, a newspaper's CDN)."""

from __future__ import annotations

import collections
import contextlib
import functools
import http.server
import struct
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def png(width: int, height: int) -> bytes:
    """A valid grey PNG of that size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[tuple[str, collections.Counter[str]]]:
    """Serve ``folder`` over HTTP; yields the base URL and a count of requests per path."""
    hits: collections.Counter[str] = collections.Counter()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            hits[self.path] += 1
            super().do_GET()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()
