#!/usr/bin/env python3
"""Publish a live blog written in the newsroom text format, then print where it lives.

    python examples/publish_liveblog.py examples/south-ossetia-liveblog.txt [--site SITE]

Without --site (or $CMSBRIDGE_SITE) the post goes to the local folder ``posts/``: no server needed.
"""

from __future__ import annotations

import argparse
import sys

import cmsbridge
from cmsbridge.errors import CMSBridgeError


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("file")
    parser.add_argument("--site", default=None, help="site URL or profile (default: posts/)")
    parser.add_argument("--status", default="draft", choices=["draft", "publish"])
    args = parser.parse_args()
    try:
        with open(args.file, encoding="utf-8") as handle:
            post = cmsbridge.read(handle.read(), "text").replace(status=args.status)
        site = cmsbridge.connect(args.site)
        report = cmsbridge.ConversionReport()
        ref = site.create(post, report=report)
    except (OSError, CMSBridgeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for loss in report:
        print(f"warning: {loss}", file=sys.stderr)
    updates = [u.label for u in post.updates()]
    print(f"published {post.title!r} as {ref.id} ({ref.link}) with {len(updates)} update(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
