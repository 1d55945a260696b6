r"""Preference games: validated models and instance constructors.

A *preference matrix* over a finite set of responses :math:`\mathcal Y` (``n = |Y|``) is

.. math::

    P[y, y'] = \Pr(y \succ y') \in [0, 1], \qquad P + P^\top = \mathbf 1\mathbf 1^\top,

so the diagonal is :math:`1/2`. For mixed policies
:math:`P(\pi \succ \pi') = \pi^\top P \pi'` and :math:`P(\pi \succ \pi) = 1/2` for every
:math:`\pi`. The game is symmetric and constant-sum; it may be intransitive (no Condorcet
winner). The contextual version draws a prompt :math:`x \sim \rho` and holds one matrix per
prompt, ``P[x, y, y']``.

Internally every game is handled through the *centred* matrix
:math:`A = (P - P^\top)/2 = P - 1/2`, which is exactly antisymmetric in floating point and
gives the same softmax updates as :math:`P` (a constant shift of the payoff vector cancels).

References
----------
Munos et al., *Nash Learning from Human Feedback*, ICML 2024, arXiv:2312.00886, Sec. 3.
Tiapkin et al., *Accelerating Nash Learning from Human Feedback via Mirror Prox*,
arXiv:2505.19731v1, Sec. 2.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._validate import as_float_array, check_distribution, check_positive_int
from ..errors import InvalidProbabilityError, ShapeError, ValidationError

__all__ = [
    "PreferenceGame",
    "ContextualPreferenceGame",
    "random_preference_game",
    "tie_game",
    "rock_paper_scissors",
    "intransitive_game",
    "PREFERENCE_ATOL",
]

#: Tolerance of the preference-matrix checks (entries in [0, 1], ``P + P^T = 1``).
PREFERENCE_ATOL = 1e-10


def _check_preference_matrix(P, name: str = "P") -> np.ndarray:
    """Validate one matrix or a stack ``(X, n, n)`` of preference matrices; return float64."""
    P = as_float_array(P, name, ndim=(2, 3))
    if P.shape[-1] != P.shape[-2]:
        raise ShapeError(f"{name} must be square in its last two axes (P[y, y'] over the same responses); "
                         f"got shape {P.shape}.")
    if P.shape[-1] < 1:
        raise ShapeError(f"{name} is empty. Fix: pass at least one response.")
    if np.any(P < -PREFERENCE_ATOL) or np.any(P > 1 + PREFERENCE_ATOL):
        idx = tuple(int(i) for i in np.argwhere((P < -PREFERENCE_ATOL) | (P > 1 + PREFERENCE_ATOL))[0])
        raise InvalidProbabilityError(f"{name}{list(idx)} = {P[idx]:.6g} is not a probability. "
                                      f"Fix: P[y, y'] = Pr(y preferred to y') must lie in [0, 1].")
    S = P + np.swapaxes(P, -1, -2)
    bad = np.abs(S - 1.0) > PREFERENCE_ATOL
    if np.any(bad):
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise InvalidProbabilityError(
            f"{name} is not a preference matrix: P[y, y'] + P[y', y] = {S[idx]:.10g} at (y, y') = {idx[-2:]}"
            f"{' in context ' + str(idx[0]) if P.ndim == 3 else ''}; it must equal 1 (so the diagonal is 1/2). "
            f"Fix: build P from its strict lower triangle L as P = L + (1 - L.T) with diag 1/2, or use "
            f"pgtheory.games.random_preference_game.")
    return P


@dataclasses.dataclass(frozen=True, eq=False)
class PreferenceGame:
    r"""A symmetric preference game over ``n`` responses.

    Parameters
    ----------
    P : array_like, shape (n, n)
        ``P[y, y'] = Pr(y \succ y')``; validated: entries in ``[0, 1]`` and
        ``P + P.T = 1`` within :data:`PREFERENCE_ATOL` (hence ``diag(P) = 1/2``).
    name : str, optional
        Label used in plots and reports.

    Attributes
    ----------
    P : ndarray, shape (n, n)
    n : int
        Number of responses :math:`|\mathcal Y|`.
    A : ndarray, shape (n, n)
        Centred antisymmetric matrix :math:`(P - P^\top)/2 = P - 1/2`.

    Notes
    -----
    :math:`P(\pi \succ \pi') = \pi^\top P \pi'`; the vector of win rates of each response
    against :math:`\pi'` is :math:`P\pi'` (one *preference query* in the exact setting).

    References
    ----------
    Munos et al. 2023, arXiv:2312.00886, Sec. 3 (preference model and NLHF game).
    """

    P: np.ndarray
    name: str = "preference"

    def __post_init__(self):
        P = _check_preference_matrix(self.P)
        if P.ndim != 2:
            raise ShapeError(f"P must have shape (n, n) for a PreferenceGame; got {P.shape}. "
                             f"Fix: use ContextualPreferenceGame for a stack of matrices.")
        P = P.copy()
        P.setflags(write=False)
        A = 0.5 * (P - P.T)
        A.setflags(write=False)
        object.__setattr__(self, "P", P)
        object.__setattr__(self, "A", A)

    @property
    def n(self) -> int:
        """Number of responses."""
        return int(self.P.shape[0])

    def preference(self, pi, pi_prime) -> float:
        r"""Return :math:`P(\pi \succ \pi') = \pi^\top P \pi'`.

        Parameters
        ----------
        pi, pi_prime : array_like, shape (n,)
            Probability vectors (validated).

        Returns
        -------
        float
        """
        pi = check_distribution(pi, "pi")
        pi_prime = check_distribution(pi_prime, "pi_prime")
        if pi.shape != (self.n,) or pi_prime.shape != (self.n,):
            raise ShapeError(f"pi and pi_prime must have shape ({self.n},); got {pi.shape} and {pi_prime.shape}.")
        return float(pi @ self.P @ pi_prime)

    def as_contextual(self) -> "ContextualPreferenceGame":
        """Return the same game as a :class:`ContextualPreferenceGame` with one prompt.

        The result shares this game's read-only ``P`` and ``A`` (``P[None]``, ``A[None]``): the matrix
        was validated when this game was built, and ``A`` is the same elementwise formula, so the
        contextual game is the one the constructor would build, without a second validation and copy
        (about 14 ms at n = 1000, paid by every runner call; issue 13, bench_games).
        """
        return ContextualPreferenceGame._from_validated(self.P[None], self.A[None], self.name)

    def __repr__(self) -> str:
        return f"PreferenceGame(n={self.n}, name={self.name!r})"


@dataclasses.dataclass(frozen=True, eq=False)
class ContextualPreferenceGame:
    r"""A preference game with prompts :math:`x \sim \rho` and one preference matrix per prompt.

    Parameters
    ----------
    P : array_like, shape (X, n, n)
        ``P[x, y, y'] = Pr(y \succ y' | x)``, each slice a preference matrix.
    rho : array_like, shape (X,), optional
        Prompt distribution (default uniform); must be a probability vector.
    name : str, optional

    Notes
    -----
    :math:`P(\pi \succ \pi') = \mathbb E_{x\sim\rho}[\pi(\cdot|x)^\top P_x \pi'(\cdot|x)]` and the
    regulariser is :math:`\mathrm{KL}_\rho(\pi\|\mu) = \mathbb E_{x\sim\rho}\mathrm{KL}(\pi(\cdot|x)\|\mu(\cdot|x))`,
    so the regularised game separates over prompts with positive mass.

    References
    ----------
    Munos et al. 2023, arXiv:2312.00886, Sec. 3 (contextual formulation with :math:`\rho`).
    """

    P: np.ndarray
    rho: np.ndarray | None = None
    name: str = "contextual preference"

    def __post_init__(self):
        P = _check_preference_matrix(self.P)
        if P.ndim != 3:
            raise ShapeError(f"P must have shape (X, n, n) for a ContextualPreferenceGame; got {P.shape}.")
        rho = np.full(P.shape[0], 1.0 / P.shape[0]) if self.rho is None else check_distribution(self.rho, "rho")
        if rho.shape != (P.shape[0],):
            raise ShapeError(f"rho must have shape ({P.shape[0]},) (one mass per prompt); got {rho.shape}.")
        P = P.copy()
        A = 0.5 * (P - np.swapaxes(P, -1, -2))
        for arr in (P, rho, A):
            arr.setflags(write=False)
        object.__setattr__(self, "P", P)
        object.__setattr__(self, "rho", rho)
        object.__setattr__(self, "A", A)

    @classmethod
    def _from_validated(cls, P: np.ndarray, A: np.ndarray, name: str) -> "ContextualPreferenceGame":
        """One-prompt game (``rho = [1]``) on arrays a :class:`PreferenceGame` already validated and froze."""
        game = object.__new__(cls)
        rho = np.ones(1)
        rho.setflags(write=False)
        for field, value in (("P", P), ("rho", rho), ("name", name), ("A", A)):
            object.__setattr__(game, field, value)
        return game

    @property
    def n(self) -> int:
        """Number of responses per prompt."""
        return int(self.P.shape[-1])

    @property
    def n_contexts(self) -> int:
        """Number of prompts ``X``."""
        return int(self.P.shape[0])

    def as_contextual(self) -> "ContextualPreferenceGame":
        """Return ``self``."""
        return self

    def __repr__(self) -> str:
        return f"ContextualPreferenceGame(X={self.n_contexts}, n={self.n}, name={self.name!r})"


def _from_lower(L: np.ndarray) -> np.ndarray:
    """Preference matrix whose strict lower triangle is ``L``'s (upper = 1 - lower, diag 1/2)."""
    low = np.tril(L, -1)
    P = low + np.triu(1.0 - low.T, 1)
    np.fill_diagonal(P, 0.5)
    return P


def random_preference_game(n: int, *, rng=None, contexts: int | None = None, rho=None):
    r"""A random preference game: strict lower triangle i.i.d. :math:`U(0, 1)`.

    Parameters
    ----------
    n : int
        Number of responses (>= 1).
    rng : numpy.random.Generator or int or None
        Randomness (normalised with ``np.random.default_rng``).
    contexts : int or None
        If given, return a :class:`ContextualPreferenceGame` with that many prompts.
    rho : array_like, optional
        Prompt distribution for the contextual game (default uniform).

    Returns
    -------
    PreferenceGame or ContextualPreferenceGame

    Notes
    -----
    :math:`P_{yy'} \sim U(0,1)` for :math:`y > y'`, :math:`P_{y'y} = 1 - P_{yy'}`,
    :math:`P_{yy} = 1/2`. This is the ``random`` instance of the EGPO simulation code
    (Zhou, Fazel, Du, arXiv:2503.08942, repository ``zhourunlong/EGPO``, ``simulations``);
    the construction is re-implemented here, not copied.
    """
    n = check_positive_int(n, "n")
    rng = np.random.default_rng(rng)
    if contexts is None:
        return PreferenceGame(_from_lower(rng.uniform(size=(n, n))), name=f"random(n={n})")
    contexts = check_positive_int(contexts, "contexts")
    P = np.stack([_from_lower(rng.uniform(size=(n, n))) for _ in range(contexts)])
    return ContextualPreferenceGame(P, rho, name=f"random(X={contexts}, n={n})")


def tie_game(n: int) -> PreferenceGame:
    r"""The all-ties game :math:`P \equiv 1/2` over ``n`` responses.

    Parameters
    ----------
    n : int
        Number of responses.

    Returns
    -------
    PreferenceGame

    Notes
    -----
    Every policy is an unregularised equilibrium; the :math:`\beta`-regularised equilibrium
    is the reference policy :math:`\mu` itself (the payoff term is constant). The ``tie``
    instance of the EGPO simulation code (arXiv:2503.08942, ``zhourunlong/EGPO``).
    """
    n = check_positive_int(n, "n")
    return PreferenceGame(np.full((n, n), 0.5), name=f"tie(n={n})")


def rock_paper_scissors(margin: float = 1.0) -> PreferenceGame:
    r"""Rock-paper-scissors as a preference game over 3 responses.

    Parameters
    ----------
    margin : float in (0, 1]
        ``P[winner, loser] = (1 + margin)/2``; ``margin = 1`` is deterministic RPS.

    Returns
    -------
    PreferenceGame

    Notes
    -----
    Responses (rock, paper, scissors) = (0, 1, 2); paper beats rock, scissors beat paper,
    rock beats scissors. The unique unregularised equilibrium is uniform, and by symmetry the
    :math:`\beta`-regularised equilibrium with uniform :math:`\mu` is uniform too. The classic
    intransitive example (e.g. Munos et al. 2023, arXiv:2312.00886, Sec. 2, on intransitive
    preferences).
    """
    m = float(margin)
    if not (0.0 < m <= 1.0):
        raise ValidationError(f"margin must lie in (0, 1]; got {margin!r}.")
    w, l_ = 0.5 * (1 + m), 0.5 * (1 - m)
    P = np.full((3, 3), 0.5)
    for a, b in ((1, 0), (2, 1), (0, 2)):  # a beats b
        P[a, b], P[b, a] = w, l_
    return PreferenceGame(P, name=f"rock-paper-scissors(margin={m:g})")


def intransitive_game(n: int, margin: float = 1.0) -> PreferenceGame:
    r"""A cyclic (tournament) preference game over an odd number ``n`` of responses.

    Parameters
    ----------
    n : int
        Odd number of responses, >= 3.
    margin : float in (0, 1]
        ``P[y, y'] = (1 + margin)/2`` when ``y`` beats ``y'``.

    Returns
    -------
    PreferenceGame

    Notes
    -----
    Response :math:`y` beats :math:`y'` iff :math:`(y - y') \bmod n \in \{1, \dots, (n-1)/2\}`
    (the regular tournament generalising rock-paper-scissors, which is ``n = 3``). Every
    response beats exactly half of the others, so there is no Condorcet winner; the
    unregularised equilibrium (maximal lottery, Fishburn 1984) is uniform.
    """
    n = check_positive_int(n, "n", minimum=3)
    if n % 2 == 0:
        raise ValidationError(f"n must be odd for the regular cyclic tournament; got {n}. Fix: use n = {n + 1}.")
    m = float(margin)
    if not (0.0 < m <= 1.0):
        raise ValidationError(f"margin must lie in (0, 1]; got {margin!r}.")
    d = (np.arange(n)[:, None] - np.arange(n)[None, :]) % n
    beats = (d >= 1) & (d <= (n - 1) // 2)
    P = np.where(beats, 0.5 * (1 + m), np.where(beats.T, 0.5 * (1 - m), 0.5))
    return PreferenceGame(P, name=f"intransitive(n={n}, margin={m:g})")
