"""schema.org LiveBlogPosting from a live post: updates dated, newest first, safe to put in a page."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from lxml import etree
from lxml import html as lxml_html

import cmsbridge
from cmsbridge.backends.base import Backend
from cmsbridge.formats.updates import byline_text
from cmsbridge.live import Update, append_update
from cmsbridge.live.schema import HEADLINE_LIMIT, amp_live_list, live_blog_posting, live_blog_script
from cmsbridge.live.story import status_container
from cmsbridge.model import Image, Paragraph, Post, UpdateMarker, text
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
        "dateModified": "2024-03-01T09:30:00+01:00",  # never edited: the time it was published
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


# --- issue 16: coverage, bylines, headlines, pins, edits; AMP's live list ---------------------------------

START = dt.datetime(2026, 5, 6, 20, 0, tzinfo=PARIS)
END = dt.datetime(2026, 5, 7, 1, 30, tzinfo=PARIS)


def desk(*, closed: bool = False, coverage: bool = True) -> Post:
    """A live story: three updates, the oldest pinned, the middle one edited and with a byline."""
    at = [START + dt.timedelta(minutes=m) for m in (5, 40, 90)]
    blocks: list[Any] = [status_container(START, END if closed else None)] if coverage else []
    blocks += [
        UpdateMarker(id="late", at=at[2], tz="Europe/Paris", label="UPDATE: 21:30", key=True),
        Paragraph(inlines=text("Talks end.")),
        UpdateMarker(
            id="mid",
            at=at[1],
            tz="Europe/Paris",
            label="UPDATE: 20:40",
            headline="Ceasefire announced",
            by=("Ana Ruiz", "Tom Li"),
            edited=at[1] + dt.timedelta(minutes=7),
        ),
        Paragraph(inlines=text("A ceasefire.")),
        UpdateMarker(id="pin", at=at[0], tz="Europe/Paris", label="UPDATE: 20:05", pinned=True),
        Paragraph(inlines=text("Read this first.")),
    ]
    return Post(title="Summit", blocks=tuple(blocks), created=START)


def test_coverage_times_come_from_the_story_open_and_closed() -> None:
    opened = live_blog_posting(desk())
    assert opened["coverageStartTime"] == START.isoformat() and "coverageEndTime" not in opened
    closed = live_blog_posting(desk(closed=True))
    assert (closed["coverageStartTime"], closed["coverageEndTime"]) == (START.isoformat(), END.isoformat())
    # a post that records no coverage starts at its first update and gives no end
    untracked = live_blog_posting(desk(coverage=False))
    first = START + dt.timedelta(minutes=5)
    assert untracked["coverageStartTime"] == first.isoformat() and "coverageEndTime" not in untracked


def test_updates_carry_author_headline_edited_time_and_the_pinned_one_comes_first() -> None:
    post = desk()
    report = ConversionReport()
    updates = live_blog_posting(post, url="https://news.example/summit", report=report)["liveBlogUpdate"]
    assert report.messages() == []
    markers = {m.id: m for m in post.updates()}
    assert [u["url"].rsplit("#", 1)[1] for u in updates] == [
        markers[i].anchor for i in ("pin", "late", "mid")
    ]  # the pinned update first, then newest first
    pinned, late, mid = updates
    assert pinned["headline"] == "UPDATE: 20:05" and pinned["articleBody"] == "Read this first."
    assert mid["headline"] == "Ceasefire announced" and late["headline"] == "UPDATE: 21:30"
    assert mid["author"] == [{"@type": "Person", "name": "Ana Ruiz"}, {"@type": "Person", "name": "Tom Li"}]
    assert "author" not in late
    edited = markers["mid"].edited
    assert edited is not None and mid["dateModified"] == edited.isoformat()
    assert late["dateModified"] == late["datePublished"]
    for update in updates:
        at = markers[update["url"].rsplit("#update-", 1)[1]].at
        assert isinstance(at, dt.datetime) and update["datePublished"] == at.isoformat()
        assert dt.datetime.fromisoformat(update["datePublished"]).utcoffset() == dt.timedelta(hours=2)


def _amp(markup: str) -> etree._Element:
    root = lxml_html.fragment_fromstring(markup)
    assert root.tag == "amp-live-list"
    return root


def _millis(when: dt.datetime) -> str:
    return str(int((when - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).total_seconds()) * 1000)


def test_amp_live_list_items_sort_times_update_times_and_tombstones() -> None:
    post = desk()
    gone = START + dt.timedelta(minutes=20)
    report = ConversionReport()
    markup = amp_live_list(
        post, list_id="live 7", poll=30, max_items=5, retracted={"gone": gone, "mid": gone}, report=report
    )
    root = _amp(markup)
    list_id = root.get("id")
    assert list_id and " " not in list_id
    assert (root.get("data-poll-interval"), root.get("data-max-items-per-page")) == ("30000", "5")
    assert root.get("disabled") is None
    (button,) = root.xpath("./*[@update]")
    assert button.get("on") == f"tap:{list_id}.update"
    (items,) = root.xpath("./div[@items]")
    children = list(items)
    markers = {m.anchor: m for m in post.updates()}
    live = [c for c in children if c.get("data-tombstone") is None]
    assert [c.get("id") for c in live] == [
        markers[a].anchor for a in ("update-pin", "update-late", "update-mid")
    ]
    for item in live:
        marker = markers[item.get("id")]
        assert isinstance(marker.at, dt.datetime)
        assert item.get("data-sort-time") == _millis(marker.at)
        edited = marker.edited
        assert item.get("data-update-time") == (_millis(edited) if edited else None)
    mid = next(c for c in live if c.get("id") == "update-mid")
    assert mid.xpath("string(.//h3)") == "Ceasefire announced"
    byline = byline_text(markers["update-mid"].by)  # as every format shows it
    assert byline.startswith("By Ana Ruiz") and byline in mid.text_content()
    assert "A ceasefire." in mid.text_content()
    # a retracted update the post no longer holds is a tombstone; one it holds again is not
    (tomb,) = [c for c in children if c.get("data-tombstone") is not None]
    assert (tomb.get("id"), tomb.get("data-sort-time"), len(tomb)) == ("update-gone", _millis(gone), 0)
    assert report.messages() == []


def test_amp_live_list_is_disabled_once_the_story_is_closed() -> None:
    assert _amp(amp_live_list(desk(closed=True))).get("disabled") is not None
    assert _amp(amp_live_list(desk(coverage=False))).get("disabled") is None


def test_amp_reports_what_it_cannot_hold() -> None:
    post = Post(
        blocks=(
            UpdateMarker(id="u", at=START, label="U"),
            Image(src="https://example.com/a.jpg", alt="A tank"),
            UpdateMarker(id="undated", label="No time"),
        )
    )
    report = ConversionReport()
    root = _amp(amp_live_list(post, report=report))
    assert [c.get("id") for c in root.xpath("./div[@items]/*")] == ["update-u"]
    messages = report.messages()
    assert any("'u'" in m and "image" in m for m in messages)
    assert any("'undated'" in m for m in messages)


HOSTILE = '</div></amp-live-list><script>alert(1)</script><img src=x onerror="alert(2)">&amp; "q"'


def test_hostile_labels_bylines_and_headlines_stay_text() -> None:
    post = Post(
        title=HOSTILE,
        blocks=(
            UpdateMarker(id="u", at=START, label=HOSTILE, headline=HOSTILE, by=(HOSTILE,), pinned=True),
            Paragraph(inlines=text(HOSTILE)),
        ),
    )
    root = _amp(amp_live_list(post, list_id=HOSTILE))
    assert not root.xpath("//script | //img") and len(root.xpath("./div[@items]/*")) == 1
    (item,) = root.xpath("./div[@items]/*")
    assert item.xpath("string(.//h3)") == HOSTILE and item.xpath("string(.//time)") == HOSTILE
    assert all(c.isalnum() or c in "-_" for c in root.get("id"))
    script = live_blog_script(post)
    inner = script.removeprefix('<script type="application/ld+json">\n').removesuffix("\n</script>")
    assert not re.search(r"[<>&]", inner)
    (update,) = json.loads(inner)["liveBlogUpdate"]
    assert update["author"] == [{"@type": "Person", "name": " ".join(HOSTILE.split())}]
    assert len(HOSTILE) < HEADLINE_LIMIT and update["headline"] == HOSTILE


def test_cli_schema_after_open_and_close_and_amp_with_a_tombstone(tmp_path: Path) -> None:
    _, post_id = published(tmp_path)
    site = ["--site", f"files:{tmp_path / 'posts'}", "--outbox", str(tmp_path / "outbox.sqlite3")]

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        run = subprocess.run(
            [sys.executable, "-m", "cmsbridge.cli", *args], capture_output=True, text=True, check=False
        )
        assert run.returncode == 0, run.stderr
        return run

    cli("open", post_id, "--at", "2008-08-07T22:00+02:00", *site)
    data = json.loads(cli("schema", post_id, *site).stdout)
    assert data["coverageStartTime"] == "2008-08-07T22:00:00+02:00" and "coverageEndTime" not in data
    note = tmp_path / "u.txt"
    note.write_text("A correction to come.\n", encoding="utf-8")
    cli("append", post_id, str(note), "--id", "oops", "--at", "2008-08-07T23:40+02:00", *site)
    cli("retract", post_id, "--id", "oops", *site)
    cli("close", post_id, "--at", "2008-08-08T02:00+02:00", *site)
    data = json.loads(cli("schema", post_id, *site).stdout)
    assert data["coverageEndTime"] == "2008-08-08T02:00:00+02:00"
    root = _amp(cli("schema", post_id, "--amp", *site).stdout)
    assert root.get("disabled") is not None
    tombs = root.xpath("./div[@items]/*[@data-tombstone]")
    sort_time = _millis(dt.datetime(2008, 8, 7, 21, 40, tzinfo=dt.UTC))
    assert [(t.get("id"), t.get("data-sort-time")) for t in tombs] == [("update-oops", sort_time)]
