"""Untrusted content stays inert: hostile payloads through every slot of every block, via every writer.

Every output that a site renders as HTML is parsed with lxml's HTML parser and searched for scripts,
frames that are not an allowed provider's player, event-handler attributes and dangerous URL schemes:
HTML and WordPress block markup as written, a WXR file's content, title and excerpt (WordPress treats them
as HTML), every HTML string in a Lexical document (HTML cards, embed HTML, captions, Markdown cards
rendered) plus its link, image and embed URLs, and Markdown rendered with markdown-it-py as Hugo (unsafe
mode) or Jekyll would, with no link filtering of its own. What a writer emits, read back by the same
format, must not have turned text into markup either.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import lxml.etree
import lxml.html
import pytest
from markdown_it import MarkdownIt
from pydantic import ValidationError

from cmsbridge import formats
from cmsbridge.errors import ParseError
from cmsbridge.model import (
    LIVE_STATUS,
    Audio,
    Block,
    Bold,
    Bookmark,
    Button,
    Callout,
    Code,
    CodeBlock,
    Comment,
    Container,
    Details,
    Embed,
    File,
    Gallery,
    Heading,
    Image,
    Inline,
    Link,
    List,
    ListItem,
    Note,
    Origin,
    Paragraph,
    Post,
    Preformatted,
    Quote,
    Raw,
    RawInline,
    Table,
    TableCell,
    TableRow,
    Term,
    UpdateMarker,
    Video,
    text,
)
from cmsbridge.report import ConversionReport

# --- payloads --------------------------------------------------------------------------------------------

MARKUP = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "'><iframe src=javascript:alert(1)></iframe>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus '",
    "--><script>alert(1)</script><!--",
    "<!--",
    "-->",
    "]]><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<a href=javascript:alert(1)>x</a>",
    "<!-- wp:html --><script>alert(1)</script><!-- /wp:html -->",
    "{{< shortcode >}} {{% x %}} {{ .Site }} {% raw %}",
    "[embed:generic](<javascript:alert(1)>)",
    "[video:youtube:../../x]",
    "[embed:x](javascript:alert(1)) {#x onclick=alert(1)}",
    "[x](javascript:alert(1)) ![y](javascript:alert(1)) <javascript:alert(1)>",
    "```{=html}\n<script>alert(1)</script>\n```",
    "\u202e<script>alert(1)</script>",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "\ufeff<script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt; &#60;script&#62;",
    "UPDATE: 10:00 <script>alert(1)</script>",
]

URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\tjava\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript&colon;alert(1)",
    "javascript&#58;alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    'https://example.com/"><script>alert(1)</script>',
    "https://example.com/' onerror='alert(1)",
    "https://example.com/--><script>alert(1)</script>",
    "java\u200bscript:alert(1)",
    "//example.com/<img src=x onerror=alert(1)>",
    "https://example.com/{{< x >}}/{% y %}",
]

IDS = [
    "../../x",
    "abc?autoplay=1&list=PL123",
    "abc#x",
    "abc/../../evil",
    '"><script>alert(1)</script>',
    "javascript:alert(1)",
    "abc def",
    "abc\n",
    "..",
]

# --- slots: where a payload goes ------------------------------------------------------------------------


def _p(*spans: Inline) -> Paragraph:
    return Paragraph(inlines=spans)


def _read_text(body: str) -> tuple[Block, ...]:
    return formats.read(f"T\n\n{body}", "text", report=ConversionReport()).blocks


YT = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"

TEXT_SLOTS: dict[str, Callable[[str], Post]] = {
    "paragraph": lambda s: Post(blocks=(_p(*text(s)),)),
    "bold": lambda s: Post(blocks=(_p(Bold(children=text(s))),)),
    "link text": lambda s: Post(blocks=(_p(Link(href="https://example.com/", children=text(s))),)),
    "link title": lambda s: Post(
        blocks=(_p(Link(href="https://example.com/", title=s, children=text("x"))),)
    ),
    "code": lambda s: Post(blocks=(_p(Code(text=s)),)),
    "heading": lambda s: Post(blocks=(Heading(inlines=text(s)),)),
    "heading anchor": lambda s: Post(blocks=(Heading(inlines=text("h"), anchor=s),)),
    "quote text": lambda s: Post(blocks=(Quote(paragraphs=(_p(*text(s)),)),)),
    "quote citation": lambda s: Post(blocks=(Quote(paragraphs=(_p(*text("q")),), citation=text(s)),)),
    "image alt": lambda s: Post(blocks=(Image(src="https://example.com/a.jpg", alt=s),)),
    "image caption": lambda s: Post(blocks=(Image(src="https://example.com/a.jpg", caption=text(s)),)),
    "embed caption": lambda s: Post(blocks=(Embed(provider="youtube", url=YT, caption=text(s)),)),
    "embed provider": lambda s: Post(blocks=(Embed(provider=s, url="https://example.com/v"),)),
    "list item": lambda s: Post(blocks=(List(items=(ListItem(inlines=text(s)),)),)),
    "nested list item": lambda s: Post(
        blocks=(
            List(
                ordered=True,
                items=(ListItem(inlines=text("a"), children=(List(items=(ListItem(inlines=text(s)),)),)),),
            ),
        )
    ),
    "raw text": lambda s: Post(blocks=(Raw(format="text", content=s),)),
    "text code block": lambda s: Post(blocks=_read_text(f"```\n{s}\n```")),
    "text table": lambda s: Post(blocks=_read_text(f"| a | b |\n| --- | --- |\n| {s} | 2 |")),
    "text list from 3": lambda s: Post(blocks=_read_text(f"3. {s}\n4. x")),
    "text paragraph": lambda s: Post(blocks=_read_text(s)),
    "update label": lambda s: Post(blocks=(UpdateMarker(id="u1", label=s),)),
    # the update fields and the live-status container of issue 16
    "update byline": lambda s: Post(blocks=(UpdateMarker(id="u1", label="UPDATE: 10:00", by=(s, s)),)),
    "update headline": lambda s: Post(
        blocks=(UpdateMarker(id="u1", label="UPDATE: 10:00", headline=s, pinned=True, key=True),)
    ),
    "live-status": lambda s: Post(
        blocks=(Container(kind=LIVE_STATUS, attrs={"start": s, "end": s, s: s}, blocks=(_p(*text(s)),)),)
    ),
    "title": lambda s: Post(title=s),
    "excerpt": lambda s: Post(title="t", excerpt=s),
    "author": lambda s: Post(title="t", authors=(s,)),
    "category and tag": lambda s: Post(title="t", categories=(s,), tags=(s,)),
    "slug": lambda s: Post(title="t", slug=s),
    "featured image name": lambda s: Post(title="t", featured_image=f"https://example.com/{s}"),
    # the blocks and fields of issue 15
    "code block": lambda s: Post(blocks=(CodeBlock(code=s, language="python"),)),
    "code block language": lambda s: Post(blocks=(CodeBlock(code="x = 1", language=s),)),
    "preformatted": lambda s: Post(blocks=(Preformatted(inlines=text(s)),)),
    "table cell": lambda s: Post(
        blocks=(
            Table(
                head=(TableRow(cells=(TableCell(inlines=text(s), header=True),)),),
            ),
        )
    ),
    "table caption": lambda s: Post(
        blocks=(Table(body=(TableRow(cells=(TableCell(inlines=text("c")),)),), caption=text(s)),)
    ),
    "gallery caption": lambda s: Post(
        blocks=(Gallery(images=(Image(src="https://example.com/a.jpg", alt=s),), caption=text(s)),)
    ),
    "audio caption": lambda s: Post(blocks=(Audio(src="https://example.com/a.mp3", caption=text(s)),)),
    "video caption": lambda s: Post(blocks=(Video(src="https://example.com/v.mp4", caption=text(s)),)),
    "file name": lambda s: Post(blocks=(File(src="https://example.com/f.pdf", name=s, caption=text(s)),)),
    "button text": lambda s: Post(blocks=(Button(text=s, url="https://example.com/"),)),
    "bookmark fields": lambda s: Post(
        blocks=(Bookmark(url="https://example.com/", title=s, description=s, publisher=s, author=s),)
    ),
    "details summary": lambda s: Post(
        blocks=(Details(summary=text(s), blocks=(Paragraph(inlines=text(s)),)),)
    ),
    "callout": lambda s: Post(blocks=(Callout(emoji=s, blocks=(Paragraph(inlines=text(s)),)),)),
    "container attrs": lambda s: Post(
        blocks=(
            Container(
                kind="group", attrs={"className": s, "anchor": s}, blocks=(Paragraph(inlines=text(s)),)
            ),
        )
    ),
    "footnote": lambda s: Post(blocks=(_p(*text("a"), Note(children=text(s))),)),
    "category parent": lambda s: Post(title="t", categories=(Term(name="child", parent=Term(name=s)),)),
    "seo and template": lambda s: Post(title="t", seo_title=s, seo_description=s, template=s),
    "comment": lambda s: Post(
        title="t", comments=(Comment(id="1", author=s, content=s, url="https://example.com/"),)
    ),
}

URL_SLOTS: dict[str, Callable[[str], Post]] = {
    "link href": lambda u: Post(blocks=(_p(Link(href=u, children=text("x"))),)),
    "quote source": lambda u: Post(blocks=(Quote(paragraphs=(_p(*text("q")),), source_url=u),)),
    "image src": lambda u: Post(blocks=(Image(src=u, alt="a"),)),
    "image link": lambda u: Post(blocks=(Image(src="https://example.com/a.jpg", link=u),)),
    "embed url": lambda u: Post(blocks=(Embed(url=u),)),
    "youtube embed url": lambda u: Post(blocks=(Embed(provider="youtube", url=u),)),
    "text embed token": lambda u: Post(blocks=_read_text(f"[embed:generic](<{u}>)")),
    "featured image": lambda u: Post(title="t", featured_image=u),
    "button url": lambda u: Post(blocks=(Button(text="go", url=u),)),
    "bookmark urls": lambda u: Post(blocks=(Bookmark(url=u, title="t", icon=u, thumbnail=u),)),
    "audio src": lambda u: Post(blocks=(Audio(src=u),)),
    "video src and poster": lambda u: Post(blocks=(Video(src=u, poster=u),)),
    "file src": lambda u: Post(blocks=(File(src=u, name="f"),)),
    "gallery image": lambda u: Post(blocks=(Gallery(images=(Image(src=u, link=u),)),)),
    "cover url": lambda u: Post(
        blocks=(Container(kind="cover", attrs={"url": u}, blocks=(Paragraph(inlines=text("c")),)),)
    ),
    "canonical url": lambda u: Post(title="t", canonical_url=u),
    "comment url": lambda u: Post(title="t", comments=(Comment(id="1", author="a", url=u, content="c"),)),
}

ID_SLOTS: dict[str, Callable[[str], Post]] = {
    "youtube id": lambda i: Post(blocks=(Embed(provider="youtube", url=YT, provider_id=i),)),
    "vimeo id": lambda i: Post(blocks=(Embed(provider="vimeo", url="https://vimeo.com/1", provider_id=i),)),
    "dailymotion id": lambda i: Post(
        blocks=(Embed(provider="dailymotion", url="https://www.dailymotion.com/video/x1", provider_id=i),)
    ),
    "other id": lambda i: Post(
        blocks=(Embed(provider="twitter", url="https://x.com/a/status/1", provider_id=i),)
    ),
    "youtube url id": lambda i: Post(blocks=(Embed(provider="youtube", url=f"https://youtu.be/{i}"),)),
}

CASES: list[tuple[str, Callable[[str], Post], list[str]]] = (
    [(name, slot, MARKUP) for name, slot in TEXT_SLOTS.items()]
    + [(name, slot, URLS) for name, slot in URL_SLOTS.items()]
    + [(name, slot, IDS) for name, slot in ID_SLOTS.items()]
)

WRITERS = formats.available()

# --- the checks -----------------------------------------------------------------------------------------

_PLAYER = re.compile(
    r"https://(?:www\.youtube\.com/embed/[A-Za-z0-9_-]+(?:\?feature=oembed)?"
    r"|player\.vimeo\.com/video/[0-9]+|www\.dailymotion\.com/embed/video/[A-Za-z0-9]+)"
)
_ACTIVE_TAGS = {"script", "object", "embed", "applet", "base", "frame", "frameset", "svg", "math", "form"}
_URL_ATTRS = {"href", "src", "action", "formaction", "srcset", "poster", "background", "xlink:href", "data"}


def dangerous_url(url: str, *, image: bool = False) -> bool:
    """Whether a browser would run or load something other than http(s)/mailto/relative from ``url``."""
    seen = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(url)).lower()
    scheme = re.match(r"([a-z][a-z0-9+.-]*):", seen)
    if scheme is None or scheme[1] in ("http", "https", "mailto"):
        return False
    return not (image and re.match(r"data:image/(?:png|gif|jpeg|webp)[;,]", seen))


def html_problems(markup: str) -> list[str]:
    """Scripts, foreign frames, event handlers and dangerous URLs in ``markup`` as a browser parses it."""
    if not markup.strip():
        return []
    root = lxml.html.document_fromstring(f"<html><body>{markup}</body></html>")
    problems: list[str] = []
    for element in root.iter():
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag in _ACTIVE_TAGS:
            problems.append(f"<{tag}> element")
        if tag == "iframe" and not _PLAYER.fullmatch(element.get("src") or ""):
            problems.append(f"<iframe src={element.get('src')!r}>")
        for key, raw_value in element.attrib.items():
            name, value = str(key).lower(), str(raw_value)
            if name.startswith("on"):
                problems.append(f"event handler {name}= on <{tag}>")
            elif name == "srcdoc" or (name == "style" and re.search(r"expression|javascript", value, re.I)):
                problems.append(f"{name}= on <{tag}>")
            elif name in _URL_ATTRS:
                urls = [u.strip().split(" ")[0] for u in value.split(",")] if name == "srcset" else [value]
                image = tag == "img" and name in ("src", "srcset")
                problems += [f"{name}={u!r} on <{tag}>" for u in urls if dangerous_url(u, image=image)]
            elif name == "content" and tag == "meta" and "url=" in value.lower():
                problems.append("meta refresh")
    return problems


def _markdown_renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True})
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # kramdown and Hugo's unsafe mode do not filter links
    return md


_MD = _markdown_renderer()


def _lexical_html(node: Any) -> Iterator[str]:
    """Every HTML string in a Lexical document, as Ghost renders it."""
    if isinstance(node, list):
        for child in node:
            yield from _lexical_html(child)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    # what Ghost's card renderers (kg-default-nodes) put into the page as HTML, as text, and into
    # attributes without escaping them
    html_keys = ["html", "caption", "calloutText", "content", "heading", "header", "subheader"]
    if kind == "audio":
        html_keys.append("title")  # the audio card writes its title unescaped
    for key in html_keys:
        if isinstance(node.get(key), str):
            yield node[key]
    for key in ("buttonText", "fileName", "fileTitle", "fileCaption", "description", "author", "publisher"):
        if isinstance(node.get(key), str):
            yield html.escape(node[key])
    raw_attrs = {"video": ("src", "thumbnailSrc", "customThumbnailSrc"), "audio": ("src", "thumbnailSrc")}
    for key in raw_attrs.get(str(kind), ()):
        if isinstance(node.get(key), str):
            yield f'<img src="{node[key]}">'  # as Ghost writes it: not escaped
    for key, tag, name in (
        ("buttonUrl", "a", "href"),
        ("src", "img", "src"),
        ("thumbnail", "img", "src"),
        ("icon", "img", "src"),
        ("backgroundImageSrc", "img", "src"),
    ):
        value = node.get(key)
        if isinstance(value, str) and kind not in ("image", "video", "audio"):
            yield f'<{tag} {name}="{html.escape(value, quote=True)}">'
    if kind == "bookmark" and isinstance(node.get("url"), str):
        yield f'<a href="{html.escape(node["url"], quote=True)}">'
    if kind == "markdown":
        yield _MD.render(str(node.get("markdown", "")))
    attr = {"link": ("a", "href", "url"), "image": ("img", "src", "src"), "embed": ("a", "href", "url")}
    if kind in attr:
        tag, name, key = attr[kind]
        yield f'<{tag} {name}="{html.escape(str(node.get(key, "")), quote=True)}">'
    if kind == "image" and node.get("href"):
        yield f'<a href="{html.escape(str(node["href"]), quote=True)}">'
    for value in node.values():
        if isinstance(value, list | dict):
            yield from _lexical_html(value)


def rendered_html(fmt: str, output: str) -> list[str]:
    """The HTML a site would render from ``output`` of format ``fmt`` (none for text and JSON)."""
    if fmt in ("html", "gutenberg"):
        return [output]
    if fmt == "wxr":
        parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True)
        root = lxml.etree.fromstring(output.encode("utf-8"), parser)
        return [
            element.text or ""
            for element in root.iter()
            if isinstance(element.tag, str) and element.tag.rsplit("}", 1)[-1] in ("encoded", "title")
        ]
    if fmt == "lexical":
        return list(_lexical_html(json.loads(output)))
    if fmt == "markdown":
        body = output.split("\n---\n", 1)[1] if output.startswith("---\n") else output
        return [_MD.render(body)]
    return []


def unreported_template(output: str, report: ConversionReport) -> bool:
    """Whether a Markdown body holds ``{{`` or ``{%`` (which Hugo and Jekyll expand, even in code) and the
    report does not say so."""
    body = output.split("\n---\n", 1)[1] if output.startswith("---\n") else output
    return re.search(r"\{\{|\{%", body) is not None and not any("template" in m for m in report.messages())


def markup_from_text(fmt: str, output: str) -> list[str]:
    """What reading ``output`` back turned into markup (the posts written here hold none)."""
    post = formats.read(output, fmt, report=ConversionReport())
    found: list[str] = []

    def spans(inlines: tuple[Inline, ...]) -> None:
        for span in inlines:
            if isinstance(span, RawInline) and span.format == "html":
                if fmt == "lexical" and re.fullmatch(r"<sup>\d+</sup>", span.content):
                    continue  # a footnote's number, which Ghost holds as superscript text (no footnotes)
                found.append(f"inline HTML {span.content[:60]!r}")
            elif isinstance(span, Bold | Link):
                spans(span.children)

    for block in post.blocks:
        if isinstance(block, Raw) and block.format in ("html", "lexical", "markdown"):
            found.append(f"raw {block.format} {block.content[:60]!r}")
        elif isinstance(block, Paragraph | Heading):
            spans(block.inlines)
    return found


# --- the matrix -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", WRITERS)
@pytest.mark.parametrize(("slot", "build", "payloads"), CASES, ids=[c[0] for c in CASES])
def test_hostile_payload_stays_inert(
    fmt: str, slot: str, build: Callable[[str], Post], payloads: list[str]
) -> None:
    failures: list[str] = []
    for payload in payloads:
        post = build(payload)
        report = ConversionReport()
        output = formats.write(post, fmt, report=report)
        problems = [p for piece in rendered_html(fmt, output) for p in html_problems(piece)]
        problems += markup_from_text(fmt, output)
        if fmt == "markdown" and unreported_template(output, report):
            problems.append("a Hugo/Jekyll template delimiter, not reported")
        if problems:
            failures.append(f"{payload!r}: {problems}")
    assert not failures, f"{fmt} / {slot}:\n" + "\n".join(failures)


def test_the_matrix_sees_what_it_looks_for() -> None:
    """The checks find each kind of problem (so the matrix cannot pass by looking at nothing)."""
    for bad in (
        "<script>x</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="&#106;avascript:x">',
        '<a href=" JAVA\tSCRIPT:x">',
        '<iframe src="https://www.youtube.com/embed/../../x"></iframe>',
        '<img src="data:image/svg+xml,x">',
        '<img srcset="a.png 1x, javascript:x 2x">',
        "<!-- x --><script>x</script>",
    ):
        assert html_problems(bad), bad
    assert not html_problems(
        '<a href="https://a.b/c">x</a><img src="data:image/png;base64,AA"><iframe '
        'src="https://www.youtube.com/embed/dQw4w9WgXcQ?feature=oembed"></iframe>'
    )
    assert rendered_html("markdown", "[x](javascript:alert(1))") and html_problems(
        rendered_html("markdown", "[x](javascript:alert(1))")[0]
    )
    lexical = '{"root":{"children":[{"type":"html","version":1,"html":"<script>x</script>"}]}}'
    assert html_problems(rendered_html("lexical", lexical)[0])
    assert markup_from_text("html", "<p><span onclick=x>y</span></p>")


# --- the slots the matrix cannot reach: raw format names, origins, losses reported --------------------------


@pytest.mark.parametrize("name", ["x-->", "html -->", "HTML", "", "a" * 33, "text\n", "x<script>", "-x", "é"])
def test_raw_format_names_are_validated(name: str) -> None:
    with pytest.raises(ValidationError):
        Raw(format=name, content="x")
    with pytest.raises(ValidationError):
        RawInline(format=name, content="x")
    document = {"blocks": [{"type": "raw", "format": name, "content": "<script>alert(1)</script>"}]}
    with pytest.raises(ParseError):
        formats.read(json.dumps(document), "json")
    escaped = html.escape(name, quote=True)
    for data, fmt in (
        (f'<div hidden data-cmsbridge-raw="{escaped}" data-content="x"></div>', "html"),
        (
            json.dumps(
                {"root": {"children": [{"type": "html", "html": f"<!--cmsbridge:raw format={name}-->\nx"}]}}
            ),
            "lexical",
        ),
        (f"T\n\n```{{={name}}}\nx\n```", "text"),
        (f"```{{={name}}}\nx\n```", "markdown"),
    ):
        blocks = formats.read(data, fmt, report=ConversionReport()).blocks
        assert all(not isinstance(b, Raw) or b.format != name for b in blocks)


def test_raw_format_name_cannot_leave_its_comment() -> None:
    """A hostile name is refused when the block is built; were it not, no writer may let it out."""
    name = "x--><script>alert(1)</script><!--"
    try:
        post = Post(blocks=(Raw(format=name, content="x"),))
    except ValidationError:
        return
    for fmt in WRITERS:
        output = formats.write(post, fmt, report=ConversionReport())
        assert all(not html_problems(piece) for piece in rendered_html(fmt, output)), fmt


def test_json_origins_are_not_trusted() -> None:
    """An origin read from JSON is a claim, not markup a reader produced: it is dropped."""
    hostile = '<p onclick="alert(1)">hello</p>'
    post = Post(blocks=(Paragraph(inlines=text("hello"), origin=Origin(format="html", markup=hostile)),))
    read = formats.read(formats.write(post, "json"), "json")
    assert read == post and all(block.origin is None for block in read.blocks)
    assert "onclick" not in formats.write(read, "html")


def test_text_code_block_is_escaped_in_ghost_and_reads_back() -> None:
    post = formats.read("T\n\n```\n<script>alert(1)</script> & more\n```\n\n3. <b>x</b>\n4. y", "text")
    report = ConversionReport()
    written = formats.write(post, "lexical", report=report)
    # since issue 15 the fence is a CodeBlock and "3." a List starting at 3: Ghost gets them as data
    assert [b.type for b in post.blocks] == ["code_block", "list"]
    nodes = json.loads(written)["root"]["children"]
    assert not any(n["type"] == "html" for n in nodes)  # text never becomes an HTML card
    assert formats.read(written, "lexical").blocks == post.blocks


def test_unsafe_urls_and_ids_are_reported() -> None:
    post = Post(
        blocks=(
            Embed(url="javascript:alert(1)"),
            Embed(provider="youtube", url=YT, provider_id="../../x"),
            _p(Link(href="vbscript:x", children=text("link text"))),
            Image(src="data:text/html,x"),
        )
    )
    for fmt in ("html", "lexical", "gutenberg", "markdown", "text"):
        report = ConversionReport()
        output = formats.write(post, fmt, report=report)
        messages = " ".join(report.messages())
        assert "embed URL" in messages and "'../../x'" in messages, (fmt, messages)
        assert "link URL" in messages and "image source" in messages, (fmt, messages)
        assert "link text" in output and "javascript:alert(1)" in output, fmt  # text kept as text


def test_youtube_player_takes_only_a_valid_id() -> None:
    for fmt in ("html", "lexical"):
        for embed in (
            Embed(provider="youtube", url="https://www.youtube.com/embed/../../x?autoplay=1"),
            Embed(provider="youtube", url=YT, provider_id="abc?autoplay=1&list=PL"),
        ):
            output = formats.write(Post(blocks=(embed,)), fmt, report=ConversionReport())
            assert "autoplay=1&" not in output and "../" not in output.split('"url"')[0].split("data-url")[0]
            for piece in rendered_html(fmt, output):
                frames = lxml.html.document_fromstring(f"<html><body>{piece}</body></html>").iter("iframe")
                assert all(_PLAYER.fullmatch(f.get("src") or "") for f in frames)


@pytest.mark.parametrize("fmt", ["lexical", "gutenberg", "html"])
def test_append_escapes_text_and_warns(fmt: str) -> None:
    """``append`` writes an update's text blocks through the same writers: escaped, and it says so (the
    result carries the losses)."""
    import datetime as dt
    import random

    from cmsbridge.live import Update, append_update
    from cmsbridge.retry import RetryPolicy
    from tests.live_fake import FakeBackend, FakeClock

    start = formats.write(Post(blocks=(_p(*text("Intro.")),)), fmt, report=ConversionReport())
    backend = FakeBackend(start, fmt=fmt)
    blocks = _read_text("```\n<script>alert(1)</script>\n```\n\n[embed:generic](<javascript:alert(1)>)")
    clock = FakeClock()
    retry = RetryPolicy(sleep=clock.sleep, clock=clock, rng=random.Random(1))
    update = Update(at=dt.datetime(2026, 5, 6, 21, tzinfo=dt.UTC), label="UPDATE 1", blocks=blocks)
    result = append_update(backend, "1", update, retry=retry)  # type: ignore[arg-type]
    stored = backend.content("1")
    assert all(not html_problems(piece) for piece in rendered_html(fmt, stored)), stored
    warned = " ".join(str(loss) for loss in result.losses)
    assert "javascript:alert(1)" in warned, warned
    if fmt == "lexical":  # since issue 15 the fence is a CodeBlock: Ghost's code card holds it as data
        assert '"type":"codeblock"' in stored


@pytest.mark.parametrize("fmt", ["wxr", "markdown"])
def test_a_featured_image_of_a_dangerous_url_is_left_out_and_reported(fmt: str) -> None:
    """WXR makes it an attachment WordPress imports; Hugo and Jekyll themes put front matter's in a page."""
    for url in URLS:
        report = ConversionReport()
        output = formats.write(Post(title="t", featured_image=url), fmt, report=report)
        written = formats.read(output, fmt, report=ConversionReport()).featured_image
        if dangerous_url(url, image=True):
            assert written is None, (url, output)
            assert any("featured image" in m for m in report.messages()), url
        else:
            assert written is not None, url


def test_wxr_metadata_with_characters_xml_cannot_hold_stays_a_file_wordpress_can_import() -> None:
    odd = "a\x01b\x0bc"
    post = Post(
        title="t", slug=odd, authors=(odd,), categories=(odd,), tags=(odd,), featured_image=f"/x/{odd}.png"
    )
    report = ConversionReport()
    output = formats.write(post, "wxr", report=report)
    back = formats.read(output, "wxr", report=ConversionReport())  # parses: no character XML refuses
    categories = tuple(term.name for term in back.categories)
    assert (back.authors, categories, back.tags, back.slug) == (("abc",), ("abc",), ("abc",), "abc")
    assert back.featured_image == "/x/abc.png"
    assert any("characters XML cannot hold" in m for m in report.messages())
