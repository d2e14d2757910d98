"""The scripts in examples/ run as documented, on the default local site (no server)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cmsbridge

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def run(script: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_publish_append_copy(tmp_path: Path) -> None:
    published = run("publish_liveblog.py", str(EXAMPLES / "south-ossetia-liveblog.txt"), cwd=tmp_path)
    assert published.returncode == 0, published.stderr
    assert "with 1 update(s)" in published.stdout
    site = cmsbridge.connect(f"files:{tmp_path / 'posts'}")
    (fetched,) = list(site.list())

    (tmp_path / "u.txt").write_text("Georgian forces report shelling near *Gori*.\n", encoding="utf-8")
    args = (fetched.ref.id, "u.txt", "--label", "UPDATE: 23:40 Paris time")
    first = run("cron_append.py", *args, cwd=tmp_path)
    again = run("cron_append.py", *args, cwd=tmp_path)
    assert (first.stdout, again.stdout) == ("applied\n", "already present\n"), first.stderr + again.stderr
    labels = [u.label for u in site.get(fetched.ref).post.updates()]
    assert labels.count("UPDATE: 23:40 Paris time") == 1

    copied = run(
        "copy_post.py",
        f"files:{tmp_path / 'posts'}",
        fetched.ref.id,
        f"files:{tmp_path / 'copy'}",
        cwd=tmp_path,
    )
    assert copied.returncode == 0, copied.stderr
    target = cmsbridge.connect(f"files:{tmp_path / 'copy'}")
    (copy,) = list(target.list())
    assert copy.post.blocks == site.get(fetched.ref).post.blocks


def test_errors_are_one_line(tmp_path: Path) -> None:
    result = run("cron_append.py", "no-such-post", "missing.txt", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("error:") and "Traceback" not in result.stderr


def test_migrate_export(tmp_path: Path) -> None:
    first = run("migrate_export.py", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "3 created, 0 updated, 0 skipped, 0 failed" in first.stdout
    evacuations = (tmp_path / "migrated" / "storm-evacuations.md").read_text(encoding="utf-8")
    assert "[live coverage](storm-live.md)" in evacuations and "(storm-damage.md#roads)" in evacuations
    assert "(storm-live.md)" in (tmp_path / "migrated" / "storm-damage.md").read_text(encoding="utf-8")
    assert (tmp_path / "redirects.nginx").read_text(encoding="utf-8").count("file://") == 3
    again = run("migrate_export.py", cwd=tmp_path)
    assert "0 created, 0 updated, 3 skipped, 0 failed" in again.stdout
