r"""Natural policy gradient for softmax policies with exact advantages, with and without entropy
regularisation.

Unregularised (Agarwal et al. 2021, Sec. 5.3), at every state:

.. math::

    \theta_{t+1} = \theta_t + \frac{\eta}{1-\gamma}A^{\pi_t}
    \iff \pi_{t+1}(a|s)\propto\pi_t(a|s)\exp\Big(\frac{\eta A^{\pi_t}(s,a)}{1-\gamma}\Big).

Entropy-regularised (Cen et al. 2021, update (18)):

.. math::

    \pi_{t+1}(a|s)\propto\pi_t(a|s)^{1-\frac{\eta\tau}{1-\gamma}}
    \exp\Big(\frac{\eta Q_\tau^{\pi_t}(s,a)}{1-\gamma}\Big),\qquad 0<\eta\le\frac{1-\gamma}{\tau},

which is soft policy iteration :math:`\pi_{t+1}\propto\exp(Q_\tau^{\pi_t}/\tau)` at
:math:`\eta=(1-\gamma)/\tau`. Both updates are carried out on log-probabilities (normalised
logits), which stay finite where probabilities underflow.

Oracles. By default the advantages and soft Q-values are exact (one linear solve per iteration;
the numbers are bitwise those of the exact loop). With ``oracle=`` an
:class:`~pgtheory.oracles.ActionValueOracle` supplies them instead: :math:`\hat A` for
:func:`softmax_npg` (its ``advantage``) and :math:`\hat Q_\tau` for :func:`entropy_npg` (its
``q(theta, tau=...)``), e.g. :class:`pgtheory.oracles.SampledOracle`, whose Monte-Carlo values come
from the estimator engine (``n`` rollouts per state-action pair). This is the Q-form of sampled NPG:
for softmax policies :math:`F^\dagger\nabla J = A/(1-\gamma)` up to per-state constants, so a sampled
advantage is an unbiased sampled natural gradient, without a Fisher solve (see
:mod:`pgtheory.oracles` for why not :math:`\hat F^{-1}\hat g`). The recorded metrics stay exact.

References
----------
Agarwal, Kakade, Lee, Mahajan (2021), JMLR, arXiv:1908.00261, Sec. 5.3 (Theorem 5.3 in the arXiv numbering).
Cen, Cheng, Chen, Wei, Chi (2021), arXiv:2007.06558, Algorithm 1, eq. (18), Theorem 1; Theorem 2
(inexact soft Q-values, the sampled-oracle case).
"""

from __future__ import annotations

import time

import numpy as np
import warnings

from .._math import log_softmax
from .._validate import as_float_array, check_distribution, check_positive, check_positive_int
from ..errors import InvalidStepSizeError, PrecisionWarning, ShapeError, ValidationError
from ..mdp import TabularMDP, policy_evaluation, soft_policy_evaluation, soft_value_iteration
from ..results import Trace
from ._common import driver_backend
from ..oracles import ExactOracle
from .pg import _Evaluator, _oracle_unit, _problem, optimal_reference, record_schedule

__all__ = ["softmax_npg", "entropy_npg", "soft_optimal_reference"]


def _start(mdp, theta0):
    base, probs_fn, _, theta_default = _problem(mdp)
    theta = theta_default.copy() if theta0 is None else as_float_array(theta0, "theta0", ndim=2).copy()
    if theta.shape != theta_default.shape:
        raise ShapeError(f"theta0 must have shape {theta_default.shape}; got {theta.shape}.")
    mask = getattr(mdp, "action_mask", None)
    if mask is not None:
        theta = np.where(mask, theta, -np.inf)
    return base, theta, mask


def _action_value_oracle(oracle, mdp, method: str, who: str):
    """``None`` for the exact default (today's loop), else the oracle, checked to provide ``method``."""
    if oracle is None or (isinstance(oracle, str) and oracle == "exact"):
        return None
    ext = oracle
    if isinstance(ext, ExactOracle) and ext.problem is mdp and type(ext.policy).__name__ == "SoftmaxPolicy":
        return None
    if isinstance(ext, str) or not callable(getattr(ext, method, None)):
        raise ValidationError(f"{who} needs an oracle with {method}(theta, ...) (pgtheory.oracles.ActionValueOracle); "
                              f"got {type(ext).__name__}. Fix: pass pgtheory.oracles.SampledOracle(mdp, n=...) "
                              f"or ExactOracle(mdp), or leave oracle unset.")
    if not isinstance(mdp, TabularMDP):
        raise ValidationError(f"{who} with an oracle needs a TabularMDP (a structured problem's masks and "
                              f"multiplicities are known to the exact loop only); got {type(mdp).__name__}. "
                              f"Fix: leave oracle unset.")
    return ext


def softmax_npg(mdp, *, eta: float, n_iter: int = 100, theta0=None, rho=None, n_records: int | None = None,
                reference: dict | None = None, record_values=None, oracle=None, rng=None,
                backend: str | None = "auto") -> Trace:
    r"""Softmax natural policy gradient (Agarwal et al. 2021, Sec. 5.3), with exact advantages by default.

    Parameters
    ----------
    mdp : TabularMDP or structured problem (see :func:`pgtheory.algorithms.softmax_pg`)
        Masked actions (``action_mask``) keep probability 0.
    eta : float
        Step size (> 0; any value is covered by the theorem).
    n_iter : int
        Number of updates.
    theta0 : array, shape (S, A), optional
        Initial logits (default uniform).
    rho : array, shape (S,), optional
        Evaluation distribution (default ``mdp.rho``; the update itself does not depend on it).
    n_records : int, optional
        About this many log-spaced records (default every iteration).
    reference : dict, optional
        :func:`pgtheory.algorithms.optimal_reference` output.
    record_values : array of int, optional
        States whose values are recorded (metric ``"V_states"``).
    oracle : None, "exact" or ActionValueOracle, optional
        Source of the advantages (:mod:`pgtheory.oracles`). ``None`` / ``"exact"`` / an
        :class:`~pgtheory.oracles.ExactOracle` of this MDP with the softmax policy: the exact loop.
        Any other oracle's ``advantage(logits, rng=...)`` is called once per step (TabularMDP only),
        e.g. :class:`~pgtheory.oracles.SampledOracle` (``n`` rollouts per state-action pair); the
        metrics stay exact and ``samples`` counts what the oracle consumed.
    rng : Generator, int or None
        Randomness of a sampling oracle's calls (default: the oracle's own generator).
    backend : {"auto", "numpy"} or None
        Driver loop (NumPy only; a sampled oracle draws on its own ``backend``).

    Returns
    -------
    Trace
        metrics ``"suboptimality"`` :math:`V^*(\rho)-V^{(t)}(\rho)`, ``"value"``, ``"sup_gap"``
        :math:`\|V^*-V^{(t)}\|_\infty`, ``"min_opt_prob"``; ``final``: ``theta``, ``pi``.
        With an oracle, ``samples[k]`` is the oracle's cumulative cost before iterate ``iterations[k]``.

    References
    ----------
    Agarwal et al. (2021), arXiv:1908.00261, Sec. 5.3 (softmax NPG, Theorem 5.3).
    """
    base, logits, mask = _start(mdp, theta0)
    eta = check_positive(eta, "eta", step=True)
    n_iter = check_positive_int(n_iter, "n_iter")
    rho = base.rho if rho is None else check_distribution(as_float_array(rho, "rho", ndim=1), "rho")
    ext = _action_value_oracle(oracle, mdp, "advantage", "softmax_npg")
    driver_backend(backend)
    gen = None if rng is None else np.random.default_rng(rng)
    used = []
    ref = optimal_reference(base, rho) if reference is None else reference
    rec = record_schedule(n_iter, n_records)
    K = rec.size
    sub, val, sup, mop = (np.empty(K) for _ in range(4))
    Vrec = None if record_values is None else np.empty((K, len(record_values)))
    rows = np.arange(base.S)
    logpi = log_softmax(logits, axis=-1)
    j, t0 = 0, time.perf_counter()
    for t in range(n_iter + 1):
        pi = np.exp(logpi)
        sol = policy_evaluation(base, pi, validate=False)
        if rec[j] == t:
            v = float(rho @ sol.V)
            if ext is not None:
                used.append(ext.samples_used)
            sub[j], val[j] = ref["J_star"] - v, v
            sup[j] = float(np.max(ref["V_star"] - sol.V))
            mop[j] = float(np.min(pi[rows, ref["a_star"]]))
            if Vrec is not None:
                Vrec[j] = sol.V[np.asarray(record_values)]
            j += 1
        if t < n_iter:
            adv = sol.Q - sol.V[:, None] if ext is None else np.asarray(ext.advantage(logpi, rng=gen).mean)
            step = logpi + eta * adv / (1.0 - base.gamma)
            if mask is not None:
                step = np.where(mask, step, -np.inf)
            logpi = log_softmax(step, axis=-1)
    metrics = {"suboptimality": sub, "value": val, "sup_gap": sup, "min_opt_prob": mop}
    if Vrec is not None:
        metrics["V_states"] = Vrec
    params = {"eta": eta, "gamma": base.gamma, "n_iter": n_iter, "seconds": time.perf_counter() - t0}
    if ext is None:
        return Trace(iterations=rec, samples=rec.copy(), metrics=metrics, algorithm="softmax_npg", params=params,
                     sample_unit="exact advantage evaluations", final={"theta": logpi, "pi": np.exp(logpi)})
    return Trace(iterations=rec, samples=np.asarray(used, dtype=np.int64), metrics=metrics, algorithm="softmax_npg",
                 params={**params, "oracle": type(ext).__name__}, sample_unit=_oracle_unit(ext).replace(
                     "gradient", "advantage"), final={"theta": logpi, "pi": np.exp(logpi)})


softmax_npg.__citation__ = ("agarwal2021.npg_softmax",)


def soft_optimal_reference(mdp, tau: float, rho=None) -> dict:
    r"""Entropy-regularised optimum :math:`Q^*_\tau, V^*_\tau, \pi^*_\tau` by soft value iteration to 1e-13.

    Parameters
    ----------
    mdp : TabularMDP
    tau : float
        Entropy weight.
    rho : array, shape (S,), optional

    Returns
    -------
    dict
        ``Q_star`` (S, A), ``V_star`` (S,), ``logpi_star`` (S, A) = log softmax(Q*/tau),
        ``J_star`` = :math:`\rho^\top V^*_\tau`, ``error_bound`` (the certified value error of soft VI,
        at least float64's rounding floor at the problem's scale when 1e-13 is below it).
    """
    tau = check_positive(tau, "tau")
    with warnings.catch_warnings():
        # 1e-13 can sit below float64's certifiable floor at this value scale; the reference then stops at
        # the floor and its certified accuracy is what ``error_bound`` reports, so the warning adds nothing.
        warnings.simplefilter("ignore", PrecisionWarning)
        sol = soft_value_iteration(mdp, tau, tol=1e-13, max_iter=10_000_000)
    logpi = log_softmax(sol.Q / tau, axis=-1)
    # one exact evaluation of the soft-optimal policy polishes V*, Q* to solve precision
    ev = soft_policy_evaluation(mdp, np.exp(logpi), tau)
    rho = mdp.rho if rho is None else np.asarray(rho, dtype=np.float64)
    return {"Q_star": ev.Q, "V_star": ev.V, "logpi_star": log_softmax(ev.Q / tau, axis=-1),
            "J_star": float(rho @ ev.V), "error_bound": float(sol.certificate.get("value_error_bound", np.nan))}


def entropy_npg(mdp, *, eta: float, tau: float, n_iter: int = 100, theta0=None, rho=None,
                n_records: int | None = None, reference: dict | None = None, allow_large_step: bool = False,
                oracle=None, rng=None, backend: str | None = "auto") -> Trace:
    r"""Entropy-regularised NPG of Cen et al. (2021), update (18), with exact soft Q-values by default.

    Parameters
    ----------
    mdp : TabularMDP
    eta : float
        Step size, :math:`0<\eta\le(1-\gamma)/\tau` (Theorem 1's range; ``(1-gamma)/tau`` is soft
        policy iteration).
    tau : float
        Entropy weight (> 0).
    n_iter : int
        Number of updates.
    theta0 : array, shape (S, A), optional
        Initial logits (default uniform).
    rho : array, shape (S,), optional
        Evaluation distribution (default ``mdp.rho``).
    n_records : int, optional
        About this many log-spaced records (default every iteration).
    reference : dict, optional
        :func:`soft_optimal_reference` output.
    allow_large_step : bool
        Accept :math:`\eta > (1-\gamma)/\tau` (outside Theorem 1; the update is then not a convex
        combination in log space).
    oracle : None, "exact" or ActionValueOracle, optional
        Source of the soft Q-values (:mod:`pgtheory.oracles`): default the exact loop; otherwise the
        oracle's ``q(logits, tau=tau, rng=...)`` once per step, e.g.
        :class:`~pgtheory.oracles.SampledOracle` (Monte-Carlo soft Q, the inexact evaluation of Cen et
        al.'s Theorem 2, whose error floor :math:`C_2` grows with :math:`\|\hat Q-Q\|_\infty`). Metrics
        stay exact; ``samples`` counts the oracle's cost.
    rng : Generator, int or None
        Randomness of a sampling oracle's calls (default: the oracle's own generator).
    backend : {"auto", "numpy"} or None
        Driver loop (NumPy only; a sampled oracle draws on its own ``backend``).

    Returns
    -------
    Trace
        metrics at iterate ``t``: ``"q_error"`` :math:`\|Q^*_\tau-Q^{(t)}_\tau\|_\infty`,
        ``"logpi_error"`` :math:`\|\log\pi^*_\tau-\log\pi^{(t)}\|_\infty`, ``"v_error"``
        :math:`\|V^*_\tau-V^{(t)}_\tau\|_\infty`, ``"suboptimality"``
        :math:`V^*_\tau(\rho)-V^{(t)}_\tau(\rho)`; ``params`` include ``C1`` (Theorem 1's constant
        for this start) and ``contraction`` :math:`1-\eta\tau`.

    Raises
    ------
    pgtheory.errors.InvalidStepSizeError
        :math:`\eta > (1-\gamma)/\tau` without ``allow_large_step``.

    References
    ----------
    Cen et al. (2021), arXiv:2007.06558, Algorithm 1, eq. (18), Theorem 1.
    """
    if not isinstance(mdp, TabularMDP):
        raise ValidationError(f"entropy_npg needs a TabularMDP; got {type(mdp).__name__}.")
    eta = check_positive(eta, "eta", step=True)
    tau = check_positive(tau, "tau")
    n_iter = check_positive_int(n_iter, "n_iter")
    gamma = mdp.gamma
    if eta > (1.0 - gamma) / tau * (1 + 1e-12) and not allow_large_step:
        raise InvalidStepSizeError(f"eta = {eta:g} exceeds (1-gamma)/tau = {(1 - gamma) / tau:g}, outside Cen et al.'s "
                                   f"Theorem 1. Fix: use eta <= (1-gamma)/tau or pass allow_large_step=True.")
    rho = mdp.rho if rho is None else check_distribution(as_float_array(rho, "rho", ndim=1), "rho")
    ext = _action_value_oracle(oracle, mdp, "q", "entropy_npg")
    driver_backend(backend)
    gen = None if rng is None else np.random.default_rng(rng)
    used = []
    ref = soft_optimal_reference(mdp, tau, rho) if reference is None else reference
    logpi = log_softmax(np.zeros((mdp.S, mdp.A)) if theta0 is None else as_float_array(theta0, "theta0", ndim=2),
                        axis=-1)
    rec = record_schedule(n_iter, n_records)
    K = rec.size
    qe, le, ve, sub = (np.empty(K) for _ in range(4))
    j, C1, t0 = 0, None, time.perf_counter()
    w = 1.0 - eta * tau / (1.0 - gamma)
    evaluator = _Evaluator(mdp) if not mdp.is_sparse else None
    for t in range(n_iter + 1):
        pi = np.exp(logpi)
        if evaluator is not None:  # lean dense solve of the soft Bellman equation (same as soft_policy_evaluation)
            ent = -np.sum(np.where(pi > 0, pi * logpi, 0.0), axis=1)
            Vt, Qt = evaluator.values(pi, tau * ent)
        else:
            ev = soft_policy_evaluation(mdp, pi, tau)
            Vt, Qt = ev.V, ev.Q
        if t == 0:
            C1 = float(np.max(np.abs(ref["Q_star"] - Qt)) + 2 * tau * w * np.max(np.abs(ref["logpi_star"] - logpi)))
        if rec[j] == t:
            if ext is not None:
                used.append(ext.samples_used)
            qe[j] = float(np.max(np.abs(ref["Q_star"] - Qt)))
            le[j] = float(np.max(np.abs(ref["logpi_star"] - logpi)))
            ve[j] = float(np.max(np.abs(ref["V_star"] - Vt)))
            sub[j] = ref["J_star"] - float(rho @ Vt)
            j += 1
        if t < n_iter:
            Qstep = Qt if ext is None else np.asarray(ext.q(logpi, tau=tau, rng=gen).mean)
            logpi = log_softmax(w * logpi + eta * Qstep / (1.0 - gamma), axis=-1)
    extra = {} if ext is None else {"oracle": type(ext).__name__}
    return Trace(iterations=rec, samples=rec.copy() if ext is None else np.asarray(used, dtype=np.int64),
                 metrics={"q_error": qe, "logpi_error": le, "v_error": ve, "suboptimality": sub},
                 algorithm="entropy_npg",
                 params={"eta": eta, "tau": tau, "gamma": gamma, "n_iter": n_iter, "C1": C1,
                         "contraction": 1.0 - eta * tau, "seconds": time.perf_counter() - t0, **extra},
                 sample_unit="exact soft-Q evaluations" if ext is None else _oracle_unit(ext).replace("gradient", "soft-Q"),
                 final={"theta": logpi, "pi": np.exp(logpi)})


entropy_npg.__citation__ = ("cen2022.thm1_q",)
