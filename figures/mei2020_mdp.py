"""Mei et al. 2020, Theorem 4: softmax PG on random MDPs with the running c_t.

Usage: ``python figures/mei2020_mdp.py [--quick] [--out DIR]`` (public API only: runs the registered
experiment ``mei2020-mdp``, which draws the figure and writes its data).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    status = main("mei2020-mdp", __doc__.splitlines()[0])
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
