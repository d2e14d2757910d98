"""Throughput of cmsbridge.gutenberg against WordPress's PHP block parser and serializer.

Generates a corpus (default 1,000 posts x 50 blocks, 25 MB; deterministic) and times, best of
``--repeat`` rounds, Python and PHP doing the same work in the same way. Each round starts with
cmsbridge's caches empty (``gutenberg.clear_caches()``): attributes that recur across the posts of a round
(a heading level, a group's layout) are found in the cache as in real use, but a round never finds what
an earlier round over the same posts left there (an image's id), which PHP could not either.

* **stream**: post by post, parse it, serialize the blocks, let them go. This is how cmsbridge uses the
  parser (a read, an append and a migration each hold one post at a time).
* **kept**: parse every post into one list (all 25 MB of blocks in memory at once), then serialize them all.
  ``parse`` leaves Python's cyclic garbage collector alone, so a program that loads this many long-lived
  containers (about 350,000 here) tells the collector itself: this one pauses it while loading and then
  moves what it loaded out of its way with ``gc.freeze()`` (a list splice on CPython 3.11 to 3.13), both
  inside the parse timing. PHP frees by reference counting and has no such walk. The same rounds with
  the collector left running are printed on a line below the table: there every full collection the
  allocations set off walks all the blocks kept so far, a cost that grows with the program's heap.
* **stream, seen before**: stream again without emptying the caches, so every post has been through
  them before: a cron job appending to the same live posts all day. (PHP's figures are its stream ones.)
* ``cmsbridge.read(doc, "gutenberg")``: markup to the post model, timed on a tenth of the posts and scaled.

PHP runs ``WP_Block_Parser::parse`` and ``serialize_blocks`` from the installed WordPress through
tests/oracle/oracle.php, timed inside PHP with hrtime (process start and reading the corpus excluded).
MB/s are megabytes (10**6 bytes) of UTF-8 markup per second; ratios are Python throughput / PHP throughput.

Run: ``.venv/bin/python benchmarks/parse.py [--posts N] [--blocks N] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cmsbridge  # noqa: E402
from cmsbridge import gutenberg  # noqa: E402
from tests import corpus, php_oracle  # noqa: E402


def stream(docs: Sequence[str], repeat: int, *, seen: bool = False) -> tuple[float, float]:
    """Best (parse seconds, serialize seconds), post by post, as the PHP "stream" mode does.

    ``seen``: the caches are not emptied between rounds, so every post has been parsed and serialized
    before (after the first round): a cron job that appends to the same live posts again and again.
    """
    parse, serialize, clock = gutenberg.parse, gutenberg.serialize, time.perf_counter
    best_parse = best_serialize = float("inf")
    gutenberg.clear_caches()
    for _ in range(repeat):
        if not seen:
            gutenberg.clear_caches()
        gc.collect()
        parse_s = serialize_s = 0.0
        size = 0
        for doc in docs:
            start = clock()
            blocks = parse(doc)
            parsed = clock()
            size += len(serialize(blocks))
            parse_s += parsed - start
            serialize_s += clock() - parsed
        del blocks
        check(size, docs)
        best_parse, best_serialize = min(best_parse, parse_s), min(best_serialize, serialize_s)
    return best_parse, best_serialize


def kept(docs: Sequence[str], repeat: int, *, freeze: bool = True) -> tuple[float, float]:
    """Best (parse seconds, serialize seconds) with every post's blocks kept, as PHP's "kept" mode does.

    ``freeze``: the program pauses the collector while loading and freezes what it loaded (timed);
    otherwise the collector runs as it would, and the young collection still due is timed too.
    """
    parse, serialize, clock = gutenberg.parse, gutenberg.serialize, time.perf_counter
    best_parse = best_serialize = float("inf")
    for _ in range(repeat):
        gutenberg.clear_caches()
        gc.collect()
        if freeze:
            gc.disable()
        start = clock()
        parsed = [parse(doc) for doc in docs]
        if freeze:
            gc.freeze()
        else:
            gc.collect(1)  # the young collections still due: the parse's cost, not serialize's
        done = clock()
        gc.enable()
        size = sum(len(serialize(blocks)) for blocks in parsed)
        end = clock()
        del parsed
        gc.unfreeze()
        check(size, docs)
        best_parse, best_serialize = min(best_parse, done - start), min(best_serialize, end - done)
    return best_parse, best_serialize


def check(size: int, docs: Sequence[str]) -> None:
    if size != sum(len(doc) for doc in docs):
        raise SystemExit("serialize(parse(doc)) != doc on the benchmark corpus")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--blocks", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    docs = corpus.benchmark_corpus(args.posts, args.blocks)
    megabytes = sum(len(doc.encode("utf-8")) for doc in docs) / 1e6
    print(f"corpus: {len(docs)} posts x {args.blocks} blocks, {megabytes:.1f} MB, best of {args.repeat}")
    # post by post: a list of every result would leave the heap fragmented for what is timed next
    if not all(gutenberg.serialize(gutenberg.parse(doc)) == doc for doc in docs):
        raise SystemExit("serialize(parse(doc)) != doc on the benchmark corpus")

    python = {
        "stream": stream(docs, args.repeat),
        "kept": kept(docs, args.repeat),
        "stream, seen before": stream(docs, args.repeat, seen=True),
    }
    running = kept(docs, args.repeat, freeze=False)[0]
    sample = docs[: max(1, len(docs) // 10)]
    sample_mb = sum(len(doc.encode("utf-8")) for doc in sample) / 1e6
    start = time.perf_counter()
    for doc in sample:
        cmsbridge.read(doc, "gutenberg")
    read_s = (time.perf_counter() - start) * megabytes / sample_mb

    reason = php_oracle.missing()
    php: dict[str, tuple[float, float]] = {}
    if reason is None:
        for mode in ("stream", "kept"):
            result = php_oracle.bench(docs, repeat=args.repeat, mode=mode)
            php[mode] = (result["parse_seconds"], result["serialize_seconds"])
        php["stream, seen before"] = php["stream"]  # PHP keeps nothing from one post to the next

    print(f"{'':32} {'python s':>9} {'MB/s':>7} {'php s':>8} {'MB/s':>7} {'python/php':>11}")
    for mode, times in python.items():
        for index, operation in enumerate(("parse", "serialize")):
            seconds = times[index]
            row = f"{mode + ' ' + operation:32} {seconds:9.3f} {megabytes / seconds:7.1f}"
            if mode in php:
                php_seconds = php[mode][index]
                row += f" {php_seconds:8.3f} {megabytes / php_seconds:7.1f} {php_seconds / seconds:11.2f}"
            print(row)
    note = f"kept parse with the collector left running (not frozen, see above): {running:.3f} s"
    print(note + (f", {php['kept'][0] / running:.2f} times PHP's speed" if "kept" in php else ""))
    note = f"(timed on {len(sample)} posts, scaled)"
    print(f"{'cmsbridge.read(gutenberg)':32} {read_s:9.3f} {megabytes / read_s:7.1f}   {note}")
    if reason is not None:
        print(f"PHP columns skipped: {reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
