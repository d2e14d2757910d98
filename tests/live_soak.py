"""Soak, outage and kill runs of ``cmsbridge append`` against a real CMS behind the fault proxy.

Shared by tests/wordpress/test_live_wordpress.py and tests/ghost/test_live_ghost.py (short forms) and
benchmarks/soak.py (full forms). A :class:`Target` names the CMS (WordPress over REST or XML-RPC, Ghost over
its Admin API), how cmsbridge reaches it through the proxy, and how the checks reach it directly
(:class:`Direct`: no proxy, no cmsbridge). Every append is a real ``cmsbridge append`` process (as cron
starts it), each worker process with its own outbox, through :class:`tests.faultproxy.FaultProxy`; the
workers share this machine's per-post lock (they take turns, :mod:`cmsbridge.backends.turns`), or, as
hosts of their own (``hosts=True``: each its own home and state folders, so no lock file is shared), one
PostgreSQL outbox and the post's lock in it, while
another process keeps changing the post's title and excerpt directly and delayed writes land late, so
collisions are still met and repaired.
The checks: every update present exactly once, in time order (newest first), each body exactly once, title
and excerpt the last ones set.

Run as ``python -m tests.live_soak worker|titles ...`` for the child processes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, unquote, urlsplit

import jwt
import requests

ROOT = Path(__file__).resolve().parents[1]
T0 = dt.datetime(2026, 5, 6, 12, 0, tzinfo=dt.UTC)
INTRO = "Intro."


def at(index: int) -> str:
    return (T0 + dt.timedelta(minutes=index)).isoformat()


def update_id(run: str, index: int) -> str:
    return f"{run}-{index:04d}"


def body(run: str, index: int) -> str:
    return f"Soak {run} update number {index}."


def cli(*args: str, stdin: str = "", timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cmsbridge.cli", *args],
        input=stdin,
        text=True,
        capture_output=True,
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )


def append_args(
    site: str, post: str, run: str, index: int, outbox: str, timeout: float, budget: float
) -> list[str]:
    return [
        "append",
        post,
        "-",
        "--site",
        site,
        "--id",
        update_id(run, index),
        "--at",
        at(index),
        "--label",
        f"UPDATE {index}",
        "--outbox",
        outbox,
        "--timeout",
        str(timeout),
        "--budget",
        str(budget),
    ]


# --- direct access to the post (no proxy, no cmsbridge) ------------------------------------------------


class Direct(Protocol):
    def create(self, title: str) -> str:
        """A new published post holding one paragraph, :data:`INTRO`; its id."""
        ...

    def read(self, post: str) -> dict[str, str]:
        """``content`` (HTML or block markup in which update anchors read ``id="update-<id>"`` and each
        paragraph ``<p>text</p>``), ``title`` and ``excerpt``."""
        ...

    def set_meta(self, post: str, title: str, excerpt: str) -> None:
        """Change the title and excerpt only (raises ``requests.RequestException`` on failure)."""
        ...

    def spec(self) -> dict[str, str]:
        """Enough to rebuild this in a child process (:func:`direct_from`)."""
        ...


@dataclass
class WordPressDirect:
    url: str
    user: str
    password: str

    def _route(self, post: str) -> str:
        return f"{self.url}/?rest_route=/wp/v2/posts/{post}"

    def create(self, title: str) -> str:
        content = f"<!-- wp:paragraph -->\n<p>{INTRO}</p>\n<!-- /wp:paragraph -->"
        r = requests.post(
            f"{self.url}/?rest_route=/wp/v2/posts",
            auth=(self.user, self.password),
            timeout=30,
            json={"title": title, "content": content, "status": "publish"},
        )
        r.raise_for_status()
        return str(r.json()["id"])

    def read(self, post: str) -> dict[str, str]:
        r = requests.get(
            self._route(post), params={"context": "edit"}, auth=(self.user, self.password), timeout=30
        )
        r.raise_for_status()
        data = r.json()
        return {
            "content": data["content"]["raw"],
            "title": data["title"]["raw"],
            "excerpt": data["excerpt"]["raw"],
        }

    def set_meta(self, post: str, title: str, excerpt: str) -> None:
        r = requests.post(
            self._route(post),
            json={"title": title, "excerpt": excerpt},
            auth=(self.user, self.password),
            timeout=30,
        )
        r.raise_for_status()

    def spec(self) -> dict[str, str]:
        return {"kind": "wordpress", "url": self.url, "user": self.user, "password": self.password}


@dataclass
class GhostDirect:
    """The Admin API with plain ``requests`` and PyJWT. Every write sends the ``updated_at`` just read and
    is retried on Ghost's 409 ``UPDATE_COLLISION``; :meth:`set_meta` sends the title and excerpt only."""

    url: str
    key_id: str
    secret: str

    def _headers(self) -> dict[str, str]:
        now = int(time.time())
        token = jwt.encode(
            {"iat": now, "exp": now + 300, "aud": "/admin/"},
            bytes.fromhex(self.secret),
            algorithm="HS256",
            headers={"kid": self.key_id},
        )
        return {"Authorization": f"Ghost {token}", "Accept-Version": "v6.0"}

    def _api(self, route: str) -> str:
        return f"{self.url}/ghost/api/admin/{route}"

    def get(self, post: str, formats: str = "html,lexical") -> dict[str, Any]:
        r = requests.get(
            self._api(f"posts/{post}/"),
            params={"formats": formats, "include": "tags"},
            headers=self._headers(),
            timeout=30,
        )
        r.raise_for_status()
        return dict(r.json()["posts"][0])

    def create(self, title: str) -> str:
        paragraph = {
            "type": "paragraph",
            "version": 1,
            "direction": "ltr",
            "format": "",
            "indent": 0,
            "children": [
                {
                    "type": "extended-text",
                    "version": 1,
                    "detail": 0,
                    "format": 0,
                    "mode": "normal",
                    "style": "",
                    "text": INTRO,
                }
            ],
        }
        lexical = {
            "root": {
                "type": "root",
                "version": 1,
                "direction": "ltr",
                "format": "",
                "indent": 0,
                "children": [paragraph],
            }
        }
        r = requests.post(
            self._api("posts/"),
            headers=self._headers(),
            timeout=30,
            json={"posts": [{"title": title, "lexical": json.dumps(lexical), "status": "published"}]},
        )
        r.raise_for_status()
        return str(r.json()["posts"][0]["id"])

    def read(self, post: str) -> dict[str, str]:
        data = self.get(post)
        return {
            "content": str(data.get("html") or ""),
            "lexical": str(data.get("lexical") or ""),
            "title": str(data.get("title") or ""),
            "excerpt": str(data.get("custom_excerpt") or ""),
        }

    def put_once(self, post: str, fields: dict[str, Any], updated_at: str) -> dict[str, Any] | None:
        """PUT ``fields`` conditional on ``updated_at``; the saved post, or None on a collision (409)."""
        r = requests.put(
            self._api(f"posts/{post}/"),
            params={"formats": "lexical"},
            headers=self._headers(),
            timeout=30,
            json={"posts": [{**fields, "updated_at": updated_at}]},
        )
        if r.status_code == 409:
            return None
        r.raise_for_status()
        return dict(r.json()["posts"][0])

    def put(self, post: str, fields: dict[str, Any], *, attempts: int = 50) -> dict[str, Any]:
        """PUT ``fields`` with the current ``updated_at``, re-read and retried on a collision."""
        for _ in range(attempts):
            saved = self.put_once(post, fields, self.get(post, "lexical")["updated_at"])
            if saved is not None:
                return saved
            time.sleep(random.uniform(0.0, 0.2))
        raise requests.RequestException(f"{attempts} collisions in a row")

    def set_meta(self, post: str, title: str, excerpt: str) -> None:
        self.put(post, {"title": title, "custom_excerpt": excerpt})

    def spec(self) -> dict[str, str]:
        return {"kind": "ghost", "url": self.url, "key_id": self.key_id, "secret": self.secret}


def direct_from(spec: dict[str, str]) -> Direct:
    if spec["kind"] == "ghost":
        return GhostDirect(spec["url"], spec["key_id"], spec["secret"])
    return WordPressDirect(spec["url"], spec["user"], spec["password"])


# --- targets ---------------------------------------------------------------------------------------------


@dataclass
class Target:
    """A CMS to soak: ``upstream`` (the loopback server the proxy forwards to), ``site_template`` (the
    cmsbridge site URL with ``{port}`` for the proxy's port), ``direct`` and a short ``name``."""

    name: str
    upstream: str
    site_template: str
    direct: Direct

    def site(self, proxy_port: int) -> str:
        return self.site_template.replace("{port}", str(proxy_port))


def wordpress_target(site: dict[str, Any], transport: str = "rest", role: str = "editor") -> Target:
    """The test WordPress (the JSON of ``scripts/wordpress-server start``) over ``rest`` or ``xmlrpc``."""
    user = site["users"][role]
    auth = f"{user['user']}:{user['app_password']}@127.0.0.1:{{port}}"
    template = (
        f"wordpress-xmlrpc+http://{auth}"
        if transport == "xmlrpc"
        else f"wordpress+http://{auth}?api=rest_route"
    )
    return Target(
        f"wordpress-{transport}",
        site["url"],
        template,
        WordPressDirect(site["url"], user["user"], user["app_password"]),
    )


def ghost_target(site: str) -> Target:
    """The test Ghost from its cmsbridge site URL (``ghost+http://KEY_ID:SECRET@127.0.0.1:PORT``)."""
    parts = urlsplit(site)
    if parts.hostname is None or parts.username is None or parts.password is None:
        raise ValueError("a Ghost site URL with its Admin API key")
    upstream = f"http://{parts.hostname}:{parts.port or 80}"
    key_id, secret = unquote(parts.username), unquote(parts.password)
    template = f"ghost+http://{quote(key_id)}:{quote(secret)}@127.0.0.1:{{port}}{parts.path}"
    return Target("ghost", upstream, template, GhostDirect(upstream, key_id, secret))


# --- checks --------------------------------------------------------------------------------------------


def check_post(direct: Direct, post: str, run: str, indexes: list[int]) -> dict[str, str]:
    """Assert every update of ``indexes`` is present exactly once, newest first, with its body once."""
    state = direct.read(post)
    content = state["content"]
    found = re.findall(rf'id="update-({re.escape(run)}-\d+)"', content)
    expected = [update_id(run, i) for i in sorted(indexes, reverse=True)]
    missing = sorted(set(expected) - set(found))
    doubled = sorted({x for x in found if found.count(x) > 1})
    assert not missing, f"updates lost: {missing}"
    assert not doubled, f"updates duplicated: {doubled}"
    assert found == expected, "updates out of order"
    for i in indexes:
        assert content.count(body(run, i)) == 1, f"body of update {i} appears {content.count(body(run, i))}x"
    assert content.count(f"<p>{INTRO}</p>") == 1
    return state


# --- child processes -----------------------------------------------------------------------------------


def worker(args: argparse.Namespace) -> None:
    results = []
    for index in [int(x) for x in args.indexes.split(",") if x]:
        r = cli(
            *append_args(args.site, args.post, args.run, index, args.outbox, args.timeout, args.budget),
            stdin=body(args.run, index) + "\n",
        )
        results.append({"index": index, "rc": r.returncode, "out": r.stdout.strip(), "err": r.stderr[-500:]})
    print(json.dumps(results), flush=True)


def titles(args: argparse.Namespace) -> None:
    direct = direct_from(json.loads(args.direct))
    stop = Path(args.stop)
    n = 0
    last = None
    unconfirmed: list[tuple[str, str]] = []  # sent after the last confirmed change, answer lost
    while not stop.exists():
        n += 1
        title, excerpt = f"Soak title {n}", f"Soak excerpt {n}"
        try:
            direct.set_meta(args.post, title, excerpt)
            last, unconfirmed = (title, excerpt), []
        except requests.RequestException:
            unconfirmed.append((title, excerpt))  # the server may still have applied it
        time.sleep(args.interval)
    final: tuple[str | None, str | None] = last or (None, None)
    print(
        json.dumps({"changes": n, "title": final[0], "excerpt": final[1], "unconfirmed": unconfirmed}),
        flush=True,
    )


# --- runs ----------------------------------------------------------------------------------------------


@dataclass
class SoakReport:
    appends: int
    processes: int
    requests: int = 0
    faults: int = 0
    fault_ratio: float = 0.0
    applied: int = 0
    queued_then_flushed: int = 0
    title_changes: int = 0
    seconds: float = 0.0
    outcomes: dict[str, int] = field(default_factory=dict)
    homes: list[Path] = field(default_factory=list)
    """Each worker's home folder, when the workers run as hosts of their own."""


def host_env(home: Path) -> dict[str, str]:
    """The environment of a process on a host of its own: its home, state, config and cache folders (its
    own post locks, profiles and default outbox), the rest (the database's password) as here."""
    home.mkdir(parents=True, exist_ok=True)
    folders = {"XDG_STATE_HOME": ".local/state", "XDG_CONFIG_HOME": ".config", "XDG_CACHE_HOME": ".cache"}
    return {**os.environ, "HOME": str(home), **{k: str(home / v) for k, v in folders.items()}}


def soak(
    target: Target,
    tmp: Path,
    *,
    appends: int,
    processes: int,
    rate: float,
    seed: int,
    timeout: float = 1.5,
    budget: float = 30.0,
    title_interval: float = 0.3,
    outbox: str | None = None,
    hosts: bool = False,
) -> SoakReport:
    """``processes`` workers append ``appends`` updates to one new post; ``outbox`` (a ``postgresql://``
    URL) is shared by all of them instead of one SQLite outbox each; with ``hosts`` each worker runs as a
    host of its own (:func:`host_env`)."""
    from tests.faultproxy import FaultProxy

    direct = target.direct
    run = f"s{seed}{target.name[0]}{target.name[-1]}"
    post = direct.create(f"Soak {run}")
    report = SoakReport(appends, processes)
    stop = tmp / f"stop-{run}"
    start = time.monotonic()
    with FaultProxy(target.upstream, rate=rate, seed=seed, delay=timeout + 1.0, retry_after=1.0) as proxy:
        url = target.site(proxy.port)
        changer = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.live_soak",
                "titles",
                "--direct",
                json.dumps(direct.spec()),
                "--post",
                post,
                "--stop",
                str(stop),
                "--interval",
                str(title_interval),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        outboxes = [outbox or str(tmp / f"outbox-{run}-{w}.db") for w in range(processes)]
        report.homes = [tmp / f"host-{run}-{w}" for w in range(processes)] if hosts else []
        children = []
        for w in range(processes):
            indexes = ",".join(str(i) for i in range(w, appends, processes))
            children.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "tests.live_soak",
                        "worker",
                        "--site",
                        url,
                        "--post",
                        post,
                        "--run",
                        run,
                        "--indexes",
                        indexes,
                        "--outbox",
                        outboxes[w],
                        "--timeout",
                        str(timeout),
                        "--budget",
                        str(budget),
                    ],
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    text=True,
                    env=host_env(report.homes[w]) if hosts else None,
                )
            )
        results: list[dict[str, Any]] = []
        for child in children:
            out, _ = child.communicate(timeout=3600)
            results += json.loads(out.strip().splitlines()[-1])
        stop.touch()
        changer_out, _ = changer.communicate(timeout=60)
        report.requests, report.faults = proxy.counts["requests"], proxy.counts["faults"]
        report.fault_ratio = proxy.fault_ratio
        proxy.rate = 0.0
        time.sleep(proxy.delay + 1.0)  # delays are bounded: a delayed write has landed by now
        for box in dict.fromkeys(outboxes):  # whatever stayed queued is delivered by the next run
            flushed = cli("flush", "--site", url, "--outbox", box, "--timeout", "10")
            listed = cli("outbox", "--outbox", box).stdout if flushed.returncode else ""
            assert flushed.returncode == 0, (flushed.stdout, flushed.stderr, listed)
    report.seconds = time.monotonic() - start
    for r in results:
        report.outcomes[r["out"] or f"rc{r['rc']}"] = report.outcomes.get(r["out"] or f"rc{r['rc']}", 0) + 1
        assert r["rc"] in (0, 75), r
    report.applied = report.outcomes.get("applied", 0)
    report.queued_then_flushed = report.outcomes.get("queued", 0)
    meta = json.loads(changer_out.strip().splitlines()[-1])
    report.title_changes = meta["changes"]
    state = check_post(direct, post, run, list(range(appends)))
    # The post must show the changer's last confirmed title and excerpt, or one it sent later whose answer
    # was lost (the server may have applied it): never an earlier one, which a content write put back.
    final, last_set = (state["title"], state["excerpt"]), (meta["title"], meta["excerpt"])
    allowed = [last_set, *(tuple(pair) for pair in meta["unconfirmed"])]
    assert final in allowed, f"title/excerpt overwritten: the post has {final}, the last set was {last_set}"
    return report


def outage(target: Target, tmp: Path, *, appends: int, seconds: float, seed: int = 0) -> dict[str, Any]:
    """Appends while the server is unreachable queue (exit 75); after it is back, a flush delivers all."""
    from tests.faultproxy import FaultProxy

    direct = target.direct
    run = f"o{seed}{target.name[0]}{target.name[-1]}"
    post = direct.create(f"Outage {run}")
    outbox = str(tmp / f"outbox-{run}.db")
    counts = {"queued": 0, "applied": 0}
    with FaultProxy(target.upstream, rate=0.0) as proxy:
        url = target.site(proxy.port)
        proxy.paused = True
        start = time.monotonic()
        index = max(1, appends - 2)  # queued while down, spread over the outage; the rest after it
        for i in range(index):
            r = cli(*append_args(url, post, run, i, outbox, 1.0, 0.5), stdin=body(run, i) + "\n")
            assert (r.returncode, r.stdout.strip()) == (75, "queued"), (r.returncode, r.stdout, r.stderr)
            counts["queued"] += 1
            time.sleep(max(0.0, start + seconds * (i + 1) / index - time.monotonic()))
        proxy.paused = False
        for i in range(index, appends):  # back up: the queue goes first, then this one
            r = cli(*append_args(url, post, run, i, outbox, 5.0, 20.0), stdin=body(run, i) + "\n")
            assert (r.returncode, r.stdout.strip()) == (0, "applied"), (r.returncode, r.stdout, r.stderr)
            counts["applied"] += 1
        flushed = cli("flush", "--site", url, "--outbox", outbox)
        assert flushed.returncode == 0, flushed.stderr
    check_post(direct, post, run, list(range(appends)))
    return counts


def kills(
    target: Target, tmp: Path, *, appends: int, kills: int, rate: float = 0.3, seed: int = 0
) -> dict[str, Any]:
    """Queue updates, then kill delivering processes (SIGKILL) at random moments; nothing lost or doubled."""
    from tests.faultproxy import FaultProxy

    rng = random.Random(seed)
    direct = target.direct
    run = f"k{seed}{target.name[0]}{target.name[-1]}"
    post = direct.create(f"Kills {run}")
    outbox = str(tmp / f"outbox-{run}.db")
    killed = 0
    with FaultProxy(target.upstream, rate=rate, seed=seed, delay=2.0) as proxy:
        url = target.site(proxy.port)
        proxy.paused = True
        for i in range(appends):
            r = cli(*append_args(url, post, run, i, outbox, 1.0, 0.2), stdin=body(run, i) + "\n")
            assert r.returncode == 75, r.stderr
        proxy.paused = False
        while killed < kills:
            child = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "cmsbridge.cli",
                    "flush",
                    "--site",
                    url,
                    "--outbox",
                    outbox,
                    "--timeout",
                    "1.0",
                ],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(rng.uniform(0.3, 1.5))
            if child.poll() is None:
                os.kill(child.pid, signal.SIGKILL)
                killed += 1
            child.wait()
            if child.returncode == 0 and killed < kills:  # all delivered before a kill: queue more
                proxy.paused = True
                for i in range(appends, appends + 3):
                    cli(*append_args(url, post, run, i, outbox, 1.0, 0.2), stdin=body(run, i) + "\n")
                appends += 3
                proxy.paused = False
        proxy.rate = 0.0
        flushed = cli("flush", "--site", url, "--outbox", outbox)
        assert flushed.returncode == 0, flushed.stderr
        faults = proxy.counts["faults"]
    check_post(direct, post, run, list(range(appends)))
    return {"kills": killed, "appends": appends, "faults": faults}


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("worker")
    for name in ("site", "post", "run", "indexes", "outbox"):
        w.add_argument(f"--{name}", required=True)
    w.add_argument("--timeout", type=float, default=1.5)
    w.add_argument("--budget", type=float, default=30.0)
    t = sub.add_parser("titles")
    for name in ("direct", "post", "stop"):
        t.add_argument(f"--{name}", required=True)
    t.add_argument("--interval", type=float, default=0.3)
    args = parser.parse_args()
    worker(args) if args.command == "worker" else titles(args)


if __name__ == "__main__":
    main()
