"""ZO-RankSGD's rank-based estimator (Tang et al. 2024): brute-force DAG, exact linear mean, sampler, bad input."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import pgtheory.bandits as B
from pgtheory.errors import ShapeError, ValidationError
from pgtheory.testing import assert_close, assert_unbiased, test_seed

EPS = np.finfo(float).eps


def _dag_estimate(values, D, k):
    """Brute force: enumerate the edges (i > j) revealed by a top-k ranking, average d_i - d_j."""
    m = len(values)
    order = sorted(range(m), key=lambda i: (-values[i], i))
    ranked, unranked = order[:k], order[k:]
    edges = [(ranked[a], ranked[b]) for a in range(k) for b in range(a + 1, k)]
    edges += [(i, j) for i in ranked for j in unranked]
    return sum(D[i] - D[j] for i, j in edges) / len(edges), len(edges)


@given(st.integers(2, 7), st.data())
def test_dag_variant_is_the_pairwise_difference_estimator(m, data):
    k = data.draw(st.integers(1, m))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**31)))
    v = rng.normal(size=m)
    D = rng.normal(size=(m, 3))
    ref, E = _dag_estimate(v, D, k)
    assert E == B.comparison_edges(m, k)
    assert_close(B.rank_estimate(v, D, k, "dag"), ref, rtol=0, atol=8 * m * m * EPS * np.abs(D).max())
    # the code's coefficient m - 2r adds (1/|E|) * sum of the ranked perturbations
    ranked = np.argsort(-v, kind="stable")[:k]
    assert_close(B.rank_estimate(v, D, k, "code") - B.rank_estimate(v, D, k, "dag"), D[ranked].sum(0) / E,
                 rtol=0, atol=8 * m * m * EPS * np.abs(D).max())


@given(st.integers(2, 6), st.data())
def test_estimate_is_invariant_to_increasing_transforms(m, data):
    k = data.draw(st.integers(1, m))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**31)))
    v = rng.normal(size=m)
    D = rng.normal(size=(m, 2))
    for f in (np.exp, lambda x: x ** 3 + 2 * x, lambda x: 5 * x - 1):
        assert np.array_equal(B.rank_estimate(f(v), D, k), B.rank_estimate(v, D, k))


def test_order_statistics_closed_forms():
    """E of the extremes of 2 and 3 normals: 1/sqrt(pi), 3/(2 sqrt(pi)) (David & Nagaraja)."""
    m2, e2 = B.normal_order_statistic_means(2)
    m3, e3 = B.normal_order_statistic_means(3)
    assert_close(m2, [1 / math.sqrt(math.pi), -1 / math.sqrt(math.pi)], rtol=0, atol=1e-12)
    assert_close(m3, [1.5 / math.sqrt(math.pi), 0.0, -1.5 / math.sqrt(math.pi)], rtol=0, atol=1e-12)
    m7, _ = B.normal_order_statistic_means(7)
    assert abs(m7.sum()) < 1e-12 and np.all(np.diff(m7) < 0)


def test_linear_expectation_closed_forms():
    """m = 2, k = 1: DAG = E[z_max - z_min] = 2/sqrt(pi); code = E[2 z_max - z_min] = 3/sqrt(pi)."""
    c_dag, err = B.rank_linear_expectation(2, 1, "dag")
    c_code, _ = B.rank_linear_expectation(2, 1, "code")
    assert abs(c_dag - 2 / math.sqrt(math.pi)) < 1e-12 + err
    assert abs(c_code - 3 / math.sqrt(math.pi)) < 1e-12 + err
    # full ranking: the extra sum over all items has mean 0, both variants agree
    assert abs(B.rank_linear_expectation(5, 5, "code")[0] - B.rank_linear_expectation(5, 5, "dag")[0]) < 1e-12


def test_linear_expectation_brute_force_small():
    """m = 3, k = 2 by integrating the coefficient of each order position against the order statistics."""
    means, _ = B.normal_order_statistic_means(3)
    coef = B.rank_coefficients(3, 2, "code") / B.comparison_edges(3, 2)
    # sum over positions of coefficient x E[z at that position]
    assert abs(coef @ means - B.rank_linear_expectation(3, 2, "code")[0]) < 1e-12


@pytest.mark.statistical
def test_sampler_matches_exact_linear_mean():
    """n = 200,000 estimates (m = 5, k = 2, d = 3, mu = 0.1), alpha = 1e-5 over 3 coordinates."""
    a = np.array([1.0, 2.0, -0.5])
    mu = 0.1
    s = B.zo_rank_samples(lambda P: P @ a, np.zeros(3), mu, 5, 2, 200_000, rng=test_seed(1803))
    c, _ = B.rank_linear_expectation(5, 2)
    assert_unbiased(s.mean(0), s.std(0, ddof=1) / math.sqrt(len(s)), c * mu * a / np.linalg.norm(a), alpha=1e-5)


@pytest.mark.statistical
def test_sampler_dag_variant_full_ranking():
    """n = 200,000 estimates (m = 4, k = 4, dag), alpha = 1e-5 over 2 coordinates; independent of ||a||."""
    a = np.array([30.0, -40.0])
    mu = 0.5
    s = B.zo_rank_samples(lambda P: P @ a, np.array([1.0, 2.0]), mu, 4, 4, 200_000, rng=test_seed(1804), variant="dag")
    c, _ = B.rank_linear_expectation(4, 4, "dag")
    assert_unbiased(s.mean(0), s.std(0, ddof=1) / math.sqrt(len(s)), c * mu * a / 50.0, alpha=1e-5)


def test_sampler_uses_common_random_numbers():
    a = np.array([1.0, 0.0])
    s1 = B.zo_rank_samples(lambda P: P @ a, np.zeros(2), 0.1, 3, 1, 10, rng=3)
    s2 = B.zo_rank_samples(lambda P: np.exp(P @ a), np.zeros(2), 0.1, 3, 1, 10, rng=3)
    assert np.array_equal(s1, s2)


def test_rank_oracle_ties_by_index():
    assert B.rank_oracle([1.0, 1.0, 2.0], 2).tolist() == [1, 2, 0]


@pytest.mark.parametrize("m,k", [(1, 1), (3, 0), (3, 4)])
def test_bad_sizes(m, k):
    with pytest.raises(ValidationError):
        B.rank_coefficients(m, k)


def test_bad_inputs():
    with pytest.raises(ValidationError, match="variant"):
        B.rank_coefficients(3, 1, "pairs")
    with pytest.raises(ValidationError, match="finite"):
        B.rank_oracle([0.0, np.nan], 1)
    with pytest.raises(ShapeError, match="directions"):
        B.rank_estimate([0.0, 1.0], np.zeros((3, 2)), 1)
    with pytest.raises(ValidationError, match="mu"):
        B.zo_rank_samples(lambda P: P[:, 0], np.zeros(2), 0.0, 3, 1, 5)
    with pytest.raises(ShapeError, match="utility"):
        B.zo_rank_samples(lambda P: P, np.zeros(2), 0.1, 3, 1, 5)


def test_edges_formula_exhaustive():
    for m, k in itertools.product(range(2, 6), range(1, 6)):
        if k <= m:
            assert B.comparison_edges(m, k) == k * (k - 1) // 2 + k * (m - k)


def test_registered_check(tmp_path, monkeypatch):
    from _d2_checks import run_check

    rep = run_check("tang2024-ranksgd", tmp_path, expected="consistent", bibtex_key="tang2024zeroth",
                    monkeypatch=monkeypatch)
    assert len(rep.claims) == 5
