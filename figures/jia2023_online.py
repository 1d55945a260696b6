"""Figure: ``jia2023-online``, Online mechanism: prefix replay <= sum_h C_h episodes on deterministic MDPs; singletons on fresh states: IS ~ 2^H vs POPLER-lite poly(H) (Jia et al. 2023, agnostic RL).

Usage: ``python figures/jia2023_online.py [--quick] [--out DIR] [--seed N] [--seeds N]`` -- writes PNG, PDF and data
(default folder ``figures/output``, git-ignored) and prints the check's one-line verdict; ``--from DIR``
shows what a ``pgtheory reproduce --out DIR`` run already wrote.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    status = main('jia2023-online', __doc__.splitlines()[0])
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
