"""Tabular MDP models: discounted :class:`TabularMDP` and :class:`FiniteHorizonMDP`.

Conventions (shared by the whole package): ``P[s, a, s']`` transition probabilities,
``r[s, a]`` expected rewards, ``rho[s]`` initial distribution, policies ``pi[s, a]``;
finite-horizon quantities carry a leading stage axis ``h = 0, ..., H-1``.

Sparse transitions are stored as a ``scipy.sparse`` CSR matrix of shape ``(S*A, S)``
whose row ``s*A + a`` is ``P[s, a, :]`` (use :func:`TabularMDP.from_sparse`), so that
instances with S up to 10^5 and a few successors per pair fit in memory.
"""

from __future__ import annotations

import dataclasses
import functools
import numbers
import warnings

import numpy as np
import scipy.sparse as sp

from .._validate import (
    ATOL_PROB,
    ATOL_SUM,
    as_float_array,
    check_distribution,
    check_gamma,
    check_positive_int,
    check_shape,
)
from ..errors import InvalidDiscountError, InvalidTransitionError, ModelWarning, ShapeError, ValidationError
from ._rounding import row_sum_max

_EPS = np.finfo(np.float64).eps

__all__ = ["TabularMDP", "FiniteHorizonMDP"]


def _freeze(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64, copy=True)
    a.setflags(write=False)
    return a


def _real(x, name: str):
    """Refuse complex input with a nonzero imaginary part (NumPy would drop it with a ComplexWarning)."""
    if sp.issparse(x):
        data = x.data
    elif isinstance(x, np.ndarray) or np.isscalar(x):
        data = x
    else:
        try:
            data = np.asarray(x)
        except (TypeError, ValueError):  # ragged etc.: as_float_array reports it
            return x
    if np.iscomplexobj(data):
        if np.any(np.imag(data) != 0):
            raise ValidationError(f"{name} is complex with a nonzero imaginary part (max |imag| = "
                                  f"{np.max(np.abs(np.imag(data))):.3g}). Fix: pass real values, e.g. {name}.real "
                                  f"if the imaginary part is rounding.")
        return x.real if sp.issparse(x) else np.real(data)
    return x


def _check_discount(gamma) -> float:
    """``check_gamma`` plus: a bool is refused (``False`` would silently mean 0), 0-d arrays are accepted."""
    if isinstance(gamma, (bool, np.bool_)):
        raise InvalidDiscountError(f"gamma must be a real number in [0, 1); got the bool {gamma!r}. "
                                   f"Fix: pass a float such as 0.9.")
    if isinstance(gamma, np.ndarray) and gamma.ndim == 0 and gamma.dtype.kind in "iuf":
        gamma = gamma.item()
    if not isinstance(gamma, numbers.Real):
        raise InvalidDiscountError(f"gamma must be a real number in [0, 1); got {gamma!r} "
                                   f"({type(gamma).__name__}). Fix: pass a float such as 0.9.")
    return check_gamma(gamma)


def _check_value_range(r: np.ndarray, scale: float, name: str = "r") -> None:
    """|V| <= max|r| * scale (scale = 1/(1-gamma) or H) must be finite in float64, else values overflow."""
    bound = float(np.max(np.abs(r))) * scale if r.size else 0.0
    if not np.isfinite(bound) or bound > np.finfo(np.float64).max:
        raise ValidationError(f"{name}: values can reach max|{name}| * {scale:.6g} = {bound:.3g}, beyond float64 "
                              f"(max {np.finfo(np.float64).max:.3g}), so they would overflow to inf. "
                              f"Fix: rescale {name} (values scale linearly with it).")


def _rounding_bound(nnz) -> np.ndarray:
    r"""Largest :math:`|\sum_j p_j - 1|` that float64 rounding alone explains for a row with ``nnz`` nonzeros.

    Each entry of a normalised row carries a relative rounding error <= eps/2 (total <= nnz eps/2)
    and summing nnz terms adds <= (nnz - 1) eps; 2 nnz eps bounds both (rows are sums ~ 1).
    """
    return 2.0 * np.maximum(np.asarray(nnz), 1) * _EPS


def _warn_renormalised(sums, nnz, name: str, index_of) -> None:
    """Warn (:class:`ModelWarning`) when renormalising rows moved a sum by more than rounding."""
    dev = np.abs(np.asarray(sums, dtype=np.float64) - 1.0)
    over = dev > _rounding_bound(nnz)
    if np.any(over):
        k = int(np.argmax(np.where(over, dev, -1.0)))
        warnings.warn(
            f"{name}: {int(over.sum())} row(s) summed to 1 only within the acceptance tolerance "
            f"{ATOL_SUM:g}, not within float64 rounding, and were renormalised (divided by their sum); "
            f"the largest deviation |sum - 1| = {dev.flat[k]:.3g} is at {index_of(k)}. "
            f"Fix: normalise {name} yourself, e.g. {name} / {name}.sum(axis=-1, keepdims=True), "
            f"or check how it was built.", ModelWarning, stacklevel=5)  # 5: the caller of the dataclass __init__


def _renormalise_dense(P: np.ndarray, name: str) -> np.ndarray:
    """Divide each row ``P[..., :]`` (already checked to sum to 1 within ``ATOL_SUM``) by its sum."""
    sums = P.sum(axis=-1, keepdims=True)
    _warn_renormalised(sums[..., 0], np.count_nonzero(P, axis=-1), name,
                       lambda k: f"{name}[{', '.join(map(str, np.unravel_index(k, sums.shape[:-1])))}, :]")
    return P / sums


def _check_sparse_P(P, S: int, A: int, name: str = "P") -> sp.csr_matrix:
    P = sp.csr_matrix(P, dtype=np.float64, copy=True)
    if P.shape != (S * A, S):
        raise ShapeError(f"sparse {name} must have shape (S*A, S) = ({S * A}, {S}); got {P.shape}. "
                         f"Fix: row s*A + a holds P[s, a, :].")
    if not np.all(np.isfinite(P.data)):
        raise InvalidTransitionError(f"{name} contains NaN or inf. Fix: pass finite probabilities.")
    if P.data.size and P.data.min() < -ATOL_PROB:
        raise InvalidTransitionError(f"{name} has negative probabilities (min {P.data.min():.3g}). "
                                     f"Fix: probabilities must be >= 0.")
    sums = np.asarray(P.sum(axis=1)).ravel()
    bad = np.flatnonzero(np.abs(sums - 1.0) > ATOL_SUM)
    if bad.size:
        i = int(bad[0])
        raise InvalidTransitionError(f"{name}[s, a, :] must sum to 1 (row (s={i // A}, a={i % A}) sums to "
                                     f"{sums[i]:.10g}). Fix: normalise each row of {name}.")
    P.sum_duplicates()
    P.sort_indices()
    P.data = np.clip(P.data, 0.0, None)  # tiny negative rounding (> -ATOL_PROB) -> 0, as for dense P
    sums = np.asarray(P.sum(axis=1)).ravel()
    nnz = np.diff(P.indptr)
    _warn_renormalised(sums, nnz, name, lambda i: f"{name}[{i // A}, {i % A}, :] (sparse row {i})")
    P.data = P.data / np.repeat(sums, nnz)  # a new array: never writes into the caller's matrix
    return P


@dataclasses.dataclass(frozen=True, eq=False)
class TabularMDP:
    r"""A discounted tabular MDP :math:`(\mathcal S, \mathcal A, P, r, \gamma, \rho)`.

    The value of a policy is :math:`V^\pi(s) = \mathbb E[\sum_{t\ge0}\gamma^t r(s_t,a_t)\mid s_0=s]`
    and the objective is :math:`J(\pi) = \rho^\top V^\pi`.

    Parameters
    ----------
    P : array, shape (S, A, S), or scipy.sparse matrix, shape (S*A, S)
        Transition probabilities ``P[s, a, s']``; each ``P[s, a, :]`` must be a distribution.
        Accepted when every entry is ``>= -1e-12`` (``ATOL_PROB``) and every row sums to 1 within
        ``1e-8`` (``ATOL_SUM``); accepted rows are then stored **renormalised exactly** (tiny
        negatives clipped to 0, each row divided by its sum), so the model is stochastic to
        rounding: a row sum of :math:`1 + 10^{-8}` would otherwise make :math:`\gamma P` expansive
        for :math:`\gamma > 1 - 10^{-8}` and the values meaningless. A
        :class:`~pgtheory.errors.ModelWarning` names the largest deviation when some row was off
        by more than float64 rounding (``2 * nnz * eps`` for a row with ``nnz`` nonzeros). Rows
        off by more than ``1e-8`` raise :class:`~pgtheory.errors.InvalidTransitionError`.
        The caller's array is never modified.
    r : array, shape (S, A)
        Expected immediate rewards: finite, real, and with ``max|r| / (1 - gamma)`` (the bound on
        ``|V|``) representable in float64.
    gamma : float
        Discount factor in ``[0, 1)`` (a real number or 0-d array; not a bool).
    rho : array, shape (S,), optional
        Initial-state distribution; uniform when omitted. Accepted and renormalised like a row of ``P``.

    Raises
    ------
    pgtheory.errors.ValidationError
        (or a subclass) when a row of ``P`` is not a distribution, an entry is NaN, inf or
        complex, ``gamma`` is outside ``[0, 1)`` or not a real number, ``max|r| / (1 - gamma)``
        overflows, shapes disagree, ``rho`` is not a distribution, or there are zero states or
        actions.

    Examples
    --------
    >>> import numpy as np
    >>> from pgtheory.mdp import TabularMDP
    >>> P = np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]])
    >>> mdp = TabularMDP(P, r=np.array([[0.0, 0.0], [1.0, 1.0]]), gamma=0.9)
    >>> mdp.S, mdp.A
    (2, 2)
    """

    P: np.ndarray | sp.csr_matrix
    r: np.ndarray
    gamma: float
    rho: np.ndarray | None = None

    def __post_init__(self):
        r = as_float_array(_real(self.r, "r"), "r", ndim=2)
        S, A = r.shape
        if S == 0 or A == 0:
            raise ShapeError(f"r has shape {r.shape}: an MDP needs at least one state and one action.")
        if sp.issparse(self.P):
            P = _check_sparse_P(_real(self.P, "P"), S, A)
            P.data.setflags(write=False)
        else:
            P = as_float_array(_real(self.P, "P"), "P", ndim=3)
            check_shape(P, (S, A, S), "P", f"Fix: P[s, a, s'] must match r[s, a] of shape {r.shape}.")
            P = _freeze(_renormalise_dense(check_distribution(P, "P", axis=-1, transition=True), "P"))
        gamma = _check_discount(self.gamma)
        _check_value_range(r, 1.0 / (1.0 - gamma))
        if self.rho is None:
            rho = np.full(S, 1.0 / S)
        else:
            rho = as_float_array(_real(self.rho, "rho"), "rho", ndim=1)
            check_shape(rho, (S,), "rho", "Fix: rho is a distribution over the S states.")
            rho = _renormalise_dense(check_distribution(rho, "rho"), "rho")
        object.__setattr__(self, "P", P)
        object.__setattr__(self, "r", _freeze(r))
        object.__setattr__(self, "gamma", gamma)
        object.__setattr__(self, "rho", _freeze(rho))

    # ------------------------------------------------------------------ basics
    @property
    def S(self) -> int:
        """Number of states."""
        return self.r.shape[0]

    @property
    def A(self) -> int:
        """Number of actions."""
        return self.r.shape[1]

    @property
    def is_sparse(self) -> bool:
        """Whether transitions are stored sparsely as an ``(S*A, S)`` CSR matrix."""
        return sp.issparse(self.P)

    @classmethod
    def from_sparse(cls, P, r, gamma, rho=None) -> "TabularMDP":
        """Build from a sparse ``(S*A, S)`` transition matrix (row ``s*A+a`` is ``P[s, a, :]``)."""
        return cls(sp.csr_matrix(P), r, gamma, rho)

    def P_matrix(self):
        """Transitions as a 2-D ``(S*A, S)`` matrix (dense ndarray or CSR), row ``s*A+a``."""
        return self.P if self.is_sparse else self.P.reshape(self.S * self.A, self.S)

    @functools.cached_property
    def _row_sum_max(self) -> float:
        """Largest row sum of :meth:`P_matrix` as float64 sums it (``max(P_matrix().sum(axis=1))``),
        computed once per model: the solvers' certificates need it at every solve (their contraction
        bound, :func:`pgtheory.mdp._rounding.contraction`), and ``P`` never changes (read-only)."""
        return row_sum_max(self.P_matrix())

    def P_pi(self, pi: np.ndarray):
        r"""State transition matrix :math:`P_\pi[s, s'] = \sum_a \pi(a|s) P(s'|s,a)`, shape (S, S).

        Sparse MDPs give a CSR matrix.
        """
        if self.is_sparse:
            S, A = self.S, self.A
            rows = np.repeat(np.arange(S), A)
            W = sp.csr_matrix((np.asarray(pi, dtype=np.float64).ravel(), (rows, np.arange(S * A))), shape=(S, S * A))
            return (W @ self.P).tocsr()
        return np.einsum("sa,sat->st", pi, self.P)

    def r_pi(self, pi: np.ndarray) -> np.ndarray:
        r"""Expected reward under ``pi``: :math:`r_\pi(s) = \sum_a \pi(a|s) r(s,a)`, shape (S,)."""
        return np.einsum("sa,sa->s", pi, self.r)

    def expect_next(self, V: np.ndarray) -> np.ndarray:
        r""":math:`(PV)(s,a) = \sum_{s'} P(s'|s,a) V(s')`, shape (S, A)."""
        return (self.P_matrix() @ V).reshape(self.S, self.A)

    def with_gamma(self, gamma: float) -> "TabularMDP":
        """A copy with another discount factor."""
        return TabularMDP(self.P, self.r, gamma, self.rho)

    def with_rho(self, rho) -> "TabularMDP":
        """A copy with another initial distribution."""
        return TabularMDP(self.P, self.r, self.gamma, rho)

    def __repr__(self) -> str:
        kind = "sparse" if self.is_sparse else "dense"
        return f"TabularMDP(S={self.S}, A={self.A}, gamma={self.gamma}, P={kind})"


@dataclasses.dataclass(frozen=True, eq=False)
class FiniteHorizonMDP:
    r"""A finite-horizon MDP with horizon ``H`` (stages ``h = 0, ..., H-1``).

    The value is :math:`V_h^\pi(s) = \mathbb E[\sum_{k=h}^{H-1} r_k(s_k,a_k)\mid s_h=s]`
    and :math:`J(\pi) = \rho^\top V_0^\pi`.

    Parameters
    ----------
    P : array, shape (S, A, S) (stationary) or (H, S, A, S) (non-stationary)
        Transition probabilities; accepted within the tolerances of :class:`TabularMDP` and
        stored renormalised exactly (with a :class:`~pgtheory.errors.ModelWarning` when a row was
        off by more than float64 rounding).
    r : array, shape (S, A) (stationary) or (H, S, A)
        Expected rewards: finite, real, with ``H * max|r|`` representable in float64.
    H : int
        Horizon (>= 1).
    rho : array, shape (S,), optional
        Initial distribution (uniform when omitted); renormalised like a row of ``P``.

    Raises
    ------
    pgtheory.errors.ValidationError
        (or a subclass) when a row of ``P`` or ``rho`` is not a distribution, an entry is NaN
        or inf, ``H`` is not a positive integer, or shapes disagree.
    """

    P: np.ndarray
    r: np.ndarray
    H: int
    rho: np.ndarray | None = None

    def __post_init__(self):
        H = check_positive_int(self.H, "H")
        r = as_float_array(_real(self.r, "r"), "r", ndim=(2, 3))
        _check_value_range(r, float(H))
        if r.ndim == 2:
            r = np.broadcast_to(r, (H,) + r.shape)
        if r.shape[0] != H:
            raise ShapeError(f"r has {r.shape[0]} stages but H = {H}. Fix: pass r of shape (H, S, A) or (S, A).")
        _, S, A = r.shape
        if S == 0 or A == 0:
            raise ShapeError(f"r has shape {r.shape}: an MDP needs at least one state and one action.")
        P = as_float_array(_real(self.P, "P"), "P", ndim=(3, 4))
        if P.ndim == 3:
            check_shape(P, (S, A, S), "P", "Fix: stationary P has shape (S, A, S).")
            P = np.broadcast_to(P, (H,) + P.shape)
        check_shape(P, (H, S, A, S), "P", "Fix: non-stationary P has shape (H, S, A, S).")
        P = _renormalise_dense(check_distribution(P, "P", axis=-1, transition=True), "P")
        if self.rho is None:
            rho = np.full(S, 1.0 / S)
        else:
            rho = as_float_array(_real(self.rho, "rho"), "rho", ndim=1)
            check_shape(rho, (S,), "rho", "Fix: rho is a distribution over the S states.")
            rho = _renormalise_dense(check_distribution(rho, "rho"), "rho")
        object.__setattr__(self, "H", H)
        object.__setattr__(self, "P", _freeze(P))
        object.__setattr__(self, "r", _freeze(r))
        object.__setattr__(self, "rho", _freeze(rho))

    @property
    def S(self) -> int:
        """Number of states."""
        return self.r.shape[1]

    @property
    def A(self) -> int:
        """Number of actions."""
        return self.r.shape[2]

    def __repr__(self) -> str:
        return f"FiniteHorizonMDP(S={self.S}, A={self.A}, H={self.H})"
