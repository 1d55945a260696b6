"""Figure: ``krishnamurthy2025-regime``, Open-loop class on a fresh-state MDP: C_cov = 2 while spanning capacity = 2^H (Krishnamurthy et al. 2025, agnostic RL).

Usage: ``python figures/krishnamurthy2025_regime.py [--quick] [--out DIR] [--seed N] [--seeds N]`` -- writes PNG, PDF and data
(default folder ``figures/output``, git-ignored) and prints the check's one-line verdict; ``--from DIR``
shows what a ``pgtheory reproduce --out DIR`` run already wrote.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    status = main('krishnamurthy2025-regime', __doc__.splitlines()[0])
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
