r"""Backend-independent preparation: validated inputs turned into the flat arrays every backend consumes.

An *environment table* (:class:`EnvTable`) describes how to sample trajectories of a
discounted MDP, a finite-horizon MDP or a contextual bandit with inverse-CDF sampling:

* ``rho_cum[s]`` -- cumulative initial distribution;
* ``p_indptr, p_indices, p_cum`` -- transition rows in CSR form, row ``(h*S + s)*A + a``
  holding the cumulative probabilities of the successors of ``(s, a)`` at stage ``h``
  (sparse MDPs: zero-probability successors dropped). Dense MDPs (``p_dense``) keep all ``S``
  entries per row and no ``p_indices`` (the successor is ``j - p_indptr[row]``). The cumulative
  value of the last positive entry of a row and of every entry after it is set to exactly 1, so
  ``u < 1`` always lands inside the row on an entry of positive probability;
* ``r[h, s, a]`` -- expected rewards (Bernoulli success probabilities for binary bandits);
* ``discount`` (``gamma`` under truncation, 1 otherwise), ``cont_prob`` (``gamma`` under
  geometric termination, 1 otherwise) and ``max_steps`` (the horizon, or -1 for none).

A *policy map* (:class:`PolicyMap`) describes the score :math:`\nabla_\theta\log\pi_\theta(a|s)` as a
function of the pair ``x = s*A + a`` only (true for every tabular parameterisation):
``kind = 0`` is the tabular softmax (score :math:`e_s\otimes(e_a-\pi(\cdot|s))`, never materialised),
``kind = 1`` a dense score table ``table[x, :]`` of shape ``(S*A, d)`` (log-linear, direct and any
other tabular policy class, computed through ``policy.score``).

The sampling rule (shared by all backends, so that they agree exactly on shared uniforms):
index ``j`` of a row with cumulative values ``c`` is the first ``j`` with ``c[j] > u``
(``searchsorted(c, u, side="right")``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections import namedtuple

import numpy as np
import scipy.sparse as sp

from .._validate import as_float_array, check_positive_int
from ..errors import InfeasibleSizeError, ShapeError, ValidationError
from ..mdp import FiniteHorizonMDP, TabularMDP, policy_evaluation
from ..policies import DirectPolicy, LogLinearPolicy, SoftmaxPolicy

__all__: list[str] = []

#: Estimator modes shared by the NumPy reference and the kernels (``est_mode`` / ``Config.estimator``):
#: REINFORCE weights :math:`c_{L-1}(R - b)`, GPOMDP reward-to-go weights, plain score sums (weight 1).
ESTIMATOR_REINFORCE, ESTIMATOR_GPOMDP, ESTIMATOR_SCORE_SUM = 0, 1, 2
#: Score representations (:attr:`PolicyMap.kind`): tabular softmax (never materialised) or a dense
#: score table of shape (S*A, d).
POLICY_SOFTMAX, POLICY_TABLE = 0, 1

# Kernel arguments grouped by role, shared by the Numba kernel (``_numba.pg_kernel``) and the CUDA
# kernel (``_cuda``): both receive the same named tables, so a field means the same thing in both.
#: The sampled model: start-state CDF, CSR transition CDFs (row ``(h*S + s)*A + a``), guide table
#: (``_numba.build_guides``) and rewards ``r[h, s, a]``.
ModelTables = namedtuple("ModelTables", ["rho_cum", "p_indptr", "p_indices", "p_cum", "guide", "r"])
#: The policies: behaviour CDF rows ``pi_cum`` (S, A), target probabilities ``pi`` (S, A), score
#: table ``table`` (S*A, d) for ``policy_kind == POLICY_TABLE``, importance ratios ``ratio`` (S, A).
PolicyTables = namedtuple("PolicyTables", ["pi_cum", "pi", "table", "ratio"])
#: Estimator inputs: baseline table ``b_tab[h, s]`` and, for Hessian-vector products, ``sv``
#: (S*A,) and the score-HVP rows ``hv_soft`` (S, A) / ``hv_tab`` (S*A, d).
EstimatorTables = namedtuple("EstimatorTables", ["b_tab", "sv", "hv_soft", "hv_tab"])
#: Randomness and fixed starts: start states / actions (empty: sampled), per-chunk seeds (Numba's
#: Mersenne Twister; unused by the CUDA kernel, whose key is in its config), and the pre-drawn
#: uniforms ``u0`` (n,), ``U`` (n, T, 4) read when ``use_u``.
Draws = namedtuple("Draws", ["start_s", "start_a", "seeds", "u0", "U"])
#: Outputs: per-chunk (Numba) or per-block (CUDA) sums / sums of squares, one row each,
#: per-trajectory samples (n, d) when ``keep``, returns and lengths (n,), and the work counter (1,)
#: of the Numba chunk scheduler (unused by CUDA).
Outputs = namedtuple("Outputs", ["out_sum", "out_sq", "samples", "returns", "lengths", "counter"])

#: Largest score table (entries) built for a generic (non-softmax) policy.
MAX_TABLE_ENTRIES = 50_000_000

TERMINATIONS = ("geometric", "truncate")


@dataclasses.dataclass(frozen=True)
class EnvTable:
    """Flat sampling tables of a problem (see the module docstring)."""

    S: int
    A: int
    rho_cum: np.ndarray
    p_indptr: np.ndarray
    p_indices: np.ndarray
    p_cum: np.ndarray
    r: np.ndarray
    n_stages: int
    discount: float
    cont_prob: float
    max_steps: int
    bernoulli: bool
    kind: str  # "discounted", "finite_horizon", "bandit"
    gamma: float
    p_dense: bool = False


@dataclasses.dataclass(frozen=True)
class PolicyMap:
    """Score map of a tabular policy at a fixed ``theta`` (see the module docstring)."""

    kind: int
    pi: np.ndarray          # (S, A) target-policy probabilities
    table: np.ndarray       # (S*A, d) score table (kind 1) or (0, 0)
    param_shape: tuple
    d: int


def cumulative_rows(probs: np.ndarray) -> np.ndarray:
    """Row-wise cumulative sums, exactly 1 from the last positive entry of each row on (shape kept)."""
    p = np.asarray(probs, dtype=np.float64)
    c = np.cumsum(p, axis=-1)
    pos = p > 0
    last = p.shape[-1] - 1 - np.argmax(pos[..., ::-1], axis=-1)
    c[np.arange(p.shape[-1]) >= last[..., None]] = 1.0
    return c


def _dense_cum(P2d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows, S = P2d.shape
    return (np.arange(rows + 1, dtype=np.int64) * S, np.zeros(0, dtype=np.int64),
            np.ascontiguousarray(cumulative_rows(P2d)).reshape(-1))


def _csr_cum(P2d) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    M = sp.csr_matrix(P2d, dtype=np.float64, copy=True)
    M.eliminate_zeros()
    M.sort_indices()
    indptr = M.indptr.astype(np.int64)
    indices = M.indices.astype(np.int64)
    data = M.data.astype(np.float64)
    cum = np.empty_like(data)
    for_rows = np.diff(indptr)
    if np.any(for_rows == 0):
        raise ValidationError("a transition row has no successor with positive probability. "
                              "Fix: each P[s, a, :] must be a distribution.")
    # cumulative sums inside each row (vectorised: global cumsum minus the row offset)
    g = np.cumsum(data)
    start = np.repeat(np.concatenate(([0.0], g[indptr[1:-1] - 1])), for_rows)
    cum[:] = g - start
    cum[indptr[1:] - 1] = 1.0
    return indptr, indices, cum


def check_termination(termination: str) -> str:
    """Validate the ``termination`` option."""
    if termination not in TERMINATIONS:
        raise ValidationError(f"termination must be 'geometric' or 'truncate'; got {termination!r}. "
                              f"Fix: 'geometric' (unbiased for the discounted objective) or 'truncate' "
                              f"(with horizon=H; unbiased for the H-step objective).")
    return termination


def env_table(problem, *, termination: str = "geometric", horizon=None) -> EnvTable:
    """Build the :class:`EnvTable` of a TabularMDP, FiniteHorizonMDP or ContextualBandit.

    A TabularMDP's tables are built once per (termination, horizon) and kept on the model: its
    arrays are read-only, so the tables cannot go stale, and an oracle that calls the engine at
    every iteration does not rebuild the cumulative transition table each time (a third of the
    Python time of a one-trajectory GPOMDP call). Nothing writes into an EnvTable's arrays."""
    if isinstance(problem, TabularMDP):
        cache = problem.__dict__.setdefault("_env_tables", {})  # as functools.cached_property stores
        key = (termination, horizon)
        try:
            return cache[key]
        except (KeyError, TypeError):  # not built yet, or an unhashable horizon (validated below)
            table = _tabular_env_table(problem, termination, horizon)
        with contextlib.suppress(TypeError):
            cache[key] = table
        return table
    return _other_env_table(problem, termination, horizon)


def _tabular_env_table(problem, termination, horizon) -> EnvTable:
    termination = check_termination(termination)
    S, A = problem.S, problem.A
    dense = not problem.is_sparse
    indptr, indices, cum = _dense_cum(problem.P_matrix()) if dense else _csr_cum(problem.P_matrix())
    gamma = problem.gamma
    if termination == "truncate":
        if horizon is None:
            raise ValidationError("termination='truncate' needs horizon=H (a positive integer). "
                                  "Fix: pass horizon, e.g. horizon=int(np.ceil(np.log(1e-6)/np.log(gamma))) "
                                  "for a truncation bias below 1e-6 * R_max/(1-gamma), or use "
                                  "termination='geometric' (unbiased).")
        H = check_positive_int(horizon, "horizon")
        return EnvTable(S, A, cumulative_rows(problem.rho), indptr, indices, cum,
                        np.asarray(problem.r, dtype=np.float64)[None].copy(), 1, gamma, 1.0, H, False,
                        "discounted", gamma, dense)
    cap = -1 if horizon is None else check_positive_int(horizon, "horizon")
    return EnvTable(S, A, cumulative_rows(problem.rho), indptr, indices, cum,
                    np.asarray(problem.r, dtype=np.float64)[None].copy(), 1, 1.0, gamma, cap, False,
                    "discounted", gamma, dense)


def _other_env_table(problem, termination, horizon) -> EnvTable:
    if isinstance(problem, FiniteHorizonMDP):
        H = problem.H
        if horizon is not None and check_positive_int(horizon, "horizon") != H:
            raise ValidationError(f"horizon={horizon} differs from the FiniteHorizonMDP's H={H}. "
                                  f"Fix: omit horizon for finite-horizon MDPs.")
        S, A = problem.S, problem.A
        indptr, indices, cum = _dense_cum(np.asarray(problem.P).reshape(H * S * A, S))
        return EnvTable(S, A, cumulative_rows(problem.rho), indptr, indices, cum,
                        np.ascontiguousarray(problem.r, dtype=np.float64), H, 1.0, 1.0, H, False,
                        "finite_horizon", 1.0, True)
    if _is_bandit(problem):
        if horizon not in (None, 1):
            raise ValidationError(f"a contextual bandit has horizon 1; got horizon={horizon}. Fix: omit horizon.")
        M, K = problem.rewards.shape
        indptr = np.arange(M * K + 1, dtype=np.int64)
        indices = np.zeros(M * K, dtype=np.int64)
        cum = np.ones(M * K)
        return EnvTable(M, K, cumulative_rows(problem.rho), indptr, indices, cum,
                        np.asarray(problem.rewards, dtype=np.float64)[None].copy(), 1, 1.0, 1.0, 1,
                        bool(problem.binary), "bandit", 0.0)
    raise ValidationError(f"problem must be a TabularMDP, FiniteHorizonMDP or ContextualBandit; got "
                          f"{type(problem).__name__}.")


def _is_bandit(problem) -> bool:
    return all(hasattr(problem, k) for k in ("rewards", "rho", "binary")) and not hasattr(problem, "P")


def problem_shape(problem) -> tuple[int, int]:
    """``(S, A)`` of a problem (``(M, K)`` for bandits)."""
    if _is_bandit(problem):
        return tuple(problem.rewards.shape)
    return problem.S, problem.A


def resolve_policy(policy, problem):
    """Return the policy object for ``problem`` (``"softmax"`` / ``"direct"`` strings allowed)."""
    S, A = problem_shape(problem)
    if isinstance(policy, str):
        if policy == "softmax":
            return SoftmaxPolicy(S, A)
        if policy == "direct":
            return DirectPolicy(S, A)
        raise ValidationError(f"policy string must be 'softmax' or 'direct'; got {policy!r}. "
                              f"Fix: pass a policy object from pgtheory.policies.")
    for attr in ("probs", "score", "param_shape", "check_theta"):
        if not hasattr(policy, attr):
            raise ValidationError(f"policy must be a pgtheory.policies parameterisation (with probs, score, "
                                  f"param_shape, check_theta); got {type(policy).__name__} without {attr!r}.")
    pS, pA = getattr(policy, "S", None), getattr(policy, "A", None)
    if pS is None or pA is None:
        raise ValidationError(f"{type(policy).__name__} is not a tabular policy (no S, A). Fix: for continuous-"
                              f"action policies use pgtheory.estimators.cauchy_bandit_gradient / lqr_gradient.")
    if (pS, pA) != (S, A):
        raise ShapeError(f"policy is for S={pS}, A={pA} but the problem has S={S}, A={A}. "
                         f"Fix: build the policy for this problem's state and action counts.")
    return policy


def policy_map(policy, theta: np.ndarray) -> PolicyMap:
    """Build the :class:`PolicyMap` of ``policy`` at a validated ``theta``."""
    pi = np.ascontiguousarray(policy.probs(theta), dtype=np.float64)
    S, A = pi.shape
    pshape = tuple(policy.param_shape)
    d = int(np.prod(pshape))
    if type(policy) is SoftmaxPolicy:
        return PolicyMap(0, pi, np.zeros((0, 0)), pshape, d)
    if S * A * d > MAX_TABLE_ENTRIES:
        raise InfeasibleSizeError(f"the score table of {type(policy).__name__} would have S*A*d = {S * A * d} "
                                  f"entries (> {MAX_TABLE_ENTRIES}). Fix: use SoftmaxPolicy (never "
                                  f"materialised) or fewer features.")
    if type(policy) is DirectPolicy:
        # score e_{sa} / theta_sa; pairs with theta_sa = 0 are never sampled (their row is unused)
        flat = np.asarray(theta, dtype=np.float64).reshape(-1)
        table = np.zeros((S * A, d))
        pos = flat > 0
        table[np.flatnonzero(pos), np.flatnonzero(pos)] = 1.0 / flat[pos]
        return PolicyMap(1, pi, table, pshape, d)
    s = np.repeat(np.arange(S), A)
    a = np.tile(np.arange(A), S)
    table = np.ascontiguousarray(np.asarray(policy.score(theta, s, a), dtype=np.float64).reshape(S * A, d))
    return PolicyMap(1, pi, table, pshape, d)


def hvp_tables(policy, theta: np.ndarray, pmap: PolicyMap, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Tables for the Hessian-vector product: ``sv[x] = score(x) . v`` and ``H v`` per pair.

    Returns ``(sv, hv)`` with ``sv`` of shape ``(S*A,)`` and ``hv`` of shape ``(S, A)`` for the
    softmax (row ``s`` of :math:`\nabla^2_\theta\log\pi(a|s)\,v`, which does not depend on ``a``) or
    ``(S*A, d)`` for a table policy: :math:`\nabla^2_\theta\log\pi_\theta(a|s)\,v` per pair ``x``.

    Exact for SoftmaxPolicy, LogLinearPolicy and DirectPolicy; other policy classes must provide
    ``score_hvp(theta, states, actions, v)`` or fall back on a central difference of ``score``
    along ``v`` (relative error :math:`O(\epsilon^2)`, :math:`\epsilon = 10^{-5}/\|v\|`).
    """
    pi = pmap.pi
    S, A = pi.shape
    vflat = v.reshape(-1)
    if pmap.kind == 0:
        V = v.reshape(S, A)
        pv = np.einsum("sa,sa->s", pi, V)
        sv = (V - pv[:, None]).reshape(-1)
        hv = -(pi * V - pi * pv[:, None])
        return np.ascontiguousarray(sv), np.ascontiguousarray(hv)
    sv = pmap.table @ vflat
    s = np.repeat(np.arange(S), A)
    a = np.tile(np.arange(A), S)
    if type(policy) is LogLinearPolicy:
        phi = policy.phi
        fv = phi @ vflat                                   # (S, A)
        mean_phi = np.einsum("sa,sad->sd", pi, phi)        # (S, d)
        e_phi_fv = np.einsum("sa,sad,sa->sd", pi, phi, fv)  # E[phi (phi.v)]
        row = -(e_phi_fv - mean_phi * (mean_phi @ vflat)[:, None])
        hv = np.repeat(row, A, axis=0)
    elif type(policy) is DirectPolicy:
        th = np.asarray(theta, dtype=np.float64).reshape(-1)
        hv = np.zeros((S * A, S * A))
        idx = np.arange(S * A)
        with np.errstate(divide="ignore", invalid="ignore"):
            hv[idx, idx] = np.where(th > 0, -vflat / np.where(th > 0, th, 1.0) ** 2, 0.0)
    elif type(policy) is SoftmaxPolicy:  # pragma: no cover - handled by kind 0
        raise AssertionError
    elif hasattr(policy, "score_hvp"):
        hv = np.asarray(policy.score_hvp(theta, s, a, v), dtype=np.float64).reshape(S * A, -1)
    else:
        nv = float(np.linalg.norm(vflat))
        if nv == 0.0:
            hv = np.zeros_like(pmap.table)
        else:
            eps = 1e-5 / nv
            plus = np.asarray(policy.score(theta + eps * v, s, a), dtype=np.float64).reshape(S * A, -1)
            minus = np.asarray(policy.score(theta - eps * v, s, a), dtype=np.float64).reshape(S * A, -1)
            hv = (plus - minus) / (2 * eps)
    return np.ascontiguousarray(sv), np.ascontiguousarray(hv)


def baseline_table(baseline, env: EnvTable, problem, pi: np.ndarray) -> tuple[np.ndarray, float]:
    """Turn a ``baseline`` option into ``(b[h, s], b_const)`` (see the estimators' docstrings)."""
    n_st, S = env.n_stages, env.S
    zeros = np.zeros((n_st, S))
    if baseline is None:
        return zeros, 0.0
    if isinstance(baseline, str):
        if baseline == "value":
            return value_baseline(env, problem, pi), 0.0
        raise ValidationError(f"unknown baseline {baseline!r}. Fix: None, a float, an array of shape (S,) "
                              f"or (H, S), 'value' or 'optimal' (REINFORCE only).")
    b = as_float_array(baseline, "baseline")
    if b.ndim == 0:
        return np.full((n_st, S), float(b)), float(b)
    if b.shape == (S,):
        return np.broadcast_to(b, (n_st, S)).copy(), math.nan
    if b.shape == (n_st, S):
        return np.ascontiguousarray(b), math.nan
    raise ShapeError(f"baseline must be a scalar, shape ({S},) or ({n_st}, {S}); got {b.shape}.")


def value_baseline(env: EnvTable, problem, pi: np.ndarray) -> np.ndarray:
    """Exact state values as a baseline, shape ``(n_stages, S)`` (stage-wise for finite horizons)."""
    if env.kind == "discounted":
        return policy_evaluation(problem, pi, validate=False).V[None].copy()
    if env.kind == "bandit":
        return np.einsum("sa,sa->s", pi, env.r[0])[None].copy()
    H, S, A = env.r.shape
    P = np.asarray(problem.P)
    V = np.zeros((H + 1, S))
    for h in range(H - 1, -1, -1):
        Q = env.r[h] + P[h] @ V[h + 1]
        V[h] = np.einsum("sa,sa->s", pi, Q)
    return V[:H].copy()


def n_chunks_for(n: int, d: int = 1) -> int:
    """Number of independent RNG streams (chunks) for ``n`` trajectories and ``d`` parameters.

    At most 64, and at most ``2.5e7 / d`` so that the per-chunk accumulators (two ``(chunks, d)``
    float64 arrays) stay below 400 MB. Depends on ``n`` and ``d`` only, never on the thread count.
    """
    return int(max(1, min(n, 64, 25_000_000 // max(d, 1))))
