"""Figure: ``tan2025-hybrid-optimistic``, Reconstructed optimistic hybrid actor-critic: online regret non-increasing in N_off (Tan et al. 2025, actor-critic).

Usage: ``python figures/tan2025_hybrid_optimistic.py [--quick] [--out DIR] [--seed N] [--seeds N]`` -- writes PNG, PDF and data
(default folder ``figures/output``, git-ignored) and prints the check's one-line verdict; ``--from DIR``
shows what a ``pgtheory reproduce --out DIR`` run already wrote.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    status = main('tan2025-hybrid-optimistic', __doc__.splitlines()[0])
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
