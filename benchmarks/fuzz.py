"""The fuzz suite's long run: mutated real inputs through every reader, then every writer.

Each input is a seed of tests/fuzzing.py (files of this repository and the same posts written in every
format) with 1 to 6 random mutations (inserted, repeated and spliced structural tokens, deleted and
duplicated spans, wrong-typed JSON values, bytes that are not UTF-8); the readers take turns. Every input
is read, and what was read is written in every format. Only a ``CMSBridgeError`` may escape.

Per input, the tracemalloc peak must stay within ``2,000 x input bytes + 20 MB`` (tests/fuzzing.py;
``--max-mb`` changes the constant part; C allocations, such as lxml's, are not traced) and the time
within ``--max-seconds`` (default 30 s, a hang guard, not a benchmark). Printed at the end: inputs per
reader, refusals by error type, failures by cause (exception type and the last cmsbridge frame), the
largest memory use against the bound and per input byte (inputs of 10 KB or more), the slowest input,
and the process's maximum RSS. Every failing input is saved to ``--crashes`` (default ``fuzz-crashes/``) as
``FORMAT-CAUSE-DIGEST.bin`` with a ``.txt`` holding the mutations and the traceback; reproduce one with
``tests.fuzzing.run(FORMAT, Path(f).read_bytes())``.

Exit status: 0 when every input passed, 1 otherwise.

Run (100,000 inputs took 24 minutes, one core of a busy 2-core machine):
``.venv/bin/python benchmarks/fuzz.py [--inputs 100000] [--seed 1] [--max-mb 20] [--crashes DIR]``.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import random
import resource
import signal
import sys
import time
import traceback
import tracemalloc
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import fuzzing  # noqa: E402

LARGE = 10_000
"""Inputs at least this long have their memory per input byte reported (small ones are all constant)."""


class Hang(BaseException):
    """The input ran past ``--max-seconds``."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang("input ran past the time limit")


def cause(exc: BaseException) -> str:
    """Exception type and the innermost cmsbridge frame: one name per bug."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/cmsbridge/" in f.filename]
    where = f"{frames[-1].filename.rsplit('/cmsbridge/', 1)[1]}:{frames[-1].lineno}" if frames else "?"
    return f"{type(exc).__name__} at {where}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--inputs", type=int, default=100_000, help="inputs in all (default 100000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--max-mb", type=float, default=20, help="constant part of the memory bound, MB")
    parser.add_argument("--max-seconds", type=int, default=30, help="time limit per input (hang guard)")
    parser.add_argument("--crashes", type=Path, default=Path("fuzz-crashes"), help="where failing inputs go")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    seeds, everything = fuzzing.seeds(), fuzzing.all_seeds()
    per_reader: collections.Counter[str] = collections.Counter()
    refusals: collections.Counter[str] = collections.Counter()
    failures: collections.Counter[str] = collections.Counter()
    worst_share, worst_share_input = 0.0, ""  # peak / bound
    worst_ratio, worst_ratio_input = 0.0, ""  # peak / input bytes, inputs of LARGE bytes or more
    slowest, slowest_input = 0.0, ""
    signal.signal(signal.SIGALRM, _alarm)
    tracemalloc.start()
    started = time.monotonic()
    for number in range(args.inputs):
        fmt = fuzzing.READERS[number % len(fuzzing.READERS)]
        seed = rng.choice(seeds[fmt]) if rng.random() < 0.7 else rng.choice(everything)
        mutations = fuzzing.random_mutations(rng)
        data = fuzzing.apply(seed, mutations)
        per_reader[fmt] += 1
        name = f"input {number} ({fmt}, {len(data)} bytes, {' '.join(map(str, mutations))})"
        clock = time.monotonic()
        signal.alarm(args.max_seconds)
        try:
            outcome = fuzzing.run(fmt, data, measure=True)
        except BaseException as exc:
            signal.alarm(0)
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures[cause(exc)] += 1
            _save(args.crashes, fmt, data, cause(exc), name, "".join(traceback.format_exception(exc)))
            continue
        finally:
            signal.alarm(0)
        elapsed = time.monotonic() - clock
        if elapsed > slowest:
            slowest, slowest_input = elapsed, name
        for refusal in outcome.refused:
            refusals[type(refusal).__name__] += 1
        bound = fuzzing.MEMORY_PER_BYTE * len(data) + args.max_mb * 2**20
        if outcome.peak / bound > worst_share:
            worst_share, worst_share_input = outcome.peak / bound, f"peak {outcome.peak:,} B, {name}"
        if len(data) >= LARGE and outcome.peak / len(data) > worst_ratio:
            worst_ratio, worst_ratio_input = outcome.peak / len(data), name
        if outcome.peak > bound:
            failures["memory bound exceeded"] += 1
            _save(args.crashes, fmt, data, "memory", name, f"peak {outcome.peak} > bound {bound:.0f}\n")
        if (number + 1) % 10_000 == 0:
            print(f"... {number + 1} inputs, {sum(failures.values())} failures", file=sys.stderr, flush=True)

    total = time.monotonic() - started
    print(f"inputs: {args.inputs} in {total:.0f} s (seed {args.seed})")
    print("inputs per reader: " + ", ".join(f"{fmt} {n}" for fmt, n in sorted(per_reader.items())))
    print(
        "refusals (CMSBridgeError): " + (", ".join(f"{t} {n}" for t, n in refusals.most_common()) or "none")
    )
    print(f"largest memory use against the bound: {worst_share:.1%} of it, {worst_share_input}")
    print(
        f"largest memory ratio (inputs of {LARGE:,} bytes or more): {worst_ratio:.1f} bytes traced per "
        f"input byte (bound {fuzzing.MEMORY_PER_BYTE} + the constant part), {worst_ratio_input}"
    )
    print(f"slowest input: {slowest:.2f} s, {slowest_input}")
    print(f"max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if failures:
        print(f"FAILURES: {sum(failures.values())} (inputs saved in {args.crashes}/)")
        for what, n in failures.most_common():
            print(f"  {n:6d}  {what}")
        return 1
    print("failures: none")
    return 0


def _save(folder: Path, fmt: str, data: bytes, why: str, name: str, detail: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    slug = "".join(c if c.isalnum() else "-" for c in why)[:60]
    stem = folder / f"{fmt}-{slug}-{hashlib.sha256(data).hexdigest()[:12]}"
    stem.with_suffix(".bin").write_bytes(data)
    stem.with_suffix(".txt").write_text(f"{name}\n{detail}", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
