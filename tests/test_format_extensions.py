"""Format names and file extensions: one table (``formats.EXTENSIONS``), asked by ``cmsbridge publish``
when it tells a file's format by its name and by a ``files:`` folder when it names the files it writes
(issue 14, item 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

import cmsbridge
from cmsbridge import formats
from cmsbridge.backends.files import FilesBackend
from cmsbridge.cli import main
from cmsbridge.report import ConversionReport

POST = cmsbridge.Post(
    title="Hello",
    slug="hello",
    status="draft",
    blocks=(cmsbridge.Paragraph(inlines=(cmsbridge.Text(text="Body."),)),),
)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("x.md", "markdown"),
        ("notes/X.Markdown", "markdown"),
        ("x.txt", "text"),
        ("x.json", "json"),
        ("x.HTML", "gutenberg"),  # HTML files are WordPress markup, as they always were
        ("x.lexical", "lexical"),
        ("export.xml", "wxr"),
        ("x.rst", None),
        ("README", None),
        ("-", None),
    ],
)
def test_a_file_name_tells_its_format(name: str, fmt: str | None) -> None:
    assert formats.format_of(name) == fmt


def test_every_built_in_format_has_extensions_and_each_extension_reads_as_a_format() -> None:
    assert set(formats.EXTENSIONS) == set(formats.FORMATS)
    for fmt, suffixes in formats.EXTENSIONS.items():
        assert formats.extension(fmt) == suffixes[0]
        for suffix in suffixes:
            assert formats.format_of(f"post{suffix}") in formats.FORMATS


@pytest.mark.parametrize(
    ("fmt", "suffix"),
    [("md", ".md"), ("txt", ".txt"), ("wordpress", ".html"), ("some-plugin-format", ".some-plugin-format")],
)
def test_an_alias_is_written_as_its_format_and_an_unlisted_format_as_its_name(fmt: str, suffix: str) -> None:
    assert formats.extension(fmt) == suffix


@pytest.mark.parametrize("fmt", ["markdown", "md", "text", "json", "gutenberg", "html", "wordpress"])
def test_a_files_folder_writes_and_lists_files_with_its_formats_extension(tmp_path: Path, fmt: str) -> None:
    backend = FilesBackend(tmp_path, format=fmt)
    ref = backend.create(POST, report=ConversionReport())  # some formats hold no title: not this test's
    written = sorted(path.name for path in tmp_path.iterdir() if path.is_file() and path.name[0] != ".")
    assert written == [f"{ref.id}{formats.extension(fmt)}"]
    assert [fetched.ref.id for fetched in backend.list()] == [ref.id]


@pytest.mark.parametrize(
    ("fmt", "name"), [("markdown", "post.md"), ("json", "post.json"), ("gutenberg", "post.html")]
)
def test_publish_reads_a_file_in_the_format_its_name_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, name: str
) -> None:
    source = tmp_path / name
    source.write_text(cmsbridge.write(POST, fmt, report=ConversionReport()), encoding="utf-8")
    site = tmp_path / "site"
    assert main(["publish", str(source), "--site", f"files:{site}?format=json"]) == 0, capsys.readouterr().err
    post_id = capsys.readouterr().out.split("\t")[0]
    published = cmsbridge.read((site / f"{post_id}.json").read_text(encoding="utf-8"), "json")
    assert published.blocks == POST.blocks


def test_publish_of_a_file_whose_name_tells_no_format_asks_for_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "post.rst"
    source.write_text("Body.\n", encoding="utf-8")
    assert main(["publish", str(source), "--site", f"files:{tmp_path / 'site'}"]) == 2
    assert "give --from FMT" in capsys.readouterr().err
