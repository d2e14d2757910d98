"""What the backends take from a post or a command line stays what it says (issue 13): a title, excerpt or
term name is text on WordPress (escaped as WordPress's HTML, read back exactly); a post id is checked
once, by the CMS's own id format, and shown only in part; an unknown status is an error, not an empty
listing; a folder keeps a post's provenance. Servers are simulated with ``responses``."""

from __future__ import annotations

import json
import xmlrpc.client
from pathlib import Path
from typing import Any, cast

import pytest
import requests
import responses

from cmsbridge.backends.base import Backend, Transport
from cmsbridge.backends.files import FilesBackend
from cmsbridge.backends.ghost import GhostAdmin
from cmsbridge.backends.wordpress_rest import WordPressREST
from cmsbridge.backends.wordpress_xmlrpc import WordPressXMLRPC
from cmsbridge.backends.wxr_file import WXRFileBackend
from cmsbridge.cli import main
from cmsbridge.errors import UsageError
from cmsbridge.formats import write
from cmsbridge.migration.run import migrate
from cmsbridge.model import Paragraph, Post, SourceRef, Term, Text

SITE = "https://news.example.com"
REST_POSTS = f"{SITE}/wp-json/wp/v2/posts"
ENDPOINT = f"{SITE}/xmlrpc.php"
GHOST = "https://ghost.example.com"
GHOST_KEY = "6b061a3fabc0e45513b71f67:" + "68467e3660d58d487d4a65619039544d7d4fd402b81be49f75036991bbbee4cc"
HOSTILE_TITLES = ['Q&A <b>x</b> "quoted"', "<script>alert(1)</script>", "a &amp; b &lt;i&gt; &#60;", "<>&"]
# What WordPress would render as markup if a title or excerpt reached it unescaped.
MARKUP_SIGNS = ("<b>", "<script>", "<i>", "<>")


def rest() -> WordPressREST:
    return WordPressREST(SITE, "editor", "app pass word", api="wp-json", transport=Transport())


def xmlrpc_site() -> WordPressXMLRPC:
    return WordPressXMLRPC(SITE, "editor", "pw", transport=Transport())


def ghost() -> GhostAdmin:
    return GhostAdmin(GHOST, *GHOST_KEY.split(":"), transport=Transport())


def post(title: str, **fields: Any) -> Post:
    return Post(title=title, blocks=(Paragraph(inlines=(Text(text="Body."),)),), **fields)


# --- 1. text stays text: title, excerpt and term names on WordPress -----------------------------------


class StoringREST:
    """A WordPress REST API that stores the title and excerpt as sent (a user with unfiltered_html) and
    answers them in edit context (``raw``)."""

    def __init__(self) -> None:
        self.sent: dict[str, Any] = {}
        self.terms: list[dict[str, Any]] = []
        responses.add_callback(responses.POST, REST_POSTS, callback=self.save)
        responses.add_callback(responses.GET, f"{REST_POSTS}/7", callback=self.load)
        responses.add(responses.GET, f"{SITE}/wp-json/wp/v2/categories", json=[])
        responses.add_callback(responses.POST, f"{SITE}/wp-json/wp/v2/categories", callback=self.new_term)
        responses.add_callback(responses.GET, f"{SITE}/wp-json/wp/v2/categories/3", callback=self.term)

    def body(self) -> dict[str, Any]:
        return {
            "id": 7,
            "title": {"raw": self.sent["title"]},
            "excerpt": {"raw": self.sent["excerpt"]},
            "content": {"raw": self.sent["content"]},
            "status": self.sent["status"],
            "categories": self.sent["categories"],
        }

    def save(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        self.sent = json.loads(request.body or "{}")
        return 201, {}, json.dumps(self.body())

    def load(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        return 200, {}, json.dumps(self.body())

    def new_term(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        self.terms.append(json.loads(request.body or "{}"))
        return 201, {}, json.dumps({"id": 3, "name": self.terms[-1]["name"]})

    def term(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        return 200, {}, json.dumps({"id": 3, "name": self.terms[-1]["name"]})


@pytest.mark.parametrize("title", HOSTILE_TITLES)
@responses.activate
def test_rest_sends_title_and_excerpt_as_escaped_text_and_reads_them_back_exactly(title: str) -> None:
    server = StoringREST()
    backend = rest()
    ref = backend.create(post(title, excerpt=f"Excerpt: {title}"))

    for field in ("title", "excerpt"):
        assert not any(sign in server.sent[field] for sign in MARKUP_SIGNS), server.sent[field]
    got = backend.get(ref).post
    assert (got.title, got.excerpt) == (title, f"Excerpt: {title}")


@responses.activate
def test_rest_category_names_are_sent_escaped_and_read_back_exactly() -> None:
    server = StoringREST()
    backend = rest()
    ref = backend.create(post("T", categories=("R&D <i>x</i>",)))

    assert server.terms == [{"name": "R&amp;D &lt;i&gt;x&lt;/i&gt;", "parent": 0}]
    assert rest().get(ref).post.categories == (Term(name="R&D <i>x</i>"),)


class StoringXMLRPC:
    """WordPress's XML-RPC API storing wp.newPost's struct as sent (terms included) and the categories
    wp.newTerm creates."""

    def __init__(self) -> None:
        self.struct: dict[str, Any] = {}
        self.categories: list[dict[str, Any]] = []
        responses.add_callback(responses.POST, ENDPOINT, callback=self.answer)

    def listed_categories(self) -> list[dict[str, Any]]:
        return [
            {"term_id": str(n), "name": term["name"], "slug": f"c{n}", "taxonomy": "category", "parent": "0"}
            for n, term in enumerate(self.categories, 1)
        ]

    def answer(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        body = request.body if isinstance(request.body, bytes) else str(request.body).encode()
        params, method = xmlrpc.client.loads(body)
        if method == "wp.newPost":
            self.struct = cast(dict[str, Any], params[3])
            value: Any = "7"
        elif method == "wp.newTerm":
            self.categories.append(cast(dict[str, Any], params[3]))
            value = str(len(self.categories))
        elif method == "wp.getTerms":
            value = self.listed_categories()
        elif method == "wp.getPost":
            terms = [
                {"term_id": str(n), "name": name, "slug": f"t{n}", "taxonomy": taxonomy}
                for taxonomy, names in self.struct["terms_names"].items()
                for n, name in enumerate(names)
            ] + [t for t in self.listed_categories() if t["term_id"] in self.struct["terms"]["category"]]
            value = {
                "post_id": "7",
                "post_title": self.struct["post_title"],
                "post_excerpt": self.struct["post_excerpt"],
                "post_content": self.struct["post_content"],
                "post_status": self.struct["post_status"],
                "post_modified_gmt": xmlrpc.client.DateTime("20240102T03:04:05"),
                "terms": terms,
            }
        else:
            value = []
        reply = xmlrpc.client.dumps((value,), methodresponse=True, allow_none=True)
        return 200, {"Content-Type": "text/xml"}, reply


@pytest.mark.parametrize("title", HOSTILE_TITLES)
@responses.activate
def test_xmlrpc_sends_title_excerpt_and_terms_as_escaped_text_and_reads_them_back_exactly(title: str) -> None:
    server = StoringXMLRPC()
    backend = xmlrpc_site()
    sent = post(title, excerpt=title, categories=(title,), tags=(f"tag {title}",))
    ref = backend.create(sent)

    struct = server.struct
    for value in (struct["post_title"], struct["post_excerpt"], *(t["name"] for t in server.categories)):
        assert not any(sign in value for sign in MARKUP_SIGNS), value
    got = backend.get(ref).post
    names = tuple(c.name for c in got.categories)
    assert (got.title, got.excerpt, names, got.tags) == (title, title, (title,), (f"tag {title}",))


# --- 2. post ids: one check per CMS, a short escaped echo ---------------------------------------------

ARABIC_12, FULLWIDTH_12 = "\u0661\u0662", "\uff11\uff12"  # digits to str.isdigit and int(), not to WordPress
BAD_WORDPRESS_IDS = [" 12 ", "12\n", "-5", "+5", "1_000", ARABIC_12, FULLWIDTH_12, "", "1" * 21, "12x"]
BAD_WORDPRESS_IDS.append("x" * 10_000)
BAD_GHOST_IDS = [
    "\u00c0BCDEF" * 4,  # letters to str.isalnum
    "0123456789ABCDEF01234567",
    "0123456789abcdef0123456",
    "",
    "g" * 24,
]


def assert_short_and_escaped(exc: UsageError, bad: str) -> None:
    message = str(exc)
    assert len(message) < 200, message
    assert "\n" not in message and "x" * 50 not in message
    if len(bad) < 40:
        assert repr(bad) in message, message


@pytest.mark.parametrize(("make", "bad"), [(m, b) for m in (rest, xmlrpc_site) for b in BAD_WORDPRESS_IDS])
@pytest.mark.parametrize("operation", ["get", "delete", "read_versioned"])
@responses.activate  # no answer registered: a request that goes out fails as a connection error
def test_a_bad_wordpress_id_is_a_usage_error_before_any_request(make: Any, bad: str, operation: str) -> None:
    with pytest.raises(UsageError, match="WordPress post id") as info:
        getattr(make(), operation)(bad)
    assert_short_and_escaped(info.value, bad)
    assert not responses.calls


@pytest.mark.parametrize("bad", BAD_GHOST_IDS)
@pytest.mark.parametrize("operation", ["get", "delete", "read_versioned"])
@responses.activate
def test_a_bad_ghost_id_is_a_usage_error_before_any_request(bad: str, operation: str) -> None:
    with pytest.raises(UsageError, match="Ghost post id") as info:
        getattr(ghost(), operation)(bad)
    assert_short_and_escaped(info.value, bad)
    assert not responses.calls


@responses.activate
def test_good_ids_go_out_as_given() -> None:
    responses.add(responses.DELETE, f"{REST_POSTS}/12", json={"id": 12})
    rest().delete("12")
    responses.add(responses.DELETE, f"{GHOST}/ghost/api/admin/posts/0123456789abcdef01234567/", status=204)
    ghost().delete("0123456789abcdef01234567")
    assert [call.request.method for call in responses.calls] == ["DELETE", "DELETE"]


def test_the_command_line_refuses_a_non_ascii_wordpress_id_with_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CMSBRIDGE_SITE", raising=False)
    site = "wordpress-rest+http://ed:pw@127.0.0.1:9"
    assert main(["delete", ARABIC_12, "--site", site]) == 2
    err = capsys.readouterr().err
    assert "WordPress post id" in err and len(err.strip().splitlines()) == 1


# --- 3. an unknown status is an error naming the known ones ---------------------------------------------


@pytest.fixture()
def folder(tmp_path: Path) -> FilesBackend:
    backend = FilesBackend(tmp_path / "posts")
    backend.create(post("Kept", status="publish"))
    return backend


@pytest.fixture()
def export(tmp_path: Path) -> WXRFileBackend:
    path = tmp_path / "export.xml"
    path.write_text(write(post("Kept", status="publish"), "wxr"), encoding="utf-8")
    return WXRFileBackend(path)


def every_backend(folder: FilesBackend, export: WXRFileBackend) -> list[Backend]:
    return [folder, export, rest(), xmlrpc_site(), ghost()]


@responses.activate
def test_listing_an_unknown_status_is_a_usage_error_naming_the_known_ones(
    folder: FilesBackend, export: WXRFileBackend
) -> None:
    for backend in every_backend(folder, export):
        with pytest.raises(UsageError) as info:
            list(backend.list(status="nonsense"))
        message = str(info.value)
        assert "'nonsense'" in message, message
        for known in backend.capabilities.statuses:
            assert known in message, message
    assert not responses.calls


def test_known_statuses_and_any_still_list(folder: FilesBackend, export: WXRFileBackend) -> None:
    for backend in (folder, export):
        assert [f.post.title for f in backend.list(status="publish")] == ["Kept"]
        assert [f.post.title for f in backend.list(status="any")] == ["Kept"]
        assert [f.post.title for f in backend.list(status="draft")] == []


@responses.activate
def test_rest_lists_the_trash_where_deleting_trashes() -> None:
    responses.add(responses.GET, REST_POSTS, json=[])
    responses.add(responses.GET, f"{SITE}/wp-json/wp/v2/pages", json=[])
    assert list(rest().list(status="trash")) == []
    assert all("status=trash" in str(call.request.url) for call in responses.calls)


def test_the_command_line_list_of_an_unknown_status_exits_2(
    folder: FilesBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list", "--site", folder.site, "--status", "nonsense"]) == 2
    out, err = capsys.readouterr()
    assert not out and "nonsense" in err and "publish" in err


# --- 4. a folder keeps a post's provenance ---------------------------------------------------------------


def test_a_folder_keeps_the_sources_of_a_post_and_not_its_own_file(folder: FilesBackend) -> None:
    origin = SourceRef(system="wordpress", site=SITE, id="7", link=f"{SITE}/?p=7")
    ref = folder.create(post("From WordPress", sources=(origin,)))
    assert "wordpress" in (folder.root / f"{ref.id}.md").read_text(encoding="utf-8")

    fetched = folder.get(ref)
    assert fetched.post.sources[0] == origin
    folder.update(ref, fetched.post)  # the post as read holds a reference to its own file too
    again = folder.get(ref).post.sources
    assert [s.system for s in again] == ["wordpress", "files"]
    assert again[0] == origin


def test_a_migration_into_a_folder_adopts_its_posts_after_the_id_map_is_lost(tmp_path: Path) -> None:
    source = FilesBackend(tmp_path / "source")
    ref = source.create(post("One", slug="one", status="publish"))
    target = FilesBackend(tmp_path / "target")
    migrate(source, target, state=tmp_path / "state.db")
    source.update(ref, post("One, retitled", slug="one", status="publish"))  # only the sources prove it now

    again = migrate(source, target, state=tmp_path / "lost.db")

    assert again.created == 0 and [p.adopted for p in again.posts] == [True]
    assert sorted(p.name for p in target.root.glob("*.md")) == ["one.md"]
    assert target.get("one").post.title == "One, retitled"
