"""The fast paths of the tiapkin2025 checks (issue 17) give the reference numbers bitwise.

* stochastic Nash-MP: the Numba kernel of the inner step (``backend="numba"``) against the NumPy
  reference loop (``backend="numpy"``): traces, final policy, the generator's state after the run
  and the oracle's sample count, on plain and contextual games, short and long rows (the kernel
  counts short CDF rows and bisects long ones), both built-in oracles; an oracle with its own
  ``compare`` runs the NumPy loop whatever the backend;
* the sampled preference oracle: both backends against the formula it had before (a broadcast
  comparison of every uniform with every CDF entry), written out here;
* the batched Nash-MP of ``tiapkin2025-rate-vs-beta`` / ``-response-independence``: every row
  bitwise the ``kl`` trace of :func:`~pgtheory.algorithms.nash_mp` on its game alone, whatever the
  batching and the executor.
"""

import numpy as np
import pytest

from pgtheory.algorithms import nash_mp, stochastic_nash_mp
from pgtheory.experiments import SerialExecutor
from pgtheory.experiments.tiapkin2025 import rate_vs_beta_data, response_independence_data
from pgtheory.games import random_preference_game
from pgtheory.oracles import ExactPreferenceOracle, SampledPreferenceOracle

numba = pytest.importorskip("numba")


def _games():
    yield "plain n=5", random_preference_game(5, rng=1)
    yield "contextual n=3", random_preference_game(3, rng=2, contexts=3, rho=[0.2, 0.5, 0.3])
    yield "plain n=40 (bisection)", random_preference_game(40, rng=3)


@pytest.mark.parametrize("label, game", list(_games()), ids=lambda v: v if isinstance(v, str) else "")
@pytest.mark.parametrize("oracle", [None, "exact", "sampled"])
@pytest.mark.parametrize("batch", [1, 7, 300])
def test_stochastic_nash_mp_kernel_is_the_numpy_loop_bitwise(label, game, oracle, batch):
    make = {None: lambda: None, "exact": lambda: ExactPreferenceOracle(game),
            "sampled": lambda: SampledPreferenceOracle(game, n=3)}[oracle]
    runs = []
    for backend in ("numpy", "numba"):
        rng, orc = np.random.default_rng(9), make()
        tr = stochastic_nash_mp(game, 0.3, 3, n_inner=4, batch=batch, rng=rng, oracle=orc, backend=backend)
        runs.append((tr, rng.random(), None if orc is None else orc.samples_used))
    (a, ua, na), (b, ub, nb) = runs
    for key in a.metrics:
        assert np.array_equal(a.metrics[key], b.metrics[key]), key
    assert np.array_equal(a.final["log_pi"], b.final["log_pi"])
    assert np.array_equal(a.samples, b.samples)
    assert ua == ub  # the same number of uniforms drawn
    assert na == nb


def test_an_oracle_with_its_own_compare_runs_the_numpy_loop():
    g = random_preference_game(4, rng=0)

    class Coin(SampledPreferenceOracle):
        """Fair coins, whatever P: the kernel (which reads P) must not be used."""
        def compare(self, y, y_opp, *, rng):
            self.samples_used += int(y.size)
            return (rng.random(y.shape) < 0.5).astype(float)

    a = stochastic_nash_mp(g, 0.5, 2, n_inner=3, batch=16, rng=4, oracle=Coin(g), backend="numba")
    b = stochastic_nash_mp(g, 0.5, 2, n_inner=3, batch=16, rng=4, oracle=Coin(g), backend="numpy")
    c = stochastic_nash_mp(g, 0.5, 2, n_inner=3, batch=16, rng=4, backend="numpy")
    assert np.array_equal(a.metric("kl"), b.metric("kl"))
    assert not np.array_equal(a.metric("kl"), c.metric("kl"))  # the coins were used


def _payoff_before(oracle, theta_opp, rng):
    """SampledPreferenceOracle.payoff as it was written before the fast paths (mean, stderr)."""
    X, m = theta_opp.shape
    cdf = np.cumsum(np.exp(theta_opp), axis=-1)
    u = rng.random((X, m * oracle.n)) * cdf[:, -1:]
    yp = np.minimum((u[:, :, None] >= cdf[:, None, :]).sum(-1), m - 1)
    y = np.repeat(np.arange(m), oracle.n)[None, :].repeat(X, axis=0)
    o = (rng.random(y.shape) < oracle.P[np.arange(X)[:, None], y, yp]).astype(np.float64).reshape(X, m, oracle.n)
    se = o.std(-1, ddof=1) / np.sqrt(oracle.n) if oracle.n > 1 else np.full((X, m), np.nan)
    return o.mean(-1) - 0.5, se


@pytest.mark.parametrize("backend", ["numpy", "numba"])
@pytest.mark.parametrize("m, X", [(2, 1), (6, 1), (4, 3), (40, 2)])
@pytest.mark.parametrize("n", [1, 2, 17, 3000])
def test_sampled_payoff_is_the_former_formula_bitwise(backend, m, X, n):
    g = (random_preference_game(m, rng=m) if X == 1 else
         random_preference_game(m, rng=m, contexts=X, rho=np.full(X, 1.0 / X)))
    r = np.random.default_rng(7 * m + n)
    theta = np.log(r.dirichlet(np.ones(m), size=X))
    theta[:, 1] = -np.inf  # a response the opponent never plays
    oracle = SampledPreferenceOracle(g, n=n, backend=backend)
    for _ in range(2):  # the second call reuses the kernel's arrays
        r1, r2 = np.random.default_rng(5), np.random.default_rng(5)
        est = oracle.payoff(theta, rng=r1)
        mean, se = _payoff_before(oracle, theta, r2)
        assert np.array_equal(est.mean, mean)
        assert np.array_equal(est.stderr, se, equal_nan=True)
        assert r1.random() == r2.random()
    assert oracle.samples_used == 2 * X * m * n and est.backend == backend


@pytest.mark.parametrize("n, R, betas", [(10, 7, [0.01, 2.0]), (3, 4, [0.1])])
def test_rate_vs_beta_rows_are_nash_mp_runs_bitwise(n, R, betas):
    rngs = lambda: [np.random.default_rng(s) for s in np.random.SeedSequence(3).spawn(R)]  # noqa: E731
    data = rate_vs_beta_data(rngs(), n, betas, max_iter=200, executor=SerialExecutor())
    games = [(random_preference_game(n, rng=r), r.dirichlet(np.ones(n))) for r in rngs()]
    for b, (N, y) in data.items():
        runs = [nash_mp(g, b, y.shape[1] - 1, mu=mu) for g, mu in games]
        assert np.array_equal(N, runs[0].samples.astype(float))
        assert np.array_equal(y, np.stack([tr.metric("kl") / tr.metric("kl")[0] for tr in runs]))


def test_response_independence_rows_are_nash_mp_runs_whatever_the_batching(monkeypatch):
    from pgtheory.experiments import tiapkin2025 as T

    rngs = lambda: [np.random.default_rng(s) for s in np.random.SeedSequence(4).spawn(3)]  # noqa: E731
    whole = response_independence_data(rngs(), [4, 30], 0.5)
    monkeypatch.setattr(T, "_BATCH_BYTES", 8 * 30 * 30)  # one game of 30 responses per batch
    split = response_independence_data(rngs(), [4, 30], 0.5)
    streams = rngs()
    seeds = {n: [r.integers(2**63) for r in streams] for n in (4, 30)}  # the serial order: size by size
    for n in (4, 30):
        assert np.array_equal(whole[n][1], split[n][1]) and np.array_equal(whole[n][0], split[n][0])
        runs = []
        for s in seeds[n]:
            r = np.random.default_rng(s)
            g = random_preference_game(n, rng=r)
            runs.append(nash_mp(g, 0.5, whole[n][1].shape[1] - 1, mu=r.dirichlet(np.ones(n))))
        assert np.array_equal(whole[n][1], np.stack([tr.metric("kl") / tr.metric("kl")[0] for tr in runs]))
