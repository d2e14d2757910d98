"""Hostile command lines: whatever the arguments, stdin and files, one line on stderr, never a traceback.

Every command is run in-process through ``main`` with bad site URLs and ports, IPv6 brackets, huge and
unprintable ids, unknown formats and options, invalid UTF-8 on stdin and in files, missing files,
folders given as files and ``-o`` into a missing folder. Sites are local (``files:``, ``wxr:``) or a
loopback port where nothing listens (connection refused at once). A failure is one line starting
``cmsbridge:`` (warnings about conversion losses aside) with a non-zero exit code that is not the
"internal error" of the last line of defence: the causes are fixed, not hidden.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmsbridge.cli import main
from tests.suite import examples

ROOT = Path(__file__).resolve().parents[1]
LIVEBLOG = str(ROOT / "examples" / "south-ossetia-liveblog.txt")
EXPORT = str(ROOT / "examples" / "sample-export.xml")
REFUSED = "127.0.0.1:9"  # the discard port: nothing listens on loopback, so connecting fails at once
INTERNAL_ERROR = 70


@pytest.fixture(autouse=True)
def _sandbox(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A working directory with hostile files; no site, profile or state from the user's environment."""
    for name in ("CMSBRIDGE_SITE", "CMSBRIDGE_PASSWORD", "CMSBRIDGE_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder.md").mkdir()  # a folder named like a post
    (tmp_path / "latin1.txt").write_bytes("Titre\n\ncaf\xe9\n".encode("latin-1"))
    (tmp_path / "junk.sqlite3").write_bytes(b"not a database\x00" * 100)
    (tmp_path / "junk.xml").write_bytes(b"<rss><channel><item><title>&undefined;</title>\xff")
    (tmp_path / "junk.json").write_text('{"blocks": [{"type": "paragraph", "inlines": 7}]}')
    (tmp_path / "deep.json").write_text("[" * 100_000)
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "good.md").write_text("---\ntitle: Good\nstatus: draft\n---\n\nText.\n")
    (posts / "bad.md").write_bytes(b"---\ntitle: [\xff\n---\n")
    (posts / "dir.md").mkdir()
    (tmp_path / "victim.md").write_text("---\ntitle: Not in the site\n---\n")


def run(argv: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``cmsbridge ARGV``; any exception that escapes fails the test."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    sys.stdout, sys.stderr = out, err
    try:
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
        code = code if isinstance(code, int) else (0 if code is None else 1)
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    return code, out.getvalue(), err.getvalue()


def check(argv: list[str], stdin: bytes = b"", *, error: bool) -> str:
    """Run ``argv``; assert one error line (when it failed) and no traceback; return stderr."""
    code, out, err = run(argv, stdin)
    assert "Traceback" not in out + err, err
    assert code != INTERNAL_ERROR, err
    if error:
        assert code != 0, (out, err)
    if code != 0:
        lines = [line for line in err.splitlines() if not line.startswith("warning: ")]
        assert len(lines) == 1, err
        assert lines[0].startswith("cmsbridge:"), err
    return err


HUGE_ID = "9" * 5000


def short(value: object) -> str:
    """A readable test id: arguments as given, long ones cut."""
    return repr(value).replace(HUGE_ID, "9...9").replace(str(ROOT), "ROOT")[:100]


BAD_SITES = [
    " ",
    ":",
    "nosuch",
    "files:",
    "wxr:",
    "wxr:missing.xml",
    "wxr:folder",
    "wxr:junk.xml",
    "wxr:latin1.txt",
    "files:latin1.txt",
    "files:missing/folder?format=nosuch",
    "files:posts?format=wxr",
    "http://example.com",
    "wordpress+ftp://u:p@127.0.0.1",
    "wordpress+http://",
    "wordpress+http://u:p@",
    "wordpress+http://u:p@127.0.0.1:99999",
    "wordpress+http://u:p@127.0.0.1:-1",
    "wordpress+http://u:p@127.0.0.1:port",
    "wordpress+http://u:p@127.0.0.1:" + "9" * 400,
    "wordpress+http://u:p@[::1",
    "wordpress+http://u:p@::1]:80",
    "wordpress+http://u:p@[zz::zz]:80",
    "wordpress+http://u:p@[::1]]:80",
    "wordpress+http://u:p@[fe80::1%25eth0]:80",
    "wordpress+http://u:p@exa mple.com",
    "wordpress+http://u:p@\x00host",
    "wordpress+https://u@127.0.0.1",
    "wordpress+http://u:p@10.0.0.1",
    "ghost+http://a:b@" + REFUSED,
    "ghost+http://abc:zz@" + REFUSED,
    "wordpress+http://u:p@" + REFUSED,
    "wordpress-xmlrpc+http://u:p@" + REFUSED,
    "wordpress+http://u:p@[::1]:9",
    "wordpress+http://u:p%zz@" + REFUSED,
    "wordpress+http://u:p@" + REFUSED + "/?api=nosuch",
]


def site_command_lines() -> list[list[str]]:
    lines = []
    for site in BAD_SITES:
        if site == "files:latin1.txt":
            lines += [["get", "1", "--site", site], ["publish", LIVEBLOG, "--site", site]]
            continue
        lines += [
            ["list", "--site", site],
            ["get", "1", "--site", site],
            ["publish", LIVEBLOG, "--site", site],
        ]
    return lines


@pytest.mark.parametrize("argv", site_command_lines(), ids=short)
def test_bad_sites_are_one_line(argv: list[str]) -> None:
    check(argv, error=argv[-1] not in {"files:posts?format=wxr"})


COMMAND_LINES: list[tuple[list[str], bytes]] = [
    (["nosuch"], b""),
    (["convert"], b""),
    (["convert", "--from", "nosuch", "--to", "json"], b"x"),
    (["convert", "--from", "text", "--to", "nosuch"], b"x"),
    (["convert", "--from", "text", "--to", "json", "--bogus"], b""),
    (["convert", "--from", "text", "--to", "json", "missing.txt"], b""),
    (["convert", "--from", "text", "--to", "json", "folder"], b""),
    (["convert", "--from", "text", "--to", "json", "latin1.txt"], b""),
    (["convert", "--from", "text", "--to", "json", "-"], b"Title\n\n\xff\xfe body"),
    (["convert", "--from", "json", "--to", "text", "-"], b"\xc3("),
    (["convert", "--from", "json", "--to", "text", "junk.json"], b""),
    (["convert", "--from", "json", "--to", "text", "deep.json"], b""),
    (["convert", "--from", "lexical", "--to", "html", "deep.json"], b""),
    (["convert", "--from", "lexical", "--to", "html", "-"], b'{"root": {"children": 5}}'),
    (["convert", "--from", "wxr", "--to", "text", "junk.xml"], b""),
    (["convert", "--from", "markdown", "--to", "html", "-"], b"---\ntitle: [1, 2]\ndate: {}\n---\n"),
    (["convert", "--from", "text", "--to", "json", "-o", "missing/folder/out.json", LIVEBLOG], b""),
    (["convert", "--from", "text", "--to", "json", "-o", "folder", LIVEBLOG], b""),
    (["convert", "--from", "text", "--to", "json", "-o", "", LIVEBLOG], b""),
    (["publish", "-"], b"Title\n"),
    (["publish", "folder.md", "--site", "files:posts"], b""),
    (["publish", "latin1.txt", "--site", "files:posts"], b""),
    (["publish", "-", "--from", "text", "--site", "files:posts"], b"\xff"),
    (["publish", LIVEBLOG, "--site", "files:posts", "--status", "nosuch"], b""),
    (["get", HUGE_ID, "--site", "files:posts"], b""),
    (["get", "bad", "--site", "files:posts"], b""),
    (["get", "dir", "--site", "files:posts"], b""),
    (["get", "../victim", "--site", "files:posts"], b""),
    (["get", "a\x00b", "--site", "files:posts"], b""),
    (["get", "\n", "--site", "files:posts"], b""),
    (["get", "good", "--site", "files:posts", "--to", "nosuch"], b""),
    (["get", "good", "--site", "files:posts", "-o", "missing/folder/x"], b""),
    (["get", "1", "--site", "wxr:" + EXPORT, "-o", "folder"], b""),
    (["delete", HUGE_ID, "--site", "files:posts"], b""),
    (["delete", "missing", "--site", "files:posts"], b""),
    (["delete", "../victim", "--site", "files:posts"], b""),
    (["delete", "1", "--site", "wxr:" + EXPORT], b""),
    (["delete", "1", "--site", "wordpress+http://u:p@" + REFUSED], b""),
    (["append", "good", "-", "--site", "files:posts", "--outbox", "out.sqlite3"], b"\xff\xfe"),
    (["append", "good", LIVEBLOG, "--site", "files:posts", "--outbox", "junk.sqlite3"], b""),
    (["append", "good", LIVEBLOG, "--site", "files:posts", "--outbox", "folder"], b""),
    (["append", "good", LIVEBLOG, "--site", "files:posts", "--outbox", "missing/x/o.db"], b""),
    (["append", "good", LIVEBLOG, "--site", "files:posts", "--timeout", "nan"], b""),
    (["append", "good", LIVEBLOG, "--site", "files:posts", "--timeout", "-1"], b""),
    (["append", "good", LIVEBLOG, "--site", "files:posts", "--budget", "inf"], b""),
    (["append", "good", LIVEBLOG, "--site", "files:posts", "--at", "yesterday-ish"], b""),
    (["append", "good", LIVEBLOG, "--site", "files:posts", "--at", "2026-13-45T99:99"], b""),
    (["append", "good", LIVEBLOG, "--site", "files:posts", "--tz", "Mars/Olympus"], b""),
    (["append", "good", LIVEBLOG, "--site", "files:posts", "--tz", "../../../etc/passwd"], b""),
    (["append", "good", LIVEBLOG, "--site", "files:posts", "--tz", "/etc/passwd"], b""),
    (["append", "good", LIVEBLOG, "--site", "files:posts", "--from", "nosuch"], b""),
    (["append", "good", "folder", "--site", "files:posts", "--outbox", "o.db"], b""),
    (["append", HUGE_ID, LIVEBLOG, "--site", "files:posts"], b""),
    (
        [
            *("append", "1", LIVEBLOG, "--site", f"wordpress+http://u:p@{REFUSED}", "--outbox", "o.db"),
            *("--timeout", "0.5", "--budget", "1"),
        ],
        b"",
    ),
    (["retract", "good", "--site", "files:posts", "--outbox", "junk.sqlite3", "--id", "x"], b""),
    (["flush", "--outbox", "junk.sqlite3"], b""),
    (["flush", "--outbox", "folder"], b""),
    (["flush", "--outbox", "missing/x/o.db", "--timeout", "0"], b""),
    (["outbox", "--outbox", "junk.sqlite3"], b""),
    (["outbox", "--outbox", "folder"], b""),
    (["schema", HUGE_ID, "--site", "files:posts"], b""),
    (["schema", "bad", "--site", "files:posts"], b""),
    (["migrate", "--from", "files:posts", "--to", "files:posts"], b""),
    (["migrate", "--from", "wxr:junk.xml", "--to", "files:out", "--state", "s.db"], b""),
    (["migrate", "--from", "wxr:" + EXPORT, "--to", "files:out", "--state", "junk.sqlite3"], b""),
    (["migrate", "--from", "wxr:" + EXPORT, "--to", "files:out", "--state", "folder"], b""),
    (["migrate", "--from", "wxr:" + EXPORT, "--to", "files:out", "--since", "last tuesday"], b""),
    (["migrate", "--from", "wxr:" + EXPORT, "--to", "files:out", "--limit", "0"], b""),
    (["migrate", "--from", "wxr:" + EXPORT, "--to", "files:out", "--limit", HUGE_ID], b""),
    (["migrate", "--from", "wxr:" + EXPORT, "--to", "files:out", "--media-root", "missing"], b""),
    (["migrate", "--from", "wxr:" + EXPORT, "--to", "wxr:" + EXPORT], b""),
    (["migrate", "--from", "wxr:" + EXPORT, "--to", "wordpress+http://u:p@127.0.0.1:99999"], b""),
    (["redirects", "--from", "wxr:" + EXPORT, "--to", "files:out", "--state", "junk.sqlite3"], b""),
    (["redirects", "--from", "wxr:" + EXPORT, "--to", "files:out", "--format", "nosuch"], b""),
    (["list", "--site", "files:latin1.txt"], b""),  # a file as the folder
]


@pytest.mark.parametrize(("argv", "stdin"), COMMAND_LINES, ids=short)
def test_hostile_command_lines_are_one_line(argv: list[str], stdin: bytes) -> None:
    check(argv, stdin, error=True)


ODD_BUT_VALID: list[tuple[list[str], bytes]] = [
    (["convert", "--from", "lexical", "--to", "html", "-"], b'{"root": {"children": [{"type": 1}]}}'),
    (["retract", "good", "--site", "files:posts", "--outbox", "o.db", "--id", HUGE_ID], b""),
    (["schema", "good", "--site", "files:posts", "--url", "javascript:alert(1)"], b""),
]


@pytest.mark.parametrize(("argv", "stdin"), ODD_BUT_VALID, ids=short)
def test_odd_command_lines_succeed_or_fail_in_one_line(argv: list[str], stdin: bytes) -> None:
    check(argv, stdin, error=False)


def test_an_id_never_reaches_outside_the_folder(tmp_path: Path) -> None:
    check(["delete", "../victim", "--site", "files:posts", "--force"], error=True)
    assert (tmp_path / "victim.md").exists()


def test_help_and_version_still_succeed() -> None:
    for argv in (["--help"], ["--version"], ["convert", "--help"], ["formats"]):
        code, out, err = run(argv)
        assert code == 0 and out and not err, (argv, err)


COMMANDS = [
    *("convert", "publish", "get", "list", "delete", "append", "retract", "flush", "outbox", "schema"),
    *("migrate", "redirects"),
]
VALUES = [
    "-",
    "",
    "x",
    "good",
    "../victim",
    "folder",
    "folder.md",
    "latin1.txt",
    "junk.json",
    "junk.xml",
    "junk.sqlite3",
    "missing/x",
    LIVEBLOG,
    "files:posts",
    "wxr:" + EXPORT,
    "wordpress+http://u:p@127.0.0.1:99999",
    "wordpress+http://u:p@[::1",
    "nan",
    "-1",
    "0",
    "1e999",
    "json",
    "gutenberg",
    "nosuch",
    "\x00",
    "\u202e",
    "9" * 300,
]
OPTIONS = [
    *("--from", "--to", "--site", "-o", "--id", "--at", "--tz", "--outbox", "--timeout", "--budget"),
    *("--state", "--since", "--limit", "--status", "--format", "--url"),
]
FLAGS = ["--json", "--key", "--replace", "--force", "--all", "--insecure", "--dry-run", "--"]


@given(
    command=st.sampled_from(COMMANDS),
    words=st.lists(
        st.one_of(
            st.tuples(st.sampled_from(OPTIONS), st.sampled_from(VALUES)),
            st.sampled_from(FLAGS).map(lambda flag: (flag,)),
            st.sampled_from(VALUES).map(lambda value: (value,)),
        ),
        max_size=6,
    ),
    stdin=st.sampled_from([b"", b"Title\n\nBody\n", b"\xff\xfe\x00", b'{"root": []}', b"---\n[\n"]),
)
@settings(
    max_examples=examples(400),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_random_hostile_command_lines_never_trace(
    command: str, words: list[tuple[str, ...]], stdin: bytes
) -> None:
    # the default site is the sandbox's posts/; migrations start from the sample export (words may override)
    sites = ["--from", "wxr:" + EXPORT, "--to", "files:out", "--state", "s.db"]
    argv = [command, *(sites if command in {"migrate", "redirects"} else ()), *(w for g in words for w in g)]
    check(argv, stdin, error=False)


def test_no_arguments_print_the_help_not_an_error_line() -> None:
    code, out, err = run([])
    assert code == 2 and not out
    assert err.startswith("Usage: cmsbridge") and "cmsbridge: error" not in err and "Commands:" in err
