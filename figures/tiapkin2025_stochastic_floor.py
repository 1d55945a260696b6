"""Figure: ``tiapkin2025-stochastic-floor``, (d) stochastic Nash-MP, KL floor vs inner sample size (Tiapkin et al. 2025, arXiv:2505.19731v1; floor ~ 1/B inferred).

Usage: ``python figures/tiapkin2025_stochastic_floor.py [--quick] [--out DIR] [--seed N] [--seeds N]`` -- writes PNG, PDF and CSV data
(default folder ``figures/output``, git-ignored) and prints the check's one-line verdict.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    status = main('tiapkin2025-stochastic-floor', __doc__.splitlines()[0])
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
