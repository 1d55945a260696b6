r"""Two-player zero-sum matrix games and their (unregularised) Nash equilibria by LP.

The row player picks :math:`x \in \Delta_m` to maximise and the column player picks
:math:`y \in \Delta_k` to minimise :math:`x^\top A y`. By von Neumann's minimax theorem

.. math::

    \max_x \min_y x^\top A y = \min_y \max_x x^\top A y = v^*,

and both sides are linear programs. :func:`solve_zero_sum` solves the two LPs independently
with SciPy's HiGHS and returns the pair with its certificate
:math:`\mathrm{expl}(x, y) = \max_i (Ay)_i - \min_j (x^\top A)_j \ge 0`.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._validate import as_float_array, check_distribution
from ..errors import ShapeError
from ..results import ResultMixin

__all__ = ["ZeroSumMatrixGame", "MatrixNashEquilibrium", "solve_zero_sum", "matrix_exploitability"]


@dataclasses.dataclass(frozen=True, eq=False)
class ZeroSumMatrixGame:
    r"""A two-player zero-sum matrix game; the row player receives ``x^T A y``.

    Parameters
    ----------
    A : array_like, shape (m, k)
        Payoff to the row (maximising) player; finite.
    name : str, optional

    Notes
    -----
    A preference game is the zero-sum game with ``A = P - 1/2`` (antisymmetric, value 0);
    see :meth:`from_preference`.
    """

    A: np.ndarray
    name: str = "zero-sum"

    def __post_init__(self):
        A = as_float_array(self.A, "A", ndim=2).copy()
        if A.size == 0:
            raise ShapeError(f"A is empty (shape {A.shape}). Fix: pass at least one action per player.")
        A.setflags(write=False)
        object.__setattr__(self, "A", A)

    @property
    def shape(self) -> tuple:
        """``(m, k)``: number of row and column actions."""
        return self.A.shape

    @classmethod
    def from_preference(cls, game) -> "ZeroSumMatrixGame":
        """The zero-sum game ``A = P - 1/2`` of a :class:`~pgtheory.games.PreferenceGame`."""
        return cls(game.A, name=f"zero-sum({game.name})")

    def __repr__(self) -> str:
        return f"ZeroSumMatrixGame(shape={self.shape}, name={self.name!r})"


@dataclasses.dataclass(frozen=True, repr=False)
class MatrixNashEquilibrium(ResultMixin):
    """Nash equilibrium of a zero-sum matrix game.

    Attributes
    ----------
    x : ndarray, shape (m,)
        Maximin strategy of the row player.
    y : ndarray, shape (k,)
        Minimax strategy of the column player.
    value : float
        Game value ``x^T A y``.
    lower, upper : float
        The two LP optima ``max_x min_j (x^T A)_j`` and ``min_y max_i (A y)_i``.
    exploitability : float
        Certificate ``max_i (A y)_i - min_j (x^T A)_j`` (0 at an exact equilibrium).
    method : str
    """

    x: np.ndarray
    y: np.ndarray
    value: float
    lower: float
    upper: float
    exploitability: float
    method: str = "linprog-highs"


def matrix_exploitability(A, x, y) -> float:
    r"""Duality gap of a strategy pair: :math:`\max_i (Ay)_i - \min_j (x^\top A)_j`.

    Parameters
    ----------
    A : array_like, shape (m, k)
    x : array_like, shape (m,)
        Row strategy (probability vector).
    y : array_like, shape (k,)
        Column strategy.

    Returns
    -------
    float
        Non-negative; zero iff ``(x, y)`` is a Nash equilibrium.
    """
    A = as_float_array(A, "A", ndim=2)
    x = check_distribution(x, "x")
    y = check_distribution(y, "y")
    if x.shape != (A.shape[0],) or y.shape != (A.shape[1],):
        raise ShapeError(f"x and y must have shapes ({A.shape[0]},) and ({A.shape[1]},); got {x.shape}, {y.shape}.")
    return float(np.max(A @ y) - np.min(x @ A))


def _maximin(A: np.ndarray) -> tuple[np.ndarray, float]:
    """Solve max_{x, v} v s.t. A^T x >= v, sum x = 1, x >= 0 with HiGHS."""
    from scipy.optimize import linprog  # lazy: scipy.optimize, 0.1 s

    m, k = A.shape
    c = np.zeros(m + 1)
    c[-1] = -1.0
    A_ub = np.hstack([-A.T, np.ones((k, 1))])
    A_eq = np.zeros((1, m + 1))
    A_eq[0, :m] = 1.0
    res = linprog(c, A_ub=A_ub, b_ub=np.zeros(k), A_eq=A_eq, b_eq=[1.0],
                  bounds=[(0, None)] * m + [(None, None)], method="highs")
    if res.status != 0:  # pragma: no cover - a bounded feasible LP always solves
        raise RuntimeError(f"HiGHS failed on the maximin LP: {res.message}")
    x = np.clip(res.x[:m], 0.0, None)
    return x / x.sum(), float(-res.fun)


def solve_zero_sum(game) -> MatrixNashEquilibrium:
    r"""Nash equilibrium of a zero-sum matrix game by two linear programs (SciPy HiGHS).

    Parameters
    ----------
    game : ZeroSumMatrixGame or array_like, shape (m, k)

    Returns
    -------
    MatrixNashEquilibrium
        With the certificate ``exploitability`` (HiGHS tolerances give about ``1e-9``).

    Notes
    -----
    Row LP: :math:`\max v` s.t. :math:`A^\top x \ge v\mathbf 1,\ x \in \Delta_m`; column LP
    is the row LP of :math:`-A^\top`. The two LPs are solved independently, so
    ``upper - lower`` is a second, independent check of the minimax theorem.

    References
    ----------
    von Neumann (1928); Dantzig, *Linear Programming and Extensions* (1963), Ch. 13.
    """
    if not isinstance(game, ZeroSumMatrixGame):
        game = ZeroSumMatrixGame(game)
    A = game.A
    x, lower = _maximin(A)
    y, neg_upper = _maximin(-A.T)
    upper = -neg_upper
    return MatrixNashEquilibrium(x=x, y=y, value=float(x @ A @ y), lower=lower, upper=upper,
                                 exploitability=float(np.max(A @ y) - np.min(x @ A)))
