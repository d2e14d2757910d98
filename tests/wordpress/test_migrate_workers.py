"""Issue 17's acceptance for parallel migrations: a generated export migrated into the real WordPress by
three worker processes (two threads each) sharing a PostgreSQL state, one of them killed with SIGKILL
mid-run and started again: every post on the target exactly once (counted by slug through the REST API),
and the store holding every post's outcome.

The issue asks for 2,000 posts; this test uses ``CMSBRIDGE_MIGRATE_POSTS`` (default 300, to keep the run
short on the 2-core test machine) — ``CMSBRIDGE_MIGRATE_POSTS=2000`` runs the issue's size.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests

pytestmark = [pytest.mark.wordpress, pytest.mark.postgres]
POSTS = int(os.environ.get("CMSBRIDGE_MIGRATE_POSTS", "300"))
CATEGORIES = ["News", "Sport", "Culture", "Weather"]
ROOT = Path(__file__).resolve().parents[2]


def write_export(path: Path, posts: int, token: str) -> list[str]:
    """A WordPress export of ``posts`` posts (with categories and tags shared between them); their slugs."""
    slugs = []
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
            f"<channel><title>Generated {token}</title><link>https://gen-{token}.example</link>\n"
        )
        for n in range(posts):
            slug = f"gen-{token}-{n}"
            slugs.append(slug)
            category = CATEGORIES[n % len(CATEGORIES)]
            body = (
                f"<!-- wp:paragraph --><p>Post {n} of a generated archive ({token}).</p>"
                "<!-- /wp:paragraph -->"
                f"<!-- wp:heading --><h2>Part {n % 7}</h2><!-- /wp:heading -->"
                f"<!-- wp:paragraph --><p>More text for post {n}.</p><!-- /wp:paragraph -->"
            )
            out.write(
                f"<item><title>Generated {token} {n}</title><link>https://gen-{token}.example/{slug}/</link>"
                f"<content:encoded><![CDATA[{body}]]></content:encoded><wp:post_id>{n + 1}</wp:post_id>"
                f"<wp:post_date_gmt>2024-01-0{1 + n % 9} 10:{n % 60:02d}:00</wp:post_date_gmt>"
                f"<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status>"
                f'<wp:post_type>post</wp:post_type><category domain="category" nicename="{category.lower()}">'
                f'<![CDATA[{category}]]></category><category domain="post_tag" nicename="tag-{n % 5}">'
                f"<![CDATA[tag-{n % 5}]]></category></item>\n"
            )
        out.write("</channel></rss>\n")
    return slugs


def _target_slugs(wordpress: dict[str, Any], token: str) -> list[tuple[int, str]]:
    admin = wordpress["users"]["admin"]
    found: list[tuple[int, str]] = []
    page = 1
    while True:
        answer = requests.get(
            f"{wordpress['url']}/?rest_route=/wp/v2/posts",
            params={"search": token, "per_page": 100, "page": page, "status": "any", "_fields": "id,slug"},
            auth=(admin["user"], admin["app_password"]),
            timeout=60,
        )
        answer.raise_for_status()
        found += [(int(p["id"]), str(p["slug"])) for p in answer.json()]
        if page >= int(answer.headers.get("X-WP-TotalPages", "1")):
            return found
        page += 1


def _finished(pg: str) -> int:
    """Posts finished so far (the workers create the schema together when they start)."""
    with psycopg.connect(pg) as conn:
        try:
            row = conn.execute("SELECT COUNT(*) FROM work WHERE status <> 'todo'").fetchone()
        except psycopg.errors.UndefinedTable:
            return 0
    return int(row[0]) if row else 0


def _held_by(pg: str, pid: int) -> list[str]:
    """The posts the worker process ``pid`` holds claims on now."""
    with psycopg.connect(pg) as conn:
        rows = conn.execute(
            "SELECT item FROM work WHERE claimed_by LIKE %s AND status = 'todo'", (f"%:{pid}:%",)
        ).fetchall()
    return [str(r[0]) for r in rows]


def test_three_worker_processes_one_killed_migrate_every_post_exactly_once(
    wordpress: dict[str, Any], pg_url: str, tmp_path: Path
) -> None:
    token = uuid.uuid4().hex[:8]
    export = tmp_path / "export.xml"
    slugs = write_export(export, POSTS, token)
    command = [
        sys.executable, "-m", "cmsbridge.cli", "migrate", "--from", f"wxr:{export}",
        "--to", wordpress["users"]["admin"]["rest_site"], "--state", pg_url,
        "--workers", "2", "--json", "--lease", "5",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # PGPASSWORD set by the pg_url fixture

    def start(n: int) -> subprocess.Popen[str]:
        log = open(tmp_path / f"worker-{n}.json", "w")  # noqa: SIM115 - closed with the test's files
        return subprocess.Popen(command, stdout=log, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)

    workers = [start(n) for n in range(3)]
    try:
        deadline = time.monotonic() + 600
        while _finished(pg_url) < POSTS // 4:
            assert time.monotonic() < deadline, "the workers made no progress"
            assert workers[0].poll() is None, "the worker to kill ended early"
            time.sleep(0.2)
        while not (held := _held_by(pg_url, workers[0].pid)):  # killed while it holds posts
            assert time.monotonic() < deadline and workers[0].poll() is None
            time.sleep(0.01)
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait()
        workers[0] = start(3)  # the same command, started again
        for worker in workers:
            _, err = worker.communicate(timeout=900)
            assert worker.returncode == 0, err[-2000:]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    try:
        reports = [json.loads((tmp_path / f"worker-{n}.json").read_text()) for n in (1, 2, 3)]
        on_target = _target_slugs(wordpress, token)
        counted = Counter(slug for _, slug in on_target)
        assert sorted(counted) == sorted(slugs)  # every post there...
        assert max(counted.values()) == 1  # ...none twice
        for report in reports:  # each survivor waited for the whole migration to be done
            assert report["migration"].get("todo", 0) == 0 and "failed" not in report["migration"]
            assert sum(report["migration"].values()) == POSTS
        with psycopg.connect(pg_url) as conn:
            outcomes = conn.execute("SELECT item, status, outcome FROM work").fetchall()
            mapped = conn.execute("SELECT source_id, target_id FROM mapping").fetchall()
        assert len(outcomes) == POSTS and all(o[2] for o in outcomes)
        assert {json.loads(o[2])["target_id"] for o in outcomes} == {str(i) for i, _ in on_target}
        assert len(mapped) == POSTS and len({t for _, t in mapped}) == POSTS
        finished = {item: status for item, status, _ in outcomes}
        assert all(finished[item] in ("created", "updated") for item in held)  # the dead worker's posts
        done_here = [p for r in reports for p in r["posts"] if p["action"] in ("created", "updated")]
        assert len(done_here) <= POSTS  # the processes shared the work, none wrote a post twice
    finally:
        _delete(wordpress, [i for i, _ in _target_slugs(wordpress, token)])


def _delete(wordpress: dict[str, Any], ids: list[int]) -> None:
    admin = wordpress["users"]["admin"]

    def delete(post_id: int) -> None:
        requests.delete(
            f"{wordpress['url']}/?rest_route=/wp/v2/posts/{post_id}",
            params={"force": "true"},
            auth=(admin["user"], admin["app_password"]),
            timeout=60,
        )

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(delete, ids))
