"""Exact (deterministic) checks by enumerating every trajectory of short truncated MDPs.

The per-trajectory estimates of the NumPy reference (``_reference.step_weights`` and
``per_sample_estimates``, the code every backend runs) are evaluated on *all* trajectories and
averaged with their exact probabilities, giving exact means and variances: unbiasedness holds
to rounding (no statistics), and the variance facts are checked exactly.
"""

import numpy as np
import pytest

from pgtheory.estimators import _reference, _tables
from pgtheory.mdp import TabularMDP
from pgtheory.policies import LogLinearPolicy, SoftmaxPolicy
from pgtheory.testing import assert_close

from ._exact import enumerate_truncated, fd_hvp, truncated_gradient


def _moments(mdp, policy, theta, H, est_mode, b_tab=None, b_const=0.0, hvp=None, behavior=None):
    """Exact mean and per-coordinate variance of an estimator under truncation at H."""
    env = _tables.env_table(mdp, termination="truncate", horizon=H)
    pmap = _tables.policy_map(policy, theta)
    sample_pol = pmap.pi if behavior is None else behavior
    ratio = None if behavior is None else pmap.pi / behavior
    from pgtheory.policies import DirectPolicy

    trajs = enumerate_truncated(mdp, DirectPolicy(mdp.S, mdp.A), sample_pol, H)
    states = np.array([t[0] for t in trajs])
    actions = np.array([t[1] for t in trajs])
    rewards = np.array([t[2] for t in trajs], dtype=float)
    prob = np.array([t[3] for t in trajs])
    tr = _reference.Trajectories(states, actions, rewards, np.full(len(trajs), H))
    if b_tab is None:
        b_tab = np.zeros((1, mdp.S))
    w, R = _reference.step_weights(env, tr, est_mode, b_tab, b_const, ratio)
    g = _reference.per_sample_estimates(env, pmap, tr, w, hvp)
    mean = prob @ g
    var = prob @ (g - mean) ** 2
    return mean.reshape(policy.param_shape), var.reshape(policy.param_shape), g, R, prob


def _instance(seed, S=2, A=2, gamma=0.8):
    rng = np.random.default_rng(seed)
    return TabularMDP(rng.dirichlet(np.ones(S), size=(S, A)), rng.uniform(-1, 1, size=(S, A)), gamma,
                      rng.dirichlet(np.ones(S))), rng


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("kind", ["softmax", "loglinear"])
def test_exact_mean_equals_truncated_gradient(seed, kind):
    mdp, rng = _instance(seed)
    H = 3
    if kind == "softmax":
        policy, theta = SoftmaxPolicy(2, 2), rng.normal(size=(2, 2))
    else:
        policy, theta = LogLinearPolicy(rng.normal(size=(2, 2, 3))), rng.normal(size=3)
    exact = truncated_gradient(mdp, policy, theta, H)
    V = rng.normal(size=(1, 2))
    for est_mode, b_tab, b_const in [(0, None, 0.0), (0, None, 0.37), (1, None, 0.0), (1, V, 0.0)]:
        mean, *_ = _moments(mdp, policy, theta, H, est_mode, b_tab, b_const)
        assert_close(mean, exact, rtol=1e-10, atol=1e-12)  # float64 sums of ~100 terms
    # off-policy, per-decision and trajectory-wise importance weights
    mu = np.array([[0.3, 0.7], [0.6, 0.4]])
    for est_mode in (0, 1):
        mean, *_ = _moments(mdp, policy, theta, H, est_mode, behavior=mu)
        assert_close(mean, exact, rtol=1e-10, atol=1e-12)


def test_exact_hvp_mean_equals_hessian_vector_product():
    mdp, rng = _instance(3)
    H = 3
    for policy, theta in [(SoftmaxPolicy(2, 2), rng.normal(size=(2, 2))),
                          (LogLinearPolicy(rng.normal(size=(2, 2, 3))), rng.normal(size=3))]:
        v = rng.normal(size=theta.shape)
        pmap = _tables.policy_map(policy, theta)
        hvp = _tables.hvp_tables(policy, theta, pmap, v)
        mean, *_ = _moments(mdp, policy, theta, H, 1, hvp=hvp)
        exact = fd_hvp(lambda th: truncated_gradient(mdp, policy, th, H), theta, v)
        assert_close(mean, exact, rtol=1e-6, atol=1e-8)  # central difference, eps = 1e-5


def test_exact_variance_gpomdp_below_reinforce_on_designed_instance():
    """Designed instance: a constant reward of 1 at every step (all actions equal), so the gradient
    is 0 and REINFORCE's weights carry the whole return; GPOMDP drops the past rewards.
    Exactly: Var[GPOMDP]_i < Var[REINFORCE]_i for every coordinate."""
    rng = np.random.default_rng(5)
    S, A, H = 2, 2, 4
    mdp = TabularMDP(rng.dirichlet(np.ones(S), size=(S, A)), np.ones((S, A)), 0.9)
    policy, theta = SoftmaxPolicy(S, A), rng.normal(size=(S, A))
    m_r, v_r, *_ = _moments(mdp, policy, theta, H, 0)
    m_g, v_g, *_ = _moments(mdp, policy, theta, H, 1)
    assert_close(m_r, np.zeros((S, A)), atol=1e-12)
    assert_close(m_g, np.zeros((S, A)), atol=1e-12)
    assert np.all(v_g < v_r)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_variance_optimal_baseline_below_constant_baselines(seed):
    """Per coordinate, b_i* = E[g_i^2 R]/E[g_i^2] minimises Var[(R - b) g_i] over constants b
    (a quadratic in b); exact check against b = 0, b = E[R] and b = b* +- 0.1."""
    mdp, rng = _instance(seed, S=2, A=2, gamma=0.7)
    H = 3
    policy, theta = SoftmaxPolicy(2, 2), rng.normal(size=(2, 2))
    _, _, G, R, prob = _moments(mdp, policy, theta, H, 2)
    G2 = G * G
    b_star = (prob @ (G2 * R[:, None])) / np.maximum(prob @ G2, 1e-300)

    def var_of(b):
        x = (R[:, None] - b[None, :]) * G
        m = prob @ x
        return prob @ (x - m) ** 2

    v_star = var_of(b_star)
    for b in (np.zeros(4), np.full(4, prob @ R), b_star + 0.1, b_star - 0.1):
        assert np.all(v_star <= var_of(b) + 1e-15)


class _TemperedSoftmax:
    """A tabular policy class unknown to the estimators: pi = softmax(2 theta), score 2(e_a - pi).

    Exercises the generic path (score table from ``policy.score``, Hessian-vector product by a
    central difference of ``score``)."""

    def __init__(self, S, A):
        self.S, self.A = S, A
        self.param_shape = (S, A)

    def check_theta(self, theta, name="theta"):
        return np.asarray(theta, dtype=float)

    def probs(self, theta):
        z = 2.0 * np.asarray(theta)
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    def jacobian(self, theta):
        pi = self.probs(theta)
        S, A = self.S, self.A
        s = np.repeat(np.arange(S), A)
        a = np.tile(np.arange(A), S)
        return pi[..., None, None] * self.score(theta, s, a).reshape(S, A, S, A)

    def score(self, theta, states, actions):
        pi = self.probs(theta)
        n = len(states)
        out = np.zeros((n, self.S, self.A))
        out[np.arange(n), states, :] = -2.0 * pi[states]
        out[np.arange(n), states, actions] += 2.0
        return out


def test_generic_policy_class_gradient_and_hvp_exact():
    mdp, rng = _instance(7)
    H = 3
    policy, theta = _TemperedSoftmax(2, 2), rng.normal(size=(2, 2))
    pmap = _tables.policy_map(policy, theta)
    assert pmap.kind == 1  # generic score table
    mean, *_ = _moments(mdp, policy, theta, H, 1)
    assert_close(mean, truncated_gradient(mdp, policy, theta, H), rtol=1e-10, atol=1e-12)
    v = rng.normal(size=(2, 2))
    hvp = _tables.hvp_tables(policy, theta, pmap, v)
    mean, *_ = _moments(mdp, policy, theta, H, 1, hvp=hvp)
    exact = fd_hvp(lambda th: truncated_gradient(mdp, policy, th, H), theta, v)
    assert_close(mean, exact, rtol=1e-6, atol=1e-7)  # two central differences (eps ~ 1e-5)


@pytest.mark.parametrize("H", [1, 5, 20])
def test_documented_truncation_bias_bounds_hold(H):
    """|J - J_H| <= gamma^H R_max/(1-gamma) and ||grad J - grad J_H|| <= M_g R_max gamma^H
    (H/(1-gamma) + 1/(1-gamma)^2) with M_g = sqrt(2) (softmax), as documented in _api."""
    from pgtheory.policies import policy_gradient

    from ._exact import truncated_objective

    mdp, rng = _instance(11, S=3, A=3, gamma=0.8)
    policy, theta = SoftmaxPolicy(3, 3), rng.normal(size=(3, 3))
    g = mdp.gamma
    rmax = float(np.abs(mdp.r).max())
    J = float(mdp.rho @ np.linalg.solve(np.eye(3) - g * np.einsum("sa,sat->st", policy.probs(theta), mdp.P),
                                        np.einsum("sa,sa->s", policy.probs(theta), mdp.r)))
    assert abs(J - truncated_objective(mdp, policy, theta, H)) <= g**H * rmax / (1 - g)
    gap = np.linalg.norm(policy_gradient(mdp, policy, theta) - truncated_gradient(mdp, policy, theta, H))
    assert gap <= np.sqrt(2) * rmax * g**H * (H / (1 - g) + 1 / (1 - g) ** 2)
    assert gap > 0


def test_direct_policy_with_zero_entries():
    """A direct policy on the boundary of the simplex: zero-probability actions are never sampled;
    the exact mean equals the truncated gradient on the support (theta_sa > 0) and is 0 off it
    (a score-function estimator cannot see directions of zero probability; documented in _api)."""
    from pgtheory.policies import DirectPolicy

    mdp, rng = _instance(2)
    policy, theta = DirectPolicy(2, 2), np.array([[1.0, 0.0], [0.3, 0.7]])
    mean, *_ = _moments(mdp, policy, theta, 3, 1)
    exact = truncated_gradient(mdp, policy, theta, 3)
    support = theta > 0
    assert_close(mean[support], exact[support], rtol=1e-10, atol=1e-12)
    assert np.all(mean[~support] == 0.0) and np.all(exact[~support] != 0.0)
