"""Figure: ``jia2023-coverability``, Coverability <= spanning capacity on random MDPs; equality at the maximiser (Jia et al. 2023, agnostic RL).

Usage: ``python figures/jia2023_coverability.py [--quick] [--out DIR] [--seed N] [--seeds N]`` -- writes PNG, PDF and data
(default folder ``figures/output``, git-ignored) and prints the check's one-line verdict; ``--from DIR``
shows what a ``pgtheory reproduce --out DIR`` run already wrote.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    status = main('jia2023-coverability', __doc__.splitlines()[0])
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
