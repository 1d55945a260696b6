"""Figure: ``krishnamurthy2025-psdp-cpi``, PSDP and CPI fail without policy completeness (gaps 1/2, .85, .95), succeed once completed (Krishnamurthy et al. 2025, agnostic RL).

Usage: ``python figures/krishnamurthy2025_psdp_cpi.py [--quick] [--out DIR] [--seed N] [--seeds N]`` -- writes PNG, PDF and data
(default folder ``figures/output``, git-ignored) and prints the check's one-line verdict; ``--from DIR``
shows what a ``pgtheory reproduce --out DIR`` run already wrote.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    status = main('krishnamurthy2025-psdp-cpi', __doc__.splitlines()[0])
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
