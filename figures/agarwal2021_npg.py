"""Agarwal et al. 2021: softmax NPG against log|A|/(eta T) + 1/((1-gamma)^2 T).

Usage: ``python figures/agarwal2021_npg.py [--quick] [--out DIR]`` (public API only: runs the registered
experiment ``agarwal2021-npg``, which draws the figure and writes its data).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    status = main("agarwal2021-npg", __doc__.splitlines()[0])
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
