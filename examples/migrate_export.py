#!/usr/bin/env python3
"""Migrate a WordPress export to another site, links between the posts following them, and write the
redirects the old domain's nginx needs. Run it again: it resumes, and only changed posts are written.

    python examples/migrate_export.py [EXPORT.xml] [TARGET_SITE]

Defaults: examples/sample-export.xml and ``files:migrated`` (a local folder; no server needed). The id
map is ``migration.sqlite3`` and the redirects ``redirects.nginx``, both in the current directory.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cmsbridge
from cmsbridge.errors import CMSBridgeError
from cmsbridge.migration.redirects import redirects
from cmsbridge.migration.run import migrate

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    export = argv[0] if argv else str(HERE / "sample-export.xml")
    target_url = argv[1] if len(argv) > 1 else "files:migrated"
    try:
        source, target = cmsbridge.connect(f"wxr:{export}"), cmsbridge.connect(target_url)
        report = migrate(source, target, state="migration.sqlite3", links="rewrite")
        Path("redirects.nginx").write_text(
            redirects("migration.sqlite3", source.site, target.site, "nginx"), encoding="utf-8"
        )
    except CMSBridgeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(report.to_text())
    print("redirects for the old domain: redirects.nginx")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
