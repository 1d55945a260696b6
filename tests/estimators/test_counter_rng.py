"""The counter-based SplitMix64 stream of the Numba kernel (stretch goal): statistical quality and
unbiasedness of the estimators driven by it. Each test is seeded and spends alpha = 1e-5."""

import numpy as np
import pytest
from scipy import stats

from pgtheory.backend import numba_available
from pgtheory.mdp import TabularMDP
from pgtheory.policies import SoftmaxPolicy, policy_gradient
from pgtheory.testing import assert_close, assert_unbiased, test_seed

pytestmark = pytest.mark.skipif(not numba_available(), reason="numba not installed")


@pytest.mark.statistical
def test_splitmix_uniforms_pass_ks_and_pair_chi_square():
    """4 trajectory streams x 50,000 draws: KS against U(0,1) on each stream and a chi-square test
    of consecutive pairs (and of the same draw index across adjacent trajectories) on a 16 x 16 grid.
    alpha = 1e-5 split over 6 p-values."""
    from pgtheory.estimators import _numba

    key = np.uint64(test_seed(0x1234_5678_9ABC_DEF0))
    streams = [_numba.splitmix_uniforms(key, i, 50_000) for i in range(4)]
    pvals = [stats.kstest(u, "uniform").pvalue for u in streams]

    def pair_chi2(x, y):
        counts, _, _ = np.histogram2d(x, y, bins=16, range=[[0, 1], [0, 1]])
        return stats.chisquare(counts.ravel()).pvalue

    pvals.append(pair_chi2(streams[0][:-1], streams[0][1:]))
    pvals.append(pair_chi2(streams[1], streams[2]))
    assert min(pvals) > 1e-5 / len(pvals), pvals
    assert 0.0 <= min(u.min() for u in streams) and max(u.max() for u in streams) < 1.0


@pytest.mark.statistical
def test_gpomdp_with_splitmix_stream_is_unbiased_and_deterministic():
    """GPOMDP driven by SplitMix64 (n = 20,000, geometric termination) is unbiased for the exact
    gradient at alpha = 1e-5; the same seed gives the same result for 1 and 2 threads."""
    import numba

    from pgtheory.estimators import _numba, _tables

    rng = np.random.default_rng(4)
    S, A = 4, 3
    mdp = TabularMDP(rng.dirichlet(np.ones(S), size=(S, A)), rng.uniform(size=(S, A)), 0.8)
    pol, theta = SoftmaxPolicy(S, A), rng.normal(size=(S, A))
    env, pm = _tables.env_table(mdp), _tables.policy_map(pol, theta)
    kw = dict(est_mode=1, b_tab=np.zeros((1, S)), b_const=0.0, rng_kind="splitmix64")
    n = 20_000
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        out1 = _numba.run(env, pm.pi, pm, n, rng=np.random.default_rng(test_seed(11)), **kw)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        out2 = _numba.run(env, pm.pi, pm, n, rng=np.random.default_rng(test_seed(11)), **kw)
    finally:
        numba.set_num_threads(before)
    assert_close(out1["mean"], out2["mean"], rtol=0, atol=0)
    se = np.sqrt(out1["m2"] / (n - 1) / n)
    assert_unbiased(out1["mean"].reshape(S, A), se.reshape(S, A), policy_gradient(mdp, pol, theta), alpha=1e-5)
