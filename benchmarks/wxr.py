"""Memory and time to migrate from a big WordPress export: the ``wxr:`` site (an index, one post read at a
time) against reading the whole file at once (``cmsbridge.formats.wordpress.wxr.parse``, what the
site did before).

Generates an export (default 4,000 posts of 50 blocks, about 100 MB; deterministic), then, each in a fresh
process so that peak memory is its own, lists every post as a migration does: the time to the first post,
the total time and the peak resident memory. Prints both and the ratios (whole file / index).

Run: ``.venv/bin/python benchmarks/wxr.py [--posts N] [--blocks N]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MEASURE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
path, how = sys.argv[1], sys.argv[2]
start = time.perf_counter()
first = None
count = 0
if how == "index":
    from cmsbridge.backends.wxr_file import WXRFileBackend
    for fetched in WXRFileBackend(path).list():
        first = first or time.perf_counter() - start
        count += 1
else:
    from pathlib import Path
    from cmsbridge.formats.wordpress.wxr import parse
    for entry in parse(Path(path).read_bytes()).entries:
        first = first or time.perf_counter() - start
        count += 1
print(json.dumps({{"posts": count, "first": first, "total": time.perf_counter() - start,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def write_export(path: Path, posts: int, blocks: int) -> None:
    from tests import corpus

    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
            "<channel><title>Big</title><link>https://big.example</link>\n"
        )
        for n, doc in enumerate(corpus.benchmark_corpus(posts, blocks)):
            out.write(
                f"<item><title>Post {n}</title><link>https://big.example/p{n}/</link>"
                f"<content:encoded><![CDATA[{doc}]]></content:encoded><wp:post_id>{n + 1}</wp:post_id>"
                f"<wp:post_date_gmt>2024-01-01 10:{n % 60:02d}:00</wp:post_date_gmt>"
                f"<wp:post_name>p{n}</wp:post_name><wp:status>publish</wp:status>"
                "<wp:post_type>post</wp:post_type></item>\n"
            )
        out.write("</channel></rss>\n")


def measure(path: Path, how: str) -> dict[str, float]:
    script = MEASURE.format(root=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", script, str(path), how], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--posts", type=int, default=4000)
    parser.add_argument("--blocks", type=int, default=50)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.xml"
        write_export(path, args.posts, args.blocks)
        size = path.stat().st_size / 1e6
        print(f"export: {args.posts} posts x {args.blocks} blocks, {size:.1f} MB")
        index, whole = measure(path, "index"), measure(path, "whole")
    if index["posts"] != whole["posts"]:
        raise SystemExit(f"the two readers disagree: {index['posts']} and {whole['posts']} posts")
    print(f"{'':22} {'first post s':>12} {'all posts s':>12} {'peak MB':>9}")
    for name, row in (("wxr: site (index)", index), ("whole file (before)", whole)):
        print(f"{name:22} {row['first']:12.2f} {row['total']:12.2f} {row['peak_mb']:9.0f}")
    first, total = whole["first"] / index["first"], whole["total"] / index["total"]
    print(f"{'whole / index':22} {first:12.1f} {total:12.2f} {whole['peak_mb'] / index['peak_mb']:9.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
