"""Issue 15 item 2 for WordPress block markup and HTML: code, preformatted, tables, galleries, audio,
video, files, buttons, pull quotes, details, callouts, bookmarks and containers read into their model
types and written as their WordPress blocks and HTML."""

from __future__ import annotations

import re

from cmsbridge import formats
from cmsbridge.formats import html, wordpress
from cmsbridge.model import (
    Audio,
    Block,
    Bold,
    Bookmark,
    Button,
    Callout,
    CodeBlock,
    Container,
    Details,
    File,
    Gallery,
    Image,
    List,
    ListItem,
    Paragraph,
    Post,
    Preformatted,
    Quote,
    Table,
    TableCell,
    TableRow,
    Text,
    Video,
)
from cmsbridge.model import text as t
from cmsbridge.report import ConversionReport

WORDPRESS_DOC = """<!-- wp:code {"className":"language-python"} -->
<pre class="wp-block-code language-python"><code>if a &lt; b:
    print("&#91;x]")</code></pre>
<!-- /wp:code -->

<!-- wp:preformatted -->
<pre class="wp-block-preformatted">one
  <strong>two</strong></pre>
<!-- /wp:preformatted -->

<!-- wp:table {"hasFixedLayout":false} -->
<figure class="wp-block-table"><table><thead><tr><th>A</th><th class="has-text-align-center" data-align="center">B</th></tr></thead><tbody><tr><td colspan="2">x</td></tr></tbody><tfoot><tr><td>f</td><td>g</td></tr></tfoot></table><figcaption class="wp-element-caption">Cap</figcaption></figure>
<!-- /wp:table -->

<!-- wp:gallery {"columns":2,"linkTo":"none"} -->
<figure class="wp-block-gallery has-nested-images columns-2 is-cropped"><!-- wp:image {"id":5,"sizeSlug":"large"} -->
<figure class="wp-block-image size-large"><img src="https://e.example/a.jpg" alt="A" class="wp-image-5"/></figure>
<!-- /wp:image -->

<!-- wp:image -->
<figure class="wp-block-image"><img src="https://e.example/b.jpg" alt=""/></figure>
<!-- /wp:image --><figcaption class="blocks-gallery-caption wp-element-caption">Two pictures</figcaption></figure>
<!-- /wp:gallery -->

<!-- wp:audio {"id":7} -->
<figure class="wp-block-audio"><audio controls src="https://e.example/a.mp3"></audio><figcaption class="wp-element-caption">Listen</figcaption></figure>
<!-- /wp:audio -->

<!-- wp:video -->
<figure class="wp-block-video"><video controls poster="https://e.example/p.jpg" src="https://e.example/v.mp4"></video></figure>
<!-- /wp:video -->

<!-- wp:file {"id":9,"href":"https://e.example/r.pdf"} -->
<div class="wp-block-file"><a id="wp-block-file--media-9" href="https://e.example/r.pdf">Report</a><a href="https://e.example/r.pdf" class="wp-block-file__button wp-element-button" download aria-describedby="wp-block-file--media-9">Download</a></div>
<!-- /wp:file -->

<!-- wp:buttons -->
<div class="wp-block-buttons"><!-- wp:button -->
<div class="wp-block-button"><a class="wp-block-button__link wp-element-button" href="https://e.example/1">One</a></div>
<!-- /wp:button -->

<!-- wp:button -->
<div class="wp-block-button"><a class="wp-block-button__link wp-element-button" href="https://e.example/2">Two</a></div>
<!-- /wp:button --></div>
<!-- /wp:buttons -->

<!-- wp:pullquote -->
<figure class="wp-block-pullquote"><blockquote><p>Pull</p><cite>Someone</cite></blockquote></figure>
<!-- /wp:pullquote -->

<!-- wp:details -->
<details class="wp-block-details"><summary>More</summary><!-- wp:paragraph -->
<p>Hidden</p>
<!-- /wp:paragraph --></details>
<!-- /wp:details -->

<!-- wp:group {"tagName":"section","backgroundColor":"pale","layout":{"type":"constrained"}} -->
<section class="wp-block-group has-pale-background-color has-background"><!-- wp:paragraph -->
<p>Inside</p>
<!-- /wp:paragraph --></section>
<!-- /wp:group -->

<!-- wp:columns -->
<div class="wp-block-columns"><!-- wp:column {"width":"33%"} -->
<div class="wp-block-column" style="flex-basis:33%"><!-- wp:paragraph -->
<p>Left</p>
<!-- /wp:paragraph --></div>
<!-- /wp:column --></div>
<!-- /wp:columns -->

<!-- wp:cover {"url":"https://e.example/c.jpg","dimRatio":50} -->
<div class="wp-block-cover"><span aria-hidden="true" class="wp-block-cover__background has-background-dim"></span><img class="wp-block-cover__image-background" alt="" src="https://e.example/c.jpg" data-object-fit="cover"/><div class="wp-block-cover__inner-container"><!-- wp:paragraph -->
<p>Over</p>
<!-- /wp:paragraph --></div></div>
<!-- /wp:cover -->
"""  # noqa: E501


HIDDEN = re.compile(r"<[^>]*\shidden[\s>=]")


RICH = Post(
    blocks=(
        CodeBlock(code='if a < b:\n    print("[x]")\nhttps://e.example/x', language="python"),
        Preformatted(inlines=(Text(text="one\n  "), Bold(children=t("two")))),
        Table(
            head=(
                TableRow(
                    cells=(
                        TableCell(inlines=t("A"), header=True),
                        TableCell(inlines=t("B"), header=True, align="right"),
                    )
                ),
            ),
            body=(TableRow(cells=(TableCell(inlines=t("x"), colspan=2),)),),
            foot=(TableRow(cells=(TableCell(inlines=t("f"), rowspan=2),)),),
            caption=t("Cap"),
        ),
        Gallery(
            images=(Image(src="https://e.example/a.jpg", alt="a"), Image(src="https://e.example/b.jpg")),
            columns=2,
            caption=t("G"),
        ),
        Audio(src="https://e.example/a.mp3", caption=t("au")),
        Video(src="https://e.example/v.mp4", poster="https://e.example/p.jpg", caption=t("vi")),
        File(src="https://e.example/f.pdf", name="Report"),
        Button(text="One", url="https://e.example/1"),
        Button(text="Two", url="https://e.example/2"),
        Quote(paragraphs=(Paragraph(inlines=t("pull")),), citation=t("me"), pull=True),
        Details(
            summary=t("More"),
            blocks=(Paragraph(inlines=t("hidden")), Button(text="In", url="https://e.example")),
        ),
        Container(
            kind="group",
            attrs={"layout": {"type": "constrained"}},
            blocks=(Paragraph(inlines=t("in group")),),
        ),
        Container(
            kind="columns",
            blocks=(Container(kind="column", attrs={"width": "33%"}, blocks=(Paragraph(inlines=t("c1")),)),),
        ),
        Container(
            kind="cover", attrs={"url": "https://e.example/c.jpg"}, blocks=(Paragraph(inlines=t("over")),)
        ),
    )
)
"""Every new block type WordPress has a block for, without origins."""


def _types(blocks: tuple[Block, ...]) -> list[str]:
    return [b.type for b in blocks]


# --- WordPress block markup ------------------------------------------------------------------------------


def test_wordpress_blocks_read_into_their_types_and_write_back_byte_for_byte() -> None:
    report = ConversionReport()
    post = wordpress.read(WORDPRESS_DOC, report)
    assert not report
    assert _types(post.blocks) == [
        "code_block", "preformatted", "table", "gallery", "audio", "video", "file", "button", "button",
        "quote", "details", "container", "container", "container",
    ]  # fmt: skip
    code, pre, table, gallery, audio, video, file, one, two, pull, details, group, columns, cover = (
        post.blocks
    )
    assert code == CodeBlock(code='if a < b:\n    print("[x]")', language="python")
    assert pre == Preformatted(inlines=(Text(text="one\n  "), *((pre.inlines[1],))))
    assert isinstance(table, Table) and table.caption == t("Cap")
    assert [c.align for c in table.head[0].cells] == [None, "center"] and table.head[0].cells[0].header
    assert table.body[0].cells[0].colspan == 2 and len(table.foot[0].cells) == 2
    assert isinstance(gallery, Gallery) and gallery.columns == 2 and gallery.caption == t("Two pictures")
    assert [i.src for i in gallery.images] == ["https://e.example/a.jpg", "https://e.example/b.jpg"]
    assert audio == Audio(src="https://e.example/a.mp3", caption=t("Listen"))
    assert video == Video(src="https://e.example/v.mp4", poster="https://e.example/p.jpg")
    assert file == File(src="https://e.example/r.pdf", name="Report")
    assert (one, two) == (
        Button(text="One", url="https://e.example/1"),
        Button(text="Two", url="https://e.example/2"),
    )
    assert pull == Quote(paragraphs=(Paragraph(inlines=t("Pull")),), citation=t("Someone"), pull=True)
    assert details == Details(summary=t("More"), blocks=(Paragraph(inlines=t("Hidden")),))
    assert isinstance(group, Container) and group.kind == "group" and group.attrs["tagName"] == "section"
    assert group.blocks == (Paragraph(inlines=t("Inside")),)
    assert isinstance(columns, Container) and isinstance(columns.blocks[0], Container)
    assert columns.blocks[0].kind == "column" and columns.blocks[0].attrs == {"width": "33%"}
    assert (
        isinstance(cover, Container)
        and cover.kind == "cover"
        and cover.attrs["url"] == "https://e.example/c.jpg"
    )
    assert wordpress.write(post, ConversionReport()) == WORDPRESS_DOC


def test_new_blocks_are_written_as_their_wordpress_blocks_and_read_back_equal() -> None:
    report = ConversionReport()
    written = wordpress.write(RICH, report)
    assert not report, report.losses
    for name in (
        "code", "preformatted", "table", "gallery", "image", "audio", "video", "file", "button", "pullquote",
        "details", "group", "columns", "column", "cover",
    ):  # fmt: skip
        assert f"<!-- wp:{name} " in written or f"<!-- wp:{name} -->" in written, name
    assert written.count("<!-- wp:buttons -->") == 2  # the two top-level buttons share one row
    assert "&#91;x]" in written and "https:&#47;&#47;e.example/x" in written  # no shortcode, no auto-embed
    assert 'class="wp-block-code language-python"' in written
    assert wordpress.read(written, ConversionReport()) == RICH


def test_a_changed_inner_block_is_written_inside_its_wrappers_own_markup() -> None:
    post = wordpress.read(WORDPRESS_DOC, ConversionReport())
    group = post.blocks[11]
    assert isinstance(group, Container)
    changed = group.model_copy(update={"blocks": (Paragraph(inlines=t("Changed")),)})
    written = wordpress.write(post.model_copy(update={"blocks": (changed,)}), ConversionReport())
    assert written.lstrip().startswith(
        '<!-- wp:group {"tagName":"section","backgroundColor":"pale","layout":{"type":"constrained"}} -->\n'
        '<section class="wp-block-group has-pale-background-color has-background"><!-- wp:paragraph -->\n'
        "<p>Changed</p>"
    )
    assert wordpress.read(written, ConversionReport()).blocks == (changed,)


def test_callout_and_bookmark_become_readable_wordpress_blocks_and_the_loss_is_named() -> None:
    post = Post(
        blocks=(
            Callout(emoji="💡", blocks=(Paragraph(inlines=t("Note")),)),
            Bookmark(url="https://e.example/page", title="Page", description="About it", publisher="Pub"),
        )
    )
    report = ConversionReport()
    written = wordpress.write(post, report)
    back = wordpress.read(written, ConversionReport()).blocks
    assert isinstance(back[0], Container) and back[0].attrs == {"className": "callout"}
    assert back[0].blocks == (Paragraph(inlines=t("💡")), Paragraph(inlines=t("Note")))
    assert (
        isinstance(back[1], Paragraph) and '<a href="https://e.example/page">Page</a> — About it' in written
    )
    messages = [(loss.block, loss.message) for loss in report]
    assert any(b == 0 and "no callout block" in m for b, m in messages)
    assert any(b == 1 and "no bookmark card" in m and "publisher" in m for b, m in messages)
    assert not HIDDEN.search(written)


def test_a_container_from_html_becomes_a_group_and_says_so() -> None:
    post = Post(
        blocks=(
            Container(
                kind="aside", attrs={"class": "note", "onclick": "x()"}, blocks=(Paragraph(inlines=t("a")),)
            ),
        )
    )
    report = ConversionReport()
    written = wordpress.write(post, report)
    assert '<!-- wp:group {"className":"note","tagName":"aside"} -->' in written
    assert '<aside class="wp-block-group note">' in written and "onclick" not in written
    assert any("no aside block" in loss.message and "onclick" in loss.message for loss in report)


# --- HTML -----------------------------------------------------------------------------------------------


def test_new_blocks_round_trip_through_html_visibly() -> None:
    post = RICH.model_copy(
        update={
            "blocks": (
                *RICH.blocks,
                Callout(emoji="💡", blocks=(Paragraph(inlines=t("note")),)),
                Bookmark(
                    url="https://e.example/page",
                    title="Page",
                    description="Desc",
                    icon="https://e.example/i.png",
                    thumbnail="https://e.example/t.png",
                    publisher="Pub",
                    author="Au",
                    caption=t("bm"),
                ),
                Container(
                    kind="section", attrs={"class": "x", "id": "s"}, blocks=(Paragraph(inlines=t("s")),)
                ),
            )
        }
    )
    report = ConversionReport()
    written = html.write(post, report)
    assert not report, report.losses
    assert not HIDDEN.search(written)
    assert (
        '<pre><code class="language-python">' in written and "<table><caption>Cap</caption><thead>" in written
    )
    assert '<a class="button" href="https://e.example/1">One</a><a class="button"' in written  # one row
    assert "<details><summary>More</summary>" in written and '<section class="x" id="s">' in written
    assert '<a href="https://e.example/f.pdf" download>Report</a>' in written
    assert '<img class="wp-block-cover__image-background" src="https://e.example/c.jpg"' in written  # shown
    assert html.read(written, ConversionReport()) == post


def test_html_reads_common_markup_of_the_new_blocks() -> None:
    page = (
        '<pre class="wp-block-code"><code class="lang-js">let a = 1;</code></pre>'
        "<pre>keep  <em>this</em></pre>"
        '<table><tr><td align="center">c</td></tr></table>'
        '<video src="https://e.example/v.mp4" width="640"></video>'
        '<figure class="wp-block-pullquote"><blockquote><p>Pulled</p></blockquote></figure>'
        '<div class="wp-block-buttons"><div class="wp-block-button"><a class="wp-block-button__link" '
        'href="https://e.example">Go</a></div></div>'
        '<div class="wp-block-file"><a href="https://e.example/r.pdf">Report</a>'
        '<a href="https://e.example/r.pdf" download>Download</a></div>'
        "<article><p>In</p></article>"
    )
    blocks = html.read(page, ConversionReport()).blocks
    assert blocks == (
        CodeBlock(code="let a = 1;", language="js"),
        Preformatted(inlines=(Text(text="keep  "), blocks[1].inlines[1])),  # type: ignore[union-attr]
        Table(body=(TableRow(cells=(TableCell(inlines=t("c"), align="center"),)),)),
        Video(src="https://e.example/v.mp4", width=640),
        Quote(paragraphs=(Paragraph(inlines=t("Pulled")),), pull=True),
        Button(text="Go", url="https://e.example"),
        File(src="https://e.example/r.pdf", name="Report"),
        Container(kind="article", blocks=(Paragraph(inlines=t("In")),)),
    )


def test_untrusted_urls_and_attributes_of_new_blocks_stay_inert() -> None:
    post = Post(
        blocks=(
            Button(text="Click", url="javascript:alert(1)"),
            Video(src="https://e.example/v.mp4", poster="javascript:alert(2)"),
            Container(kind="div", attrs={"onclick": "alert(3)"}, blocks=(Audio(src="javascript:alert(4)"),)),
        )
    )
    for fmt in ("html", "gutenberg"):
        report = ConversionReport()
        written = formats.write(post, fmt, report=report)
        assert "javascript:" not in written and 'onclick="' not in written, fmt
        assert sum("is not allowed" in loss.message for loss in report) == 3, fmt
    back = html.read(html.write(post, ConversionReport()), ConversionReport()).blocks[2]
    assert isinstance(back, Container) and back.attrs == {"onclick": "alert(3)"}  # data, never live


def test_an_ordered_lists_start_crosses_wordpress_markup() -> None:
    listed = List(ordered=True, start=0, items=(ListItem(inlines=t("zero")),))
    written = wordpress.write(Post(blocks=(listed,)), ConversionReport())
    assert '<!-- wp:list {"ordered":true,"start":0} -->\n<ol start="0" class="wp-block-list">' in written
    read = wordpress.read(written, ConversionReport())
    assert read.blocks == (listed,)
    moved = read.blocks[0].model_copy(update={"start": 3})  # changed: rewritten from its origin
    assert wordpress.read(
        wordpress.write(Post(blocks=(moved,)), ConversionReport()), ConversionReport()
    ).blocks == (moved,)
