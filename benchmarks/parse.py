"""Throughput of cmsbridge.gutenberg against WordPress's PHP block parser and serializer.

Generates a corpus (default 1,000 posts x 50 blocks, about 26 MB; deterministic), then times, best of
``--repeat`` runs:

* ``gutenberg.parse`` and ``gutenberg.serialize`` (Python, this process);
* ``cmsbridge.read(doc, "gutenberg")`` when the WordPress format module exists;
* ``WP_Block_Parser::parse`` and ``serialize_blocks`` in PHP (tests/oracle/oracle.php, timed inside
  PHP with hrtime, excluding process start and reading the corpus).

MB/s are megabytes (10**6 bytes) of UTF-8 input per second. Ratios are Python throughput / PHP throughput.
Run: ``.venv/bin/python benchmarks/parse.py [--posts N] [--blocks N] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cmsbridge import gutenberg  # noqa: E402
from tests import corpus, php_oracle  # noqa: E402


def best_of(repeat: int, run: Callable[[], Any], setup: Callable[[], Any] | None = None) -> float:
    """Best wall time of ``repeat`` runs; ``setup`` (untimed) runs before each, then a full collection."""
    best = float("inf")
    for _ in range(repeat):
        if setup is not None:
            setup()
        gc.collect()
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--blocks", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    docs = corpus.benchmark_corpus(args.posts, args.blocks)
    size = sum(len(doc.encode("utf-8")) for doc in docs)
    megabytes = size / 1e6
    print(f"corpus: {len(docs)} posts x {args.blocks} blocks, {megabytes:.1f} MB")

    parse = gutenberg.parse
    parsed: list[Any] = []

    def run_parse() -> None:
        parsed.extend([parse(doc) for doc in docs])

    # Freeing the previous round's blocks is not part of parsing (PHP's unset() is outside its timing too).
    parse_s = best_of(args.repeat, run_parse, setup=parsed.clear)
    serialize = gutenberg.serialize
    serialize_s = best_of(args.repeat, lambda: [serialize(blocks) for blocks in parsed])
    if [serialize(blocks) for blocks in parsed] != docs:
        print("warning: serialize(parse(doc)) != doc on the benchmark corpus", file=sys.stderr)

    rows: list[tuple[str, float, str]] = [
        ("python gutenberg.parse", parse_s, "parse"),
        ("python gutenberg.serialize", serialize_s, "serialize"),
    ]
    if importlib.util.find_spec("cmsbridge.formats.wordpress") is not None:
        import cmsbridge

        sample = docs[: max(1, len(docs) // 10)]
        sample_mb = sum(len(doc.encode("utf-8")) for doc in sample) / 1e6
        read_s = best_of(1, lambda: [cmsbridge.read(doc, "gutenberg") for doc in sample])
        rows.append(("python cmsbridge.read(gutenberg)", read_s * megabytes / sample_mb, "parse"))
        note_read = f"(cmsbridge.read timed on {len(sample)} posts, scaled)"
    else:
        note_read = (
            "cmsbridge.read(doc, 'gutenberg'): skipped, cmsbridge/formats/wordpress.py does not exist yet"
        )

    php: dict[str, float] | None = None
    reason = php_oracle.missing()
    if reason is None:
        php = php_oracle.bench(docs, repeat=args.repeat)
        rows.append(("php WP_Block_Parser::parse", php["parse_seconds"], "-"))
        rows.append(("php serialize_blocks", php["serialize_seconds"], "-"))

    print(f"{'implementation':36} {'seconds':>8} {'MB/s':>8} {'python/php':>11}")
    for label, seconds, kind in rows:
        ratio = ""
        if php is not None and kind != "-":
            php_seconds = php["parse_seconds"] if kind == "parse" else php["serialize_seconds"]
            ratio = f"{php_seconds / seconds:.2f}"
        print(f"{label:36} {seconds:8.3f} {megabytes / seconds:8.1f} {ratio:>11}")
    print(note_read)
    if php is None:
        print(f"PHP columns skipped: {reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
