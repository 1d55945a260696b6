"""Faster formulations in pgtheory.agnostic that must give the same numbers (issue 17): the latent
policy of a Block MDP as an ordered sum, the samplers' cached cumulative transition rows, and
importance sampling's layer-by-layer match."""

import numpy as np
import pytest

from pgtheory import agnostic as ag
from pgtheory.testing import test_seed


def _block(rng, A, sizes=(1, 3, 2), per=6):
    P = tuple(rng.dirichlet(np.ones(sizes[h + 1]), size=(sizes[h], A)) for h in range(len(sizes) - 1))
    lat = ag.LayeredMDP(P, tuple(rng.random((n, A)) for n in sizes))
    q = []
    for n in sizes:
        X = per * n + 2
        owner = np.concatenate([np.arange(n), rng.integers(-1, n, X - n)])    # -1: emitted by no latent state
        rng.shuffle(owner)
        x = np.zeros((n, X))
        for z in range(n):
            sel = np.flatnonzero(owner == z)
            x[z, sel] = rng.dirichlet(np.full(sel.size, 0.7))
        q.append(x)
    return ag.BlockMDP(lat, tuple(q))


@pytest.mark.parametrize("backend", ["numpy", pytest.param("numba", marks=pytest.mark.skipif(
    __import__("importlib").util.find_spec("numba") is None, reason="numba not installed"))])
@pytest.mark.parametrize("A", [1, 2, 3])
def test_latent_policy_is_the_ordered_sum_of_its_definition(A, backend):
    """pibar_h(a | z) = sum_x q_h(x | z) 1{pi(x) = a}, summed in increasing x: bit for bit on both paths
    (the order einsum used for A >= 2; for A = 1 its contiguous SIMD path rounds differently, within 4 ulp)."""
    rng = np.random.default_rng(test_seed(1741 + A))
    blk = _block(rng, A)
    acts = [rng.integers(0, A, size=(4, X)) for X in blk.obs_sizes]
    got = blk.latent_policy(acts, backend=backend)
    for h, (x, a) in enumerate(zip(blk.q, acts)):
        K, (n, X) = a.shape[0], x.shape
        ref = np.zeros((K, n, A))
        for k in range(K):
            for z in range(n):
                for b in range(A):
                    s = 0.0
                    for j in range(X):
                        s += x[z, j] * (1.0 if a[k, j] == b else 0.0)
                    ref[k, z, b] = s
        assert got[h].tobytes() == ref.tobytes(), h
        np.testing.assert_allclose(got[h], np.einsum("zx,kxa->kza", x, np.eye(A)[a]), rtol=4 * np.finfo(float).eps,
                                   atol=0)
        np.testing.assert_allclose(got[h].sum(-1), 1.0, rtol=0, atol=X * np.finfo(float).eps)


def test_cached_transition_cdf_gives_the_cumulative_sums_of_gathered_rows():
    rng = np.random.default_rng(test_seed(1745))
    sizes = (1, 4, 7, 3)
    mdp = ag.LayeredMDP(tuple(rng.dirichlet(np.full(sizes[h + 1], 0.3), size=(sizes[h], 3)) for h in range(3)),
                        tuple(rng.random((n, 3)) for n in sizes))
    assert mdp._cdf is mdp._cdf                        # made once per MDP
    for h in range(3):
        s = rng.integers(0, sizes[h], 200)
        a = rng.integers(0, 3, 200)
        assert mdp._cdf[h][s, a].tobytes() == np.cumsum(mdp.P[h][s, a, :], axis=-1).tobytes()


def test_importance_sampling_matches_the_all_layers_formula():
    rng = np.random.default_rng(test_seed(1746))
    cls = ag.singleton_policies((1, 4, 4, 4))
    mdp = ag.LayeredMDP.fresh_uniform(4, 2, 4, r=tuple(rng.random((n, 2)) / 4 for n in cls.layer_sizes))
    res = ag.importance_sampling(ag.OnlineAccess(mdp, rng=11), cls, 3000)
    ep = ag.OnlineAccess(mdp, rng=11).episodes(np.full((int(mdp.offsets[-1]), 2), 0.5), 3000)   # the same draws
    glob = ep.states + mdp.offsets[:-1][None, :]
    match = np.all(cls.actions[:, glob] == ep.actions[None, :, :], axis=2)
    ref = (match * ep.returns[None, :]).mean(axis=1) * 2.0 ** 4
    assert res.estimates.tobytes() == ref.tobytes()


def test_inverse_cdf_count_by_columns_equals_the_row_sum():
    from pgtheory.agnostic._access import _count_below   # private on purpose: the helper is the unit

    rng = np.random.default_rng(test_seed(1747))
    for N in (1, 2, 5, 16, 17, 40):
        cdf = np.cumsum(rng.dirichlet(np.full(N, 0.5), size=300), axis=1)
        u = rng.random(300)
        u[:5] = cdf[:5, 0]                                  # ties: strictly below counts
        got, ref = _count_below(cdf, u), (u[:, None] > cdf).sum(axis=1)
        assert got.dtype == ref.dtype and np.array_equal(got, ref)


@pytest.mark.parametrize("backend", ["numpy", pytest.param("numba", marks=pytest.mark.skipif(
    __import__("importlib").util.find_spec("numba") is None, reason="numba not installed"))])
def test_latent_policy_rejects_bad_actions_and_shapes_with_named_errors(backend):
    from pgtheory.errors import ShapeError, ValidationError

    rng = np.random.default_rng(test_seed(1748))
    blk = _block(rng, 2)
    acts = [rng.integers(0, 2, size=(3, X)) for X in blk.obs_sizes]
    for bad in (-1, 2):
        wrong = [a.copy() for a in acts]
        wrong[1][2, 5] = bad                        # NumPy's one-hot used to wrap -1 around silently
        with pytest.raises(ValidationError, match=r"obs_actions\[1\] must hold integer actions in 0..1"):
            blk.latent_policy(wrong, backend=backend)
    with pytest.raises(ShapeError, match="one array per layer"):
        blk.latent_policy(acts[:2], backend=backend)
    with pytest.raises(ShapeError, match=r"obs_actions\[2\] must have shape"):
        blk.latent_policy(acts[:2] + [acts[2][:, :-1]], backend=backend)
    with pytest.raises(ValidationError, match="integer actions"):
        blk.latent_policy([a.astype(float) for a in acts], backend=backend)
