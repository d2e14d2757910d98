"""The full soak, outage and kill runs of issue 4 against the real WordPress (scripts/wordpress-server) or
the real Ghost (scripts/ghost-server, ``--site ghost``).

* soak: ``--appends`` (400) real ``cmsbridge append`` processes from ``--processes`` (8) concurrent
  workers, each with its own outbox, to one post through the fault proxy (``--rate`` 0.45, so at least 30% of
  requests are faulted: resets, 503, 429 with Retry-After, responses dropped after the commit, 502 after
  the commit, delays past the client's timeout), while another process keeps changing the title and excerpt;
* outage: the server unreachable for ``--outage`` seconds (60) while appends run: they queue (exit 75),
  then everything arrives;
* kills: ``--kills`` (20) SIGKILLs of a delivering ``cmsbridge flush`` at random moments.

Each run asserts every update present exactly once, in order, and the title and excerpt the last set; it
prints the counts. ``--transport xmlrpc`` runs the same through WordPress's XML-RPC; ``--site ghost``
through Ghost's Admin API. ``CMSBRIDGE_TEST_WP`` may name a running WordPress (the JSON of
``scripts/wordpress-server start``), ``CMSBRIDGE_TEST_GHOST`` a running Ghost (its ``ghost+http://`` site
URL).
Run: ``.venv/bin/python benchmarks/soak.py [--site wordpress|ghost] [--transport rest|xmlrpc] [--appends N]
[--processes N] [--only soak,outage,kills]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live_soak import Target, ghost_target, kills, outage, soak, wordpress_target  # noqa: E402


def wordpress(transport: str) -> Target:
    given = os.environ.get("CMSBRIDGE_TEST_WP", "").strip()
    if given:
        site = dict(json.loads(given if given.startswith("{") else Path(given).read_text()))
    else:
        started = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "wordpress-server"), "start"],
            capture_output=True,
            text=True,
            check=True,
        )
        site = dict(json.loads(started.stdout))
    return wordpress_target(site, transport)


def ghost() -> Target:
    given = os.environ.get("CMSBRIDGE_TEST_GHOST", "").strip()
    if not given:
        started = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "ghost-server"), "start"],
            capture_output=True,
            text=True,
            check=True,
        )
        given = str(json.loads(started.stdout)["site"])
    return ghost_target(given)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appends", type=int, default=400)
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--rate", type=float, default=0.45)
    parser.add_argument("--outage", type=float, default=60.0)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--site", choices=["wordpress", "ghost"], default="wordpress")
    parser.add_argument(
        "--transport",
        choices=["rest", "xmlrpc"],
        default="rest",
        help="WordPress's API (Ghost has one: its Admin API)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", default="soak,outage,kills")
    parser.add_argument(
        "--title-interval",
        type=float,
        default=2.0,
        help="Seconds between title/excerpt changes (each is a full-content revision; "
        "WordPress 6.1 loads every revision on save and runs out of memory past ~1,000 "
        "revisions of a large post; on Ghost, a post saved more often than once a "
        "second holds appends back: see cmsbridge.live.SETTLE)",
    )
    args = parser.parse_args()
    target = ghost() if args.site == "ghost" else wordpress(args.transport)
    name = target.name
    runs = set(args.only.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        if "soak" in runs:
            r = soak(
                target,
                Path(tmp),
                appends=args.appends,
                processes=args.processes,
                rate=args.rate,
                seed=args.seed,
                title_interval=args.title_interval,
            )
            print(
                f"soak ({name}): {r.appends} appends from {r.processes} processes, "
                f"{r.requests} requests, {r.faults} faulted ({r.fault_ratio:.0%}), outcomes {r.outcomes}, "
                f"{r.title_changes} title/excerpt changes, {r.seconds:.0f} s: every update exactly once, "
                f"in order; title and excerpt the last set",
                flush=True,
            )
        if "outage" in runs:
            c = outage(target, Path(tmp), appends=12, seconds=args.outage, seed=args.seed)
            print(
                f"outage ({name}): server down {args.outage:.0f} s, {c['queued']} appends queued "
                f"(exit 75), {c['applied']} applied after, all present exactly once, in order",
                flush=True,
            )
        if "kills" in runs:
            k = kills(target, Path(tmp), appends=30, kills=args.kills, seed=args.seed)
            print(
                f"kills ({name}): {k['kills']} SIGKILLs of a delivering process, {k['appends']} "
                f"updates, {k['faults']} faults: nothing lost, nothing doubled",
                flush=True,
            )


if __name__ == "__main__":
    main()
