"""cmsbridge.gutenberg against WordPress's own PHP parser and serializer, run at test time.

For every document: ``gutenberg.parse`` equals ``WP_Block_Parser::parse`` (PHP's arrays compared through
``gutenberg.php_normalize``: objects become PHP arrays), and ``gutenberg.serialize(gutenberg.parse(x))``
equals ``serialize_blocks(parse_blocks(x))`` byte for byte.

Documents: the generated corpus (tests/corpus.py, always), plus, when ../shared is present, the upstream
fixtures (``*.html``, trimmed as upstream's harness does) and the inputs of parser-edge-cases.json.
All documents of a group go through one PHP process.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cmsbridge import gutenberg
from tests import corpus, php_oracle

pytestmark = pytest.mark.php

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "gutenberg-fixtures"


def fixture_documents() -> list[tuple[str, str]]:
    """(id, document) for the upstream fixtures and edge cases, when ../shared is present."""
    found: list[tuple[str, str]] = []
    for folder in ("legacy-2022", "current-index"):
        root = FIXTURES / folder
        if root.is_dir():
            for path in sorted(root.rglob("*.html")):
                found.append((f"{folder}/{path.relative_to(root)}", path.read_text(encoding="utf-8").strip()))
    edge_cases = FIXTURES / "generated" / "parser-edge-cases.json"
    if edge_cases.is_file():
        for name, case in json.loads(edge_cases.read_text(encoding="utf-8"))["cases"].items():
            found.append((f"edge-case/{name}", case["input"]))
    return found


FIXTURE_DOCUMENTS = fixture_documents()
CORPUS_DOCUMENTS = corpus.documents()


@pytest.fixture(scope="module")
def oracle() -> None:
    reason = php_oracle.missing()
    if reason is not None:
        pytest.skip(reason)


_results: dict[str, list[dict[str, Any]]] = {}


def php_results(group: str, documents: list[str]) -> list[dict[str, Any]]:
    if group not in _results:
        _results[group] = php_oracle.run(documents)
    return _results[group]


def check(document: str, php: dict[str, Any]) -> None:
    ours = gutenberg.parse(document)
    assert php_oracle.canonical(gutenberg.php_normalize(ours)) == php_oracle.canonical(php["parse"])
    assert gutenberg.serialize(ours) == php["serialized"]


if FIXTURE_DOCUMENTS:  # only generated when ../shared is present

    @pytest.mark.parametrize("index", range(len(FIXTURE_DOCUMENTS)), ids=[i for i, _ in FIXTURE_DOCUMENTS])
    def test_fixture_matches_wordpress(oracle: None, index: int) -> None:
        documents = [document for _, document in FIXTURE_DOCUMENTS]
        check(documents[index], php_results("fixtures", documents)[index])


@pytest.mark.parametrize("index", range(len(CORPUS_DOCUMENTS)))
def test_corpus_document_matches_wordpress(oracle: None, index: int) -> None:
    check(CORPUS_DOCUMENTS[index], php_results("corpus", CORPUS_DOCUMENTS)[index])


def test_oracle_is_the_installed_wordpress(oracle: None) -> None:
    info = php_oracle.info()
    assert int(info["wp_version"].split(".")[0]) >= 6, info


PARSED_JSON = sorted((FIXTURES / "legacy-2022").glob("*.parsed.json")) if FIXTURES.is_dir() else []

if PARSED_JSON:

    def test_php_and_we_agree_with_upstream_parsed_json(oracle: None) -> None:
        """The oracle and our parser both give upstream's recorded output (legacy-2022/*.parsed.json)."""
        documents = [
            path.with_name(path.name.replace(".parsed.json", ".html")).read_text(encoding="utf-8").strip()
            for path in PARSED_JSON
        ]
        results = php_results("parsed-json", documents)
        for path, document, result in zip(PARSED_JSON, documents, results, strict=True):
            expected = json.loads(path.read_text(encoding="utf-8"))
            ours = gutenberg.php_normalize(gutenberg.parse(document))
            # upstream's JSON writes {} for empty attrs; PHP has [] (the README: treat them as equal)
            assert _empty_as_list(expected) == _empty_as_list(ours) == _empty_as_list(result["parse"]), (
                path.name
            )


def _empty_as_list(value: Any) -> Any:
    if isinstance(value, dict):
        return [] if not value else {k: _empty_as_list(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_empty_as_list(v) for v in value]
    return value
