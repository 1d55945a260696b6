"""Figure: ``munos2024-theorem1``, Nash-MD Theorem 1, KL <= 8/(tau^2 (T+1)) (Munos et al. 2023, arXiv:2312.00886).

Usage: ``python figures/munos2024_theorem1.py [--quick] [--out DIR] [--seed N] [--seeds N]`` -- writes PNG, PDF and CSV data
(default folder ``figures/output``, git-ignored) and prints the check's one-line verdict.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    status = main('munos2024-theorem1', __doc__.splitlines()[0])
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
