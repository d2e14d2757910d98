"""The store (cmsbridge.store) on both engines: the schema created and upgraded in place, work-list claims
and leases, the shared pace, and no password in a repr or an error. The PostgreSQL cases need a real
server (marked ``postgres``: scripts/test starts one)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cmsbridge.errors import CMSBridgeError, scrub
from cmsbridge.migration.idmap import IdMap
from cmsbridge.store import Database, LocalPace, SharedPace, WorkList, open_store, schema


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "state.sqlite3")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def db(where: str) -> Iterator[Database]:
    store = open_store(where)
    yield store
    store.close()


def test_the_schema_is_created_on_first_use_at_the_current_version(db: Database, where: str) -> None:
    assert schema.version(db) == schema.VERSION
    assert {"job", "item", "claimed_by", "lease_until", "outcome"} <= db.columns("work")
    assert {"source_site", "target_id", "links"} <= db.columns("mapping")
    again = open_store(where)
    try:
        assert schema.version(again) == schema.VERSION
    finally:
        again.close()


def test_a_claimed_item_is_not_claimed_again_until_its_lease_ends(db: Database) -> None:
    one = WorkList(db, "job", owner="one", lease=0.6)
    two = WorkList(db, "job", owner="two", lease=0.6)
    assert one.offer("a", "v1", 0)
    assert not two.offer("a", "v1", 0)  # listed by both: only one works on it
    assert not two.claim("a")
    assert two.claim_next() is None
    assert one.waiting().left == 1
    time.sleep(0.8)  # one died: its lease ended
    assert two.claim_next() == "a"
    assert not one.finish("a", "created", "{}")  # the claim was lost: the new holder records
    assert two.finish("a", "created", '{"n": 2}')
    assert two.counts() == {"created": 1}
    assert list(two.outcomes()) == [("a", "created", '{"n": 2}')]
    assert two.waiting().left == 0


def test_a_renewed_lease_holds_and_claim_next_takes_items_in_listing_order(db: Database) -> None:
    one = WorkList(db, "job", owner="one", lease=0.6)
    two = WorkList(db, "job", owner="two", lease=0.6)
    for n, item in enumerate(["c", "a", "b"]):
        one.offer(item, "v", n)
    one.release("a")
    one.release("b")
    for _ in range(3):
        time.sleep(0.3)
        assert one.renew() == 1  # "c" is still held
    assert two.claim_next() == "a"
    assert two.claim_next() == "b"
    assert two.claim_next() is None
    waiting = two.waiting()
    assert waiting.left == 3 and waiting.first_lease_ends is not None and waiting.first_lease_ends > 0


def test_an_item_returns_to_do_when_its_version_changes_or_it_failed_and_skips_keep_the_outcome(
    db: Database,
) -> None:
    work = WorkList(db, "job", owner="one")
    work.offer("a", "v1", 0)
    work.finish("a", "created", "first")
    assert work.offer("a", "v1", 0)  # finished: claimed again to be found up to date
    work.finish("a", "skipped", "later")
    assert list(work.outcomes()) == [("a", "created", "first")]
    work.offer("a", "v2", 0)  # changed at the source
    assert work.counts() == {"todo": 1}
    work.finish("a", "failed", "boom")
    work.offer("a", "v2", 0)
    assert work.counts() == {"todo": 1}
    assert WorkList(db, "other job").counts() == {}


def test_concurrent_workers_claim_every_item_exactly_once(where: str) -> None:
    setup = open_store(where)
    lister = WorkList(setup, "job", owner="lister")
    for n in range(60):
        lister.offer(f"item-{n}", "v", n)
        lister.release(f"item-{n}")
    taken: list[str] = []
    lock = threading.Lock()

    def worker(k: int) -> None:
        db = open_store(where)  # a process of its own, as far as the database can tell
        work = WorkList(db, "job", owner=f"w{k}")
        try:
            while (item := work.claim_next()) is not None:
                with lock:
                    taken.append(item)
                work.finish(item, "created", "")
        finally:
            db.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    setup.close()
    assert sorted(taken) == sorted(f"item-{n}" for n in range(60))


def test_the_shared_pace_spaces_requests_and_a_pause_holds_every_worker(db: Database) -> None:
    slept: list[float] = []
    pace = SharedPace(db, 10.0, sleep=slept.append)
    other = SharedPace(db, 10.0, sleep=slept.append)  # another process
    pace.wait("http://site.example/a")
    other.wait("http://SITE.example/b")
    pace.wait("http://site.example/c")
    assert slept[0] == pytest.approx(0.1, abs=0.05) and slept[1] == pytest.approx(0.2, abs=0.05)
    other.wait("http://elsewhere.example/")  # another host has its own pace
    assert len(slept) == 2
    other.slow_down("http://site.example/x", 5.0)
    pace.wait("http://site.example/d")
    assert slept[-1] > 4.0


def test_the_local_pace_spaces_requests_and_a_pause_holds_every_thread() -> None:
    now = [100.0]
    slept: list[float] = []
    pace = LocalPace(4.0, sleep=slept.append, clock=lambda: now[0])
    pace.wait("http://a.example/")
    pace.wait("http://a.example/")
    assert slept == [0.25]
    pace.slow_down("http://a.example/", 3.0)
    pace.wait("http://a.example/")
    assert slept[-1] == pytest.approx(3.0)


def test_an_id_map_from_before_the_schema_was_versioned_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:  # the id map as the first versions wrote it
        old.execute(
            "CREATE TABLE mapping (source_site TEXT NOT NULL, source_id TEXT NOT NULL, target_site TEXT NOT "
            "NULL, target_id TEXT NOT NULL, source_version TEXT NOT NULL, source_modified TEXT, slug TEXT, "
            "migrated REAL NOT NULL, PRIMARY KEY (source_site, source_id, target_site))"
        )
        old.execute("INSERT INTO mapping VALUES ('src', '7', 'dst', '70', 'v7', NULL, 'seven', 1.0)")
    old.close()
    ids = IdMap(path)
    try:
        found = ids.get("src", "7", "dst")
        assert found is not None and (found.target_id, found.source_version) == ("70", "v7")
        assert not found.has_links
        assert schema.version(ids.db) == schema.VERSION
        ids.set_links("src", "7", "dst", "https://old.example/seven/", "https://new.example/seven/")
        assert ids.target_link("src", "dst", "https://old.example/seven/") == "https://new.example/seven/"
        WorkList(ids.db, "job").offer("7", "v7", 0)
    finally:
        ids.close()


def test_a_state_of_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    open_store(path).close()
    with sqlite3.connect(path) as newer:
        newer.execute("UPDATE cmsbridge_schema SET version = ?", (schema.VERSION + 1,))
    newer.close()
    with pytest.raises(CMSBridgeError, match="newer"):
        open_store(path)


@pytest.mark.postgres
def test_a_password_in_the_url_is_in_no_repr_or_error(
    postgres: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    secret = "Wrong-Secret-4711"
    url = f"postgresql://{postgres['user']}:{secret}@{postgres['host']}:{postgres['port']}/{postgres['database']}"
    with pytest.raises(CMSBridgeError) as caught:
        open_store(url)
    assert secret not in str(caught.value) and secret not in repr(caught.value)
    assert "password authentication failed" in str(caught.value)
    assert secret not in scrub(f"logged: {secret}")  # registered: a log line never shows it
    good = f"postgresql://{postgres['user']}:{postgres['password']}@{postgres['host']}:{postgres['port']}/"
    store = open_store(good + str(postgres["database"]))
    try:
        for shown in (repr(store), store.label, repr(IdMap(store)), repr(WorkList(store, "job"))):
            assert str(postgres["password"]) not in shown
    finally:
        store.close()


@pytest.mark.postgres
def test_the_password_may_come_from_the_environment(
    postgres: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = str(postgres["url"])
    assert "@" in url and ":" not in url.split("@")[0].split("//")[1]  # no password in the URL
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("CMSBRIDGE_STATE_PASSWORD", str(postgres["password"]))
    store = open_store(url)
    try:
        assert schema.version(store) == schema.VERSION
    finally:
        store.close()
    monkeypatch.delenv("CMSBRIDGE_STATE_PASSWORD")
    monkeypatch.setenv("PGPASSWORD", str(postgres["password"]))
    open_store(url).close()
