r"""Monotone submodular set functions on a finite ground set :math:`\{0, \dots, n-1\}`.

Every set function here evaluates on

* a single set given as a ``frozenset`` / iterable of ints, or a boolean mask of shape ``(n,)``
  (:meth:`SetFunction.value`), and
* a batch of boolean masks of shape ``(m, n)`` (:meth:`SetFunction.values`, vectorised),

and gives the vector of marginal gains :math:`F(i \mid S) = F(S \cup \{i\}) - F(S)` for every
element ``i`` at once (:meth:`SetFunction.marginal_gains`).

Classes
-------
WeightedCoverage
    :math:`F(S) = \sum_u w_u \mathbb 1[u \in \bigcup_{i \in S} N(i)]`; :func:`grid_disc_coverage`
    builds the disc neighbourhoods of grid cells used by Prajapat et al. (2024).
FacilityLocation
    :math:`F(S) = \sum_j \max_{i \in S} M_{ij}` (0 for the empty set), :math:`M \ge 0`.
LogDetGain
    :math:`F(S) = \log\det(I + \sigma^{-2} K_{SS})` under a GP kernel matrix ``K``.
CallableSetFunction
    Wraps a user function ``f(frozenset) -> float``; check it with
    :func:`pgtheory.submodular.check_submodular` before relying on any guarantee.

References
----------
G. L. Nemhauser, L. A. Wolsey, M. L. Fisher. An analysis of approximations for maximizing
submodular set functions I. Mathematical Programming 14, 1978.
A. Krause, C. Guestrin. Near-optimal nonmyopic value of information in graphical models, UAI 2005
(log-det information gain).
M. Prajapat, M. Mutný, M. N. Zeilinger, A. Krause. Submodular Reinforcement Learning. ICLR 2024,
arXiv:2307.13372 (coverage on grids, experiment design).
"""

from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

from ..errors import ShapeError, ValidationError

__all__ = [
    "SetFunction",
    "WeightedCoverage",
    "FacilityLocation",
    "LogDetGain",
    "CallableSetFunction",
    "grid_disc_coverage",
    "random_coverage",
    "random_facility_location",
    "as_mask",
    "masks_from_bits",
]

_CHUNK = 4096


def as_mask(S, n: int) -> np.ndarray:
    """Convert a set (iterable of ints) or a boolean mask into a boolean mask of shape ``(n,)``.

    Parameters
    ----------
    S : frozenset, set, iterable of int, or bool array of shape (n,)
        The set.
    n : int
        Ground-set size.

    Returns
    -------
    ndarray of bool, shape (n,)

    Raises
    ------
    ShapeError
        A boolean mask of the wrong length.
    ValidationError
        An element outside ``{0, ..., n-1}``.
    """
    if isinstance(S, np.ndarray) and S.dtype == bool:
        if S.shape != (n,):
            raise ShapeError(f"S: a boolean mask must have shape ({n},); got {S.shape}. "
                             "Fix: pass a mask over the whole ground set or a set of indices.")
        return S
    idx = np.fromiter((int(i) for i in S), dtype=np.int64)
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise ValidationError(f"S: elements must lie in 0..{n - 1}; got {sorted(set(idx.tolist()))}. "
                              "Fix: index the ground set from 0.")
    mask = np.zeros(n, dtype=bool)
    mask[idx] = True
    return mask


def masks_from_bits(bits, n: int) -> np.ndarray:
    """Boolean masks ``(m, n)`` from integer bit sets (bit ``i`` set iff element ``i`` is in the set).

    Parameters
    ----------
    bits : array of int, shape (m,)
        Bit sets (``n <= 64``).
    n : int
        Ground-set size.

    Returns
    -------
    ndarray of bool, shape (m, n)
    """
    b = np.asarray(bits, dtype=np.uint64).reshape(-1)
    return ((b[:, None] >> np.arange(n, dtype=np.uint64)[None, :]) & np.uint64(1)).astype(bool)


class SetFunction:
    """Base class of set functions :math:`F: 2^{[n]} \\to \\mathbb R`.

    Subclasses implement ``_values(masks)`` for a boolean ``(m, n)`` array; this class supplies
    :meth:`value`, :meth:`values` (validated, chunked), :meth:`marginal_gains` and
    :meth:`__call__`. Attribute ``n`` is the ground-set size.
    """

    n: int

    def _values(self, masks: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def values(self, masks) -> np.ndarray:
        """Evaluate :math:`F` on a batch of sets.

        Parameters
        ----------
        masks : array_like of bool, shape (m, n)
            One set per row.

        Returns
        -------
        ndarray of float64, shape (m,)
        """
        masks = np.asarray(masks)
        if masks.dtype != bool:
            raise ValidationError(f"masks: expected a boolean array; got dtype {masks.dtype}. "
                                  "Fix: pass masks.astype(bool) or use value() for index sets.")
        if masks.ndim != 2 or masks.shape[1] != self.n:
            raise ShapeError(f"masks: expected shape (m, {self.n}); got {masks.shape}.")
        if masks.shape[0] <= _CHUNK:
            return np.asarray(self._values(masks), dtype=np.float64)
        return np.concatenate([np.asarray(self._values(masks[i:i + _CHUNK]), dtype=np.float64)
                               for i in range(0, masks.shape[0], _CHUNK)])

    def value(self, S) -> float:
        """Evaluate :math:`F(S)` for one set (frozenset, iterable of ints, or bool mask ``(n,)``).

        Parameters
        ----------
        S : frozenset, iterable of int or ndarray of bool

        Returns
        -------
        float
        """
        return float(self.values(as_mask(S, self.n)[None, :])[0])

    __call__ = value

    def marginal_gains(self, S) -> np.ndarray:
        r"""All marginal gains :math:`F(i \mid S) = F(S \cup \{i\}) - F(S)`, ``i = 0..n-1``.

        Parameters
        ----------
        S : frozenset, iterable of int or ndarray of bool

        Returns
        -------
        ndarray, shape (n,)
            Zero for elements already in ``S``.
        """
        mask = as_mask(S, self.n)
        batch = np.repeat(mask[None, :], self.n + 1, axis=0)
        batch[np.arange(1, self.n + 1), np.arange(self.n)] = True
        v = self.values(batch)
        return v[1:] - v[0]


@dataclasses.dataclass(frozen=True, eq=False)
class WeightedCoverage(SetFunction):
    r"""Weighted coverage :math:`F(S) = \sum_{u} w_u\, \mathbb 1[\exists i \in S: C_{iu}]`.

    Monotone and submodular for any ``w >= 0``.

    Parameters
    ----------
    cover : array of bool, shape (n, T)
        ``cover[i, u]`` is True when element ``i`` covers target ``u``.
    weights : array of float, shape (T,)
        Non-negative target weights.
    """

    cover: np.ndarray
    weights: np.ndarray

    def __post_init__(self):
        c = np.asarray(self.cover).astype(bool)
        w = np.asarray(self.weights, dtype=np.float64)
        if c.ndim != 2:
            raise ShapeError(f"cover: expected a 2-d (n, T) boolean array; got shape {c.shape}.")
        if w.shape != (c.shape[1],):
            raise ShapeError(f"weights: expected shape ({c.shape[1]},) (one per target); got {w.shape}.")
        if not np.all(np.isfinite(w)) or np.any(w < 0):
            raise ValidationError("weights: must be finite and >= 0 (negative weights break "
                                  "monotonicity). Fix: clip or shift the weights.")
        object.__setattr__(self, "cover", c)
        object.__setattr__(self, "weights", w)
        object.__setattr__(self, "n", c.shape[0])

    def _values(self, masks):
        covered = (masks.astype(np.float64) @ self.cover.astype(np.float64)) > 0.5
        return covered @ self.weights

    def marginal_gains(self, S) -> np.ndarray:
        """Marginal gains by one matrix product (see :meth:`SetFunction.marginal_gains`).

        Parameters
        ----------
        S : frozenset, iterable of int or ndarray of bool

        Returns
        -------
        ndarray, shape (n,)
        """
        mask = as_mask(S, self.n)
        covered = self.cover[mask].any(axis=0)
        return self.cover[:, ~covered].astype(np.float64) @ self.weights[~covered]


@dataclasses.dataclass(frozen=True, eq=False)
class FacilityLocation(SetFunction):
    r"""Facility location :math:`F(S) = \sum_j \max_{i \in S} M_{ij}`, :math:`F(\emptyset) = 0`.

    Monotone and submodular for ``M >= 0``.

    Parameters
    ----------
    similarity : array of float, shape (n, T)
        Non-negative benefit of element ``i`` to customer ``j``.
    """

    similarity: np.ndarray

    def __post_init__(self):
        M = np.asarray(self.similarity, dtype=np.float64)
        if M.ndim != 2:
            raise ShapeError(f"similarity: expected a 2-d (n, T) array; got shape {M.shape}.")
        if not np.all(np.isfinite(M)) or np.any(M < 0):
            raise ValidationError("similarity: must be finite and >= 0 (else F is not monotone). "
                                  "Fix: shift by -M.min().")
        object.__setattr__(self, "similarity", M)
        object.__setattr__(self, "n", M.shape[0])

    def _values(self, masks):
        vals = np.where(masks[:, :, None], self.similarity[None, :, :], 0.0)
        return vals.max(axis=1).sum(axis=1)


@dataclasses.dataclass(frozen=True, eq=False)
class LogDetGain(SetFunction):
    r"""Log-det information gain :math:`F(S) = \log\det(I + \sigma^{-2} K_{SS})`.

    Monotone and submodular for a positive semi-definite kernel matrix ``K`` (it is twice the
    mutual information between the GP values at ``S`` and their noisy observations).

    Parameters
    ----------
    kernel : array of float, shape (n, n)
        Symmetric positive semi-definite kernel matrix.
    noise : float
        Observation noise standard deviation :math:`\sigma > 0`.
    """

    kernel: np.ndarray
    noise: float = 1.0

    def __post_init__(self):
        K = np.asarray(self.kernel, dtype=np.float64)
        if K.ndim != 2 or K.shape[0] != K.shape[1]:
            raise ShapeError(f"kernel: expected a square (n, n) matrix; got shape {K.shape}.")
        if not np.all(np.isfinite(K)) or np.max(np.abs(K - K.T), initial=0.0) > 1e-10 * max(1.0, np.abs(K).max()):
            raise ValidationError("kernel: must be finite and symmetric. Fix: use (K + K.T) / 2.")
        if K.shape[0] and np.linalg.eigvalsh(K).min() < -1e-9 * max(1.0, np.abs(K).max()):
            raise ValidationError("kernel: must be positive semi-definite (an eigenvalue is negative). "
                                  "Fix: build K from a valid kernel function.")
        if not (np.isfinite(self.noise) and self.noise > 0):
            raise ValidationError(f"noise: must be > 0; got {self.noise!r}.")
        object.__setattr__(self, "kernel", K)
        object.__setattr__(self, "noise", float(self.noise))
        object.__setattr__(self, "n", K.shape[0])

    def _values(self, masks):
        m = masks.astype(np.float64)
        A = (m[:, :, None] * m[:, None, :]) * (self.kernel / self.noise ** 2)[None]
        A = A + np.eye(self.n)[None]
        sign, logdet = np.linalg.slogdet(A)
        return logdet

    @staticmethod
    def rbf(points, lengthscale: float = 1.0, variance: float = 1.0, noise: float = 1.0) -> "LogDetGain":
        r"""Log-det gain under the squared-exponential kernel :math:`k(x,y) = v\,e^{-\|x-y\|^2/(2\ell^2)}`.

        Parameters
        ----------
        points : array, shape (n, d)
            Locations of the ground-set elements.
        lengthscale, variance, noise : float
            Kernel length scale, kernel variance and noise std.

        Returns
        -------
        LogDetGain
        """
        X = np.asarray(points, dtype=np.float64)
        if X.ndim == 1:
            X = X[:, None]
        d2 = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
        return LogDetGain(variance * np.exp(-0.5 * d2 / lengthscale ** 2), noise)


@dataclasses.dataclass(frozen=True, eq=False)
class CallableSetFunction(SetFunction):
    """Wrap a user function ``f(frozenset) -> float`` on the ground set ``{0, ..., n-1}``.

    Nothing is assumed about ``f``; use :func:`pgtheory.submodular.check_submodular` to test
    monotonicity and submodularity (it returns a counterexample when they fail).

    Parameters
    ----------
    func : callable
        ``func(frozenset_of_ints) -> float``.
    n : int
        Ground-set size.
    """

    func: Callable
    n: int

    def __post_init__(self):
        if not callable(self.func):
            raise ValidationError("func: must be callable as func(frozenset) -> float.")
        if int(self.n) < 0:
            raise ValidationError(f"n: must be >= 0; got {self.n}.")

    def _values(self, masks):
        return np.array([float(self.func(frozenset(np.flatnonzero(row).tolist()))) for row in masks])


def grid_disc_coverage(shape, weights=None, radius: int = 1, metric: str = "chebyshev") -> WeightedCoverage:
    r"""Coverage of grid cells by discs: element = cell, it covers every cell within ``radius``.

    Cell ``(i, j)`` of a ``shape = (rows, cols)`` grid has index ``i * cols + j``. With the default
    Chebyshev metric and ``radius=1`` a cell covers itself and its 8 neighbours (the "small disc"
    of the official SubRL code).

    Parameters
    ----------
    shape : tuple of int
        ``(rows, cols)``.
    weights : array, shape (rows * cols,) or (rows, cols), optional
        Non-negative cell weights (default all ones: pure coverage).
    radius : int
        Disc radius in cells (``0``: each cell covers only itself, i.e. a modular function on
        distinct cells).
    metric : {"chebyshev", "manhattan", "euclidean"}

    Returns
    -------
    WeightedCoverage
        With ``n = T = rows * cols``.
    """
    rows, cols = (int(shape[0]), int(shape[1]))
    if rows < 1 or cols < 1:
        raise ValidationError(f"shape: both sides must be >= 1; got {shape}.")
    if radius < 0:
        raise ValidationError(f"radius: must be >= 0; got {radius}.")
    ii, jj = np.divmod(np.arange(rows * cols), cols)
    di = np.abs(ii[:, None] - ii[None, :])
    dj = np.abs(jj[:, None] - jj[None, :])
    if metric == "chebyshev":
        d = np.maximum(di, dj)
    elif metric == "manhattan":
        d = di + dj
    elif metric == "euclidean":
        d = np.sqrt(di ** 2 + dj ** 2)
    else:
        raise ValidationError(f"metric: expected 'chebyshev', 'manhattan' or 'euclidean'; got {metric!r}.")
    w = np.ones(rows * cols) if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
    return WeightedCoverage(d <= radius, w)


def random_coverage(n: int, n_targets: int, rng=None, density: float = 0.3) -> WeightedCoverage:
    """A random weighted-coverage instance (Bernoulli covers, uniform weights on [0, 1]).

    Parameters
    ----------
    n : int
        Ground-set size.
    n_targets : int
        Number of targets.
    rng : Generator or int, optional
    density : float
        Probability that an element covers a target.

    Returns
    -------
    WeightedCoverage
    """
    rng = np.random.default_rng(rng)
    cover = rng.random((n, n_targets)) < density
    return WeightedCoverage(cover, rng.random(n_targets))


def random_facility_location(n: int, n_customers: int, rng=None) -> FacilityLocation:
    """A random facility-location instance with i.i.d. exponential benefits.

    Parameters
    ----------
    n : int
        Ground-set size.
    n_customers : int
    rng : Generator or int, optional

    Returns
    -------
    FacilityLocation
    """
    rng = np.random.default_rng(rng)
    return FacilityLocation(rng.exponential(size=(n, n_customers)))
