r"""Softmax policy gradient with exact gradients (tabular).

.. math::

    \theta_{t+1} = \theta_t + \eta\,\nabla_\theta V^{\pi_{\theta_t}}(\mu),\qquad
    \frac{\partial V^{\pi_\theta}(\mu)}{\partial\theta(s,a)}
    = \frac{1}{1-\gamma}\,d_\mu^{\pi_\theta}(s)\,\pi_\theta(a|s)\,A^{\pi_\theta}(s,a),

with :math:`\pi_\theta(\cdot|s) = \mathrm{softmax}(\theta(s,\cdot))`, ``mu`` the distribution the
gradient is taken under and ``rho`` the distribution suboptimality is measured under. The default
step :math:`\eta = (1-\gamma)^3/8 = 1/L` uses the smoothness constant
:math:`L = 8/(1-\gamma)^3` of Mei et al. (2020, Lemma 7).

Besides a :class:`~pgtheory.mdp.TabularMDP`, :func:`softmax_pg` accepts a *structured problem*:
any object with ``mdp`` (a TabularMDP), ``probs(theta)``, ``gradient(theta)`` and
``init_theta()`` -- e.g. :class:`pgtheory.mdp.instances.LiHardMDP`, whose lumped gradient
(with action masks and multiplicities) is exact for the paper's unlumped iteration.

References
----------
Mei, Xiao, Szepesvári, Schuurmans (2020), On the Global Convergence Rates of Softmax Policy
Gradient Methods, ICML, arXiv:2005.06392 (Lemma 7, Theorem 4).
Agarwal, Kakade, Lee, Mahajan (2021), JMLR, arXiv:1908.00261 (Sec. 5, softmax PG).
"""

from __future__ import annotations

import dataclasses
import time
from typing import NamedTuple

import numpy as np
import warnings

from .._math import centred, softmax
from .._validate import as_float_array, check_distribution, check_positive, check_positive_int
from ..backend import resolve_backend
from ..errors import ConvergenceWarning, ShapeError, ValidationError
from ..mdp import PolicySystem, TabularMDP, policy_evaluation, policy_iteration, state_occupancy
from ..results import Trace
from ..oracles import ExactOracle, as_oracle

#: Iterations from which ``backend="auto"`` runs the compiled exact-PG kernel (its compile time pays off).
_PG_KERNEL_MIN_ITER = 2000

__all__ = ["softmax_pg", "softmax_pg_flow", "record_schedule", "optimal_reference"]


def record_schedule(n_iter: int, n_records: int | None = None) -> np.ndarray:
    """Iterations at which a run records its metrics.

    Parameters
    ----------
    n_iter : int
        Number of iterations (records may be taken at ``0..n_iter``).
    n_records : int, optional
        ``None`` records every iteration; otherwise about ``n_records`` log-spaced iterations
        (always including 0, 1 and ``n_iter``), which weights every decade equally in a log-log fit.

    Returns
    -------
    array of int, strictly increasing
    """
    n_iter = int(n_iter)
    if n_records is None or n_records >= n_iter + 1:
        return np.arange(n_iter + 1)
    pts = np.unique(np.round(np.logspace(0, np.log10(max(n_iter, 1)), int(n_records))).astype(np.int64))
    return np.unique(np.concatenate([[0, 1], pts, [n_iter]]))


def optimal_reference(mdp, rho=None) -> dict:
    r"""Optimal values and actions of ``mdp`` by policy iteration (exact up to one linear solve).

    Parameters
    ----------
    mdp : TabularMDP
    rho : array, shape (S,), optional
        Evaluation distribution (default ``mdp.rho``).

    Returns
    -------
    dict
        ``V_star`` (S,), ``Q_star`` (S, A), ``a_star`` (S,) greedy optimal actions,
        ``J_star`` = :math:`\rho^\top V^*`, ``pi_star`` (S, A) deterministic optimal policy.
    """
    sol = policy_iteration(mdp)
    rho = mdp.rho if rho is None else np.asarray(rho, dtype=np.float64)
    a_star = np.argmax(sol.policy, axis=1)
    return {"V_star": sol.V, "Q_star": sol.Q, "a_star": a_star, "J_star": float(rho @ sol.V),
            "pi_star": sol.policy}


def _problem(mdp):
    """Split a TabularMDP or a structured problem into (mdp, probs, grad_fn or None, theta0)."""
    if isinstance(mdp, TabularMDP):
        return mdp, None, None, np.zeros((mdp.S, mdp.A))
    needed = ("mdp", "probs", "gradient", "init_theta")
    if all(hasattr(mdp, k) for k in needed):
        return mdp.mdp, mdp.probs, mdp.gradient, np.asarray(mdp.init_theta(), dtype=np.float64)
    raise ValidationError(f"mdp must be a TabularMDP or an object with {needed}; got {type(mdp).__name__}. "
                          f"Fix: pass pgtheory.mdp.TabularMDP(P, r, gamma).")


class _Evaluator:
    r"""Exact V, Q and occupancy of a policy, with a lean dense path (no validation: the hot loop).

    Dense MDPs solve :math:`(I-\gamma P_\pi)V = r_\pi` and :math:`(I-\gamma P_\pi)^\top d = (1-\gamma)\mu`
    with ``numpy.linalg.solve``; sparse ones use :func:`pgtheory.mdp.policy_evaluation` and
    :func:`pgtheory.mdp.state_occupancy`. Tested against those functions in ``tests/classic``.
    """

    def __init__(self, mdp):
        self.mdp = mdp
        self.dense = not mdp.is_sparse
        if self.dense:
            self.P = np.asarray(mdp.P)
            self.P2 = self.P.reshape(mdp.S * mdp.A, mdp.S)
            self.r = np.asarray(mdp.r)
        self._system = None

    def values(self, pi, extra=None):
        """V and Q of ``pi`` for the reward ``r_pi + extra`` (``extra`` per state, e.g. tau * entropy)."""
        mdp = self.mdp
        if not self.dense:
            if extra is not None:
                raise ValidationError("internal: extra rewards need a dense MDP")
            sol = policy_evaluation(mdp, pi, validate=False)
            return sol.V, sol.Q
        self._system = PolicySystem(np.einsum("sa,sat->st", pi, self.P), mdp.gamma)
        rhs = np.einsum("sa,sa->s", pi, self.r)
        if extra is not None:
            rhs = rhs + extra
        V = self._system.solve(rhs)
        Q = self.r + mdp.gamma * (self.P2 @ V).reshape(mdp.S, mdp.A)
        return V, Q

    def occupancy(self, pi, mu):
        """Normalised discounted visitation under ``mu`` of the policy last passed to :meth:`values`."""
        if not self.dense:
            return state_occupancy(self.mdp, pi, mu, validate=False)
        d = self._system.solve((1.0 - self.mdp.gamma) * mu, transpose=True)
        return np.clip(d, 0.0, None)


def _eval(mdp, pi):
    sol = policy_evaluation(mdp, pi, validate=False)
    return sol.V, sol.Q


def softmax_pg(mdp, *, eta: float | None = None, n_iter: int = 1000, theta0=None, mu=None, rho=None,
               n_records: int | None = None, reference: dict | None = None, record_values=None,
               progress: bool = False, backend: str = "auto", oracle=None, rng=None) -> Trace:
    r"""Exact softmax policy gradient ascent on :math:`V^{\pi_\theta}(\mu)`.

    Parameters
    ----------
    mdp : TabularMDP or structured problem
        The MDP (or an object with ``mdp``, ``probs``, ``gradient``, ``init_theta``; see the
        module docstring). A bandit is a one-state MDP with ``gamma = 0``.
    eta : float, optional
        Step size (default :math:`(1-\gamma)^3/8`, i.e. 1/L of Mei et al. Lemma 7).
    n_iter : int
        Number of gradient steps.
    theta0 : array, shape (S, A), optional
        Initial logits (default zeros: the uniform policy).
    mu : array, shape (S,), optional
        Distribution of the objective whose gradient is followed (default ``mdp.rho``).
        Ignored for structured problems (their ``gradient`` fixes it).
    rho : array, shape (S,), optional
        Evaluation distribution of the suboptimality (default ``mdp.rho``).
    n_records : int, optional
        Record about this many log-spaced iterations (default: every iteration).
    reference : dict, optional
        Output of :func:`optimal_reference` (computed when omitted).
    record_values : array of int, optional
        States whose values :math:`V^{(t)}(s)` are recorded (metric ``"V_states"``, shape (K, n)).
    progress : bool
        Show a tqdm bar (only for interactive use; NumPy path).
    backend : {"auto", "numpy", "numba"} or None
        ``"numpy"`` is the reference loop; ``"numba"`` a compiled kernel for dense MDPs doing
        the same operations (agreement tested to 1e-10). ``"auto"`` uses numba for dense
        problems from 2000 iterations on (the rule of :func:`pgtheory.backend.resolve_backend` with
        ``size_hint=n_iter``); ``None`` reads ``PGTHEORY_BACKEND``.
    oracle : None, "exact" or GradientOracle, optional
        Source of the gradient (:mod:`pgtheory.oracles`). ``None`` / ``"exact"`` / an
        :class:`~pgtheory.oracles.ExactOracle` of this MDP with the softmax policy: the exact gradient
        above (today's path, compiled kernel included). Any other oracle (e.g.
        :class:`~pgtheory.oracles.SampledOracle`) is called once per step with :math:`\theta_t`; the
        metrics stay exact, ``samples`` counts what the oracle consumed.
    rng : Generator, int or None
        Randomness passed to a sampling oracle's calls (default: the oracle's own generator).

    Returns
    -------
    Trace
        ``iterations`` (K,), ``metrics``: ``"suboptimality"`` :math:`V^*(\rho)-V^{\pi_t}(\rho)`,
        ``"value"`` :math:`V^{\pi_t}(\rho)`, ``"min_opt_prob"`` :math:`\min_s\pi_t(a^*(s)|s)`,
        ``"running_c"`` :math:`\min_{1\le k\le t}\min_s\pi_k(a^*(s)|s)` (at t = 0 the value at 0),
        ``"grad_norm"`` :math:`\|\nabla\|_2`, and ``"V_states"`` when requested. ``params``:
        ``eta``, ``gamma``, ``n_iter``; ``final``: ``theta``, ``pi``, ``c_run`` (the minimum over the
        whole run), ``c_argmin`` (iteration where it was attained).

    Raises
    ------
    pgtheory.errors.ValidationError
        Non-positive step, bad shapes or distributions.

    References
    ----------
    Mei et al. (2020), arXiv:2005.06392, Algorithm 1, Lemma 7, Theorem 4.
    Agarwal et al. (2021), arXiv:1908.00261, Sec. 5.

    Examples
    --------
    >>> import numpy as np
    >>> from pgtheory.mdp import TabularMDP
    >>> from pgtheory.algorithms import softmax_pg
    >>> bandit = TabularMDP(np.ones((1, 3, 1)), np.array([[1.0, 0.9, 0.1]]), gamma=0.0)
    >>> tr = softmax_pg(bandit, eta=0.4, n_iter=2000)
    >>> bool(tr.metric("suboptimality")[-1] < 1e-3)
    True
    """
    base, probs_fn, grad_fn, theta_default = _problem(mdp)
    ext = _external_oracle(oracle, mdp)
    _check_objective(ext, grad_fn, mu)
    gamma = base.gamma
    eta = (1.0 - gamma) ** 3 / 8.0 if eta is None else check_positive(eta, "eta", step=True)
    n_iter = check_positive_int(n_iter, "n_iter")
    theta = _initial_logits(theta0, theta_default)
    mu = base.rho if mu is None else check_distribution(as_float_array(mu, "mu", ndim=1), "mu")
    rho = base.rho if rho is None else check_distribution(as_float_array(rho, "rho", ndim=1), "rho")
    ev = _Evaluator(base)
    mu, grad_fn, mult = _lumped_gradient(mdp, base, grad_fn, mu)
    gen = None if rng is None else np.random.default_rng(rng)
    use_numba = _use_pg_kernel(backend, n_iter, ev, grad_fn, ext)  # validated before any solve
    ref = optimal_reference(base, rho) if reference is None else reference
    rec = record_schedule(n_iter, n_records)
    if probs_fn is None:
        probs_fn = lambda th: softmax(th, axis=-1)  # noqa: E731
    run = {"eta": eta, "gamma": gamma, "n_iter": n_iter}
    if use_numba:
        return _pg_kernel_run(mdp, ev, theta, mu, rho, mult, ref, rec, record_values, probs_fn, run)
    grad = _gradient_source(ext, gen, grad_fn, ev, mu, mult, gamma)
    out = _pg_numpy_run(theta, probs_fn, ev, grad, ref, rho, rec, record_values, progress, ext, run)
    tr = _pg_trace(rec, *out.metrics, {**run, "backend": "numpy", "seconds": out.seconds},
                   {"theta": out.theta, "pi": probs_fn(out.theta), "c_run": out.c_run, "c_argmin": out.c_argmin})
    if ext is None:
        return tr
    # samples before the record's own gradient call: the oracle cost of reaching iterate t
    return dataclasses.replace(tr, samples=np.asarray(out.samples_used, dtype=np.int64),
                               sample_unit=_oracle_unit(ext), params={**tr.params, "oracle": type(ext).__name__})


# ----------------------------------------------------------------------------- softmax_pg, piece by piece
def _check_objective(ext, grad_fn, mu) -> None:
    """``mu`` picks the objective of the exact gradient only: a custom oracle or a structured problem fixes it."""
    if ext is not None and mu is not None:
        raise ValidationError("mu cannot be set with a custom oracle (the oracle fixes the objective). Fix: drop mu.")
    if grad_fn is not None and mu is not None:
        raise ValidationError("mu cannot be set for a structured problem (its gradient fixes the distribution). "
                              "Fix: drop mu.")


def _initial_logits(theta0, theta_default: np.ndarray) -> np.ndarray:
    """A fresh copy of the starting logits (``theta0`` or the problem's default), shape-checked."""
    theta = theta_default.copy() if theta0 is None else as_float_array(theta0, "theta0", ndim=2).copy()
    if theta.shape != theta_default.shape:
        raise ShapeError(f"theta0 must have shape {theta_default.shape}; got {theta.shape}. Fix: one logit per (s, a).")
    return theta


def _lumped_gradient(mdp, base, grad_fn, mu):
    """``(mu, grad_fn, mult)``: a lumped problem (LiHardMDP: ``multiplicity`` and ``action_mask``) has its
    gradient ``(d_rho / m) pi A / (1-gamma)`` with ``rho = mdp.rho`` computed here from the same solve
    (identical formula; tested against ``mdp.gradient``), so its ``grad_fn`` is dropped."""
    mult = getattr(mdp, "multiplicity", None)
    if grad_fn is not None and mult is not None and hasattr(mdp, "action_mask"):
        return base.rho, None, np.asarray(mult, dtype=np.float64)
    return mu, grad_fn, None


def _use_pg_kernel(backend, n_iter: int, ev, grad_fn, ext) -> bool:
    """Whether the compiled exact kernel runs (typed errors for a backend it cannot serve).

    ``"auto"``: pgtheory.backend's one rule; the work is the iteration count of a dense exact loop (a
    structured gradient or a sparse MDP has no kernel: size 0), and the kernel's compile time pays
    from ``_PG_KERNEL_MIN_ITER`` = 2000 iterations on.
    """
    if backend is not None and backend not in ("auto", "numpy", "numba"):
        raise ValidationError(f"backend must be 'auto', 'numpy' or 'numba'; got {backend!r}.")
    kernel_size = n_iter if (ev.dense and grad_fn is None and ext is None) else 0
    if resolve_backend(backend, size_hint=kernel_size, min_size=_PG_KERNEL_MIN_ITER,
                       allowed=("numba", "numpy")) != "numba":
        return False
    if ext is not None:
        raise ValidationError("backend='numba' runs the exact kernel only. Fix: pass backend='numpy' (or 'auto') "
                              "with a sampled oracle; the oracle has its own backend.")
    if not ev.dense:
        raise ValidationError("backend='numba' needs a dense MDP. Fix: use backend='numpy' for sparse MDPs.")
    if grad_fn is not None:
        raise ValidationError("backend='numba' supports TabularMDP and LiHardMDP-style problems only.")
    return True


def _gradient_source(ext, gen, grad_fn, ev, mu, mult, gamma):
    r"""``grad(theta, pi, V, Q)``: the oracle's estimate, the structured problem's gradient, or the exact
    softmax gradient :math:`d_\mu(s)\,\pi(a|s)\,A(s,a)/(1-\gamma)` (divided by the lump sizes)."""
    def grad(theta, pi, V, Q):
        if ext is not None:
            return np.asarray(ext.gradient(theta, rng=gen).mean, dtype=np.float64)
        if grad_fn is not None:
            return grad_fn(theta)
        d = ev.occupancy(pi, mu)
        if mult is not None:
            d = d / mult
        # centred(pi, Q), not Q - V: full relative accuracy at near-deterministic states (issue 11)
        return d[:, None] * pi * centred(pi, Q) / (1.0 - gamma)

    return grad


def _pg_kernel_run(mdp, ev, theta, mu, rho, mult, ref, rec, record_values, probs_fn, run) -> Trace:
    """The dense exact loop as one compiled kernel (:mod:`._pg_kernels`), same operations as the NumPy loop."""
    from ._pg_kernels import pg_dense_kernel  # lazy: numba kernels

    base = ev.mdp
    K = rec.size
    sub, val, mop, runc, gn = (np.empty(K) for _ in range(5))
    rs = np.asarray([] if record_values is None else record_values, dtype=np.int64)
    Vout = np.empty((K, rs.size))
    th = np.ascontiguousarray(theta.copy())
    mask = getattr(mdp, "action_mask", None)
    if mask is not None:
        th = np.where(mask, th, -np.inf)
    t0 = time.perf_counter()
    c_run, c_arg = pg_dense_kernel(np.ascontiguousarray(ev.P), np.ascontiguousarray(ev.r), float(run["gamma"]),
                                   np.asarray(mu, dtype=np.float64), np.asarray(rho, dtype=np.float64),
                                   np.ones(base.S) if mult is None else mult, th, float(run["eta"]),
                                   int(run["n_iter"]), rec.astype(np.int64), np.asarray(ref["a_star"], dtype=np.int64),
                                   float(ref["J_star"]), rs, sub, val, mop, runc, gn, Vout)
    return _pg_trace(rec, sub, val, mop, runc, gn, Vout if record_values is not None else None,
                     {**run, "backend": "numba", "seconds": time.perf_counter() - t0},
                     {"theta": th, "pi": probs_fn(th) if mask is None else mdp.probs(th), "c_run": float(c_run),
                      "c_argmin": int(c_arg)})


class _LoopResult(NamedTuple):
    """What the NumPy loop of :func:`softmax_pg` hands back."""

    metrics: tuple  # (suboptimality, value, min_opt_prob, running_c, grad_norm, V_states or None)
    theta: np.ndarray
    c_run: float
    c_argmin: int
    samples_used: list | None
    seconds: float


def _progress_bar(progress: bool, n_iter: int):
    if not progress:
        return None
    from tqdm.auto import tqdm  # lazy: optional progress bar

    return tqdm(total=n_iter, desc="softmax PG", leave=False)


def _pg_numpy_run(theta, probs_fn, ev, grad, ref, rho, rec, record_values, progress, ext, run) -> _LoopResult:
    """The reference loop: ``theta <- theta + eta * grad``, metrics recorded at the iterations ``rec``."""
    eta, n_iter = run["eta"], run["n_iter"]
    a_star, J_star = ref["a_star"], ref["J_star"]
    K = rec.size
    sub, val, mop, runc, gn = (np.empty(K) for _ in range(5))
    Vrec = None if record_values is None else np.empty((K, len(record_values)))
    rows = np.arange(ev.mdp.S)
    used = [] if ext is not None else None
    bar = _progress_bar(progress, n_iter)
    c_run, c_arg, j = np.inf, 0, 0
    t0 = time.perf_counter()
    for t in range(n_iter + 1):
        pi = probs_fn(theta)
        p_opt = float(np.min(pi[rows, a_star]))
        if t >= 1 and p_opt < c_run:
            c_run, c_arg = p_opt, t
        V, Q = ev.values(pi)
        before = 0 if used is None else ext.samples_used
        need_grad = t < n_iter
        recorded = j < K and rec[j] == t
        g = grad(theta, pi, V, Q) if (need_grad or recorded) else None
        if recorded:
            v = float(rho @ V)
            sub[j], val[j], mop[j] = J_star - v, v, p_opt
            runc[j] = c_run if t >= 1 else p_opt
            gn[j] = float(np.linalg.norm(g))
            if used is not None:
                used.append(before)
            if Vrec is not None:
                Vrec[j] = V[np.asarray(record_values)]
            j += 1
        if need_grad:
            theta = theta + eta * g
            if bar is not None:
                bar.update(1)
    if bar is not None:
        bar.close()
    return _LoopResult((sub, val, mop, runc, gn, Vrec), theta, c_run, c_arg, used, time.perf_counter() - t0)


def _external_oracle(oracle, mdp):
    """``None`` when ``oracle`` means the exact softmax gradient of ``mdp`` (today's path), else the oracle."""

    if oracle is None or (isinstance(oracle, str) and oracle == "exact"):
        return None
    ext = as_oracle(oracle, mdp)
    if isinstance(ext, ExactOracle) and ext.problem is getattr(mdp, "mdp", mdp) and \
            type(ext.policy).__name__ == "SoftmaxPolicy":
        return None
    return ext


def _oracle_unit(ext) -> str:
    """``Trace.sample_unit`` of a run driven by oracle ``ext``."""
    return "exact gradient evaluations" if getattr(ext, "exact", False) else "trajectories"


def _pg_trace(rec, sub, val, mop, runc, gn, V_states, params, final) -> Trace:
    """The :class:`Trace` of :func:`softmax_pg` (both backends): recorded metrics, ``V_states`` when
    per-state values were recorded (else ``None``), run parameters and final iterate."""
    metrics = {"suboptimality": sub, "value": val, "min_opt_prob": mop, "running_c": runc, "grad_norm": gn}
    if V_states is not None:
        metrics["V_states"] = V_states
    return Trace(iterations=rec, samples=rec.copy(), metrics=metrics, algorithm="softmax_pg", params=params,
                 sample_unit="exact gradient evaluations", final=final)


softmax_pg.__citation__ = ("mei2020.thm4", "agarwal2021.pga_direct")


def _flow_gradient(P, r, gamma, mu, mult, theta):
    r"""Exact softmax-PG gradient and values for the flow, with a cancellation-free advantage.

    .. math::

        g(s,a) = \frac{d_\mu^{\pi}(s)}{m(s)\,(1-\gamma)}\,\pi(a|s)\sum_b \pi(b|s)\,\bigl(Q(s,a)-Q(s,b)\bigr),

    the same quantity as :math:`d\,\pi\,(Q-V)/(m(1-\gamma))` but written so that the advantage of a
    near-deterministic action is a sum of small terms instead of a difference of ``O(1)`` numbers
    (the log-time flow multiplies the gradient by ``t`` up to ``1e16``, which would amplify the
    ``1e-16`` rounding of ``Q - V``).

    Parameters
    ----------
    P : array, shape (S, A, S)
    r : array, shape (S, A)
    gamma : float
    mu : array, shape (S,)
    mult : array, shape (S,)
    theta : array, shape (S, A), ``-inf`` on masked actions

    Returns
    -------
    grad : array, shape (S, A)
    V : array, shape (S,)
    """
    # the flow evaluates this tens of thousands of times: reductions without their method wrappers (the same
    # ufunc reductions), and M V = r_pi, M^T d = (1-gamma) mu in one stacked LAPACK call (the bits of two solves)
    z = theta - np.maximum.reduce(theta, axis=1, keepdims=True)
    e = np.exp(z)
    pi = e / np.add.reduce(e, axis=1, keepdims=True)
    V, d = PolicySystem(np.einsum("sa,sat->st", pi, P), gamma).solve_pair((pi * r).sum(axis=1), (1.0 - gamma) * mu)
    Q = r + gamma * (P @ V)
    adv = np.einsum("sb,sab->sa", pi, Q[:, :, None] - Q[:, None, :])
    w = np.maximum(d, 0.0) / mult / (1.0 - gamma)
    return w[:, None] * pi * adv, V


def _flow_values(P, r, gamma, thetas, block: int = 256):
    r"""Values :math:`V^{\pi_\theta}` of many logits at once, shape (n, S): the ``V`` of :func:`_flow_gradient`.

    ``thetas`` (n, S, A), ``-inf`` on masked actions. The same softmax and one stacked
    :class:`~pgtheory.mdp.PolicySystem` solve per ``block`` of policies (each slice is the single-system
    ``gesv``), so every row has the bits of :func:`_flow_gradient`'s ``V`` (tested); used on the integrator's
    step points, where a loop of single solves cost a third of the flow's time.
    """
    n, S, _ = thetas.shape
    out = np.empty((n, S))
    for lo in range(0, n, block):
        th = thetas[lo:lo + block]
        e = np.exp(th - th.max(axis=2, keepdims=True))
        pi = e / e.sum(axis=2, keepdims=True)
        out[lo:lo + block] = PolicySystem(np.einsum("nsa,sat->nst", pi, P), gamma).solve((pi * r).sum(axis=2))
    return out


def _first_crossings(u, y, value_fn, thresholds, dense, values_fn=None):
    """First times (in the integration variable) at which ``value_fn(y)[k] >= thresholds[k]``.

    Scans the solver's step points (all at once with ``values_fn(y)`` when given, which must return
    ``value_fn`` of every column), then refines inside the bracketing step with Brent's method
    on the dense output; NaN where never reached."""
    from scipy.optimize import brentq  # lazy: scipy.optimize, 0.1 s

    vals = values_fn(y) if values_fn is not None else np.array([value_fn(y[:, i]) for i in range(u.size)])
    out = np.full(len(thresholds), np.nan)
    for k, thr in enumerate(thresholds):
        hit = np.flatnonzero(vals[:, k] >= thr)
        if hit.size == 0:
            continue
        i = int(hit[0])
        if i == 0:
            out[k] = float(u[0])
            continue
        def h(x, k=k, thr=thr):
            return value_fn(dense(x))[k] - thr

        fa, fb = h(u[i - 1]), h(u[i])
        if fa < 0.0 <= fb:
            out[k] = float(brentq(h, u[i - 1], u[i], xtol=1e-12 * max(1.0, abs(u[i])), rtol=1e-12))
        else:  # dense output and step values disagree at the rounding level: take the step point
            out[k] = float(u[i])
    return out


def softmax_pg_flow(mdp, T: float, *, thresholds=None, record_values=None, n_records: int = 200, rtol: float = 1e-8,
                    atol: float = 1e-10, reference: dict | None = None, log_time: bool = True,
                    method: str = "LSODA") -> Trace:
    r"""Gradient flow of exact softmax PG, :math:`\dot\theta = \nabla_\theta V^{\pi_\theta}(\mu)`, the
    :math:`\eta\to0` limit of :func:`softmax_pg`: iterate ``t`` of PG with step ``eta`` is close to
    flow time :math:`T = \eta t` (first-order error :math:`O(\eta)`, checked against the discrete
    iteration in ``tests/classic``).

    Used where the discrete iteration is out of reach, e.g. Li et al.'s hard MDP, whose crossing
    times at the theorem's step size :math:`\eta<(1-\gamma)^2/5` exceed :math:`10^{11}` iterations.
    With ``log_time`` (default) the flow is integrated in :math:`u = \log(1+T)`,

    .. math::

        \frac{d\theta}{du} = (1+T)\,\nabla_\theta V^{\pi_\theta}(\mu),

    in which the plateaus of softmax PG (logit gaps growing like :math:`\log T`) are nearly linear,
    so flow times up to ``1e16`` cost a few thousand steps. ``scipy.integrate.solve_ivp`` (LSODA by
    default: switches to BDF on stiff stretches); the gradient uses a cancellation-free advantage
    (:func:`_flow_gradient`). Crossing times are found on the solver's steps and refined by Brent's
    method on its dense output.

    Parameters
    ----------
    mdp : TabularMDP (dense) or structured problem (``mdp``, ``probs``, ``gradient``, ``init_theta``,
        and optionally ``action_mask`` / ``multiplicity`` as in :class:`~pgtheory.mdp.instances.LiHardMDP`)
    T : float
        Final flow time.
    thresholds : array, shape (n,), optional
        With ``record_values``: record the first flow time at which :math:`V(s_k)\ge` ``thresholds[k]``.
    record_values : array of int, shape (n,), optional
        States whose values are recorded (metric ``"V_states"``).
    n_records : int
        Log-spaced record times in ``[1, T]`` (plus 0).
    rtol, atol : float
        Tolerances of the integrator (on the logits).
    reference : dict, optional
        :func:`optimal_reference` output.
    log_time : bool
        Integrate in :math:`u=\log(1+T)` (default) or in ``T`` itself.
    method : str
        ``solve_ivp`` method: ``"LSODA"`` or ``"Radau"`` (they agree to 5-6 digits on Li et al.'s MDP where
        both finish; Radau can stall at a late crossing, where the policy of that state switches within
        a tiny fraction of log-time, and then warns).

    Returns
    -------
    Trace
        ``iterations`` holds flow times (floats); metrics ``"suboptimality"`` and ``"V_states"``;
        ``final``: ``theta``, ``crossing_times`` (array, NaN where not reached), ``nfev``,
        ``n_steps``, ``status`` and ``message`` of the integrator.

    Raises
    ------
    ValidationError
        Sparse MDP, unsupported problem or method.

    Warns
    -----
    ConvergenceWarning
        If the integrator stops before ``T`` (crossings after that time are NaN).
    ShapeError
        ``thresholds`` without ``record_values`` of the same length.

    References
    ----------
    Li, Wei, Chi, Chen (2021), arXiv:2102.11270, Sec. 3 (crossing times, eq. (30)).
    Mei et al. (2020), arXiv:2005.06392 (softmax PG gradient).
    """
    from scipy.integrate import solve_ivp  # lazy: scipy.integrate, 0.14 s

    base, _, grad_fn, theta0 = _problem(mdp)
    if base.is_sparse:
        raise ValidationError("softmax_pg_flow needs a dense MDP. Fix: build it with dense P.")
    T = check_positive(T, "T")
    if method not in ("LSODA", "Radau"):
        raise ValidationError(f"method must be 'LSODA' or 'Radau' (stiff-capable; BDF fails on the plateaus of "
                              f"Li et al.'s MDP); got {method!r}.")
    mask = getattr(mdp, "action_mask", None)
    mult = np.asarray(getattr(mdp, "multiplicity", np.ones(base.S)), dtype=np.float64)
    if grad_fn is not None and mask is None:
        raise ValidationError("softmax_pg_flow supports TabularMDP and LiHardMDP-style problems only.")
    P = np.ascontiguousarray(np.asarray(base.P))
    r = np.ascontiguousarray(np.asarray(base.r))
    mu = np.asarray(base.rho, dtype=np.float64)
    S, A = r.shape
    shape = (S, A)
    live = np.ones(shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    ref = optimal_reference(base) if reference is None else reference
    gamma = float(base.gamma)

    def full(x):
        th = np.full(shape, -np.inf)
        th[live] = x
        return th

    def values(x):
        return _flow_gradient(P, r, gamma, mu, mult, full(x))[1]

    def values_many(X):  # values(X[:, i]) for every column, in one batched evaluation
        th = np.full((X.shape[1],) + shape, -np.inf)
        th[:, live] = X.T
        return _flow_values(P, r, gamma, th)

    buf = np.full(shape, -np.inf)  # the logits of the right-hand side, filled in place (it is not kept)

    def into_buf(x):
        buf[live] = x
        return buf

    if log_time:
        def f(u, x):
            return np.exp(u) * _flow_gradient(P, r, gamma, mu, mult, into_buf(x))[0][live]

        to_t, to_u = np.expm1, np.log1p
    else:
        def f(_, x):
            return _flow_gradient(P, r, gamma, mu, mult, into_buf(x))[0][live]

        to_t = to_u = (lambda z: np.asarray(z, dtype=np.float64))  # noqa: E731

    rec_states = None if record_values is None else np.asarray(record_values, dtype=np.int64)
    if thresholds is not None and (rec_states is None or len(thresholds) != rec_states.size):
        raise ShapeError("thresholds needs record_values of the same length.")
    t_rec = np.unique(np.concatenate([[0.0], np.logspace(0, np.log10(T), int(n_records))]))
    t_rec = t_rec[t_rec <= T]
    x0 = np.asarray(theta0, dtype=np.float64)[live]
    t0 = time.perf_counter()
    u_end = float(to_u(T))
    sol = solve_ivp(f, (0.0, u_end), x0, method=method, dense_output=True, rtol=rtol, atol=atol)
    if sol.status < 0:
        warnings.warn(f"softmax_pg_flow: {method} stopped at flow time {float(to_t(sol.t[-1])):.4g} < T = {T:.4g} "
                      f"({sol.message}); later crossing times are NaN. Fix: use method='LSODA' (it steps through "
                      f"the near-instant policy switches at late crossings, where Radau can stall).", ConvergenceWarning, stacklevel=2)
    u_rec = np.clip(to_u(t_rec), 0.0, sol.t[-1])
    Y = sol.sol(u_rec)
    Vs = values_many(Y)
    sub = ref["J_star"] - Vs @ mu
    metrics = {"suboptimality": sub}
    if rec_states is not None:
        metrics["V_states"] = Vs[:, rec_states]
    cross = np.full(0 if thresholds is None else len(thresholds), np.nan)
    if thresholds is not None:
        cu = _first_crossings(sol.t, sol.y, lambda x: values(x)[rec_states], np.asarray(thresholds, float), sol.sol,
                              values_fn=lambda X: values_many(X)[:, rec_states])
        cross = np.where(np.isfinite(cu), to_t(np.nan_to_num(cu)), np.nan)
    return Trace(iterations=to_t(u_rec), samples=to_t(u_rec), metrics=metrics, algorithm="softmax_pg_flow",
                 params={"T": T, "rtol": rtol, "atol": atol, "gamma": gamma, "log_time": bool(log_time),
                         "method": method, "seconds": time.perf_counter() - t0},
                 sample_unit="flow time (= eta * iterations)",
                 final={"theta": full(sol.y[:, -1]), "crossing_times": cross, "nfev": int(sol.nfev),
                        "n_steps": int(sol.t.size - 1), "status": int(sol.status), "message": str(sol.message)})


softmax_pg_flow.__citation__ = ("li2021.thm3", "mei2020.thm4")
