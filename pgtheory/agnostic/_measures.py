r"""Exact measures of a finite policy class on layered MDPs.

* spanning capacity :math:`\mathfrak S(\Pi) = \max_h \max_{M \text{ det.}} C_h(\Pi; M)`, with
  :math:`C_h(\Pi; M) = |\{(s_h, a_h) : \exists \pi \in \Pi, (s_h, a_h) \in \tau_\pi(M)\}|`, by
  a search over reachable sets (``method="enumerate"``) or on a tree of fresh states
  (``method="tree"``, exact for classes with the unfolding property);
* occupancies :math:`d_h^\pi(s)`, values :math:`V^\pi` for every :math:`\pi \in \Pi` at once;
* coverability :math:`C_{cov} = \max_h \sum_{s,a} \max_\pi d_h^\pi(s,a)` (Xie et al. 2022);
* concentrability :math:`C_{conc}(\mu) = \max_{\pi, h} \|d_h^\pi / \mu_h\|_\infty` and pushforward
  concentrability :math:`C_{push} = \max_{h,s,a,s'} P_h(s' \mid s,a) / \mu_{h+1}(s')`;
* policy completeness of a class on an MDP (exact, by enumerating later-layer choices).

The search (``enumerate``) keeps, per layer, the set of *configurations* -- which policies sit
at which state -- and branches only on the next states of reachable (state, action) pairs, never
over all deterministic MDPs. When the class is invariant under permutations of the next layer's
states (checked exactly on the class), next-state assignments are enumerated as restricted-growth
strings (set partitions into at most :math:`n_{h+1}` blocks) instead of all
:math:`n_{h+1}^{\#\text{pairs}}` labelled assignments; relabelling the next layer maps the class
onto itself and preserves every later count.

References
----------
Jia et al. 2023 (arXiv:2310.06113): spanning capacity (definition recalled, not read).
T. Xie, D. Foster, Y. Bai, N. Jiang, S. Kakade. The Role of Coverage in Online Reinforcement
Learning. ICLR 2023, arXiv:2210.04157 (coverability).
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np

from ..errors import InfeasibleSizeError, ShapeError, ValidationError
from ..results import ResultMixin
from ._layered import LayeredMDP

__all__ = ["SpanningCapacity", "CompletenessResult", "spanning_capacity", "occupancies", "policy_values",
           "coverability", "concentrability", "pushforward_concentrability", "policy_completeness",
           "reachable_pairs"]

#: Default cap on the number of next-state assignments the enumeration may visit.
MAX_WORK = 2_000_000


@dataclasses.dataclass(frozen=True, repr=False)
class SpanningCapacity(ResultMixin):
    r"""Spanning capacity of a class with its per-layer maxima.

    Attributes
    ----------
    value : int
        :math:`\mathfrak S(\Pi) = \max_h C_h^*`.
    per_layer : ndarray of int, shape (H,)
        :math:`C_h^* = \max_M C_h(\Pi; M)` over deterministic MDPs on the class's state space.
    argmax_layer : int
        A layer attaining the maximum (0-based).
    method : str
        ``"enumerate"`` or ``"tree"``.
    n_configurations : int
        Distinct reachable configurations visited (enumeration) or layers walked (tree).
    maximiser : LayeredMDP or None
        A deterministic MDP (zero rewards) attaining ``per_layer[argmax_layer]``.
    """

    value: int
    per_layer: np.ndarray
    argmax_layer: int
    method: str
    n_configurations: int
    maximiser: object = dataclasses.field(default=None, repr=False)


@dataclasses.dataclass(frozen=True, repr=False)
class CompletenessResult(ResultMixin):
    r"""Policy completeness of a class on an MDP.

    Attributes
    ----------
    complete : bool
        For every layer ``h`` and every choice of later policies from the class, some policy of
        the class is greedy for :math:`Q_h^{\pi_{h+1:H}}` at every checked state of layer ``h``.
    layer : int or None
        First layer (backwards) where it fails.
    greedy_actions : ndarray or None
        A greedy layer-``h`` policy absent from the class (the counterexample).
    n_checked : int
        Number of (layer, later-value) pairs checked.
    """

    complete: bool
    layer: int | None
    greedy_actions: np.ndarray | None
    n_checked: int


def _masks(cls):
    """Bitmask (Python int over policies) of ``pi(s) = a`` for every global state and action."""
    K = cls.size
    out = []
    for s in range(cls.actions.shape[1]):
        col = cls.actions[:, s]
        row = []
        for a in range(cls.A):
            bits = np.packbits(col == a, bitorder="little")
            row.append(int.from_bytes(bits.tobytes(), "little"))
        out.append(row)
    return out, (1 << K) - 1


def _layer_invariant(cls, h: int) -> bool:
    """Whether the class (as a set of rows) is invariant under all permutations of layer ``h``'s states."""
    n = cls.layer_sizes[h]
    if n <= 1:
        return True
    o = cls.offsets
    rows = {r.tobytes() for r in cls.actions}
    base = np.arange(cls.actions.shape[1])
    for perm in ([1, 0] + list(range(2, n)), list(range(1, n)) + [0]):  # generators of S_n
        idx = base.copy()
        idx[o[h]:o[h + 1]] = o[h] + np.asarray(perm)
        if {r.tobytes() for r in cls.actions[:, idx]} != rows:
            return False
    return True


def _rgs(k: int, m: int):
    """Restricted-growth strings of length ``k`` with at most ``m`` blocks (set partitions)."""
    if k == 0:
        yield ()
        return
    out = [0] * k

    def rec(i, mx):
        if i == k:
            yield tuple(out)
            return
        for b in range(min(mx + 2, m)):
            out[i] = b
            yield from rec(i + 1, max(mx, b))

    yield from rec(0, -1)


def _n_rgs(k: int, m: int) -> int:
    # number of set partitions of k items into <= m blocks (Stirling numbers of the second kind)
    S = [[0] * (m + 1) for _ in range(k + 1)]
    S[0][0] = 1
    for i in range(1, k + 1):
        for j in range(1, m + 1):
            S[i][j] = j * S[i - 1][j] + S[i - 1][j - 1]
    return sum(S[k][1:]) if k else 1


def _tree(cls, start: int):
    K, H, A = cls.size, cls.H, cls.A
    o = cls.offsets
    st = np.full(K, start, dtype=np.int64)
    per, nexts = [], []
    rk = np.arange(K)
    for h in range(H):
        a = cls.actions[rk, o[h] + st].astype(np.int64)
        key = st * A + a
        uniq, inv = np.unique(key, return_inverse=True)
        per.append(len(uniq))
        if h < H - 1:
            if len(uniq) > cls.layer_sizes[h + 1]:
                raise InfeasibleSizeError(
                    f"method='tree' needs a fresh state for each of the {len(uniq)} reachable pairs of layer {h}, but "
                    f"layer {h + 1} has {cls.layer_sizes[h + 1]} states. Fix: method='enumerate', or build the class "
                    f"on more states per layer.")
            ns = np.zeros((cls.layer_sizes[h], A), dtype=np.int64)
            ns[uniq // A, uniq % A] = np.arange(len(uniq))
            nexts.append(ns)
            st = inv.reshape(-1).astype(np.int64)
    return np.array(per), nexts, H


def _enumerate(cls, start: int, max_work: int):
    H, A = cls.H, cls.A
    o = cls.offsets
    masks, full = _masks(cls)
    inv = [_layer_invariant(cls, h) for h in range(H)]
    configs = {((start, full),): None}  # config -> (parent config, assignment)
    history = [configs]
    per = np.zeros(H, dtype=np.int64)
    best_cfg = [None] * H
    work, n_cfg = 0, 0
    for h in range(H):
        nxt = {}
        n_cfg += len(configs)
        for cfg in configs:
            pairs = [(s, a, G & masks[o[h] + s][a]) for s, G in cfg for a in range(A) if G & masks[o[h] + s][a]]
            if len(pairs) > per[h]:
                per[h], best_cfg[h] = len(pairs), cfg
            if h == H - 1:
                continue
            m = cls.layer_sizes[h + 1]
            k = len(pairs)
            count = _n_rgs(k, m) if inv[h + 1] else m ** k
            work += count
            if work > max_work:
                raise InfeasibleSizeError(
                    f"spanning_capacity(method='enumerate') would visit more than max_work = {max_work} next-state "
                    f"assignments (at layer {h}: {k} reachable pairs into {m} states, {count} assignments for one "
                    f"configuration; class of {cls.size} policies). Fix: method='tree' for named classes, fewer "
                    f"states per layer, or a larger max_work.")
            it = _rgs(k, m) if inv[h + 1] else _product(m, k)
            for assign in it:
                merged = {}
                for (s, a, G), t in zip(pairs, assign):
                    merged[t] = merged.get(t, 0) | G
                key = tuple(sorted(merged.items()))
                if key not in nxt:
                    nxt[key] = (cfg, tuple((s, a, t) for (s, a, _), t in zip(pairs, assign)))
        if h < H - 1:
            configs = nxt
            history.append(configs)
    return per, history, best_cfg, n_cfg


def _product(m, k):
    return itertools.product(range(m), repeat=k)


def _rebuild(cls, start, history, best_cfg, h_star):
    """A deterministic MDP (zero reward) leading to configuration ``best_cfg[h_star]``."""
    A = cls.A
    ns = [np.zeros((cls.layer_sizes[h], A), dtype=np.int64) for h in range(cls.H - 1)]
    cfg = best_cfg[h_star]
    for h in range(h_star, 0, -1):
        parent, assign = history[h][cfg]
        for s, a, t in assign:
            ns[h - 1][s, a] = t
        cfg = parent
    r = [np.zeros((n, A)) for n in cls.layer_sizes]
    return LayeredMDP.deterministic(ns, r, start=start, layer_sizes=cls.layer_sizes)


def spanning_capacity(cls, *, method: str = "auto", start: int = 0, max_work: int = MAX_WORK) -> SpanningCapacity:
    r"""Spanning capacity of a finite class, exactly.

    .. math::
        \mathfrak S(\Pi) = \max_{h \in [H]} \max_{M \text{ deterministic}} C_h(\Pi; M), \qquad
        C_h(\Pi; M) = \big|\{(s_h, a_h) : \exists \pi \in \Pi,\ (s_h, a_h) \in \tau_\pi(M)\}\big|,

    the maximum running over deterministic transition structures on the class's state space
    (rewards play no role). Elementary bounds: :math:`\mathfrak S \le |\Pi|` and
    :math:`\mathfrak S \le \min(A^H, \max_h n_h A)`.

    Parameters
    ----------
    cls : PolicyClass
    method : {"auto", "enumerate", "tree"}
        ``"enumerate"``: search over reachable configurations (exact for every class).
        ``"tree"``: walk the class on a tree of fresh states, :math:`O(H |\Pi| \log |\Pi|)`; exact
        when ``cls.tree_exact`` (named classes) and each layer has enough states.
        ``"auto"``: ``"tree"`` when exact and it fits, otherwise ``"enumerate"``.
    start : int
        Start state in layer 0.
    max_work : int
        Cap on next-state assignments visited by the enumeration.

    Returns
    -------
    SpanningCapacity

    Raises
    ------
    pgtheory.errors.InfeasibleSizeError
        When the enumeration would exceed ``max_work`` or the tree does not fit (the message
        gives the size and the limit).
    pgtheory.errors.ValidationError
        Unknown ``method``, or ``method="tree"`` on a class without the unfolding property.

    References
    ----------
    Jia et al. 2023 (arXiv:2310.06113), definition of spanning capacity (recalled).
    """
    if method not in ("auto", "enumerate", "tree"):
        raise ValidationError(f"method must be 'auto', 'enumerate' or 'tree'; got {method!r}.")
    if not 0 <= start < cls.layer_sizes[0]:
        raise ValidationError(f"start must index a state of layer 0 (0..{cls.layer_sizes[0] - 1}); got {start}.")
    if method == "tree" and not cls.tree_exact:
        raise ValidationError(f"method='tree' is exact only for classes with the unfolding property (named "
                              f"constructors); {cls.name!r} does not declare it. Fix: method='enumerate'.")
    if method in ("auto", "tree") and cls.tree_exact:
        try:
            per, nexts, _ = _tree(cls, start)
            h = int(np.argmax(per))
            r = [np.zeros((n, cls.A)) for n in cls.layer_sizes]
            mx = LayeredMDP.deterministic(nexts, r, start=start, layer_sizes=cls.layer_sizes)
            return SpanningCapacity(int(per.max()), per, h, "tree", cls.H, mx)
        except InfeasibleSizeError:
            if method == "tree":
                raise
    per, history, best_cfg, n_cfg = _enumerate(cls, start, max_work)
    h = int(np.argmax(per))
    return SpanningCapacity(int(per.max()), per, h, "enumerate", n_cfg, _rebuild(cls, start, history, best_cfg, h))


def reachable_pairs(mdp: LayeredMDP, cls) -> np.ndarray:
    r"""Per-layer count :math:`C_h(\Pi; M)` of (state, action) pairs reached with positive probability.

    For a deterministic ``mdp`` this is the cumulative reachability of Jia et al. 2023.

    Parameters
    ----------
    mdp : LayeredMDP
    cls : PolicyClass

    Returns
    -------
    ndarray of int, shape (H,)
    """
    d = occupancies(mdp, cls)
    out = []
    for h in range(mdp.H):
        acts = cls.layer(h)
        out.append(sum(int(np.any((d[h] > 0) & (acts == a), axis=0).sum()) for a in range(mdp.A)))
    return np.array(out)


def occupancies(mdp: LayeredMDP, cls, policy=None) -> tuple:
    r"""State occupancies :math:`d_h^\pi(s) = \Pr^\pi(s_h = s)` of every policy of the class.

    .. math:: d_{h+1}^\pi(s') = \sum_s d_h^\pi(s) P_h(s' \mid s, \pi(s)), \quad d_1^\pi = \delta_{s_1}.

    Parameters
    ----------
    mdp : LayeredMDP
    cls : PolicyClass or None
        Deterministic policies; ignored when ``policy`` is given.
    policy : tuple of arrays, optional
        Stochastic Markov policies ``policy[h]`` of shape ``(K, n_h, A)``.

    Returns
    -------
    tuple of arrays
        ``d[h]`` of shape ``(K, n_h)``; the state-action occupancy is ``d[h][k, s] * 1{pi_k(s) = a}``.
    """
    if policy is None:
        cls.check_mdp(mdp)
        pol = [np.eye(mdp.A)[cls.layer(h).astype(np.int64)] for h in range(mdp.H)]
    else:
        pol = [np.asarray(p, dtype=np.float64) for p in policy]
    K = pol[0].shape[0]
    d = np.zeros((K, mdp.layer_sizes[0]))
    d[:, mdp.start] = 1.0
    out = [d]
    for h in range(mdp.H - 1):
        d = sum((out[h] * pol[h][:, :, a]) @ mdp.P[h][:, a, :] for a in range(mdp.A))
        out.append(d)
    return tuple(out)


def policy_values(mdp: LayeredMDP, cls, policy=None) -> np.ndarray:
    r"""Exact values :math:`V^\pi = \sum_h \sum_s d_h^\pi(s)\, r_h(s, \pi(s))` for every policy.

    Parameters
    ----------
    mdp : LayeredMDP
    cls : PolicyClass or None
    policy : tuple of arrays, optional
        Stochastic policies ``(K, n_h, A)`` per layer instead of ``cls``.

    Returns
    -------
    ndarray, shape (K,)
    """
    d = occupancies(mdp, cls, policy)
    if policy is None:
        pol = [np.eye(mdp.A)[cls.layer(h).astype(np.int64)] for h in range(mdp.H)]
    else:
        pol = [np.asarray(p, dtype=np.float64) for p in policy]
    return sum(np.einsum("ks,ksa,sa->k", d[h], pol[h], mdp.r[h]) for h in range(mdp.H))


def coverability(mdp: LayeredMDP, cls) -> tuple:
    r"""Coverability :math:`C_{cov}(\Pi; M) = \max_h \sum_{s,a} \max_{\pi \in \Pi} d_h^\pi(s, a)`.

    Equivalently :math:`\max_h \inf_{\mu_h} \sup_\pi \|d_h^\pi / \mu_h\|_\infty` (Xie et al. 2022).
    On deterministic MDPs it equals :math:`\max_h C_h(\Pi; M)`; in general
    :math:`\sup_M C_{cov}(\Pi; M) = \mathfrak S(\Pi)` (derived by coupling with a random
    deterministic MDP; that Jia et al. 2023 state this link is recalled).

    Parameters
    ----------
    mdp : LayeredMDP
    cls : PolicyClass

    Returns
    -------
    (float, ndarray)
        :math:`C_{cov}` and the per-layer sums, shape ``(H,)``.
    """
    d = occupancies(mdp, cls)
    per = np.array([sum(np.where(cls.layer(h) == a, d[h], 0.0).max(axis=0).sum() for a in range(mdp.A))
                    for h in range(mdp.H)])
    return float(per.max()), per


def _check_mu(mdp, mu):
    mu = tuple(np.asarray(m, dtype=np.float64) for m in mu)
    if len(mu) != mdp.H or any(m.shape != (n,) for m, n in zip(mu, mdp.layer_sizes)):
        raise ShapeError(f"mu must hold one distribution per layer with shapes {[(n,) for n in mdp.layer_sizes]}.")
    for h, m in enumerate(mu):
        if np.any(m < 0) or not np.isclose(m.sum(), 1.0):
            raise ValidationError(f"mu[{h}] must be a probability vector (sums to {m.sum():.6g}). Fix: normalise it.")
    return mu


def concentrability(mdp: LayeredMDP, cls, mu) -> float:
    r"""Concentrability :math:`C_{conc}(\mu; \Pi, M) = \sup_{\pi \in \Pi} \max_h \|d_h^\pi / \mu_h\|_\infty`.

    :math:`0/0 = 0`; positive mass where :math:`\mu_h = 0` gives ``inf``.

    Parameters
    ----------
    mdp : LayeredMDP
    cls : PolicyClass
    mu : sequence of arrays
        Reset distributions ``mu[h]`` of shape ``(n_h,)``.

    Returns
    -------
    float
    """
    mu = _check_mu(mdp, mu)
    d = occupancies(mdp, cls)
    best = 0.0
    for h in range(mdp.H):
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(d[h] > 0, d[h] / mu[h][None, :], 0.0)
        best = max(best, float(ratio.max()))
    return best


def pushforward_concentrability(mdp: LayeredMDP, mu) -> float:
    r"""Pushforward concentrability :math:`C_{push} = \max_{h,s,a,s'} P_h(s' \mid s, a) / \mu_{h+1}(s')`.

    Xie & Jiang 2021 (arXiv:2008.04990); the form used here is recalled. :math:`0/0 = 0`.

    Parameters
    ----------
    mdp : LayeredMDP
    mu : sequence of arrays

    Returns
    -------
    float
    """
    mu = _check_mu(mdp, mu)
    best = 0.0
    for h in range(mdp.H - 1):
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(mdp.P[h] > 0, mdp.P[h] / mu[h + 1][None, None, :], 0.0)
        best = max(best, float(ratio.max()))
    return best


def policy_completeness(mdp: LayeredMDP, cls, *, mu=None, tol: float = 1e-12, max_values: int = 100_000) -> CompletenessResult:
    r"""Exact policy completeness of ``cls`` on ``mdp``.

    For every layer ``h`` and every choice of later policies :math:`\pi_{h+1}, \dots, \pi_H \in \Pi`
    (each acting on its own layer), some :math:`\pi \in \Pi` must be greedy for
    :math:`Q_h^{\pi_{h+1:H}}` at every state of layer ``h`` (states with :math:`\mu_h > 0` when
    ``mu`` is given). This is the condition under which PSDP and CPI are analysed
    (Bagnell et al. 2003; Kakade & Langford 2002; recalled).

    Parameters
    ----------
    mdp : LayeredMDP
    cls : PolicyClass
    mu : sequence of arrays, optional
        Restrict the check to the support of ``mu[h]``.
    tol : float
        Ties within ``tol`` count as greedy.
    max_values : int
        Cap on distinct later-value vectors per layer.

    Returns
    -------
    CompletenessResult

    Raises
    ------
    pgtheory.errors.InfeasibleSizeError
        When a layer has more than ``max_values`` distinct later values.
    """
    cls.check_mdp(mdp)
    mu = None if mu is None else _check_mu(mdp, mu)
    H = mdp.H
    n_checked = 0
    later = [np.zeros(0)]
    for h in range(H - 1, -1, -1):
        U = np.unique(cls.layer(h).astype(np.int64), axis=0)
        n = mdp.layer_sizes[h]
        rows = np.arange(n)
        support = np.ones(n, bool) if mu is None else mu[h] > 0
        new = {}
        for V in later:
            Q = mdp.r[h] + (mdp.P[h] @ V if h < H - 1 else 0.0)
            n_checked += 1
            best = Q.max(axis=1)
            ok = np.all((Q[rows[None, :], U] >= best[None, :] - tol) | ~support[None, :], axis=1)
            if not ok.any():
                return CompletenessResult(False, h, Q.argmax(axis=1), n_checked)
            for u in U:
                v = Q[rows, u]
                new[np.round(v, 12).tobytes()] = v
            if len(new) > max_values:
                raise InfeasibleSizeError(f"policy_completeness: layer {h} has more than max_values = {max_values} "
                                          f"distinct later values. Fix: a smaller class or a larger max_values.")
        later = list(new.values())
    return CompletenessResult(True, None, None, n_checked)
