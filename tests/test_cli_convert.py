"""`cmsbridge convert`: conversions through files and pipes; bad input gives one line and exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import cmsbridge

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "south-ossetia-liveblog.txt"


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cmsbridge.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _one_clean_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_json_through_pipes() -> None:
    post = cmsbridge.Post(title="Hello", blocks=(cmsbridge.Paragraph(inlines=(cmsbridge.Text(text="x"),)),))
    result = run("convert", "-", "--from", "json", "--to", "json", stdin=cmsbridge.write(post, "json"))
    assert result.returncode == 0, result.stderr
    assert cmsbridge.read(result.stdout, "json") == post


def test_unknown_format() -> None:
    line = _one_clean_line(run("convert", str(EXAMPLE), "--from", "json", "--to", "docx"))
    assert "unknown format 'docx'" in line


def test_unreadable_file(tmp_path: Path) -> None:
    line = _one_clean_line(run("convert", str(tmp_path / "missing.txt"), "--from", "json", "--to", "json"))
    assert "cannot read" in line and "missing.txt" in line


def test_not_utf8(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.json"
    bad.write_bytes('{"title": "caf\u00e9"}'.encode("latin-1"))
    line = _one_clean_line(run("convert", str(bad), "--from", "json", "--to", "json"))
    assert "not UTF-8" in line


@pytest.mark.parametrize("data", ["{", '{"blocks": 3}', "[]"])
def test_unparsable_input(data: str) -> None:
    line = _one_clean_line(run("convert", "-", "--from", "json", "--to", "json", stdin=data))
    assert line.startswith("cmsbridge: error: json:")


def test_missing_option() -> None:
    line = _one_clean_line(run("convert", "-", "--from", "json"))
    assert "--to" in line
