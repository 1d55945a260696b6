"""Figure: ``tiapkin2025-response-independence``, (c) Nash-MP rate for |Y| = 3 to 1000 responses (Tiapkin et al. 2025, arXiv:2505.19731v1).

Usage: ``python figures/tiapkin2025_response_independence.py [--quick] [--out DIR] [--seed N] [--seeds N]`` -- writes PNG, PDF and CSV data
(default folder ``figures/output``, git-ignored) and prints the check's one-line verdict.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    status = main('tiapkin2025-response-independence', __doc__.splitlines()[0])
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
