"""``python -m cmsbridge``: the command line (the same as the ``cmsbridge`` command)."""

import sys

from .cli import main

sys.exit(main())
