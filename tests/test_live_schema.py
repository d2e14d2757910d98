"""schema.org LiveBlogPosting from a live post: updates dated, newest first, safe to put in a page."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import cmsbridge
from cmsbridge.backends.base import Backend
from cmsbridge.live import Update, append_update
from cmsbridge.live.schema import HEADLINE_LIMIT, live_blog_posting, live_blog_script
from cmsbridge.model import Paragraph, Post, UpdateMarker, text
from cmsbridge.report import ConversionReport

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "south-ossetia-liveblog.txt"
PARIS = ZoneInfo("Europe/Paris")


def published(tmp_path: Path) -> tuple[Backend, str]:
    post = cmsbridge.read(EXAMPLE.read_text(encoding="utf-8"), "text")
    site = cmsbridge.connect(f"files:{tmp_path / 'posts'}")
    ref = site.create(post.replace(created=dt.datetime(2008, 8, 7, 20, 0, tzinfo=dt.UTC)))
    return site, ref.id


def test_times_of_day_are_dated_through_the_night_and_listed_newest_first(tmp_path: Path) -> None:
    site, post_id = published(tmp_path)
    late = Update(label="UPDATE: 00:10 Paris time", blocks=(Paragraph(inlines=text("After midnight.")),))
    append_update(site, post_id, late)
    report = ConversionReport()
    data = live_blog_posting(site.get(post_id).post, url="https://news.example/ossetia/", report=report)
    assert report.messages() == []
    assert (data["@context"], data["@type"]) == ("https://schema.org", "LiveBlogPosting")
    assert data["headline"] == "Russian troops attack South Ossetia"
    updates = data["liveBlogUpdate"]
    assert [(u["headline"], u["datePublished"]) for u in updates] == [
        ("UPDATE: 00:10 Paris time", "2008-08-08T00:10:00+02:00"),
        ("UPDATE: 23:18 Paris time", "2008-08-07T23:18:00+02:00"),
    ]
    assert updates[0]["articleBody"] == "After midnight."
    assert updates[1]["articleBody"].startswith("Can\u2019t help but agree")
    assert updates[1]["url"] == "https://news.example/ossetia/#update-2318-paris-time"
    assert (data["coverageStartTime"], data["dateModified"]) == (
        "2008-08-07T23:18:00+02:00",
        "2008-08-08T00:10:00+02:00",
    )


def test_full_times_are_used_as_given_and_undated_updates_are_reported() -> None:
    at = dt.datetime(2024, 3, 1, 9, 30, tzinfo=PARIS)
    post = Post(
        title="Budget day",
        blocks=(
            UpdateMarker(id="b", at=at, label="UPDATE: 09:30"),
            Paragraph(inlines=text("The minister speaks.")),
            UpdateMarker(id="a", label=""),
            Paragraph(inlines=text("x" * 300)),
        ),
    )
    report = ConversionReport()
    data = live_blog_posting(post, report=report)
    first, second = data["liveBlogUpdate"]
    assert first == {
        "@type": "BlogPosting",
        "headline": "UPDATE: 09:30",
        "datePublished": "2024-03-01T09:30:00+01:00",
        "articleBody": "The minister speaks.",
    }
    assert "datePublished" not in second and len(second["headline"]) == HEADLINE_LIMIT
    assert report.messages() == ["schema.org: update 'a' has no time; no datePublished"]
    assert "url" not in data and "datePublished" not in data


def test_the_script_element_cannot_be_closed_by_the_content() -> None:
    post = Post(
        title="A </script><script>alert(1)</script> & co",
        blocks=(UpdateMarker(id="u", label="<b>"), Paragraph(inlines=text("</SCRIPT> done"))),
    )
    script = live_blog_script(post, report=ConversionReport())
    assert script.startswith('<script type="application/ld+json">\n') and script.endswith("\n</script>")
    inner = script.removeprefix('<script type="application/ld+json">\n').removesuffix("\n</script>")
    assert not re.search(r"[<>&]", inner)
    assert json.loads(inner)["headline"] == post.title


def test_cli_prints_the_json_ld_of_a_post(tmp_path: Path) -> None:
    _, post_id = published(tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "cmsbridge.cli", "schema", post_id, "--site", f"files:{tmp_path / 'posts'}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["liveBlogUpdate"][0]["datePublished"] == "2008-08-07T23:18:00+02:00"
    assert data["url"].startswith("file://") and run.stderr == ""
