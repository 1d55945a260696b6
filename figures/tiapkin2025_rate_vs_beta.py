"""Figure: ``tiapkin2025-rate-vs-beta``, (b) fitted Nash-MP contraction per preference query vs beta against (1+2 beta)^(-1/2) (Tiapkin et al. 2025, arXiv:2505.19731v1).

Usage: ``python figures/tiapkin2025_rate_vs_beta.py [--quick] [--out DIR] [--seed N] [--seeds N]`` -- writes PNG, PDF and CSV data
(default folder ``figures/output``, git-ignored) and prints the check's one-line verdict.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    status = main('tiapkin2025-rate-vs-beta', __doc__.splitlines()[0])
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
