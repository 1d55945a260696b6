"""Figure: ``tiapkin2025-compare``, (a) KL, duality gap and span vs preference queries for Nash-MP, EGPO, Nash-MD, OMD, OMWU (Tiapkin et al. 2025 v1, arXiv:2505.19731v1; Munos et al. 2023, arXiv:2312.00886; Zhou et al. 2025, arXiv:2503.08942).

Usage: ``python figures/tiapkin2025_compare.py [--quick] [--out DIR] [--seed N] [--seeds N]`` -- writes PNG, PDF and CSV data
(default folder ``figures/output``, git-ignored) and prints the check's one-line verdict.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    status = main('tiapkin2025-compare', __doc__.splitlines()[0])
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
