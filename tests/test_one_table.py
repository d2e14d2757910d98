"""One table per fact: an update label and an embed URL mean the same in every format.

Each label and each provider URL is written in each format's own markup for that thing (a text line, a bold
HTML paragraph, a WordPress paragraph block, a Ghost marker card and heading, a Markdown heading; an embed
wrapper, a WordPress embed block, a Ghost embed card as Ghost's editor makes it, an embed token) and read
through that format: every format gives the same block.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from html import escape

import pytest

from cmsbridge.formats import read
from cmsbridge.model import Block, Embed, Post, UpdateMarker
from cmsbridge.report import ConversionReport

LABELS = {
    "UPDATE: 23:18 Paris time": (dt.time(23, 18), "Europe/Paris"),
    "UPDATED: 10:05 CET": (dt.time(10, 5), "Europe/Paris"),
    "UPDATE - 23:18 Paris time": (dt.time(23, 18), "Europe/Paris"),
    "Update \u2013 11:18pm London time": (dt.time(23, 18), "Europe/London"),
    "LATEST \u2014 09:30 New York time": (dt.time(9, 30), "America/New_York"),
    "BREAKING: 14h05 Moscow": (dt.time(14, 5), "Europe/Moscow"),
    "MISE À JOUR : 23h18 heure de Paris": (dt.time(23, 18), "Europe/Paris"),
    "ACTUALIZACIÓN: 18:40 Madrid": (dt.time(18, 40), "Europe/Madrid"),
    "AKTUALISIERUNG - 7:15 Berlin": (dt.time(7, 15), "Europe/Berlin"),
    "Aggiornamento: 12:00 Rome": (dt.time(12, 0), "Europe/Rome"),
    "Updated: 6:45am Tokyo": (dt.time(6, 45), "Asia/Tokyo"),
    "Update: 3pm Kyiv": (dt.time(15, 0), "Europe/Kyiv"),
}

URLS = {
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ": ("youtube", "dQw4w9WgXcQ"),
    "https://youtu.be/dQw4w9WgXcQ": ("youtube", "dQw4w9WgXcQ"),
    "https://vimeo.com/76979871": ("vimeo", "76979871"),
    "https://www.dailymotion.com/video/x7tgad0": ("dailymotion", "x7tgad0"),
    "https://twitter.com/jack/status/20": ("twitter", "20"),
    "https://x.com/jack/status/20": ("twitter", "20"),
    "https://www.instagram.com/p/CxYz123/": ("instagram", "CxYz123"),
    "https://example.org/widgets/7": ("generic", None),
}

BODY = "Body."


def _lexical(children: list[dict[str, object]]) -> str:
    root = {"children": children, "direction": "ltr", "format": "", "indent": 0, "type": "root", "version": 1}
    return json.dumps({"root": root})


def _text_node(text: str) -> dict[str, object]:
    return {"detail": 0, "format": 0, "mode": "normal", "style": "", "text": text, "type": "extended-text"}


def _paragraph_node(text: str) -> dict[str, object]:
    return {"children": [_text_node(text)], "type": "paragraph", "version": 1}


def _marker_lexical(label: str, marker_id: str) -> str:
    card = f'<span class="cmsbridge-update" data-update-id="{escape(marker_id)}" data-label="heading"></span>'
    return _lexical(
        [
            {"type": "html", "version": 1, "html": card},
            {"children": [_text_node(label)], "type": "extended-heading", "version": 1, "tag": "h3"},
            _paragraph_node(BODY),
        ]
    )


MARKER_MARKUP: dict[str, Callable[[str, str], str]] = {
    "text": lambda label, _id: f"Title\n\n{label}\n{BODY}\n",
    "markdown": lambda label, _id: f"### {label} {{.update-marker}}\n\n{BODY}\n",
    "html": lambda label, _id: f"<p><strong>{escape(label)}</strong></p>\n<p>{BODY}</p>",
    "gutenberg": lambda label, _id: (
        f"<!-- wp:paragraph -->\n<p><strong>{escape(label)}</strong></p>\n<!-- /wp:paragraph -->\n\n"
        f"<!-- wp:paragraph -->\n<p>{BODY}</p>\n<!-- /wp:paragraph -->"
    ),
    "lexical": _marker_lexical,
}

WORDPRESS_TYPES = {"youtube": "video", "vimeo": "video", "dailymotion": "video"}


def _embed_figure(url: str) -> str:
    wrapper = '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">'
    return f"{wrapper}\n{escape(url)}\n</div></figure>"


def _embed_gutenberg(url: str, provider: str) -> str:
    attrs: dict[str, object] = {"url": url}
    if provider != "generic":  # what WordPress's editor stores for a URL its oEmbed providers know
        attrs.update(type=WORDPRESS_TYPES.get(provider, "rich"), providerNameSlug=provider, responsive=True)
    return f"<!-- wp:embed {json.dumps(attrs)} -->\n{_embed_figure(url)}\n<!-- /wp:embed -->"


def _embed_lexical(url: str, provider: str) -> str:
    card = {  # as Ghost's editor makes it: no cmsbridge metadata
        "type": "embed",
        "version": 1,
        "url": url,
        "embedType": "video" if provider in WORDPRESS_TYPES else "rich",
        "html": f'<a href="{escape(url)}">{escape(url)}</a>',
        "metadata": {"url": url, "title": "A title"},
        "caption": "",
    }
    return _lexical([card])


EMBED_MARKUP: dict[str, Callable[[str, str], str]] = {
    "text": lambda url, provider: f"Title\n\n[embed:{provider}]({url})\n",
    "markdown": lambda url, provider: f"[embed:{provider}]({url})\n",
    "html": lambda url, _provider: _embed_figure(url),
    "gutenberg": _embed_gutenberg,
    "lexical": _embed_lexical,
}


def _blocks(format_name: str, markup: str) -> tuple[Block, ...]:
    return read(markup, format_name, report=ConversionReport()).blocks


@pytest.mark.parametrize("label", list(LABELS))
def test_a_label_gives_the_same_marker_in_every_format(label: str) -> None:
    reference = _blocks("text", MARKER_MARKUP["text"](label, ""))[0]
    assert isinstance(reference, UpdateMarker), reference
    assert (reference.at, reference.tz, reference.label) == (*LABELS[label], label)
    for name, markup in MARKER_MARKUP.items():
        blocks = _blocks(name, markup(label, reference.id))
        assert blocks[0] == reference, name
        assert len(blocks) == 2, name


@pytest.mark.parametrize("url", list(URLS))
def test_a_provider_url_gives_the_same_embed_in_every_format(url: str) -> None:
    provider, provider_id = URLS[url]
    for name, markup in EMBED_MARKUP.items():
        (block,) = _blocks(name, markup(url, provider))
        assert isinstance(block, Embed), name
        assert (block.provider, block.provider_id, block.url) == (provider, provider_id, url), name


@pytest.mark.parametrize(
    ("line", "is_label"),
    [
        ("Latest: officials confirmed twelve dead.", False),  # an ordinary sentence
        ("Breaking - the bridge is closed.", False),
        ("BREAKING - 14:05 the bridge is closed", True),
        ("Latest: 23:18 Paris time", True),
        ("Update - we have more.", True),
    ],
)
def test_latest_and_breaking_start_a_label_only_with_a_time(line: str, is_label: bool) -> None:
    post = read(f"Title\n\nBefore.\n\n{line}\n\nAfter.\n", "text", report=ConversionReport())
    assert any(isinstance(block, UpdateMarker) for block in post.blocks) is is_label


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "lexical", "gutenberg"])
@pytest.mark.parametrize("sep", [":", "-", "\u2013", "\u2014"])
def test_a_paragraph_that_looks_like_a_label_stays_a_paragraph(fmt: str, sep: str) -> None:
    from cmsbridge.formats import write
    from cmsbridge.model import Heading, Paragraph, Post, Text

    text = (Text(text=f"Update {sep} 10:05 we have more."),)
    post = Post(title="T", blocks=(Paragraph(inlines=text), Heading(level=3, inlines=text)))
    report = ConversionReport()
    back = read(write(post, fmt, report=report), fmt, report=ConversionReport())
    assert back.blocks == post.blocks
    assert [loss for loss in report.losses if loss.block is not None] == []


def test_a_wordpress_paragraph_edited_into_a_label_like_text_stays_a_paragraph() -> None:
    """A paragraph read from WordPress (its origin kept) whose text an editor changed to start like a label,
    and back: each version reads back as written, the block's own attributes kept."""
    from cmsbridge.formats import write
    from cmsbridge.model import Paragraph, Text

    source = (
        '<!-- wp:paragraph {"align":"center"} -->\n'
        '<p class="has-text-align-center">Calm.</p>\n<!-- /wp:paragraph -->'
    )
    (paragraph,) = _blocks("gutenberg", source)
    for words in ("UPDATED: 10:05 CET the talks resume", "Calm again."):
        paragraph = paragraph.model_copy(update={"inlines": (Text(text=words),)})
        assert isinstance(paragraph, Paragraph)
        markup = write(Post(blocks=(paragraph,)), "gutenberg", report=ConversionReport())
        assert '"align":"center"' in markup and "has-text-align-center" in markup
        (back,) = _blocks("gutenberg", markup)
        assert back == paragraph
        paragraph = back
