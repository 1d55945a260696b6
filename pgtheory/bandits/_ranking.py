r"""Rank-based zeroth-order gradient estimation (ZO-RankSGD): a ranking oracle and its exact mean.

A utility :math:`u:\mathbb R^d\to\mathbb R` (to be *maximised*; e.g. the success probability
:math:`J(\theta)` of a softmax bandit) is queried only through a ranking oracle: ``m`` perturbed
points :math:`x+d_i`, :math:`d_i=\mu\xi_i`, :math:`\xi_i\sim\mathcal N(0,I_d)`, are shown and the
oracle returns the ordered top ``k`` (rank :math:`r=0` is the best). The estimator of the authors'
code (``optimizer.py``, ``RankSGD.rank_feedback`` [code]) is

.. math:: \hat g=\frac1{|E|}\sum_{i=1}^m c_{r(i)}\,d_i,\qquad
          c_r=m-2r\ (r<k),\qquad c_r=-k\ (\text{unranked}),\qquad |E|=\tbinom k2+k(m-k),

:math:`|E|` being the number of edges of the comparison DAG the top-``k`` ranking reveals. The
DAG's pairwise-difference estimator :math:`\frac1{|E|}\sum_{(i\succ j)\in E}(d_i-d_j)` has
:math:`c_r=m-1-2r` for ranked items instead (every ranked item wins against the items below it and
loses to those above); the code's coefficient adds :math:`\frac1{|E|}\sum_{r(i)<k}d_i` to it
(``variant="code"`` vs ``"dag"``). Both are ascent directions of ``u``.

Exact mean for a linear utility :math:`u(x)=a^\top x` [inferred, our derivation]: the ranking
depends on :math:`\xi_i` only through :math:`z_i=\langle a/\|a\|,\xi_i\rangle`, the orthogonal
parts are independent of it and centred, and the unranked coefficients sum with the ranked ones,
so

.. math:: \mathbb E[\hat g]=c(m,k)\,\mu\,\frac a{\|a\|},\qquad
          c(m,k)=\frac1{|E|}\sum_{r<k}(c_r+k)\,\mathbb E[Z_{(r)}],

with :math:`\mathbb E[Z_{(r)}]` the mean of the :math:`(r+1)`-th largest of ``m`` standard normals
(one-dimensional quadrature, :func:`normal_order_statistic_means`). The mean does not depend on
:math:`\|a\|`: the estimator is a normalised-gradient method.

References
----------
Tang, Rybin & Chang 2024, *Zeroth-Order Optimization Meets Human Feedback: Provable Learning via
Ranking Oracles*, ICLR 2024, arXiv:2303.03751 (abstract); code TZW1998/Taming-Stable-Diffusion-
with-Human-Ranking-Feedback, ``optimizer.py`` [code, read in the file named]. The paper's
estimator definition and theorem were not read.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .._validate import as_float_array, check_positive, check_positive_int
from ..errors import ShapeError, ValidationError

__all__ = ["RANK_VARIANTS", "comparison_edges", "rank_coefficients", "rank_oracle", "rank_estimate",
           "zo_rank_samples", "normal_order_statistic_means", "rank_linear_expectation"]

#: Coefficient conventions: the authors' code (m - 2r) and the comparison DAG's (m - 1 - 2r).
RANK_VARIANTS = ("code", "dag")


def _check_mk(m, k) -> tuple[int, int]:
    m = check_positive_int(m, "m", 2)
    k = check_positive_int(k, "k", 1)
    if k > m:
        raise ValidationError(f"k (ranked items) must be <= m (queried points); got k={k}, m={m}. "
                              f"Fix: rank at most the m points shown.")
    return m, k


def _check_variant(variant: str) -> str:
    if variant not in RANK_VARIANTS:
        raise ValidationError(f"unknown variant {variant!r}. Fix: use one of {RANK_VARIANTS} "
                              f"('code': m - 2r as in the authors' optimizer.py; 'dag': m - 1 - 2r).")
    return variant


def comparison_edges(m: int, k: int) -> int:
    r"""Number of edges :math:`|E|=\binom k2+k(m-k)` of the comparison DAG of a top-``k`` ranking of ``m`` items.

    Parameters
    ----------
    m : int
        Items shown (>= 2).
    k : int
        Items ranked, 1 <= k <= m.

    Returns
    -------
    int
    """
    m, k = _check_mk(m, k)
    return k * (k - 1) // 2 + k * (m - k)


def rank_coefficients(m: int, k: int, variant: str = "code") -> np.ndarray:
    r"""Coefficient :math:`c_r` of the item at rank ``r`` (0 = best); ranks ``>= k`` are unranked.

    ``code``: :math:`c_r=m-2r` for :math:`r<k` [code]; ``dag``: :math:`c_r=m-1-2r` (wins minus
    losses in the comparison DAG) [inferred]; unranked items: :math:`-k` in both.

    Parameters
    ----------
    m : int
        Items shown (>= 2).
    k : int
        Items ranked, 1 <= k <= m.
    variant : {"code", "dag"}

    Returns
    -------
    numpy.ndarray, shape (m,)
        Not yet divided by :func:`comparison_edges`.
    """
    m, k = _check_mk(m, k)
    _check_variant(variant)
    r = np.arange(m, dtype=np.float64)
    top = (m - 2 * r) if variant == "code" else (m - 1 - 2 * r)
    return np.where(r < k, top, -float(k))


def rank_oracle(values, k: int) -> np.ndarray:
    r"""Rank of every item by decreasing utility (0 = best); items ranked ``>= k`` are not revealed.

    Ties are broken by the item's index (a stable sort), so the oracle is deterministic.

    Parameters
    ----------
    values : array_like, shape (..., m)
        Utilities of the ``m`` points (larger is preferred).
    k : int
        Number of items the oracle ranks (1 <= k <= m).

    Returns
    -------
    numpy.ndarray of int, shape (..., m)
        The rank of each item; ranks ``>= k`` mean "unranked" (their order is not used).
    """
    v = as_float_array(values, "values")
    if v.ndim < 1:
        raise ShapeError(f"values must have a last axis of m items; got shape {v.shape}.")
    _check_mk(v.shape[-1], k)
    if not np.all(np.isfinite(v)):
        raise ValidationError("values must be finite (a ranking of NaN is undefined). Fix: check the utility.")
    order = np.argsort(-v, axis=-1, kind="stable")
    return np.argsort(order, axis=-1, kind="stable")


def rank_estimate(values, directions, k: int, variant: str = "code") -> np.ndarray:
    r"""The rank-based estimate :math:`\hat g=\frac1{|E|}\sum_ic_{r(i)}d_i` from utilities and perturbations.

    Parameters
    ----------
    values : array_like, shape (..., m)
        Utilities :math:`u(x+d_i)` of the queried points (only their ranking is used).
    directions : array_like, shape (..., m, d)
        Perturbations :math:`d_i` (the code's ``test_codes - best_code``).
    k : int
        Items ranked by the oracle.
    variant : {"code", "dag"}
        Coefficients of :func:`rank_coefficients`.

    Returns
    -------
    numpy.ndarray, shape (..., d)
        An ascent direction estimate of ``u`` (invariant to any strictly increasing transform of
        the utilities, sample by sample).
    """
    v = as_float_array(values, "values")
    D = as_float_array(directions, "directions")
    if D.ndim < 2 or D.shape[:-1] != v.shape:
        raise ShapeError(f"directions must have shape values.shape + (d,) = {v.shape} + (d,); got {D.shape}.")
    m = v.shape[-1]
    coef = rank_coefficients(m, k, variant) / comparison_edges(m, k)
    c = coef[rank_oracle(v, k)]
    return np.einsum("...i,...id->...d", c, D)


def zo_rank_samples(utility, x, mu: float, m: int, k: int, n: int, *, rng=None, variant: str = "code") -> np.ndarray:
    r"""Draw ``n`` independent rank-based estimates at ``x`` (Gaussian perturbations of scale ``mu``).

    For each sample, ``m`` directions :math:`d_i=\mu\xi_i`, :math:`\xi_i\sim\mathcal N(0,I)`, are
    drawn from ``rng`` (in one block of shape ``(n, m, d)``, so two calls with the same seed use the
    same perturbations: common random numbers), the points :math:`x+d_i` are ranked by ``utility``
    and :func:`rank_estimate` is applied.

    Parameters
    ----------
    utility : callable
        ``utility(points)`` with ``points`` of shape (N, d) returns the N utilities (larger preferred).
    x : array_like, shape (d,)
    mu : float
        Smoothing radius > 0.
    m, k : int
        Points shown and points ranked per query.
    n : int
        Number of estimates.
    rng : numpy.random.Generator or int, optional
    variant : {"code", "dag"}

    Returns
    -------
    numpy.ndarray, shape (n, d)
    """
    x = as_float_array(x, "x", ndim=1)
    mu = check_positive(mu, "mu")
    m, k = _check_mk(m, k)
    n = check_positive_int(n, "n")
    _check_variant(variant)
    if not callable(utility):
        raise ValidationError("utility must be a callable mapping points (N, d) to utilities (N,).")
    rng = np.random.default_rng(rng)
    d = x.shape[0]
    D = mu * rng.standard_normal((n, m, d))
    u = np.asarray(utility((x[None, None, :] + D).reshape(n * m, d)), dtype=np.float64)
    if u.shape != (n * m,):
        raise ShapeError(f"utility must return one value per point, shape ({n * m},); got {u.shape}.")
    return rank_estimate(u.reshape(n, m), D, k, variant)


def normal_order_statistic_means(m: int) -> tuple[np.ndarray, float]:
    r"""Means :math:`\mathbb E[Z_{(r)}]` of the order statistics of ``m`` i.i.d. standard normals, largest first.

    .. math:: \mathbb E[Z_{(r)}]=\frac{m!}{r!\,(m-1-r)!}\int x\,\varphi(x)\,\Phi(x)^{m-1-r}(1-\Phi(x))^{r}\,dx,
              \qquad r=0,\dots,m-1,

    by adaptive quadrature (``scipy.integrate.quad``); the upper half uses the symmetry
    :math:`\mathbb E[Z_{(r)}]=-\mathbb E[Z_{(m-1-r)}]`.

    Parameters
    ----------
    m : int
        Sample size (>= 1, at most 500).

    Returns
    -------
    means : numpy.ndarray, shape (m,)
        Decreasing; they sum to 0.
    error : float
        Largest absolute error estimate reported by the quadrature.
    """
    m = check_positive_int(m, "m", 1)
    if m > 500:
        raise ValidationError(f"m must be <= 500 for the order-statistic quadrature; got {m}.")
    means, err = _order_statistic_means(m)
    return np.array(means), err


@functools.lru_cache(maxsize=64)
def _order_statistic_means(m: int) -> tuple:
    from scipy.integrate import quad  # lazy: scipy.integrate, used here only
    from scipy.special import log_ndtr  # lazy: scipy.special, used here only

    means = np.zeros(m)
    err = 0.0
    lg = [math.lgamma(j + 1.0) for j in range(m + 1)]
    for r in range(m // 2):
        logc = lg[m] - lg[r] - lg[m - 1 - r]

        def f(t, r=r, logc=logc):
            logpdf = -0.5 * t * t - 0.5 * math.log(2 * math.pi)
            lo = float(log_ndtr(t))
            hi = float(log_ndtr(-t))
            return t * math.exp(logc + logpdf + (m - 1 - r) * lo + r * hi)

        val, e = quad(f, -np.inf, np.inf, epsabs=1e-14, epsrel=1e-13, limit=200)
        means[r] = val
        means[m - 1 - r] = -val
        err = max(err, float(e))
    return tuple(means.tolist()), err


def rank_linear_expectation(m: int, k: int, variant: str = "code") -> tuple[float, float]:
    r"""Exact :math:`c(m,k)` with :math:`\mathbb E[\hat g]=c(m,k)\,\mu\,a/\|a\|` for a linear utility :math:`a^\top x`.

    .. math:: c(m,k)=\frac1{|E|}\sum_{r<k}(c_r+k)\,\mathbb E[Z_{(r)}]

    (see the module docstring). :math:`c(m,k)>0`: the estimator is an ascent direction in
    expectation, with a length that does not depend on :math:`\|a\|`.

    Parameters
    ----------
    m, k : int
        Points shown and ranked.
    variant : {"code", "dag"}

    Returns
    -------
    c : float
    error : float
        Bound on the quadrature error of ``c`` (sum of the coefficients' absolute values times the
        quadrature's error estimate).

    References
    ----------
    Our derivation [inferred] for the estimator of Tang et al. 2024 (arXiv:2303.03751) as coded in
    ``optimizer.py`` [code].
    """
    m, k = _check_mk(m, k)
    coef = rank_coefficients(m, k, variant)
    E = comparison_edges(m, k)
    ez, err = normal_order_statistic_means(m)
    w = coef[:k] + k
    return float(w @ ez[:k] / E), float(np.abs(w).sum() * err / E)
