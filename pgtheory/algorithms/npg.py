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

References
----------
Agarwal, Kakade, Lee, Mahajan (2021), JMLR, arXiv:1908.00261, Sec. 5.3 (Theorem 5.3 in the arXiv numbering).
Cen, Cheng, Chen, Wei, Chi (2021), arXiv:2007.06558, Algorithm 1, eq. (18), Theorem 1.
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
from .pg import _Evaluator, _problem, optimal_reference, record_schedule

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


def softmax_npg(mdp, *, eta: float, n_iter: int = 100, theta0=None, rho=None, n_records: int | None = None,
                reference: dict | None = None, record_values=None) -> Trace:
    r"""Exact softmax natural policy gradient (Agarwal et al. 2021, Sec. 5.3).

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

    Returns
    -------
    Trace
        metrics ``"suboptimality"`` :math:`V^*(\rho)-V^{(t)}(\rho)`, ``"value"``, ``"sup_gap"``
        :math:`\|V^*-V^{(t)}\|_\infty`, ``"min_opt_prob"``; ``final``: ``theta``, ``pi``.

    References
    ----------
    Agarwal et al. (2021), arXiv:1908.00261, Sec. 5.3 (softmax NPG, Theorem 5.3).
    """
    base, logits, mask = _start(mdp, theta0)
    eta = check_positive(eta, "eta", step=True)
    n_iter = check_positive_int(n_iter, "n_iter")
    rho = base.rho if rho is None else check_distribution(as_float_array(rho, "rho", ndim=1), "rho")
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
            sub[j], val[j] = ref["J_star"] - v, v
            sup[j] = float(np.max(ref["V_star"] - sol.V))
            mop[j] = float(np.min(pi[rows, ref["a_star"]]))
            if Vrec is not None:
                Vrec[j] = sol.V[np.asarray(record_values)]
            j += 1
        if t < n_iter:
            adv = sol.Q - sol.V[:, None]
            step = logpi + eta * adv / (1.0 - base.gamma)
            if mask is not None:
                step = np.where(mask, step, -np.inf)
            logpi = log_softmax(step, axis=-1)
    metrics = {"suboptimality": sub, "value": val, "sup_gap": sup, "min_opt_prob": mop}
    if Vrec is not None:
        metrics["V_states"] = Vrec
    return Trace(iterations=rec, samples=rec.copy(), metrics=metrics, algorithm="softmax_npg",
                 params={"eta": eta, "gamma": base.gamma, "n_iter": n_iter, "seconds": time.perf_counter() - t0},
                 sample_unit="exact advantage evaluations", final={"theta": logpi, "pi": np.exp(logpi)})


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
                n_records: int | None = None, reference: dict | None = None, allow_large_step: bool = False) -> Trace:
    r"""Entropy-regularised NPG of Cen et al. (2021), update (18), with exact soft Q-values.

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
            qe[j] = float(np.max(np.abs(ref["Q_star"] - Qt)))
            le[j] = float(np.max(np.abs(ref["logpi_star"] - logpi)))
            ve[j] = float(np.max(np.abs(ref["V_star"] - Vt)))
            sub[j] = ref["J_star"] - float(rho @ Vt)
            j += 1
        if t < n_iter:
            logpi = log_softmax(w * logpi + eta * Qt / (1.0 - gamma), axis=-1)
    return Trace(iterations=rec, samples=rec.copy(),
                 metrics={"q_error": qe, "logpi_error": le, "v_error": ve, "suboptimality": sub},
                 algorithm="entropy_npg",
                 params={"eta": eta, "tau": tau, "gamma": gamma, "n_iter": n_iter, "C1": C1,
                         "contraction": 1.0 - eta * tau, "seconds": time.perf_counter() - t0},
                 sample_unit="exact soft-Q evaluations", final={"theta": logpi, "pi": np.exp(logpi)})


entropy_npg.__citation__ = ("cen2021.thm1_q",)
