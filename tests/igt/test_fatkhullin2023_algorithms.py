"""N-PG-IGT, (N)-HARPG, vanilla PG, N-SGDM: update rules against hand-computed steps, backends, errors."""

import numpy as np
import pytest

from pgtheory.algorithms.harpg import harpg, harpg_momentum, harpg_point, n_harpg
from pgtheory.algorithms.igt import (METHODS, igt_extrapolate, momentum_update, n_pg_igt, normalized_step,
                                     run_method, vanilla_pg)
from pgtheory.bandits._continuous import make_cauchy_bandit
from pgtheory.errors import InvalidStepSizeError, ShapeError, ValidationError
from pgtheory.lqr import UnstableGainError, make_lqr
from pgtheory.testing import assert_close


@pytest.fixture(scope="module")
def bandit():
    return make_cauchy_bandit()


def _hand_grad(b, theta, u):
    """r * 2u/(s^2+u^2) * phi_s from two uniforms (context by inverse CDF, action noise tan)."""
    s = min(int(np.searchsorted(np.cumsum(b.context_probs), u[0], side="right")), len(b.context_probs) - 1)
    xi = b.sigma * np.tan(np.pi * (u[1] - 0.5))
    a = b.features[s] @ theta + xi
    r = np.exp(-0.5 * (a - b.targets[s]) ** 2)
    return r * 2 * xi / (b.sigma**2 + xi**2) * b.features[s], s, xi, r


def _hand_hvp(b, theta, v, u):
    g, s, xi, r = _hand_grad(b, theta, u)
    s2 = b.sigma**2
    g1 = 2 * xi / (s2 + xi**2)
    g2 = 2 * (xi**2 - s2) / (s2 + xi**2) ** 2
    return r * (g1**2 + g2) * (b.features[s] @ v) * b.features[s]


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_igt_two_steps_by_hand(bandit, backend):
    g0 = 0.7
    tr = n_pg_igt(bandit, 2, g0, rng=42, backend=backend)
    rng = np.random.default_rng(42)
    u0, u1 = rng.random(2), rng.random(2)  # chunks of one iteration each: uniforms (ctx, action)
    th0 = np.zeros(4)
    d = _hand_grad(bandit, th0, u0)[0]  # eta_0 = 1
    th1 = th0 + g0 * d / np.linalg.norm(d)
    eta = 2.0 ** (-0.8)
    bar = th1 + (1 - eta) / eta * (th1 - th0)
    d = (1 - eta) * d + eta * _hand_grad(bandit, bar, u1)[0]
    th2 = th1 + g0 / 2 * d / np.linalg.norm(d)
    assert_close(tr.final["theta"][0], th2, rtol=1e-12, atol=1e-14)
    assert_close(tr.samples, np.array([0, 1, 2]))


@pytest.mark.parametrize("method", ["harpg", "n_harpg"])
def test_harpg_two_steps_by_hand(bandit, method):
    g0 = 0.4
    tr = run_method(bandit, method, 4, g0, rng=7, backend="numba")
    rng = np.random.default_rng(7)
    u0, q0, w0 = rng.random(2), rng.random(), rng.random(2)
    u1, q1, w1 = rng.random(2), rng.random(), rng.random(2)
    th0 = np.zeros(4)
    d = _hand_grad(bandit, th0, u0)[0]  # eta_0 = 1 kills the correction
    step = (lambda th, d, g: th + g * d / np.linalg.norm(d)) if method == "n_harpg" else (lambda th, d, g: th + g * d)
    th1 = step(th0, d, g0)
    eta = 0.5
    hat = q1 * th1 + (1 - q1) * th0
    v = _hand_hvp(bandit, hat, th1 - th0, w1)
    d = (1 - eta) * (d + v) + eta * _hand_grad(bandit, th1, u1)[0]
    gam = g0 / 2 if method == "n_harpg" else g0 / np.sqrt(2)
    th2 = step(th1, d, gam)
    assert_close(tr.final["theta"][0], th2, rtol=1e-12, atol=1e-14)
    assert_close(tr.samples, np.array([0, 2, 4]))  # two trajectories per iteration


def test_vanilla_pg_lqr_one_step_by_hand():
    L = make_lqr()
    H, g0 = 3, 0.01
    tr = vanilla_pg(L, 1, g0, rng=3, H=H, backend="numba")
    rng = np.random.default_rng(3)
    z0 = rng.standard_normal(2)
    xi = rng.standard_normal((H, 1))
    zw = rng.standard_normal((H, 2))
    x = np.sqrt(0.5) * z0
    K = np.zeros((1, 2))
    xs, rews = [], []
    for h in range(H):
        u = -K @ x + L.sigma * xi[h]
        xs.append(x)
        rews.append(-(x @ x + u @ u) * L.gamma**h)
        x = L.A @ x + L.B @ u + 0.1 * zw[h]
    G = np.cumsum(rews[::-1])[::-1]
    grad = sum(G[h] * (-np.outer(xi[h], xs[h]) / L.sigma) for h in range(H))
    assert_close(tr.final["theta"][0], (K + g0 * grad).ravel(), rtol=1e-12, atol=1e-14)


def test_pure_update_functions():
    th, tp, d, g = np.array([[1.0, 2.0]]), np.array([[0.5, 1.0]]), np.array([[3.0, 4.0]]), np.array([[1.0, 0.0]])
    assert_close(igt_extrapolate(th, tp, 0.25), th + 3.0 * (th - tp))
    assert_close(momentum_update(d, g, 0.25), 0.75 * d + 0.25 * g)
    assert_close(normalized_step(th, d, 0.5), th + 0.5 * np.array([[0.6, 0.8]]))
    assert_close(normalized_step(th, np.zeros_like(d), 0.5), th)
    assert_close(harpg_point(th, tp, 0.3), 0.3 * th + 0.7 * tp)
    assert_close(harpg_momentum(d, g, g, 0.5), 0.5 * (d + g) + 0.5 * g)
    assert METHODS["n_pg_igt"].momentum_exponent == pytest.approx(0.8)
    assert METHODS["harpg"].step_exponent == pytest.approx(0.5)


@pytest.mark.parametrize("method", sorted(METHODS))
def test_backends_agree(bandit, method):
    a = run_method(bandit, method, 300, 0.5, n_seeds=4, rng=1, backend="numpy")
    b = run_method(bandit, method, 300, 0.5, n_seeds=4, rng=1, backend="numba")
    assert_close(a.final["theta"], b.final["theta"], rtol=1e-10, atol=1e-12)
    assert_close(a.metrics["suboptimality"], b.metrics["suboptimality"], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("method", ["n_pg_igt", "harpg"])
def test_backends_agree_lqr_with_rejections(method):
    L = make_lqr()
    g0 = 0.3 if method == "n_pg_igt" else 0.02
    a = run_method(L, method, 40, g0, n_seeds=3, rng=5, backend="numpy", rho_max=0.9)
    b = run_method(L, method, 40, g0, n_seeds=3, rng=5, backend="numba", rho_max=0.9)
    assert_close(a.final["theta"], b.final["theta"], rtol=1e-9, atol=1e-12)
    assert np.array_equal(a.final["rejected_by_seed"], b.final["rejected_by_seed"])


def test_lqr_safeguard_rejects_and_keeps_iterates_stabilizing():
    L = make_lqr()
    tr = vanilla_pg(L, 200, 0.5, n_seeds=8, rng=0, rho_max=0.95)
    assert tr.final["rejected_by_seed"].sum() > 0
    K = tr.final["theta"].reshape(8, 1, 2)
    assert np.all(L.spectral_radius(K) < 0.95)
    assert np.all(np.isfinite(tr.metrics["suboptimality_by_seed"]))


def test_trace_contents(bandit):
    tr = harpg(bandit, 1000, 0.3, n_seeds=5, rng=0)
    assert tr.metrics["suboptimality_by_seed"].shape == (5, tr.samples.size)
    assert_close(tr.metrics["suboptimality"], tr.metrics["suboptimality_by_seed"].mean(axis=0))
    assert tr.samples[-1] == 1000 and tr.sample_unit == "trajectories"
    assert np.all(tr.metrics["suboptimality_by_seed"] >= -1e-15)


def test_igt_makes_progress(bandit):
    tr = n_pg_igt(bandit, 5000, 1.0, n_seeds=32, rng=0)
    s = tr.metrics["suboptimality"]
    assert s[-1] < 0.1 * s[0]


def test_bad_inputs(bandit):
    with pytest.raises(InvalidStepSizeError, match="gamma0"):
        n_pg_igt(bandit, 10, 0.0)
    with pytest.raises(InvalidStepSizeError, match="gamma0"):
        n_harpg(bandit, 10, -1.0)
    with pytest.raises(ValidationError, match="unknown method"):
        run_method(bandit, "adam", 10, 0.1)
    with pytest.raises(ShapeError):
        n_pg_igt(bandit, 10, 0.1, theta0=np.zeros(3))
    with pytest.raises(ValidationError, match="n_trajectories"):
        harpg(bandit, 1, 0.1)
    with pytest.raises(ValidationError, match="model must be"):
        n_pg_igt(object(), 10, 0.1)
    L = make_lqr()
    with pytest.raises(UnstableGainError):
        n_pg_igt(L, 10, 0.1, theta0=np.array([[0.0, -5.0]]))
    with pytest.raises(ShapeError):
        n_pg_igt(L, 10, 0.1, theta0=np.zeros((2, 2)))
    with pytest.raises(ValidationError, match="backend"):
        n_pg_igt(bandit, 10, 0.1, backend="cupy")
