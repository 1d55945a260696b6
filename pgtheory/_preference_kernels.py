r"""Numba kernels of sampled preference queries (imported on first use, never by ``import pgtheory``).

Two loops over samples that NumPy runs as many passes over large temporaries:

* :func:`sample_preference_step` -- the sampled part of one inner policy-gradient step of
  :func:`pgtheory.algorithms.stochastic_nash_mp`: per prompt ``x``, ``B`` responses
  :math:`y_b\sim\pi_\varphi`, ``B`` opponents :math:`y'_b\sim\pi'`, ``B`` Bernoulli preferences
  :math:`o_b\sim\mathrm{Bernoulli}(P[x, y_b, y'_b])`, the REINFORCE weights
  :math:`w_b = (o_b - 1/2)/(\beta B)` and the score sums :math:`\sum_b w_b e_{y_b}` (NumPy
  reference: ``_sample_rows``, the oracle's ``compare`` and ``np.add.at`` in
  :mod:`pgtheory.algorithms.nash`, about 90 ns a sample; here about 13, 7.5 of them drawing the uniforms).
* :func:`sampled_payoff` -- the queries of :meth:`pgtheory.oracles.SampledPreferenceOracle.payoff`:
  ``n`` opponents per response and their Bernoulli outcomes (NumPy reference: the ``"numpy"``
  path of that method).

Both reproduce their reference **bitwise**. The uniforms are drawn by the NumPy driver (one
``rng.random`` call fills the reference's successive calls, the same stream in the same order;
a ``Generator`` argument would cost ~20 us of dispatch per call), each index is found as the
reference finds it (the number of CDF entries ``<= u * cdf[-1]``, capped at ``n - 1``), outcomes
compare the same uniform with the same ``P`` entry, and sums run in the reference's order.
Everything that needs ``exp`` / ``log`` or a NumPy reduction stays in the driver, so no rounding
differs (tested in ``tests/games/test_tiapkin2025.py`` and ``tests/oracles``). Arrays only; callees
in this file (Numba's cache invalidation tracks only the defining file).
"""

import numpy as np
from numba import njit

__all__ = ["sample_preference_step", "sampled_payoff"]


@njit(cache=True)
def _index(cdf, x, v):
    """#{j : cdf[x, j] <= v}, capped at n - 1: the inverse-CDF index of the reference.

    Rows up to 32 entries are counted; longer ones bisected (the same count: a cumulative sum of
    non-negative numbers is non-decreasing, also in floating point)."""
    n = cdf.shape[1]
    if n <= 32:
        k = 0
        for j in range(n):
            if v >= cdf[x, j]:
                k += 1
    else:
        lo, hi = 0, n
        while lo < hi:
            mid = (lo + hi) // 2
            if cdf[x, mid] <= v:
                lo = mid + 1
            else:
                hi = mid
        k = lo
    return min(k, n - 1)


@njit(cache=True)
def sample_preference_step(u, cdf, cdf_opp, P, denom, w, score):
    r"""Responses, opponents and Bernoulli preferences from given uniforms; REINFORCE weights and score sums.

    Parameters
    ----------
    u : ndarray, shape (3, X, B)
        Uniforms on [0, 1): ``u[0]`` draws the responses, ``u[1]`` the opponents, ``u[2]`` the
        preferences (one ``rng.random`` fill is the reference's three ``rng.random((X, B))``).
    cdf, cdf_opp : ndarray, shape (X, n)
        ``cumsum(pi)`` of the current policy and of the opponent, per prompt.
    P : ndarray, shape (X, n, n)
        Preference probabilities.
    denom : float
        :math:`\beta B`.
    w : ndarray, shape (X, B)
        Output: :math:`(o_b - 1/2)/(\beta B)`, :math:`o_b = 1[u_{2,b} < P[x, y_b, y'_b]]`.
    score : ndarray, shape (X, n)
        Output (overwritten): :math:`\sum_b w_b e_{y_b}`, accumulated from 0 in sample order.
    """
    X, B = w.shape
    n = cdf.shape[1]
    win, loss = (1.0 - 0.5) / denom, (0.0 - 0.5) / denom
    score[:] = 0.0
    for x in range(X):
        total, total_opp = cdf[x, n - 1], cdf_opp[x, n - 1]
        for b in range(B):
            y = _index(cdf, x, u[0, x, b] * total)
            yp = _index(cdf_opp, x, u[1, x, b] * total_opp)
            v = win if u[2, x, b] < P[x, y, yp] else loss
            w[x, b] = v
            score[x, y] += v


@njit(cache=True)
def sampled_payoff(u, cdf, P, wins, counts):
    r"""``n`` opponents per response and their Bernoulli outcomes, from given uniforms.

    Parameters
    ----------
    u : ndarray, shape (2, X, m * n)
        Uniforms on [0, 1): ``u[0]`` draws the opponents, ``u[1]`` the outcomes; column
        ``y * n + i`` is the ``i``-th query of response ``y``.
    cdf : ndarray, shape (X, m)
        ``cumsum(pi')`` of the opponent, per prompt.
    P : ndarray, shape (X, m, m)
        Preference probabilities.
    wins : ndarray, shape (X, m, n)
        Output: the outcomes :math:`o = 1[u_1 < P[x, y, y']]` as 0.0 / 1.0.
    counts : ndarray of int64, shape (X, m)
        Output: the number of wins of each response.
    """
    X, m = cdf.shape
    n = wins.shape[2]
    for x in range(X):
        total = cdf[x, m - 1]
        for y in range(m):
            c = 0
            for i in range(n):
                yp = _index(cdf, x, u[0, x, y * n + i] * total)
                if u[1, x, y * n + i] < P[x, y, yp]:
                    wins[x, y, i] = 1.0
                    c += 1
                else:
                    wins[x, y, i] = 0.0
            counts[x, y] = c
