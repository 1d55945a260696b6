"""Dataset resets on a token tree (DR-PO skeleton, Chang et al. 2024): values and gradients against brute force."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import pgtheory.bandits as B
from pgtheory._math import softmax
from pgtheory.errors import InfeasibleSizeError, ShapeError, ValidationError
from pgtheory.testing import assert_close

EPS = np.finfo(float).eps


def _tree(seed, V=2, H=3):
    rng = np.random.default_rng(seed)
    tree = B.token_tree_mdp(V, H, rng.uniform(0, 1, V ** H))
    return tree, rng


def _brute_value(tree, pi, prefix):
    """V(prefix) = sum over completions of prod pi(token | prefix) * reward (enumerates V^(H-j) completions)."""
    V, H = tree.vocab, tree.horizon
    total = 0.0
    for tail in itertools.product(range(V), repeat=H - len(prefix)):
        seq = list(prefix) + list(tail)
        p = 1.0
        for j in range(len(prefix), H):
            p *= pi[tree.state(seq[:j]), seq[j]]
        idx = 0
        for t in seq:
            idx = idx * V + t
        total += p * tree.leaf_rewards[idx]
    return total


@given(st.integers(0, 2**31), st.integers(2, 3), st.integers(1, 3))
@settings(max_examples=15)
def test_objective_matches_brute_force(seed, V, H):
    tree, rng = _tree(seed, V, H)
    th = rng.normal(0, 1.5, (tree.S, V))
    pi = softmax(th, axis=-1)
    seq = rng.integers(0, V, H)
    nu = B.dataset_reset_distribution(tree, seq, float(rng.uniform(0, 1)))
    J, _ = B.reset_policy_gradient(tree, th, nu)
    brute = sum(nu[tree.state(seq[:j])] * _brute_value(tree, pi, seq[:j]) for j in range(H))
    assert abs(J - brute) <= 64 * tree.S * EPS


@given(st.integers(0, 2**31))
@settings(max_examples=10)
def test_gradient_matches_finite_differences(seed):
    tree, rng = _tree(seed)
    th = rng.normal(0, 1.0, (tree.S, tree.vocab))
    nu = B.dataset_reset_distribution(tree, rng.integers(0, 2, 3), 0.3)
    _, g = B.reset_policy_gradient(tree, th, nu)
    h = 1e-6
    fd = np.zeros_like(th)
    for idx in itertools.product(range(tree.S), range(tree.vocab)):
        e = np.zeros_like(th)
        e[idx] = h
        fd[idx] = (B.reset_policy_gradient(tree, th + e, nu)[0] - B.reset_policy_gradient(tree, th - e, nu)[0]) / (2 * h)
    # central differences: truncation h^2 |J'''| (J'' bounded by 3 x the reward range) + rounding eps/h
    assert_close(g, fd, rtol=0, atol=10 * h ** 2 + 100 * EPS / h)


@given(st.integers(0, 2**31))
def test_performance_difference_and_reset_bound(seed):
    tree, rng = _tree(seed)
    pi = softmax(rng.normal(0, 2, (tree.S, 2)), axis=-1)
    seq = rng.integers(0, 2, 3)
    pc = B.deterministic_sequence_policy(tree, seq)
    lhs, rhs = B.tree_performance_difference(tree, pi, pc)
    assert abs(lhs - rhs) <= 64 * tree.S * EPS
    nu = B.dataset_reset_distribution(tree, seq, float(rng.uniform(0.05, 1)))
    out = B.reset_coverage_bound(tree, pi, pc, nu)
    tol = 64 * tree.S * EPS
    assert out["gap"] <= out["middle"] + tol and out["middle"] <= out["bound"] + tol
    assert out["coverage"] == pytest.approx(1.0 / min(nu[tree.state(seq[:j])] for j in range(3)), rel=1e-12)


def test_root_only_reset_leaves_the_bound_vacuous():
    tree, rng = _tree(1)
    seq = [1, 0, 1]
    pc = B.deterministic_sequence_policy(tree, seq)
    out = B.reset_coverage_bound(tree, np.full((tree.S, 2), 0.5), pc, B.dataset_reset_distribution(tree, seq, 1.0))
    assert out["coverage"] == np.inf and out["bound"] == np.inf


def test_reset_distribution_and_tree_layout():
    tree = B.token_tree_mdp(3, 2, np.arange(9.0))
    assert tree.S == 13 and tree.state([]) == 0 and tree.state([2, 1]) == 4 + 2 * 3 + 1
    nu = B.dataset_reset_distribution(tree, [2, 1], 0.25)
    assert nu[0] == 0.25 and nu[tree.state([2])] == 0.75 and nu.sum() == 1.0
    # full responses are absorbing with reward 0; the last token pays the leaf reward
    assert tree.mdp.r[0, tree.state([2]), 1] == 7.0 and np.all(tree.mdp.r[0, 4:] == 0)


def test_ascent_with_resets_escapes_the_trap():
    """Root-only PG stays at the 0.5 plateau, dataset resets reach the covered response (small instance)."""
    V, H = 3, 3
    r = np.zeros(V ** H)
    r[: V ** (H - 1)] = 0.5
    star = [2, 1, 2]
    r[2 * 9 + 1 * 3 + 2] = 1.0
    tree = B.token_tree_mdp(V, H, r)
    th0 = np.zeros((tree.S, V))
    root = B.reset_policy_gradient_ascent(tree, th0, B.dataset_reset_distribution(tree, star, 1.0), 1.0, 400)
    mix = B.reset_policy_gradient_ascent(tree, th0, B.dataset_reset_distribution(tree, star, 0.5), 1.0, 400)
    assert root["V_root"][-1] < 0.51 and mix["V_root"][-1] > 0.95


def test_bad_inputs():
    with pytest.raises(ValidationError, match="vocab"):
        B.token_tree_mdp(1, 2, [1.0])
    with pytest.raises(ShapeError, match="leaf_rewards"):
        B.token_tree_mdp(2, 2, np.ones(3))
    with pytest.raises(InfeasibleSizeError):
        B.token_tree_mdp(10, 6, np.zeros(10 ** 6))
    tree = B.token_tree_mdp(2, 2, np.ones(4))
    with pytest.raises(ValidationError, match="sequence"):
        B.dataset_reset_distribution(tree, [0], 0.5)
    with pytest.raises(ValidationError, match="root_weight"):
        B.dataset_reset_distribution(tree, [0, 1], 1.5)
    with pytest.raises(ValidationError, match="nu"):
        B.reset_policy_gradient(tree, np.zeros((7, 2)), np.full(7, 0.5))
    with pytest.raises(ShapeError, match="logits"):
        B.reset_policy_gradient(tree, np.zeros((7, 3)), np.eye(7)[0])
    with pytest.raises(ValidationError, match="prefix"):
        tree.state([0, 2])
    with pytest.raises(ValidationError, match="eta"):
        B.reset_policy_gradient_ascent(tree, np.zeros((7, 2)), np.eye(7)[0], 0.0, 3)


def test_registered_check(tmp_path, monkeypatch):
    from _d2_checks import run_check

    rep = run_check("chang2024-dataset-reset", tmp_path, expected="consistent", bibtex_key="chang2024dataset",
                    monkeypatch=monkeypatch)
    nums = rep.details["subchecks"][-1]["numbers"]
    assert nums["gap root only"] > 0.4 and max(nums["certified gap (w=0.5, 0.2)"]) < 0.1
