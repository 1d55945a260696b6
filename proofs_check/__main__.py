"""``python -m proofs_check [--paper P ...] [--json PATH] [--markdown PATH] [--strict]``."""

import sys

from ._framework import main

sys.exit(main())
