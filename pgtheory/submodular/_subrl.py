r"""Submodular RL (SubRL) environments, exact objective, exact gradient and exact optimum.

A SubRL problem (Prajapat et al., ICLR 2024) is a finite-horizon controlled Markov chain
``P[s, a, s']`` with initial distribution ``rho``, horizon ``H`` (number of transitions) and a
monotone submodular set function ``F`` of the *set* of visited states. A trajectory is
:math:`\tau = (s_0, a_0, s_1, \dots, a_{H-1}, s_H)` and

.. math::

    J(\pi) = \mathbb E_{\tau \sim \pi}\big[F(\{s_0, \dots, s_H\})\big]
           = \mathbb E\big[F(\{s_0\})\big] + \mathbb E\Big[\sum_{h=0}^{H-1} F(s_{h+1} \mid \tau_{0:h})\Big],

with marginal gains :math:`F(s \mid \tau_{0:h}) = F(\tau_{0:h} \cup \{s\}) - F(\tau_{0:h})`.
States map to ground-set elements through ``items[s]`` (``-1``: a state worth nothing, e.g.
the start state of the bandit-like environment).

Exact computations use the **history graph**: since the future of a trajectory depends on its
past only through ``(h, s_h, V_h)`` with :math:`V_h` the visited set, the layered graph of
reachable triples is a finite-horizon MDP with *additive* rewards (the marginal gains). On it

* :func:`exact_objective` evaluates :math:`J(\pi)` by a forward pass,
* :func:`exact_gradient` returns :math:`\nabla_\theta J` by the policy-gradient theorem on the
  graph — the expectation of the SubPO estimator,
* :func:`optimal_value` returns OPT over all history-dependent policies by backward induction
  (dynamic programming over histories).

:func:`enumerate_trajectories` enumerates trajectories explicitly (an independent check).

Three tabular softmax policy classes share one interface (``policy=`` argument):

``"markov"``
    time-indexed Markov policy :math:`\pi(a \mid s, h)`, ``theta.shape == (H, S, A)`` (SubPO-M).
``"state_independent"``
    :math:`\pi^h(a)`, ``theta.shape == (H, A)``: the class of the paper's guarantee on
    :math:`\varepsilon`-Bandit SMDPs.
``"history"``
    :math:`\pi(a \mid h, s_h, V_h)`, one logit row per decision node of the history graph,
    ``theta.shape == (graph.n_decision, A)`` (SubPO-NM; sufficient for optimality).

References
----------
M. Prajapat, M. Mutný, M. N. Zeilinger, A. Krause. Submodular Reinforcement Learning. ICLR 2024,
arXiv:2307.13372 (SubRL, SubPO, the gradient estimator with history baseline).
"""

from __future__ import annotations

import dataclasses
import functools
import weakref
from typing import NamedTuple

import numpy as np

from .._math import softmax
from .._validate import check_distribution, check_positive_int
from ..backend import numba_available, resolve_backend
from ..errors import InfeasibleSizeError, ShapeError, ValidationError
from ..results import ResultMixin
from ._functions import SetFunction, WeightedCoverage, masks_from_bits

__all__ = [
    "SubRLEnv",
    "HistoryGraph",
    "bandit_env",
    "grid_env",
    "corridor_trap_env",
    "build_history_graph",
    "policy_shape",
    "exact_objective",
    "exact_gradient",
    "exact_gradient_direct",
    "optimal_value",
    "enumerate_trajectories",
    "objective_by_enumeration",
    "open_loop_optimum",
    "POLICY_CLASSES",
    "GRID_ACTIONS",
    "MAX_NODES",
    "MAX_TRAJECTORIES",
]

POLICY_CLASSES = ("markov", "state_independent", "history")
#: Action meanings of :func:`grid_env` (moves off the grid leave the agent in place).
GRID_ACTIONS = ("stay", "up", "down", "left", "right")
#: Default cap on the number of history-graph nodes.
MAX_NODES = 1_000_000
#: Default cap on the number of enumerated trajectories.
MAX_TRAJECTORIES = 2_000_000


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class SubRLEnv(ResultMixin):
    """A finite-horizon MDP whose return is a set function of the visited states.

    Parameters
    ----------
    P : array, shape (S, A, S)
        Transition probabilities ``P[s, a, s']`` (rows sum to 1).
    F : SetFunction
        Set function on the ground set ``{0, ..., F.n - 1}``.
    H : int
        Horizon: number of transitions (``H >= 1``); ``H + 1`` states are visited.
    rho : array, shape (S,)
        Initial state distribution.
    items : array of int, shape (S,), optional
        Ground-set element of each state (``-1``: none). Default ``arange(S)`` (requires ``F.n == S``).
    name : str
    """

    P: np.ndarray
    F: SetFunction
    H: int
    rho: np.ndarray
    items: np.ndarray | None = None
    name: str = "subrl"

    def __post_init__(self):
        P = np.asarray(self.P, dtype=np.float64)
        if P.ndim != 3 or P.shape[0] != P.shape[2]:
            raise ShapeError(f"P: expected shape (S, A, S); got {P.shape}.")
        check_distribution(P, "P", axis=-1, transition=True)
        S = P.shape[0]
        rho = np.asarray(self.rho, dtype=np.float64)
        if rho.shape != (S,):
            raise ShapeError(f"rho: expected shape ({S},); got {rho.shape}.")
        check_distribution(rho, "rho")
        H = check_positive_int(self.H, "H", minimum=1)
        if not isinstance(self.F, SetFunction):
            raise ValidationError("F: must be a pgtheory.submodular SetFunction. "
                                  "Fix: wrap a callable with CallableSetFunction(func, n).")
        items = np.arange(S) if self.items is None else np.asarray(self.items, dtype=np.int64)
        if items.shape != (S,):
            raise ShapeError(f"items: expected shape ({S},); got {items.shape}.")
        if items.size and (items.min() < -1 or items.max() >= self.F.n):
            raise ValidationError(f"items: entries must be -1 or in 0..{self.F.n - 1}.")
        for k, v in (("P", P), ("rho", rho), ("H", H), ("items", items)):
            object.__setattr__(self, k, v)

    @property
    def S(self) -> int:
        """Number of states."""
        return self.P.shape[0]

    @property
    def A(self) -> int:
        """Number of actions."""
        return self.P.shape[1]

    @property
    def deterministic(self) -> bool:
        """True when every ``P[s, a, :]`` is a point mass."""
        return bool(np.all(np.isclose(self.P.max(axis=-1), 1.0)))

    def state_masks(self, states) -> np.ndarray:
        """Boolean item masks ``(m, F.n)`` of the sets of states in each row of ``states`` ``(m, L)``.

        Parameters
        ----------
        states : array of int, shape (m, L)

        Returns
        -------
        ndarray of bool, shape (m, F.n)
        """
        st = np.asarray(states, dtype=np.int64)
        it = self.items[st]
        m = np.zeros((st.shape[0], self.F.n + 1), dtype=bool)
        m[np.arange(st.shape[0])[:, None], np.where(it < 0, self.F.n, it)] = True
        return m[:, :-1]

    def singleton_values(self) -> np.ndarray:
        """Modular rewards :math:`r(s) = F(\\{s\\})` (0 for states without an item), shape (S,).

        Returns
        -------
        ndarray, shape (S,)
        """
        eye = np.eye(self.F.n, dtype=bool)
        single = self.F.values(eye) - self.F.values(np.zeros((1, self.F.n), dtype=bool))[0]
        return np.where(self.items >= 0, single[np.maximum(self.items, 0)], 0.0)


def bandit_env(F: SetFunction, H: int, eps: float = 0.0, null_action: bool = False) -> SubRLEnv:
    r"""Bandit-like SubRL environment: from any state, action ``a`` moves to item ``a``.

    States ``0..n-1`` are the items of ``F``; state ``n`` is a start state with no item.
    ``P[s, a, s'] = (1 - eps) 1[s' = a] + eps / n`` for ``s' < n``: with probability ``eps`` the
    move lands on a uniformly random item. With ``eps = 0`` every item is reachable from every
    state by a unique action, and OPT equals :math:`\max_{|S| \le H} F(S)`.

    Parameters
    ----------
    F : SetFunction
    H : int
        Number of picks (transitions).
    eps : float in [0, 1]
        Slip probability (an :math:`\varepsilon`-bandit-like model; the paper's exact definition
        of the :math:`\varepsilon`-Bandit SMDP was not read; only the abstract and the OpenReview discussion were).
    null_action : bool
        Add action ``n`` that moves (surely) to the start state, which has no item: the "pick
        nothing" option that makes the state-independent policy set a down-closed polytope
        :math:`\{x^h \ge 0, \sum_a x^h(a) \le 1\}` (used by Frank-Wolfe / continuous greedy).

    Returns
    -------
    SubRLEnv
    """
    n = F.n
    if not (0.0 <= eps <= 1.0):
        raise ValidationError(f"eps: must be in [0, 1]; got {eps!r}.")
    P = np.zeros((n + 1, n + int(null_action), n + 1))
    P[:, :n, :n] = eps / n
    P[:, np.arange(n), np.arange(n)] += 1.0 - eps
    if null_action:
        P[:, n, n] = 1.0
    rho = np.zeros(n + 1)
    rho[n] = 1.0
    return SubRLEnv(P, F, H, rho, np.r_[np.arange(n), -1],
                    name=f"bandit(n={n}, H={H}, eps={eps}{', null' if null_action else ''})")


def grid_env(shape, F: SetFunction, H: int, start: int = 0) -> SubRLEnv:
    """Deterministic grid world with 5 actions (stay, up, down, left, right).

    Cell ``(i, j)`` is state ``i * cols + j``; moves off the grid stay in place.

    Parameters
    ----------
    shape : tuple of int
        ``(rows, cols)``.
    F : SetFunction
        On the ``rows * cols`` cells (e.g. :func:`~pgtheory.submodular.grid_disc_coverage`).
    H : int
        Horizon.
    start : int
        Start cell.

    Returns
    -------
    SubRLEnv
    """
    rows, cols = int(shape[0]), int(shape[1])
    S = rows * cols
    if F.n != S:
        raise ShapeError(f"F: must have one element per cell ({S}); got F.n = {F.n}.")
    if not (0 <= start < S):
        raise ValidationError(f"start: must be a cell index in 0..{S - 1}; got {start}.")
    i, j = np.divmod(np.arange(S), cols)
    moves = [(0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)]
    P = np.zeros((S, 5, S))
    for a, (di, dj) in enumerate(moves):
        ni, nj = i + di, j + dj
        ok = (ni >= 0) & (ni < rows) & (nj >= 0) & (nj < cols)
        nxt = np.where(ok, ni * cols + nj, np.arange(S))
        P[np.arange(S), a, nxt] = 1.0
    rho = np.zeros(S)
    rho[start] = 1.0
    return SubRLEnv(P, F, H, rho, name=f"grid{rows}x{cols}(H={H}, start={start})")


def corridor_trap_env(m: int, base: float = 4.0) -> SubRLEnv:
    r"""A one-row grid where greedy marginal gains lure the agent away from a distant jackpot.

    The grid has ``2 H + 1`` cells, ``H = m + 1``, start in the middle. Each of the ``H`` cells
    left of the start is worth ``1 / H`` ("breadcrumbs", total 1); the ``m`` cells right of the
    start are worth 0 and the cell at distance ``H`` to the right (the jackpot) is worth
    ``base ** m``. ``F`` is weighted coverage with radius 0. OPT is ``base ** m`` (walk right);
    the breadcrumb policy earns 1, a ratio ``base ** -m``. The environment is deterministic
    with 5 actions (up/down stay in place), so it is *not* an :math:`\varepsilon`-Bandit SMDP:
    only neighbouring cells are reachable in one step.

    Parameters
    ----------
    m : int
        Family parameter (``m >= 1``).
    base : float
        Jackpot growth (``> 1``).

    Returns
    -------
    SubRLEnv
    """
    m = check_positive_int(m, "m", minimum=1)
    if not base > 1:
        raise ValidationError(f"base: must be > 1; got {base!r}.")
    H = m + 1
    W = 2 * H + 1
    w = np.zeros(W)
    w[:H] = 1.0 / H
    w[W - 1] = float(base) ** m
    F = WeightedCoverage(np.eye(W, dtype=bool), w)
    env = grid_env((1, W), F, H, start=H)
    return dataclasses.replace(env, name=f"corridor_trap(m={m}, base={base})")


# --------------------------------------------------------------------------- history graph

@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class HistoryGraph(ResultMixin):
    """Layered graph of reachable ``(h, s_h, V_h)`` (time, state, visited item set).

    Attributes
    ----------
    layer_start : ndarray of int, shape (H + 2,)
        Nodes of layer ``h`` are ``layer_start[h]:layer_start[h + 1]``.
    state : ndarray of int, shape (N,)
    visited : ndarray of uint64, shape (N,)
        Visited item set as a bit set.
    value : ndarray, shape (N,)
        :math:`F(V)` at each node.
    child, prob, next_state : ndarray, shape (n_decision, A, K)
        Successor node, its probability and its state for each action (``-1``/0 padded).
    init_prob : ndarray, shape (n_layer0,)
        Initial distribution over layer-0 nodes.
    H, A : int
    """

    layer_start: np.ndarray
    state: np.ndarray
    visited: np.ndarray
    value: np.ndarray
    child: np.ndarray
    prob: np.ndarray
    next_state: np.ndarray
    init_prob: np.ndarray
    H: int
    A: int

    @property
    def n_nodes(self) -> int:
        """Total number of nodes."""
        return int(self.state.size)

    @property
    def n_decision(self) -> int:
        """Number of decision nodes (layers ``0..H-1``)."""
        return int(self.layer_start[self.H])

    def layer(self, h: int) -> slice:
        """Slice of the nodes of layer ``h``.

        Parameters
        ----------
        h : int

        Returns
        -------
        slice
        """
        return slice(int(self.layer_start[h]), int(self.layer_start[h + 1]))


def _successors(P):
    """Padded successor lists ``succ[s, a, k]``, ``sprob[s, a, k]`` of the positive entries of ``P``."""
    S, A, _ = P.shape
    K = int((P > 0).sum(-1).max())
    order = np.argsort(-P, axis=-1, kind="stable")[:, :, :K]
    sprob = np.take_along_axis(P, order, axis=-1)
    succ = np.where(sprob > 0, order, -1)
    return succ, np.where(sprob > 0, sprob, 0.0)


def build_history_graph(env: SubRLEnv, max_nodes: int = MAX_NODES) -> HistoryGraph:
    """Build the layered graph of reachable ``(h, s, V)`` triples of ``env``.

    Parameters
    ----------
    env : SubRLEnv
    max_nodes : int
        Raise :class:`~pgtheory.errors.InfeasibleSizeError` as soon as a layer would exceed it
        (before it is built; the estimate is the number of (node, action, successor) triples).

    Returns
    -------
    HistoryGraph
    """
    if env.F.n > 63:
        raise InfeasibleSizeError(f"env.F: the history graph stores visited sets as 64-bit sets; "
                                  f"F.n = {env.F.n} > 63. Fix: use sampled gradients (no graph).")
    succ, sprob = _successors(env.P)
    K = succ.shape[-1]
    A = env.A
    bit = np.where(env.items >= 0, np.left_shift(np.uint64(1), np.maximum(env.items, 0).astype(np.uint64)),
                   np.uint64(0)).astype(np.uint64)
    s0 = np.flatnonzero(env.rho > 0)
    states = [s0.astype(np.int64)]
    visited = [bit[s0]]
    children, probs, nstates = [], [], []
    total = s0.size
    for h in range(env.H):
        cs, cv = states[-1], visited[-1]
        m = cs.size
        est = m * A * K
        if total + est > max_nodes and total + _count_unique(cs, cv, succ, bit) > max_nodes:
            raise InfeasibleSizeError(
                f"env.H: the history graph of {env.name} exceeds max_nodes={max_nodes:.3g} at layer {h + 1} "
                f"of {env.H}. Fix: shorten the horizon, shrink the instance, raise max_nodes, or use "
                "sampled gradients with a Markov policy.")
        ns = succ[cs]                          # (m, A, K)
        valid = ns >= 0
        nv = cv[:, None, None] | bit[np.maximum(ns, 0)]
        key = np.stack([np.where(valid, ns, -1).ravel().astype(np.int64),
                        nv.ravel().astype(np.int64)], axis=1)
        kv = key[valid.ravel()]
        uniq, inv = np.unique(kv, axis=0, return_inverse=True)
        child = np.full(m * A * K, -1, dtype=np.int64)
        child[valid.ravel()] = total + inv.reshape(-1)
        children.append(child.reshape(m, A, K))
        probs.append(sprob[cs])
        nstates.append(np.where(valid, ns, -1))
        states.append(uniq[:, 0].astype(np.int64))
        visited.append(uniq[:, 1].astype(np.uint64))
        total += uniq.shape[0]
    layer_start = np.cumsum([0] + [x.size for x in states])
    state = np.concatenate(states)
    vis = np.concatenate(visited)
    value = env.F.values(masks_from_bits(vis, env.F.n))
    return HistoryGraph(layer_start=layer_start, state=state, visited=vis, value=value,
                        child=np.concatenate(children), prob=np.concatenate(probs),
                        next_state=np.concatenate(nstates), init_prob=env.rho[s0], H=env.H, A=A)


def _count_unique(cs, cv, succ, bit):
    ns = succ[cs]
    valid = ns >= 0
    nv = cv[:, None, None] | bit[np.maximum(ns, 0)]
    key = np.stack([ns[valid].astype(np.int64), nv[valid].astype(np.int64)], axis=1)
    return np.unique(key, axis=0).shape[0] if key.size else 0


# --------------------------------------------------------------------------- policies on the graph

def policy_shape(env: SubRLEnv, policy: str, graph: HistoryGraph | None = None) -> tuple:
    """Parameter shape of a tabular softmax policy class.

    Parameters
    ----------
    env : SubRLEnv
    policy : {"markov", "state_independent", "history"}
    graph : HistoryGraph, optional
        Required for ``"history"``.

    Returns
    -------
    tuple of int
    """
    if policy == "markov":
        return (env.H, env.S, env.A)
    if policy == "state_independent":
        return (env.H, env.A)
    if policy == "history":
        if graph is None:
            raise ValidationError("graph: the 'history' policy class needs the history graph. "
                                  "Fix: pass graph=build_history_graph(env).")
        return (graph.n_decision, env.A)
    raise ValidationError(f"policy: expected one of {POLICY_CLASSES}; got {policy!r}.")


#: Per-graph tables that every exact pass reuses (issue 17: the reward table was rebuilt, and ``F``
#: re-evaluated for the modular reward, on every gradient call). Keyed by the graph object (frozen,
#: compared by identity) and dropped with it; the tables are read-only copies of what the passes
#: computed before, so results are unchanged.
_TABLES: "weakref.WeakKeyDictionary[HistoryGraph, dict]" = weakref.WeakKeyDictionary()


def _cached(graph, key, make):
    """``make()`` once per ``(graph, key)`` (the result is made read-only)."""
    tables = _TABLES.get(graph)
    if tables is None:
        tables = _TABLES.setdefault(graph, {})
    out = tables.get(key)
    if out is None:
        out = make()
        if isinstance(out, np.ndarray):
            out.setflags(write=False)
        tables[key] = out
    return out


def _node_rows(env, graph, policy):
    """Row of the flattened ``theta.reshape(-1, A)`` used at each decision node."""
    return _cached(graph, ("rows", policy, env.H, env.S), lambda: _make_node_rows(env, graph, policy))


def _make_node_rows(env, graph, policy):
    nd = graph.n_decision
    h = np.repeat(np.arange(env.H), np.diff(graph.layer_start[:env.H + 1]))
    if policy == "markov":
        return h * env.S + graph.state[:nd]
    if policy == "state_independent":
        return h
    return np.arange(nd)


def _check_theta(theta, shape):
    theta = np.asarray(theta, dtype=np.float64)
    if theta.shape != shape:
        raise ShapeError(f"theta: expected shape {shape}; got {theta.shape}. "
                         "Fix: use np.zeros(policy_shape(env, policy, graph)).")
    if not np.isfinite(theta).all():
        raise ValidationError("theta: contains NaN or inf.")
    return theta


class _Plan(NamedTuple):
    """What the exact passes of one ``(graph, env, policy, reward)`` reuse on every call."""

    shape: tuple          # of theta
    rows: np.ndarray      # row of theta.reshape(-1, A) at each decision node
    n_rows: int
    r: np.ndarray         # step rewards r[i, a, k]
    init_r: np.ndarray    # reward of the layer-0 nodes
    layer0: slice


def _plan(env, graph, policy, reward):
    """The cached :class:`_Plan` (validates ``policy`` and ``reward`` when it is first made)."""
    return _cached(graph, ("plan", policy, reward, env), lambda: _make_plan(env, graph, policy, reward))


def _make_plan(env, graph, policy, reward):
    shape = policy_shape(env, policy, graph)
    r = _rewards(env, graph, reward)
    return _Plan(shape, _node_rows(env, graph, policy), int(np.prod(shape[:-1])), r,
                 _initial_reward(env, graph, reward), graph.layer(0))


def _prep(env, theta, policy, graph, reward="submodular", kern=None):
    """``(graph, theta, plan, pi)`` with the node policies ``pi[i, a]``, and ``kern`` if it fits the graph."""
    if graph is None:
        graph = build_history_graph(env)
    plan = _plan(env, graph, policy, reward)
    theta = _check_theta(theta, plan.shape)
    # pgtheory._math.softmax, ufunc for ufunc (np.max / np.sum are maximum.reduce / add.reduce behind a
    # Python wrapper), on each logit row once, then one copy per node: the same numbers as the softmax of
    # the gathered rows (row-wise operations), at (H S) instead of n_decision rows for Markov policies;
    # the kernels do the shift and the normalisation (short rows: NumPy's per-row overhead), not exp
    x = theta.reshape(-1, env.A)
    kern = _fits(kern, graph)
    if kern is not None:
        pi = kern.normalise_rows(np.exp(kern.shift_rows(x)), plan.rows)
    else:
        z = np.exp(x - np.maximum.reduce(x, axis=-1, keepdims=True))
        pi = (z / np.add.reduce(z, axis=-1, keepdims=True))[plan.rows]
    return graph, theta, plan, pi, kern


@functools.lru_cache(maxsize=1)
def _numba_installed() -> bool:
    return numba_available()


@functools.lru_cache(maxsize=1)
def _kernel_module():
    from . import _subrl_kernels  # lazy: numba kernels (compiled or loaded from cache on first use)

    return _subrl_kernels


def _kernels(backend):
    """The numba kernel module for ``backend`` (``"auto"``: when Numba is installed), else None (NumPy).

    The kernels agree with the NumPy passes bit for bit, so the choice changes speed only."""
    if backend == "auto":
        use = _numba_installed()
    else:
        use = resolve_backend(backend, allowed=("numba", "numpy")) == "numba"
    return _kernel_module() if use else None


def _fits(kern, graph):
    """``kern`` when its row sums cover the graph's actions and successors, else None (the NumPy path)."""
    if kern is not None and max(graph.child.shape[1:]) <= kern.MAX_ROW:
        return kern
    return None


def _forward(graph, pi, kern=None):
    kern = _fits(kern, graph)
    if kern is not None:
        return kern.forward(graph.layer_start, graph.H, graph.child, graph.prob, graph.init_prob, pi,
                            graph.n_nodes)
    d = np.zeros(graph.n_nodes)
    d[graph.layer(0)] = graph.init_prob
    for h in range(graph.H):
        sl = graph.layer(h)
        w = d[sl, None, None] * pi[sl, :, None] * graph.prob[sl]
        c = graph.child[sl]
        ok = c >= 0
        d += np.bincount(c[ok], weights=w[ok], minlength=graph.n_nodes)
    return d


def _rewards(env, graph, reward):
    """Step rewards ``r[i, a, k]`` of each transition of the graph (cached per graph; the modular
    table also per environment)."""
    if reward not in ("submodular", "modular"):
        raise ValidationError(f"reward: expected 'submodular' or 'modular'; got {reward!r}.")
    key = ("rewards", reward) if reward == "submodular" else ("rewards", reward, env)
    return _cached(graph, key, lambda: _make_rewards(env, graph, reward))


def _make_rewards(env, graph, reward):
    c = graph.child
    if reward == "submodular":
        r = graph.value[np.maximum(c, 0)] - graph.value[:graph.n_decision, None, None]
    else:
        r = env.singleton_values()[np.maximum(graph.next_state, 0)]
    return np.where(c >= 0, r, 0.0)


def _initial_reward(env, graph, reward):
    if reward == "submodular":
        return graph.value[graph.layer(0)]
    return _cached(graph, ("initial", reward, env),
                   lambda: env.singleton_values()[graph.state[graph.layer(0)]])


def _backward(graph, pi, r, kern=None):
    """Values ``V`` (all nodes) and ``Q`` (decision nodes) for step rewards ``r``."""
    kern = _fits(kern, graph)
    if kern is not None:
        return kern.backward(graph.layer_start, graph.H, graph.child, graph.prob, r, pi, graph.n_nodes)
    V = np.zeros(graph.n_nodes)
    Q = np.zeros((graph.n_decision, graph.A))
    for h in range(graph.H - 1, -1, -1):
        sl = graph.layer(h)
        c = graph.child[sl]
        Q[sl] = (graph.prob[sl] * (r[sl] + V[np.maximum(c, 0)] * (c >= 0))).sum(-1)
        V[sl] = (pi[sl] * Q[sl]).sum(-1)
    return V, Q


def exact_objective(env: SubRLEnv, theta, policy: str = "markov", *, graph: HistoryGraph | None = None,
                    reward: str = "submodular", backend: str | None = "auto") -> float:
    r"""Exact :math:`J(\pi_\theta) = \mathbb E[F(\text{visited set})]` (forward pass on the history graph).

    Parameters
    ----------
    env : SubRLEnv
    theta : array
        Softmax logits of shape :func:`policy_shape` ``(env, policy, graph)``.
    policy : {"markov", "state_independent", "history"}
    graph : HistoryGraph, optional
        Reused when given (else built; may raise :class:`~pgtheory.errors.InfeasibleSizeError`).
    reward : {"submodular", "modular"}
        ``"modular"`` gives :math:`\mathbb E[\sum_{h=0}^{H} F(\{s_h\})]` (revisits counted).
    backend : {"auto", "numpy", "numba"} or None
        ``"numba"``: compiled passes (:mod:`pgtheory.submodular._subrl_kernels`) that agree with the
        NumPy reference bit for bit; ``"auto"`` (default) uses them when Numba is installed; ``None``
        reads ``PGTHEORY_BACKEND`` (:func:`pgtheory.backend.resolve_backend`).

    Returns
    -------
    float

    References
    ----------
    Prajapat et al., ICLR 2024, arXiv:2307.13372 (SubRL objective).
    """
    graph, theta, plan, pi, kern = _prep(env, theta, policy, graph, reward, _kernels(backend))
    if reward == "submodular":
        d = _forward(graph, pi, kern)
        sl = graph.layer(graph.H)
        return float(d[sl] @ graph.value[sl])
    V, _ = _backward(graph, pi, plan.r, kern)
    return float(graph.init_prob @ (V[plan.layer0] + plan.init_r))


def exact_gradient(env: SubRLEnv, theta, policy: str = "markov", *, graph: HistoryGraph | None = None,
                   reward: str = "submodular", backend: str | None = "auto") -> tuple[float, np.ndarray]:
    r"""Exact objective and gradient :math:`\nabla_\theta J(\pi_\theta)` (the mean of the SubPO estimator).

    .. math::

        \nabla_\theta J = \mathbb E_\tau\Big[\sum_{i=0}^{H-1} \nabla_\theta \log \pi_\theta(a_i \mid \cdot)
        \Big(\sum_{j=i}^{H-1} F(s_{j+1} \mid \tau_{0:j}) - b(\tau_{0:i})\Big)\Big]
        = \sum_{x} d^\pi(x) \sum_a \nabla_\theta \pi_\theta(a \mid x)\, Q^\pi(x, a),

    where ``x = (h, s, V)`` ranges over decision nodes of the history graph, :math:`d^\pi` is
    the probability of reaching ``x`` and :math:`Q^\pi` the expected reward-to-go of marginal
    gains. With ``reward="modular"`` the marginal gains are replaced by :math:`F(\{s_{j+1}\})`
    (the modular-RL baseline).

    Parameters
    ----------
    env : SubRLEnv
    theta : array
        Logits of shape :func:`policy_shape`.
    policy : {"markov", "state_independent", "history"}
    graph : HistoryGraph, optional
    reward : {"submodular", "modular"}
    backend : {"auto", "numpy", "numba"} or None
        ``"numba"``: compiled passes (:mod:`pgtheory.submodular._subrl_kernels`) that agree with the
        NumPy reference bit for bit; ``"auto"`` (default) uses them when Numba is installed; ``None``
        reads ``PGTHEORY_BACKEND`` (:func:`pgtheory.backend.resolve_backend`).

    Returns
    -------
    value : float
        The objective of the chosen reward.
    grad : ndarray, shape of theta

    References
    ----------
    Prajapat et al., ICLR 2024, arXiv:2307.13372 (SubPO gradient; the paper's theorem number
    was not read, see docs).
    """
    graph, theta, plan, pi, kern = _prep(env, theta, policy, graph, reward, _kernels(backend))
    V, g = _gradient_pass(graph, plan, pi, kern, plan.n_rows, env.A, direct=False)
    value = float(graph.init_prob @ (V[plan.layer0] + plan.init_r))
    return value, g.reshape(theta.shape)


def _gradient_pass(graph, plan, pin, kern, n_rows: int, A: int, *, direct: bool):
    r"""Values ``V`` and the gradient summed into ``n_rows`` parameter rows, by the kernel or by NumPy
    (bit for bit the same). ``pin``: the policy at each decision node. Softmax (``direct=False``):
    :math:`\sum d\,\pi\,(Q - V)`; direct (``True``): :math:`\sum d\,Q`."""
    if kern is not None:
        return kern.gradient(graph.layer_start, graph.H, graph.child, graph.prob, plan.r, graph.init_prob, pin,
                             plan.rows, n_rows, graph.n_nodes, direct)
    V, Q = _backward(graph, pin, plan.r)
    d = _forward(graph, pin)
    nd = graph.n_decision
    contrib = d[:nd, None] * Q if direct else d[:nd, None] * pin * (Q - V[:nd, None])
    g = np.zeros((n_rows, A))
    np.add.at(g, plan.rows, contrib)
    return V, g


def exact_gradient_direct(env: SubRLEnv, pi, *, graph: HistoryGraph | None = None,
                          backend: str | None = "auto") -> tuple[float, np.ndarray]:
    r""":math:`J` and :math:`\partial J / \partial \pi^h(a)` for a *direct* state-independent policy.

    For :math:`\pi^h(a)` (time-indexed, state-independent probabilities, no softmax)

    .. math::

        \frac{\partial J}{\partial \pi^h(a)} = \sum_{x \text{ at layer } h} d^\pi(x)\, Q^\pi(x, a),

    the derivative of the multilinear extension in the coordinates of step ``h`` (rows need not be
    normalised for the derivative; ``J`` is evaluated at ``pi`` as given).

    Parameters
    ----------
    env : SubRLEnv
    pi : array, shape (H, A)
        Non-negative rows (probability vectors for a valid policy).
    graph : HistoryGraph, optional
    backend : {"auto", "numpy", "numba"} or None
        ``"numba"``: compiled passes (:mod:`pgtheory.submodular._subrl_kernels`) that agree with the
        NumPy reference bit for bit; ``"auto"`` (default) uses them when Numba is installed; ``None``
        reads ``PGTHEORY_BACKEND`` (:func:`pgtheory.backend.resolve_backend`).

    Returns
    -------
    value : float
    grad : ndarray, shape (H, A)

    References
    ----------
    Prajapat et al., ICLR 2024, arXiv:2307.13372 (the policy class :math:`\pi^h(a)` of the
    guarantee on :math:`\varepsilon`-Bandit SMDPs).
    """
    kern = _kernels(backend)
    if graph is None:
        graph = build_history_graph(env)
    pi = np.asarray(pi, dtype=np.float64)
    if pi.shape != (env.H, env.A):
        raise ShapeError(f"pi: expected shape ({env.H}, {env.A}); got {pi.shape}.")
    if (pi < 0).any() or not np.isfinite(pi).all():
        raise ValidationError("pi: entries must be finite and >= 0.")
    plan = _plan(env, graph, "state_independent", "submodular")
    pin = pi[plan.rows]
    V, g = _gradient_pass(graph, plan, pin, _fits(kern, graph), env.H, env.A, direct=True)
    return float(graph.init_prob @ (V[plan.layer0] + plan.init_r)), g


def optimal_value(env: SubRLEnv, *, graph: HistoryGraph | None = None) -> tuple[float, np.ndarray]:
    r"""OPT :math:`= \max_\pi J(\pi)` over all history-dependent policies (DP over histories).

    Backward induction on the history graph:
    :math:`V^*(x) = \max_a \sum_{s'} P(s' \mid s, a)\,[F(s' \mid V) + V^*(x')]`.

    Parameters
    ----------
    env : SubRLEnv
    graph : HistoryGraph, optional

    Returns
    -------
    opt : float
    best_action : ndarray of int, shape (graph.n_decision,)
        An optimal deterministic action at each decision node.
    """
    if graph is None:
        graph = build_history_graph(env)
    r = _rewards(env, graph, "submodular")
    V = np.zeros(graph.n_nodes)
    best = np.zeros(graph.n_decision, dtype=np.int64)
    for h in range(graph.H - 1, -1, -1):
        sl = graph.layer(h)
        c = graph.child[sl]
        Q = (graph.prob[sl] * (r[sl] + V[np.maximum(c, 0)] * (c >= 0))).sum(-1)
        best[sl] = np.argmax(Q, axis=-1)
        V[sl] = Q.max(-1)
    sl = graph.layer(0)
    return float(graph.init_prob @ (V[sl] + graph.value[sl])), best


# --------------------------------------------------------------------------- explicit enumeration

def enumerate_trajectories(env: SubRLEnv, theta=None, policy: str = "markov", *,
                           graph: HistoryGraph | None = None,
                           max_trajectories: int = MAX_TRAJECTORIES):
    """Enumerate every trajectory with positive probability and its probability under ``theta``.

    The count is bounded first by ``|supp rho| * (A * K)^H`` (``K`` the largest number of
    successors of a state-action pair); above ``max_trajectories`` an
    :class:`~pgtheory.errors.InfeasibleSizeError` is raised before any work.

    Parameters
    ----------
    env : SubRLEnv
    theta : array, optional
        Policy logits (default: uniform policy).
    policy : {"markov", "state_independent", "history"}
        ``"history"`` looks nodes up in ``graph``.
    graph : HistoryGraph, optional
    max_trajectories : int

    Returns
    -------
    states : ndarray of int, shape (m, H + 1)
    actions : ndarray of int, shape (m, H)
    prob : ndarray, shape (m,)
    """
    succ, sprob = _successors(env.P)
    K = succ.shape[-1]
    s0 = np.flatnonzero(env.rho > 0)
    bound = s0.size * float(env.A * K) ** env.H
    if bound > max_trajectories:
        raise InfeasibleSizeError(
            f"env.H: up to {bound:.3g} trajectories (|supp rho| * (A*K)^H) exceed max_trajectories="
            f"{max_trajectories:.3g}. Fix: shorten the horizon or use exact_objective (history graph).")
    if policy == "history" and graph is None:
        graph = build_history_graph(env)
    shape = policy_shape(env, policy, graph)
    theta = np.zeros(shape) if theta is None else _check_theta(theta, shape)
    logits = theta.reshape(-1, env.A)
    lookup = None
    if policy == "history":
        lookup = {}
        for h in range(env.H):
            sl = graph.layer(h)
            for idx in range(sl.start, sl.stop):
                lookup[(h, int(graph.state[idx]), int(graph.visited[idx]))] = idx
        bit = np.where(env.items >= 0, np.left_shift(np.uint64(1), np.maximum(env.items, 0).astype(np.uint64)),
                       np.uint64(0)).astype(np.uint64)
        vis = bit[s0]
    states = s0[:, None]
    actions = np.zeros((s0.size, 0), dtype=np.int64)
    prob = env.rho[s0].copy()
    for h in range(env.H):
        s = states[:, -1]
        if policy == "markov":
            rows = h * env.S + s
        elif policy == "state_independent":
            rows = np.full(s.size, h)
        else:
            rows = np.array([lookup[(h, int(a), int(b))] for a, b in zip(s, vis)], dtype=np.int64)
        pi = softmax(logits[rows], axis=-1)             # (m, A)
        ns = succ[s]                                     # (m, A, K)
        w = prob[:, None, None] * pi[:, :, None] * sprob[s]
        ok = ns >= 0
        mi, ai, ki = np.nonzero(ok)
        states = np.concatenate([states[mi], ns[mi, ai, ki][:, None]], axis=1)
        actions = np.concatenate([actions[mi], ai[:, None]], axis=1)
        prob = w[mi, ai, ki]
        if policy == "history":
            vis = vis[mi] | bit[ns[mi, ai, ki]]
    return states, actions, prob


def objective_by_enumeration(env: SubRLEnv, theta=None, policy: str = "markov", *,
                             graph: HistoryGraph | None = None,
                             max_trajectories: int = MAX_TRAJECTORIES) -> float:
    r""":math:`J(\pi) = \sum_\tau p_\pi(\tau) F(\{s_0, \dots, s_H\})` by explicit enumeration.

    Parameters
    ----------
    env : SubRLEnv
    theta : array, optional
        Logits (default uniform).
    policy : {"markov", "state_independent", "history"}
    graph : HistoryGraph, optional
    max_trajectories : int

    Returns
    -------
    float
    """
    states, _, prob = enumerate_trajectories(env, theta, policy, graph=graph, max_trajectories=max_trajectories)
    return float(prob @ env.F.values(env.state_masks(states)))


def open_loop_optimum(env: SubRLEnv, max_trajectories: int = MAX_TRAJECTORIES) -> float:
    """OPT of a deterministic environment with one start state, by enumerating all ``A^H`` action sequences.

    Parameters
    ----------
    env : SubRLEnv
        Must be deterministic with a point-mass ``rho``.
    max_trajectories : int

    Returns
    -------
    float
    """
    if not env.deterministic or np.count_nonzero(env.rho) != 1:
        raise ValidationError("env: open_loop_optimum needs deterministic transitions and one start state. "
                              "Fix: use optimal_value (DP over histories).")
    states, _, _ = enumerate_trajectories(env, None, "state_independent", max_trajectories=max_trajectories)
    return float(env.F.values(env.state_masks(states)).max())


