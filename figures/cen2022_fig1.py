"""Cen et al. 2021, Figure 1: 3-armed bandit, policy paths and error contraction (tau in {0.1, 1}).

Usage: ``python figures/cen2022_fig1.py [--quick] [--out DIR]`` (public API only: runs the registered
experiment ``cen2022-fig1``, which draws the figure and writes its data).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    status = main("cen2022-fig1", __doc__.splitlines()[0])
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
