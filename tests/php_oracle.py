"""WordPress's PHP block parser and serializer as a test oracle (tests/oracle/oracle.php).

Many documents go through one PHP process: the script reads a JSON request on stdin and writes JSON.
It loads the parser classes and ``blocks.php`` from the WordPress install without booting WordPress.
Install PHP and WordPress with ``scripts/install-php.sh``.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cmsbridge.gutenberg.phpjson import deep

ORACLE_SCRIPT = Path(__file__).resolve().parent / "oracle" / "oracle.php"
WP_ROOT = Path(os.environ.get("CMSBRIDGE_WP_ROOT", "/usr/share/wordpress"))
INSTALL_HINT = "install PHP and WordPress with scripts/install-php.sh (as root)"
_BATCH_BYTES = 8_000_000


class OracleError(RuntimeError):
    pass


def missing() -> str | None:
    """Why the oracle cannot run here, or None when it can."""
    if shutil.which("php") is None:
        return f"php is not installed; {INSTALL_HINT}"
    if not (WP_ROOT / "wp-includes" / "class-wp-block-parser.php").is_file():
        return f"WordPress is not installed at {WP_ROOT}; {INSTALL_HINT}"
    return None


def _call(request: dict[str, Any]) -> Any:
    env = dict(os.environ, CMSBRIDGE_WP_ROOT=str(WP_ROOT))
    proc = subprocess.run(
        ["php", "-d", "memory_limit=-1", str(ORACLE_SCRIPT)],
        input=json.dumps(request, ensure_ascii=False).encode("utf-8"),
        capture_output=True,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise OracleError(
            f"oracle.php exited {proc.returncode}: {proc.stderr.decode(errors='replace')[:2000]}"
        )
    return json.loads(proc.stdout.decode("utf-8"))


def info() -> dict[str, str]:
    result: dict[str, str] = _call({"op": "info"})
    return result


def run(documents: Sequence[str], *, parse: bool = True, serialize: bool = True) -> list[dict[str, Any]]:
    """For each document: ``{"parse": WP_Block_Parser output, "serialized": serialize_blocks(...)}``.

    Parse output is PHP's ``json_encode``: PHP arrays (``[]`` for empty attrs), floats with ``.0``,
    non-finite floats as the strings ``"INF"``, ``"-INF"``, ``"NAN"``.
    """
    results: list[dict[str, Any]] = []
    batch: list[str] = []
    size = 0
    for document in [*documents, None]:
        if document is None or (batch and size + len(document) > _BATCH_BYTES):
            if batch:
                results.extend(
                    _call({"op": "run", "documents": batch, "parse": parse, "serialize": serialize})
                )
            batch, size = [], 0
        if document is not None:
            batch.append(document)
            size += len(document)
    return results


def serialize(block_lists: Sequence[Sequence[Mapping[str, Any]]]) -> list[str]:
    """``serialize_blocks()`` of each list of blocks built by the caller (JSON objects become PHP arrays)."""
    result: list[str] = _call({"op": "serialize", "block_lists": [list(blocks) for blocks in block_lists]})
    return result


def bench(documents: Sequence[str], *, repeat: int = 3, mode: str = "kept") -> dict[str, float]:
    """Best-of-``repeat`` seconds for WP_Block_Parser::parse and serialize_blocks over ``documents``.

    ``mode="kept"`` parses every document into one array, then serializes them all; ``"stream"`` parses
    and serializes one document at a time, letting each go before the next.
    """
    request = {"op": "bench", "documents": list(documents), "repeat": repeat, "mode": mode}
    result: dict[str, float] = _call(request)
    return result


def canonical(value: Any) -> str:
    """A JSON text that tells apart 1, 1.0 and true, for comparing our output with PHP's."""
    return json.dumps(deep(_finite, value), ensure_ascii=False, sort_keys=False)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "NAN" if math.isnan(value) else ("INF" if value > 0 else "-INF")
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value
