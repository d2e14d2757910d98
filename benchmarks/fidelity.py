"""Fidelity measured on real material (issue 15): for every document of the corpus (tests/fidelity_corpus.py:
WordPress's own block examples and their HTML, Ghost's own conversions of that HTML to Lexical,
CommonMark's spec examples, generated WordPress exports) and every pair of formats, the document is read
in its format, written in the target and read back (tests/fidelity_measure.py). Prints, per pair, the
documents that come back equal, that differ with the difference named in the report, that the target
refused with a clear error, and that differ silently; then the worst silent cases with a short diff.

Run: ``.venv/bin/python benchmarks/fidelity.py [--builtin] [--examples N] [--source FMT]``
(``--builtin``: the small subset only, no tools needed).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import fidelity_corpus  # noqa: E402
from tests.fidelity_measure import FORMATS, KINDS, READ, Crossing, Measure, measure  # noqa: E402


def print_table(result: Measure, labels: tuple[str, ...] = KINDS) -> None:
    print(f"{'source -> target':<24}" + "".join(f"{label:>9}" for label in labels))
    table = result.table()
    for source in FORMATS:
        for target in (*FORMATS, READ):
            counts = table.get((source, target))
            if counts:
                print(f"{source + ' -> ' + target:<24}" + "".join(f"{counts[kind]:>9}" for kind in KINDS))
    total = Counter[str]()
    for counts in table.values():
        total.update(counts)
    print(f"{'all pairs':<24}" + "".join(f"{total[kind]:>9}" for kind in KINDS))


def print_silent(silent: list[Crossing], per_pair: int) -> None:
    """The silent cases, a few per pair, shortest documents' first (the easiest to read)."""
    shown = Counter[tuple[str, str]]()
    for one in silent:
        pair = (one.source, one.target)
        if shown[pair] < per_pair:
            shown[pair] += 1
            print(f"- {one.source} -> {one.target} | {one.document}: {one.detail[:400]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builtin", action="store_true", help="the small built-in subset only")
    parser.add_argument("--source", choices=FORMATS, help="only documents in this format")
    parser.add_argument("--examples", type=int, default=3, help="silent cases shown per pair")
    args = parser.parse_args()
    documents = fidelity_corpus.builtin() if args.builtin else fidelity_corpus.full()
    if args.source:
        documents = [doc for doc in documents if doc.format == args.source]
    print(
        f"{len(documents)} documents: "
        + ", ".join(f"{n} {f}" for f, n in Counter(d.format for d in documents).items())
    )
    result = measure(documents)
    print_table(result)
    if result.unreadable:
        print(f"\n{len(result.unreadable)} documents their own format refused to read (a clear error):")
        for name, error in result.unreadable[: args.examples * 5]:
            print(f"- {name}: {error}")
    if result.twins:
        print("\nreaders against a real tool's rendering of the same content (the block editor's saved HTML,")
        print(
            "the spec's HTML): read as the same blocks / differ, a reader reported a loss / differ unreported"
        )
        twins = Measure(crossings=result.twins)
        print_table(twins, ("agree", "reported", "-", "differ"))
        print_silent(twins.silent(), args.examples)
    if result.raw:
        print("\ndocuments read with content the model has no type for (carried raw), by kind:")
        for (source, kind), count in result.raw.most_common(args.examples * 10):
            print(f"  {count:>5}  {source}: {kind}")
    silent = result.silent()
    print(f"\n{len(silent)} silent differences" + (":" if silent else ""))
    print_silent(silent, args.examples)


if __name__ == "__main__":
    main()
