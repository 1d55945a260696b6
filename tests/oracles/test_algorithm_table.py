r"""Every iterative algorithm runs with the exact oracle and with a sampled oracle; with the sampled
oracle at large ``n`` its trace approaches the exact trace (issue 13, item 1.4).

One table, one row per algorithm. A row gives the exact run and the sampled run of the same
algorithm from the same start on a tiny problem (2-4 states, actions or items); the recorded
metrics are exact in both runs (the algorithms evaluate their iterates exactly whatever the oracle).

The statistical claim (``test_sampled_trace_approaches_exact``) is about the final iterate
:math:`\theta_T` (logits or log-policy), which with the start determines the whole trace. The
sampled oracle is unbiased with variance :math:`\sigma^2/n`, and :math:`\theta_T` is a smooth
function of the ``T`` oracle outputs, so :math:`D_i = \theta_T^{(i)} - \theta_T^{\rm exact}` (seed
``i``) has standard deviation :math:`O(n^{-1/2})` and mean :math:`O(1/n)` (the second-order term of
the delta method). Over ``R`` seeds the test asserts for every coordinate ``j``

.. math::

    |\bar D_j| \le t_{R-1}(1-\alpha/(2p))\;\widehat{\mathrm{sd}}(D_j)/\sqrt R,

the Student-t interval from the run's own sampling variance, Bonferroni over the ``p`` coordinates,
family false-alarm rate ``alpha = 1e-5`` per row, seeds from :func:`pgtheory.testing.test_seed`.
The :math:`O(1/n)` mean is dropped: against the half-width it is :math:`O(\sqrt{R/n})/t` with
:math:`t \ge 7.6` here (``R = 16``, ``p <= 40`` coordinates) and ``n >= 1000`` samples per oracle
entry, a few percent of the half-width. Measured: over four reseeded runs of the table the largest
``|t|`` of any row was 5.4 (threshold 7.6 to 8.8); with 128 seeds the ``|t|`` of the NPG rows stay
below 2.3, so their bias is not visible at this ``n``.

Why not the metric (the value, the KL): for the normalised methods (N-PG-IGT, N-SGDM, N-HARPG) the
step :math:`d/\|d\|` discards the noise along :math:`d`, and the noise across :math:`d` is orthogonal
to the gradient to first order, so :math:`J(\theta_T)` deviates only at second order: its mean and
its standard deviation are both :math:`O(1/n)` (measured: 8.3e-4, 2.2e-4, 4.0e-5 at n = 1e3, 4e3,
1.6e4, each about one standard deviation), and an interval that drops the bias would be wrong.
The iterate has a first-order deviation for every method.

A wrong oracle moves :math:`\bar D` by :math:`O(1)` against a half-width :math:`O(n^{-1/2})`. Measured
power at these sizes: an oracle whose output is multiplied by 1.1 fails the un-normalised rows
(softmax PG, bandit, NPG, entropy NPG, vanilla PG, HARPG, SubPO; the normalised methods are
scale-free by design, the Nash rows move too little); one biased by a ramp of amplitude 0.01 fails
13 of 16 rows; an oracle that is never called fails every row (the ``D != 0`` check). The table
runs in about 30 s (NumPy backend).
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Callable

import numpy as np
import pytest
from scipy import stats

from pgtheory.algorithms import (
    continuous_greedy,
    egpo,
    entropy_npg,
    harpg,
    modular_pg,
    n_harpg,
    n_pg_igt,
    n_sgdm,
    nash_md,
    nash_mp,
    omwu,
    online_mirror_descent,
    projected_gradient_ascent,
    softmax_npg,
    softmax_pg,
    subpo,
    vanilla_pg,
)
from pgtheory.bandits import ContextualBandit
from pgtheory.games import random_preference_game
from pgtheory.mdp.instances import garnet
from pgtheory.oracles import (
    BanditOracle,
    ExactOracle,
    ExactPreferenceOracle,
    ExactSubRLOracle,
    SampledOracle,
    SampledPreferenceOracle,
    SubRLOracle,
)
from pgtheory.submodular import bandit_env, random_coverage
from pgtheory.testing import test_seed

R = 16         # seeds per row
ALPHA = 1e-5   # family false-alarm rate of one row (Bonferroni over its records)

MDP = garnet(3, 2, 2, gamma=0.5, seed=11)
GAME = random_preference_game(3, rng=4)
BANDIT = ContextualBandit(np.array([[1.0, 0.3, 0.6], [0.2, 0.9, 0.4]]), rho=[0.4, 0.6])
SUBRL = bandit_env(random_coverage(4, 8, rng=3), 2)
SUBRL_NULL = bandit_env(random_coverage(4, 8, rng=3), 2, null_action=True)


@dataclasses.dataclass(frozen=True)
class Row:
    """One algorithm: ``exact(seed)`` and ``sampled(seed)`` return the compared metric, shape (K,)."""

    name: str
    exact: Callable[[int], np.ndarray]
    sampled: Callable[[int], np.ndarray] | None
    metric: str


def _mdp_oracle(n, seed):
    return SampledOracle(MDP, n=n, backend="numpy", rng=seed)


def _igt_row(name, f, n):
    # one call advances all R seeds as a batch (one generator per seed spawned from rng): the exact run
    # uses the same rng, so HARPG's random mixing points are the same draws in both runs
    kw = dict(n_iter=6, eta=0.3, n_seeds=R, n_records=4)
    return Row(name,
               lambda s: f(MDP, rng=s, oracle=ExactOracle(MDP), **kw),
               lambda s: f(MDP, rng=s, oracle=_mdp_oracle(n, s + 1), **kw),
               "suboptimality_by_seed")


def _nash_row(name, f, n, **kw):
    return Row(name,
               lambda s: f(GAME, 0.5, 4, oracle=ExactPreferenceOracle(GAME), **kw),
               lambda s: f(GAME, 0.5, 4, oracle=SampledPreferenceOracle(GAME, n=n), rng=s, **kw),
               "kl")


ROWS = [
    Row("softmax_pg",
        lambda s: softmax_pg(MDP, eta=0.5, n_iter=5, oracle=ExactOracle(MDP)),
        lambda s: softmax_pg(MDP, eta=0.5, n_iter=5, oracle=_mdp_oracle(4000, s)), "value"),
    Row("softmax_pg[BanditOracle rloo]",
        lambda s: softmax_pg(BanditOracle(BANDIT, "rloo", G=4).mdp, eta=1.0, n_iter=5),
        lambda s: (lambda o: softmax_pg(o.mdp, eta=1.0, n_iter=5, oracle=o))(
            BanditOracle(BANDIT, "rloo", G=4, n=2000, rng=s)), "value"),
    Row("softmax_npg",
        lambda s: softmax_npg(MDP, eta=0.5, n_iter=4, oracle=ExactOracle(MDP)),
        lambda s: softmax_npg(MDP, eta=0.5, n_iter=4, oracle=_mdp_oracle(1000, s)), "value"),
    Row("entropy_npg",
        lambda s: entropy_npg(MDP, eta=0.5, tau=0.2, n_iter=4, oracle=ExactOracle(MDP)),
        lambda s: entropy_npg(MDP, eta=0.5, tau=0.2, n_iter=4,
                              oracle=_mdp_oracle(1000, s)), "suboptimality"),
    _igt_row("n_pg_igt", n_pg_igt, 4000),
    _igt_row("vanilla_pg", vanilla_pg, 4000),
    _igt_row("n_sgdm", n_sgdm, 4000),
    _igt_row("harpg", harpg, 4000),
    _igt_row("n_harpg", n_harpg, 4000),
    _nash_row("nash_md", nash_md, 4000),
    _nash_row("nash_mp", nash_mp, 4000),
    _nash_row("egpo", egpo, 4000),
    _nash_row("online_mirror_descent", online_mirror_descent, 4000, eta=1.0),
    _nash_row("omwu", omwu, 4000, eta=1.0),
    Row("subpo",
        lambda s: subpo(SUBRL, oracle=ExactSubRLOracle(SUBRL), n_iter=5, eta=0.3),
        lambda s: subpo(SUBRL, oracle=SubRLOracle(SUBRL, n=2000), n_iter=5, eta=0.3, rng=s,
                        graph=ExactSubRLOracle(SUBRL).graph), "objective"),
    Row("modular_pg",
        lambda s: modular_pg(SUBRL, n_iter=5, eta=0.3),
        lambda s: modular_pg(SUBRL, oracle=SubRLOracle(SUBRL, n=2000, reward="modular"), n_iter=5, eta=0.3, rng=s,
                             graph=ExactSubRLOracle(SUBRL).graph), "objective"),
    # exact only: no sampled oracle of the direct parameterisation exists (the SubPO estimator is for softmax)
    Row("continuous_greedy",
        lambda s: continuous_greedy(SUBRL_NULL, n_iter=5,
                                    oracle=ExactSubRLOracle(SUBRL_NULL, "state_independent",
                                                            parameterization="direct")),
        None, "objective"),
    Row("projected_gradient_ascent",
        lambda s: projected_gradient_ascent(SUBRL_NULL, n_iter=5, eta=0.2,
                                            oracle=ExactSubRLOracle(SUBRL_NULL, "state_independent",
                                                                    parameterization="direct")),
        None, "objective"),
]


def _final(trace) -> np.ndarray:
    """The final iterate, flattened: (p,), or (R, p) for the batched IGT runs."""
    fin = trace.final
    th = np.asarray(fin["theta"] if "theta" in fin else fin["log_pi"] if "log_pi" in fin else fin["pi"])
    return th.reshape(th.shape[0], -1) if trace.algorithm in _BATCHED else th.reshape(-1)


_BATCHED = {"n_pg_igt", "vanilla_pg", "n_sgdm", "harpg", "n_harpg"}


def _by_seed(run, seeds):
    """(R, p) final iterates: one run per seed, or one batched run (the IGT family advances R seeds)."""
    first = run(seeds[0])
    if first.algorithm in _BATCHED:
        return _final(first)
    return np.stack([_final(first)] + [_final(run(s)) for s in seeds[1:]])


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_exact_oracle_runs_and_is_deterministic(row):
    a, b = row.exact(0), row.exact(0)
    m = np.asarray(a.metrics[row.metric])
    assert np.all(np.isfinite(m)) and m.shape[-1] >= 3 and np.all(np.isfinite(_final(a)))
    assert np.array_equal(m, b.metrics[row.metric]) and np.array_equal(_final(a), _final(b))


@pytest.mark.statistical
@pytest.mark.parametrize("row", [r for r in ROWS if r.sampled is not None],
                         ids=[r.name for r in ROWS if r.sampled is not None])
def test_sampled_trace_approaches_exact(row):
    """Student-t interval over R = 8 seeds per coordinate of the final iterate, family false-alarm rate
    1e-5 per row (module docstring)."""
    base = test_seed(1700 + [r.name for r in ROWS].index(row.name) * 100)
    seeds = [base + i for i in range(R)]
    X = _by_seed(row.sampled, seeds)            # (R, p)
    x = _final(row.exact(base))                  # (p,), or (R, p) for the IGT rows (HARPG's q differs by seed)
    D = X - x
    p = D.shape[1]
    sd = D.std(axis=0, ddof=1)
    half = stats.t.isf(ALPHA / (2 * p), R - 1) * sd / np.sqrt(R)
    assert np.abs(D).max() > 0, f"{row.name}: the sampled run equals the exact run bitwise; the oracle was not used"
    bad = np.abs(D.mean(axis=0)) > half
    assert not bad.any(), (f"{row.name}: mean deviation of the final iterate {D.mean(axis=0)} exceeds the "
                           f"t-interval half-width {half} (sd {sd}) at coordinates {np.flatnonzero(bad)}")


def test_sampled_oracle_is_consumed_and_counted():
    tr = softmax_npg(MDP, eta=0.5, n_iter=3, oracle=_mdp_oracle(10, 0))
    assert tr.samples.tolist() == [0, 60, 120, 180] and tr.sample_unit == "trajectories"   # n * S * A per call
    tr = entropy_npg(MDP, eta=0.5, tau=0.2, n_iter=2, oracle=_mdp_oracle(10, 0))
    assert tr.samples.tolist() == [0, 60, 120]
    o = BanditOracle(BANDIT, "grpo", G=4, n=5, rng=0)
    tr = softmax_pg(o.mdp, eta=1.0, n_iter=3, oracle=o)
    assert tr.samples.tolist() == [0, 40, 80, 120]                                        # n * G * M responses
    tr = subpo(SUBRL, oracle=SubRLOracle(SUBRL, n=7, rng=0), n_iter=3, eta=0.3, eval_samples=50)
    assert tr.samples.tolist() == [0, 7, 14, 21] and tr.sample_unit == "trajectories"


def test_exact_oracle_object_reproduces_the_default_bitwise():
    """An ExactOracle of the same MDP takes the exact loop (bitwise); one of a copy takes the oracle path,
    equal up to the rounding of a different linear solve per step."""
    for f, kw in ((softmax_npg, {}), (entropy_npg, {"tau": 0.2})):
        a = f(MDP, eta=0.5, n_iter=6, **kw)
        b = f(MDP, eta=0.5, n_iter=6, oracle=ExactOracle(MDP), **kw)
        assert np.array_equal(a.final["theta"], b.final["theta"]) and np.array_equal(a.samples, b.samples)
        c = f(MDP, eta=0.5, n_iter=6, oracle=ExactOracle(copy.deepcopy(MDP)), **kw)
        # per step: Q from two LU paths differs by <= cond(I - gamma P_pi) * eps * |Q|, cond <= (1+g)/(1-g) = 3,
        # |Q| <= 1/(1-g) = 2; the logits move by eta/(1-g) = 1 times that, 6 steps accumulate (x 6 x 8 slack
        # for the log-softmax and the value map, each Lipschitz with constant <= 2/(1-g) = 4 in these norms)
        tol = 6 * 8 * 3 * np.finfo(float).eps * 2 * 4
        np.testing.assert_allclose(c.final["theta"], a.final["theta"], rtol=0, atol=tol)
    a, b = subpo(SUBRL, n_iter=4, eta=0.3), subpo(SUBRL, n_iter=4, eta=0.3, oracle=ExactSubRLOracle(SUBRL))
    assert np.array_equal(a.metrics["objective"], b.metrics["objective"]) and np.array_equal(a.samples, b.samples)
    a = continuous_greedy(SUBRL_NULL, n_iter=5)
    b = continuous_greedy(SUBRL_NULL, n_iter=5, oracle=ExactSubRLOracle(SUBRL_NULL, "state_independent",
                                                                        parameterization="direct"))
    assert np.array_equal(a.metrics["objective"], b.metrics["objective"])
