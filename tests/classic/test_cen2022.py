r"""Cen, Cheng, Chen, Wei, Chi (Operations Research 2022; arXiv:2007.06558, read in full): entropy-
regularised natural policy gradient converges linearly.

What is tested, and against which independent ground truth:

* :func:`pgtheory.algorithms.entropy_npg` at :math:`\eta = (1-\gamma)/\tau` is soft policy iteration,
  and converges to the soft optimum of :func:`~pgtheory.algorithms.soft_optimal_reference`;
* that soft optimum against soft value iteration run here in 40-digit arithmetic (mpmath), to the
  reference's own certified error;
* Theorem 1, both inequalities at every ``t`` and the contraction :math:`1-\eta\tau` (through the
  claim model), with :math:`Q^*_\tau`, :math:`\log\pi^*_\tau` and the constant :math:`C_1` all taken
  from the 40-digit computation (the initial soft Q-values by a 40-digit soft policy evaluation);
* what the theorem is for: the sandwich (12) between the regularised and the unregularised problem,
  and an :math:`\varepsilon`-optimal policy of the *unregularised* MDP after the number of iterations
  that (24) and (12) imply (the iteration complexity (25)), with :math:`V^*` by policy iteration;
* the registered checks ``cen2022-thm1`` and ``cen2022-fig1`` in quick mode.
"""

import math

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings

from pgtheory import ratecheck
from pgtheory.algorithms import entropy_npg, soft_optimal_reference
from pgtheory.experiments import RunConfig, get
from pgtheory.mdp import instances, policy_evaluation, policy_iteration, soft_policy_evaluation
from pgtheory.testing import assert_close
from pgtheory.testing.strategies import tabular_mdps

EPS = np.finfo(float).eps
DPS = 40  # digits of the reference computations


def test_entropy_npg_converges_to_soft_optimum_and_spi(garnet):
    tau = 0.2
    ref = soft_optimal_reference(garnet, tau)
    # the soft optimum is a fixed point of soft policy iteration
    pi_star = np.exp(ref["logpi_star"])
    assert_close(soft_policy_evaluation(garnet, pi_star, tau).V, ref["V_star"], atol=1e-10)
    tr = entropy_npg(garnet, eta=(1 - 0.8) / tau, tau=tau, n_iter=40, reference=ref)
    assert tr.metric("q_error")[-1] < 1e-10 and tr.metric("logpi_error")[-1] < 1e-9
    tr2 = entropy_npg(garnet, eta=0.1, tau=tau, n_iter=20, reference=ref)
    C1 = tr2.params["C1"]
    t = np.arange(20)
    assert np.all(tr2.metric("q_error")[1:] <= C1 * 0.8 * (1 - 0.1 * tau) ** t + 1e-12)


# ----------------------------------------------------------------------------- 40-digit ground truth
def _mp_model(mdp):
    P = [[[mp.mpf(float(x)) for x in mdp.P[s, a]] for a in range(mdp.A)] for s in range(mdp.S)]
    r = [[mp.mpf(float(x)) for x in row] for row in mdp.r]
    return P, r, mp.mpf(float(mdp.gamma))


def _mp_soft_value_iteration(mdp, tau):
    r"""Soft value iteration :math:`V \leftarrow \tau\log\sum_a\exp((r + \gamma PV)/\tau)` at the current
    mpmath precision, stopped when the certified error :math:`\gamma\|V_{k+1}-V_k\|/(1-\gamma)` is below
    ``10^-(dps-8)``. Returns ``Q*`` (S, A) and ``V*`` (S,) as nested lists of mpf."""
    P, r, g = _mp_model(mdp)
    t = mp.mpf(float(tau))
    S, A = mdp.S, mdp.A
    V = [mp.mpf(0)] * S
    tol = mp.mpf(10) ** (-(mp.mp.dps - 8))
    while True:
        Q = [[r[s][a] + g * mp.fsum(P[s][a][u] * V[u] for u in range(S)) for a in range(A)] for s in range(S)]
        new = [max(q) + t * mp.log(mp.fsum(mp.exp((x - max(q)) / t) for x in q)) for q in Q]
        step = max(abs(a - b) for a, b in zip(new, V))
        V = new
        if g * step / (1 - g) <= tol:
            break
    Q = [[r[s][a] + g * mp.fsum(P[s][a][u] * V[u] for u in range(S)) for a in range(A)] for s in range(S)]
    return Q, V


def _mp_soft_q_of_uniform(mdp, tau):
    """Soft Q-values of the uniform policy by one mpmath linear solve (entropy tau log A per step)."""
    P, r, g = _mp_model(mdp)
    S, A = mdp.S, mdp.A
    t = mp.mpf(float(tau))
    M = mp.matrix(S, S)
    b = mp.matrix(S, 1)
    for s in range(S):
        b[s] = mp.fsum(r[s]) / A + t * mp.log(A)
        for u in range(S):
            M[s, u] = (1 if s == u else 0) - g * mp.fsum(P[s][a][u] for a in range(A)) / A
    V = mp.lu_solve(M, b)
    return [[r[s][a] + g * mp.fsum(P[s][a][u] * V[u] for u in range(S)) for a in range(A)] for s in range(S)]


@pytest.fixture(scope="module")
def small():
    """A 4-state, 3-action Garnet MDP (gamma = 0.8), tau = 0.3, and its 40-digit soft optimum."""
    mdp = instances.garnet(4, 3, 2, gamma=0.8, seed=7)
    tau = 0.3
    with mp.workdps(DPS):
        Q, V = _mp_soft_value_iteration(mdp, tau)
        Q0 = _mp_soft_q_of_uniform(mdp, tau)
        logpi = [[(q - v) / mp.mpf(tau) for q in row] for row, v in zip(Q, V)]
        truth = {"Q_star": np.array([[float(x) for x in row] for row in Q]),
                 "V_star": np.array([float(x) for x in V]),
                 "logpi_star": np.array([[float(x) for x in row] for row in logpi])}
        dq0 = max(abs(a - b) for ra, rb in zip(Q, Q0) for a, b in zip(ra, rb))
        dl0 = max(abs(x + mp.log(3)) for row in logpi for x in row)
    truth["J_star"] = float(mdp.rho @ truth["V_star"])
    return mdp, tau, truth, float(dq0), float(dl0)


def test_soft_optimum_matches_40_digit_soft_value_iteration(small):
    """``soft_optimal_reference`` is within its own certified error (``error_bound``, the soft VI bound
    at float64's floor) of the 40-digit soft optimum; log pi* = (Q* - V*)/tau inherits twice that over tau."""
    mdp, tau, truth, _, _ = small
    ref = soft_optimal_reference(mdp, tau)
    err = ref["error_bound"]
    assert 0 < err < 1e-11
    assert_close(ref["V_star"], truth["V_star"], rtol=0, atol=err)
    assert_close(ref["Q_star"], truth["Q_star"], rtol=0, atol=err)
    assert_close(ref["logpi_star"], truth["logpi_star"], rtol=0, atol=2 * err / tau)


@pytest.mark.parametrize("frac", [0.1, 0.5, 1.0])
def test_theorem1_at_every_t_against_40_digit_truth(small, frac):
    r"""Theorem 1 (verified in the full text): for :math:`0 < \eta \le (1-\gamma)/\tau`,
    :math:`\|Q^*_\tau - Q^{(t+1)}_\tau\|_\infty \le C_1\gamma(1-\eta\tau)^t` and
    :math:`\|\log\pi^*_\tau - \log\pi^{(t+1)}\|_\infty \le 2C_1\tau^{-1}(1-\eta\tau)^t`, with
    :math:`C_1 = \|Q^*_\tau - Q^{(0)}_\tau\|_\infty
    + 2\tau(1-\eta\tau/(1-\gamma))\|\log\pi^*_\tau - \log\pi^{(0)}\|_\infty`.

    The errors are measured against the 40-digit soft optimum and :math:`C_1` is computed from it
    (uniform :math:`\pi^{(0)}`), not from the algorithm. Rounding of a float64 soft evaluation:
    :math:`4(S+2)\varepsilon\,(1+\tau\log|A|)/(1-\gamma)^2` on Q (over tau for log pi). For
    :math:`\eta < (1-\gamma)/\tau` the claim model also fits the contraction and compares it with
    :math:`1-\eta\tau` (``check="both"``); soft policy iteration (``frac = 1``) reaches the float floor
    in a few steps, leaving nothing to fit, so only the inequality is checked there."""
    mdp, tau, truth, dq0, dl0 = small
    g = mdp.gamma
    eta = frac * (1 - g) / tau
    C1 = dq0 + 2 * tau * (1 - eta * tau / (1 - g)) * dl0
    n = int(min(4000, math.ceil(math.log(1e-11) / math.log(1 - eta * tau)) + 20))
    tr = entropy_npg(mdp, eta=eta, tau=tau, n_iter=n, reference=truth)
    tol_q = 4 * (mdp.S + 2) * EPS * (1 + tau * math.log(mdp.A)) / (1 - g) ** 2
    assert tr.params["C1"] == pytest.approx(C1, abs=tol_q + 2 * tol_q / tau)
    t = tr.iterations[:-1].astype(float)  # the bound on iterate t + 1 uses (1 - eta tau)^t
    q, lp = tr.metric("q_error")[1:], tr.metric("logpi_error")[1:]
    assert np.all(q <= C1 * g * (1 - eta * tau) ** t + tol_q)
    assert np.all(lp <= 2 * C1 / tau * (1 - eta * tau) ** t + 2 * tol_q / tau)
    assert q[-1] <= 1e-10  # converged to the 40-digit optimum, not to something else
    prm = dict(C1=C1, gamma=g, eta=eta, tau=tau)
    how = "inequality" if frac == 1.0 else "both"
    for bid, y in (("cen2022.thm1_q", q), ("cen2022.thm1_logpi", lp)):
        res = ratecheck.check_rate(bid, t, y, params=prm, floor=1e-11, check=how)
        assert res.verdict == "consistent", res.reason


@settings(deadline=None, max_examples=25)
@given(mdp=tabular_mdps(min_states=1, max_states=5, min_actions=2, max_actions=4, gammas=(0.0, 0.5, 0.9)))
def test_sandwich_between_regularised_and_unregularised_optimum(mdp):
    r"""Sandwich (12): :math:`V^{\pi^*_\tau}(\rho) \le V^*(\rho) \le V^{\pi^*_\tau}(\rho) + \tau\log|A|/(1-\gamma)`,
    with :math:`V^*` by policy iteration and the (unregularised) value of the soft-optimal policy by
    policy evaluation. Rounding: the soft reference's certified error plus
    :math:`4(S+2)\varepsilon/(1-\gamma)^2`."""
    tau = 0.1
    ref = soft_optimal_reference(mdp, tau)
    v_soft = float(mdp.rho @ policy_evaluation(mdp, np.exp(ref["logpi_star"])).V)
    v_star = float(mdp.rho @ policy_iteration(mdp).V)
    tol = ref["error_bound"] / tau + 4 * (mdp.S + 2) * EPS / (1 - mdp.gamma) ** 2
    assert v_soft <= v_star + tol
    assert v_star <= v_soft + tau * math.log(mdp.A) / (1 - mdp.gamma) + tol


def test_eps_optimal_for_the_unregularised_mdp_after_the_stated_iterations(small):
    r"""The use of Theorem 1 (Cen et al. (25)): with :math:`\tau = (1-\gamma)\varepsilon/(4\log|A|)`,
    (24) and (12) give :math:`V^*(\rho) - V^{(t+1)}(\rho) \le 3C_1\gamma(1-\eta\tau)^t + \varepsilon/4`, so
    :math:`t \ge \log(4C_1\gamma/\varepsilon)/(\eta\tau)` iterations suffice for :math:`\varepsilon`-optimality
    (our constant inside the log; (25) states the same order). Soft policy iteration
    (:math:`\eta = (1-\gamma)/\tau`), :math:`\varepsilon = 0.05`; :math:`V^*` by policy iteration, the
    iterate's unregularised value by policy evaluation. Non-vacuous: neither the uniform start nor
    the first iterate is :math:`\varepsilon`-optimal (gaps 1.06 and 0.13; 0.0012 after ``t_eps + 1 = 22``)."""
    mdp = small[0]
    g, eps = mdp.gamma, 0.05
    tau = (1 - g) * eps / (4 * math.log(mdp.A))
    eta = (1 - g) / tau
    ref = soft_optimal_reference(mdp, tau)
    probe = entropy_npg(mdp, eta=eta, tau=tau, n_iter=1, reference=ref)
    C1 = probe.params["C1"]
    t_eps = math.ceil(math.log(4 * C1 * g / eps) / (eta * tau))
    tr = entropy_npg(mdp, eta=eta, tau=tau, n_iter=t_eps + 1, reference=ref)
    v_star = float(mdp.rho @ policy_iteration(mdp).V)
    v_uniform = float(mdp.rho @ policy_evaluation(mdp, np.full((mdp.S, mdp.A), 1 / mdp.A)).V)
    v_final = float(mdp.rho @ policy_evaluation(mdp, tr.final["pi"]).V)
    assert v_star - v_uniform > eps
    assert v_star - float(mdp.rho @ policy_evaluation(mdp, probe.final["pi"]).V) > eps
    assert v_star - v_final <= eps, (v_star - v_final, t_eps)


@pytest.mark.parametrize("name", ["cen2022-thm1", "cen2022-fig1"])
def test_registered_check_is_consistent_and_states_its_bounds(name):
    """Quick mode: every claim is consistent, names its source and a bound the check declares."""
    exp = get(name)
    rep = exp.run(RunConfig(quick=True))
    assert rep.verdict == "consistent", rep.reason
    assert rep.claims
    for c in rep.claims:
        assert c["verdict"] == "consistent" and c["source"] and c["bound_id"] in exp.bounds, c
