"""Issue 15: every post field through front matter, the JSON form and a local folder (pages, password,
sticky, discussion, format, template, SEO, categories with their parents, comments)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

import cmsbridge
from cmsbridge.backends.files import FilesBackend
from cmsbridge.errors import UnsupportedError
from cmsbridge.formats import json_format, markdown
from cmsbridge.model import Comment, Container, Origin, Paragraph, Post, Term, Text
from cmsbridge.report import ConversionReport

NEWS = Term(name="News", slug="news")
COMMENTS = (
    Comment(
        id="7",
        author="Ann",
        email="ann@example.com",
        url="https://ann.example.com",
        date=dt.datetime(2026, 5, 6, 10, 0, tzinfo=dt.UTC),
        content="<p>First!</p>",
    ),
    Comment(id="8", parent="7", author="Bob", status="pending", content="Reply: a: b"),
)


def full_post() -> Post:
    return Post(
        title="About us",
        slug="about",
        status="private",
        post_type="page",
        parent="company",
        menu_order=3,
        password="hunter2: x",
        sticky=True,
        comment_status="closed",
        ping_status="open",
        format="aside",
        template="wide.php",
        canonical_url="https://example.com/about/",
        seo_title="About | Example",
        seo_description="Who we are",
        categories=(
            Term(name="Plain"),
            Term(name="Foo A", parent=NEWS),
            Term(name="Foo A", parent=Term(name="Sport")),
        ),
        metadata={"subtitle": "Hello", "weight": 2},
        comments=COMMENTS,
        blocks=(Paragraph(inlines=(Text(text="Body"),)),),
    )


def front(text: str) -> dict[str, object]:
    loaded = yaml.safe_load(text.split("---\n")[1])
    assert isinstance(loaded, dict)
    return loaded


def test_every_field_round_trips_through_front_matter() -> None:
    post = full_post()
    report = ConversionReport()
    text = cmsbridge.write(post, "markdown", report=report)
    back = markdown.read(text, ConversionReport())
    assert back == post
    assert report.messages() == []


def test_categories_stay_plain_names_unless_they_have_a_parent_or_slug() -> None:
    written = front(markdown.write(full_post(), ConversionReport()))
    assert written["categories"] == [
        "Plain",
        {"name": "Foo A", "parent": {"name": "News", "slug": "news"}},
        {"name": "Foo A", "parent": "Sport"},
    ]
    read = markdown.read("---\ncategories: [a, {name: b, parent: a}]\n---\n", ConversionReport())
    assert read.categories == (Term(name="a"), Term(name="b", parent=Term(name="a")))


def test_jekylls_comments_switch_stays_a_metadata_key() -> None:
    post = markdown.read("---\ntitle: T\ncomments: false\n---\nBody\n", ConversionReport())
    assert post.comments == () and post.metadata == {"comments": False}
    assert front(markdown.write(post, ConversionReport()))["comments"] is False


def test_text_fields_written_by_yaml_as_numbers_are_read_as_text() -> None:
    post = markdown.read("---\npassword: 1234\nparent: 2026\nmenu_order: 2\n---\n", ConversionReport())
    assert (post.password, post.parent, post.menu_order) == ("1234", "2026", 2)


def test_every_field_round_trips_through_json_and_nested_origins_are_dropped() -> None:
    post = full_post()
    assert json_format.read(json_format.write(post, ConversionReport()), ConversionReport()) == post
    claimed = Origin(format="html", markup="<p onclick=alert(1)>x</p>")
    nested = Post(blocks=(Container(blocks=(Paragraph(inlines=(Text(text="x"),), origin=claimed),)),))
    read = json_format.read(json_format.write(nested, ConversionReport()), ConversionReport())
    assert "onclick" not in read.model_dump_json()


def test_the_published_schema_holds_the_new_fields() -> None:
    schema = json_format.schema()
    for name in ("post_type", "password", "sticky", "comments", "seo_title", "canonical_url"):
        assert name in schema["properties"], name


def test_a_folder_keeps_a_page_its_password_and_its_comments(tmp_path: Path) -> None:
    folder = FilesBackend(tmp_path)
    ref = folder.create(full_post())
    fetched = folder.get(ref)
    assert fetched.post.replace(sources=()) == full_post()
    assert "hunter2" not in repr(fetched) and "hunter2" not in repr(fetched.post)
    data = FilesBackend(tmp_path / "json", format="json")
    assert data.get(data.create(full_post())).post.replace(sources=()) == full_post()


@pytest.mark.parametrize("fmt", ["html", "text"])
def test_a_folder_whose_format_holds_no_password_refuses_a_protected_post(tmp_path: Path, fmt: str) -> None:
    folder = FilesBackend(tmp_path, format=fmt)
    with pytest.raises(UnsupportedError) as caught:
        folder.create(Post(title="Secret plans", password="hunter2"))
    assert "Secret plans" in str(caught.value) and "hunter2" not in str(caught.value)
    assert list(tmp_path.glob("*.*")) == []


def test_formats_without_a_place_for_the_fields_report_them() -> None:
    report = ConversionReport()
    cmsbridge.write(Post(title="T", sticky=True, comments=COMMENTS, seo_title="S"), "text", report=report)
    said = " ".join(report.messages())
    assert all(name in said for name in ("sticky", "comments", "seo_title")), said
    assert json.dumps(said)  # messages are plain text
