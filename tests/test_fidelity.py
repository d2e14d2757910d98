"""Fidelity (issue 15): every document crosses every pair of formats and comes back equal, or the report
names what differs. The unit suite measures a small built-in corpus; the tests marked ``node`` and
``ghost`` measure the corpus built from WordPress's own block examples, CommonMark's spec examples and
the real Ghost's own HTML-to-Lexical conversions (tests/fidelity_corpus.py; benchmarks/fidelity.py
prints the whole table)."""

from __future__ import annotations

import os

import pytest

from cmsbridge import formats
from cmsbridge.model import Paragraph, Post, Separator, text
from cmsbridge.report import ConversionReport
from tests import fidelity_corpus
from tests.fidelity_corpus import CorpusUnavailable, Document
from tests.fidelity_measure import FORMATS, READ, Measure, cross, measure

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _silent(result: Measure) -> str:
    lines = [f"{one.source} -> {one.target} | {one.document}: {one.detail}" for one in result.silent()]
    return "\n".join(lines)


def _built(build: object) -> list[Document]:
    try:
        documents = build() if callable(build) else []
    except CorpusUnavailable as exc:
        if IN_CI:
            pytest.fail(f"cannot build the fidelity corpus: {exc}")
        pytest.skip(f"cannot build the fidelity corpus: {exc}")
    assert isinstance(documents, list)
    return documents


# --- the measure itself ------------------------------------------------------------------------------

POST = Post(title="T", blocks=(Paragraph(inlines=text("one")), Separator(), Paragraph(inlines=text("two"))))
DOC = Document("probe", "json", POST.model_dump_json())


def test_a_crossing_that_comes_back_whole_is_equal() -> None:
    assert cross(DOC, POST, "json").kind == "equal"


def test_a_difference_the_report_does_not_name_is_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    real_read = formats.read

    def read_dropping_the_separator(data: str, fmt: str, *, report: ConversionReport | None = None) -> Post:
        post = real_read(data, fmt, report=report)
        return post.model_copy(update={"blocks": tuple(b for b in post.blocks if b.type != "separator")})

    # the crossing's own read-back sees the block; the measure's read-back (a later reader, say) does not
    monkeypatch.setattr("tests.fidelity_measure.formats.read", read_dropping_the_separator)
    result = cross(DOC, POST, "json")
    assert result.kind == "silent"
    assert "block 1 (separator)" in result.detail


def test_a_difference_the_report_names_is_named() -> None:
    tagged = POST.model_copy(update={"tags": ("a",)})
    # plain text holds no tags: the crossing names the field
    result = cross(Document("probe", "json", tagged.model_dump_json()), tagged, "text")
    assert result.kind == "named", result.detail


def test_a_reader_that_crashes_is_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(data: str, fmt: str, *, report: ConversionReport | None = None) -> Post:
        raise KeyError("boom")

    monkeypatch.setattr("tests.fidelity_measure.formats.read", crash)
    result = measure([DOC])
    assert [(one.target, one.kind) for one in result.crossings] == [(READ, "silent")]
    assert "KeyError" in result.crossings[0].detail


def test_a_field_that_changes_unnamed_is_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    real_read = formats.read

    def read_renaming(data: str, fmt: str, *, report: ConversionReport | None = None) -> Post:
        return real_read(data, fmt, report=report).model_copy(update={"seo_title": "changed"})

    monkeypatch.setattr("tests.fidelity_measure.formats.read", read_renaming)
    result = cross(DOC, POST, "json")
    assert result.kind == "silent"
    assert result.detail.startswith("post seo_title")


def test_block_html_drops_only_the_delimiters() -> None:
    markup = (
        '<!-- wp:paragraph {"a":1} -->\n<p>x <!-- note --> y</p>\n<!-- /wp:paragraph -->\n<!-- wp:spacer /-->'
    )
    assert fidelity_corpus.block_html(markup) == "<p>x <!-- note --> y</p>"


# --- the generated WordPress exports hold what they claim -------------------------------------------


def test_wordpress_exports_hold_pages_comments_and_the_special_posts() -> None:
    exports = fidelity_corpus.wordpress_exports()
    posts = {doc.name: formats.read(doc.data, "wxr", report=ConversionReport()) for doc in exports}
    assert posts["wxr protected"].password == "s3cret-pass"
    assert posts["wxr sticky"].sticky
    assert posts["wxr scheduled"].status == "future"
    assert posts["wxr private"].status == "private"
    assert posts["wxr aside"].format == "aside"
    europe = posts["wxr child-category"].categories[0]
    assert europe.path() == ("World", "Europe")
    assert posts["wxr child-category"].comment_status == "closed"
    comments = posts["wxr comments"].comments
    assert [(c.id, c.parent) for c in comments] == [("11", None), ("12", "11"), ("13", None)]
    assert comments[2].status == "pending"
    team = posts["wxr page with parent"]
    assert (team.post_type, team.parent, team.menu_order) == ("page", "about", 3)


# --- the corpora --------------------------------------------------------------------------------------


def test_builtin_corpus_crosses_every_pair_with_nothing_silent() -> None:
    result = measure(fidelity_corpus.builtin())
    assert not result.unreadable, result.unreadable
    assert len(result.crossings) == len(FORMATS) * len(fidelity_corpus.builtin())
    assert not result.silent(), _silent(result)


@pytest.mark.node
def test_wordpress_and_commonmark_examples_cross_with_nothing_silent() -> None:
    documents = _built(lambda: fidelity_corpus.wordpress_examples() + fidelity_corpus.commonmark_examples())
    kinds = {doc.format for doc in documents}
    assert len(documents) > 600 and kinds == {"gutenberg", "html", "markdown", "text"}
    result = measure(documents)
    assert not result.silent(), _silent(result)


@pytest.mark.ghost
def test_ghost_conversions_cross_with_nothing_silent() -> None:
    documents = _built(
        lambda: fidelity_corpus.ghost_documents(
            [
                Document(
                    "probe", "html", "<p>Hello <a href='https://example.com' rel='noopener'>world</a></p>"
                ),
                *fidelity_corpus.builtin(),
                *fidelity_corpus.commonmark_examples(),
            ]
        )
    )
    assert len(documents) > 300 and {doc.format for doc in documents} == {"lexical"}
    result = measure(documents)
    assert not result.silent(), _silent(result)
