"""Log-time gradient flow of softmax PG on Li et al.'s hard MDP, and the growth statistics of the
li2021-hard experiment.

Ground truth: the MDP's own gradient (``LiHardMDP.gradient``, itself tested against finite
differences in ``tests/mdp``), linear-time integration, a second integrator (Radau) and tighter
tolerances, and closed-form synthetic crossing times for the statistics.
"""

import numpy as np
import pytest

from pgtheory.algorithms import softmax_pg, softmax_pg_flow
from pgtheory.algorithms.pg import _flow_gradient
from pgtheory.errors import ShapeError, ValidationError
from pgtheory.experiments.li2021 import _local_degrees, _recursion_exponents, li2021_crossing_times
from pgtheory.mdp import instances, state_occupancy
from pgtheory.testing import assert_close


def _flow(li, T, **kw):
    states = list(range(3, li.H + 1))
    return softmax_pg_flow(li, T, thresholds=[li.tau[s] for s in states],
                           record_values=[li.primary[s] for s in states], **kw)


def test_flow_gradient_equals_the_mdp_gradient():
    """The cancellation-free advantage gives the same gradient as LiHardMDP.gradient, also far from uniform."""
    li = instances.li2021_hard_mdp(gamma=0.97, n_states=1e10)
    rng = np.random.default_rng(0)
    base = li.mdp
    for scale in (0.0, 1.0, 20.0):
        th = np.where(li.action_mask, scale * rng.standard_normal(li.action_mask.shape), 0.0)
        g, V = _flow_gradient(np.asarray(base.P), np.asarray(base.r), base.gamma, np.asarray(base.rho),
                              li.multiplicity, np.where(li.action_mask, th, -np.inf))
        ref = li.gradient(th)
        # Tolerance from the computation, not from max|ref| (which shrinks with the policy's
        # determinism while the reference's own rounding does not): ref forms A = Q - V, an absolute
        # error ~ kappa eps max|Q| (kappa = (1+gamma)/(1-gamma) >= cond(I - gamma P_pi)), times its
        # weight d(s) pi(a|s) / (m(s) (1-gamma)); plus kappa eps relative on every factor. Was
        # 1e-12 max|ref| = 1.7e-17 at scale 20, below the reference's 1.1e-16 rounding
        # (failed or passed with the BLAS kernel, OPENBLAS_CORETYPE).
        pi = li.probs(th)
        d = state_occupancy(base, pi, validate=False)
        kappa = (1 + base.gamma) / (1 - base.gamma)
        weight = (d / li.multiplicity)[:, None] * pi / (1 - base.gamma)
        q_scale = np.abs(np.asarray(base.r)).max() + np.abs(V).max()  # |Q| <= max|r| + gamma max|V|
        tol = 16 * kappa * np.finfo(float).eps * (np.abs(ref) + weight * q_scale)
        err = np.abs(np.where(li.action_mask, g - ref, 0.0))
        assert np.all(err <= tol), (scale, err.max(), tol[err > tol])


def test_log_time_matches_linear_time():
    """Same crossing times whether the flow is integrated in T or in log(1+T) (gamma=0.97, |S|=1e10)."""
    li = instances.li2021_hard_mdp(gamma=0.97, n_states=1e10)
    a = _flow(li, 1e11).final["crossing_times"]
    b = _flow(li, 1e11, log_time=False).final["crossing_times"]
    assert np.all(np.isfinite(a)) and np.all(np.diff(a) > 0)
    assert_close(a, b, rtol=1e-5)


def test_crossing_times_stable_under_tolerance_and_method():
    """In the paper's regime (|S| >> (1-gamma)^-6) the crossing times (up to ~4e15 flow time) do not
    move when tolerances are tightened 100x or the integrator is switched to Radau (for s = 3..5)."""
    li = instances.li2021_hard_mdp(gamma=0.97, n_states=1e12)
    a = _flow(li, 1e20).final["crossing_times"]
    b = _flow(li, 1e20, rtol=1e-10, atol=1e-12).final["crossing_times"]
    assert np.all(np.isfinite(a)) and a[-1] > 1e3 * a[0]  # the super-linear regime, not a flat profile
    assert_close(a, b, rtol=1e-3)
    c = _flow(li, 1e14, method="Radau").final["crossing_times"]  # Radau stalls at the s=6 switch (see docstring)
    assert np.all(np.isfinite(c[:3]))
    assert_close(a[:3], c[:3], rtol=1e-3)


def test_crossing_times_grow_with_recursion_exponent_above_1_5():
    """li2021_crossing_times in the regime: t_s increasing in s, and d log t_s / d log t_(s-2) >= 1.5
    between |S| = 1e12 and 1e14 at gamma = 0.97 (Li et al. recursion (46))."""
    Ts = np.array([li2021_crossing_times(0.97, 1e30, n_states=n)[1].final["crossing_times"] for n in (1e12, 1e14)])
    assert np.all(np.diff(Ts, axis=1) > 0)
    beta = _recursion_exponents((1e12, 1e14), Ts)
    assert np.all(beta[0, 2:] >= 1.5)


def test_recursion_exponents_on_synthetic_power_towers():
    # t_s = t_(s-2)^1.5 exactly (t_3 = t_4 = n): every beta is 1.5
    sizes = (1e3, 1e6, 1e9)
    Ts = np.array([[n, n, n ** 1.5, n ** 1.5, n ** 2.25] for n in sizes])
    beta = _recursion_exponents(sizes, Ts)
    assert np.all(np.isnan(beta[:, :2]))
    assert_close(beta[:, 2:], np.full((2, 3), 1.5))


def test_local_degrees_of_polynomial_and_exponential():
    s = np.arange(3, 12, dtype=float)
    deg, rate = _local_degrees(s ** 4)
    assert_close(deg, np.full(s.size - 2, 4.0))
    deg, rate = _local_degrees(np.exp(2.0 * s))
    assert_close(rate, np.full(s.size - 2, 2.0))


def test_flow_input_errors():
    li = instances.li2021_hard_mdp(gamma=0.97, n_states=1e8)
    with pytest.raises(ValidationError, match="method"):
        softmax_pg_flow(li, 10.0, method="BDF")
    with pytest.raises(ShapeError, match="thresholds"):
        softmax_pg_flow(li, 10.0, thresholds=[0.1, 0.2], record_values=[li.primary[3]])
    with pytest.raises(ValidationError, match="T"):
        softmax_pg_flow(li, -1.0)


# ----------------------------------------------------------------------------- discrete softmax PG on the MDP
def test_li_problem_gradient_path_matches_its_own_gradient():
    li = instances.li2021_hard_mdp(gamma=0.96, counts={"S1": 2, "S2": 5, "booster": 3})
    th = li.init_theta()
    tr = softmax_pg(li, eta=0.5, n_iter=1, backend="numpy")
    assert_close(np.where(li.action_mask, tr.final["theta"], 0.0), th + 0.5 * li.gradient(th))
    a = softmax_pg(li, eta=0.5, n_iter=200, backend="numpy", n_records=20)
    b = softmax_pg(li, eta=0.5, n_iter=200, backend="numba", n_records=20)
    assert_close(a.metric("suboptimality"), b.metric("suboptimality"), atol=1e-10)


def test_gradient_flow_matches_discrete_pg_crossing_times():
    """softmax_pg_flow's flow time T equals eta * t of discrete PG up to O(eta): Li et al.'s MDP with
    small multiplicities (so discrete PG crosses within a few thousand steps), eta = 0.02."""
    li = instances.li2021_hard_mdp(gamma=0.97, counts={"S1": 1, "S2": 10, "booster": 1})
    states = list(range(3, li.H + 1))
    prim = [li.primary[s] for s in states]
    thr = [li.tau[s] for s in states]
    flow = softmax_pg_flow(li, 1e3, thresholds=thr, record_values=prim)
    eta = 0.02
    disc = softmax_pg(li, eta=eta, n_iter=40_000, record_values=prim)
    V = disc.metric("V_states")
    t_disc = np.array([disc.iterations[np.flatnonzero(V[:, k] >= thr[k])[0]] for k in range(len(states))])
    Tf = flow.final["crossing_times"]
    assert np.all(np.isfinite(Tf)) and np.all(np.diff(Tf) > 0)
    assert_close(eta * t_disc, Tf, rtol=0.02)  # O(eta) discretisation error (measured 0.4%-0.8% at eta=0.01)
