"""Issue 16, item 1: the text format reads quotes the way newsroom text carries them.

A paragraph ending with a bare attribution (``... the website said." link``) is a quote whose citation
is the word and whose source URL is unknown; the lead-in before it stays a paragraph; an escaped one
(``\\link``) is a paragraph; the writer writes both back as they read (docs/text-format.md rule 8). The
formats that have a place for a source URL name the unknown ones in one warning.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cmsbridge
from cmsbridge.formats import wordpress
from cmsbridge.formats.markdown import text
from cmsbridge.model import (
    Block,
    Callout,
    Embed,
    Italic,
    LineBreak,
    Paragraph,
    Post,
    Quote,
    Text,
    UpdateMarker,
    plain_text,
)
from cmsbridge.report import ConversionReport

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "south-ossetia-liveblog.txt"

# The example's shapes, built here: a video and the text after it, an excerpt quoted whole, a lead-in
# paragraph then the excerpt, an inline "UPDATE:" and a lead-in line in one paragraph, the timed marker
# with its paragraph, and a last excerpt ending the file without a newline.
EXCERPT = (
    "Russian troops attack South Ossetia\n\n"
    "[video:youtube:E4AD6mOZm9I] Russian troops head in the direction of Tskhinvali.\n\n"
    "Putin\u2019s spokesman Dmitry Peskov said: \u201cWar started today.\u201d link\n\n"
    "The Daily Telegraph quotes Sergei Lavrov as saying\n\n"
    "\u201cethnic cleansing\u201d had been reported in villages. link\n\n"
    "Onnik Krikorian plans on running updates. UPDATE: updates begin here and will probably follow here.\n"
    "The latest from Reuters,\n\n"
    "Russian armoured vehicles have entered South Ossetia."
    " \u201cGeorgian troops have started to retreat,\u201d the website said. link\n\n"
    "UPDATE: 23:18 Paris time\n"
    "Can\u2019t help but agree with this comment,\n\n"
    "Only the BBC would think that dance deserves higher billing! link"
)


def read(data: str) -> Post:
    report = ConversionReport()
    post = text.read(data, report)
    assert not report, report.messages()
    return post


def body(data: str) -> tuple[Block, ...]:
    return read("T\n\n" + data).blocks


def write(post: Post) -> tuple[str, ConversionReport]:
    report = ConversionReport()
    return text.write(post, report), report


def para(value: str) -> Paragraph:
    return Paragraph(inlines=(Text(text=value),))


def cited(quoted: str, word: str = "link") -> Quote:
    return Quote(paragraphs=(para(quoted),), citation=(Text(text=word),))


# --- the example -------------------------------------------------------------------------------------------


def test_the_example_excerpt_reads_as_the_post_it_is() -> None:
    post = read(EXCERPT)
    assert post.blocks[:8] == (
        Embed(
            provider="youtube", url="https://www.youtube.com/watch?v=E4AD6mOZm9I", provider_id="E4AD6mOZm9I"
        ),
        para("Russian troops head in the direction of Tskhinvali."),
        cited("Putin\u2019s spokesman Dmitry Peskov said: \u201cWar started today.\u201d"),
        para("The Daily Telegraph quotes Sergei Lavrov as saying"),
        cited("\u201cethnic cleansing\u201d had been reported in villages."),
        Paragraph(
            inlines=(
                Text(
                    text="Onnik Krikorian plans on running updates. UPDATE: updates begin here and will"
                    " probably follow here."
                ),
                LineBreak(),
                Text(text="The latest from Reuters,"),
            )
        ),
        cited(
            "Russian armoured vehicles have entered South Ossetia. \u201cGeorgian troops have started to"
            " retreat,\u201d the website said."
        ),
        UpdateMarker(
            id="2318-paris-time", label="UPDATE: 23:18 Paris time", at=dt.time(23, 18), tz="Europe/Paris"
        ),
    )
    assert post.blocks[8:] == (
        para("Can\u2019t help but agree with this comment,"),
        cited("Only the BBC would think that dance deserves higher billing!"),
    )


def _source_paragraphs() -> list[str]:
    return [p for p in EXAMPLE.read_text(encoding="utf-8").split("\n\n")[1:] if p.strip()]


def test_the_reference_example_has_five_quotes_cited_link() -> None:
    post = read(EXAMPLE.read_text(encoding="utf-8"))
    kinds = [type(b).__name__ for b in post.blocks]
    assert kinds == [
        "Embed",
        "Paragraph",
        "Quote",
        "Paragraph",
        "Quote",
        "Paragraph",
        "Quote",
        "UpdateMarker",
        "Paragraph",
        "Quote",
        "Paragraph",
        "Quote",
    ]
    quotes = [b for b in post.blocks if isinstance(b, Quote)]
    # each quote is a whole blank-line paragraph of the file, without its trailing " link"
    excerpts = [p.removesuffix(" link") for p in _source_paragraphs() if p.endswith(" link")]
    assert [plain_text(q.paragraphs[0].inlines) for q in quotes] == excerpts
    assert all(q.citation == (Text(text="link"),) and q.source_url is None for q in quotes)
    assert all(len(q.paragraphs) == 1 and not q.pull for q in quotes)


def test_regression_no_paragraph_of_the_example_ends_with_its_link() -> None:
    """Before issue 16 the five excerpts were paragraphs ending with the word "link"."""
    post = read(EXAMPLE.read_text(encoding="utf-8"))
    paragraphs = [plain_text(b.inlines) for b in post.blocks if isinstance(b, Paragraph)]
    assert not [p for p in paragraphs if p.endswith("link")]
    assert sum(isinstance(b, Quote) for b in post.blocks) == 5


def test_the_example_keeps_its_lead_ins_inline_update_and_marker() -> None:
    post = read(EXAMPLE.read_text(encoding="utf-8"))
    blocks = post.blocks
    before = [blocks[i - 1] for i, b in enumerate(blocks) if isinstance(b, Quote)]
    assert before[0] == blocks[1]  # the first excerpt follows the text about the video
    lead_ins = [plain_text(b.inlines) for b in before[1:] if isinstance(b, Paragraph)]
    assert len(lead_ins) == 4
    assert (
        lead_ins[0] == "The Daily Telegraph quotes Sergei Lavrov, Russia\u2019s foreign minister, as saying"
    )
    assert lead_ins[1].endswith(
        "UPDATE: updates begin here and will probably follow here.\nThe latest from Reuters,"
    )
    assert lead_ins[-1] == "Meanwhile, Georgia says Russia bombed its air bases,"
    (marker,) = post.updates()
    assert marker.label == "UPDATE: 23:18 Paris time"


def test_the_example_writes_back_as_it_was_written() -> None:
    source = EXAMPLE.read_text(encoding="utf-8")
    written, report = write(read(source))
    assert written == source.rstrip("\n") + "\n"
    assert not report, report.messages()


def test_text_to_gutenberg_to_text_gives_the_same_blocks() -> None:
    post = read(EXAMPLE.read_text(encoding="utf-8"))
    markup = cmsbridge.write(post, "gutenberg", report=ConversionReport())
    assert markup.count("<!-- wp:quote -->") == 5
    assert markup.count("<cite>link</cite></blockquote>\n<!-- /wp:quote -->") == 5
    back = cmsbridge.read(markup, "gutenberg", report=ConversionReport())
    assert back.blocks == post.blocks
    written, _ = write(back.replace(title=post.title))
    assert read(written).blocks == post.blocks


@pytest.mark.node
def test_the_example_in_wordpress_is_valid_in_the_block_editor() -> None:
    from .test_editor_validity import _dedupe_classes, _invalid, _run_validator

    post = read(EXAMPLE.read_text(encoding="utf-8"))
    markup = wordpress.write(Post(blocks=post.blocks), ConversionReport())
    result = _run_validator({"example": markup})["example"]
    assert _invalid(result["blocks"]) == []
    quotes = [b for b in result["blocks"] if b["name"] == "core/quote"]
    assert len(quotes) == 5
    assert all([i["name"] for i in q["innerBlocks"]] == ["core/paragraph"] for q in quotes)
    assert _dedupe_classes(result["reserialized"]) == markup  # what the editor itself saves


def test_cli_convert_to_json_shows_the_five_quotes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cmsbridge.cli", "convert", str(EXAMPLE), "--from", "text", "--to", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # json holds the unknown source URL as it is: nothing to report
    quotes = [b for b in json.loads(result.stdout)["blocks"] if b["type"] == "quote"]
    assert len(quotes) == 5
    assert all(q["citation"] == [{"type": "text", "text": "link"}] for q in quotes)
    assert all(q["source_url"] is None for q in quotes)


# --- the rule, both sides ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "quoted", "word"),
    [
        ("\u201cWar started today.\u201d link", "\u201cWar started today.\u201d", "link"),
        ("It is over. link", "It is over.", "link"),
        ("It is over! Link", "It is over!", "Link"),
        ("Is it over? source", "Is it over?", "source"),
        ("It is over\u2026 (link)", "It is over\u2026", "(link)"),
        ("It is over. [link]", "It is over.", "[link]"),
        ("It is over. [source]", "It is over.", "[source]"),
        ("(It is over.) via Reuters", "(It is over.)", "via Reuters"),
        ("\u00abC'est fini.\u00bb via The Guardian", "\u00abC'est fini.\u00bb", "via The Guardian"),
        ("'Over.' Via @AP", "'Over.'", "Via @AP"),
        ('"Over."   link', '"Over."', "link"),
    ],
)
def test_a_paragraph_ending_with_a_bare_attribution_is_a_quote(line: str, quoted: str, word: str) -> None:
    assert body(line) == (cited(quoted, word),)
    written, report = write(Post(title="T", blocks=(cited(quoted, word),)))
    assert written == f"T\n\n{quoted} {word}\n" and not report


@pytest.mark.parametrize(
    "line",
    [
        "Click the link",  # no punctuation before the word: prose
        "Here is the link.",  # a full stop after it
        "link",  # the word alone quotes nothing
        "(link)",
        "It is over, link",  # a comma is no sentence's end
        "It is over.link",  # no space
        "It is over. links",
        "It is over. the link",
        "It is over. via reuters",  # a name is capitalised
        "It is over. via Reuters.",
        "It is over. via A B C D",  # three words at most
        "It is over. *link*",  # a mark on the word
        "*It is over.* link",  # the punctuation in a mark
        "It is over. [link](https://example.com/)",  # a link: not bare
        "It is over.&#32;link",  # an entity for the space
    ],
)
def test_prose_ending_like_an_attribution_stays_a_paragraph(line: str) -> None:
    (block,) = body(line)
    assert isinstance(block, Paragraph)


def test_the_word_on_a_line_of_its_own_is_text() -> None:
    assert body("It is over.\nlink") == (
        Paragraph(inlines=(Text(text="It is over."), LineBreak(), Text(text="link"))),
    )


def test_a_quote_holds_every_line_of_its_paragraph() -> None:
    (quote,) = body("First line,\nsecond line. link")
    assert quote == Quote(
        paragraphs=(Paragraph(inlines=(Text(text="First line,"), LineBreak(), Text(text="second line."))),),
        citation=(Text(text="link"),),
    )


def test_marks_and_links_inside_the_quote_are_kept() -> None:
    (quote,) = body("*Over*, [said](https://example.com/a) the website. link")
    assert isinstance(quote, Quote) and quote.citation == (Text(text="link"),)
    assert quote.paragraphs[0].inlines[0] == Italic(children=(Text(text="Over"),))


def test_after_an_embed_or_a_marker_line_the_rest_is_the_quote() -> None:
    blocks = body("[video:youtube:E4AD6mOZm9I] \u201cOver.\u201d link\n\nUPDATE: 10:00 UTC\nOver. link")
    assert [type(b).__name__ for b in blocks] == ["Embed", "Quote", "UpdateMarker", "Quote"]
    assert blocks[1] == cited("\u201cOver.\u201d") and blocks[3] == cited("Over.")


@pytest.mark.parametrize(
    ("line", "paragraph"),
    [
        ("It is over. \\link", "It is over. link"),
        ("\u201cOver.\u201d \\Source", "\u201cOver.\u201d Source"),
        ("It is over. \\(link)", "It is over. (link)"),
        ("It is over. \\[link]", "It is over. [link]"),
        ("It is over. \\[link\\]", "It is over. [link]"),
        ("It is over. \\via Reuters", "It is over. via Reuters"),
        ("It is over. \\\\link", "It is over. \\link"),  # an escaped backslash is text
    ],
)
def test_a_backslash_before_the_word_keeps_the_paragraph(line: str, paragraph: str) -> None:
    assert body(line) == (para(paragraph),)


def test_the_markdown_format_has_no_such_rule() -> None:
    post = cmsbridge.read("---\ntitle: T\n---\n\nIt is over. link\n", "markdown", report=ConversionReport())
    assert post.blocks == (para("It is over. link"),)


# --- writing -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "It is over. link",
        "\u201cOver.\u201d Link",
        "It is over. (link)",
        "It is over. [source]",
        "It is over! via The Guardian",
        "It is over. \\link",
        "link",
        "Click the link",
    ],
)
def test_a_paragraph_ending_like_an_attribution_is_written_escaped(value: str) -> None:
    post = Post(title="T", blocks=(para(value),))
    written, report = write(post)
    assert read(written) == post and not report


def test_the_escape_written_is_the_documented_backslash() -> None:
    written, _ = write(Post(title="T", blocks=(para("It is over. link"), para("Over. via Reuters"))))
    assert written == "T\n\nIt is over. \\link\n\nOver. \\via Reuters\n"


@pytest.mark.parametrize(
    "quote",
    [
        Quote(paragraphs=(para("One."), para("Two.")), citation=(Text(text="link"),)),  # two paragraphs
        cited("No final punctuation"),
        Quote(paragraphs=(para("Over."),), citation=(Text(text="link"),), source_url="https://example.com/"),
        Quote(paragraphs=(para("Over."),), citation=(Text(text="Reuters"),)),
        Quote(paragraphs=(para("Over."),), citation=(Italic(children=(Text(text="link"),)),)),
        Quote(paragraphs=(para("Over."),), citation=(Text(text="link"),), pull=True),
        cited("Over.", "via reuters"),
    ],
)
def test_other_quotes_are_written_as_quote_blocks_and_read_back(quote: Quote) -> None:
    post = Post(title="T", blocks=(quote,))
    written, report = write(post)
    assert written.startswith(("T\n\n>", "T\n\n:::")) and read(written) == post and not report


_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ\u00e9\u201c\u201d'\"", min_size=1, max_size=8)
_ENDINGS = st.sampled_from(["", ".", "!", "?", "\u2026", ".\u201d", ".)", "!'", ",", ":"])
_ATTRIBUTIONS = st.sampled_from(
    ["link", "Link", "source", "(link)", "[link]", "[source]", "via Reuters", "via The AP", "links", "via x"]
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_WORDS, min_size=1, max_size=4).map(" ".join),
    _ENDINGS,
    st.sampled_from([" ", "  ", " \\"]),
    _ATTRIBUTIONS,
)
def test_paragraphs_and_quotes_round_trip(words: str, end: str, gap: str, word: str) -> None:
    """Whatever a paragraph or a quote ends with, the text format writes it so that it reads back."""
    value = words + end + gap + word
    for block in (para(value), cited(words + end, word), para(words + end)):
        post = Post(title="T", blocks=(block,))
        written, report = write(post)
        assert read(written) == post, written
        assert not report


# --- the unknown source URL, named by the formats that have a place for one -------------------------------


def _losses(post: Post, fmt: str) -> list[str]:
    report = ConversionReport()
    cmsbridge.write(post, fmt, report=report)
    return [m for m in report.messages() if "no source URL" in m]


def test_an_unknown_source_url_is_named_once_where_a_format_has_a_place_for_it() -> None:
    post = read(EXAMPLE.read_text(encoding="utf-8"))
    quotes = [str(i) for i, b in enumerate(post.blocks) if isinstance(b, Quote)]
    for fmt in ("gutenberg", "html", "lexical", "wxr"):
        (message,) = _losses(post, fmt)
        assert "5 quotes" in message and "'link'" in message
        assert f"(blocks {', '.join(quotes)})" in message
    for fmt in ("text", "markdown", "json"):  # the citation written as it is, nothing to name
        assert _losses(post, fmt) == []


def test_only_a_bare_attribution_without_a_url_is_an_unknown_source() -> None:
    known = Quote(paragraphs=(para("Over."),), citation=(Text(text="link"),), source_url="https://e.example/")
    named = Quote(paragraphs=(para("Over."),), citation=(Text(text="Reuters"),))
    nested = Callout(blocks=(cited("Over.", "via Reuters"),))
    assert _losses(Post(blocks=(known, named)), "html") == []
    (message,) = _losses(Post(blocks=(named, nested)), "html")
    assert message.startswith("html: 1 quote (block 1) cites 'via Reuters' with no source URL")


def test_the_rule_is_one_fact() -> None:
    """The reader, the writer and the report ask the same rule."""
    from cmsbridge.formats import attribution

    for word in ("link", "Source", "(link)", "[source]", "via Reuters", "via The Guardian"):
        assert attribution.is_attribution(word)
        assert attribution.attribution_at_end(f"Over. {word}") is not None
        assert body(f"Over. {word}") == (cited("Over.", word),)
    for word in ("links", "via reuters", "the link", "link."):
        assert not attribution.is_attribution(word)
        assert attribution.unknown_source(cited("Over.", word)) is None
