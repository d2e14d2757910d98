"""Copied images get the attachment ids of their copies (``cmsbridge.formats.wordpress.attachments``), and
``copy_images`` applies that to image blocks' source markup and to galleries kept verbatim."""

from __future__ import annotations

from pathlib import Path

import cmsbridge
from cmsbridge.backends.base import Media
from cmsbridge.backends.media import copy_images
from cmsbridge.formats.wordpress.attachments import reattach, replace_img_src
from cmsbridge.model import Gallery, Image, Post, Raw
from cmsbridge.report import ConversionReport
from tests.image_server import png, serve
from tests.test_migrate import KnownMedia

NEW = "https://new.example/wp-content/uploads/a.jpg"


def image_block(src: str, id_: int) -> str:
    return (
        f'<!-- wp:image {{"id":{id_},"sizeSlug":"large","linkDestination":"none"}} -->\n'
        '<figure class="wp-block-image size-large">'
        f'<img src="{src}" alt="" class="wp-image-{id_}"/></figure>\n'
        "<!-- /wp:image -->"
    )


def gallery(*images: tuple[str, int]) -> str:
    inner = "\n\n".join(image_block(src, id_) for src, id_ in images)
    return (
        '<!-- wp:gallery {"linkTo":"none"} -->\n'
        f'<figure class="wp-block-gallery has-nested-images columns-default is-cropped">{inner}</figure>\n'
        "<!-- /wp:gallery -->"
    )


def media_text(src: str, id_: int) -> str:
    return (
        f'<!-- wp:media-text {{"mediaId":{id_},"mediaType":"image"}} -->\n'
        '<div class="wp-block-media-text is-stacked-on-mobile"><figure class="wp-block-media-text__media">'
        f'<img src="{src}" alt="" class="wp-image-{id_} size-full"/></figure>'
        '<div class="wp-block-media-text__content"><!-- wp:paragraph -->\n<p>Text</p>\n<!-- /wp:paragraph -->'
        "</div></div>\n<!-- /wp:media-text -->"
    )


def test_a_media_and_text_block_gets_the_id_in_media_id() -> None:
    assert reattach(media_text(NEW, 57), {NEW: "812"}) == media_text(NEW, 812)


def test_an_image_block_gets_the_id_in_its_attribute_and_its_class() -> None:
    assert reattach(image_block(NEW, 57), {NEW: "812"}) == image_block(NEW, 812)


def test_a_gallery_changes_only_the_images_that_were_copied() -> None:
    other = "https://old.example/b.jpg"
    assert reattach(gallery((NEW, 57), (other, 58)), {NEW: "812"}) == gallery((NEW, 812), (other, 58))


def test_an_old_gallery_keeps_its_ids_list_and_data_ids_in_step() -> None:
    old = (
        '<!-- wp:gallery {"ids":[57,58],"linkTo":"none"} -->\n<figure class="wp-block-gallery columns-2">'
        '<ul class="blocks-gallery-grid"><li class="blocks-gallery-item"><figure>'
        f'<img src="{NEW}" alt="" data-id="57" class="wp-image-57"/></figure></li>'
        '<li class="blocks-gallery-item"><figure><img src="https://old.example/b.jpg" alt="" data-id="58" '
        'class="wp-image-58"/></figure></li></ul></figure>\n<!-- /wp:gallery -->'
    )
    assert reattach(old, {NEW: "812"}) == (
        old.replace('"ids":[57,58]', '"ids":[812,58]').replace(
            'data-id="57" class="wp-image-57"', 'data-id="812" class="wp-image-812"'
        )
    )


def test_classic_html_and_escaped_addresses() -> None:
    src = "https://new.example/a.jpg?w=3&h=2"
    html = f'<p><img class="alignnone size-full wp-image-57" src="{src.replace("&", "&amp;")}" alt=""></p>'
    assert reattach(html, {src: "812"}) == html.replace("wp-image-57", "wp-image-812")


def test_what_cannot_be_matched_is_left_alone() -> None:
    markup = image_block(NEW, 57)
    assert reattach(markup, {"https://elsewhere.example/x.jpg": "812"}) == markup
    assert reattach(markup, {NEW: "not-a-number"}) == markup
    assert reattach("<p>no image</p>", {NEW: "812"}) == "<p>no image</p>"
    near = image_block(NEW, 57).replace("wp-image-57", "wp-image-57x")  # not the class WordPress writes
    assert "wp-image-57x" in reattach(near, {NEW: "812"})
    plugin = (
        f'<!-- wp:acme/card {{"imageId":57}} --><div><img src="{NEW}" class="wp-image-57"/></div>'
        "<!-- /wp:acme/card -->"
    )
    left: list[str] = []
    assert reattach(plugin, {NEW: "812"}, left) == plugin  # its own attribute name: left stale but consistent
    assert left == ["acme/card"]


def test_replace_img_src_touches_the_image_and_not_the_link() -> None:
    old = "https://old.example/a.jpg"
    markup = f'<figure><a href="{old}"><img src="{old}" alt=""/></a></figure>'
    assert (
        replace_img_src(markup, old, NEW) == f'<figure><a href="{old}"><img src="{NEW}" alt=""/></a></figure>'
    )


def _copied(tmp_path: Path, post: Post, *, attachment_ids: bool) -> tuple[Post, KnownMedia]:
    known = KnownMedia()
    post = copy_images(
        post,
        upload=lambda path: Media(id="812", url=NEW),
        target_site="https://new.example",
        known=known,
        report=ConversionReport(),
        attachment_ids=attachment_ids,
    )
    return post, known


def test_copy_images_gives_a_wordpress_target_the_ids_of_its_copies(tmp_path: Path) -> None:
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "a.jpg").write_bytes(png(3, 2))
    with serve(tmp_path / "www") as (web, _):
        source = cmsbridge.read(
            image_block(f"{web}/a.jpg", 57)
            + "\n\n"
            + gallery((f"{web}/a.jpg", 57), ("https://o.example/b.jpg", 58)),
            "gutenberg",
        )
        post, known = _copied(tmp_path, source, attachment_ids=True)
        plain, _ = _copied(tmp_path, source, attachment_ids=False)
    assert known.target_id(f"{web}/a.jpg") == "812"
    image, held = post.blocks
    assert isinstance(image, Image) and image.src == NEW and isinstance(held, Gallery)
    assert held.images[0].src == NEW  # a gallery's images are copied as image blocks are
    written = cmsbridge.write(post, "gutenberg")
    assert image_block(NEW, 812) in written  # the source markup, with the copy's id, written as it is
    assert gallery((NEW, 812), ("https://o.example/b.jpg", 58)) in written
    assert "wp-image-57" not in written and '"id":57' not in written
    # another kind of target: addresses only, and the image block rebuilt without the source's id
    unchanged = cmsbridge.write(plain, "gutenberg")
    assert NEW in unchanged and '"id":812' not in unchanged


def test_an_image_copied_on_an_earlier_run_gets_the_id_recorded_then(tmp_path: Path) -> None:
    old = "https://old.example/a.jpg"
    known = KnownMedia()
    known.put(old, NEW, "812")

    def upload(path: str) -> Media:
        raise AssertionError("uploaded again")

    post = copy_images(
        cmsbridge.read(image_block(old, 57), "gutenberg"),
        upload=upload,
        target_site="https://new.example",
        known=known,
        report=ConversionReport(),
        attachment_ids=True,
    )
    assert image_block(NEW, 812) in cmsbridge.write(post, "gutenberg")


def test_an_id_map_from_before_gets_the_media_id_column(tmp_path: Path) -> None:
    import sqlite3

    from cmsbridge.migration.idmap import IdMap

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE media (source_url TEXT NOT NULL, target_site TEXT NOT NULL, "
            "target_url TEXT NOT NULL, PRIMARY KEY (source_url, target_site))"
        )
        db.execute(
            "INSERT INTO media VALUES ('https://old.example/a.jpg', 'wp', 'https://new.example/a.jpg')"
        )
    db.close()
    ids = IdMap(path)
    try:
        media = ids.media("wp")
        assert media.get("https://old.example/a.jpg") == "https://new.example/a.jpg"
        assert media.target_id("https://old.example/a.jpg") is None  # copied before ids were kept
        media.put("https://old.example/b.jpg", "https://new.example/b.jpg", "813")
        assert media.target_id("https://old.example/b.jpg") == "813"
    finally:
        ids.close()


def test_copy_images_reports_the_ids_it_leaves_in_a_plugins_block(tmp_path: Path) -> None:
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "a.jpg").write_bytes(png(3, 2))
    with serve(tmp_path / "www") as (web, _):
        card = (
            f'<!-- wp:acme/card {{"imageId":57}} --><div><img src="{web}/a.jpg" class="wp-image-57"/></div>'
            "<!-- /wp:acme/card -->"
        )
        report = ConversionReport()
        post = copy_images(
            cmsbridge.read(card, "gutenberg"),
            upload=lambda path: Media(id="812", url=NEW),
            target_site="https://new.example",
            known=KnownMedia(),
            report=report,
            attachment_ids=True,
        )
    [raw] = post.blocks
    assert isinstance(raw, Raw) and NEW in raw.content and "wp-image-57" in raw.content
    assert report.messages() == [
        "migrate: image ids inside acme/card (raw gutenberg content) left as the source site's"
    ]
