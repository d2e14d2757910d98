"""Live appends against the real WordPress (scripts/wordpress-server), in one run:

1. applied appends per second and requests per applied append, for one appender and for 8 processes
   appending to one post on this machine (``cmsbridge.live.append_update`` over REST), each on a new post
   that grows to the same size, timed from the moment every process is ready. Targets (issue 16): the 8
   processes reach at least 0.7 times the single appender's applied rate, both at no more than 2.5 requests
   per applied append (writers here take turns per post, :mod:`cmsbridge.backends.turns`, so contention
   costs waiting, not repair requests); every update lands exactly once;
2. one appender's time per append against a bare ``requests`` GET+PUT loop on the same post, alternating
   round by round so both see the same post size (target: at most 1.15 times);
3. the CLI's start-up time (``cmsbridge --help``; target under 0.3 s, as cron starts it every minute).

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
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Appenders:
    """What ``processes`` appenders to one post did: appends applied, their rate (from the moment all were
    ready to the last one's end), requests sent and conflicts met."""

    processes: int
    applied: int
    seconds: float
    requests: int
    conflicts: int

    @property
    def rate(self) -> float:
        return self.applied / self.seconds

    @property
    def requests_per_applied(self) -> float:
        return self.requests / max(1, self.applied)


def _appender(site_url: str, post: str, who: int, count: int, ready: Any, results: Any) -> None:
    """One appending process: connects, waits for every other one, appends ``count`` updates."""
    session = CountingSession()
    backend = connect(site_url, transport=Transport(session=session))
    ready.wait()
    start = time.monotonic()
    applied = conflicts = 0
    for i in range(count):
        result = append_update(backend, post, update(i, who=f"p{who}-"))
        applied += result.outcome == "applied"
        conflicts += result.conflicts
    results.put((start, time.monotonic(), applied, session.count, conflicts))


def appenders(wp: dict[str, Any], processes: int, per_process: int) -> Appenders:
    """``processes`` processes appending ``per_process`` updates each to one new post; checks that every
    update is there exactly once."""
    post = new_post(wp, f"Benchmark {processes} appenders")
    context = multiprocessing.get_context("spawn")
    ready, results = context.Barrier(processes), context.Queue()
    args = [(rest_site(wp), post, w, per_process, ready, results) for w in range(processes)]
    children = [context.Process(target=_appender, args=a) for a in args]
    for child in children:
        child.start()
    done = [results.get(timeout=600) for _ in children]
    for child in children:
        child.join(60)
    assert all(child.exitcode == 0 for child in children), "an appender failed"
    user = wp["users"]["editor"]
    raw = requests.get(
        f"{wp['url']}/?rest_route=/wp/v2/posts/{post}",
        params={"context": "edit"},
        auth=(user["user"], user["app_password"]),
        timeout=30,
    ).json()["content"]["raw"]
    for w in range(processes):
        for i in range(per_process):
            label = f"Benchmark update p{w}-{i}."
            assert raw.count(label) == 1, f"{label!r} stored {raw.count(label)} times"
    return Appenders(
        processes,
        applied=sum(d[2] for d in done),
        seconds=max(d[1] for d in done) - min(d[0] for d in done),
        requests=sum(d[3] for d in done),
        conflicts=sum(d[4] for d in done),
    )


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
    total = args.processes * args.per_process
    one = appenders(wp, 1, total)
    many = appenders(wp, args.processes, args.per_process)
    for run in (one, many):
        who = "single appender" if run.processes == 1 else f"{run.processes} processes, one post"
        print(
            f"{who}: {run.applied} appends applied in {run.seconds:.1f} s, {run.rate:.1f} applied appends/s, "
            f"{run.requests_per_applied:.2f} requests per applied append (target <= 2.5), "
            f"{run.conflicts} conflicts, each update exactly once",
            flush=True,
        )
    print(
        f"{many.processes}-process / single applied rate: {many.rate / one.rate:.2f} (target >= 0.7)",
        flush=True,
    )
    ours, theirs = single_appender(wp, args.rounds)
    print(
        f"one appender: {ours * 1000:.1f} ms per append vs bare requests GET+PUT {theirs * 1000:.1f} ms: "
        f"ratio {ours / theirs:.2f} (target <= 1.15)",
        flush=True,
    )
    startup = cli_startup()
    print(f"CLI start-up (cmsbridge --help): {startup * 1000:.0f} ms (target < 300 ms)", flush=True)


if __name__ == "__main__":
    main()
