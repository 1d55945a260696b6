r"""Tabular MDP instances with known structure, each documenting its source.

* :func:`garnet` -- random "Garnet" MDPs (Archibald, McKinnon, Thomas 1995; Bhatnagar,
  Sutton, Ghavamzadeh, Lee 2009), dense or sparse (S up to 10^5).
* :func:`chain` -- the 5-state "chain" of Dearden, Friedman, Russell (1998).
* :func:`riverswim` -- RiverSwim of Strehl & Littman (2008).
* :func:`gridworld` -- a slippery grid with one absorbing rewarding goal.
* :func:`combination_lock` -- the combination lock used as a hard-exploration example
  (Kakade 2003, thesis; Misra et al. 2020, arXiv:1911.05815).
* :func:`li2021_hard_mdp` -- the lumped hard MDP of Li, Wei, Chi, Chen (2021),
  arXiv:2102.11270, on which exact softmax policy gradient takes super-exponential time.

Provenance tags: [V] read in the source, [R] recalled (the
common reproduction of the instance; not re-read), [I] our own choice.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import scipy.sparse as sp

from .._math import centred, softmax
from .._validate import check_gamma, check_positive, check_positive_int
from ..errors import ValidationError
from ._bellman import policy_evaluation, state_occupancy
from ._model import TabularMDP

__all__ = [
    "garnet",
    "chain",
    "riverswim",
    "gridworld",
    "combination_lock",
    "li2021_hard_mdp",
    "LiHardMDP",
]

#: Dense transition tensors above this many entries are built sparse when ``sparse=None``.
DENSE_MAX_ENTRIES = 10_000_000


def _rng(seed):
    return np.random.default_rng(seed)


def _distinct_successors(rng, n_rows: int, S: int, b: int) -> np.ndarray:
    """``b`` distinct successor indices in ``[0, S)`` for each of ``n_rows`` rows."""
    if b * 4 > S:  # dense regime: argpartition of random keys (exactly uniform subsets)
        keys = rng.random((n_rows, S))
        return np.argpartition(keys, b - 1, axis=1)[:, :b]
    idx = rng.integers(0, S, size=(n_rows, b))
    while True:  # resample the (rare) rows with a repeated successor; uniform b-subsets
        srt = np.sort(idx, axis=1)
        bad = np.flatnonzero(np.any(srt[:, 1:] == srt[:, :-1], axis=1))
        if bad.size == 0:
            return idx
        idx[bad] = rng.integers(0, S, size=(bad.size, b))


def garnet(S: int, A: int, b: int, gamma: float = 0.9, seed=None, sparse: bool | None = None,
           rho=None) -> TabularMDP:
    r"""Random Garnet MDP :math:`G(S, A, b)`.

    Every state-action pair has ``b`` distinct successor states drawn uniformly without
    replacement; their probabilities are the gaps of ``b - 1`` uniform cut points of
    :math:`[0, 1]` (a uniform draw from the simplex); rewards :math:`r(s,a)\sim U[0,1]`
    independently.

    Parameters
    ----------
    S, A, b : int
        States, actions, branching factor (``1 <= b <= S``).
    gamma : float
        Discount factor.
    seed : int or numpy.random.Generator, optional
        Randomness (reproducible from it).
    sparse : bool, optional
        Store ``P`` as a CSR ``(S*A, S)`` matrix. Default: sparse when ``S*A*S`` exceeds
        ``DENSE_MAX_ENTRIES`` (1e7).
    rho : array, shape (S,), optional
        Initial distribution (uniform by default).

    Returns
    -------
    TabularMDP

    References
    ----------
    Archibald, McKinnon, Thomas (1995), "On the generation of Markov decision processes",
    J. Oper. Res. Soc. 46(3). Bhatnagar, Sutton, Ghavamzadeh, Lee (2009), "Natural actor-critic
    algorithms", Automatica 45(11), Sec. 6 (Garnet problems; reward model here is [I]).
    """
    S = check_positive_int(S, "S")
    A = check_positive_int(A, "A")
    b = check_positive_int(b, "b")
    if b > S:
        raise ValidationError(f"branching factor b = {b} exceeds S = {S}. Fix: pass 1 <= b <= S.")
    gamma = check_gamma(gamma)
    rng = _rng(seed)
    n = S * A
    cols = _distinct_successors(rng, n, S, b)
    cuts = np.sort(rng.random((n, b - 1)), axis=1)
    probs = np.diff(np.concatenate([np.zeros((n, 1)), cuts, np.ones((n, 1))], axis=1), axis=1)
    r = rng.random((S, A))
    if sparse is None:
        sparse = S * A * S > DENSE_MAX_ENTRIES
    P = sp.csr_matrix((probs.ravel(), cols.ravel(), np.arange(0, n * b + 1, b)), shape=(n, S))
    P.sum_duplicates()
    if sparse:
        return TabularMDP(P, r, gamma, rho)
    return TabularMDP(P.toarray().reshape(S, A, S), r, gamma, rho)


def chain(n: int = 5, slip: float = 0.2, r_forward_end: float = 10.0, r_return: float = 2.0,
          gamma: float = 0.9) -> TabularMDP:
    r"""The "chain" MDP of Dearden, Friedman & Russell (1998).

    States ``0..n-1``; action 0 ("forward") moves to ``s+1`` (reward 0; at the last state it
    stays and pays ``r_forward_end``); action 1 ("return") goes to state 0 paying
    ``r_return``. With probability ``slip`` the other action's effect happens instead.
    Start state 0. The optimal policy always goes forward when ``gamma`` is large.

    Parameters
    ----------
    n : int
        Number of states (>= 2).
    slip : float
        Probability that the other action's effect happens.
    r_forward_end, r_return : float
        Reward for "forward" at the last state, and for "return".
    gamma : float
        Discount factor.

    Returns
    -------
    TabularMDP

    References
    ----------
    Dearden, Friedman, Russell (1998), "Bayesian Q-learning", AAAI, Fig. 1 [R].
    """
    n = check_positive_int(n, "n", minimum=2)
    slip = check_positive(slip, "slip", strict=False, upper=1.0)
    P = np.zeros((n, 2, n))
    r = np.zeros((n, 2))
    for s in range(n):
        fwd = min(s + 1, n - 1)
        r_fwd = r_forward_end if s == n - 1 else 0.0
        P[s, 0, fwd] += 1 - slip
        P[s, 0, 0] += slip
        r[s, 0] = (1 - slip) * r_fwd + slip * r_return
        P[s, 1, 0] += 1 - slip
        P[s, 1, fwd] += slip
        r[s, 1] = (1 - slip) * r_return + slip * r_fwd
    rho = np.zeros(n)
    rho[0] = 1.0
    return TabularMDP(P, r, gamma, rho)


def riverswim(n: int = 6, gamma: float = 0.95, r_left: float = 5.0 / 10000.0, r_right: float = 1.0,
              p_right: float = 0.35, p_stay: float = 0.6) -> TabularMDP:
    r"""RiverSwim of Strehl & Littman (2008).

    States ``0..n-1`` along a river; action 0 (swim left, with the current) moves left
    deterministically and pays ``r_left`` at state 0; action 1 (swim right, against the
    current) moves right w.p. ``p_right``, stays w.p. ``p_stay`` and drifts left otherwise
    (at state 0: right w.p. ``p_right``, else stay; at state ``n-1``: stay w.p.
    ``1 - (1-p_right-p_stay)``, pays ``r_right`` in expectation of the stay). Start state 0.
    The original rewards (5 and 10000) are rescaled to ``(5e-4, 1)`` [I].

    Parameters
    ----------
    n : int
        Number of states (>= 2).
    gamma : float
        Discount factor.
    r_left, r_right : float
        Rewards at the left bank (action 0 at state 0) and the right end (action 1 at ``n-1``).
    p_right, p_stay : float
        Probabilities of moving right / staying when swimming right (interior states).

    Returns
    -------
    TabularMDP

    References
    ----------
    Strehl, Littman (2008), "An analysis of model-based interval estimation for Markov
    decision processes", J. Comput. Syst. Sci. 74(8), Fig. 2 (RiverSwim) [R: probabilities as
    in the common reproduction, e.g. Osband et al. 2013, arXiv:1306.0940].
    """
    n = check_positive_int(n, "n", minimum=2)
    p_left = 1.0 - p_right - p_stay
    if p_left < 0:
        raise ValidationError(f"p_right + p_stay = {p_right + p_stay} > 1. Fix: choose probabilities summing to <= 1.")
    P = np.zeros((n, 2, n))
    r = np.zeros((n, 2))
    for s in range(n):
        P[s, 0, max(s - 1, 0)] = 1.0
        if s == 0:
            P[s, 1, 1] += p_right
            P[s, 1, 0] += 1 - p_right
        elif s == n - 1:
            P[s, 1, s] += 1 - p_left
            P[s, 1, s - 1] += p_left
            r[s, 1] = (1 - p_left) * r_right
        else:
            P[s, 1, s + 1] += p_right
            P[s, 1, s] += p_stay
            P[s, 1, s - 1] += p_left
    r[0, 0] = r_left
    rho = np.zeros(n)
    rho[0] = 1.0
    return TabularMDP(P, r, gamma, rho)


def gridworld(n_rows: int = 4, n_cols: int = 4, slip: float = 0.1, goal=None, gamma: float = 0.9,
              goal_reward: float = 1.0, step_reward: float = 0.0) -> TabularMDP:
    r"""A slippery grid world with one absorbing goal.

    State ``s = row * n_cols + col``; actions 0..3 = up, right, down, left. The intended move
    happens w.p. ``1 - slip``; otherwise a uniformly random move (of the four) happens; moves
    off the grid leave the agent in place. Every action at the goal pays ``goal_reward`` and
    stays there; elsewhere each step pays ``step_reward``. Start: uniform over non-goal cells.
    The optimal values are ``goal_reward/(1-gamma)`` at the goal and decrease with distance.

    Parameters
    ----------
    n_rows, n_cols : int
        Grid size.
    slip : float
        Probability of a uniformly random move instead of the intended one.
    goal : int, optional
        Goal cell ``row * n_cols + col`` (default: the last cell).
    gamma : float
        Discount factor.
    goal_reward, step_reward : float
        Reward per action at the goal, and per step elsewhere.

    Returns
    -------
    TabularMDP

    References
    ----------
    Sutton, Barto (2018), *Reinforcement Learning: An Introduction*, 2nd ed., Example 3.5
    (grid world) and Example 4.1 [I: the slip model and the absorbing rewarding goal are ours].
    """
    n_rows = check_positive_int(n_rows, "n_rows")
    n_cols = check_positive_int(n_cols, "n_cols")
    slip = check_positive(slip, "slip", strict=False, upper=1.0)
    S = n_rows * n_cols
    goal = S - 1 if goal is None else int(goal)
    if not 0 <= goal < S:
        raise ValidationError(f"goal = {goal} is not a cell index in [0, {S}). Fix: pass row * n_cols + col.")
    moves = [(-1, 0), (0, 1), (1, 0), (0, -1)]

    def dest(s, m):
        i, j = divmod(s, n_cols)
        di, dj = moves[m]
        i2, j2 = i + di, j + dj
        if 0 <= i2 < n_rows and 0 <= j2 < n_cols:
            return i2 * n_cols + j2
        return s

    P = np.zeros((S, 4, S))
    r = np.full((S, 4), float(step_reward))
    for s in range(S):
        for a in range(4):
            if s == goal:
                P[s, a, s] = 1.0
                r[s, a] = goal_reward
                continue
            P[s, a, dest(s, a)] += 1 - slip
            for m in range(4):
                P[s, a, dest(s, m)] += slip / 4
    rho = np.ones(S)
    if S > 1:
        rho[goal] = 0.0
    return TabularMDP(P, r, gamma, rho / rho.sum())


def combination_lock(H: int = 10, A: int = 4, gamma: float = 0.99, seed=None, reward: float = 1.0) -> TabularMDP:
    r"""Combination lock: ``H`` lock states, one secret correct action in each.

    States ``0..H-1`` are the lock states, ``H`` is the open (goal) state and ``H+1`` the dead
    state. In lock state ``h`` the correct action ``c_h`` (drawn uniformly by ``seed``) moves to
    ``h+1`` (state ``H`` after the last); any other action moves to the dead state. Taking any
    action in the open state pays ``reward`` and moves to the dead state, which is absorbing with
    zero reward. Start: lock state 0. So :math:`V^*(0) = \gamma^H\cdot` ``reward`` while a uniform
    policy gets :math:`(\gamma/A)^H` ``reward`` -- exponentially small.

    The correct actions are ``np.argmax(P[:H, :, 1:H+1].sum(-1), axis=1)``.

    Parameters
    ----------
    H : int
        Number of lock states.
    A : int
        Number of actions.
    gamma : float
        Discount factor.
    seed : int or numpy.random.Generator, optional
        Draws the correct actions.
    reward : float
        Reward in the open state.

    Returns
    -------
    TabularMDP

    References
    ----------
    Kakade (2003), PhD thesis "On the sample complexity of reinforcement learning", UCL,
    Sec. 2.5 [R]; Misra, Henaff, Krishnamurthy, Langford (2020), arXiv:1911.05815 (diabolical
    combination lock, a rich-observation version) [R].
    """
    H = check_positive_int(H, "H")
    A = check_positive_int(A, "A")
    rng = _rng(seed)
    correct = rng.integers(0, A, size=H)
    S = H + 2
    dead = H + 1
    P = np.zeros((S, A, S))
    r = np.zeros((S, A))
    for h in range(H):
        P[h, :, dead] = 1.0
        P[h, correct[h], dead] = 0.0
        P[h, correct[h], h + 1] = 1.0
    P[H, :, dead] = 1.0
    r[H, :] = reward
    P[dead, :, dead] = 1.0
    rho = np.zeros(S)
    rho[0] = 1.0
    return TabularMDP(P, r, gamma, rho)


# --------------------------------------------------------------------------- Li et al. (2021)
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class LiHardMDP:
    r"""The (lumped) hard MDP of Li, Wei, Chi, Chen (2021) with its bookkeeping.

    Attributes
    ----------
    mdp : TabularMDP
        ``A = 3`` actions (columns ``0, 1, 2`` = the paper's ``a0, a1, a2``). States with fewer
        actions are padded with **copies** of a valid action (so optimal values are those of the
        paper's MDP), and the padded columns are ``False`` in ``action_mask``. ``mdp.rho`` is the
        uniform distribution over all ``n_states_total`` original states, lumped:
        ``rho = multiplicity / n_states_total``.
    action_mask : bool array, shape (S, 3)
        Which actions exist in the paper's MDP. Softmax PG must put probability 0 on the
        others (logit ``-inf``): see :meth:`probs`.
    multiplicity : array, shape (S,)
        Number of original (exchangeable) states each lumped state stands for.
    labels : tuple of str
        Name of each lumped state: ``"0"``, ``"S1"``, ``"S2"``, ``"s3".."sH"`` (primary),
        ``"bar1".."barH"`` (adjoint), ``"boost:<target>"`` (booster sets).
    primary : dict int -> int
        Paper's primary state ``s`` (3..H) -> lumped index.
    adjoint : dict int -> int
        Paper's adjoint state ``s̄`` (1..H) -> lumped index.
    H : int
        Number of primary levels, ``floor(c_h / (1 - gamma))``.
    tau : dict int -> float
        ``tau_s = 0.5 gamma^{2s/3}`` for ``s = 1..H`` (the crossing thresholds, eq. (30)).
    n_states_total : int
        ``|S|``, the number of states of the unlumped MDP.
    params : dict
        The constants used (``c_h, c_b1, c_b2, c_m, c_p, p``).
    """

    mdp: TabularMDP
    action_mask: np.ndarray
    multiplicity: np.ndarray
    labels: tuple
    primary: dict
    adjoint: dict
    H: int
    tau: dict
    n_states_total: int
    params: dict

    def __repr__(self) -> str:
        return (f"LiHardMDP(gamma={self.mdp.gamma}, H={self.H}, lumped_states={self.mdp.S}, "
                f"n_states_total={self.n_states_total})")

    def init_theta(self) -> np.ndarray:
        """Zero logits on the existing actions (the paper's uniform initialisation), shape (S, 3)."""
        return np.zeros(self.action_mask.shape)

    def probs(self, theta) -> np.ndarray:
        r"""Masked softmax :math:`\pi_\theta(a|s)\propto \exp\theta(s,a)` over the existing actions, shape (S, 3)."""
        theta = np.where(self.action_mask, np.asarray(theta, dtype=np.float64), -np.inf)
        return softmax(theta, axis=-1)

    def gradient(self, theta) -> np.ndarray:
        r"""Exact softmax-PG gradient of the **unlumped** objective, per original state.

        The paper runs softmax PG on :math:`V^{\pi_\theta}(\mu) = \frac1{|\mathcal S|}\sum_s V(s)` with
        one logit vector per original state. Copies inside a lumped set are exchangeable and keep
        identical logits, and for a copy ``c`` of lumped state ``x``

        .. math::

            \frac{\partial V^{\pi_\theta}(\mu)}{\partial\theta(c,a)}
            = \frac{1}{1-\gamma}\,\frac{d_\rho^{\pi_\theta}(x)}{m(x)}\,\pi_\theta(a|x)\,A^{\pi_\theta}(x,a),

        where ``d_rho`` is the occupancy of the lumped MDP (``rho = m / |S|``) and ``m`` the
        multiplicity. So the paper's iteration ``theta <- theta + eta * gradient(theta)`` on the
        lumped logits is exact (no approximation). Zero on masked actions.

        Parameters
        ----------
        theta : array, shape (S, 3)

        Returns
        -------
        grad : array, shape (S, 3)
        """
        pi = self.probs(theta)
        sol = policy_evaluation(self.mdp, pi, validate=False)
        d = state_occupancy(self.mdp, pi, validate=False)
        adv = centred(pi, sol.Q)  # cancellation-free Q - V (near-deterministic policies)
        return (d / self.multiplicity)[:, None] * pi * adv / (1.0 - self.mdp.gamma)

    def objective(self, theta) -> float:
        r""":math:`V^{\pi_\theta}(\mu) = \rho^\top V^{\pi_\theta}` (uniform over original states)."""
        return float(self.mdp.rho @ policy_evaluation(self.mdp, self.probs(theta), validate=False).V)


def li2021_hard_mdp(gamma: float = 0.98, n_states: float = 1e8, *, c_h: float = 0.18, c_m: float = 0.5,
                    c_b1: float | None = None, c_b2: float | None = None, c_p: float = 1.0 / 2100.0,
                    lumped: bool = True, counts: dict | None = None) -> LiHardMDP:
    r"""Hard MDP of Li, Wei, Chi, Chen (2021) for softmax policy gradient, in lumped form.

    Construction (Section 3 of the paper, eqs. (19)-(24)) with :math:`H=\lfloor c_h/(1-\gamma)\rfloor`,
    :math:`\tau_s = 0.5\gamma^{2s/3}`, :math:`r_s = 0.5\gamma^{2s/3+5/6}`, :math:`p = c_p(1-\gamma)`:

    * state 0: one action (``a0``), absorbing, reward 0;
    * primary ``s = 3..H`` (actions a0, a1, a2): a0 -> 0 with reward :math:`r_s+\gamma^2 p\,\tau_{s-2}`;
      a1 -> adjoint :math:`\overline{s-1}`, reward 0; a2 -> 0 w.p. :math:`1-p` and ->
      :math:`\overline{s-2}` w.p. ``p``, reward :math:`r_s`;
    * adjoint :math:`\bar s`, ``s = 3..H`` (a0, a1): a0 -> 0 with reward :math:`\gamma\tau_s`; a1 -> ``s``, reward 0;
    * adjoints :math:`\bar1, \bar2`: a0 -> 0 with reward :math:`\gamma\tau_1` (resp. :math:`\gamma\tau_2`);
      a1 -> uniform over buffer set :math:`\mathcal S_1` (resp. :math:`\mathcal S_2`), reward 0;
    * buffers (a0, a1, both -> 0): in :math:`\mathcal S_1` rewards :math:`(-\gamma^2, \gamma^2)`, in
      :math:`\mathcal S_2` rewards :math:`(-\gamma^4, \gamma^4)`;
    * ``2H`` booster sets (one action, ``a1``, reward 0) -> uniform over :math:`\mathcal S_1`,
      :math:`\mathcal S_2`, or deterministically to primary ``s`` (3..H) or adjoint :math:`\bar s` (1..H).

    Set sizes: :math:`|\mathcal S_1| = c_{b,1}(1-\gamma)|\mathcal S|`, :math:`|\mathcal S_2| =
    c_{b,2}(1-\gamma)|\mathcal S|`, each booster set :math:`c_m(1-\gamma)|\mathcal S|`, rounded to
    integers. All copies in a set are exchangeable, so under exact softmax PG from the uniform
    initialisation they keep identical logits; the **lumped** MDP keeps one representative per set,
    with transitions "uniform over the set" sent to the representative and the multiplicity in the
    initial distribution. This is exact (see :meth:`LiHardMDP.gradient`), and makes
    :math:`|\mathcal S|` of 1e7-1e9 cost only ``3H + 3`` lumped states.

    Defaults satisfy the paper's condition (35): :math:`\gamma > 0.96`, :math:`c_m < 1`,
    :math:`c_h < 0.19`, :math:`c_{b,1}/c_m \le 1/79776` (default :math:`c_{b,1} = c_m/79776`),
    :math:`8 \le c_{b,2}/c_m \le 15` (default :math:`c_{b,2} = 10 c_m`), :math:`c_p < 1/2016`; the
    step size must satisfy :math:`\eta < (1-\gamma)^2/5` (not part of the MDP). The theorem's
    universal constants are not explicit in the paper (Remark 3), so these are one admissible choice [I].

    Parameters
    ----------
    gamma : float
        Discount (the theorem needs ``gamma > 0.96``; smaller values are allowed for experiments).
    n_states : float
        Nominal :math:`|\mathcal S|` that sets the set sizes. The paper's accounting leaves
        :math:`|\mathcal S|` minus the listed states unspecified; we take the MDP to be exactly the
        listed states, so ``n_states_total`` (returned) is their count [I].
    c_h, c_m, c_b1, c_b2, c_p : float
        Constants of the construction (see above).
    lumped : bool
        If False, build the full MDP with every copy explicit (only for small ``counts``; used to
        test that lumping is exact).
    counts : dict, optional
        Override set sizes: ``{"S1": int, "S2": int, "booster": int}`` (ignores ``n_states``).

    Returns
    -------
    LiHardMDP

    Raises
    ------
    ValidationError
        If ``H < 3`` (no primary state) or a set would be empty (``n_states`` too small).

    References
    ----------
    Li, Wei, Chi, Chen (2021), "Softmax policy gradient methods can take exponential time to
    converge", COLT 2021 / Math. Programming (2023), arXiv:2102.11270, Section 3 (construction),
    Theorems 1-3, condition (35). Lumping: our reduction of the Sec. 3 construction [I].
    """
    gamma = check_gamma(gamma)
    c_b1 = c_m / 79776.0 if c_b1 is None else float(c_b1)
    c_b2 = 10.0 * c_m if c_b2 is None else float(c_b2)
    H = int(math.floor(c_h / (1.0 - gamma) + 1e-12))
    if H < 3:
        raise ValidationError(f"H = floor(c_h/(1-gamma)) = {H} < 3 leaves no primary state. "
                              f"Fix: use gamma closer to 1 (e.g. >= {1 - c_h / 3:.3f}) or a larger c_h.")
    p = c_p * (1.0 - gamma)
    if counts is None:
        unit = (1.0 - gamma) * float(n_states)
        counts = {"S1": round(c_b1 * unit), "S2": round(c_b2 * unit), "booster": round(c_m * unit)}
    for key in ("S1", "S2", "booster"):
        if int(counts.get(key, 0)) < 1:
            raise ValidationError(f"set {key} would be empty with n_states = {n_states:g} (size {counts.get(key)}). "
                                  f"Fix: increase n_states (S1 needs n_states >= {1 / (c_b1 * (1 - gamma)):.3g}) "
                                  f"or pass counts=.")
    n1, n2, nb = int(counts["S1"]), int(counts["S2"]), int(counts["booster"])
    tau = {s: 0.5 * gamma ** (2 * s / 3) for s in range(1, H + 1)}
    rs = {s: 0.5 * gamma ** (2 * s / 3 + 5 / 6) for s in range(3, H + 1)}

    # lumped states: names, multiplicities
    labels = ["0", "S1", "S2"] + [f"s{s}" for s in range(3, H + 1)] + [f"bar{s}" for s in range(1, H + 1)]
    boost_targets = ["S1", "S2"] + [f"s{s}" for s in range(3, H + 1)] + [f"bar{s}" for s in range(1, H + 1)]
    labels += [f"boost:{t}" for t in boost_targets]
    mult = {"0": 1, "S1": n1, "S2": n2}
    for lab in labels[3:]:
        mult[lab] = nb if lab.startswith("boost:") else 1
    # transitions of the lumped MDP as (label, action) -> list of (prob, target label), reward
    spec = {}
    spec[("0", 0)] = ([(1.0, "0")], 0.0)
    for s in range(3, H + 1):
        spec[(f"s{s}", 0)] = ([(1.0, "0")], rs[s] + gamma ** 2 * p * tau[s - 2])
        spec[(f"s{s}", 1)] = ([(1.0, f"bar{s - 1}")], 0.0)
        spec[(f"s{s}", 2)] = ([(1.0 - p, "0"), (p, f"bar{s - 2}")], rs[s])
        spec[(f"bar{s}", 0)] = ([(1.0, "0")], gamma * tau[s])
        spec[(f"bar{s}", 1)] = ([(1.0, f"s{s}")], 0.0)
    for k, buf in ((1, "S1"), (2, "S2")):
        spec[(f"bar{k}", 0)] = ([(1.0, "0")], gamma * tau[k])
        spec[(f"bar{k}", 1)] = ([(1.0, buf)], 0.0)
    spec[("S1", 0)] = ([(1.0, "0")], -gamma ** 2)
    spec[("S1", 1)] = ([(1.0, "0")], gamma ** 2)
    spec[("S2", 0)] = ([(1.0, "0")], -gamma ** 4)
    spec[("S2", 1)] = ([(1.0, "0")], gamma ** 4)
    for t in boost_targets:
        spec[(f"boost:{t}", 1)] = ([(1.0, t)], 0.0)

    if lumped:
        states = [(lab, 0) for lab in labels]
    else:
        states = [(lab, i) for lab in labels for i in range(mult[lab])]
    index = {st: i for i, st in enumerate(states)}
    by_label = {}
    for st, i in index.items():
        by_label.setdefault(st[0], []).append(i)
    S, A = len(states), 3
    P = np.zeros((S, A, S))
    r = np.zeros((S, A))
    mask = np.zeros((S, A), dtype=bool)
    for (lab, copy), i in index.items():
        for a in range(A):
            if (lab, a) in spec:
                mask[i, a] = True
                trans, rew = spec[(lab, a)]
                r[i, a] = rew
                for prob, tgt in trans:
                    tgts = by_label[tgt]
                    P[i, a, tgts] += prob / len(tgts)
        first = int(np.flatnonzero(mask[i])[0])
        for a in range(A):  # pad missing actions with copies of the first valid action
            if not mask[i, a]:
                P[i, a] = P[i, first]
                r[i, a] = r[i, first]
    multiplicity = np.array([mult[lab] if lumped else 1 for (lab, _) in states], dtype=np.float64)
    total = int(sum(mult[lab] for lab in labels))
    rho = multiplicity / multiplicity.sum()
    mdp = TabularMDP(P, r, gamma, rho)
    mask.setflags(write=False)
    multiplicity.setflags(write=False)
    first_index = {lab: idx[0] for lab, idx in by_label.items()}
    return LiHardMDP(
        mdp=mdp, action_mask=mask, multiplicity=multiplicity, labels=tuple(lab for lab, _ in states),
        primary={s: first_index[f"s{s}"] for s in range(3, H + 1)},
        adjoint={s: first_index[f"bar{s}"] for s in range(1, H + 1)},
        H=H, tau=tau, n_states_total=total,
        params={"c_h": c_h, "c_m": c_m, "c_b1": c_b1, "c_b2": c_b2, "c_p": c_p, "p": p,
                "counts": {"S1": n1, "S2": n2, "booster": nb}, "lumped": lumped},
    )
