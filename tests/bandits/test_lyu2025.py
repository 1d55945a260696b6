"""OREAL (Lyu et al. 2025, arXiv:2502.06781): best-of-N with binary reward is the KL-regularised optimum.

Exact: the best-of-N law (first correct of N i.i.d. draws, else the first draw) by enumerating all K^N
draw sequences, against the library's closed form and against the tilt pi e^{r / beta_N} / Z with
beta_N(p) = 1 / ln((1 - (1-p)^N) / (p (1-p)^{N-1})); beta_N decreases in N (more samples, a sharper
tilt) and is infinite at N = 1 (no tilt). Statistical: best-of-N simulated with numpy.random, arm
frequencies against the law (n = 40,000 runs, alpha = 1e-5 over the K = 4 arms).
"""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pgtheory.bandits as B
from pgtheory.experiments import RunConfig, run_one
from pgtheory.testing import assert_close, bonferroni_z, test_seed

from _ordered import EPS, softmax


def bon_by_enumeration(pi, correct, N):
    """Law of the output of best-of-N over every ordered draw sequence."""
    K = pi.size
    out = np.zeros(K)
    for seq in itertools.product(range(K), repeat=N):
        pick = next((y for y in seq if correct[y]), seq[0])
        out[pick] += np.prod(pi[list(seq)])
    return out


@settings(max_examples=15)
@given(st.integers(2, 4), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_best_of_n_law_is_the_tilt(K, N, seed):
    rng = np.random.default_rng(seed)
    pi = softmax(rng.normal(0, 1.5, K))
    correct = np.zeros(K, bool)
    correct[rng.permutation(K)[: rng.integers(1, K)]] = True
    law = bon_by_enumeration(pi, correct, N)
    atol = 8 * (K ** N + N) * EPS  # a sum of K^N products of N probabilities
    assert_close(B.best_of_n_distribution(pi, correct, N), law, rtol=0, atol=atol)
    p = float(pi[correct].sum())
    if N >= 2:
        beta = float(B.bon_tilt_beta(p, N))
        tilt = pi * np.exp(correct / beta)
        assert_close(B.kl_tilt(pi, correct.astype(float), beta), tilt / tilt.sum(), rtol=0, atol=8 * K * EPS)
        # the tilt's log-odds ratio 1/beta can be large: relative rounding of exp(1/beta) ~ eps / beta
        assert_close(tilt / tilt.sum(), law, rtol=0, atol=atol + 8 * K * EPS * (1 + 1 / beta))


@given(st.floats(0.01, 0.99))
def test_tilt_temperature_decreases_with_N(p):
    betas = [float(B.bon_tilt_beta(p, N)) for N in (2, 3, 4, 8, 16)]
    assert all(a > b > 0 for a, b in zip(betas, betas[1:]))
    assert_close(float(B.bon_tilt_beta(p, 2)), 1 / np.log((1 - (1 - p) ** 2) / (p * (1 - p))), rtol=64 * EPS)
    with np.errstate(divide="ignore"):
        assert np.isinf(B.bon_tilt_beta(p, 1))  # N = 1: the first draw, no tilt


@pytest.mark.statistical
def test_simulated_best_of_n_frequencies():
    """n = 40,000 runs of best-of-4 on K = 4 arms (arms 1, 3 correct), drawn by numpy.random here;
    binomial z-test per arm at alpha = 1e-5 (Bonferroni over 4 arms)."""
    pi = softmax(np.array([0.5, -0.7, 1.0, -0.2]))
    correct = np.array([False, True, False, True])
    N, n = 4, 40_000
    rng = np.random.default_rng(test_seed(250206781))
    draws = rng.choice(4, size=(n, N), p=pi)
    ok = correct[draws]
    first_ok = np.argmax(ok, axis=1)
    out = np.where(ok.any(axis=1), draws[np.arange(n), first_ok], draws[:, 0])
    freq = np.bincount(out, minlength=4) / n
    law = B.best_of_n_distribution(pi, correct, N)
    z = bonferroni_z(1e-5, 4)
    assert np.all(np.abs(freq - law) <= z * np.sqrt(law * (1 - law) / n))
    # power: the base policy pi (p = 0.231) is rejected (expected z of the gap up to 149 vs the threshold 4.7)
    assert np.any(np.abs(freq - pi) > z * np.sqrt(pi * (1 - pi) / n))


def test_registered_check():
    rep = run_one("lyu2025-oreal-bon", RunConfig(quick=True), catch=False)
    assert rep.verdict == "consistent", rep.reason
    nums = rep.details["subchecks"][0]["numbers"]
    assert nums["max_abs_err_tilt"] < 1e-14 and nums["max_abs_err_vs_brute_force"] < 1e-14
    assert_close(nums["beta_N(p=0.5,N=4)"], 1 / np.log((1 - 0.5 ** 4) / 0.5 ** 4), rtol=64 * EPS)
