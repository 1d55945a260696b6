"""Certificates of the discounted solvers are sound in floating point (issue 11, item 1).

Reference: for every MDP the optimal values :math:`V^*` (and the value :math:`V^\\pi` of any
policy a solver returns) are computed **exactly** in rational arithmetic (:class:`fractions.Fraction`
on the float64 entries of ``P``, ``r`` and ``gamma``, which are exact dyadic rationals): policy
iteration started from the float optimum, each evaluation an exact Gaussian elimination, stopped
when no action improves in exact arithmetic -- so the reference is the optimum of the very MDP
the float solvers see. A certificate is *false* when the exact error exceeds the claimed bound by
more than one ulp (``err > nextafter(bound, inf)``), for the value error and for the policy loss;
a convergence claim is *false* when ``converged`` is True but the exact error exceeds ``tol``.

The sweep (:func:`run_sweep`) draws seeded random MDPs with ``S, A`` in 2..4, reward scales
``1e-6 .. 1e9`` (half of them with one ``-1e9`` entry, the usual encoding of an infeasible action),
``gamma`` in {0.9, 0.99, 0.999}, and runs every solver on each. ``python -m tests.mdp.test_certificates
[n_mdps]`` prints the counts per solver.
"""

from __future__ import annotations

import sys
import time
import warnings
from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sp

from pgtheory.errors import PrecisionWarning, SolverError
from pgtheory.mdp import (
    TabularMDP,
    iterative_policy_evaluation,
    lp_dual,
    lp_primal,
    modified_policy_iteration,
    policy_iteration,
    value_iteration,
)

#: MDPs in the test sweep; each runs the 9 solvers below, so 3,150 certificate checks.
N_MDPS = 350
SEED = 20240611


# ----------------------------------------------------------------------------- exact reference
def _exact_solve(M, b):
    """Gaussian elimination in rationals: ``M x = b`` (``M`` a list of lists of Fractions)."""
    n = len(b)
    A = [row[:] + [bi] for row, bi in zip(M, b)]
    for k in range(n):
        p = next(i for i in range(k, n) if A[i][k] != 0)
        A[k], A[p] = A[p], A[k]
        inv = 1 / A[k][k]
        for i in range(k + 1, n):
            f = A[i][k] * inv
            if f:
                Ai, Ak = A[i], A[k]
                for j in range(k, n + 1):
                    Ai[j] -= f * Ak[j]
    x = [Fraction(0)] * n
    for i in range(n - 1, -1, -1):
        x[i] = (A[i][n] - sum(A[i][j] * x[j] for j in range(i + 1, n))) / A[i][i]
    return x


class ExactMDP:
    """The float64 MDP ``(P, r, gamma)`` read as exact rationals; caches policy values."""

    def __init__(self, P, r, gamma):
        P = np.asarray(P.toarray() if sp.issparse(P) else P, dtype=np.float64)
        self.S, self.A = r.shape
        self.P = [[[Fraction(float(x)) for x in P[s, a]] for a in range(self.A)] for s in range(self.S)]
        self.r = [[Fraction(float(x)) for x in r[s]] for s in range(self.S)]
        self.g = Fraction(float(gamma))
        self._cache = {}

    def q(self, V):
        return [[self.r[s][a] + self.g * sum(p * v for p, v in zip(self.P[s][a], V)) for a in range(self.A)]
                for s in range(self.S)]

    def value(self, pi):
        """Exact :math:`V^\\pi` of a policy given as an ``(S, A)`` float array (exact entries)."""
        key = np.asarray(pi, dtype=np.float64).tobytes()
        if key not in self._cache:
            w = [[Fraction(float(x)) for x in row] for row in np.asarray(pi, dtype=np.float64)]
            S, A = self.S, self.A
            M = [[(1 if s == t else 0) - self.g * sum(w[s][a] * self.P[s][a][t] for a in range(A) if w[s][a])
                  for t in range(S)] for s in range(S)]
            b = [sum(w[s][a] * self.r[s][a] for a in range(A) if w[s][a]) for s in range(S)]
            self._cache[key] = _exact_solve(M, b)
        return self._cache[key]

    def optimum(self, start_actions):
        """Exact :math:`V^*` by policy iteration from ``start_actions`` (verified: no improving action)."""
        if not hasattr(self, "_vstar"):
            act = list(int(a) for a in start_actions)
            while True:
                V = self.value(np.eye(self.A)[act])
                Q = self.q(V)
                new = [max(range(self.A), key=lambda a, s=s: (Q[s][a], a == act[s])) for s in range(self.S)]
                if all(Q[s][new[s]] <= V[s] for s in range(self.S)):
                    break
                act = [new[s] if Q[s][new[s]] > V[s] else act[s] for s in range(self.S)]
            self._vstar = V
        return self._vstar


def exact_error(x, V):
    """``max_s |x(s) - V(s)|`` exactly (``x`` float array, ``V`` list of Fractions)."""
    return max(abs(Fraction(float(a)) - b) for a, b in zip(x, V))


def exceeds(err: Fraction, bound: float) -> bool:
    """True when ``err`` exceeds ``bound`` by more than one ulp (a false certificate)."""
    if not np.isfinite(bound):
        return bound != np.inf
    return err > Fraction(float(np.nextafter(bound, np.inf)))


# ----------------------------------------------------------------------------- the sweep
SOLVERS = {
    "value_iteration": lambda mdp, tol: value_iteration(mdp, tol=tol),
    "policy_iteration": lambda mdp, tol: policy_iteration(mdp),
    "mpi_m1": lambda mdp, tol: modified_policy_iteration(mdp, m=1, tol=tol),
    "mpi_m5": lambda mdp, tol: modified_policy_iteration(mdp, m=5, tol=tol),
    "lp_primal": lambda mdp, tol: lp_primal(mdp),
    "lp_dual": lambda mdp, tol: lp_dual(mdp),
}
EVALUATORS = {
    "ipe_direct": lambda mdp, pi: iterative_policy_evaluation(mdp, pi, method="direct"),
    "ipe_sparse_iterative": lambda mdp, pi: iterative_policy_evaluation(
        TabularMDP(sp.csr_matrix(mdp.P.reshape(mdp.S * mdp.A, mdp.S)), mdp.r, mdp.gamma), pi, method="iterative"),
    "ipe_sparse_direct": lambda mdp, pi: iterative_policy_evaluation(
        TabularMDP(sp.csr_matrix(mdp.P.reshape(mdp.S * mdp.A, mdp.S)), mdp.r, mdp.gamma), pi, method="direct"),
}


def random_mdp(rng):
    """One draw: ``(mdp, tol)``."""
    S, A = int(rng.integers(2, 5)), int(rng.integers(2, 5))
    gamma = float(rng.choice([0.9, 0.99, 0.999]))
    P = rng.dirichlet(np.full(S, float(rng.choice([0.3, 1.0]))), size=(S, A))
    if rng.random() < 0.3:  # some deterministic transitions
        P[rng.random((S, A)) < 0.5] = np.eye(S)[rng.integers(0, S)]
    P /= P.sum(axis=-1, keepdims=True)
    scale = 10.0 ** float(rng.choice([-6, -3, 0, 3, 6, 9]))
    r = scale * rng.uniform(-1.0, 1.0, size=(S, A))
    if rng.random() < 0.5:  # an "infeasible" action, never the only one in its state
        r[rng.integers(0, S), rng.integers(0, A)] = -1e9
    tol = 1e-8 if rng.random() < 0.5 else float(10.0 ** rng.uniform(-10, -4)) * max(1.0, np.abs(r).max()) / (1 - gamma)
    return TabularMDP(P, r, gamma), tol


def check_solution(ex: ExactMDP, sol, tol, vstar, counts: dict, name: str) -> None:
    """Tally one run: value-error and policy-loss certificates, and the convergence claim."""
    c = counts.setdefault(name, {"runs": 0, "false_value": 0, "false_loss": 0, "false_converged": 0,
                                 "zero_bound": 0})
    c["runs"] += 1
    err = exact_error(sol.V, vstar)
    bound = float(sol.certificate["value_error_bound"])
    c["false_value"] += exceeds(err, bound)
    c["zero_bound"] += bound == 0.0 and err != 0
    if "policy_loss_bound" in sol.certificate:
        vpi = ex.value(sol.policy)
        loss = max(max(a - b for a, b in zip(vstar, vpi)), Fraction(0))
        c["false_loss"] += exceeds(loss, float(sol.certificate["policy_loss_bound"]))
    if tol is not None and sol.converged:
        c["false_converged"] += err > Fraction(tol)


def run_sweep(n_mdps: int = N_MDPS, seed: int = SEED) -> dict:
    """Counts per solver: runs, false value/loss certificates, false convergence claims, errors."""
    rng = np.random.default_rng(seed)
    counts: dict = {}
    for _ in range(n_mdps):
        mdp, tol = random_mdp(rng)
        ex = ExactMDP(mdp.P, mdp.r, mdp.gamma)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sols = {}
            for name, solve in SOLVERS.items():
                try:
                    sols[name] = solve(mdp, tol)
                except SolverError:  # a typed, explained refusal is not a false certificate
                    counts.setdefault(name + " (typed refusal)", {"runs": 0})["runs"] += 1
                except RuntimeError as exc:
                    counts.setdefault(name + " (untyped error)", {"runs": 0, "msg": str(exc)[:60]})["runs"] += 1
            vstar = ex.optimum(np.argmax(sols["policy_iteration"].Q, axis=1))
            for name, sol in sols.items():
                check_solution(ex, sol, tol if name not in ("policy_iteration", "lp_primal", "lp_dual") else None,
                               vstar, counts, name)
            pi = rng.dirichlet(np.ones(mdp.A), size=mdp.S)
            vpi = ex.value(pi)
            for name, ev in EVALUATORS.items():
                sol = ev(mdp, pi)
                c = counts.setdefault(name, {"runs": 0, "false_value": 0, "false_loss": 0, "false_converged": 0,
                                             "zero_bound": 0})
                c["runs"] += 1
                err = exact_error(sol.V, vpi)
                c["false_value"] += exceeds(err, float(sol.certificate["value_error_bound"]))
                c["zero_bound"] += float(sol.certificate["value_error_bound"]) == 0.0 and err != 0
    return counts


def total_false(counts: dict) -> int:
    return sum(c.get("false_value", 0) + c.get("false_loss", 0) + c.get("false_converged", 0)
               for c in counts.values())


def test_certificate_sweep_has_no_false_certificates():
    """Seeded sweep of ``N_MDPS = 350`` MDPs x 9 solvers = 3,150 runs against exact rationals."""
    counts = run_sweep()
    assert sum(c["runs"] for c in counts.values()) >= 3000
    bad = {k: v for k, v in counts.items() if "untyped" in k or any(v.get(f, 0) for f in (
        "false_value", "false_loss", "false_converged", "zero_bound"))}
    assert not bad, bad


if __name__ == "__main__":  # pragma: no cover - measurement script
    n = int(sys.argv[1]) if len(sys.argv) > 1 else N_MDPS
    t0 = time.perf_counter()
    res = run_sweep(n)
    for k, v in res.items():
        print(f"{k:28s} {v}")
    print(f"total runs {sum(v['runs'] for v in res.values())}, false certificates/claims {total_false(res)}, "
          f"{time.perf_counter() - t0:.1f} s")


# ----------------------------------------------------------------------------- named regressions
def _mdp(P, r, gamma):
    return TabularMDP(np.array(P, dtype=float), np.array(r, dtype=float), gamma)


def _check_sound(mdp, sol, tol=None):
    """Bound >= exact error (value and policy loss); a convergence claim only when certified."""
    ex = ExactMDP(mdp.P, mdp.r, mdp.gamma)
    vstar = ex.optimum(np.argmax(policy_iteration(mdp).Q, axis=1))
    err = exact_error(sol.V, vstar)
    bound = sol.certificate["value_error_bound"]
    assert not exceeds(err, bound), (float(err), bound)
    assert bound > 0.0
    loss = max(max(a - b for a, b in zip(vstar, ex.value(sol.policy))), Fraction(0))
    assert not exceeds(loss, sol.certificate["policy_loss_bound"])
    if tol is not None:
        assert sol.converged == (bound <= tol)
        if sol.converged:
            assert err <= Fraction(tol)
    return float(err), bound


# P indexed P[s, a, s']; the four minimal cases of issue 11 (tol 1e-8)
CASE_MPI_BIG_START = ([[[1, 0], [.5, .5]], [[0, 1], [.5, .5]]], [[-1e9, 1], [0, .5]], 0.99)
CASE_MPI_POLICY_LOSS = ([[[.25, .75], [.75, .25]], [[1, 0], [0, 1]]], [[-1e9, 0], [.01, .002]], 0.999)
CASE_VI_UNRESOLVABLE = ([[[.3, .7], [.5, .5]], [[.5, .5], [.7, .3]]], [[1e6, 3e5], [2e5, 7e5]], 0.999)
CASE_EXACT_SOLVERS = ([[[.1, .9], [.5, .5]], [[.5, .5], [.9, .1]]], [[1e6, 0], [0, 5e5]], 0.999)


@pytest.mark.parametrize("m", [1, 5])
def test_mpi_with_infeasible_reward_is_sound(m):
    """Was: converged with bound 0.0, true error 7.3e-4 (start point ~ -1e9/(1-gamma))."""
    mdp = _mdp(*CASE_MPI_BIG_START)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # certifiable: no warning at all
        sol = modified_policy_iteration(mdp, m=m, tol=1e-8)
    _check_sound(mdp, sol, 1e-8)
    assert sol.converged  # the start min_s max_a r keeps -1e9 out of the arithmetic


def test_mpi_policy_loss_bound_is_sound():
    """Was: value bound 0.0 (true 0.094) and policy-loss bound 0.0 (the returned policy lost 0.0064)."""
    mdp = _mdp(*CASE_MPI_POLICY_LOSS)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        sol = modified_policy_iteration(mdp, m=1, tol=1e-8)
    _check_sound(mdp, sol, 1e-8)
    if not sol.converged:
        assert any(issubclass(w.category, PrecisionWarning) for w in rec)


def test_value_iteration_uncertifiable_tol_warns_and_states_attainable_tol():
    """Was: converged with bound 0.0, true error 4.5e-5; |V| ~ 1e9 so float64 cannot certify 1e-8."""
    mdp = _mdp(*CASE_VI_UNRESOLVABLE)
    with pytest.warns(PrecisionWarning, match=r"attainable tol is about ([0-9.e+-]+)") as rec:
        sol = value_iteration(mdp, tol=1e-8)
    assert not sol.converged and "not certifiable" in sol.message
    err, bound = _check_sound(mdp, sol, 1e-8)
    attainable = float(__import__("re").search(r"attainable tol is about ([0-9.e+-]+)", str(rec[0].message)).group(1))
    assert attainable > 1e-8 and attainable >= 0.99 * sol.certificate["rounding_floor"]
    # it stopped at the floor rather than spinning to the (~46,000-sweep) cap
    assert sol.iterations < 1000
    # the stated tolerance is then certifiable
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ok = value_iteration(mdp, tol=2 * attainable)
    assert ok.converged
    _check_sound(mdp, ok, 2 * attainable)


@pytest.mark.parametrize("solver", [policy_iteration, lp_primal, lp_dual])
def test_exact_solvers_bound_is_never_zero(solver):
    """Was: bound 0.0 with true error 2.9e-6 (values ~ 1e9)."""
    mdp = _mdp(*CASE_EXACT_SOLVERS)
    sol = solver(mdp)
    _check_sound(mdp, sol)


def test_lp_dual_on_rewards_near_1e9_solves_soundly_or_raises_typed_error():
    """HiGHS used to answer 'Status 0: Not Set' on such problems; now the rewards are rescaled."""
    rng = np.random.default_rng(11)
    solved = 0
    for _ in range(30):
        S, A = int(rng.integers(2, 5)), int(rng.integers(2, 5))
        P = rng.dirichlet(np.ones(S), size=(S, A))
        r = 1e9 * rng.uniform(0.5, 1.0, size=(S, A))
        mdp = TabularMDP(P, r, float(rng.choice([0.9, 0.99, 0.999])))
        try:
            sol = lp_dual(mdp)
        except SolverError as exc:
            assert "status" in str(exc) and "Fix" in str(exc)
            continue
        solved += 1
        assert sol.certificate["reward_scale"] == 2.0**30
        _check_sound(mdp, sol)
        assert sol.certificate["duality_gap"] > 0.0
    assert solved > 0


def test_iterative_policy_evaluation_uncertifiable_tol_warns():
    mdp = _mdp(*CASE_VI_UNRESOLVABLE)
    pi = np.full((2, 2), 0.5)
    with pytest.warns(PrecisionWarning, match="attainable"):
        sol = iterative_policy_evaluation(mdp, pi, tol=1e-16)
    assert not sol.converged
    vpi = ExactMDP(mdp.P, mdp.r, mdp.gamma).value(pi)
    assert not exceeds(exact_error(sol.V, vpi), sol.certificate["value_error_bound"])


def test_soft_value_iteration_bound_is_sound():
    """The soft optimum is checked against a long float iteration's certified neighbourhood: the two
    certified balls must intersect (both contain the exact soft optimum)."""
    from pgtheory.mdp import soft_value_iteration

    for case in (CASE_MPI_BIG_START, CASE_VI_UNRESOLVABLE, CASE_EXACT_SOLVERS):
        mdp = _mdp(*case)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = soft_value_iteration(mdp, tau=0.1, tol=1e-8)
            b = soft_value_iteration(mdp, tau=0.1, tol=1e-8, V0=a.V + 1.0)
        gap = np.max(np.abs(a.V - b.V))
        assert gap <= a.certificate["value_error_bound"] + b.certificate["value_error_bound"]
        assert a.certificate["value_error_bound"] > 0.0
