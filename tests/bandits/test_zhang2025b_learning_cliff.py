"""The learning cliff (Scaf-GRPO, Zhang et al. 2025b; Critique-GRPO, 2025a): exact zero-update probability on hard prompts."""

import numpy as np
import pytest

import pgtheory.bandits as B
from pgtheory.testing import assert_close

EPS = np.finfo(float).eps


@pytest.mark.parametrize("p", [1e-3, 0.05, 0.3])
@pytest.mark.parametrize("G", [2, 5, 9])
def test_zero_update_probability_on_a_hard_prompt(p, G):
    K = 4
    th = np.zeros(K)
    th[0] = np.log(p * (K - 1) / (1 - p))
    r = np.eye(K)[0]
    assert abs(float(B.success_probability(th, r)) - p) < 4 * EPS
    z = B.zero_gradient_probability("grpo", th, r, G, ddof=1, epsilon=1e-4)
    assert abs(z - ((1 - p) ** G + p ** G)) <= 8 * B.num_count_vectors(K, G) * EPS


def test_expected_update_weight_is_largest_for_hard_prompts():
    """c_G(p) -> sqrt(G-1) kappa-like limit as p -> 0 and decreases towards p = 1/2 (G = 8)."""
    w = B.binary_weight("grpo", np.array([1e-4, 1e-2, 0.1, 0.5]), 8, ddof=1, epsilon=0.0)
    assert np.all(np.diff(w) < 0)
    assert_close(w[:1], B.binary_weight("grpo", np.array([1e-6]), 8, ddof=1, epsilon=0.0), rtol=1e-3, atol=0)


def test_registered_check(tmp_path, monkeypatch):
    from _d2_checks import run_check

    run_check("zhang2025b-learning-cliff", tmp_path, expected="consistent", bibtex_key="zhang2025scaf",
              monkeypatch=monkeypatch)
