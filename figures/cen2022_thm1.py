"""Cen et al. 2021, Theorem 1: entropy-regularised NPG, both inequalities and the contraction.

Usage: ``python figures/cen2022_thm1.py [--quick] [--out DIR]`` (public API only: runs the registered
experiment ``cen2022-thm1``, which draws the figure and writes its data).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    status = main("cen2022-thm1", __doc__.splitlines()[0])
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
