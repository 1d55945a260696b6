"""Figure: ``fatkhullin2023-lqr`` (Fatkhullin, Barakat, Kireeva, He, ICML 2023, arXiv:2302.01734).

Usage: ``python figures/fatkhullin2023_lqr.py [--quick] [--out DIR] [--seeds R]`` — writes PNG, PDF and
data (default folder ``figures/output``, git-ignored) and prints the check's one-line verdict.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    status = main('fatkhullin2023-lqr', __doc__.splitlines()[0])
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
