"""Numerically stable primitives of ``pgtheory._math`` against 50-digit mpmath."""

import mpmath as mp
import numpy as np
import pytest

from pgtheory._math import centred, log_softmax, logsumexp, softmax

EPS = np.finfo(float).eps


def _mp_log_softmax(x, dps=50):
    with mp.workdps(dps):
        xs = [mp.mpf(float(v)) for v in x]
        m = max(xs)
        z = [v - m for v in xs]  # 50 digits: never m + log(...), which would need ~log10(|m|) more
        L = mp.log(mp.fsum(mp.exp(v) for v in z))
        return np.array([float(v - L) for v in z])


@pytest.mark.parametrize("b", [1.0, 1e12, 1e300])
def test_log_softmax_keeps_log2_at_large_scale(b):
    """Issue 11: log_softmax([b, b, -b]) lost the -log 2 for b >= 1e12 (x - (max + log 2) rounds
    max + log 2 to the ulp of max). Exact value: [-log 2, -log 2, -2b - log 2]."""
    x = np.array([b, b, -b])
    got = log_softmax(x)
    # each entry is (x - max) - log(2 + e^{-2b}): two roundings of the result plus log's ~1 ulp
    np.testing.assert_allclose(got, _mp_log_softmax(x), rtol=4 * EPS, atol=0)
    if b >= 1e12:  # e^{-2b} = 0 in double: the exact values are [-log 2, -log 2, -2b - log 2]
        want = np.array([-np.log(2.0), -np.log(2.0), -2 * b - np.log(2.0)])
        np.testing.assert_allclose(got, want, rtol=4 * EPS, atol=0)
        np.testing.assert_allclose(logsumexp(x), b + np.log(2.0), rtol=2 * EPS, atol=0)  # one rounding


@pytest.mark.parametrize("scale", [1.0, 30.0, 1e6, 1e12, 1e300])
def test_log_softmax_matches_mpmath_at_any_scale(scale):
    """Random rows times ``scale`` (ties included): every entry within a few ulp of its own size
    (relative, the entries are never 0 here: the row has a unique-ish max only up to ties)."""
    rng = np.random.default_rng(int(np.log10(scale)) + 1)
    for _ in range(20):
        x = rng.uniform(-1, 1, size=5) * scale
        x[rng.integers(5)] = x.max()  # at least two entries at the maximum half the time
        got = log_softmax(x)
        want = _mp_log_softmax(x)
        # |z - L| with z = x - max exact-ish (1 rounding) and L = log(k + rest) (2 roundings):
        # absolute error <= 4 eps (|z| + |L|), |L| <= log 5
        np.testing.assert_array_less(np.abs(got - want), 4 * EPS * (np.abs(x - x.max()) + np.log(5)) + 1e-300)


def test_log_softmax_handles_masked_and_degenerate_rows():
    x = np.array([[0.0, -np.inf, 1.0], [-np.inf, -np.inf, 5.0]])
    got = log_softmax(x, axis=1)
    assert got[0, 1] == -np.inf and got[1, 0] == -np.inf and got[1, 2] == 0.0
    np.testing.assert_allclose(np.exp(got[0]).sum(), 1.0, rtol=2 * EPS)
    np.testing.assert_allclose(softmax(x, axis=1), np.exp(got), rtol=4 * EPS, atol=0)


def test_centred_is_exact_zero_mean_and_keeps_the_dominant_entry():
    """centred(pi, q) = q - sum pi q; at pi(a*) = 1 - 1e-18 its a* entry is -sum_b pi(b)(q(b)-q(a*))."""
    pi = np.array([1.0, 1e-18, 2e-18])
    q = np.array([10.0, 9.0, 11.5])
    c = centred(pi, q)
    with mp.workdps(50):
        want0 = float(-(mp.mpf(1e-18) * (-1) + mp.mpf(2e-18) * mp.mpf(1.5)))
    np.testing.assert_allclose(c[0], want0, rtol=8 * EPS)  # few roundings on each of two terms
    np.testing.assert_allclose(c[1:], [-1.0, 1.5], rtol=4 * EPS)


# ----------------------------------------------------------------------------- fast paths (issue 13)
def _guarded_normaliser(x, axis):
    """The normaliser ``L`` by the guarded formula alone, as written before the fast paths (reference)."""
    x = np.asarray(x, dtype=np.float64)
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    z = x - m
    at_max = z == 0.0
    k = np.sum(at_max, axis=axis, keepdims=True)
    rest = np.sum(np.where(at_max, 0.0, np.exp(z)), axis=axis, keepdims=True)
    kk = np.maximum(k, 1)
    L = np.where(k > 0, np.log(kk) + np.log1p(rest / kk), np.log(np.where(k > 0, 1.0, rest)))
    return z, L, m


def _fast_path_inputs():
    rng = np.random.default_rng(13)
    for scale in (1e-300, 1.0, 40.0, 1e12, 1e300):
        for shape in ((1, 1000), (50, 100), (7, 3), (3, 4, 5), (10,), (4, 1)):
            x = rng.standard_normal(shape) * scale
            yield x  # one maximum per row: the log1p(rest) path
            ties = x.copy()
            ties[..., 0] = ties.max(axis=-1)  # some rows with two maxima: the log(k) + log1p(rest / k) path
            yield ties
            yield np.round(x * 2.0) / 2.0  # many ties
            bad = x.copy()
            bad.flat[::5] = -np.inf
            bad.flat[::7] = np.inf  # rows without a finite maximum: the guarded path
            yield bad


def test_log_softmax_and_logsumexp_fast_paths_give_the_guarded_formulas_floats():
    """``log_softmax`` / ``logsumexp`` skip the guards when every row maximum is finite, and the
    ``log(k)`` when each row has one maximum; every path must give the guarded formula's floats."""
    n = 0
    for x in _fast_path_inputs():
        for axis in range(-x.ndim, x.ndim):
            with np.errstate(all="ignore"):  # rows with +inf overflow exp in both (as they always did)
                z, L, m = _guarded_normaliser(x, axis)
                got_ls, want_ls = log_softmax(x, axis=axis), z - L
                got_lse, want_lse = logsumexp(x, axis=axis), np.squeeze(L + m, axis=axis)
            assert got_ls.tobytes() == want_ls.tobytes() and got_ls.shape == want_ls.shape
            assert got_lse.tobytes() == want_lse.tobytes() and got_lse.shape == want_lse.shape
            n += 1
    assert n > 300


def test_log_softmax_finite_is_log_softmax_bit_for_bit():
    """The hot-loop variant claims log_softmax's bits on finite input: ties, large scales, any axis."""
    from pgtheory._math import log_softmax_finite

    rng = np.random.default_rng(0)
    for _ in range(2000):
        shape = tuple(int(d) for d in rng.integers(1, 7, size=rng.integers(1, 4)))
        x = rng.standard_normal(shape) * 10.0 ** int(rng.integers(-3, 15))
        if rng.random() < 0.3:
            x = np.round(x)  # ties at the maximum (k > 1)
        axis = int(rng.integers(-len(shape), len(shape)))
        got, want = log_softmax_finite(x, axis=axis), log_softmax(x, axis=axis)
        assert got.dtype == want.dtype and np.array_equal(got, want), (shape, axis)
