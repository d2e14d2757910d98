"""``json``: the model's own JSON form, versioned (``schema_version``), with a published JSON Schema.

Reading drops every block's ``origin``, nested blocks' too. An origin is the markup a format's reader
saw, and writers reuse it in place of the block's content (an unchanged WordPress paragraph is written
back byte for byte), so they may trust it only when that format's reader produced it. In JSON it is just
a claim: a paragraph whose content is ``hello`` could carry ``<p onclick=...>hello</p>`` as its HTML
origin. The content itself (Raw blocks included, whose ``format`` says what their content is) is read as
given: the JSON form declares it. Writing keeps origins, for tools that inspect them."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from ..errors import ParseError
from ..limits import load_json
from ..model import SCHEMA_VERSION, Post
from ..report import ConversionReport

NAME = "json"


def read(data: str, report: ConversionReport) -> Post:
    raw = load_json(data, NAME)
    if isinstance(raw, dict) and raw.get("schema_version", SCHEMA_VERSION) != SCHEMA_VERSION:
        raise ParseError(
            f"json: schema_version {raw.get('schema_version')!r} is not supported (this is {SCHEMA_VERSION})"
        )
    try:
        post = Post.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ParseError(f"json: not a cmsbridge post: {where}: {first['msg']}") from exc
    # every origin, those of blocks inside blocks (a container's, a gallery's images) too
    return post.model_copy(update={"blocks": tuple(block.without_origin() for block in post.blocks)})


def write(post: Post, report: ConversionReport) -> str:
    return post.model_dump_json(indent=2, exclude_defaults=False) + "\n"


def schema() -> dict[str, Any]:
    """The JSON Schema of the post's JSON form."""
    document = Post.model_json_schema(mode="serialization")
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["$id"] = f"https://cmsbridge.dev/schema/post-v{SCHEMA_VERSION}.json"
    return document


if __name__ == "__main__":  # python -m cmsbridge.formats.json_format: regenerate the published schema
    from pathlib import Path

    target = Path(__file__).resolve().parent.parent / "schema" / f"post-v{SCHEMA_VERSION}.json"
    target.write_text(json.dumps(schema(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(target)
