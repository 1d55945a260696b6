"""Figure: ``prajapat2024-bandit-ratio`` (Prajapat et al., ICLR 2024, arXiv:2307.13372).

Usage: ``python figures/prajapat2024_bandit_ratio.py [--quick] [--out DIR]`` — writes PNG, PDF and CSV data
(default folder ``figures/output``, git-ignored) and prints the check's one-line verdict.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    status = main('prajapat2024-bandit-ratio', __doc__.splitlines()[0])
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
