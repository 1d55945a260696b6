r"""Nash-learning machinery shared by several papers: the update rules (mirror step, EGPO / online
IPO, the centred payoff query), the linear methods converging to the equilibrium, EGPO's inferred
contraction (Zhou et al. 2025), and the input validation of every runner.

Ground truth: the exact equilibrium (``regularized_nash``, certified), closed forms of the mirror
step, finite differences of the IPO loss, and the inferred EGPO contraction (falsification test at
every iterate). Nash-MD (Munos et al. 2024) is tested in ``test_munos2024.py``, Nash-MP and its
stochastic variant (Tiapkin et al. 2025) in ``test_tiapkin2025.py``.
"""

import numpy as np
import pytest
from hypothesis import given, settings

from pgtheory.algorithms.nash import (
    egpo,
    egpo_update,
    mirror_step,
    nash_md,
    nash_mp,
    omwu,
    online_ipo_grad,
    online_ipo_loss,
    online_mirror_descent,
    payoff,
    stochastic_nash_mp,
)
from pgtheory.bounds.catalog import zhou2025
from pgtheory.errors import InvalidStepSizeError, ValidationError
from pgtheory.games import random_preference_game, regularized_nash
from pgtheory.testing import assert_close

from ._helpers import (
    ROUND,
    ctx,
    instances,
)


# ---------------------------------------------------------------- update rules
@settings(deadline=None)
@given(inst=instances(max_n=12))
def test_egpo_ipo_gradient_equals_policy_space_extragradient(inst):
    game, beta, mu, _ = inst
    A, _ = ctx(game)
    lmu = np.log(np.atleast_2d(mu))
    th = np.log(np.random.default_rng(0).dirichlet(np.ones(game.n)))[None]
    eta = 1 / (1 + beta)
    a, ah = egpo_update(th, A, lmu, beta, eta, via_ipo_loss=True)
    b, bh = egpo_update(th, A, lmu, beta, eta, via_ipo_loss=False)
    assert_close(a, b, atol=1e-11)
    assert_close(ah, bh, atol=1e-11)


def test_ipo_gradient_matches_finite_differences():
    rng = np.random.default_rng(3)
    th, tg = rng.normal(size=(1, 6)), rng.normal(size=(1, 6))
    g = online_ipo_grad(th, tg)
    h = 1e-6
    fd = np.array([(online_ipo_loss(th + h * e, tg) - online_ipo_loss(th - h * e, tg))[0] / (2 * h)
                   for e in np.eye(6)[:, None, :]])
    assert_close(g[0], fd, atol=1e-8)
    # the loss is the uniform-pair mean of squared log-ratio-difference errors
    u = th[0] - tg[0]
    brute = np.mean((u[:, None] - u[None, :]) ** 2)
    assert_close(online_ipo_loss(th, tg)[0], brute, atol=1e-14)


def test_mirror_step_is_the_geometric_mixture_formula():
    rng = np.random.default_rng(1)
    th, lmu = (np.log(rng.dirichlet(np.ones(4)))[None] for _ in range(2))
    g = rng.normal(size=(1, 4))
    out = np.exp(mirror_step(th, g, lmu, 0.3, 0.25))
    ref = np.exp(th) ** 0.75 * np.exp(lmu) ** 0.25 * np.exp(0.25 * g / 0.3)
    assert_close(out, ref / ref.sum(), atol=1e-15)


# ---------------------------------------------------------------- EGPO bound, convergence
@settings(deadline=None)
@given(inst=instances())
def test_egpo_inferred_bound_holds_at_every_iterate(inst):
    game, beta, mu, pi0 = inst
    tr = egpo(game, beta, 80, mu=mu, pi0=pi0)
    kl = tr.metric("kl")
    bound = zhou2025.kl_bound(tr.samples, beta, tr.params["eta"], kl[0])
    assert np.all(kl <= bound * (1 + 1e-9) + ROUND)


@pytest.mark.parametrize("run", [
    lambda g, b: online_mirror_descent(g, b, 400, eta=0.5),
    lambda g, b: omwu(g, b, 400, eta=0.5),
    lambda g, b: nash_mp(g, b, 200),
    lambda g, b: egpo(g, b, 200),
])
def test_linear_methods_converge_to_the_equilibrium(run):
    g = random_preference_game(12, rng=4)
    tr = run(g, 0.5)
    assert tr.metric("kl")[-1] <= 1e-12
    assert tr.metric("gap")[-1] <= 1e-12
    assert tr.metric("span")[-1] <= 1e-5


# ---------------------------------------------------------------- bad input
def test_step_sizes_outside_admissible_range_raise():
    g = random_preference_game(3, rng=0)
    with pytest.raises(InvalidStepSizeError, match="eta"):
        nash_mp(g, 0.1, 5, eta=0.3)  # > 2 beta
    with pytest.raises(InvalidStepSizeError, match="eta"):
        egpo(g, 0.1, 5, eta=0.95)  # > 1/(1 + beta)
    with pytest.raises(InvalidStepSizeError, match="eta"):
        nash_md(g, 0.1, 5, eta=11.0)  # eta * beta > 1
    with pytest.raises(InvalidStepSizeError, match="eta"):
        online_mirror_descent(g, 0.1, 5, eta=0.0)
    with pytest.raises(InvalidStepSizeError, match="eta"):
        omwu(g, 0.1, 5, eta=-1.0)
    with pytest.raises(InvalidStepSizeError, match="lr"):
        stochastic_nash_mp(g, 0.1, 5, n_inner=2, batch=2, lr=0.0)
    with pytest.raises(ValidationError, match="eta"):
        nash_md(g, 0.1, 5, eta="bogus")


def test_bad_inputs_to_runners_raise():
    g = random_preference_game(3, rng=0)
    with pytest.raises(ValidationError, match="beta"):
        nash_mp(g, 0.0, 5)
    with pytest.raises(ValidationError, match="mu"):
        nash_mp(g, 0.1, 5, mu=[0.5, 0.5, 0.0])
    with pytest.raises(ValidationError, match="pi0"):
        nash_mp(g, 0.1, 5, pi0=[1.0, 0.0, 0.0])
    with pytest.raises(ValidationError, match="beta"):
        nash_mp(g, 0.1, 5, equilibrium=regularized_nash(g, 0.2))
    with pytest.raises(ValidationError, match="n_iter"):
        nash_mp(g, 0.1, -1)


def test_payoff_is_the_centred_query():
    g = random_preference_game(5, rng=0)
    pi = np.random.default_rng(0).dirichlet(np.ones(5))
    assert_close(payoff(g.as_contextual().A, np.log(pi)[None])[0], g.P @ pi - 0.5, atol=1e-15)


