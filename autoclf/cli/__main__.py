"""``python -m autoclf.cli``: the same as the ``autoclf`` command."""

import sys

from autoclf.cli import main

sys.exit(main())
