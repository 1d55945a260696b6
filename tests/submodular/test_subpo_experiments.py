"""Registered SubPO experiments: registration, tiny runs, and the numbers they rest on."""

import numpy as np

from pgtheory.experiments import get
from pgtheory.testing import assert_close
from pgtheory.experiments.prajapat2024 import mean_ci, run_bandit_ratio, run_grid_coverage, run_trap_family


def test_experiments_are_registered():
    for name in ("prajapat2024-bandit-ratio", "prajapat2024-trap-family", "prajapat2024-grid-coverage"):
        assert get(name).name == name


def test_bandit_ratio_small_run():
    res = run_bandit_ratio(n_instances=4, n=5, H=2, iterations=150, seed=1)
    assert np.max(res["opt_check"]) < 1e-9                 # DP over histories == subset enumeration
    assert np.all(res["greedy"] >= 1 - 1 / np.e - 1e-12)
    assert np.all(res["subpo_markov"] >= 1 - 1 / np.e)
    assert np.all(res["subpo_markov"] <= 1 + 1e-12) and np.all(res["modular"] <= 1 + 1e-12)


def test_trap_family_small_run():
    res = run_trap_family(ms=(3, 4), iterations=400)
    assert_close(res["opt"], np.array([8.0, 16.0]))
    assert res["subpo_markov"][1] < res["subpo_markov"][0] < 0.2
    # the iterate is at the lure (value 1), not still travelling towards the jackpot
    assert_close(res["subpo_markov"], 2.0 ** -res["m"], rtol=0.1)
    # ascent converges to the lure from below and does not pass it
    assert np.all(res["subpo_markov_half"] <= res["subpo_markov"] + 1e-12)
    assert np.all(res["subpo_markov"] <= 2.0 ** -res["m"] * 1.001)


def test_grid_coverage_small_run():
    res = run_grid_coverage((3, 3), 4, seeds=2, iterations=10, batch_size=20, eval_every=5)
    assert res["subpo_markov"].shape == (2, 3) and res["iterations"].tolist() == [0, 5, 10]
    assert np.all(res["subpo_markov"] <= 1 + 1e-12)


def test_mean_ci_covers_known_mean():
    x = np.random.default_rng(0).normal(1.0, 1.0, size=400)
    m, lo, hi = mean_ci(x)
    assert lo < 1.0 < hi and lo < m < hi
