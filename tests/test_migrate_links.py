"""migrate(links="rewrite") and redirects: links between migrated posts follow them to the new site."""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from cmsbridge.backends.files import FilesBackend
from cmsbridge.backends.wxr_file import WXRFileBackend
from cmsbridge.migration.redirects import redirects
from cmsbridge.migration.run import migrate

OLD = "https://old.example"


def item(post_id: int, slug: str, content: str, date: str) -> str:
    return f"""
<item>
  <title>{slug.title()}</title>
  <link>{OLD}/2024/01/{slug}/</link>
  <content:encoded><![CDATA[{content}]]></content:encoded>
  <wp:post_id>{post_id}</wp:post_id>
  <wp:post_date_gmt>{date}</wp:post_date_gmt>
  <wp:post_name>{slug}</wp:post_name>
  <wp:status>publish</wp:status>
  <wp:post_type>post</wp:post_type>
</item>"""


def paragraph(html: str) -> str:
    return f"<!-- wp:paragraph -->\n<p>{html}</p>\n<!-- /wp:paragraph -->"


def export(tmp_path: Path, *items: str) -> Path:
    path = tmp_path / "export.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wp="http://wordpress.org/export/1.2/" '
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
        f"<title>Old</title><link>{OLD}</link><wp:base_site_url>{OLD}</wp:base_site_url>\n"
        + "".join(items)
        + "\n</channel>\n</rss>\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    newest = paragraph(
        f'See <a href="{OLD}/2024/01/middle/#map">the map</a>,'
        ' <a href="http://OLD.example/?p=1">the start</a>,'
        ' <a href="https://elsewhere.example/x">elsewhere</a>'
        f' and <a href="{OLD}/2024/01/gone/">a lost one</a>.'
    )
    middle = paragraph('Back to <a href="/2024/01/newest">the newest</a>.')
    oldest = f'<!-- wp:html -->\n<div><a href="{OLD}/2024/01/newest/">raw</a></div>\n<!-- /wp:html -->'
    return export(
        tmp_path,
        item(3, "newest", newest, "2024-01-03 10:00:00"),
        item(2, "middle", middle, "2024-01-02 10:00:00"),
        item(1, "oldest", oldest, "2024-01-01 10:00:00"),
    )


def test_links_follow_the_posts_and_what_cannot_is_reported(site: Path, tmp_path: Path) -> None:
    source, target = WXRFileBackend(site), FilesBackend(tmp_path / "new")
    report = migrate(source, target, state=tmp_path / "s.db", links="rewrite")
    by_id = {p.source_id: p for p in report.posts}
    assert [p.action for p in report.posts] == ["created"] * 3  # the closing pass changed no outcome
    # in a local folder the posts lie side by side: a link is the file's name
    new = {sid: (target.get(p.target_id or "").ref.link or "").rsplit("/", 1)[-1] for sid, p in by_id.items()}
    newest = target.get(by_id["3"].target_id or "").raw
    assert f"{new['2']}#map" in newest and new["1"] in newest  # written before those posts existed
    assert "https://elsewhere.example/x" in newest and f"{OLD}/2024/01/gone/" in newest
    assert new["3"] in target.get(by_id["2"].target_id or "").raw  # a relative link, made absolute
    assert any("1 link(s) into the source site match no migrated" in m for m in by_id["3"].losses)
    assert any("inside raw markup not rewritten" in loss for loss in by_id["1"].losses)

    again = migrate(source, target, state=tmp_path / "s.db", links="rewrite")
    assert [p.action for p in again.posts] == ["skipped"] * 3  # the lost link alone writes nothing again


def test_links_are_left_alone_by_default(site: Path, tmp_path: Path) -> None:
    target = FilesBackend(tmp_path / "new")
    report = migrate(WXRFileBackend(site), target, state=tmp_path / "s.db")
    assert f"{OLD}/2024/01/middle/#map" in target.get(report.posts[0].target_id or "").raw


def test_a_post_migrated_later_gets_the_links_of_an_earlier_run_rewritten(site: Path, tmp_path: Path) -> None:
    """Run 1 migrates only the newest post (``limit``); run 2 the rest, and then writes the newest again."""
    source, target = WXRFileBackend(site), FilesBackend(tmp_path / "new")
    first = migrate(source, target, state=tmp_path / "s.db", links="rewrite", limit=1)
    assert [(p.source_id, p.action) for p in first.posts] == [("3", "created")]
    second = migrate(source, target, state=tmp_path / "s.db", links="rewrite")
    assert [(p.source_id, p.action) for p in second.posts] == [
        ("3", "updated"),  # unchanged at the source, written again for its links
        ("2", "created"),
        ("1", "created"),
    ]
    middle = (target.get(second.posts[1].target_id or "").ref.link or "").rsplit("/", 1)[-1]
    assert f"{middle}#map" in target.get(first.posts[0].target_id or "").raw


@pytest.mark.parametrize("fmt", ["csv", "nginx", "apache", "ghost"])
def test_redirects_from_the_id_map(site: Path, tmp_path: Path, fmt: str) -> None:
    source, target = WXRFileBackend(site), FilesBackend(tmp_path / "new")
    report = migrate(source, target, state=tmp_path / "s.db")
    links = {p.source_id: target.get(p.target_id or "").ref.link or "" for p in report.posts}
    text = redirects(tmp_path / "s.db", source.site, target.site, fmt)  # type: ignore[arg-type]
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["source", "target"]
        assert sorted(rows[1:]) == sorted(
            [f"{OLD}/2024/01/{s}/", links[i]] for i, s in [("1", "oldest"), ("2", "middle"), ("3", "newest")]
        )
    elif fmt == "nginx":
        assert '"~^/2024/01/middle/?(?:\\\\?.*)?$" "' + links["2"] + '";' in text
        assert text.rstrip().endswith("}")
    elif fmt == "apache":
        assert f"RedirectMatch 301 ^/2024/01/middle/?$ {links['2']}" in text.splitlines()
    else:
        import yaml

        data = yaml.safe_load(text)
        assert data[302] == {} and len(data[301]) == 3
        assert data[301]["^/2024/01/middle/?(?:\\?.*)?$"].endswith("middle.md")


def test_cli_redirects(site: Path, tmp_path: Path) -> None:
    state = tmp_path / "s.db"
    migrate(WXRFileBackend(site), FilesBackend(tmp_path / "new"), state=state)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "cmsbridge.cli",
            "redirects",
            "--from",
            f"wxr:{site}",
            "--to",
            f"files:{tmp_path / 'new'}",
            "--state",
            str(state),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert len(run.stdout.splitlines()) == 4


@pytest.fixture()
def nginx(tmp_path: Path) -> Iterator[Callable[[str], tuple[int, str]]]:
    """A real nginx (scripts/install-nginx.sh) on loopback serving ``redirects.conf`` from ``tmp_path``;
    yields a function that requests a path and returns the status and ``Location``."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        message = "nginx is not installed (scripts/install-nginx.sh installs it)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/redirects.conf;\n"
        f"  server {{\n    listen 127.0.0.1:{port};\n"
        "    if ($cmsbridge_redirect) { return 301 $cmsbridge_redirect; }\n"
        "    location / { return 404; }\n  }\n}\n"
    )
    command = [binary, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)]
    started = False

    def get(path: str) -> tuple[int, str]:
        nonlocal started
        if not started:
            checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
            assert checked.returncode == 0, checked.stderr
            subprocess.run(command, check=True)
            started = True
            for _ in range(100):
                with socket.socket() as s:
                    if s.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.05)
        answer = requests.get(f"http://127.0.0.1:{port}{path}", allow_redirects=False, timeout=10)
        return answer.status_code, answer.headers.get("Location", "")

    yield get
    if started:
        subprocess.run([*command, "-s", "stop"], check=False)


def test_nginx_serves_the_redirects(site: Path, tmp_path: Path, nginx: Any) -> None:
    source, target = WXRFileBackend(site), FilesBackend(tmp_path / "new")
    report = migrate(source, target, state=tmp_path / "s.db")
    links = {p.source_id: target.get(p.target_id or "").ref.link or "" for p in report.posts}
    (tmp_path / "redirects.conf").write_text(redirects(tmp_path / "s.db", source.site, target.site, "nginx"))
    assert nginx("/2024/01/middle/") == (301, links["2"])
    assert nginx("/2024/01/middle?utm_source=feed") == (301, links["2"])
    assert nginx("/2024/01/newest/") == (301, links["3"])
    assert nginx("/2024/01/middle-east/") == (404, "")


def test_redirects_never_point_a_post_at_itself(tmp_path: Path) -> None:
    """Same slug on the new site (WordPress to Ghost): Ghost's paths are the same, so no Ghost redirect;
    an address that did not change at all gets no redirect in any format."""
    import yaml

    from cmsbridge.backends.base import Fetched, PostRef, Version
    from cmsbridge.migration.idmap import IdMap
    from cmsbridge.model import Post

    ids = IdMap(tmp_path / "s.db")
    rows = [
        ("1", f"{OLD}/2024/01/kept/", "https://ghost.example/kept/"),
        ("2", f"{OLD}/2024/01/moved/", "https://ghost.example/moved-here/"),
        ("3", "https://same.example/a/", "https://same.example/a"),
        ("4", f"{OLD}/same-slug/", "https://ghost.example/same-slug/"),
    ]
    for source_id, old, new in rows:
        fetched = Fetched(PostRef(source_id, old), Post(), "", "x", Version(token="t"))
        ids.record("src", fetched, "dst", source_id, target_link=new)
    ids.close()
    ghost = yaml.safe_load(redirects(tmp_path / "s.db", "src", "dst", "ghost"))
    assert ghost == {
        301: {"^/2024/01/kept/?(?:\\?.*)?$": "/kept/", "^/2024/01/moved/?(?:\\?.*)?$": "/moved-here/"},
        302: {},
    }
    csv_rows = list(csv.reader(io.StringIO(redirects(tmp_path / "s.db", "src", "dst", "csv"))))
    assert [r[0] for r in csv_rows[1:]] == [
        f"{OLD}/2024/01/kept/",
        f"{OLD}/2024/01/moved/",
        f"{OLD}/same-slug/",
    ]


def test_an_id_map_from_before_links_were_kept_is_upgraded_and_filled_in(site: Path, tmp_path: Path) -> None:
    import sqlite3

    state = tmp_path / "s.db"
    old = sqlite3.connect(state)  # the id map as the previous version made it
    old.executescript(
        "CREATE TABLE mapping (source_site TEXT NOT NULL, source_id TEXT NOT NULL, target_site TEXT NOT NULL,"
        " target_id TEXT NOT NULL, source_version TEXT NOT NULL, source_modified TEXT, slug TEXT,"
        " migrated REAL NOT NULL, PRIMARY KEY (source_site, source_id, target_site));"
    )
    old.close()
    source, target = WXRFileBackend(site), FilesBackend(tmp_path / "new")
    migrate(source, target, state=state)
    with sqlite3.connect(state) as db:
        db.execute("UPDATE mapping SET source_link = NULL, source_key = NULL, target_link = NULL")
    assert redirects(state, source.site, target.site, "csv").splitlines() == ["source,target"]

    again = migrate(source, target, state=state, links="rewrite")
    assert [p.action for p in again.posts] == ["skipped"] * 3
    assert len(redirects(state, source.site, target.site, "csv").splitlines()) == 4


def test_turning_rewriting_on_later_rewrites_the_posts_that_link(site: Path, tmp_path: Path) -> None:
    source, target = WXRFileBackend(site), FilesBackend(tmp_path / "new")
    first = migrate(source, target, state=tmp_path / "s.db")
    assert f"{OLD}/2024/01/middle/#map" in target.get(first.posts[0].target_id or "").raw
    rewritten = migrate(source, target, state=tmp_path / "s.db", links="rewrite")
    assert [(p.source_id, p.action) for p in rewritten.posts] == [
        ("3", "updated"),
        ("2", "updated"),
        ("1", "skipped"),  # its only link is inside raw markup
    ]
    assert "middle.md#map" in target.get(first.posts[0].target_id or "").raw
    again = migrate(source, target, state=tmp_path / "s.db", links="rewrite")
    assert [p.action for p in again.posts] == ["skipped"] * 3
