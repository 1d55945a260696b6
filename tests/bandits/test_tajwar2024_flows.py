"""Forward vs reverse KL gradient flows and pair updates (Tajwar et al. 2024): fields, integration, hitting times."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import pgtheory.bandits as B
from pgtheory._math import softmax
from pgtheory.errors import ShapeError, ValidationError
from pgtheory.testing import assert_close

EPS = np.finfo(float).eps


def _kl(a, b):
    return float(a @ (np.log(a) - np.log(b)))


@given(st.integers(0, 2**31), st.integers(2, 6), st.sampled_from(B.FLOW_DIRECTIONS))
@settings(max_examples=30)
def test_field_is_minus_the_kl_gradient(seed, K, direction):
    rng = np.random.default_rng(seed)
    th = rng.normal(0, 2, K)
    p = softmax(rng.normal(0, 2, K))
    f = (lambda x: _kl(p, softmax(x))) if direction == "forward" else (lambda x: _kl(softmax(x), p))
    h = 1e-6
    fd = np.array([(f(th + h * e) - f(th - h * e)) / (2 * h) for e in np.eye(K)])
    v = B.kl_flow_field(th, p, direction)
    scale = max(1.0, float(np.max(np.abs(np.log(p)))))
    assert_close(v, -fd, rtol=0, atol=10 * h * h * scale ** 3 + 100 * EPS * scale / h)
    assert abs(v.sum()) <= 8 * K * EPS * scale


def test_flows_reach_the_target():
    p = np.array([0.7, 0.2, 0.1])
    for d in B.FLOW_DIRECTIONS:
        out = B.kl_gradient_flow(np.zeros(3), p, d, 200.0, n_eval=20)
        assert_close(out["q"][-1], p, rtol=0, atol=1e-6)
        assert_close(out["q"][0], np.full(3, 1 / 3), rtol=0, atol=1e-15)


def test_hitting_time_is_where_the_level_is_crossed():
    p = np.array([0.92, 0.04, 0.04])
    th0 = np.log([0.05, 0.5, 0.45])
    w = np.array([1.0, 0.0, 0.0])
    for d in B.FLOW_DIRECTIONS:
        tau = B.flow_hitting_time(th0, p, d, w, 0.8)
        sol = B.kl_gradient_flow(th0, p, d, tau, n_eval=5)["solution"]
        assert abs(w @ softmax(sol(tau)) - 0.8) < 1e-8
        assert w @ softmax(sol(0.9 * tau)) < 0.8
    assert B.flow_hitting_time(th0, p, "forward", w, 0.01) == 0.0


def test_pair_updates():
    th = np.array([0.3, -0.2, 1.0])
    h = 1e-6
    lq = lambda x, y: np.log(softmax(x))[y]  # noqa: E731
    fd = np.array([(lq(th + h * e, 0) - lq(th - h * e, 0)) / (2 * h) for e in np.eye(3)])
    assert_close(B.pair_update(th, 0), fd, rtol=0, atol=1e-9)
    ref = np.array([0.0, 0.1, -0.1])
    beta = 0.5

    def dpo(x):
        d = (lq(x, 0) - lq(ref, 0)) - (lq(x, 2) - lq(ref, 2))
        return np.log(1 + np.exp(-beta * d))

    fd = np.array([(dpo(th + h * e) - dpo(th - h * e)) / (2 * h) for e in np.eye(3)])
    assert_close(B.pair_update(th, 0, 2, ref_logits=ref, beta=beta), -fd, rtol=0, atol=1e-9)


def test_bad_inputs():
    with pytest.raises(ValidationError, match="full-support"):
        B.kl_flow_field(np.zeros(3), [1.0, 0.0, 0.0])
    with pytest.raises(ValidationError, match="direction"):
        B.kl_flow_field(np.zeros(2), [0.5, 0.5], "sideways")
    with pytest.raises(ShapeError, match="target"):
        B.kl_flow_field(np.zeros(2), [0.2, 0.3, 0.5])
    with pytest.raises(ValidationError, match="differ"):
        B.pair_update(np.zeros(3), 1, 1)
    with pytest.raises(ValidationError, match="winner"):
        B.pair_update(np.zeros(3), 3)
    with pytest.raises(ShapeError, match="weights"):
        B.flow_hitting_time(np.zeros(3), np.full(3, 1 / 3), "forward", np.ones(2), 0.5)


def test_registered_check(tmp_path, monkeypatch):
    """Inconclusive by design: the reverse-KL flow is faster in one regime and slower in the other."""
    from _d2_checks import run_check

    rep = run_check("tajwar2024-mode-seeking", tmp_path, expected="inconclusive", bibtex_key="tajwar2024preference",
                    monkeypatch=monkeypatch)
    first = rep.claims[0]
    assert first["verdict"] == "inconclusive" and "cannot refute" in first["reason"]
    assert rep.claims[1]["verdict"] == "consistent"
