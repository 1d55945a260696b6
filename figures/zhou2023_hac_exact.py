"""Figure: ``zhou2023-hac-exact``, Exact-critic HAC: regret <= 2 sqrt(T log A)/(1-gamma)^2 at every T, slope 1/2 (Zhou et al. 2023, hybrid actor-critic).

Usage: ``python figures/zhou2023_hac_exact.py [--quick] [--out DIR] [--seed N] [--seeds N]`` -- writes PNG, PDF and data
(default folder ``figures/output``, git-ignored) and prints the check's one-line verdict; ``--from DIR``
shows what a ``pgtheory reproduce --out DIR`` run already wrote.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    status = main('zhou2023-hac-exact', __doc__.splitlines()[0])
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
