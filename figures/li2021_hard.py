"""Li et al. 2021: softmax PG crossing times on the hard MDP versus NPG.

Usage: ``python figures/li2021_hard.py [--quick] [--out DIR]`` (public API only: runs the registered
experiment ``li2021-hard``, which draws the figure and writes its data).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    status = main("li2021-hard", __doc__.splitlines()[0])
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
