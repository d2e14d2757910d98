"""Plugins: an installed package adds a format and a site URL scheme through entry points (issue 14 item 5).

The plugin is "installed" the way importlib.metadata finds any distribution: a ``*.dist-info`` folder (its
METADATA and entry_points.txt) and its module on ``sys.path``; nothing is installed into the venv.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cmsbridge import plugins
from cmsbridge.backends.sites import Site, parse_site
from cmsbridge.errors import ConfigError
from tests.test_cli_inputs import one_error_line, run_main

PLUGIN_MODULE = '''
from cmsbridge.backends.base import Fetched, PostRef, Version
from cmsbridge.model import Paragraph, Post, plain_text, text

NAME = "shout"


def read(data, report):
    return Post(blocks=[Paragraph(inlines=text(line.lower())) for line in data.splitlines() if line])


def write(post, report):
    return "".join(plain_text(block.inlines).upper() + "\\n" for block in post.blocks)


class ShelfBackend:
    """Posts listed from a shelf: one post titled after the site's path."""

    def __init__(self, site, transport):
        self.path = site.url.partition(":")[2]

    def list(self, status=None):
        post = Post(title="from the shelf " + self.path, status="publish")
        yield Fetched(ref=PostRef("shelf-1", "https://shelf.example/1"), post=post, raw="", format="json",
                      version=Version("v1"))
'''

ENTRY_POINTS = """
[cmsbridge.formats]
shout = shoutplugin
broken = shoutplugin_is_not_installed

[cmsbridge.backends]
shelf = shoutplugin:ShelfBackend
"""


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A plugin distribution ``shoutplugin`` 0.1 on sys.path, seen by a fresh lookup of entry points."""
    (tmp_path / "shoutplugin.py").write_text(PLUGIN_MODULE)
    info = tmp_path / "shoutplugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: shoutplugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(ENTRY_POINTS)
    monkeypatch.syspath_prepend(str(tmp_path))
    plugins.clear_cache()
    yield tmp_path
    monkeypatch.delitem(sys.modules, "shoutplugin", raising=False)
    plugins.clear_cache()


def test_a_plugin_format_converts_both_ways(plugin: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = plugin / "in.md"
    source.write_text("First line\n\nSecond line\n")
    code, out, err = run_main(capsys, "convert", str(source), "--from", "markdown", "--to", "shout")
    assert (code, out) == (0, "FIRST LINE\nSECOND LINE\n")
    # the shout format loses letter case: found where the post crosses into it, and named per block
    assert "shout: this paragraph block does not read back identically from shout (block 1)" in err
    shouted = plugin / "in.shout"
    shouted.write_text(out)
    code, out, err = run_main(capsys, "convert", str(shouted), "--from", "shout", "--to", "markdown")
    assert code == 0, err
    assert "first line" in out and "second line" in out


def test_a_plugin_backend_serves_its_url_scheme(plugin: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(capsys, "list", "--site", "shelf:fiction")
    assert code == 0, err
    assert out.split("\t") == ["shelf-1", "publish", "from the shelf fiction", "https://shelf.example/1\n"]


def test_a_plugin_scheme_is_written_either_way_with_the_usual_checks(plugin: Path) -> None:
    site = parse_site("shelf+https://ed:pw@shelf.example/library/?shelf=top")
    assert (site.kind, site.url, site.user, site.secret) == (
        "shelf",
        "https://shelf.example/library",
        "ed",
        "pw",
    )
    assert site.options == {"shelf": "top"}
    assert parse_site("shelf:fiction?sort=new") == Site(
        kind="shelf", url="shelf:fiction", options={"sort": "new"}
    )
    with pytest.raises(ConfigError, match="https"):
        parse_site("shelf+http://ed:pw@shelf.example")


def test_formats_and_sites_list_the_plugins(plugin: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(capsys, "formats")
    listed = dict(line.split("\t", 1) for line in out.splitlines())
    assert code == 0 and listed["markdown"] == "built-in"
    assert "shoutplugin 0.1" in listed["shout"] and "shoutplugin 0.1" in listed["broken"]
    code, out, _ = run_main(capsys, "sites")
    schemes = {line.split("\t")[0]: line for line in out.splitlines()}
    assert code == 0 and {"wordpress", "wordpress-xmlrpc", "ghost", "files", "wxr", "shelf"} <= set(schemes)
    assert "shoutplugin 0.1" in schemes["shelf"] and "ShelfBackend" in schemes["shelf"]


def test_a_broken_plugin_is_one_error_naming_it(plugin: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = plugin / "in.md"
    source.write_text("Hello\n")
    argv = ("convert", str(source), "--from", "markdown", "--to", "broken")
    line = one_error_line(*run_main(capsys, *argv)[::2])
    assert "broken" in line and "shoutplugin 0.1" in line and "shoutplugin_is_not_installed" in line
    code, out, err = run_main(capsys, "convert", str(source), "--from", "markdown", "--to", "text")
    assert code == 0 and "Hello" in out, err


def test_without_the_plugin_its_names_are_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    plugins.clear_cache()
    line = one_error_line(*run_main(capsys, "list", "--site", "shelf:x")[::2])
    assert "unknown site scheme 'shelf'" in line
    assert "shout" not in run_main(capsys, "formats")[1]
