"""Numerically stable primitives shared by every package (private).

``softmax`` and ``logsumexp`` subtract the row maximum, so logits of any finite size
(``1e300``, ``-1e300``) give finite probabilities without NaN; probabilities that
underflow are exactly 0 rather than NaN.
"""

from __future__ import annotations

import numpy as np


def _shift_and_log_normaliser(x: np.ndarray, axis: int):
    """``(m, z, L)`` with ``z = x - m`` (``m`` the finite row maximum, else 0) and ``L = log sum exp z``.

    ``L`` is computed as ``log(k) + log1p(rest / k)`` with ``k`` the number of entries equal to the
    maximum (``z == 0``, each contributing exactly 1) and ``rest`` the sum of the others, so it is
    accurate to a few ulp of ``L`` itself (``log(sum)`` of a sum close to 1 loses the small terms
    only to rounding of the sum, which log1p avoids).

    Cost (it runs in every mirror step): when every row maximum is finite, every row has ``k >= 1``
    and the guarded formula for the other rows is skipped, and when moreover each row has one
    maximum (``k = 1``, counted over the whole array at once) ``L = log1p(rest)``; the maxima are
    zeroed in ``exp(z)`` in place instead of through a copy. Same floats on every path.
    """
    x = np.asarray(x, dtype=np.float64)
    m = np.max(x, axis=axis, keepdims=True)
    finite = np.isfinite(m)
    all_finite = bool(finite.all())
    if not all_finite:
        m = np.where(finite, m, 0.0)
    with np.errstate(over="ignore"):  # x - m below -1.8e308 rounds to -inf: exp gives the exact 0
        z = x - m
    at_max = z == 0.0
    e = np.exp(z)
    np.copyto(e, 0.0, where=at_max)
    rest = np.sum(e, axis=axis, keepdims=True)
    if all_finite and np.count_nonzero(at_max) == rest.size:
        # a finite maximum is attained (z == 0 there), so every row has k >= 1; as many maxima as
        # rows means k = 1 everywhere, where log(1) + log1p(rest / 1) is exactly log1p(rest)
        return m, z, np.log1p(rest)
    k = np.sum(at_max, axis=axis, keepdims=True)
    if all_finite:
        return m, z, np.log(k) + np.log1p(rest / k)
    kk = np.maximum(k, 1)
    # rows without an entry at a finite maximum (all -inf, or +inf present) keep the plain formula
    L = np.where(k > 0, np.log(kk) + np.log1p(rest / kk), np.log(np.where(k > 0, 1.0, rest)))
    return m, z, L


def logsumexp(x: np.ndarray, axis: int = -1, keepdims: bool = False) -> np.ndarray:
    """Stable ``log(sum(exp(x)))`` along ``axis`` (``max + log(k) + log1p(rest / k)``)."""
    m, _, L = _shift_and_log_normaliser(x, axis)
    out = L + m
    return out if keepdims else np.squeeze(out, axis=axis)


def centred(pi: np.ndarray, q: np.ndarray, axis: int = -1) -> np.ndarray:
    r"""Cancellation-free ``q - sum(pi * q, axis)`` (an advantage :math:`A = Q - V`) along ``axis``.

    ``pi`` is a probability vector along ``axis`` (same shape as ``q``). Forming ``Q - V`` with
    ``V = sum pi Q`` leaves an absolute rounding error of about ``eps * |Q|`` in every entry,
    which for the dominant action ``a* = argmax pi`` of a near-deterministic policy swamps the
    true value :math:`A(a^*) = \sum_{b\ne a^*}\pi(b)(Q(a^*)-Q(b)) = O(1-\pi(a^*))`. Here the
    differences ``D = q - q[a*]`` are formed first (exact zero at ``a*``), then
    ``A = D - sum(pi * D)``: the sum has only the small weights ``pi(b), b != a*`` on non-zero
    terms, so every entry has absolute error about
    ``eps * (|D| + sum_b pi(b) (|q| + |D(b)|))`` and in particular
    ``|A(a*) - A_exact(a*)| <~ 3 eps * sum_{b != a*} pi(b) (|q(b)| + |q(a*)|)``, i.e. relative error
    ``<~ 3 eps max|q| / min_b |q(a*) - q(b)|`` when the other actions are all better or all
    worse than ``a*`` (no true cancellation in the sum). Entries with ``pi = 0`` contribute 0 even
    where ``q`` is huge.
    """
    pi = np.asarray(pi, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    star = np.argmax(pi, axis=axis)
    q_star = np.take_along_axis(q, np.expand_dims(star, axis), axis=axis)
    D = q - q_star
    return D - np.sum(np.where(pi > 0, pi * D, 0.0), axis=axis, keepdims=True)


def log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Stable ``x - logsumexp(x)`` along ``axis``, accurate at any finite scale.

    Computed as ``(x - max) - log(k + rest)`` (see ``logsumexp``), never as ``x - (max + log(...))``:
    the latter rounds ``max + log 2`` to the ulp of ``max`` and so loses the ``-log 2`` of
    ``[b, b, -b]`` for ``b >= 1e12`` (all of it for ``b >= 1e16``). Here ``[b, b, -b]`` gives
    ``[-log 2, -log 2, -2b - log 2]`` for every finite ``b``, each entry to a few ulp.
    """
    _, z, L = _shift_and_log_normaliser(x, axis)
    return z - L


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Stable softmax along ``axis``; rows sum to 1 to rounding."""
    x = np.asarray(x, dtype=np.float64)
    z = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return z / np.sum(z, axis=axis, keepdims=True)


def kl_divergence(p: np.ndarray, q: np.ndarray, axis: int = -1) -> np.ndarray:
    """``KL(p || q) = sum p log(p / q)`` with the convention ``0 log 0 = 0``."""
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * (np.log(p) - np.log(q)), 0.0)
    return np.sum(terms, axis=axis)


def log_softmax_finite(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """:func:`log_softmax` for arrays of finite float64 entries, with fewer array operations (hot loops).

    The same arithmetic as ``log_softmax`` (row maximum ``m``, ``z = x - m``, ``k`` entries at the
    maximum, ``L = log(k) + log1p(rest / k)``) without the branches that only matter for infinite
    entries (an infinite or NaN maximum, rows without an entry at a finite maximum) and without the
    Python wrappers around the reductions, so its result is bitwise equal to ``log_softmax(x, axis)``
    for every float64 array of finite entries (tested); it is about twice as fast on small arrays.
    No validation: pass a float64 array of finite values.
    """
    m = np.maximum.reduce(x, axis=axis, keepdims=True)
    z = x - m
    at_max = z == 0.0
    rest = np.add.reduce(np.where(at_max, 0.0, np.exp(z)), axis=axis, keepdims=True)
    if np.count_nonzero(at_max) * x.shape[axis] == x.size:
        # one maximum per row (every row has at least one): k = 1, and log(1) + log1p(rest / 1) is exactly
        # log1p(rest) (0.0 + y = y for y >= 0)
        return z - np.log1p(rest)
    k = np.add.reduce(at_max, axis=axis, keepdims=True)  # >= 1: the maximum itself (finite rows)
    return z - (np.log(k) + np.log1p(rest / k))
