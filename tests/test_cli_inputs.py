"""Inputs and outcomes that mean what they say (issue 13, items 4 and 5), through the command line.

Profiles' booleans are booleans; bad ports, hosts, bytes and ids are one line and exit 2; ``-o`` writes
atomically; a post with no status is a draft; one bad file of a ``files:`` folder is reported and skipped
(never a hang); ``migrate`` into itself or into an export is refused; an undefined entity in an export is
kept and reported; and any other exception is one line naming the command, exit 70.
"""

from __future__ import annotations

import errno
import io
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cmsbridge import formats
from cmsbridge.backends.files import FilesBackend
from cmsbridge.backends.sites import parse_site, resolve
from cmsbridge.cli import main
from cmsbridge.errors import ConfigError, ParseError, UsageError
from cmsbridge.report import ConversionReport

PUBLISHED = "---\ntitle: Kept\nstatus: publish\n---\n\nText.\n"


@pytest.fixture(autouse=True)
def _no_site_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("CMSBRIDGE_SITE", "CMSBRIDGE_PASSWORD", "CMSBRIDGE_DEBUG", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Should a regression reach for a site, no name is looked up and nothing leaves the machine."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "no network in these tests")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of the command line (main's return value is tested on its own)."""
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(code: int, err: str, *, exit_code: int = 2) -> str:
    assert code == exit_code, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("cmsbridge: ")
    return lines[0]


# --- profiles: booleans are booleans ------------------------------------------------------------------------


def _profile(tmp_path: Path, body: str) -> list[Path]:
    path = tmp_path / "cmsbridge.toml"
    path.write_text(f"[sites.news]\nurl = 'wordpress+http://editor:pw@news.invalid'\n{body}\n")
    return [path]


@pytest.mark.parametrize("value", ['"false"', '"true"', '""', "1", "0"])
def test_a_profile_insecure_that_is_not_a_boolean_is_an_error(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match="insecure must be true or false"):
        resolve("news", paths=_profile(tmp_path, f"insecure = {value}"))


def test_a_profile_insecure_false_keeps_plain_http_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="refusing plain http"):
        resolve("news", paths=_profile(tmp_path, "insecure = false"))
    assert resolve("news", paths=_profile(tmp_path, "insecure = true")).insecure is True


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("password_env = true", "password_env must be a string"),
        ("key_env = 3", "key_env must be a string"),
        ("insecrue = true", "unknown key 'insecrue'"),
    ],
)
def test_profile_keys_have_their_types(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        resolve("news", paths=_profile(tmp_path, body))


def test_a_profile_with_a_string_insecure_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _profile(tmp_path, 'insecure = "false"')
    line = one_error_line(*run_main(capsys, "list", "--site", "news")[::2])
    assert "insecure" in line and "pw" not in line


# --- site URLs ----------------------------------------------------------------------------------------------

BAD_URLS = [
    "wordpress+https://u:sekrit@host:99999",
    "wordpress+https://u:sekrit@host:abc",
    "wordpress+https://u:sekrit@[::1",
    "ghost+https://u:sekrit@[zz]",
    "wordpress-xmlrpc+https://u:sekrit@host:-1/",
    "wordpress+https://u:sekrit@host:0",
    "wordpress+https://u:sekrit@ho st/",
    "wordpress+https://u:sekrit@host%00/",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_bad_port_or_host_is_a_config_error(url: str) -> None:
    with pytest.raises(ConfigError, match="bad host or port") as caught:
        parse_site(url)
    assert "sekrit" not in str(caught.value)


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_bad_port_or_host_is_one_line_exit_2(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    line = one_error_line(*run_main(capsys, "list", "--site", url)[::2])
    assert "sekrit" not in line


def test_good_hosts_still_parse() -> None:
    ipv6 = "wordpress+https://u:p@[2001:db8::1]:8443/blog"
    assert parse_site(ipv6).url == "https://[2001:db8::1]:8443/blog"
    assert parse_site("ghost+https://k:s@Bücher.example:8080").url == "https://bücher.example:8080"
    assert parse_site("wordpress+http://u:p@127.0.0.1:8080/").url == "http://127.0.0.1:8080"


def test_a_folder_of_an_unknown_format_is_a_config_error(capsys: pytest.CaptureFixture[str]) -> None:
    line = one_error_line(*run_main(capsys, "list", "--site", "files:posts?format=nonsense")[::2])
    assert "unknown format 'nonsense'" in line


# --- standard input -----------------------------------------------------------------------------------------


def test_stdin_that_is_not_utf8_is_one_line_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Title\n\n\xff\xfe body\n"), encoding="utf-8")
    )
    line = one_error_line(*run_main(capsys, "convert", "-", "--from", "text", "--to", "html")[::2])
    assert "standard input" in line and "UTF-8" in line


def test_stdin_in_utf8_still_converts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO("Tïtle\n\nBody ✓\n".encode()), encoding="utf-8")
    )
    code, out, err = run_main(capsys, "convert", "-", "--from", "text", "--to", "html")
    assert code == 0, err
    assert "Body ✓" in out


# --- post ids -----------------------------------------------------------------------------------------------

LONG_ID = "1" * 10_000


@pytest.mark.parametrize(
    "args",
    [
        ("delete", LONG_ID),
        ("get", LONG_ID),
        ("delete", LONG_ID, "--site", "wordpress+https://u:p@news.invalid"),
        ("get", LONG_ID, "--site", "ghost+https://id:00ff@news.invalid"),
        ("delete", "12\n34"),
        ("append", LONG_ID, "update.txt"),
        ("schema", LONG_ID),
    ],
)
def test_an_overlong_or_unprintable_id_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    (tmp_path / "posts").mkdir()
    (tmp_path / "update.txt").write_text("An update.\n")
    line = one_error_line(*run_main(capsys, *args)[::2])
    assert len(line) < 300


def test_the_files_backend_refuses_an_overlong_id_before_touching_the_disk(tmp_path: Path) -> None:
    backend = FilesBackend(tmp_path)
    for call in (backend.delete, backend.get, backend.read_versioned):
        with pytest.raises(UsageError) as caught:
            call("1" * 300)
        assert len(str(caught.value)) < 300


def test_a_long_valid_id_still_works(tmp_path: Path) -> None:
    backend = FilesBackend(tmp_path)
    ref = backend.create(formats.read(PUBLISHED.replace("title: Kept", f"slug: {'a' * 80}"), "markdown"))
    assert backend.get(ref.id).post.status == "publish"
    backend.delete(ref.id)


# --- -o FILE writes atomically ------------------------------------------------------------------------------


def _convert_to_file(
    source: Path, output: Path, *, file_size_limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    limit = ""
    if file_size_limit is not None:  # writes past the limit fail with EFBIG, as on a full disk
        limit = (
            "import resource, signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
            f"resource.setrlimit(resource.RLIMIT_FSIZE, ({file_size_limit}, {file_size_limit})); "
        )
    code = f"import sys; {limit}from cmsbridge.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "convert",
            str(source),
            "--from",
            "text",
            "--to",
            "html",
            "-o",
            str(output),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_failing_write_of_o_file_leaves_the_old_file_whole(tmp_path: Path) -> None:
    source = tmp_path / "post.txt"
    source.write_text("Title\n\n" + "A paragraph of the new post.\n\n" * 400)
    output = tmp_path / "out.html"
    old = "<p>the old output, which must survive</p>\n" * 20
    output.write_text(old)
    result = _convert_to_file(source, output, file_size_limit=4096)
    line = one_error_line(result.returncode, result.stderr)
    assert "cannot write" in line
    assert output.read_text() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html", "post.txt"]  # no temporary file left


def test_o_file_replaces_the_file_and_keeps_its_mode(tmp_path: Path) -> None:
    source = tmp_path / "post.txt"
    source.write_text("Title\n\nNew text.\n")
    output = tmp_path / "out.html"
    output.write_text("old")
    output.chmod(0o640)
    link = tmp_path / "link.html"
    link.symlink_to(output.name)
    result = _convert_to_file(source, link)
    assert result.returncode == 0, result.stderr
    assert "New text." in output.read_text()
    assert link.is_symlink()
    assert stat.S_IMODE(output.stat().st_mode) == 0o640


def test_o_file_creates_a_new_file_with_the_umask(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "post.txt").write_text("Title\n\nNew text.\n")
    old_mask = os.umask(0o027)
    try:
        code, _, err = run_main(
            capsys, "convert", "post.txt", "--from", "text", "--to", "html", "-o", "new.html"
        )
    finally:
        os.umask(old_mask)
    assert code == 0, err
    assert stat.S_IMODE((tmp_path / "new.html").stat().st_mode) == 0o640


def test_a_failing_rename_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "post.txt"
    source.write_text("Title\n\nNew text.\n")
    output = tmp_path / "out.html"
    output.write_text("old")

    def no_space(*args: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    line = one_error_line(
        *run_main(capsys, "convert", str(source), "--from", "text", "--to", "html", "-o", str(output))[::2]
    )
    assert "No space left on device" in line
    assert output.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html", "post.txt"]


# --- a post with no status is a draft -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "status"),
    [
        ("", "draft"),
        ("---\ntitle: T\n---\n", "draft"),
        ("---\nstatus: Draft\n---\n", "draft"),
        ("---\nstatus: ' PUBLISH '\n---\n", "publish"),
        ("---\ndraft: false\n---\n", "publish"),
        ("---\ndraft: true\n---\n", "draft"),
        ("---\npublished: false\n---\n", "draft"),
        ("---\npublished: true\n---\n", "publish"),
    ],
)
def test_markdown_status_is_what_the_file_says_else_draft(front: str, status: str) -> None:
    assert formats.read(front + "Body.\n", "markdown").status == status


@pytest.mark.parametrize(
    "front",
    ["status: live", "status: 1", "draft: 'false'", "draft: no way", "published: 'yes'", "status: [publish]"],
)
def test_markdown_with_an_unknown_status_is_an_error(front: str) -> None:
    with pytest.raises(ParseError):
        formats.read(f"---\n{front}\n---\nBody.\n", "markdown")


def test_json_without_a_status_is_a_draft() -> None:
    assert formats.read('{"title": "T"}', "json").status == "draft"


def test_publishing_markdown_without_front_matter_makes_a_draft(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "note.md").write_text("Just a paragraph pasted by a reporter.\n")
    code, _, err = run_main(capsys, "publish", "note.md", "--site", "files:site")
    assert code == 0, err
    assert [f.post.status for f in FilesBackend(tmp_path / "site").list()] == ["draft"]
    code, _, err = run_main(capsys, "publish", "note.md", "--site", "files:site", "--status", "publish")
    assert code == 0, err
    assert sorted(f.post.status for f in FilesBackend(tmp_path / "site").list()) == ["draft", "publish"]


# --- one bad file in a files: folder ------------------------------------------------------------------------


def _folder_with_bad_files(root: Path) -> None:
    root.mkdir()
    (root / "good.md").write_text(PUBLISHED)
    (root / "folder.md").mkdir()
    (root / "dangling.md").symlink_to(root / "nowhere.md")
    (root / "latin1.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    (root / "front.md").write_text("---\ntitle: [unclosed\n---\nBody\n")
    (root / "status.md").write_text("---\nstatus: live\n---\nBody\n")


BAD_NAMES = {"folder.md", "dangling.md", "latin1.md", "front.md", "status.md"}


def test_a_fifo_in_a_folder_does_not_hang_list(tmp_path: Path) -> None:
    root = tmp_path / "posts"
    _folder_with_bad_files(root)
    os.mkfifo(root / "x.md")
    result = subprocess.run(
        [sys.executable, "-m", "cmsbridge.cli", "list", "--site", f"files:{root}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["good"]
    assert "Traceback" not in result.stderr
    warned = {line.split()[2].rstrip(":") for line in result.stderr.splitlines()}
    assert warned == BAD_NAMES | {"x.md"}
    got = subprocess.run(
        [sys.executable, "-m", "cmsbridge.cli", "get", "x", "--site", f"files:{root}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert got.returncode != 0
    assert got.stderr.strip().splitlines() == [got.stderr.strip()] and "not a regular file" in got.stderr


def test_a_fifo_alone_among_good_files_does_not_hang_list(tmp_path: Path) -> None:
    """The FIFO by itself (no other bad file to fail on first): opening it for reading would wait forever."""
    root = tmp_path / "posts"
    root.mkdir()
    (root / "good.md").write_text(PUBLISHED)
    os.mkfifo(root / "x.md")
    cli = [sys.executable, "-m", "cmsbridge.cli", "list", "--site", f"files:{root}"]
    result = subprocess.run(cli, capture_output=True, text=True, timeout=20)
    assert result.returncode == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["good"]
    assert "x.md" in result.stderr and "Traceback" not in result.stderr


def test_a_yaml_alias_bomb_in_a_folder_stalls_neither_list_nor_migrate(tmp_path: Path) -> None:
    """One 350-byte bomb (3 GB and 200 s to expand) is one skipped file, not a stalled run of the folder."""
    from tests.test_reader_bounds import yaml_bomb

    root = tmp_path / "posts"
    root.mkdir()
    (root / "good.md").write_text(PUBLISHED)
    (root / "bomb.md").write_text(yaml_bomb(9))
    cli = [sys.executable, "-m", "cmsbridge.cli"]
    listed = subprocess.run(
        [*cli, "list", "--site", f"files:{root}"], capture_output=True, text=True, timeout=30
    )
    assert listed.returncode == 0, listed.stderr
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == ["good"]
    assert "bomb.md" in listed.stderr and "Traceback" not in listed.stderr
    moved = subprocess.run(
        [*cli, "migrate", "--from", f"files:{root}", "--to", "files:copy", "--state", "state.db"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
    )
    assert moved.returncode == 1, moved.stderr
    assert [p.name for p in (tmp_path / "copy").glob("*.md")] == ["kept.md"]
    assert "Traceback" not in moved.stderr


def test_bad_files_are_skipped_and_named(tmp_path: Path) -> None:
    root = tmp_path / "posts"
    _folder_with_bad_files(root)
    backend = FilesBackend(root)
    assert [f.ref.id for f in backend.list()] == ["good"]
    assert {entry.split(":")[0] for entry in backend.skipped} == BAD_NAMES
    assert all("\n" not in entry for entry in backend.skipped)


def test_an_unreadable_file_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "posts"
    root.mkdir()
    (root / "good.md").write_text(PUBLISHED)
    (root / "secret.md").write_text(PUBLISHED)
    real_open = os.open

    def denying(path: Any, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith("secret.md"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", denying)
    backend = FilesBackend(root)
    assert [f.ref.id for f in backend.list()] == ["good"]
    assert backend.skipped == ["secret.md: Permission denied"]


def test_getting_a_bad_file_is_one_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "posts"
    _folder_with_bad_files(root)
    for post_id in ("folder", "latin1", "front", "status"):
        code, _, err = run_main(capsys, "get", post_id, "--site", f"files:{root}")
        assert code in (1, 2), err
        one_error_line(code, err, exit_code=code)


def test_migrate_skips_bad_files_and_reports_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "posts"
    _folder_with_bad_files(root)
    code, out, err = run_main(
        capsys, "migrate", "--from", f"files:{root}", "--to", "files:copy", "--state", "state.db", "--json"
    )
    assert code == 1, err
    assert [p.name for p in (tmp_path / "copy").glob("*.md")] == ["kept.md"]
    import json

    failed = {p["source_id"] for p in json.loads(out)["posts"] if p["action"] == "failed"}
    assert failed == BAD_NAMES


def test_a_read_only_target_folder_is_one_line_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "post.md").write_text(PUBLISHED)
    real_mkdir = Path.mkdir

    def read_only(self: Path, *args: Any, **kwargs: Any) -> None:
        if "readonly" in str(self):
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", read_only)
    line = one_error_line(*run_main(capsys, "publish", "post.md", "--site", "files:readonly/posts")[::2])
    assert "Read-only file system" in line


# --- migrate: into itself, into an export -------------------------------------------------------------------


@pytest.mark.parametrize("target", ["files:posts", "files:./posts/", "files:{root}", "wxr:export.xml"])
def test_migrate_into_itself_or_an_export_is_refused_before_it_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    root = tmp_path / "posts"
    root.mkdir()
    (root / "kept.md").write_text(PUBLISHED)
    (tmp_path / "export.xml").write_text("<rss><channel/></rss>")
    code, _, err = run_main(
        capsys, "migrate", "--from", "files:posts", "--to", target.format(root=root), "--state", "state.db"
    )
    line = one_error_line(code, err)
    assert "into itself" in line or "read-only" in line
    assert not (tmp_path / "state.db").exists()
    assert [p.name for p in root.iterdir()] == ["kept.md"]


def test_migrate_to_the_same_folder_in_another_format_is_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "posts"
    root.mkdir()
    (root / "kept.md").write_text(PUBLISHED)
    code, _, err = run_main(
        capsys, "migrate", "--from", "files:posts", "--to", "files:posts?format=json", "--state", "state.db"
    )
    assert code == 0, err
    assert (root / "kept.json").exists()


# --- an undefined entity in an export -----------------------------------------------------------------------

WXR = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE rss SYSTEM "wxr.dtd">
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Site</title>
<item><title>Rates &foo; rise &amp; fall</title><wp:post_id>7</wp:post_id><wp:post_type>post</wp:post_type>
<wp:status>publish</wp:status><wp:post_name>rates-&bar;</wp:post_name>
<content:encoded><![CDATA[<p>Body</p>]]></content:encoded></item>
</channel></rss>
"""


def test_an_undefined_entity_in_a_title_is_kept_and_reported() -> None:
    report = ConversionReport()
    post = formats.read(WXR, "wxr", report=report)
    assert post.title == "Rates &foo; rise & fall"
    assert post.slug == "rates-&bar;"
    assert any("&foo;" in message for message in report.messages())
    assert any("&bar;" in message for message in report.messages())


def test_an_undefined_entity_is_kept_in_a_listed_export(tmp_path: Path) -> None:
    from cmsbridge.backends.sites import connect

    (tmp_path / "export.xml").write_text(WXR)
    [fetched] = connect(f"wxr:{tmp_path / 'export.xml'}").list()
    assert fetched.post.title == "Rates &foo; rise & fall"
    assert fetched.post.slug == "rates-&bar;"
    assert any("&foo;" in message for message in fetched.report.messages())


# --- the last line of defence -------------------------------------------------------------------------------


def _boom(*args: Any, **kwargs: Any) -> Any:
    raise ValueError("bad thing at https://editor:hunter2-secret@news.example.com/x\nsecond line")


def test_main_returns_the_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "post.txt").write_text("Title\n\nBody\n")
    assert main(["convert", "post.txt", "--from", "text", "--to", "html"]) == 0
    assert main(["convert", "missing.txt", "--from", "text", "--to", "html"]) == 2
    assert main(["--version"]) == 0
    capsys.readouterr()


def test_the_console_script_is_main() -> None:
    from importlib.metadata import entry_points

    [script] = [e for e in entry_points(group="console_scripts") if e.name == "cmsbridge"]
    assert script.load() is main


def test_an_unexpected_exception_is_one_line_naming_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "post.txt").write_text("Title\n\nBody\n")
    monkeypatch.setattr(formats, "convert", _boom)
    code, _, err = run_main(capsys, "convert", "post.txt", "--from", "text", "--to", "html")
    line = one_error_line(code, err, exit_code=70)
    assert line.startswith("cmsbridge: internal error in convert: ValueError: bad thing at https://editor:")
    assert "hunter2" not in line and "second line" in line


def test_an_unexpected_exception_in_migrate_names_migrate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import cmsbridge.migration.run

    monkeypatch.setattr(cmsbridge.migration.run, "migrate", _boom)
    code, _, err = run_main(capsys, "migrate", "--from", "files:a", "--to", "files:b", "--state", "s.db")
    assert one_error_line(code, err, exit_code=70).startswith(
        "cmsbridge: internal error in migrate: ValueError"
    )


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_debug_prints_the_whole_trace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    (tmp_path / "post.txt").write_text("Title\n\nBody\n")
    monkeypatch.setattr(formats, "convert", _boom)
    args = ["convert", "post.txt", "--from", "text", "--to", "html"]
    if how == "flag":
        args.insert(0, "--debug")
    else:
        monkeypatch.setenv("CMSBRIDGE_DEBUG", "1")
    code, _, err = run_main(capsys, *args)
    assert code == 70
    assert "Traceback" in err and "_boom" in err
    assert err.strip().splitlines()[-1].startswith("cmsbridge: internal error in convert: ValueError")
    assert "hunter2" not in err


def test_ctrl_c_is_one_line_exit_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "post.txt").write_text("Title\n\nBody\n")

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(formats, "convert", interrupted)
    code, _, err = run_main(capsys, "convert", "post.txt", "--from", "text", "--to", "html")
    assert code == 130
    assert err.strip().splitlines() == ["cmsbridge: interrupted"]
