"""No wasted requests (issue 17): a migration into WordPress over REST creates each post with one request,
lists each taxonomy once and creates each term once (also when workers share the backend), learns the
target's slugs in bulk, and a re-run of a finished migration sends the target nothing. Counted on an
in-memory WordPress (tests/wp_rest_fake.py) with a generated export shaped like a real one."""

from __future__ import annotations

import html
import threading
from pathlib import Path

import pytest
import responses

from cmsbridge.backends.base import PostRef, Transport
from cmsbridge.backends.wordpress_rest import WordPressREST
from cmsbridge.backends.wxr_file import WXRFileBackend
from cmsbridge.migration.run import migrate
from cmsbridge.model import Post, Term
from cmsbridge.report import ConversionReport
from tests.generated_export import SECTIONS, distinct_terms, write_export
from tests.wp_rest_fake import SITE, FakeWordPress

POSTS = 58


def _target() -> WordPressREST:
    return WordPressREST(SITE, "editor", "app pass word", api="wp-json", transport=Transport())


@pytest.fixture()
def export(tmp_path: Path) -> WXRFileBackend:
    return WXRFileBackend(str(write_export(tmp_path / "export.xml", POSTS)))


@responses.activate
def test_each_post_is_one_create_each_term_listed_once_and_created_once(
    export: WXRFileBackend, tmp_path: Path
) -> None:
    fake = FakeWordPress()
    report = migrate(export, _target(), state=tmp_path / "state.db")

    assert (report.created, report.failed) == (POSTS, 0)
    categories, tags, _ = distinct_terms(POSTS)
    assert fake.count("POST", "posts") == POSTS == len(fake.posts())
    # every term the posts use made once, no other
    made = sorted((t["taxonomy"], html.unescape(t["name"])) for t in fake.terms.values())
    expected = [("categories", SECTIONS[slug][0]) for slug in categories] + [("tags", t) for t in tags]
    assert made == sorted(expected)
    assert fake.count("POST", "categories") == len(categories) and fake.count("POST", "tags") == len(tags)
    assert fake.count("GET", "categories") == 1 and fake.count("GET", "tags") == 1  # one page each
    # the target's slugs learned in bulk: a few look-ups for the whole export, each of many slugs
    lookups = [q for m, r, q in fake.requests if m == "GET" and r in ("posts", "pages")]
    assert 0 < len(lookups) <= 4
    assert sum(len(q["slug"].split(",")) for q in lookups) == 2 * POSTS  # posts and pages
    writes = POSTS + len(categories) + len(tags)
    assert len(fake.requests) <= writes + 2 + len(lookups)  # the writes, the two listings, the look-ups
    per_post = len(fake.requests) / POSTS
    assert per_post < 2.0, f"{per_post:.2f} requests per post: {fake.routes()}"
    for post in fake.posts():  # each post got its terms
        assert post["categories"] and post["tags"]


@responses.activate
def test_terms_already_on_the_site_are_used_not_created(export: WXRFileBackend, tmp_path: Path) -> None:
    """Including a name WordPress stores escaped (``Science &amp; Tech``), which its search for the name as
    text does not find: it is the listed term, not a refused create (``term_exists``) that fails posts."""
    fake = FakeWordPress()
    before = {
        slug: fake.add_term("categories", name, slug)
        for slug, (name, parent) in SECTIONS.items()
        if not parent
    }
    report = migrate(export, _target(), state=tmp_path / "state.db")
    assert report.failed == 0, [p.error for p in report.posts if p.error]
    made = [html.unescape(t["name"]) for t in fake.terms.values() if t["taxonomy"] == "categories"]
    assert len(made) == len(set(made)) == len(SECTIONS)  # only the child sections were missing
    science = next(p for p in fake.posts() if before["science"] in p["categories"])
    assert science


@responses.activate
def test_a_term_made_meanwhile_elsewhere_is_adopted() -> None:
    """Another process creates the tag between our listing and our create: WordPress answers
    ``term_exists``, and the post gets that tag (found by name), not a failure or a second tag."""
    fake = FakeWordPress()
    backend = _target()
    backend.create(Post(title="First", slug="first", tags=("Old",)))  # the tags listed now
    theirs = fake.add_term("tags", "Arts & Life", "arts-life")
    backend.create(Post(title="Second", slug="second", tags=("Arts & Life",)))
    [second] = [p for p in fake.posts() if p["slug"] == "second"]
    assert second["tags"] == [theirs]
    assert sum(1 for t in fake.terms.values() if html.unescape(t["name"]) == "Arts & Life") == 1


@responses.activate
def test_workers_sharing_a_backend_create_a_new_term_once() -> None:
    """Eight threads write posts sharing new terms through one backend; WordPress itself does not stop two
    creates of one term at once (``race``): the backend does."""
    fake = FakeWordPress(race=0.05)
    backend = _target()
    section = Term(name="World", slug="world", parent=Term(name="News", slug="news"))
    errors: list[BaseException] = []
    refs: list[PostRef] = []

    def write(n: int) -> None:
        try:
            post = Post(title=f"Post {n}", slug=f"post-{n}", categories=(section,), tags=("Live", "Analysis"))
            refs.append(backend.create(post, report=ConversionReport()))
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(refs) == 8
    names = sorted((t["taxonomy"], t["name"]) for t in fake.terms.values())
    assert names == [("categories", "News"), ("categories", "World"), ("tags", "Analysis"), ("tags", "Live")]
    assert len({tuple(p["tags"]) for p in fake.posts()}) == 1


@responses.activate
def test_a_rerun_of_a_finished_migration_sends_the_target_nothing(
    export: WXRFileBackend, tmp_path: Path
) -> None:
    fake = FakeWordPress()
    state = tmp_path / "state.db"
    assert migrate(export, _target(), state=state).created == POSTS
    fake.requests.clear()
    again = migrate(WXRFileBackend(export.path), _target(), state=state)
    assert again.skipped == POSTS and again.ok
    assert fake.requests == []


@responses.activate
def test_authors_are_looked_up_once_each(export: WXRFileBackend, tmp_path: Path) -> None:
    fake = FakeWordPress()
    report = migrate(export, _target(), state=tmp_path / "state.db", authors="keep")
    assert report.failed == 0
    _, _, authors = distinct_terms(POSTS)
    assert fake.count("GET", "users") == 1 + len(authors)  # who we are, then each author once
    assert {p["author"] for p in fake.posts()} == {10, 11, 12, 13}


@responses.activate
def test_bulk_slugs_keep_the_adoption_rules(export: WXRFileBackend, tmp_path: Path) -> None:
    """Someone else's post holding a slug is left alone (ours is created as SLUG-2, reported), and a post
    created before a crash and not recorded is adopted on the re-run, not created twice."""
    fake = FakeWordPress()
    theirs = fake.add_post("story-3", "Story 3: the budget vote")
    state = tmp_path / "state.db"
    target = _target()
    create = target.create
    made: list[PostRef] = []

    def dies_after_the_fifth(post: Post, *, report: ConversionReport | None = None) -> PostRef:
        made.append(create(post, report=report))
        if len(made) == 5:
            raise KeyboardInterrupt  # killed before the mapping is recorded
        return made[-1]

    target.create = dies_after_the_fifth  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        migrate(export, target, state=state)

    report = migrate(export, _target(), state=state)
    assert report.failed == 0 and report.created + report.skipped + report.updated == POSTS
    assert [p.adopted for p in report.posts].count(True) == 1
    slugs = [p["slug"] for p in fake.posts()]
    assert len(slugs) == POSTS + 1 and len(set(slugs)) == len(slugs)  # none twice
    assert fake.items[theirs]["content"] == {"raw": "<p>theirs</p>"}
    moved = next(p for p in report.posts if p.source_id == "3")
    assert any("story-3-2" in loss for loss in moved.losses) or moved.action == "skipped"
    assert "story-3-2" in slugs
