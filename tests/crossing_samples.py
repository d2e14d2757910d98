"""A WordPress export of many posts with varied blocks (alignment, colours, raw blocks, tables, embeds,
categories and tags), for the tests that migrate one and compare what the dry run and the real run report."""

# ruff: noqa: E501  (block markup is kept as WordPress stores it, one block line per line)

from __future__ import annotations

from pathlib import Path

import cmsbridge
from cmsbridge.formats.wordpress import wxr
from cmsbridge.report import ConversionReport

from .wordpress_samples import REAL_POSTS

TABLE_POST = """<!-- wp:paragraph {"align":"center"} -->
<p class="has-text-align-center">Results by region, <a href="https://example.com/results" target="_blank">in full here</a>.</p>
<!-- /wp:paragraph -->

<!-- wp:table {"hasFixedLayout":true} -->
<figure class="wp-block-table"><table class="has-fixed-layout"><tbody><tr><td>North</td><td>52%</td></tr><tr><td>South</td><td>48%</td></tr></tbody></table></figure>
<!-- /wp:table -->

<!-- wp:code -->
<pre class="wp-block-code"><code>curl https://example.com/api</code></pre>
<!-- /wp:code -->

<!-- wp:paragraph -->
<p>Plain closing words.</p>
<!-- /wp:paragraph -->"""

BODIES = [*REAL_POSTS.values(), TABLE_POST]


def export(path: Path, count: int, run: str) -> Path:
    """Write a WXR file of ``count`` posts to ``path``; ``run`` makes the slugs unique on a shared site."""
    posts = []
    for n in range(count):
        body = cmsbridge.read(BODIES[n % len(BODIES)], "gutenberg", report=ConversionReport())
        posts.append(
            body.replace(
                title=f"Crossing {n} {run}",
                slug=f"crossing-{n}-{run}",
                status="publish",
                categories=("World",) if n % 3 == 0 else (),
                tags=("elections",) if n % 2 == 0 else (),
                authors=("alice",) if n % 4 == 0 else (),
            )
        )
    path.write_text(wxr.write_all(posts, ConversionReport()), encoding="utf-8")
    return path
