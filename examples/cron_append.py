#!/usr/bin/env python3
"""A cron job's live update: append the text in FILE to a running story, exactly once.

    */1 * * * * python examples/cron_append.py POST_ID update.txt --label "UPDATE: 23:18 Paris time"

The update's id is derived from the post, the time and the text, so a job re-run with the same input is a
no-op ("already present"). Retries with backoff cover a flaky CMS; if it stays down, use the command line
(``cmsbridge append``), whose outbox keeps the update and delivers it on the next run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from zoneinfo import ZoneInfo

import cmsbridge
from cmsbridge.errors import CMSBridgeError
from cmsbridge.formats.updates import parse_update_label
from cmsbridge.live import Update, append_update
from cmsbridge.retry import default_policy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("post_id")
    parser.add_argument("file", help="the update's text, in the newsroom text format")
    parser.add_argument("--site", default=None)
    parser.add_argument("--label", default=None, help='e.g. "UPDATE: 23:18 Paris time"')
    parser.add_argument("--zone", default="Europe/Paris", help="the newsroom's time zone")
    parser.add_argument("--key", action="store_true", help="mark as a key event")
    args = parser.parse_args()
    # the update's time comes from its label when it names one ("23:18 Paris time"), else it is now
    at: dt.datetime | dt.time = dt.datetime.now(ZoneInfo(args.zone)).replace(second=0, microsecond=0)
    zone: str = args.zone
    label = args.label or f"UPDATE: {at:%H:%M} {args.zone.split('/')[-1]} time"
    named_at, named_zone = parse_update_label(label, default_date=dt.date.today())
    if named_at is not None:
        at, zone = named_at, named_zone or zone
    try:
        with open(args.file, encoding="utf-8") as handle:
            body = cmsbridge.read("-\n\n" + handle.read(), "text").blocks
        site = cmsbridge.connect(args.site)
        update = Update(at=at, tz=zone, label=label, blocks=body, key=args.key)
        result = append_update(site, args.post_id, update, retry=default_policy())
    except (OSError, CMSBridgeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for loss in result.losses:  # what the site's format did not hold
        print(f"warning: {loss}", file=sys.stderr)
    print(result.outcome.value)
    return 0


if __name__ == "__main__":
    sys.exit(main())
