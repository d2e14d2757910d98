"""Live appends against the real WordPress (scripts/wordpress-server), in one run:

1. requests per append on the happy path (target 2: one read, one write);
2. one appender's time per append (``cmsbridge.live.append_update`` over REST) against a bare ``requests``
   GET+PUT loop on the same post, alternating round by round so both see the same post size
   (target: at most 1.15 times);
3. applied appends per second with 8 contending processes appending to one post;
4. the CLI's start-up time (``cmsbridge --help``; target under 0.3 s, as cron starts it every minute).

``CMSBRIDGE_TEST_WP`` may name a running site (the JSON of ``scripts/wordpress-server start``).
Run: ``.venv/bin/python benchmarks/append.py [--rounds N] [--processes N] [--per-process N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from cmsbridge.backends.base import Transport  # noqa: E402
from cmsbridge.backends.sites import connect  # noqa: E402
from cmsbridge.live import Update, append_update  # noqa: E402
from cmsbridge.model import Paragraph, text  # noqa: E402

T0 = dt.datetime(2026, 5, 6, 12, 0, tzinfo=dt.UTC)


def site() -> dict[str, Any]:
    given = os.environ.get("CMSBRIDGE_TEST_WP", "").strip()
    if given:
        return dict(json.loads(given if given.startswith("{") else Path(given).read_text()))
    started = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "wordpress-server"), "start"],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(started.stdout))


def rest_site(wp: dict[str, Any]) -> str:
    return str(wp["users"]["editor"]["rest_site"]) + "?api=rest_route"


def new_post(wp: dict[str, Any], title: str) -> str:
    user = wp["users"]["editor"]
    r = requests.post(
        f"{wp['url']}/?rest_route=/wp/v2/posts",
        auth=(user["user"], user["app_password"]),
        json={
            "title": title,
            "status": "publish",
            "content": "<!-- wp:paragraph -->\n<p>Intro.</p>\n<!-- /wp:paragraph -->",
        },
        timeout=30,
    )
    r.raise_for_status()
    return str(r.json()["id"])


def update(n: int, who: str = "") -> Update:
    return Update(
        at=T0 + dt.timedelta(seconds=n),
        label=f"UPDATE {who}{n}",
        blocks=(Paragraph(inlines=text(f"Benchmark update {who}{n}.")),),
    )


class CountingSession(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def request(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self.count += 1
        return super().request(*args, **kwargs)


def requests_per_append(wp: dict[str, Any], n: int = 10) -> float:
    session = CountingSession()
    backend = connect(rest_site(wp), transport=Transport(session=session))
    post = new_post(wp, "Benchmark requests")
    append_update(backend, post, update(0))  # warm-up (API discovery, if any)
    session.count = 0
    for i in range(1, n + 1):
        append_update(backend, post, update(i))
    return session.count / n


def single_appender(wp: dict[str, Any], rounds: int) -> tuple[float, float]:
    user = wp["users"]["editor"]
    backend = connect(rest_site(wp))
    post = new_post(wp, "Benchmark single appender")
    bare = requests.Session()
    bare.auth = (user["user"], user["app_password"])
    route = f"{wp['url']}/?rest_route=/wp/v2/posts/{post}"
    append_update(backend, post, update(0))
    bare.get(route, params={"context": "edit"}, timeout=30).raise_for_status()
    ours: list[float] = []
    theirs: list[float] = []
    for i in range(1, rounds + 1):
        start = time.perf_counter()
        raw = bare.get(route, params={"context": "edit"}, timeout=30).json()["content"]["raw"]
        block = f"<!-- wp:paragraph -->\n<p>Bare update {i}.</p>\n<!-- /wp:paragraph -->"
        bare.put(
            route, json={"content": raw + "\n\n" + block}, params={"context": "edit"}, timeout=30
        ).raise_for_status()
        theirs.append(time.perf_counter() - start)
        start = time.perf_counter()
        append_update(backend, post, update(i))
        ours.append(time.perf_counter() - start)
    return statistics.median(ours), statistics.median(theirs)


def _contender(args: tuple[str, str, int, int]) -> int:
    site_url, post, who, count = args
    backend = connect(site_url)
    applied = 0
    for i in range(count):
        result = append_update(backend, post, update(i, who=f"p{who}-"))
        applied += result.outcome == "applied"
    return applied


def contending(wp: dict[str, Any], processes: int, per_process: int) -> tuple[float, int]:
    post = new_post(wp, "Benchmark contention")
    context = multiprocessing.get_context("spawn")
    start = time.perf_counter()
    with context.Pool(processes) as pool:
        applied = sum(pool.map(_contender, [(rest_site(wp), post, w, per_process) for w in range(processes)]))
    elapsed = time.perf_counter() - start
    user = wp["users"]["editor"]
    raw = requests.get(
        f"{wp['url']}/?rest_route=/wp/v2/posts/{post}",
        params={"context": "edit"},
        auth=(user["user"], user["app_password"]),
        timeout=30,
    ).json()["content"]["raw"]
    present = raw.count('class="update-marker')
    assert present == processes * per_process, f"{present} markers for {processes * per_process} appends"
    return applied / elapsed, applied


def cli_startup(runs: int = 10) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "cmsbridge.cli", "--help"], capture_output=True, check=True, cwd=ROOT
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--per-process", type=int, default=10)
    args = parser.parse_args()
    wp = site()
    per = requests_per_append(wp)
    print(f"requests per append (happy path): {per:.2f} (target 2)", flush=True)
    ours, theirs = single_appender(wp, args.rounds)
    print(
        f"one appender: {ours * 1000:.1f} ms per append vs bare requests GET+PUT {theirs * 1000:.1f} ms: "
        f"ratio {ours / theirs:.2f} (target <= 1.15)",
        flush=True,
    )
    rate, applied = contending(wp, args.processes, args.per_process)
    print(
        f"{args.processes} contending processes: {applied} appends applied, {rate:.1f} applied appends/s, "
        f"each exactly once",
        flush=True,
    )
    startup = cli_startup()
    print(f"CLI start-up (cmsbridge --help): {startup * 1000:.0f} ms (target < 300 ms)", flush=True)


if __name__ == "__main__":
    main()
