"""pgtheory: check policy-gradient theory numerically.

Exact solvers (tabular MDPs, bandits, preference games, LQR) give ground truth; stochastic
estimators (NumPy, Numba, CuPy) run the algorithms; each paper's bound is a SymPy object
with its source; rate checks compare measured convergence with the bound and draw the plot.

Importing ``pgtheory`` is cheap: subpackages are imported on first attribute access, and
nothing is JIT-compiled and no GPU is touched at import time.

Subpackages
-----------
mdp, policies, bandits, games, lqr, submodular, agnostic, estimators, algorithms,
bounds, ratecheck, experiments, testing, errors, results, backend
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_SUBMODULES = (
    "agnostic", "algorithms", "backend", "bandits", "bounds", "errors", "estimators",
    "experiments", "games", "lqr", "mdp", "oracles", "plotting", "policies", "ratecheck", "results",
    "submodular", "testing",
)

#: Top-level names re-exported lazily: name -> module.
_LAZY_NAMES = {
    "TabularMDP": "pgtheory.mdp",
    "FiniteHorizonMDP": "pgtheory.mdp",
    "policy_evaluation": "pgtheory.mdp",
    "value_iteration": "pgtheory.mdp",
    "policy_iteration": "pgtheory.mdp",
    "policy_gradient": "pgtheory.policies",
    "cite": "pgtheory._cite",
}

__all__ = ["__version__", *_SUBMODULES, *_LAZY_NAMES]


def __getattr__(name: str):
    if name in _SUBMODULES:
        mod = importlib.import_module(f"pgtheory.{name}")
        globals()[name] = mod
        return mod
    if name in _LAZY_NAMES:
        val = getattr(importlib.import_module(_LAZY_NAMES[name]), name)
        globals()[name] = val
        return val
    raise AttributeError(f"module 'pgtheory' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover
    from . import mdp, policies  # noqa: F401
    from .mdp import FiniteHorizonMDP, TabularMDP  # noqa: F401
