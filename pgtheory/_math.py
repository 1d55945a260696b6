"""Numerically stable primitives shared by every package (private).

``softmax`` and ``logsumexp`` subtract the row maximum, so logits of any finite size
(``1e300``, ``-1e300``) give finite probabilities without NaN; probabilities that
underflow are exactly 0 rather than NaN.
"""

from __future__ import annotations

import numpy as np


def logsumexp(x: np.ndarray, axis: int = -1, keepdims: bool = False) -> np.ndarray:
    """Stable ``log(sum(exp(x)))`` along ``axis``."""
    x = np.asarray(x, dtype=np.float64)
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
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
    """Stable ``x - logsumexp(x)`` along ``axis``."""
    x = np.asarray(x, dtype=np.float64)
    return x - logsumexp(x, axis=axis, keepdims=True)


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
