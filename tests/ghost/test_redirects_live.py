"""A WordPress export migrated to the real Ghost with its links rewritten, and the redirects.yaml that
`cmsbridge redirects --format ghost` prints, uploaded to that Ghost: the old addresses answer 301."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from cmsbridge.backends.ghost import GhostAdmin
from cmsbridge.backends.wxr_file import WXRFileBackend
from cmsbridge.migration.redirects import redirects
from cmsbridge.migration.run import migrate
from tests.ghost.conftest import SCRIPT
from tests.test_migrate_links import OLD, export, item, paragraph

pytestmark = pytest.mark.ghost


def upload_redirects(yaml_text: str) -> str:
    """Upload a redirects.yaml as the test Ghost's owner (integration keys may not); returns its URL."""
    status = json.loads(
        subprocess.run([str(SCRIPT), "status"], check=True, capture_output=True, text=True).stdout
    )
    if "owner_password" not in status:
        pytest.fail("the test Ghost's owner is unknown (scripts/ghost-server status)")
    url = status["url"]
    session = requests.Session()
    session.headers.update({"Origin": url, "Accept-Version": "v6.0"})
    login = {"username": status["owner_email"], "password": status["owner_password"]}
    session.post(f"{url}/ghost/api/admin/session/", json=login, timeout=30).raise_for_status()
    upload = {"redirects": ("redirects.yaml", yaml_text, "application/x-yaml")}
    session.post(f"{url}/ghost/api/admin/redirects/upload/", files=upload, timeout=30).raise_for_status()
    return str(url)


def test_links_and_redirects_on_a_real_ghost(ghost: GhostAdmin, tmp_path: Path) -> None:
    token = uuid.uuid4().hex[:8]
    old, new = f"old-{token}", f"new-{token}"
    source = WXRFileBackend(
        export(
            tmp_path,
            item(2, new, paragraph(f'See <a href="{OLD}/2024/01/{old}/#top">the old one</a>.'), "2024-01-02"),
            item(1, old, paragraph("The first."), "2024-01-01 10:00:00"),
        )
    )
    report = migrate(source, ghost, state=tmp_path / "s.db", links="rewrite")
    assert [p.action for p in report.posts] == ["created", "created"], report.to_text()
    by_id = {p.source_id: ghost.get(p.target_id or "") for p in report.posts}
    old_url = by_id["1"].ref.link or ""
    assert urlsplit(old_url).path == f"/{old}/"
    assert f'href="{old_url}#top"' in by_id["2"].raw or f'"url":"{old_url}#top"' in by_id["2"].raw

    yaml_text = redirects(tmp_path / "s.db", source.site, ghost.site, "ghost")
    base = upload_redirects(yaml_text)
    answer = requests.get(f"{base}/2024/01/{old}/", allow_redirects=False, timeout=30)
    assert answer.status_code == 301
    assert urlsplit(answer.headers["Location"]).path == f"/{old}/"
    followed = requests.get(f"{base}/2024/01/{old}?utm_source=feed", timeout=30)
    assert followed.status_code == 200 and urlsplit(followed.url).path == f"/{old}/"
    assert "The first." in followed.text
