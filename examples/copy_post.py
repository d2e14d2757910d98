#!/usr/bin/env python3
"""Copy one post from a site to another (say WordPress to Ghost) and list what the target cannot hold.

    python examples/copy_post.py SOURCE_SITE POST_ID TARGET_SITE

Sites are URLs or profile names (see the README), e.g. ``wordpress+https://editor:APP_PASSWORD@news.example``
and ``ghost+https://KEY_ID:KEY_SECRET@ghost.example``.
"""

from __future__ import annotations

import sys

import cmsbridge
from cmsbridge.errors import CMSBridgeError


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    source_url, post_id, target_url = argv
    report = cmsbridge.ConversionReport()
    try:
        fetched = cmsbridge.connect(source_url).get(post_id)
        report.losses.extend(fetched.report)
        # the blocks keep their source markup: a target of the same kind (WordPress to WordPress) writes
        # them as they were; any other reports what it cannot hold
        ref = cmsbridge.connect(target_url).create(fetched.post, report=report)
    except CMSBridgeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"copied {fetched.post.title!r} to {ref.id} ({ref.link})")
    for loss in report:
        print(f"  lost: {loss}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
