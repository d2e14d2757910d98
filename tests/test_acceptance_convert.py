"""Issue 2's acceptance, end to end through the command line and WordPress's own parser (PHP).

`cmsbridge convert examples/south-ossetia-liveblog.txt --from text --to gutenberg` prints markup that
WordPress's parser reads as an embed, paragraphs, the quotes (issue 16) and the update markers;
converting it back to text gives the same post (its blocks: block markup holds no title, which the
conversion reports).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import cmsbridge
from tests import php_oracle

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "south-ossetia-liveblog.txt"


def convert(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cmsbridge.cli", "convert", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_example_to_gutenberg_reads_in_wordpress_and_back() -> None:
    reason = php_oracle.missing()
    if reason is not None:
        pytest.skip(reason)
    original = cmsbridge.read(EXAMPLE.read_text(encoding="utf-8"), "text")
    to_wp = convert(str(EXAMPLE), "--from", "text", "--to", "gutenberg")
    assert to_wp.returncode == 0, to_wp.stderr
    assert "holds no post title" in to_wp.stderr  # reported, not silent

    (parsed,) = php_oracle.run([to_wp.stdout], serialize=False)
    blocks = [b for b in parsed["parse"] if b["blockName"] is not None]
    names = [b["blockName"] for b in blocks]
    assert names[0] == "core/embed"
    assert blocks[0]["attrs"]["providerNameSlug"] == "youtube"
    assert "https://www.youtube.com/watch?v=E4AD6mOZm9I" in blocks[0]["innerHTML"]
    assert set(names[1:]) == {"core/paragraph", "core/quote"}
    markers = [b for b in blocks if 'id="update-' in b["innerHTML"]]
    assert [m["attrs"]["anchor"] for m in markers] == [u.anchor for u in original.updates()]
    assert all("<time datetime=" in m["innerHTML"] for m in markers)
    # the five excerpts the post quotes, each cited by the word its link was on (issue 16)
    quotes = [b for b in blocks if b["blockName"] == "core/quote"]
    assert len(quotes) == 5
    assert all(q["innerHTML"].strip().endswith("<cite>link</cite></blockquote>") for q in quotes)
    assert all([i["blockName"] for i in q["innerBlocks"]] == ["core/paragraph"] for q in quotes)
    assert "5 quotes" in to_wp.stderr and "no source URL" in to_wp.stderr  # the unknown address, named
    paragraphs = [b for b in blocks[1:] if b not in markers and b not in quotes]
    assert len(paragraphs) == sum(isinstance(b, cmsbridge.Paragraph) for b in original.blocks)

    back = convert("-", "--from", "gutenberg", "--to", "text", stdin=to_wp.stdout)
    assert back.returncode == 0, back.stderr
    again = cmsbridge.read(original.title + "\n\n" + back.stdout.lstrip("\n"), "text")
    assert again == original
