"""Exact tabular PG / NPG machinery shared by several papers: the evaluator behind softmax PG, NPG
and entropy-regularised NPG (against the public solvers), input validation of the runners, the
and the record schedule (softmax PG on Li et al.'s hard MDP is tested in ``test_li2021_flow.py``).

The tests of one paper's claims live in ``test_<key>.py`` beside this file (``test_mei2020.py``,
``test_agarwal2021.py``, ``test_cen2022.py``, ``test_li2021_flow.py``); the ``garnet`` fixture is in
``conftest.py``."""

import numpy as np
import pytest

from pgtheory._math import softmax
from pgtheory.algorithms import entropy_npg, record_schedule, softmax_pg
from pgtheory.algorithms.pg import _Evaluator
from pgtheory.errors import InvalidStepSizeError, ShapeError, ValidationError
from pgtheory.mdp import policy_evaluation, state_occupancy
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
