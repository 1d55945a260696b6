"""The shortcuts that make the sound certificates cheap give the very floats of the plain computation.

:mod:`pgtheory.mdp._rounding` saves work in five places (issue 13, bench_mdp): ``up``/``down`` step
large arrays through their bit patterns instead of ``np.nextafter``; row maxima of short rows are
gathered at the ``argmax``; :math:`P|V|` is not formed again when ``V`` has one sign; a greedy or
given deterministic policy is read by gathering instead of three ``einsum``; the row sums of ``P``
are cached on the model. Each is checked here against the plain computation, bit for bit (``tobytes``,
so a zero's sign counts), on inputs chosen to hit the edge cases (zeros of both signs, subnormals,
infinities, NaN, rewards of both signs and a ``-1e9`` entry).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from pgtheory.mdp import TabularMDP, modified_policy_iteration, policy_iteration, value_iteration
from pgtheory.mdp import _rounding as rd
from pgtheory.mdp.instances import garnet


def _same(a, b) -> bool:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and a.tobytes() == b.tobytes()


SPECIALS = np.array([0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, -2.2250738585072014e-308,
                     np.finfo(np.float64).max, -np.finfo(np.float64).max, np.inf, -np.inf, 1.0, -1.0, 0.5, 3.0])


def _random_floats(n: int, seed: int) -> np.ndarray:
    """Floats from random bit patterns (every exponent, subnormals, both signs; NaN patterns removed)."""
    x = np.random.default_rng(seed).integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, size=n,
                                             dtype=np.int64, endpoint=True).view(np.float64)
    return x[~np.isnan(x)]


@pytest.mark.parametrize("fn, direction", [(rd.up, np.inf), (rd.down, -np.inf)])
@pytest.mark.filterwarnings("ignore:overflow encountered in nextafter:RuntimeWarning")
def test_bit_step_equals_nextafter_on_all_kinds_of_floats(fn, direction):
    """(``np.nextafter`` warns when it steps from the largest float to inf; the bit step does not.)"""
    x = _random_floats(20_000, 1)
    assert x.size >= rd.BITSTEP_MIN_SIZE
    assert _same(fn(x), np.nextafter(x, direction))
    # arrays holding each special value (the fast path must step aside for the ones it cannot do)
    for v in list(SPECIALS) + [np.nan]:
        y = x.copy()
        y[::7] = v
        assert _same(fn(y), np.nextafter(y, direction)), v
    # all-special arrays, and the small-array path
    z = np.resize(SPECIALS, 4 * rd.BITSTEP_MIN_SIZE)
    assert _same(fn(z), np.nextafter(z, direction))
    assert _same(fn(SPECIALS), np.nextafter(SPECIALS, direction))


def test_bit_step_path_is_taken_on_large_finite_arrays():
    """The fast path is really used (a test of the shortcut, not only of the fallback)."""
    x = _random_floats(4096, 2)
    x = x[np.isfinite(x)]
    assert rd._bitstep(x, 1) is not None and rd._bitstep(x, -1) is not None
    y = x.copy()
    y[0] = -0.0  # up(-0) is not a bit step of -0: must decline
    assert rd._bitstep(y, 1) is None


@pytest.mark.parametrize("A", [1, 2, 8, 31, 33])
def test_row_max_equals_max_including_signed_zero_ties(A):
    rng = np.random.default_rng(A)
    X = rng.standard_normal((500, A))
    assert _same(rd._row_max(X), X.max(axis=1))
    assert _same(rd._row_max(X, np.argmax(X, axis=1)), X.max(axis=1))
    Z = np.where(rng.random((500, A)) < 0.5, 0.0, -0.0)  # all-zero rows with both signs
    assert _same(rd._row_max(Z), Z.max(axis=1))
    assert _same(rd._row_max(Z, np.argmax(Z, axis=1)), Z.max(axis=1))
    W = X.copy()
    W[rng.random(W.shape) < 0.05] = np.nan
    W[::3, 0] = np.inf
    assert np.array_equal(rd._row_max(W), W.max(axis=1), equal_nan=True)


def test_row_sum_max_equals_scipy_and_numpy_sums():
    rng = np.random.default_rng(3)
    P = rng.dirichlet(np.full(40, 0.2), size=(40, 3))
    P[P < 0.01] = 0.0
    P2 = P.reshape(120, 40)
    assert rd.row_sum_max(P2) == float(np.max(P2.sum(axis=1)))
    C = sp.csr_matrix(P2)
    assert rd.row_sum_max(C) == float(np.max(np.asarray(C.sum(axis=1))))
    C_empty_row = sp.csr_matrix(np.vstack([P2, np.zeros(40)]))
    assert rd.row_sum_max(C_empty_row) == float(np.max(np.asarray(C_empty_row.sum(axis=1))))


def _mdps():
    rng = np.random.default_rng(11)
    out = []
    for sign in (1.0, -1.0, 0.0):  # nonnegative, nonpositive and mixed rewards
        S, A = 30, 4
        P = rng.dirichlet(np.full(S, 0.3), size=(S, A))
        r = rng.uniform(0.0, 1.0, (S, A)) * sign if sign else rng.uniform(-1.0, 1.0, (S, A))
        out.append(TabularMDP(P, r, 0.95))
    r = rng.uniform(-1.0, 1.0, (30, 4))
    r[3, 1] = -1e9  # the usual encoding of an infeasible action
    out.append(TabularMDP(out[0].P, r, 0.99))
    out.append(garnet(200, 8, 10, 0.99, seed=0, sparse=True))
    out.append(garnet(200, 8, 10, 0.9, seed=1, sparse=False))
    return out


def _plain_lookahead(P2, r, gamma, V):
    """Item 1 of the module docstring written out, with P|V| always formed (the reference)."""
    S, A = r.shape
    n = rd.row_terms(P2)
    Q = r + gamma * (P2 @ V).reshape(S, A)
    M = np.abs(r) + gamma * (P2 @ np.abs(V)).reshape(S, A)
    gn = rd.gamma_n(n + 2)
    g = float(np.nextafter(gn / np.nextafter(1.0 - gn, -np.inf), np.inf))
    E = np.nextafter(np.nextafter(g * M, np.inf) + (n + 3) * rd.ETA, np.inf)
    return Q, E


@pytest.mark.parametrize("k", range(6))
def test_lookahead_and_certificates_equal_the_plain_computation(k):
    mdp = _mdps()[k]
    P2, r, gamma = mdp.P_matrix(), mdp.r, mdp.gamma
    V = value_iteration(mdp, tol=1e-6).V
    for W in (V, -V, V - np.median(V), np.zeros_like(V)):
        Q, E = rd.lookahead(P2, r, gamma, W)
        Q0, E0 = _plain_lookahead(P2, r, gamma, W)
        assert _same(Q, Q0) and _same(E, E0)
        # greedy, given actions and given one-hot pi (the einsum path) certify with the same numbers
        greedy = rd.certify_optimal(P2, r, gamma, W)
        act = np.argmax(Q, axis=1)
        pi = np.zeros_like(Q)
        pi[np.arange(mdp.S), act] = 1.0
        via_pi = rd.certify_optimal(P2, r, gamma, W, pi)
        via_act = rd.certify_optimal(P2, r, gamma, W, None, rd.contraction(P2, gamma), actions=act, la=(Q, E))
        for c in (greedy, via_act):
            assert c.keys() == via_pi.keys()
            for key in c:
                assert _same(c[key], via_pi[key]), key
        # the evaluation certificate, with shared look-ahead and contraction, and without
        a = rd.certify_policy(P2, r, gamma, W, pi)
        b = rd.certify_policy(P2, r, gamma, W, pi, la=(Q, E), gbar=rd.contraction(P2, gamma))
        assert all(_same(a[key], b[key]) for key in a)


def test_model_caches_the_row_sum_the_certificate_would_compute():
    for mdp in _mdps():
        assert mdp._row_sum_max == rd.row_sum_max(mdp.P_matrix())
        assert rd.contraction(mdp.P_matrix(), mdp.gamma, row_sum=mdp._row_sum_max) == \
            rd.contraction(mdp.P_matrix(), mdp.gamma)


@pytest.mark.parametrize("solve", [lambda m: value_iteration(m, tol=1e-9), lambda m: policy_iteration(m),
                                   lambda m: modified_policy_iteration(m, m=3, tol=1e-9)])
def test_solver_certificates_equal_a_fresh_plain_certificate(solve):
    """The solvers' certificates (reused look-ahead, cached row sums, fast paths) are the numbers the
    plain one-shot certificate of the returned V and policy gives."""
    for mdp in _mdps():
        sol = solve(mdp)
        ref = rd.certify_optimal(mdp.P_matrix(), mdp.r, mdp.gamma, sol.V, sol.policy)
        assert _same(sol.Q, ref["Q"])
        for key in ("bellman_residual", "value_error_bound", "rounding_floor", "greedy_gap", "greedy_gap_bound",
                    "policy_loss_bound"):
            assert _same(sol.certificate[key], ref[key]), key


def test_iterative_evaluation_aims_at_the_whole_residual_budget_first(monkeypatch):
    """GMRES first gets the whole residual budget and a second, half-budget solve runs only when the
    sound certificate misses tol (aiming at half from the start cost a full restart cycle: GMRES's
    2-norm residual levels off above half the budget on large systems; bench_mdp, issue 13)."""
    import warnings

    import pgtheory.mdp._solvers as solvers
    from pgtheory.mdp import iterative_policy_evaluation

    mdp = garnet(500, 4, 5, 0.99, seed=3, sparse=True)  # rewards in [0, 1]: scale = 1
    pi = np.full((500, 4), 0.25)
    floor = iterative_policy_evaluation(mdp, pi).certificate["rounding_floor"]
    targets = []
    solve = solvers._solve_policy_system

    def spy(Ppi, r_pi, gamma, method, V0, tol, scale):
        targets.append(tol)
        return solve(Ppi, r_pi, gamma, method, V0, tol, scale)

    monkeypatch.setattr(solvers, "_solve_policy_system", spy)
    ev = iterative_policy_evaluation(mdp, pi, tol=10 * floor)  # the whole budget is enough
    assert targets == [10 * floor] and ev.converged
    targets.clear()
    ev = iterative_policy_evaluation(mdp, pi, tol=1.5 * floor)  # rounding eats half: a second solve
    assert targets == [1.5 * floor, 0.75 * floor]
    assert ev.converged and ev.certificate["value_error_bound"] <= 1.5 * floor
    targets.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ev = iterative_policy_evaluation(mdp, pi, tol=1.2 * floor)  # not certifiable: both tried, then reported
    assert targets == [1.2 * floor, 0.6 * floor] and not ev.converged
