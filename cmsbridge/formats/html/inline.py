"""Inline HTML <-> the model's inline spans, shared by every HTML-based format.

``<strong>``/``<b>`` -> Bold, ``<em>``/``<i>`` -> Italic, ``<code>`` -> Code, ``<a href>`` -> Link,
``<br>`` -> LineBreak. Any other element (``<time>``, ``<sup>``, a link with extra attributes...) is kept
verbatim as :class:`RawInline`, so nothing is dropped. Parsing uses lxml's HTML parser: no network, no
external entities.
"""

from __future__ import annotations

from html import escape

import lxml.html
from lxml import etree

from ...errors import ParseError
from ...limits import check_attribute_count, check_element_depth, check_parser_limits
from ...model import Bold, Code, Inline, Inlines, Italic, LineBreak, Link, RawInline, Text

_PARSER = lxml.html.HTMLParser(no_network=True, remove_comments=False)


def escape_text(value: str) -> str:
    """Escape text for an HTML text node (``&``, ``<``, ``>``)."""
    return escape(value, quote=False)


def escape_attr(value: str) -> str:
    """Escape text for a double-quoted HTML attribute value."""
    return escape(value, quote=True).replace("&#x27;", "'")


def parse_fragment(html: str) -> etree._Element:
    """Parse an HTML fragment into a ``<div>`` wrapper element; ParseError if it nests too deeply or an
    element has too many attributes."""
    check_attribute_count(html or "", "html")
    try:
        wrapper: etree._Element = lxml.html.fragment_fromstring(
            html or "", create_parent="div", parser=_PARSER
        )
    except (etree.ParserError, ValueError) as exc:  # a lone doctype, a control character
        raise ParseError(f"html: cannot parse: {exc}") from exc
    except (AssertionError, IndexError):  # lxml asserts that a fragment has a body (head elements only)
        raise ParseError("html: cannot parse: no body content") from None
    check_element_depth(wrapper, "html")
    check_parser_limits(_PARSER, "html")
    return wrapper


def _outer_html(element: etree._Element) -> str:
    return str(lxml.html.tostring(element, encoding="unicode", with_tail=False, method="html"))


def _append(out: list[Inline], span: Inline) -> None:
    if isinstance(span, Text) and out and isinstance(out[-1], Text):
        out[-1] = Text(text=out[-1].text + span.text)
    elif not (isinstance(span, Text) and not span.text):
        out.append(span)


def _convert(element: etree._Element) -> Inline:
    tag = element.tag if isinstance(element.tag, str) else ""
    attrs: dict[str, str] = {str(k): str(v) for k, v in element.attrib.items()}
    if tag in ("strong", "b") and not attrs:
        return Bold(children=inlines_from_element(element))
    if tag in ("em", "i") and not attrs:
        return Italic(children=inlines_from_element(element))
    if tag == "code" and not attrs and len(element) == 0:
        return Code(text=element.text or "")
    if tag == "br" and not attrs:
        return LineBreak()
    if tag == "a" and "href" in attrs and set(attrs) <= {"href", "title"}:
        return Link(href=attrs["href"], title=attrs.get("title"), children=inlines_from_element(element))
    return RawInline(format="html", content=_outer_html(element))


def inlines_from_element(element: etree._Element) -> Inlines:
    """The inline content of ``element`` (its text and children, not its tail)."""
    out: list[Inline] = []
    if element.text:
        _append(out, Text(text=element.text))
    for child in element:
        _append(out, _convert(child))
        if child.tail:
            _append(out, Text(text=child.tail))
    return tuple(out)


def inlines_from_html(html: str) -> Inlines:
    """Parse inline HTML (the inside of a ``<p>``, a ``<cite>``...) into spans."""
    if not html:
        return ()
    if "<" not in html and "&" not in html:
        return (Text(text=html),)
    return inlines_from_element(parse_fragment(html))


def inlines_to_html(inlines: Inlines) -> str:
    """Render spans as inline HTML."""
    parts: list[str] = []
    for span in inlines:
        if isinstance(span, Text):
            parts.append(escape_text(span.text))
        elif isinstance(span, Bold):
            parts.append(f"<strong>{inlines_to_html(span.children)}</strong>")
        elif isinstance(span, Italic):
            parts.append(f"<em>{inlines_to_html(span.children)}</em>")
        elif isinstance(span, Code):
            parts.append(f"<code>{escape_text(span.text)}</code>")
        elif isinstance(span, LineBreak):
            parts.append("<br>")
        elif isinstance(span, Link):
            title = f' title="{escape_attr(span.title)}"' if span.title is not None else ""
            parts.append(f'<a href="{escape_attr(span.href)}"{title}>{inlines_to_html(span.children)}</a>')
        elif isinstance(span, RawInline):
            parts.append(span.content if span.format == "html" else escape_text(span.content))
    return "".join(parts)


def normalize(inlines: Inlines) -> Inlines:
    """Canonical form of spans: adjacent texts merged, empty texts and empty marks removed."""
    out: list[Inline] = []
    for span in inlines:
        if isinstance(span, Bold | Italic):
            children = normalize(span.children)
            if not children:
                continue
            span = type(span)(children=children)
        elif isinstance(span, Link):
            span = Link(href=span.href, title=span.title, children=normalize(span.children))
        _append(out, span)
    return tuple(out)


def inline_from_node(element: etree._Element) -> Inline:
    """The span for one inline element (``<strong>`` -> Bold...; unknown elements -> RawInline)."""
    return _convert(element)
