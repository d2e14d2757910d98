"""Comments (issue 15, item 3): read from WordPress (REST, XML-RPC, WXR), written to WordPress threaded
with their dates and statuses, recorded in the id map so a re-run adds none twice, reported where the
target holds none. WordPress answers are simulated with ``responses``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
import xmlrpc.client
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
import responses

import cmsbridge
from cmsbridge.backends.base import Added, Capabilities, Ref, report_unheld_fields
from cmsbridge.backends.files import FilesBackend
from cmsbridge.backends.wordpress_comments import parents_first
from cmsbridge.backends.wordpress_rest import WordPressREST
from cmsbridge.backends.wordpress_xmlrpc import WordPressXMLRPC
from cmsbridge.backends.wxr_file import WXRFileBackend
from cmsbridge.http import NoRetry, Transport
from cmsbridge.migration.idmap import IdMap
from cmsbridge.migration.run import migrate
from cmsbridge.model import Comment, Post
from cmsbridge.report import ConversionReport
from tests.backend_wrappers import Delegating

SITE = "https://wp.example"
UTC = dt.UTC


def _comment(id: str, parent: str | None = None, **fields: Any) -> Comment:
    values: dict[str, Any] = {
        "id": id,
        "parent": parent,
        "author": f"Reader {id}",
        "email": f"r{id}@mail.example",
        "url": f"https://r{id}.example/",
        "date": dt.datetime(2024, 3, int(id) % 28 + 1, 9, 30, tzinfo=UTC),
        "content": f"<p>Comment {id} &amp; more</p>",
    }
    values.update(fields)
    return Comment(**values)


# a thread given children first: 3 answers 2, which answers 1; 4 stands alone; 5 answers 3
THREAD = (
    _comment("3", "2", status="pending"),
    _comment("5", "3", status="spam"),
    _comment("2", "1"),
    _comment("1"),
    _comment("4", status="trash"),
)


def _transport() -> Transport:
    return Transport(session=requests.Session(), retry=NoRetry())


# --- ordering --------------------------------------------------------------------------------------


def test_parents_come_before_their_replies_and_the_rest_keeps_its_order() -> None:
    ordered = [c.id for c in parents_first(THREAD)]
    assert sorted(ordered) == ["1", "2", "3", "4", "5"]
    for comment in THREAD:
        if comment.parent is not None:
            assert ordered.index(comment.parent) < ordered.index(comment.id)
    assert ordered.index("1") < ordered.index("4")  # roots in their given order


def test_a_cycle_or_a_missing_parent_loses_no_comment() -> None:
    looped = (_comment("1", "2"), _comment("2", "1"), _comment("3", "9"))
    assert sorted(c.id for c in parents_first(looped)) == ["1", "2", "3"]


# --- WXR -------------------------------------------------------------------------------------------

WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Site</title><link>https://old.example</link>
  <wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://old.example</wp:base_site_url>
  <item>
    <title>Threaded</title><link>https://old.example/threaded/</link><dc:creator>alice</dc:creator>
    <content:encoded><![CDATA[<!-- wp:paragraph --><p>Body</p><!-- /wp:paragraph -->]]></content:encoded>
    <wp:post_id>7</wp:post_id><wp:post_date>2024-01-01 10:00:00</wp:post_date>
    <wp:post_date_gmt>2024-01-01 10:00:00</wp:post_date_gmt><wp:post_name>threaded</wp:post_name>
    <wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
    <wp:comment_status>closed</wp:comment_status>
    <wp:comment><wp:comment_id>12</wp:comment_id><wp:comment_author><![CDATA[Bo]]></wp:comment_author>
      <wp:comment_author_email>bo@mail.example</wp:comment_author_email>
      <wp:comment_author_url></wp:comment_author_url>
      <wp:comment_date>2024-01-02 13:00:00</wp:comment_date>
      <wp:comment_date_gmt>2024-01-02 12:00:00</wp:comment_date_gmt>
      <wp:comment_content><![CDATA[A reply <em>to Ann</em>]]></wp:comment_content>
      <wp:comment_approved>0</wp:comment_approved><wp:comment_type>comment</wp:comment_type>
      <wp:comment_parent>11</wp:comment_parent></wp:comment>
    <wp:comment><wp:comment_id>11</wp:comment_id><wp:comment_author><![CDATA[Ann]]></wp:comment_author>
      <wp:comment_author_email>ann@mail.example</wp:comment_author_email>
      <wp:comment_author_url>https://ann.example/</wp:comment_author_url>
      <wp:comment_date>2024-01-02 11:00:00</wp:comment_date>
      <wp:comment_date_gmt>2024-01-02 10:00:00</wp:comment_date_gmt>
      <wp:comment_content><![CDATA[First!]]></wp:comment_content>
      <wp:comment_approved>1</wp:comment_approved><wp:comment_type></wp:comment_type>
      <wp:comment_parent>0</wp:comment_parent></wp:comment>
    <wp:comment><wp:comment_id>13</wp:comment_id><wp:comment_author><![CDATA[Blog]]></wp:comment_author>
      <wp:comment_author_url>https://blog.example/</wp:comment_author_url>
      <wp:comment_date_gmt>2024-01-03 10:00:00</wp:comment_date_gmt>
      <wp:comment_content><![CDATA[Linked here]]></wp:comment_content>
      <wp:comment_approved>spam</wp:comment_approved><wp:comment_type>pingback</wp:comment_type>
      <wp:comment_parent>0</wp:comment_parent></wp:comment>
  </item>
</channel>
</rss>
"""


def test_wxr_comments_are_read_threaded_with_author_date_and_status() -> None:
    report = ConversionReport()
    post = cmsbridge.read(WXR, "wxr", report=report)
    by_id = {c.id: c for c in post.comments}
    assert set(by_id) == {"11", "12", "13"}
    ann, bo, ping = by_id["11"], by_id["12"], by_id["13"]
    assert (ann.author, ann.email, ann.url, ann.status, ann.parent) == (
        "Ann",
        "ann@mail.example",
        "https://ann.example/",
        "approved",
        None,
    )
    assert ann.date == dt.datetime(2024, 1, 2, 10, tzinfo=UTC)
    assert (bo.parent, bo.status, bo.content, bo.url) == ("11", "pending", "A reply <em>to Ann</em>", None)
    assert ping.status == "spam"
    messages = report.messages()
    assert not any("comment(s) not read" in m for m in messages), messages
    assert any("13" in m and "pingback" in m for m in messages), messages  # its type is not kept


def test_wxr_writes_comments_that_read_back_equal() -> None:
    post = Post(title="With comments", slug="with-comments", status="publish", comments=THREAD)
    report = ConversionReport()
    text = cmsbridge.write(post, "wxr", report=report)
    assert not any("comments" in m for m in report.messages()), report.messages()
    back = cmsbridge.read(text, "wxr", report=ConversionReport())
    assert sorted(back.comments, key=lambda c: c.id) == sorted(THREAD, key=lambda c: c.id)


# --- REST ------------------------------------------------------------------------------------------


def _rest() -> WordPressREST:
    return WordPressREST(SITE, "admin", "app pass word", api="wp-json", transport=_transport())


def _rest_comment(comment: Comment, post: int, status: str) -> dict[str, Any]:
    return {
        "id": int(comment.id),
        "post": post,
        "parent": int(comment.parent or 0),
        "author_name": comment.author,
        "author_email": comment.email,
        "author_url": comment.url,
        "date_gmt": comment.date.replace(tzinfo=None).isoformat() if comment.date else None,
        "status": status,
        "content": {"raw": comment.content, "rendered": "<p>shown</p>"},
    }


@responses.activate
def test_rest_reads_every_comment_of_the_post_in_any_status() -> None:
    answers = [
        _rest_comment(c, 7, status)
        for c, status in zip(THREAD, ["hold", "spam", "approved", "approved", "trash"], strict=True)
    ]
    answers.sort(key=lambda a: -int(a["id"]))  # asked newest first
    responses.add(responses.GET, f"{SITE}/wp-json/wp/v2/comments", json=answers)
    got = _rest().comments("7")
    assert sorted(got, key=lambda c: c.id) == sorted(THREAD, key=lambda c: c.id)
    assert [c.id for c in got] == [c.id for c in parents_first(got)]
    query = dict(parse_qsl(urlsplit(str(responses.calls[0].request.url)).query))
    assert (query["post"], query["status"], query["context"]) == ("7", "any", "edit")


def _rest_writer(created: list[dict[str, Any]], first_id: int = 100) -> None:
    def create(request: Any) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body)
        body["id"] = first_id + len(created)
        created.append(body)
        return 201, {}, json.dumps({"id": body["id"], "post": body["post"]})

    responses.add_callback(responses.POST, f"{SITE}/wp-json/wp/v2/comments", callback=create)


@responses.activate
def test_rest_writes_parents_first_with_new_ids_dates_and_statuses() -> None:
    created: list[dict[str, Any]] = []
    _rest_writer(created)
    post = Post(title="t", status="publish", comments=THREAD)
    recorded: list[tuple[str, str]] = []
    mapping = _rest().add_comments(
        "7", post, {}, added=lambda s, t: recorded.append((s, t)), report=ConversionReport()
    )
    assert len(created) == len(THREAD)
    by_source = {c.id: c for c in THREAD}
    new_of = {source: int(target) for source, target in mapping.items()}
    for sent, source_id in zip(created, [s for s, _ in recorded], strict=True):
        comment = by_source[source_id]
        assert sent["post"] == 7
        assert sent["parent"] == (new_of[comment.parent] if comment.parent else 0)
        assert sent["date_gmt"] == comment.date.replace(tzinfo=None).isoformat()  # type: ignore[union-attr]
        assert (sent["author_name"], sent["author_email"], sent["author_url"]) == (
            comment.author,
            comment.email,
            comment.url,
        )
        assert sent["content"] == comment.content
    statuses = {s: c["status"] for (s, _), c in zip(recorded, created, strict=True)}
    assert statuses == {"1": "approved", "2": "approved", "3": "hold", "4": "trash", "5": "spam"}
    assert dict(recorded) == mapping


@responses.activate
def test_rest_skips_known_comments_and_opens_a_closed_post_meanwhile() -> None:
    created: list[dict[str, Any]] = []
    _rest_writer(created)
    opened: list[Any] = []

    def edit(request: Any) -> tuple[int, dict[str, str], str]:
        opened.append(json.loads(request.body)["comment_status"])
        return 200, {}, json.dumps({"id": 7})

    responses.add_callback(responses.PUT, f"{SITE}/wp-json/wp/v2/pages/7", callback=edit)
    post = Post(title="t", status="publish", post_type="page", comment_status="closed", comments=THREAD)
    known = {"1": "50", "2": "51"}
    mapping = _rest().add_comments("7", post, known, report=ConversionReport())
    assert [c["content"] for c in created] == [c.content for c in parents_first(THREAD) if c.id not in known]
    reply = next(c for c in created if c["content"] == by_id("3").content)
    assert reply["parent"] == 51  # answers comment 2, written in an earlier run
    assert opened == ["open", "closed"]
    assert set(mapping) == {"1", "2", "3", "4", "5"}


def by_id(comment_id: str) -> Comment:
    return next(c for c in THREAD if c.id == comment_id)


@responses.activate
def test_rest_reports_a_refused_comment_and_writes_the_others() -> None:
    calls: list[dict[str, Any]] = []

    def create(request: Any) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body)
        calls.append(body)
        if body["content"] == by_id("1").content:
            return 409, {}, json.dumps({"code": "comment_duplicate", "message": "Duplicate comment detected"})
        return 201, {}, json.dumps({"id": 200 + len(calls)})

    responses.add_callback(responses.POST, f"{SITE}/wp-json/wp/v2/comments", callback=create)
    report = ConversionReport()
    mapping = _rest().add_comments("7", Post(status="publish", comments=THREAD), {}, report=report)
    assert "1" not in mapping and len(mapping) == 4
    messages = report.messages()
    assert any("comment 1" in m and "Duplicate" in m for m in messages), messages
    # its reply is written on the post itself, and that is said
    assert any("comment 2 answers comment 1" in m for m in messages), messages
    assert next(c for c in calls if c["content"] == by_id("2").content)["parent"] == 0


@responses.activate
def test_rest_takes_no_comment_on_a_draft_and_says_so() -> None:
    report = ConversionReport()
    assert _rest().add_comments("7", Post(status="draft", comments=THREAD), {}, report=report) == {}
    assert len(responses.calls) == 0
    assert any("draft" in m and "5" in m for m in report.messages()), report.messages()


# --- XML-RPC ---------------------------------------------------------------------------------------


class FakeXMLRPC:
    """wp.getProfile, wp.getComments, wp.newComment, wp.editComment, wp.editPost over ``responses``."""

    def __init__(self, stored: list[dict[str, Any]]) -> None:
        self.stored = stored
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        responses.add_callback(responses.POST, f"{SITE}/xmlrpc.php", callback=self.answer)

    def answer(self, request: Any) -> tuple[int, dict[str, str], str]:
        loaded: Any = xmlrpc.client.loads(request.body)
        params, method = loaded
        self.calls.append((str(method), params[3:]))
        result: Any = True
        if method == "wp.getProfile":
            result = {"user_id": "1", "username": "admin", "roles": ["administrator"]}
        elif method == "wp.getComments":
            flt = params[3]
            result = self.stored[flt["offset"] : flt["offset"] + flt["number"]]
        elif method == "wp.newComment":
            result = 300 + sum(1 for m, _ in self.calls if m == "wp.newComment")
        body = xmlrpc.client.dumps((result,), methodresponse=True, allow_none=True)
        return 200, {"Content-Type": "text/xml"}, body


def _xmlrpc() -> WordPressXMLRPC:
    return WordPressXMLRPC(SITE, "admin", "secret", transport=_transport())


@responses.activate
def test_xmlrpc_reads_comments_with_their_fields() -> None:
    stored = [
        {
            "comment_id": c.id,
            "parent": c.parent or "0",
            "author": c.author,
            "author_email": c.email,
            "author_url": c.url,
            "date_created_gmt": xmlrpc.client.DateTime(c.date.timetuple()),  # type: ignore[union-attr]
            "status": {"approved": "approve", "pending": "hold"}.get(c.status, c.status),
            "content": c.content,
        }
        for c in THREAD
    ]
    FakeXMLRPC(stored)
    got = _xmlrpc().comments("7")
    assert sorted(got, key=lambda c: c.id) == sorted(THREAD, key=lambda c: c.id)


@responses.activate
def test_xmlrpc_writes_threaded_comments_then_sets_author_date_and_status() -> None:
    fake = FakeXMLRPC([])
    post = Post(title="t", status="publish", comment_status="closed", comments=THREAD)
    mapping = _xmlrpc().add_comments("7", post, {"4": "44"}, report=ConversionReport())
    methods = [m for m, _ in fake.calls]
    assert methods[0] == "wp.getProfile"
    assert fake.calls[1] == ("wp.editPost", (7, {"comment_status": "open"}))
    assert fake.calls[-1] == ("wp.editPost", (7, {"comment_status": "closed"}))
    new = [args for m, args in fake.calls if m == "wp.newComment"]
    edits = [args for m, args in fake.calls if m == "wp.editComment"]
    assert len(new) == len(edits) == 4  # comment 4 was written before
    for (post_id, sent), (comment_id, fields) in zip(new, edits, strict=True):
        comment = next(c for c in THREAD if c.content == sent["content"])
        assert post_id == 7 and str(comment_id) == mapping[comment.id]
        expected_parent = int(mapping[comment.parent]) if comment.parent else 0
        assert sent["comment_parent"] == expected_parent
        assert (fields["author"], fields["author_email"], fields["author_url"]) == (
            comment.author,
            comment.email,
            comment.url,
        )
        when = dt.datetime.strptime(fields["date_created_gmt"].value, "%Y%m%dT%H:%M:%S")
        assert when.replace(tzinfo=UTC) == comment.date
        assert fields["status"] == {"approved": "approve", "pending": "hold"}.get(
            comment.status, comment.status
        )


# --- the id map, migrate ---------------------------------------------------------------------------


class CommentsTarget(Delegating):
    """A folder that holds comments beside its posts, as WordPress does (``capabilities.comments``)."""

    def __init__(self, inner: FilesBackend) -> None:
        super().__init__(inner)
        self.held: dict[str, dict[str, Comment]] = {}
        self.written: list[str] = []

    @property
    def capabilities(self) -> Capabilities:
        return dataclasses.replace(self.inner.capabilities, comments=True, fields_in_content=False)

    def comments(self, ref: Ref, *, report: ConversionReport | None = None) -> tuple[Comment, ...]:
        return tuple(self.held.get(str(ref), {}).values())

    def add_comments(
        self,
        ref: Ref,
        post: Post,
        known: Mapping[str, str],
        *,
        added: Added | None = None,
        report: ConversionReport | None = None,
    ) -> dict[str, str]:
        mapping = dict(known)
        here = self.held.setdefault(str(ref), {})
        for comment in parents_first(post.comments):
            if comment.id in mapping:
                continue
            assert comment.parent is None or comment.parent in mapping, "a reply before its parent"
            new = f"t{len(self.written) + 1}"
            here[new] = comment.model_copy(
                update={"id": new, "parent": mapping[comment.parent] if comment.parent else None}
            )
            self.written.append(comment.id)
            mapping[comment.id] = new
            if added is not None:
                added(comment.id, new)
        return mapping


def _export(tmp_path: Path, text: str = WXR) -> WXRFileBackend:
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    return WXRFileBackend(path)


def test_migrate_writes_comments_once_and_a_re_run_adds_only_new_ones(tmp_path: Path) -> None:
    target = CommentsTarget(FilesBackend(tmp_path / "out"))
    state = tmp_path / "state.db"
    first = migrate(_export(tmp_path), target, state=state)
    assert first.created == 1, first.to_text()
    assert sorted(target.written) == ["11", "12", "13"]
    (post_ref,) = target.held
    threaded = target.held[post_ref]
    reply = next(c for c in threaded.values() if c.author == "Bo")
    assert threaded[reply.parent or ""].author == "Ann"  # threading kept under the new ids
    assert [m for p in first.posts for m in p.losses if "comment" in m] == [
        "wxr: comment 13 is a pingback: read as a comment"
    ], first.to_text()

    again = migrate(_export(tmp_path), target, state=state)
    assert again.skipped == 1 and sorted(target.written) == ["11", "12", "13"]

    # the post changes and gains a comment: the post is updated, only the new comment is added
    newer = WXR.replace("<title>Threaded</title>", "<title>Threaded, edited</title>").replace(
        "</item>",
        "<wp:comment><wp:comment_id>14</wp:comment_id><wp:comment_author>Cy</wp:comment_author>"
        "<wp:comment_date_gmt>2024-01-04 10:00:00</wp:comment_date_gmt>"
        "<wp:comment_content>Late</wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
        "<wp:comment_parent>12</wp:comment_parent></wp:comment></item>",
    )
    third = migrate(_export(tmp_path, newer), target, state=state)
    assert third.updated == 1, third.to_text()
    assert sorted(target.written) == ["11", "12", "13", "14"]
    late = next(c for c in target.held[post_ref].values() if c.author == "Cy")
    assert target.held[post_ref][late.parent or ""].author == "Bo"


def test_a_target_without_comments_reports_them() -> None:
    report = ConversionReport()
    held = Capabilities(
        system="ghost", transport="admin-api", content_format="lexical", conditional_write="native"
    )
    report_unheld_fields(Post(comments=THREAD), held, report)
    assert any("Ghost" in m and "comments" in m and "5" in m for m in report.messages()), report.messages()
    wordpress = dataclasses.replace(held, system="wordpress", comments=True)
    quiet = ConversionReport()
    report_unheld_fields(Post(), wordpress, quiet)
    assert not quiet.messages()


def test_an_older_id_map_gains_the_comments_table_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.execute(
        "CREATE TABLE mapping (source_site TEXT NOT NULL, source_id TEXT NOT NULL, target_site TEXT NOT NULL,"
        " target_id TEXT NOT NULL, source_version TEXT NOT NULL, source_modified TEXT, slug TEXT,"
        " migrated REAL NOT NULL, PRIMARY KEY (source_site, source_id, target_site))"
    )
    old.execute("INSERT INTO mapping VALUES ('s', '1', 't', '9', 'v', NULL, 'x', 0)")
    old.commit()
    old.close()
    ids = IdMap(path)
    try:
        assert ids.get("s", "1", "t") is not None
        assert ids.comments("s", "1", "t") == {}
        ids.record_comment("s", "1", "t", "11", "111")
        ids.record_comment("s", "1", "t", "12", "112")
        ids.record_comment("s", "2", "t", "11", "211")  # another post's comment 11
        assert ids.comments("s", "1", "t") == {"11": "111", "12": "112"}
        ids.forget("s", "1", "t")  # the target post is gone: so are its comments
        assert ids.comments("s", "1", "t") == {} and ids.comments("s", "2", "t") == {"11": "211"}
    finally:
        ids.close()


def test_migrating_into_wordpress_leaves_comments_out_of_the_post_itself(tmp_path: Path) -> None:
    # create() and update() write the post only; a direct create with comments says where they go
    report = ConversionReport()
    caps = _rest().capabilities
    assert caps.comments
    report_unheld_fields(Post(comments=THREAD[:1]), caps, report)
    assert any("add_comments" in m for m in report.messages()), report.messages()


class Recording(Delegating):
    """A folder target that records the posts it is asked to create."""

    def __init__(self, inner: FilesBackend) -> None:
        super().__init__(inner)
        self.created: list[Post] = []

    def create(self, post: Post, *, report: ConversionReport | None = None) -> Any:
        self.created.append(post)
        return self.inner.create(post, report=report)


def test_migrate_reads_comments_beside_the_post_where_the_source_holds_them_so(tmp_path: Path) -> None:
    source = CommentsTarget(FilesBackend(tmp_path / "in"))
    ref = source.inner.create(Post(title="Held", slug="held", status="publish"))
    source.held[str(ref)] = {c.id: c for c in THREAD}
    target = Recording(FilesBackend(tmp_path / "out"))
    report = migrate(source, target, state=tmp_path / "state.db")
    assert report.created == 1, report.to_text()
    (written,) = target.created
    assert sorted(written.comments, key=lambda c: c.id) == sorted(THREAD, key=lambda c: c.id)


@responses.activate
def test_a_user_who_may_not_read_every_comment_gets_none_and_a_reason() -> None:
    refusal = {"code": "rest_forbidden_context", "message": "Sorry, you are not allowed to edit comments."}
    responses.add(responses.GET, f"{SITE}/wp-json/wp/v2/comments", json=refusal, status=403)
    responses.add(responses.GET, f"{SITE}/wp-json/wp/v2/users/me", json={"id": 3}, status=200)
    report = ConversionReport()
    assert _rest().comments("7", report=report) == ()
    assert any("comments not read" in m and "admin" in m for m in report.messages()), report.messages()


def test_a_folder_keeps_the_comments_of_a_migrated_post(tmp_path: Path) -> None:
    source = _export(tmp_path)
    target = FilesBackend(tmp_path / "out")
    report = migrate(source, target, state=tmp_path / "state.db")
    assert report.created == 1, report.to_text()
    (fetched,) = list(target.list())
    assert fetched.post.comments == next(iter(source.list())).post.comments
    assert len(fetched.post.comments) == 3
