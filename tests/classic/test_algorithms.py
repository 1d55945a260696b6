"""Exact tabular PG / NPG machinery shared by several papers: the evaluator behind softmax PG, NPG
and entropy-regularised NPG (against the public solvers), input validation of the runners, the
record schedule, and softmax PG on Li et al.'s hard MDP (against the MDP's own gradient, the
compiled kernel and the gradient flow).

The tests of one paper's claims live in ``test_<key>.py`` beside this file (``test_mei2020.py``,
``test_agarwal2021.py``, ``test_cen2022.py``, ``test_li2021_flow.py``); the ``garnet`` fixture is in
``conftest.py``."""

import numpy as np
import pytest

from pgtheory._math import softmax
from pgtheory.algorithms import entropy_npg, record_schedule, softmax_pg
from pgtheory.algorithms.pg import _Evaluator
from pgtheory.errors import InvalidStepSizeError, ShapeError, ValidationError
from pgtheory.mdp import instances, policy_evaluation, state_occupancy
from pgtheory.testing import assert_close


def test_evaluator_matches_public_solvers(garnet):
    pi = softmax(np.random.default_rng(0).normal(size=(6, 3)), axis=-1)
    ev = _Evaluator(garnet)
    V, Q = ev.values(pi)
    sol = policy_evaluation(garnet, pi)
    assert_close(V, sol.V)
    assert_close(Q, sol.Q)
    assert_close(ev.occupancy(pi, garnet.rho), state_occupancy(garnet, pi))


def test_input_errors(garnet):
    with pytest.raises(ValidationError, match="eta"):
        softmax_pg(garnet, eta=-1.0, n_iter=3)
    with pytest.raises(ShapeError, match="theta0"):
        softmax_pg(garnet, n_iter=3, theta0=np.zeros((2, 2)))
    with pytest.raises(ValidationError, match="TabularMDP"):
        softmax_pg("not an mdp", n_iter=3)
    with pytest.raises(InvalidStepSizeError, match="Theorem 1"):
        entropy_npg(garnet, eta=10.0, tau=1.0, n_iter=2)
    with pytest.raises(ValidationError, match="backend"):
        softmax_pg(garnet, n_iter=3, backend="gpu")


def test_record_schedule():
    assert list(record_schedule(5)) == [0, 1, 2, 3, 4, 5]
    s = record_schedule(10**6, 50)
    assert s[0] == 0 and s[1] == 1 and s[-1] == 10**6 and np.all(np.diff(s) > 0) and s.size <= 52


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
    from pgtheory.algorithms import softmax_pg_flow

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
