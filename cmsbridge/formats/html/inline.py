"""Inline HTML <-> the model's inline spans, shared by every HTML-based format.

``<strong>``/``<b>`` -> Bold, ``<em>``/``<i>`` -> Italic, ``<code>`` -> Code, ``<a href>`` -> Link,
``<br>`` -> LineBreak. Any other element (``<time>``, ``<sup>``, a link with extra attributes...) is kept
verbatim as :class:`RawInline`, so nothing is dropped. Parsing uses lxml's HTML parser: no network, no
external entities.

Footnotes (:class:`Note`): a writer that calls :func:`collect_notes` gets each note's reference written as
``<sup class="footnote-ref"><a href="#fn-N" id="fnref-N">N</a></sup>`` and the notes' HTML back, to write
as ``<section class="footnotes"><ol><li id="fn-N">``... (:func:`notes_html`). A reader that calls
:func:`resolve_notes` with the notes it found (:func:`take_notes`: that section, pandoc's and
markdown-it's shapes, WordPress's ``<ol class="wp-block-footnotes">``) reads a ``<sup>`` or ``<a>`` whose
link points at one of them as that Note. Outside these scopes a note is written inline in brackets.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from html import escape

import lxml.html
from lxml import etree
from pydantic import BaseModel

from ...errors import ParseError
from ...limits import check_attribute_count, check_element_depth, check_parser_limits
from ...model import Bold, Code, Inline, Inlines, Italic, LineBreak, Link, Note, RawInline, Text

_PARSER = lxml.html.HTMLParser(no_network=True, remove_comments=False)


class _Collected:
    def __init__(self, style: str) -> None:
        self.style = style
        self.notes: list[Note] = []
        self.numbers: dict[int, int] = {}
        """The number of each note met, by the span's identity: a writer may render a span twice (a
        probe, a fallback), and one Note object referred to twice is one note."""


_COLLECTED: ContextVar[_Collected | None] = ContextVar("cmsbridge_html_notes_out", default=None)
_RESOLVED: ContextVar[dict[str, Inlines] | None] = ContextVar("cmsbridge_html_notes_in", default=None)
_BACKLINK = "\u21a9\ufe0e"


@contextmanager
def collect_notes(style: str = "html") -> Iterator[list[Note]]:
    """Within this scope notes are written as numbered references and gathered, in order, into the
    list yielded (the N-th note is number N); ``style`` ``wordpress`` writes WordPress's references
    (``<sup data-fn="ID" class="fn"><a href="#ID" id="ID-link">N</a></sup>``)."""
    collected = _Collected(style)
    token = _COLLECTED.set(collected)
    try:
        yield collected.notes
    finally:
        _COLLECTED.reset(token)


@contextmanager
def resolve_notes(notes: dict[str, Inlines]) -> Iterator[None]:
    """Within this scope a reference to the id of one of ``notes`` (or of an enclosing scope's notes)
    reads as that note."""
    token = _RESOLVED.set({**(_RESOLVED.get() or {}), **notes})
    try:
        yield
    finally:
        _RESOLVED.reset(token)


def note_ids(number: int, style: str = "html") -> tuple[str, str]:
    """The id of note ``number`` and of its reference, as this writer writes them."""
    if style == "wordpress":
        return f"fn-{number}", f"fn-{number}-link"
    return f"fn-{number}", f"fnref-{number}"


def notes_html(notes: list[Note], style: str = "html") -> str:
    """The notes' list, as written after the post (empty when there are none)."""
    if not notes:
        return ""
    items = []
    for number, note in enumerate(notes, 1):
        note_id, ref_id = note_ids(number, style)
        label = f' aria-label="Jump to footnote reference {number}"' if style == "wordpress" else ""
        css = "" if style == "wordpress" else ' class="footnote-backref"'
        back = f'<a href="#{ref_id}"{css}{label}>{_BACKLINK}</a>'
        items.append(f'<li id="{note_id}">{inlines_to_html(note.children)} {back}</li>')
    if style == "wordpress":
        return f'<ol class="wp-block-footnotes">{"".join(items)}</ol>'
    return f'<section class="footnotes"><ol>{"".join(items)}</ol></section>'


def _is_backlink(element: etree._Element) -> bool:
    if not isinstance(element.tag, str) or element.tag != "a":
        return False
    classes = (element.get("class") or "").split()
    href = element.get("href") or ""
    return (
        "footnote-backref" in classes
        or element.get("role") == "doc-backlink"
        or (href.startswith("#") and "\u21a9" in "".join(str(t) for t in element.itertext()))
    )


def _note_content(li: etree._Element) -> Inlines:
    for back in [e for e in li.iter("a") if _is_backlink(e)]:
        parent = back.getparent()
        if parent is None:
            continue
        tail = back.tail or ""
        previous = back.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
        parent.remove(back)
    element = li
    if len(li) == 1 and li[0].tag == "p" and not (li.text or "").strip() and not (li[0].tail or "").strip():
        element = li[0]
    spans = list(inlines_from_element(element))
    while spans and isinstance(spans[-1], Text) and not spans[-1].text.strip():
        spans.pop()
    if spans and isinstance(spans[-1], Text):
        spans[-1] = Text(text=spans[-1].text.rstrip())
    if spans and isinstance(spans[0], Text):
        spans[0] = Text(text=spans[0].text.lstrip())
    return tuple(s for s in spans if not (isinstance(s, Text) and not s.text))


def _is_notes_list(element: etree._Element) -> etree._Element | None:
    """The ``<ol>`` of a footnotes section (markdown-it, pandoc, this writer) or WordPress's list."""
    if not isinstance(element.tag, str):
        return None
    classes = (element.get("class") or "").split()
    if element.tag == "ol" and "wp-block-footnotes" in classes:
        return element
    if element.tag in ("section", "div", "aside") and (
        "footnotes" in classes or element.get("id") == "footnotes" or element.get("role") == "doc-endnotes"
    ):
        lists = [child for child in element if child.tag == "ol"]
        others = [c for c in element if c.tag not in ("ol", "hr") and isinstance(c.tag, str)]
        if len(lists) == 1 and not others:
            return lists[0]
    return None


def take_notes(container: etree._Element) -> dict[str, Inlines]:
    """Remove the footnote lists among ``container``'s children and return their notes by id."""
    notes: dict[str, Inlines] = {}
    for child in list(container):
        found = _is_notes_list(child)
        if found is None or not all(li.tag == "li" and li.get("id") for li in found):
            continue
        for li in found:
            notes[str(li.get("id"))] = _note_content(li)
        tail = child.tail
        previous = child.getprevious()
        if tail and tail.strip():
            continue
        if (
            previous is not None
            and previous.tag == "hr"
            and "footnotes-sep" in (previous.get("class") or "")
            and not (previous.tail or "").strip()
        ):
            container.remove(previous)  # markdown-it's rule before its notes
            previous = child.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + (tail or "")
        container.remove(child)
    return notes


def _note_reference(element: etree._Element, tag: str) -> Note | None:
    notes = _RESOLVED.get()
    if not notes:
        return None
    link = element
    if tag == "sup" and len(element) == 1 and not (element.text or "").strip():
        link = element[0]
    elif tag != "a":
        return None
    if link.tag != "a" or len(link) > 1 or (link is not element and (link.tail or "").strip()):
        return None
    href = link.get("href") or ""
    if not href.startswith("#") or href[1:] not in notes:
        return None
    return Note(children=notes[href[1:]])


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
    if tag in ("sup", "a"):
        note = _note_reference(element, tag)
        if note is not None:
            return note
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
        elif isinstance(span, Note):
            parts.append(_note_html(span))
    return "".join(parts)


def _note_html(note: Note) -> str:
    collected = _COLLECTED.get()
    if collected is None:  # a writer that has no place for notes: the note where it stands
        return f'<span class="footnote">[{inlines_to_html(note.children)}]</span>'
    number = collected.numbers.get(id(note))
    if number is None:
        collected.notes.append(note)
        number = collected.numbers[id(note)] = len(collected.notes)
    note_id, ref_id = note_ids(number, collected.style)
    if collected.style == "wordpress":
        return f'<sup data-fn="{note_id}" class="fn"><a href="#{note_id}" id="{ref_id}">{number}</a></sup>'
    return f'<sup class="footnote-ref"><a href="#{note_id}" id="{ref_id}">{number}</a></sup>'


def has_notes(block: BaseModel) -> bool:
    """Whether ``block`` holds a footnote (its markup then depends on the notes' numbering)."""
    return '"type":"note"' in block.model_dump_json()


def notes_by_id(notes: list[Note], style: str = "html") -> dict[str, Inlines]:
    """The notes as :func:`notes_html` writes them, by id (for reading back one block alone)."""
    return {note_ids(n, style)[0]: note.children for n, note in enumerate(notes, 1)}


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
        elif isinstance(span, Note):
            span = Note(children=normalize(span.children))
        _append(out, span)
    return tuple(out)


def inline_from_node(element: etree._Element) -> Inline:
    """The span for one inline element (``<strong>`` -> Bold...; unknown elements -> RawInline)."""
    return _convert(element)
