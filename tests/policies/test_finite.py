"""Finite-horizon exact objective, gradient, Fisher and NPG.

Ground truth: enumeration of every trajectory of tiny MDPs (J, E[score score^T]), central finite
differences of J, and a forward-only evaluation of J written in the test.
"""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgtheory.errors import ShapeError, ValidationError
from pgtheory.mdp import FiniteHorizonMDP
from pgtheory.policies import (
    finite_horizon_softmax_evaluation,
    finite_horizon_fisher,
    finite_horizon_gradient,
    finite_horizon_natural_gradient,
    finite_horizon_npg_update,
    finite_horizon_objective,
    finite_horizon_value_and_gradient,
)
from pgtheory.testing import assert_close

from ._helpers import central_fd, random_mdp


def _softmax(x):
    z = np.exp(x - x.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


@st.composite
def fh_cases(draw, max_states=3, max_actions=3, max_H=4):
    S = draw(st.integers(1, max_states))
    A = draw(st.integers(1, max_actions))
    H = draw(st.integers(1, max_H))
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    stationary_P = draw(st.booleans())
    P = rng.dirichlet(np.ones(S), size=(S, A) if stationary_P else (H, S, A))
    mdp = FiniteHorizonMDP(P, rng.uniform(size=(H, S, A)), H, rng.dirichlet(np.ones(S)))
    scale = draw(st.sampled_from([0.5, 3.0, 50.0]))
    shape = (S, A) if draw(st.booleans()) else (H, S, A)
    return mdp, rng.normal(scale=scale, size=shape)


def J_forward(mdp, theta):
    """Independent: sum_h d_h^T r_{pi,h} by forward recursion only."""
    pi = _softmax(np.broadcast_to(theta, (mdp.H, mdp.S, mdp.A)))
    d, J = np.array(mdp.rho), 0.0
    for h in range(mdp.H):
        J += float(d @ np.sum(pi[h] * mdp.r[h], axis=1))
        d = np.einsum("s,sa,sat->t", d, pi[h], mdp.P[h])
    return J


def _trajectories(mdp, theta):
    """Yield (probability, return, score) over all trajectories (s_0, a_0, ..., s_{H-1}, a_{H-1})."""
    full = np.broadcast_to(theta, (mdp.H, mdp.S, mdp.A))
    pi = _softmax(full)
    for path in itertools.product(range(mdp.S), range(mdp.A), repeat=mdp.H):
        s, a = path[0::2], path[1::2]
        p = mdp.rho[s[0]]
        for h in range(mdp.H):
            p *= pi[h, s[h], a[h]]
            if h + 1 < mdp.H:
                p *= mdp.P[h, s[h], a[h], s[h + 1]]
        if p == 0:
            continue
        ret = sum(mdp.r[h, s[h], a[h]] for h in range(mdp.H))
        score = np.zeros(full.shape)
        for h in range(mdp.H):
            score[h, s[h]] -= pi[h, s[h]]
            score[h, s[h], a[h]] += 1.0
        if np.ndim(theta) == 2:
            score = score.sum(axis=0)
        yield p, ret, score.ravel()


@given(fh_cases())
@settings(deadline=None)
def test_objective_and_gradient_match_forward_recursion_and_fd(case):
    mdp, theta = case
    J, g = finite_horizon_value_and_gradient(mdp, theta)
    assert np.all(np.isfinite(g))
    assert_close(J, J_forward(mdp, theta), rtol=1e-12, atol=1e-12)
    assert_close(finite_horizon_objective(mdp, theta), J)
    assert_close(g, central_fd(lambda t: J_forward(mdp, t), theta), rtol=1e-6, atol=1e-8 * mdp.H**2)
    assert_close(finite_horizon_gradient(mdp, theta), g)
    ev = finite_horizon_softmax_evaluation(mdp, theta)
    assert_close(ev.d.sum(axis=1), np.ones(mdp.H))
    assert_close(ev.V[-1], np.zeros(mdp.S), atol=0.0)


def test_gradient_and_fisher_match_trajectory_enumeration():
    """J = E[R], grad = E[R score], F = E[score score^T] over all trajectories (S=A=2, H=3)."""
    rng = np.random.default_rng(61)
    mdp = FiniteHorizonMDP(rng.dirichlet(np.ones(2), size=(3, 2, 2)), rng.uniform(size=(3, 2, 2)), 3,
                           np.array([0.3, 0.7]))
    for theta in (rng.normal(size=(3, 2, 2)), rng.normal(size=(2, 2))):
        n = theta.size
        J, g, F = 0.0, np.zeros(n), np.zeros((n, n))
        for p, ret, sc in _trajectories(mdp, theta):
            J += p * ret
            g += p * ret * sc
            F += p * np.outer(sc, sc)
        assert_close(finite_horizon_objective(mdp, theta), J)
        assert_close(finite_horizon_gradient(mdp, theta).ravel(), g, rtol=1e-10, atol=1e-12)
        assert_close(finite_horizon_fisher(mdp, theta), F, rtol=1e-10, atol=1e-12)


@given(fh_cases())
@settings(deadline=None)
def test_fisher_psd_symmetric(case):
    mdp, theta = case
    F = finite_horizon_fisher(mdp, theta)
    assert F.shape == (theta.size, theta.size)
    assert_close(F, F.T, rtol=0.0, atol=0.0)
    assert np.linalg.eigvalsh(F).min() >= -1e-12


@given(fh_cases(), st.sampled_from([0.1, 1.0, 5.0]))
@settings(deadline=None)
def test_npg_direction_is_advantage_and_step_is_multiplicative_weights(case, eta):
    mdp, theta = case
    theta = np.broadcast_to(theta, (mdp.H, mdp.S, mdp.A)) / 10.0  # non-stationary, moderate logits
    ev = finite_horizon_softmax_evaluation(mdp, theta)
    adv = ev.Q - ev.V[:-1, :, None]
    w = finite_horizon_natural_gradient(mdp, theta, method="lstsq")
    diff = (w - adv)[ev.d > 1e-12]
    assert_close(diff - diff.mean(axis=-1, keepdims=True), np.zeros_like(diff), atol=1e-6 * mdp.H)
    assert_close(finite_horizon_natural_gradient(mdp, theta)[ev.d > 1e-12], w[ev.d > 1e-12], atol=1e-6 * mdp.H)
    target = ev.policy * np.exp(eta * adv)
    target /= target.sum(axis=-1, keepdims=True)
    assert_close(_softmax(finite_horizon_npg_update(mdp, theta, eta)), target, rtol=1e-9, atol=1e-13)


def test_stationary_natural_gradient_solves_fisher_system():
    mdp_d = random_mdp(3, 2, 0.5, 62)
    mdp = FiniteHorizonMDP(mdp_d.P, mdp_d.r, 4, mdp_d.rho)
    theta = np.random.default_rng(63).normal(size=(3, 2))
    w = finite_horizon_natural_gradient(mdp, theta)
    assert_close(finite_horizon_fisher(mdp, theta) @ w.ravel(), finite_horizon_gradient(mdp, theta).ravel(),
                 rtol=1e-9, atol=1e-12)


def test_finite_horizon_bad_input():
    rng = np.random.default_rng(64)
    mdp = FiniteHorizonMDP(rng.dirichlet(np.ones(3), size=(3, 2)), rng.uniform(size=(3, 2)), 4)
    with pytest.raises(ShapeError, match="theta"):
        finite_horizon_gradient(mdp, np.zeros((4, 2, 3)))
    with pytest.raises(ValidationError, match="theta"):
        finite_horizon_objective(mdp, np.full((3, 2), np.nan))
    with pytest.raises(ValidationError, match="FiniteHorizonMDP"):
        finite_horizon_gradient(random_mdp(3, 2, 0.9, 1), np.zeros((3, 2)))
    with pytest.raises(ValidationError, match="eta"):
        finite_horizon_npg_update(mdp, np.zeros((4, 3, 2)), 0.0)
    with pytest.raises(ShapeError, match="non-stationary"):
        finite_horizon_npg_update(mdp, np.zeros((3, 2)), 0.1)
    with pytest.raises(ValidationError, match="method"):
        finite_horizon_natural_gradient(mdp, np.zeros((3, 2)), method="cg")


@pytest.mark.parametrize("gap", [0.0, 20.0, 30.0, 40.0])
def test_finite_horizon_gradient_near_deterministic_has_no_cancellation_floor(gap):
    """Issue 11: A_h = Q_h - V_h had an absolute floor ~eps |Q_h|, swamping the dominant entries
    (true size ~e^-gap) at logit gaps 30-40. Reference: 50-digit mpmath recursions."""
    from ._helpers import mp_finite_horizon_gradient, near_deterministic_logits, pg_relative_bound

    H, S, A = 3, 2, 3
    rng = np.random.default_rng(5)
    mdp = FiniteHorizonMDP(rng.dirichlet(np.ones(S), size=(H, S, A)), rng.uniform(size=(H, S, A)), H,
                           rng.dirichlet(np.ones(S)))
    theta = np.stack([near_deterministic_logits(S, A, gap, seed=h) for h in range(H)])
    ref, Q, adv, pi, d = mp_finite_horizon_gradient(mdp.P, mdp.r, mdp.rho, theta)
    got = finite_horizon_gradient(mdp, theta)
    # backward recursion over H stages: Q_h carries ~H eps |Q| absolute error (kappa = H)
    bound = pg_relative_bound(H, Q, adv, pi, d, theta)
    rel = np.abs(got - ref) / np.abs(ref)
    assert np.all(rel <= bound), (rel, bound)
    assert np.max(bound) < 1e-11  # not vacuous on this instance
