"""Documents to measure fidelity on (issue 15), built at test time from material nobody here wrote.

- :func:`wordpress_examples`: every core block's own example (what the inserter previews), built and
  serialized by the block editor itself from ``@wordpress/block-library`` (tests/editor, installed by
  scripts/install-editor-validator.sh), and the same documents' HTML (their block delimiters removed).
- :func:`ghost_documents`: that HTML (and CommonMark's) converted to Lexical by the real Ghost's own converter
  (``@tryghost/kg-html-to-lexical``, what Ghost's ``?source=html`` import runs; installed by
  scripts/ghost-server install).
- :func:`commonmark_examples`: CommonMark's spec examples as markdown-it-py ships them (its source
  distribution, fetched with pip for the installed version), each Markdown example and its HTML.
- :func:`wordpress_exports`: generated WordPress exports with pages (one under a parent), comments in
  a thread, and a protected, a sticky, a scheduled, an aside and a child-category post.
- :func:`builtin`: a small subset needing nothing but the repository, for the unit suite.
"""

# ruff: noqa: E501  (exports and posts are kept as WordPress writes them, one element a line)

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from cmsbridge import formats
from cmsbridge.report import ConversionReport
from tests.lexical_nodes import element, text_node
from tests.wordpress_samples import NEWSROOM_POST

ROOT = Path(__file__).resolve().parents[1]
EDITOR = ROOT / "tests" / "editor"
GHOST_HOME = Path(os.environ.get("CMSBRIDGE_GHOST_DIR", "/opt/cmsbridge-ghost"))
CACHE = Path(os.environ.get("CMSBRIDGE_FIDELITY_CACHE", Path.home() / ".cache" / "cmsbridge-fidelity"))


class CorpusUnavailable(RuntimeError):
    """A source of the corpus cannot be built on this machine (a tool is missing)."""


@dataclass(frozen=True)
class Document:
    """One document of the corpus: where it comes from (``name``), its format and its text."""

    name: str
    format: str
    data: str
    twin: str | None = None
    """The name of a document made from the same content in another format by a real tool (the block
    editor's saved HTML, the spec's HTML, Ghost's conversion): the two should read as the same post."""


# --- WordPress: the block library's own examples ------------------------------------------------------

_DELIMITER = re.compile(r"<!-- /?wp:[^>]*?-->\n?")


def block_html(markup: str) -> str:
    """WordPress block markup without its block delimiters: the HTML the blocks saved."""
    return _DELIMITER.sub("", markup).strip()


def _node() -> str:
    node = shutil.which("node")
    if node is None or not (EDITOR / "node_modules" / "@wordpress" / "block-library").exists():
        raise CorpusUnavailable("node and tests/editor/node_modules (scripts/install-editor-validator.sh)")
    return node


def wordpress_examples() -> list[Document]:
    """Each core block type's example, serialized by the block editor: as markup, and as its HTML."""
    done = subprocess.run(
        [_node(), str(EDITOR / "validate.mjs")],
        input=json.dumps({"examples": True}),
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    examples: dict[str, str] = json.loads(done.stdout)["examples"]
    documents = [Document(f"wp-example {name}", "gutenberg", markup) for name, markup in examples.items()]
    documents += [
        Document(f"wp-example-html {name}", "html", block_html(markup), twin=f"wp-example {name}")
        for name, markup in examples.items()
        if block_html(markup)
    ]
    return documents


# --- Ghost: its own HTML-to-Lexical converter ---------------------------------------------------------


def _ghost_converter() -> tuple[Path, Path]:
    """Ghost's node and its kg-html-to-lexical package, installing Ghost (scripts/ghost-server) if needed."""

    def find() -> tuple[Path, Path] | None:
        node = GHOST_HOME / "node" / "bin" / "node"
        store = GHOST_HOME / "ghost" / "node_modules" / ".pnpm"
        found = sorted(store.glob("@tryghost+kg-html-to-lexical@*/node_modules/@tryghost/kg-html-to-lexical"))
        return (node, found[-1]) if node.exists() and found else None

    if (found := find()) is None:
        subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "ghost-server"), "install"],
            capture_output=True,
            check=False,
        )
        found = find()
    if found is None:
        raise CorpusUnavailable(
            f"Ghost's kg-html-to-lexical under {GHOST_HOME} (scripts/ghost-server install)"
        )
    return found


def ghost_lexical(htmls: list[str]) -> list[str | None]:
    """``htmls`` converted to Lexical by the real Ghost's converter (None where it throws)."""
    node, package = _ghost_converter()
    done = subprocess.run(
        [str(node), str(ROOT / "tests" / "ghost_html_to_lexical.cjs"), str(package)],
        input=json.dumps({"documents": htmls}),
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    results: list[str | None] = json.loads(done.stdout)["results"]
    return results


def ghost_documents(sources: list[Document]) -> list[Document]:
    """The HTML documents among ``sources``, as Ghost converts them to Lexical."""
    htmls = [doc for doc in sources if doc.format == "html"]
    converted = ghost_lexical([doc.data for doc in htmls])
    return [
        Document(f"ghost {doc.name}", "lexical", lexical)
        for doc, lexical in zip(htmls, converted, strict=True)
        if lexical is not None
    ]


# --- CommonMark: the spec examples markdown-it-py ships -----------------------------------------------


def _markdown_it_sdist() -> Path:
    version = importlib.metadata.version("markdown-it-py")
    CACHE.mkdir(parents=True, exist_ok=True)
    found = sorted(CACHE.glob(f"markdown_it_py-{version}.tar.gz"))
    if found:
        return found[0]
    pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-d", str(CACHE)]
    done = subprocess.run(
        [*pip, f"markdown-it-py=={version}"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    found = sorted(CACHE.glob(f"markdown_it_py-{version}.tar.gz"))
    if not found:
        raise CorpusUnavailable(f"markdown-it-py {version}'s source distribution: {done.stderr[-500:]}")
    return found[0]


def commonmark_examples() -> list[Document]:
    """CommonMark's spec examples (tests/test_cmark_spec/commonmark.json of markdown-it-py's source
    distribution): each example's Markdown (also read as plain text), and the HTML the spec gives."""
    with tarfile.open(_markdown_it_sdist()) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith("test_cmark_spec/commonmark.json"))
        handle = archive.extractfile(member)
        assert handle is not None
        examples = json.loads(handle.read().decode("utf-8"))
    documents: list[Document] = []
    for example in examples:
        where = f"commonmark {example['example']} ({example['section']})"
        documents.append(Document(where, "markdown", example["markdown"]))
        documents.append(Document(f"{where} text", "text", example["markdown"]))
        if example["html"].strip():
            documents.append(Document(f"{where} html", "html", example["html"], twin=where))
    return documents


# --- WordPress exports ---------------------------------------------------------------------------------

_WXR_HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
\txmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
\t<title>Fidelity</title>
\t<link>https://news.example</link>
\t<language>en-US</language>
\t<wp:wxr_version>1.2</wp:wxr_version>
\t<wp:base_site_url>https://news.example</wp:base_site_url>
\t<wp:base_blog_url>https://news.example</wp:base_blog_url>
\t<wp:author><wp:author_id>2</wp:author_id><wp:author_login><![CDATA[ana]]></wp:author_login><wp:author_email><![CDATA[ana@news.example]]></wp:author_email><wp:author_display_name><![CDATA[Ana Reyes]]></wp:author_display_name></wp:author>
\t<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename><![CDATA[world]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[World]]></wp:cat_name></wp:category>
\t<wp:category><wp:term_id>4</wp:term_id><wp:category_nicename><![CDATA[europe]]></wp:category_nicename><wp:category_parent><![CDATA[world]]></wp:category_parent><wp:cat_name><![CDATA[Europe]]></wp:cat_name></wp:category>
"""

_WXR_TAIL = "</channel>\n</rss>\n"

_BODY = """<!-- wp:paragraph -->
<p>Troops moved <strong>overnight</strong> towards <a href="https://news.example/map">the capital</a>.</p>
<!-- /wp:paragraph -->

<!-- wp:heading {"level":3} -->
<h3 class="wp-block-heading">Background</h3>
<!-- /wp:heading -->

<!-- wp:list -->
<ul class="wp-block-list"><!-- wp:list-item -->
<li>One</li>
<!-- /wp:list-item -->

<!-- wp:list-item -->
<li>Two</li>
<!-- /wp:list-item --></ul>
<!-- /wp:list -->"""


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _comment(cid: int, parent: int, author: str, content: str, approved: str = "1") -> str:
    return (
        f"\t\t<wp:comment><wp:comment_id>{cid}</wp:comment_id>"
        f"<wp:comment_author>{_cdata(author)}</wp:comment_author>"
        f"<wp:comment_author_email>{_cdata(author.lower().replace(' ', '') + '@mail.example')}</wp:comment_author_email>"
        f"<wp:comment_author_url>https://{author.lower().replace(' ', '')}.example</wp:comment_author_url>"
        f"<wp:comment_author_IP>{_cdata('')}</wp:comment_author_IP>"
        f"<wp:comment_date>{_cdata(f'2026-05-0{cid % 9 + 1} 10:00:00')}</wp:comment_date>"
        f"<wp:comment_date_gmt>{_cdata(f'2026-05-0{cid % 9 + 1} 08:00:00')}</wp:comment_date_gmt>"
        f"<wp:comment_content>{_cdata(content)}</wp:comment_content>"
        f"<wp:comment_approved>{_cdata(approved)}</wp:comment_approved>"
        f"<wp:comment_type>{_cdata('comment')}</wp:comment_type>"
        f"<wp:comment_parent>{parent}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id>"
        "</wp:comment>\n"
    )


def _item(pid: int, slug: str, **fields: str) -> str:
    """One ``<item>`` as WordPress exports it; ``fields`` override the defaults (``extra``: raw XML)."""
    value = {
        "title": slug.replace("-", " ").capitalize(),
        "status": "publish",
        "type": "post",
        "parent": "0",
        "order": "0",
        "password": "",
        "sticky": "0",
        "comments": "open",
        "date": "2026-05-04 14:30:00",
        "gmt": "2026-05-04 12:30:00",
        "terms": '<category domain="category" nicename="world"><![CDATA[World]]></category>',
        "extra": "",
        "body": _BODY,
    } | fields
    return f"""\t<item>
\t\t<title>{escape(value["title"])}</title>
\t\t<link>https://news.example/{slug}/</link>
\t\t<dc:creator>{_cdata("ana")}</dc:creator>
\t\t<guid isPermaLink="false">https://news.example/?p={pid}</guid>
\t\t<content:encoded>{_cdata(value["body"])}</content:encoded>
\t\t<excerpt:encoded>{_cdata("")}</excerpt:encoded>
\t\t<wp:post_id>{pid}</wp:post_id>
\t\t<wp:post_date>{_cdata(value["date"])}</wp:post_date>
\t\t<wp:post_date_gmt>{_cdata(value["gmt"])}</wp:post_date_gmt>
\t\t<wp:comment_status>{_cdata(value["comments"])}</wp:comment_status>
\t\t<wp:ping_status>{_cdata("closed")}</wp:ping_status>
\t\t<wp:post_name>{_cdata(slug)}</wp:post_name>
\t\t<wp:status>{_cdata(value["status"])}</wp:status>
\t\t<wp:post_parent>{value["parent"]}</wp:post_parent>
\t\t<wp:menu_order>{value["order"]}</wp:menu_order>
\t\t<wp:post_type>{_cdata(value["type"])}</wp:post_type>
\t\t<wp:post_password>{_cdata(value["password"])}</wp:post_password>
\t\t<wp:is_sticky>{value["sticky"]}</wp:is_sticky>
\t\t{value["terms"]}
{value["extra"]}\t</item>
"""


def _export(*items: str) -> str:
    return _WXR_HEAD + "".join(items) + _WXR_TAIL


def wordpress_exports() -> list[Document]:
    """WordPress exports, one post of interest first in each (what ``read`` of the wxr format takes)."""
    thread = (
        _comment(11, 0, "Reader One", 'First! <a href="https://x.example">link</a>')
        + _comment(12, 11, "Ana Reyes", "Thanks for reading.")
        + _comment(13, 0, "Waiting Reader", "Held for moderation.", approved="0")
    )
    child_category = '<category domain="category" nicename="europe"><![CDATA[Europe]]></category>'
    aside = (
        child_category
        + '<category domain="post_format" nicename="post-format-aside"><![CDATA[Aside]]></category>'
    )
    exports = {
        "protected": _item(101, "protected-post", password="s3cret-pass"),
        "sticky": _item(102, "sticky-post", sticky="1"),
        "scheduled": _item(
            103, "scheduled-post", status="future", date="2027-01-02 09:00:00", gmt="2027-01-02 08:00:00"
        ),
        "aside": _item(
            104,
            "an-aside",
            terms=aside,
            body="<!-- wp:paragraph -->\n<p>Short note.</p>\n<!-- /wp:paragraph -->",
        ),
        "child-category": _item(105, "in-europe", terms=child_category, comments="closed"),
        "comments": _item(106, "discussed-post", extra=thread),
        "private": _item(107, "private-post", status="private"),
        "pending": _item(108, "pending-post", status="pending"),
    }
    documents = [Document(f"wxr {name}", "wxr", _export(item)) for name, item in exports.items()]
    about = _item(201, "about", type="page", terms="")
    team = _item(202, "team", type="page", parent="201", order="3", terms="")
    documents.append(Document("wxr page with parent", "wxr", _export(team, about)))
    documents.append(Document("wxr page", "wxr", _export(about)))
    return documents


# --- the small built-in subset -------------------------------------------------------------------------

_MARKDOWN = """# A heading

Intro with *emphasis*, **strong**, `code` and a [link](https://example.com "Title").

- loose item one

- loose item two

0. zero
1. one

```python
print("hi")
```

> A quote.

---

Last paragraph.
"""

_HTML = """<h2>Report</h2>
<p>Text with <a href="https://example.com/a" rel="noopener" target="_blank">a link</a>.</p>
<figure><a href="https://example.com/big.jpg"><img src="https://example.com/small.jpg" alt="A cat"></a>
<figcaption>A caption</figcaption></figure>
<ul><li>one</li><li>two</li></ul>
<pre><code class="language-js">let x = 1;</code></pre>
<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>
<blockquote><p>Quoted.</p></blockquote>
<hr>
"""

_LEXICAL = json.dumps(
    {
        "root": element(
            "root",
            [
                element(
                    "paragraph",
                    [
                        text_node("Read "),
                        element(
                            "link",
                            [text_node("the story")],
                            url="https://example.com",
                            rel="noopener",
                            target="_blank",
                            title=None,
                        ),
                    ],
                ),
                {"type": "codeblock", "version": 1, "code": "x = 1", "language": "python", "caption": ""},
                {"type": "horizontalrule", "version": 1},
            ],
        )
    }
)

_GUTENBERG_BLOCKS = """<!-- wp:code -->
<pre class="wp-block-code"><code>if (a &lt; b) { run(); }</code></pre>
<!-- /wp:code -->

<!-- wp:table -->
<figure class="wp-block-table"><table class="has-fixed-layout"><thead><tr><th>Year</th><th>Count</th></tr></thead><tbody><tr><td>2025</td><td>3</td></tr></tbody></table></figure>
<!-- /wp:table -->

<!-- wp:separator -->
<hr class="wp-block-separator has-alpha-channel-opacity"/>
<!-- /wp:separator -->"""

_TEXT = "A plain paragraph.\n\nAnother one, with a URL: https://example.com.\n"


def builtin() -> list[Document]:
    """A small corpus that needs nothing but the repository (the unit suite measures it)."""
    exports = wordpress_exports()
    return [
        Document("builtin newsroom", "gutenberg", NEWSROOM_POST),
        Document("builtin blocks", "gutenberg", _GUTENBERG_BLOCKS),
        Document("builtin markdown", "markdown", _MARKDOWN),
        Document("builtin html", "html", _HTML),
        Document("builtin lexical", "lexical", _LEXICAL),
        Document("builtin text", "text", _TEXT),
        *exports,
        *(Document(f"json {doc.name}", "json", as_json(doc)) for doc in exports),
    ]


def as_json(export: Document) -> str:
    """The post of a WordPress export in the project's JSON format (every field it has)."""
    post = formats.get("wxr").read(export.data, ConversionReport())
    return formats.get("json").write(post, ConversionReport())


def full() -> list[Document]:
    """Everything: the built-in subset, WordPress's examples, Ghost's conversions of their HTML and
    CommonMark's examples. Raises :class:`CorpusUnavailable` when a tool is missing."""
    examples = wordpress_examples()
    commonmark = commonmark_examples()
    return builtin() + examples + commonmark + ghost_documents(examples + commonmark)
