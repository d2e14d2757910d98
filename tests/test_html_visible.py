"""Issue 15's HTML bugs: a block the model has no type for was written inside ``<div hidden>`` (a browser
showed none of it), and an image's link with WordPress's usual ``target``/``rel`` was dropped, as were
the image's class, title and srcset, with nothing reported."""

from __future__ import annotations

import lxml.html

from cmsbridge import formats
from cmsbridge.formats import html
from cmsbridge.model import Image, Paragraph, Raw, Text
from cmsbridge.report import ConversionReport

NOTICE = (
    '<!-- wp:acme/notice {"kind":"info"} -->\n'
    '<div class="notice" onclick="steal()"><p>Heads up: <a href="javascript:alert(1)">read</a> '
    '<a href="https://e.example/more">more</a></p><script>steal()</script></div>\n'
    "<!-- /wp:acme/notice -->"
)


def _shown_text(page: str) -> str:
    """The text a browser shows: none inside a hidden element, a script or a style."""
    root = lxml.html.fragment_fromstring(page, create_parent="div")
    for element in list(root.iter()):
        if element.getparent() is not None and (
            element.get("hidden") is not None or element.tag in ("script", "style")
        ):
            element.drop_tree()
    return root.text_content()


def test_a_wordpress_block_without_a_model_type_is_shown_in_html_and_reads_back() -> None:
    post = formats.read(NOTICE, "gutenberg", report=ConversionReport())
    assert isinstance(post.blocks[0], Raw)
    report = ConversionReport()
    page = formats.write(post, "html", report=report)
    assert "Heads up: read more" in _shown_text(page)
    assert 'href="https://e.example/more"' in page  # its rendered HTML, links and all
    elements = list(lxml.html.fragment_fromstring(page, create_parent="div").iter())
    assert not [e for e in elements if e.tag == "script" or "onclick" in e.attrib]  # inert
    assert not [e for e in elements if (e.get("href") or "").startswith("javascript:")]
    assert formats.read(page, "html", report=ConversionReport()).blocks == post.blocks  # and it comes back


def test_a_dynamic_block_without_html_is_reported_in_html() -> None:
    post = formats.read("<!-- wp:latest-posts /-->", "gutenberg", report=ConversionReport())
    report = ConversionReport()
    page = formats.write(post, "html", report=report)
    assert " hidden" not in page
    assert any("no HTML form" in loss.message and loss.block == 0 for loss in report)


def test_raw_markdown_is_shown_as_text() -> None:
    from cmsbridge.model import Post

    post = Post(blocks=(Raw(format="markdown", content="<b>not bold</b> *x*"),))
    page = html.write(post, ConversionReport())
    assert _shown_text(page).strip() == "<b>not bold</b> *x*"
    assert "<b>" not in page.split(">", 1)[1]  # text stays text


def test_an_image_link_with_target_and_rel_is_kept_and_what_is_dropped_is_named() -> None:
    page = (
        '<p><a href="https://e.example/big.jpg" target="_blank" rel="noopener">'
        '<img src="https://e.example/a.jpg" alt="A" class="wp-image-5" title="T" '
        'srcset="https://e.example/a-300.jpg 300w"></a></p>'
    )
    report = ConversionReport()
    blocks = html.read(page, report).blocks
    assert blocks == (Image(src="https://e.example/a.jpg", alt="A", link="https://e.example/big.jpg"),)
    said = " ".join(loss.message for loss in report)
    for name in ("target", "rel", "class", "title", "srcset"):
        assert name in said, name


def test_a_figure_images_dropped_attributes_are_reported() -> None:
    page = (
        '<figure class="wp-block-image"><a href="https://e.example/p" rel="noopener" target="_blank">'
        '<img src="https://e.example/a.jpg" alt="" id="pic" srcset="https://e.example/a-2x.jpg 2x"></a>'
        "<figcaption>Cap</figcaption></figure>"
    )
    report = ConversionReport()
    blocks = html.read(page, report).blocks
    assert blocks == (
        Image(src="https://e.example/a.jpg", link="https://e.example/p", caption=(Text(text="Cap"),)),
    )
    said = " ".join(loss.message for loss in report)
    assert all(name in said for name in ("rel", "target", "id", "srcset"))
    assert html.read('<p><img src="https://e.example/a.jpg" alt="x"></p>', report).blocks != (Paragraph(),)
