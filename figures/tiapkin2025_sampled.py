"""Figure: ``tiapkin2025-sampled``, Nash-MP with sampled Bernoulli preference queries through the oracle protocol vs the exact oracle (Tiapkin et al. 2025, illustration) (Tiapkin et al. 2025, arXiv:2505.19731).

Usage: ``python figures/tiapkin2025_sampled.py [--quick] [--out DIR] [--seed N] [--seeds N]`` -- writes PNG, PDF and data
(default folder ``figures/output``, git-ignored) and prints the check's one-line verdict; ``--from DIR``
shows what a ``pgtheory reproduce --out DIR`` run already wrote.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    status = main('tiapkin2025-sampled', __doc__.splitlines()[0])
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
