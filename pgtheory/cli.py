"""The ``pgtheory`` command (stub: replaced by the full CLI of the rate-check issue)."""

from __future__ import annotations

import argparse

import numpy as np


def main(argv=None) -> int:
    """Entry point of the ``pgtheory`` command."""
    parser = argparse.ArgumentParser(prog="pgtheory", description="Check policy-gradient theory numerically.")
    parser.add_argument("--version", action="store_true")
    args = parser.parse_args(argv)
    import pgtheory
    from pgtheory.mdp import TabularMDP, policy_evaluation

    if args.version:
        print(pgtheory.__version__)
        return 0
    P = np.array([[[0.9, 0.1], [0.1, 0.9]], [[0.9, 0.1], [0.1, 0.9]]])
    mdp = TabularMDP(P, np.array([[0.0, 0.0], [1.0, 1.0]]), 0.9)
    print(policy_evaluation(mdp, np.full((2, 2), 0.5)).summary())
    return 0
