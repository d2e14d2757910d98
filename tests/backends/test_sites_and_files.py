"""Sites as URLs and profiles; the files: backend (no server)."""

from __future__ import annotations

from pathlib import Path

import pytest

import cmsbridge
from cmsbridge.backends.base import Backend, Version
from cmsbridge.backends.files import FilesBackend
from cmsbridge.backends.sites import DEFAULT_SITE, parse_site, resolve
from cmsbridge.backends.wordpress_rest import WordPressREST
from cmsbridge.backends.wordpress_xmlrpc import WordPressXMLRPC
from cmsbridge.errors import ConfigError, ConflictError, NotFoundError
from cmsbridge.model import Paragraph, Post, UpdateMarker, text

SECRET = "s3cret pass word"


def test_site_urls_select_transport_and_hide_the_secret() -> None:
    rest = parse_site("wordpress+https://ed:s3cret%20pass%20word@news.example.com/blog/")
    assert (rest.kind, rest.url, rest.user, rest.secret) == (
        "rest",
        "https://news.example.com/blog",
        "ed",
        SECRET,
    )
    assert SECRET not in repr(rest) and SECRET not in str(rest)
    xml = parse_site("wordpress-xmlrpc+https://ed:pw@news.example.com")
    assert xml.kind == "xmlrpc"
    assert parse_site("ghost+https://kid:abcdef@ghost.example.com").kind == "ghost"
    files = parse_site("files:/tmp/x?format=json")
    assert (files.kind, files.url, files.options) == ("files", "files:/tmp/x", {"format": "json"})


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "127.0.0.5"])
def test_plain_http_is_accepted_for_loopback(host: str) -> None:
    assert parse_site(f"wordpress+http://a:b@{host}:8080").url == f"http://{host}:8080"


def test_plain_http_elsewhere_needs_insecure() -> None:
    with pytest.raises(ConfigError, match="https") as info:
        parse_site(f"wordpress+http://a:{SECRET.replace(' ', '')}@news.example.com")
    assert SECRET.replace(" ", "") not in str(info.value)
    assert parse_site("wordpress+http://a:b@news.example.com", insecure=True).url == "http://news.example.com"


@pytest.mark.parametrize(
    "url",
    [
        "mysql://a:b@h",
        "wordpress+ftp://a:b@h",
        "wordpress://a:b@h",
        "nonsense:x",
        "wordpress+https://news.example.com",
    ],
)
def test_bad_site_urls(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CMSBRIDGE_PASSWORD", raising=False)
    with pytest.raises(ConfigError):
        parse_site(url)


def test_profiles_take_secrets_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cmsbridge.toml").write_text(
        '[sites.news]\nurl = "wordpress+https://editor@news.example.com"\npassword_env = "NEWS_PW"\n'
    )
    monkeypatch.delenv("NEWS_PW", raising=False)
    with pytest.raises(ConfigError, match="NEWS_PW"):
        resolve("news")
    monkeypatch.setenv("NEWS_PW", SECRET)
    site = resolve("news")
    assert (site.kind, site.user, site.secret) == ("rest", "editor", SECRET)
    with pytest.raises(ConfigError, match="no site profile"):
        resolve("other")
    backend = cmsbridge.connect("news")
    assert isinstance(backend, WordPressREST) and SECRET not in repr(backend)


def test_default_site_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CMSBRIDGE_SITE", raising=False)
    assert resolve(None).url == DEFAULT_SITE
    backend = cmsbridge.connect()
    assert isinstance(backend, FilesBackend) and backend.root == Path("posts")
    monkeypatch.setenv("CMSBRIDGE_SITE", "wordpress-xmlrpc+http://a:b@127.0.0.1:1")
    assert isinstance(cmsbridge.connect(), WordPressXMLRPC)


def post(title: str, *paragraphs: str) -> Post:
    return Post(
        title=title,
        status="publish",
        tags=("a",),
        blocks=(UpdateMarker(id="u1", label="first"), *(Paragraph(inlines=text(p)) for p in paragraphs)),
    )


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_files_backend_round_trip(tmp_path: Path, fmt: str) -> None:
    site = FilesBackend(tmp_path / "posts", format=fmt)
    assert isinstance(site, Backend)
    first = site.create(post("Été à Paris", "one", "two"))
    second = site.create(post("Été à Paris", "three"))
    assert first.id == "ete-a-paris" and second.id == "ete-a-paris-2"
    fetched = site.get(first)
    assert fetched.post.blocks == post("x", "one", "two").blocks
    assert (fetched.post.title, fetched.post.status, fetched.post.tags) == ("Été à Paris", "publish", ("a",))
    site.update(first, post("Changed", "new"))
    assert site.get(first.id).post.title == "Changed"
    assert {f.ref.id for f in site.list()} == {first.id, second.id}
    assert [f.ref.id for f in site.list(search="three")] == [second.id]
    found = site.find(slug=first.id)
    assert found is not None and found.ref.id == first.id
    site.delete(first)
    with pytest.raises(NotFoundError):
        site.get(first)
    with pytest.raises(NotFoundError):
        site.delete(first)


def test_files_backend_conditional_write(tmp_path: Path) -> None:
    site = FilesBackend(tmp_path, format="json")
    ref = site.create(post("t", "a"))
    seen = site.read_versioned(ref)
    written = site.write_content(ref, seen.content.replace('"a"', '"b"'), seen.version)
    assert written.version != seen.version
    with pytest.raises(ConflictError) as info:
        site.write_content(ref, seen.content, seen.version)
    assert getattr(info.value, "applied", None) is False
    assert site.read_versioned(ref).content == written.content
    with pytest.raises(ConflictError):
        site.write_content(ref, "x", Version(token="stale"))


def test_files_backend_copies_a_featured_image(tmp_path: Path) -> None:
    image = tmp_path / "photo.jpg"
    image.write_bytes(b"\xff\xd8jpeg")
    site = FilesBackend(tmp_path / "site", format="json")
    site.media_roots = (tmp_path,)  # local images are read only inside folders named for them
    ref = site.create(post("With image", "a").replace(featured_image=str(image)))
    assert site.get(ref).post.featured_image == "media/photo.jpg"
    assert (tmp_path / "site" / "media" / "photo.jpg").read_bytes() == b"\xff\xd8jpeg"
