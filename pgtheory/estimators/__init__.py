r"""Stochastic oracles: trajectory samplers and policy-gradient / Hessian-vector / Q estimators.

Every estimator has one signature over backends::

    f(problem, policy, theta, n, *, rng=None, backend="auto", termination="geometric",
      horizon=None, return_samples=False, ...) -> GradientEstimate

``backend`` is ``"numpy"`` (the readable reference, ``_reference.py``), ``"numba"`` (compiled CPU
kernels, ``_numba.py``, imported on first use), ``"cupy"`` (GPU, ``_cupy.py``, optional: the CUDA
kernels of ``_cuda.py`` on CuPy arrays where they apply, else the vectorised reference on the
device), ``"cuda"`` (the CUDA kernels only, ``_cuda.py``, numba-cuda; also under Numba's CUDA
simulator) or ``"auto"`` (see :func:`pgtheory.backend.resolve_backend`). Geometric termination makes every
estimator unbiased for the discounted objective; truncation at ``horizon=H`` makes it unbiased
for the ``H``-step objective (bias bounds in :mod:`pgtheory.estimators._api`).

Backend support (every estimator, every problem type: discounted / finite-horizon MDPs, bandits):

===============================  =====  =====  ===========================  ==========
estimator                        numpy  numba  cupy                         cuda
===============================  =====  =====  ===========================  ==========
reinforce (+ constant, optimal)  yes    yes    yes (kernels, else vector.)  yes
gpomdp (+ state baselines)       yes    yes    yes                          yes
off_policy_gradient              yes    yes    yes                          yes
q_estimate, advantage_estimate   yes    yes    yes                          yes
hessian_vector_product_estimate  yes    yes    yes                          yes
rollout_returns                  yes    yes    yes                          yes
===============================  =====  =====  ===========================  ==========

Numba and CUDA kernels specialise the tabular softmax (score never materialised) and use a dense
score table for every other tabular class (log-linear, direct, user classes with ``score``). The
CUDA kernels apply to every row above; they do not apply -- ``"cupy"`` then runs the vectorised
reference on the device and ``"cuda"`` raises -- only when one block's per-thread scratch exceeds
their memory budget (``_cuda.SCRATCH_BYTES``, 2 GiB, at 128 threads per block: softmax with
``S*A`` above about a million, score tables with more than about a million features, half that
with a Hessian-vector product). Below that the budget bounds the number of blocks, so large
``S*A`` runs on fewer threads (about ``2**31 / (2048 S A)`` blocks of 128).

Public API
----------
sample_trajectories, TrajectoryBatch
    NumPy reference sampler.
reinforce, gpomdp, off_policy_gradient
    Policy-gradient estimators (baselines: constant, state value, optimal per-coordinate).
q_estimate, advantage_estimate
    Monte-Carlo action values and advantages.
hessian_vector_product_estimate
    The unbiased policy-Hessian-vector estimator used by (N)-HARPG.
Continuous models (``_continuous``)
    Score-function gradient and Hessian-vector estimators for the Cauchy-linear contextual
    bandit and the LQR with a Gaussian linear policy (Fatkhullin et al. 2023 checks).
"""

from ._api import (
    TrajectoryBatch,
    advantage_estimate,
    gpomdp,
    hessian_vector_product_estimate,
    off_policy_gradient,
    q_estimate,
    rollout_returns,
    reinforce,
    sample_trajectories,
)
from . import _continuous
from ._continuous import *  # noqa: F401,F403  (names listed in _continuous.__all__)

__all__ = [
    "TrajectoryBatch",
    "sample_trajectories",
    "reinforce",
    "gpomdp",
    "off_policy_gradient",
    "q_estimate",
    "advantage_estimate",
    "hessian_vector_product_estimate",
    "rollout_returns",
]
__all__ += list(_continuous.__all__)
