"""Migration workers on one machine (SQLite state): threads and a second run sharing one work list, a
a dead worker's claim taken after its lease; the pace hook of the
HTTP boundary; ``--rate`` and ``--workers`` on the command line. The real-server acceptance (three
processes, PostgreSQL, WordPress, kill -9) is tests/wordpress/test_migrate_workers.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import responses

from cmsbridge import http
from cmsbridge.backends.files import FilesBackend
from cmsbridge.backends.wxr_file import WXRFileBackend
from cmsbridge.migration.run import migrate
from cmsbridge.model import Paragraph, Post, Text
from cmsbridge.store import WorkList, open_store
from tests.generated_export import write_export


def _post(n: int) -> Post:
    return Post(
        title=f"Post {n}",
        slug=f"post-{n}",
        status="publish",
        blocks=(Paragraph(inlines=(Text(text=f"Body {n}"),)),),
    )


@pytest.fixture()
def source(tmp_path: Path) -> FilesBackend:
    backend = FilesBackend(tmp_path / "a")
    for n in range(40):
        backend.create(_post(n))
    return backend


def _slugs(backend: FilesBackend) -> list[str]:
    return sorted(f.post.slug or "" for f in backend.list())


def test_workers_in_threads_migrate_every_post_once(source: FilesBackend, tmp_path: Path) -> None:
    target = FilesBackend(tmp_path / "b")
    report = migrate(source, target, state=tmp_path / "s.db", workers=4)
    assert report.created == 40 and report.ok
    assert _slugs(target) == _slugs(source)
    assert report.migration == {"created": 40}
    again = migrate(source, target, state=tmp_path / "s.db", workers=4)
    assert again.skipped == 40 and _slugs(target) == _slugs(source)
    assert again.migration == {"created": 40}  # a re-run finding them up to date keeps their outcome


def test_a_post_held_by_a_dead_worker_is_taken_after_its_lease(source: FilesBackend, tmp_path: Path) -> None:
    state = tmp_path / "s.db"
    target = FilesBackend(tmp_path / "b")
    first = source.list().__next__()
    db = open_store(state)
    job = f"migrate {source.site} -> {target.site}"
    other = WorkList(db, job, owner="another machine", lease=1.0)
    assert other.offer(first.ref.id, first.version.token, 1)  # another worker holds one post

    report = migrate(source, target, state=state, workers=2, lease=30.0)
    # the other worker died without finishing: after its lease the post was taken and migrated here
    assert report.created == 40 and _slugs(target) == _slugs(source)
    assert not other.finish(first.ref.id, "created", "{}")  # its claim was lost
    db.close()


def test_the_pace_waits_before_each_request_and_hears_a_429() -> None:
    calls: list[tuple[str, float]] = []

    class Recorder:
        def wait(self, url: str) -> None:
            calls.append(("wait", 0.0))

        def slow_down(self, url: str, seconds: float) -> None:
            calls.append(("slow_down", seconds))

    transport = http.Transport(pace=Recorder())
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, "http://cms.example/a", status=429, headers={"Retry-After": "7"})
        mock.add(responses.GET, "http://cms.example/b", status=200, body="{}")
        assert http.request(transport, "GET", "http://cms.example/a", site="s", service="CMS").status == 429
        http.request(transport, "GET", "http://cms.example/b", site="s", service="CMS")
    assert calls == [("wait", 0.0), ("slow_down", 7.0), ("wait", 0.0)]


@pytest.mark.parametrize("rate", ["0/s", "fast", "-3", "inf"])
def test_a_bad_rate_is_one_line_and_exit_2(rate: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cmsbridge.cli", "migrate", "--from", f"files:{tmp_path}/a", "--to",
         f"files:{tmp_path}/b", "--state", str(tmp_path / "s.db"), "--rate", rate],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "--rate" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_the_command_migrates_with_workers_and_a_rate(source: FilesBackend, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cmsbridge.cli", "migrate", "--from", f"files:{tmp_path}/a", "--to",
         f"files:{tmp_path}/b", "--state", str(tmp_path / "s.db"), "--workers", "3", "--rate", "50/s"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "the whole migration: 40 created" in done.stdout
    assert _slugs(FilesBackend(tmp_path / "b")) == _slugs(source)


def test_progress_tells_the_whole_migration_whoever_runs_it(tmp_path: Path) -> None:
    # another process already migrated the first half: this run's progress counts the whole migration
    export = write_export(tmp_path / "e.xml", 12)
    state = tmp_path / "state.db"
    first = migrate(WXRFileBackend(export), FilesBackend(tmp_path / "out"), state=state, limit=6)
    assert first.created == 6
    seen: list[dict[str, int]] = []
    second = migrate(
        WXRFileBackend(export),
        FilesBackend(tmp_path / "out"),
        state=state,
        workers=2,
        progress_whole=lambda counts: seen.append(dict(counts)),
    )
    assert second.created == 6
    assert seen and seen[-1].get("todo", 0) == 0
    assert seen[-1].get("created", 0) + seen[-1].get("skipped", 0) == 12  # both runs' posts
    assert second.migration == seen[-1]
