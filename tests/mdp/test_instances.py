"""Tests of pgtheory.mdp.instances: structure, sources' stated properties, lumping exactness."""

import numpy as np
import pytest
import scipy.sparse as sp

from pgtheory.errors import ValidationError
from pgtheory.mdp import policy_evaluation
from pgtheory.mdp.instances import chain, combination_lock, garnet, gridworld, li2021_hard_mdp, riverswim
from pgtheory.testing import assert_close


@pytest.mark.parametrize("sparse", [False, True])
def test_garnet_branching_and_seed(sparse):
    mdp = garnet(50, 3, 4, 0.9, seed=1, sparse=sparse)
    P = mdp.P_matrix()
    nnz = (P != 0).sum(axis=1)
    assert np.all(np.asarray(nnz).ravel() == 4)
    assert sp.issparse(mdp.P) == sparse
    again = garnet(50, 3, 4, 0.9, seed=1, sparse=not sparse)
    Pd = P.toarray() if sparse else P
    Pa = again.P_matrix().toarray() if not sparse else again.P_matrix()
    assert_close(Pd, Pa)
    assert_close(mdp.r, again.r)


def test_garnet_large_sparse_is_cheap():
    mdp = garnet(100_000, 2, 5, 0.9, seed=0)
    assert mdp.is_sparse and mdp.P.nnz == 100_000 * 2 * 5


def test_garnet_bad_b():
    with pytest.raises(ValidationError, match="b"):
        garnet(3, 2, 4)


def test_combination_lock_values():
    g, H, A = 0.9, 6, 3
    mdp = combination_lock(H, A, gamma=g, seed=3)
    correct = np.argmax(mdp.P[:H, :, 1:H + 1].sum(-1), axis=1)
    pi = np.zeros((mdp.S, A))
    pi[np.arange(H), correct] = 1.0
    pi[H:, 0] = 1.0
    assert_close(policy_evaluation(mdp, pi).V[0], g ** H)
    uni = np.full((mdp.S, A), 1.0 / A)
    assert_close(policy_evaluation(mdp, uni).V[0], (g / A) ** H)


def test_chain_riverswim_gridworld_are_valid_and_sensible():
    from pgtheory.mdp import value_iteration

    c = chain(gamma=0.95)
    sol = value_iteration(c, tol=1e-10)
    assert np.all(sol.policy[:, 0] == 1.0)  # forward everywhere for large gamma
    rs = riverswim(gamma=0.95)
    sol = value_iteration(rs, tol=1e-10)
    assert np.all(sol.policy[:, 1] == 1.0)  # swim right everywhere
    gw = gridworld(3, 4, slip=0.0, gamma=0.9)
    sol = value_iteration(gw, tol=1e-12)
    # deterministic grid: V*(s) = gamma^dist / (1-gamma) with Manhattan distance to the goal
    i, j = np.divmod(np.arange(12), 4)
    dist = (2 - i) + (3 - j)
    assert_close(sol.V, 0.9 ** dist / 0.1, rtol=1e-8)


def test_li2021_lumping_is_exact():
    """The lumped gradient equals the per-copy gradient of the explicit MDP (all copies equal)."""
    counts = {"S1": 2, "S2": 3, "booster": 2}
    L = li2021_hard_mdp(0.97, counts=counts)
    F = li2021_hard_mdp(0.97, counts=counts, lumped=False)
    assert F.mdp.S == L.n_states_total == F.n_states_total
    rng = np.random.default_rng(0)
    th = rng.normal(size=L.action_mask.shape)
    labs = list(L.labels)
    thF = np.stack([th[labs.index(lab)] for lab in F.labels])
    gF = F.gradient(thF)
    for k, lab in enumerate(labs):
        idx = [i for i, x in enumerate(F.labels) if x == lab]
        for i in idx:
            assert_close(gF[i], L.gradient(th)[k], atol=1e-14)
    assert_close(L.objective(th), F.objective(thF))


def test_li2021_gradient_matches_finite_differences():
    L = li2021_hard_mdp(0.97, counts={"S1": 2, "S2": 3, "booster": 2})
    F = li2021_hard_mdp(0.97, counts={"S1": 2, "S2": 3, "booster": 2}, lumped=False)
    rng = np.random.default_rng(1)
    th = rng.normal(size=F.action_mask.shape)
    g = F.gradient(th)
    eps = 1e-6
    for (i, a) in [(5, 0), (5, 2), (3, 1), (20, 1)]:
        if not F.action_mask[i, a]:
            continue
        e = np.zeros_like(th)
        e[i, a] = eps
        fd = (F.objective(th + e) - F.objective(th - e)) / (2 * eps)
        assert_close(g[i, a], fd, atol=1e-9, rtol=1e-5)


def test_li2021_structure_and_sizes():
    L = li2021_hard_mdp(0.99, 1e9)
    assert L.H == 18 and L.mdp.S == 3 * L.H + 19
    assert L.params["counts"]["S1"] >= 1
    assert_close(L.mdp.rho.sum(), 1.0)
    assert_close(L.mdp.rho, L.multiplicity / L.n_states_total)
    # masked softmax at zero logits is uniform over existing actions
    pi = L.probs(L.init_theta())
    assert_close(pi[L.primary[3]], np.full(3, 1 / 3))
    assert_close(pi[L.adjoint[3]], np.array([0.5, 0.5, 0.0]))
    # paper's taus: tau_s = 0.5 gamma^(2s/3)
    assert_close(L.tau[3], 0.5 * 0.99 ** 2)
    with pytest.raises(ValidationError, match="n_states"):
        li2021_hard_mdp(0.99, 1e3)
    with pytest.raises(ValidationError, match="H ="):
        li2021_hard_mdp(0.9, 1e9)


def test_li2021_softmax_pg_improves_monotonically_for_small_steps():
    """Exact softmax PG with eta < (1-gamma)^2/5 is monotone (Li et al. 2021, Remark 2; Agarwal et al.
    Lemma C.2); the masked actions keep probability 0."""
    L = li2021_hard_mdp(0.97, 1e8)
    eta = 0.9 * (1 - 0.97) ** 2 / 5
    th = L.init_theta()
    vals = [L.objective(th)]
    for _ in range(30):
        th = th + eta * L.gradient(th)
        vals.append(L.objective(th))
    assert all(b >= a - 1e-15 for a, b in zip(vals, vals[1:]))
    assert np.all(L.probs(th)[~L.action_mask] == 0.0)
    from pgtheory.mdp import policy_iteration

    assert vals[-1] <= float(L.mdp.rho @ policy_iteration(L.mdp).V) + 1e-12
