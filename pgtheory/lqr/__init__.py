"""Discounted stochastic LQR with Gaussian linear policies: exact cost, gradient and Riccati optimum.

Public API
----------
LQR, make_lqr, UnstableGainError
"""

from ._model import LQR, UnstableGainError, make_lqr

__all__ = ["LQR", "make_lqr", "UnstableGainError"]
