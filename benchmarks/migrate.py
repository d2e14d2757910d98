"""Migrations against the real WordPress (scripts/wordpress-server), from a generated export
(tests/generated_export.py: authors, a category tree, shared tags, like a real one), in one run:

(a) one worker: ``cmsbridge.migration.run.migrate`` (wxr: -> WordPress REST) against a plain ``requests``
    loop that creates each term once (its id taken from ``term_exists`` when it is there already) and then
    the same posts, alternating round by round; wall times (medians), their ratio (target <= 1.25) and
    requests per post of both;
(b) N workers (1, 2, 4, 8) against the same WordPress behind a proxy adding 100 ms to every request (as
    for a remote CMS): posts per second per N and the ratio to 0.7 x N x the single-worker rate (target
    >= 1); "workers: not available" while ``migrate`` takes no ``workers``;
(c) peak memory (ru_maxrss of a child process) migrating a generated export of 1,000 and of 10,000 posts
    into a ``files:`` folder: the migration's own memory (listing, id map, report, conversion) without
    the network, which would only add time; the ratio (target: flat, about 1).

Every round writes new posts (slugs of their own); they are deleted at the end. ``CMSBRIDGE_TEST_WP``
may name a running site (the JSON of ``scripts/wordpress-server start``).
Run: ``.venv/bin/python benchmarks/migrate.py [--posts N] [--rounds N] [--workers-posts N] [--skip-memory]``;
``--only-memory`` runs (c) alone (no WordPress needed).
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from benchmarks.append import rest_site, site  # noqa: E402
from cmsbridge.backends.base import Transport  # noqa: E402
from cmsbridge.backends.sites import connect  # noqa: E402
from cmsbridge.backends.wxr_file import WXRFileBackend  # noqa: E402
from cmsbridge.migration.run import migrate  # noqa: E402
from tests import generated_export as gen  # noqa: E402
from tests.faultproxy import FaultProxy  # noqa: E402

LATENCY = 0.1


class CountingSession(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.created: list[tuple[str, int]] = []  # (route, id) of what was created, to delete at the end

    def request(self, method: str, url: str | bytes, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self.count += 1
        return super().request(method, url, *args, **kwargs)


class LatencyProxy(FaultProxy):
    """The fault proxy with no faults, holding every request ``latency`` seconds before forwarding it."""

    def __init__(self, upstream: str, latency: float) -> None:
        super().__init__(upstream, rate=0.0)
        self.latency = latency

    def decide(self) -> str | None:
        time.sleep(self.latency)
        return super().decide()


# --- (a) one worker against the request floor ------------------------------------------------------


def plain_loop(wp: dict[str, Any], posts: int, prefix: str) -> tuple[float, int, list[int]]:
    """Create each term once, then each post: the fewest requests the migration could send."""
    user = wp["users"]["editor"]
    session = CountingSession()
    session.auth = (user["user"], user["app_password"])
    base = f"{wp['url']}/?rest_route=/wp/v2/"
    categories, tags, _ = gen.distinct_terms(posts)
    start = time.perf_counter()

    def term(taxonomy: str, fields: dict[str, Any]) -> int:
        answer = session.post(base + taxonomy, json=fields, timeout=60)
        body = answer.json()
        if answer.status_code == 400 and body.get("code") == "term_exists":
            return int(body["data"]["term_id"])
        answer.raise_for_status()
        return int(body["id"])

    category_ids: dict[str, int] = {}
    for slug, (name, parent) in gen.SECTIONS.items():  # parents listed first
        if slug in categories:
            fields = {"name": name, "slug": slug, "parent": category_ids.get(parent, 0)}
            category_ids[slug] = term("categories", fields)
    tag_ids = {name: term("tags", {"name": name}) for name in sorted(tags)}
    ids = []
    for n in range(1, posts + 1):
        shape = gen.Shape(n)
        fields = {
            "title": gen.title(n),
            "slug": f"{prefix}story-{n}",
            "status": "publish",
            "content": gen.body(n),
            "date_gmt": gen.gmt(n).replace(" ", "T"),
            "categories": [category_ids[s] for s in shape.sections],
            "tags": [tag_ids[t] for t in shape.tags],
        }
        answer = session.post(base + "posts", json=fields, timeout=60)
        answer.raise_for_status()
        ids.append(int(answer.json()["id"]))
    return time.perf_counter() - start, session.count, ids


def one_migration(
    wp: dict[str, Any], folder: Path, posts: int, prefix: str, *, workers: int = 1, url: str | None = None
) -> tuple[float, int, list[int]]:
    """Migrate a fresh export of ``posts`` posts; the wall time, the requests sent and the posts made."""
    export = gen.write_export(
        folder / f"{prefix}.xml", posts, f"https://{prefix}gazette.example", prefix=prefix
    )
    session = CountingSession()
    target_url = rest_site(wp) if url is None else url
    target = connect(target_url, transport=Transport(session=session))
    options: dict[str, Any] = {"workers": workers} if workers > 1 else {}
    start = time.perf_counter()
    report = migrate(WXRFileBackend(export), target, state=folder / f"{prefix}.db", **options)
    elapsed = time.perf_counter() - start
    if report.created != posts or report.failed:
        errors = {p.error for p in report.posts if p.error}
        raise SystemExit(f"the migration created {report.created} of {posts} posts: {sorted(errors)[:3]}")
    return elapsed, session.count, [int(p.target_id or 0) for p in report.posts]


def one_worker(wp: dict[str, Any], folder: Path, posts: int, rounds: int, made: list[int]) -> None:
    ours: list[float] = []
    theirs: list[float] = []
    ours_requests = theirs_requests = 0
    for r in range(rounds):
        stamp = f"b{int(time.time())}r{r}"
        order = ["plain", "ours"] if r % 2 == 0 else ["ours", "plain"]  # both see the site as it grows
        for name in order:
            if name == "plain":
                elapsed, count, ids = plain_loop(wp, posts, stamp + "p-")
                theirs.append(elapsed)
                theirs_requests = count
            else:
                elapsed, count, ids = one_migration(wp, folder, posts, stamp + "m-")
                ours.append(elapsed)
                ours_requests = count
            made.extend(ids)
    ours_s, theirs_s = statistics.median(ours), statistics.median(theirs)
    print(
        f"(a) one worker, {posts} posts x {rounds} rounds: migrate {ours_s:.2f} s, plain requests loop "
        f"{theirs_s:.2f} s: ratio {ours_s / theirs_s:.2f} (target <= 1.25)",
        flush=True,
    )
    per_post = f"migrate {ours_requests / posts:.2f}, plain loop {theirs_requests / posts:.2f}"
    print(f"    requests per post: {per_post}", flush=True)


# --- (b) N workers behind 100 ms of latency ----------------------------------------------------------


def cpu_ticks() -> tuple[int, int]:
    """The machine's busy and idle CPU time so far (``/proc/stat``), to tell when the cores, shared with the
    WordPress under test, are the limit rather than the migration."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, idle


def takes_workers() -> bool:
    return "workers" in inspect.signature(migrate).parameters


def scaling(wp: dict[str, Any], folder: Path, posts: int, made: list[int]) -> None:
    if not takes_workers():
        print("(b) workers: not available (migrate takes no workers argument)", flush=True)
        return
    with LatencyProxy(wp["url"], LATENCY) as proxy:
        user = wp["users"]["editor"]
        url = f"wordpress+http://{user['user']}:{user['app_password']}@127.0.0.1:{proxy.port}?api=rest_route"
        rates: dict[int, float] = {}
        for n in (1, 2, 4, 8):
            stamp = f"w{int(time.time())}n{n}-"
            busy0, idle0 = cpu_ticks()
            elapsed, _, ids = one_migration(wp, folder, posts, stamp, workers=n, url=url)
            busy1, idle1 = cpu_ticks()
            made.extend(ids)
            rates[n] = posts / elapsed
            ratio = rates[n] / (0.7 * n * rates[1])
            busy = (busy1 - busy0) / max(1, busy1 - busy0 + idle1 - idle0)
            print(
                f"(b) {n} worker(s), {int(LATENCY * 1000)} ms added per request: {rates[n]:.1f} posts/s, "
                f"ratio to 0.7 x {n} x single {ratio:.2f} (target >= 1); the machine's CPU (WordPress, "
                f"MariaDB and the migration share its cores) {busy:.0%} busy",
                flush=True,
            )


# --- (c) memory as the archive grows -------------------------------------------------------------------

MEASURE = """
import json, resource, sys
sys.path.insert(0, {root!r})
from cmsbridge.backends.files import FilesBackend
from cmsbridge.backends.wxr_file import WXRFileBackend
from cmsbridge.migration.run import migrate
export, folder, state = sys.argv[1:4]
report = migrate(WXRFileBackend(export), FilesBackend(folder), state=state)
print(json.dumps({{"created": report.created, "failed": report.failed,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def memory(folder: Path) -> None:
    peaks = {}
    for posts in (1_000, 10_000):
        export = gen.write_export(folder / f"memory-{posts}.xml", posts)
        started = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                MEASURE.format(root=str(ROOT)),
                str(export),
                str(folder / f"files-{posts}"),
                str(folder / f"memory-{posts}.db"),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(done.stdout)
        if result["created"] != posts or result["failed"]:
            raise SystemExit(f"memory run: {result}")
        peaks[posts] = result["peak_mb"]
        print(
            f"(c) {posts:>6} posts into a files: folder: peak {result['peak_mb']:.0f} MB "
            f"({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    print(f"(c) peak memory 10,000 / 1,000 posts: {peaks[10_000] / peaks[1_000]:.2f} (target: flat, ~1)")


# --- cleaning up ---------------------------------------------------------------------------------------


def delete(wp: dict[str, Any], ids: list[int]) -> None:
    user = wp["users"]["admin"]
    session = requests.Session()
    session.auth = (user["user"], user["app_password"])
    for post_id in ids:
        with contextlib.suppress(requests.RequestException):
            session.delete(
                f"{wp['url']}/?rest_route=/wp/v2/posts/{post_id}", params={"force": "true"}, timeout=60
            )


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="cmsbridge-migrate-bench-") as folder:
        yield Path(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=58, help="posts per round of (a)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers-posts", type=int, default=320, help="posts per N of (b)")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--only-memory", action="store_true", help="(c) alone: no WordPress needed")
    args = parser.parse_args()
    if args.only_memory:
        with scratch() as folder:
            memory(folder)
        return
    wp = site()
    made: list[int] = []
    with scratch() as folder:
        try:
            one_worker(wp, folder, args.posts, args.rounds, made)
            scaling(wp, folder, args.workers_posts, made)
        finally:
            delete(wp, [i for i in made if i])
        if not args.skip_memory:
            memory(folder)


if __name__ == "__main__":
    main()
