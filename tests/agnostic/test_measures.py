"""Exact measures of pgtheory.agnostic: every quantity by two independent computations.

Spanning capacity: the reachable-set search against (a) the closed forms, (b) the fresh-tree walk
for named classes, and (c) a blind product over every deterministic MDP (tiny sizes), which
counts reached pairs through exact occupancies -- a separate code path.
"""

import itertools
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgtheory import agnostic as ag


def _rand_mdp(rng, sizes, A, conc=1.0, r=True):
    P = tuple(rng.dirichlet(np.full(sizes[h + 1], conc), size=(sizes[h], A)) for h in range(len(sizes) - 1))
    R = tuple(rng.random((n, A)) if r else np.zeros((n, A)) for n in sizes)
    return ag.LayeredMDP(P, R, 0)


@pytest.mark.parametrize("H,n,A", [(4, 4, 3), (3, 2, 2)])
def test_constants(H, n, A):
    sc = ag.spanning_capacity(ag.constant_policies((1,) + (n,) * (H - 1), A), method="enumerate")
    assert sc.value == ag.spanning_capacity_closed_form("constants", H, A) == A
    assert list(sc.per_layer) == [A] * H


@pytest.mark.parametrize("H,n,expected", [(3, 2, [2, 4, 4]), (3, 3, [2, 4, 6])])
def test_all_policies(H, n, expected):
    cls = ag.all_policies((1,) + (n,) * (H - 1), 2)
    sc = ag.spanning_capacity(cls, method="enumerate")
    assert list(sc.per_layer) == expected
    assert sc.value == ag.spanning_capacity_closed_form("all", H, 2, n=n)


@pytest.mark.parametrize("H", [3, 4])
def test_open_loop(H):
    cls = ag.open_loop_policies((1,) + (8,) * (H - 1), 2)
    for m in ("enumerate", "tree"):
        sc = ag.spanning_capacity(cls, method=m)
        assert list(sc.per_layer) == [2 ** (h + 1) for h in range(H)]
        assert sc.value == 2 ** H == ag.spanning_capacity_closed_form("open_loop", H)


@pytest.mark.parametrize("H", [3, 4, 5])
def test_singletons(H):
    cls = ag.singleton_policies((1,) + (5,) * (H - 1))
    for m in ("enumerate", "tree"):
        assert ag.spanning_capacity(cls, method=m).value == H + 1 == ag.spanning_capacity_closed_form("singletons", H)


@pytest.mark.parametrize("H,expected", [(3, [2, 4, 7]), (4, [2, 4, 7, 11])])
def test_two_tons(H, expected):
    cls = ag.ell_ton_policies((1,) + (7,) * (H - 1), 2)
    for m in ("enumerate", "tree"):
        assert list(ag.spanning_capacity(cls, method=m).per_layer) == expected
    assert expected[-1] == 1 + H + H * (H - 1) // 2 == ag.spanning_capacity_closed_form("ell_tons", H, ell=2)


def test_open_loop_h12_under_a_second():
    cls = ag.open_loop_policies(tuple(2 ** h for h in range(12)), 2)
    t = time.perf_counter()
    sc = ag.spanning_capacity(cls)
    dt = time.perf_counter() - t
    assert sc.value == 4096 and sc.method == "tree"
    assert dt < 1.0, f"spanning capacity of the open-loop class (H=12) took {dt:.2f} s"


def _brute(cls):
    """Max over *every* deterministic MDP of the reached-pair counts (through exact occupancies)."""
    sizes, A = cls.layer_sizes, cls.A
    tables = [list(itertools.product(range(sizes[h + 1]), repeat=sizes[h] * A)) for h in range(len(sizes) - 1)]
    best = np.zeros(len(sizes), dtype=int)
    zero_r = [np.zeros((n, A)) for n in sizes]
    for combo in itertools.product(*tables):
        ns = [np.array(t).reshape(sizes[h], A) for h, t in enumerate(combo)]
        m = ag.LayeredMDP.deterministic(ns, zero_r, layer_sizes=sizes)
        best = np.maximum(best, ag.reachable_pairs(m, cls))
    return best


@settings(deadline=None, max_examples=15)
@given(seed=st.integers(0, 10**6), K=st.integers(1, 6), n2=st.integers(1, 2), n3=st.integers(1, 2))
def test_enumeration_equals_blind_product(seed, K, n2, n3):
    rng = np.random.default_rng(seed)
    sizes = (1, n2, n3)
    cls = ag.PolicyClass(rng.integers(0, 2, size=(K, sum(sizes))), sizes, 2)
    sc = ag.spanning_capacity(cls, method="enumerate")
    assert list(sc.per_layer) == list(_brute(cls))
    assert sc.value <= cls.size
    # the returned maximiser attains the maximum
    assert ag.reachable_pairs(sc.maximiser, cls)[sc.argmax_layer] == sc.value


@settings(deadline=None, max_examples=15)
@given(seed=st.integers(0, 10**6), conc=st.sampled_from([0.05, 0.3, 1.0, 5.0]))
def test_coverability_below_spanning_capacity(seed, conc):
    rng = np.random.default_rng(seed)
    H = 4
    sizes = (1,) + (5,) * (H - 1)
    for cls in (ag.singleton_policies(sizes), ag.ell_ton_policies((1,) + (7,) * (H - 1), 2)):
        sc = ag.spanning_capacity(cls)
        mdp = _rand_mdp(rng, cls.layer_sizes, 2, conc)
        c, per = ag.coverability(mdp, cls)
        assert c <= sc.value + 1e-9
        # equality at the deterministic maximiser
        assert ag.coverability(sc.maximiser, cls)[0] == pytest.approx(sc.value, abs=1e-12)


@settings(deadline=None, max_examples=20)
@given(seed=st.integers(0, 10**6), K=st.integers(1, 8))
def test_values_forward_equal_backward(seed, K):
    from pgtheory.agnostic._learners import _values_det

    rng = np.random.default_rng(seed)
    sizes = (1, 3, 2, 3)
    mdp = _rand_mdp(rng, sizes, 3)
    cls = ag.PolicyClass(rng.integers(0, 3, size=(K, sum(sizes))), sizes, 3)
    V = ag.policy_values(mdp, cls)
    back = [_values_det(mdp, cls.actions[k])[0][0] for k in range(K)]
    np.testing.assert_allclose(V, back, rtol=1e-12, atol=1e-12)
    d = ag.occupancies(mdp, cls)
    for h in range(len(sizes)):
        np.testing.assert_allclose(d[h].sum(1), 1.0, atol=1e-12)


@settings(deadline=None, max_examples=10)
@given(seed=st.integers(0, 10**6))
def test_all_policies_are_complete(seed):
    rng = np.random.default_rng(seed)
    sizes = (1, 2, 2)
    mdp = _rand_mdp(rng, sizes, 2)
    assert ag.policy_completeness(mdp, ag.all_policies(sizes, 2)).complete


def test_sunflower_class_reproduces_singletons():
    sizes = (1, 3, 3)
    single = ag.singleton_policies(sizes)
    petals = [{}] + [{s: 1} for s in range(sum(sizes))]
    sun = ag.sunflower_class(sizes, 2, np.zeros(sum(sizes), dtype=int), petals)
    np.testing.assert_array_equal(sun.actions, single.actions)
    assert ag.spanning_capacity(sun, method="enumerate").value == ag.spanning_capacity(single, method="tree").value == 4


def test_block_mdp_latent_policy_and_validation():
    from pgtheory.errors import ValidationError
    from pgtheory.experiments.krishnamurthy2025 import block_observation_mdp

    rng = np.random.default_rng(0)
    sizes = (1, 2, 2)
    P = tuple(rng.dirichlet(np.ones(sizes[h + 1]), size=(sizes[h], 2)) for h in range(2))
    lat = ag.LayeredMDP(P, tuple(rng.random((n, 2)) for n in sizes))
    q = (np.ones((1, 1)),) + tuple(np.kron(np.eye(2), np.full((1, 3), 1 / 3)) for _ in range(2))
    blk = ag.BlockMDP(lat, q)
    acts = [rng.integers(0, 2, size=(5, X)) for X in blk.obs_sizes]
    cls = ag.PolicyClass(np.concatenate(acts, axis=1), blk.obs_sizes, 2)
    np.testing.assert_allclose(ag.policy_values(block_observation_mdp(blk), cls),
                               ag.policy_values(lat, None, policy=blk.latent_policy(acts)), rtol=1e-12)
    bad = (np.ones((1, 1)), np.full((2, 2), 0.5), q[2])
    with pytest.raises(ValidationError, match="disjoint supports"):
        ag.BlockMDP(lat, bad)
