"""Figure: ``fatkhullin2023-mdp``, N-PG-IGT / N-HARPG / vanilla PG on a tabular softmax MDP through the sampled GPOMDP gradient and HVP oracles (Fatkhullin et al. 2023, illustration) (Fatkhullin et al. 2023, arXiv:2302.01734).

Usage: ``python figures/fatkhullin2023_mdp.py [--quick] [--out DIR] [--seed N] [--seeds N]`` -- writes PNG, PDF and data
(default folder ``figures/output``, git-ignored) and prints the check's one-line verdict; ``--from DIR``
shows what a ``pgtheory reproduce --out DIR`` run already wrote.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    status = main('fatkhullin2023-mdp', __doc__.splitlines()[0])
    if status:  # no SystemExit on success: sphinx-gallery runs this file in the docs build
        raise SystemExit(status)
