r"""Learners for finite policy classes, charged through an access object.

Every learner takes an access model (:mod:`._access`) and returns a :class:`LearnerResult`
whose ``n_samples`` is read off the access object's counters, so sample complexity is measured,
not assumed. Exact variants (PSDP, CPI) take the MDP itself and use exact Q-functions.

================================  ==================  =================================================
learner                           access              cost (what theory says)
================================  ==================  =================================================
:func:`evaluate_all`              online / mu-reset   :math:`|\Pi| \cdot n` episodes, :math:`n \asymp H^2\log(|\Pi|/\delta)/\varepsilon^2`
:func:`importance_sampling`       online              :math:`n` episodes, variance :math:`\propto A^H`
:func:`trajectory_tree`           generative          :math:`\sum_h C_h(\Pi; \tilde M) \le H\mathfrak S(\Pi)` queries per tree
:func:`psdp`                      mu-reset (or exact) :math:`H|\Pi| n` episodes
:func:`cpi`                       mu-reset (or exact) :math:`H(|\Pi|+1) n` episodes per iteration
:func:`popler_lite`               online              :math:`n` episodes, importance weight :math:`\le H`
================================  ==================  =================================================

References
----------
Jia et al. 2023 (arXiv:2310.06113): trajectory-tree learner and baselines (recalled).
M. Kearns, Y. Mansour, A. Ng. Approximate planning in large POMDPs via reusable trajectories.
NeurIPS 1999 (trajectory trees; recalled).
J. Bagnell, S. Kakade, A. Ng, J. Schneider. Policy search by dynamic programming. NeurIPS 2003 (PSDP).
S. Kakade, J. Langford. Approximately optimal approximate reinforcement learning. ICML 2002 (CPI).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..backend import resolve_backend
from ..errors import AccessError, ValidationError
from ..results import ResultMixin
from ._access import GenerativeAccess
from ._layered import LayeredMDP
from ._measures import _check_mu

__all__ = ["LearnerResult", "evaluate_all", "importance_sampling", "trajectory_tree", "psdp", "cpi", "popler_lite",
           "hoeffding_episodes", "online_replay"]


@dataclasses.dataclass(frozen=True, repr=False)
class LearnerResult(ResultMixin):
    r"""Output of a learner.

    Attributes
    ----------
    policy : ndarray
        Output policy: actions per global state ``(|S|,)`` (deterministic, possibly a layer-wise
        combination of class members) or probabilities ``(|S|, A)`` (CPI's mixture).
    index : int
        Index of the output in the class, or ``-1`` when it is not a single member.
    estimates : ndarray or None
        Estimated (or, for exact learners, exact) scores of every class member, shape ``(K,)``.
    n_samples : int
        Samples charged by the access object.
    sample_unit : str
        ``"queries"`` (generative) or ``"episodes"``.
    method : str
    per_round : ndarray or None
        E.g. generative queries per trajectory tree, or the layer choices of PSDP.
    details : dict
    """

    policy: np.ndarray
    index: int
    estimates: np.ndarray | None
    n_samples: int
    sample_unit: str
    method: str
    per_round: np.ndarray | None = None
    details: dict = dataclasses.field(default_factory=dict)


def hoeffding_episodes(n_policies: int, eps: float, delta: float, H: int) -> int:
    r"""Episodes per policy for uniform :math:`\varepsilon/2` accuracy by Hoeffding and a union bound.

    :math:`n = \lceil 2 H^2 \log(2|\Pi|/\delta) / \varepsilon^2 \rceil` (returns in :math:`[0, H]`),
    so the empirical argmax is :math:`\varepsilon`-optimal within the class w.p. :math:`\ge 1-\delta`.

    Parameters
    ----------
    n_policies : int
    eps, delta : float
    H : int

    Returns
    -------
    int
    """
    if not (eps > 0 and 0 < delta < 1):
        raise ValidationError(f"need eps > 0 and 0 < delta < 1; got eps={eps}, delta={delta}.")
    return int(math.ceil(2 * H**2 * math.log(2 * n_policies / delta) / eps**2))


def _need(access, kinds, name):
    if access.kind not in kinds:
        raise AccessError(f"access is a {access.kind!r} model; {name} needs {' or '.join(kinds)} access. "
                          f"Fix: pass a {kinds[0]} access object.")


def evaluate_all(access, cls, n_per_policy: int) -> LearnerResult:
    r"""Policy evaluation of the whole class: :math:`n` episodes per policy, output the empirical argmax.

    The baseline :math:`O(|\Pi| \log(|\Pi|/\delta) / \varepsilon^2)` episodes (times :math:`H^2`
    for returns in :math:`[0, H]`; see :func:`hoeffding_episodes`).

    Parameters
    ----------
    access : OnlineAccess or MuResetAccess
    cls : PolicyClass
    n_per_policy : int

    Returns
    -------
    LearnerResult
    """
    _need(access, ("online", "mu-reset"), "evaluate_all")
    cls.check_mdp(access.mdp)
    est = np.array([access.episodes(cls.actions[k], n_per_policy).returns.mean() for k in range(cls.size)])
    k = int(np.argmax(est))
    return LearnerResult(cls.actions[k].astype(np.int64), k, est, access.n_episodes, "episodes", "evaluate_all")


def importance_sampling(access, cls, n: int) -> LearnerResult:
    r"""Importance sampling with uniformly random actions (the :math:`A^H` baseline).

    .. math:: \hat V^\pi = \frac1n \sum_{i=1}^n G_i\, A^H \prod_h 1\{a_{i,h} = \pi(s_{i,h})\}.

    Parameters
    ----------
    access : OnlineAccess
    cls : PolicyClass
    n : int
        Episodes.

    Returns
    -------
    LearnerResult
    """
    _need(access, ("online", "mu-reset"), "importance_sampling")
    mdp = access.mdp
    cls.check_mdp(mdp)
    S = int(mdp.offsets[-1])
    ep = access.episodes(np.full((S, mdp.A), 1.0 / mdp.A), n)
    glob = ep.states + mdp.offsets[:-1][None, :]
    match = cls.actions[:, glob[:, 0]] == ep.actions[None, :, 0]            # (K, n): all layers agree
    for h in range(1, mdp.H):
        match &= cls.actions[:, glob[:, h]] == ep.actions[None, :, h]
    est = (match * ep.returns[None, :]).mean(axis=1) * float(mdp.A) ** mdp.H
    k = int(np.argmax(est))
    return LearnerResult(cls.actions[k].astype(np.int64), k, est, access.n_episodes, "episodes",
                         "importance_sampling")


def trajectory_tree(access, cls, n_trees: int, *, chunk: int = 256, checkpoints=(),
                    backend: str | None = "auto") -> LearnerResult:
    r"""Trajectory-tree learner with generative access (reusable trajectories).

    One tree: walk every :math:`\pi \in \Pi` from :math:`s_1`; the first time a pair
    :math:`(h, s, a)` is needed, query the generative model once and cache :math:`(s', r)`;
    policies reaching the same pair reuse it. The cached transitions form a random deterministic
    MDP :math:`\tilde M`, each policy's return is an unbiased sample of :math:`V^\pi`, and the
    queries per tree are :math:`\sum_h C_h(\Pi; \tilde M) \le H\,\mathfrak S(\Pi)`. The output is
    the empirical argmax over ``n_trees`` trees (``chunk`` trees are grown at once).

    Parameters
    ----------
    access : GenerativeAccess or LocalSimulatorAccess
    cls : PolicyClass
    n_trees : int
    chunk : int
    checkpoints : sequence of int
        Tree counts at which the running estimates are also recorded (``details["checkpoints"]``,
        ``details["checkpoint_index"]``: the empirical argmax at each).
    backend : {"auto", "numpy", "numba"} or None
        With a plain :class:`GenerativeAccess`, ``"numba"`` grows all the chunks of trees in one
        compiled call (:mod:`pgtheory.agnostic._kernels`) that draws the same uniforms from
        ``access.rng`` in the same order as :meth:`GenerativeAccess.query`, so every output, the
        query count and the generator's state afterwards are the NumPy path's, bit for bit;
        ``"auto"`` (default) uses it when Numba is installed (:func:`pgtheory.backend.resolve_backend`).
        Other access models (e.g. a local simulator, whose query checks observed states) always take
        the NumPy path.

    Returns
    -------
    LearnerResult
        ``per_round``: queries per tree, shape ``(n_trees,)``.
    """
    _need(access, ("generative", "local simulator"), "trajectory_tree")
    use_numba = resolve_backend(backend, allowed=("numba", "numpy")) == "numba"
    mdp = access.mdp
    cls.check_mdp(mdp)
    K, H, A, o = cls.size, mdp.H, mdp.A, mdp.offsets
    kern = None
    if use_numba and type(access) is GenerativeAccess:
        from . import _kernels as kern  # lazy: numba kernels

        P = tuple(np.ascontiguousarray(x, dtype=np.float64) for x in mdp.P) or (np.zeros((1, 1, 1)),)
        r = tuple(np.ascontiguousarray(x, dtype=np.float64) for x in mdp.r)
        acts = np.ascontiguousarray(cls.actions)
    nS = max(mdp.layer_sizes)
    cps = sorted({int(c) for c in checkpoints if 0 < int(c) <= n_trees})
    sizes, marks, done = [], [], 0     # chunks of at most `chunk` trees, ending at every checkpoint
    while done < n_trees:
        nxt = next((c for c in cps if c > done), n_trees)
        T = min(chunk, nxt - done)
        done += T
        sizes.append(T)
        marks.append(done in cps)
    total = np.zeros(K)
    per_tree = []
    cp_index = []
    if kern is not None and sizes:
        total, q, cp = kern.tree_run(acts, o, P, r, mdp.start, np.array(sizes, dtype=np.int64),
                                     np.array(marks, dtype=np.bool_), access.rng)
        access.n_queries += int(q.sum())
        per_tree, cp_index = [q], cp.tolist()
        sizes = []
    for T, mark in zip(sizes, marks):
        st = np.full((T, K), mdp.start, dtype=np.int64)
        G = np.zeros((T, K))
        q = np.zeros(T, dtype=np.int64)
        for h in range(H):
            a = cls.actions[np.arange(K)[None, :], o[h] + st].astype(np.int64)
            key = (np.arange(T)[:, None] * nS + st) * A + a
            uniq, inv = np.unique(key.reshape(-1), return_inverse=True)
            inv = inv.reshape(T, K)
            ns, rw = access.query(h, (uniq // A) % nS, uniq % A)
            q += np.bincount(uniq // (A * nS), minlength=T)
            G += rw[inv]
            st = ns[inv]
        total += G.sum(axis=0)
        per_tree.append(q)
        if mark:
            cp_index.append(int(np.argmax(total)))
    est = total / n_trees
    k = int(np.argmax(est))
    return LearnerResult(cls.actions[k].astype(np.int64), k, est, access.n_queries, "queries", "trajectory_tree",
                         per_round=np.concatenate(per_tree),
                         details={"checkpoints": np.array(cps), "checkpoint_index": np.array(cp_index)})


def _values_det(mdp: LayeredMDP, acts) -> list:
    """``V_h`` of one deterministic policy (global actions), ``h = 0..H`` (``V_H = 0``)."""
    o = mdp.offsets
    V = [None] * (mdp.H + 1)
    V[mdp.H] = np.zeros(0)
    for h in range(mdp.H - 1, -1, -1):
        a = np.asarray(acts[o[h]:o[h + 1]], dtype=np.int64)
        s = np.arange(mdp.layer_sizes[h])
        V[h] = mdp.r[h][s, a] + (mdp.P[h][s, a, :] @ V[h + 1] if h < mdp.H - 1 else 0.0)
    return V


def _q(mdp, h, Vnext):
    return mdp.r[h] + (mdp.P[h] @ Vnext if h < mdp.H - 1 else 0.0)


def psdp(mdp: LayeredMDP, cls, mu, *, access=None, n: int | None = None) -> LearnerResult:
    r"""Policy Search by Dynamic Programming with :math:`\mu`-resets.

    Backwards over layers,
    :math:`\pi_h \in \arg\max_{\pi \in \Pi} \mathbb E_{s \sim \mu_h}[Q_h^{\pi_{h+1:H}}(s, \pi(s))]`
    (ties: lowest index); the output plays :math:`\pi_h` on layer ``h``. Exact scores when
    ``access`` is None; otherwise each score is the mean return of ``n`` :math:`\mu_h`-reset
    episodes (cost :math:`H |\Pi| n` episodes).

    Parameters
    ----------
    mdp : LayeredMDP
    cls : PolicyClass
    mu : sequence of arrays
        Reset distributions per layer.
    access : MuResetAccess, optional
    n : int, optional
        Episodes per (layer, candidate) when sampling.

    Returns
    -------
    LearnerResult
        ``per_round``: the class index chosen at each layer; ``details["value"]``: exact value of
        the output; ``estimates``: the layer-0 scores.
    """
    cls.check_mdp(mdp)
    mu = _check_mu(mdp, mu)
    if access is not None:
        _need(access, ("mu-reset",), "sampled psdp")
        if n is None or n < 1:
            raise ValidationError("psdp with access needs n >= 1 episodes per (layer, candidate).")
    o = mdp.offsets
    out = cls.actions[0].astype(np.int64).copy()
    choice = np.zeros(mdp.H, dtype=np.int64)
    Vnext = np.zeros(0)
    scores = None
    for h in range(mdp.H - 1, -1, -1):
        Q = _q(mdp, h, Vnext)
        acts = cls.layer(h).astype(np.int64)
        if access is None:
            scores = (Q[np.arange(mdp.layer_sizes[h])[None, :], acts] * mu[h][None, :]).sum(axis=1)
        else:
            scores = np.empty(cls.size)
            for k in range(cls.size):
                pol = out.copy()
                pol[o[h]:o[h + 1]] = acts[k]
                scores[k] = access.episodes(pol, n, layer=h).returns.mean()
        k = int(np.argmax(scores))
        choice[h] = k
        out[o[h]:o[h + 1]] = acts[k]
        s = np.arange(mdp.layer_sizes[h])
        Vnext = Q[s, acts[k]]
    value = float(_values_det(mdp, out)[0][mdp.start])
    idx = int(choice[0]) if np.all(choice == choice[0]) else -1
    return LearnerResult(out, idx, scores, 0 if access is None else access.n_episodes, "episodes",
                         "psdp" if access is None else "psdp (sampled)", per_round=choice, details={"value": value})


def _stoch_values(mdp, pol):
    """``Q_h`` and ``V_h`` of a stochastic Markov policy ``pol`` (``(|S|, A)``)."""
    o = mdp.offsets
    Q, V = [None] * mdp.H, [None] * (mdp.H + 1)
    V[mdp.H] = np.zeros(0)
    for h in range(mdp.H - 1, -1, -1):
        Q[h] = _q(mdp, h, V[h + 1])
        V[h] = (Q[h] * pol[o[h]:o[h + 1]]).sum(axis=1)
    return Q, V


def cpi(mdp: LayeredMDP, cls, mu, *, alpha: float = 0.1, start: int | None = None, tol: float = 1e-9,
        max_iter: int = 100_000, access=None, n: int | None = None) -> LearnerResult:
    r"""Conservative Policy Iteration with :math:`\mu`-resets, exact (finite-horizon variant).

    The iterate :math:`\pi` is a per-state stochastic policy, started at the uniform mixture of
    the class (``start=None``) or at member ``start``. Greedy step
    :math:`\pi' = \arg\max_{\pi' \in \Pi} \sum_h \mathbb E_{s \sim \mu_h}[A_h^\pi(s, \pi'(s))]`;
    stop when that maximum is :math:`\le` ``tol``; else
    :math:`\pi \leftarrow (1 - \alpha)\pi + \alpha \pi'`. (Our specification of the finite-horizon
    :math:`\mu`-reset variant; Kakade & Langford 2002 analyse the discounted one.)

    With ``access`` (a :class:`MuResetAccess`) the advantages are estimated instead: for each layer
    ``h``, ``n`` reset episodes follow :math:`\pi` and ``n`` more per candidate play the candidate at
    layer ``h`` and :math:`\pi` afterwards; the score is the difference of mean returns (cost
    :math:`H (|\Pi| + 1) n` episodes per iteration). Use a ``tol`` above the estimation noise.

    Parameters
    ----------
    mdp : LayeredMDP
    cls : PolicyClass
    mu : sequence of arrays
    alpha : float
        Mixture step in ``(0, 1]``.
    start : int, optional
    tol : float
    max_iter : int
    access : MuResetAccess, optional
    n : int, optional
        Episodes per (layer, policy) estimate when sampling.

    Returns
    -------
    LearnerResult
        ``policy``: the final mixture ``(|S|, A)``; ``details``: ``value`` (exact),
        ``iterations``, ``converged``, ``max_advantage``.
    """
    cls.check_mdp(mdp)
    mu = _check_mu(mdp, mu)
    if not 0 < alpha <= 1:
        raise ValidationError(f"alpha must be in (0, 1]; got {alpha}.")
    o = mdp.offsets
    onehot = np.eye(mdp.A)[cls.actions.astype(np.int64)]  # (K, |S|, A)
    pol = onehot.mean(axis=0) if start is None else onehot[int(start)].copy()
    it, best = 0, np.inf
    if access is not None:
        _need(access, ("mu-reset",), "sampled cpi")
        if n is None or n < 1:
            raise ValidationError("cpi with access needs n >= 1 episodes per estimate.")
    for it in range(max_iter):
        adv = np.zeros(cls.size)
        if access is None:
            Q, V = _stoch_values(mdp, pol)
            for h in range(mdp.H):
                Ah = Q[h] - V[h][:, None]
                acts = cls.layer(h).astype(np.int64)
                adv += (Ah[np.arange(mdp.layer_sizes[h])[None, :], acts] * mu[h][None, :]).sum(axis=1)
        else:
            for h in range(mdp.H):
                base = access.episodes(pol, n, layer=h).returns.mean()
                for k in range(cls.size):
                    pk = pol.copy()
                    pk[o[h]:o[h + 1]] = onehot[k][o[h]:o[h + 1]]
                    adv[k] += access.episodes(pk, n, layer=h).returns.mean() - base
        k = int(np.argmax(adv))
        best = float(adv[k])
        if best <= tol:
            break
        pol = (1 - alpha) * pol + alpha * onehot[k]
    Q, V = _stoch_values(mdp, pol)
    value = float(V[0][mdp.start])
    return LearnerResult(pol, -1, adv, 0 if access is None else access.n_episodes, "episodes",
                         "cpi" if access is None else "cpi (sampled)", details={
        "value": value, "iterations": it, "converged": best <= tol, "max_advantage": best})


def popler_lite(access, cls, n: int) -> LearnerResult:
    r"""POPLER-lite: evaluate every policy of a (1,1)-sunflower class from ``n`` online episodes.

    Our reconstruction for classes whose policies differ from one core policy at (at most) one
    petal state each (e.g. singletons), **not** the POPLER algorithm of Jia et al. 2023 (whose
    pseudocode was not read). Half of the episodes run the core; the other half run the core but
    switch to the petal action at one uniformly random layer :math:`t`. For :math:`\pi` with petal
    :math:`s` at layer :math:`h(s)`,

    .. math::
        \hat V^\pi = \widehat{\mathbb E}_{core}[G\, 1\{s_{h(s)} \ne s\}]
        + H\, \widehat{\mathbb E}_{dev}[G\, 1\{t = h(s), s_t = s\}],

    unbiased because a layered MDP cannot visit :math:`s` before layer :math:`h(s)`; the
    importance weight is at most :math:`H` (against :math:`A^H` for uniform importance sampling).

    Parameters
    ----------
    access : OnlineAccess
    cls : PolicyClass
        With ``core`` and ``petals`` (each petal of size <= 1).
    n : int
        Episodes (split evenly between core and deviation episodes).

    Returns
    -------
    LearnerResult
    """
    _need(access, ("online",), "popler_lite")
    mdp = access.mdp
    cls.check_mdp(mdp)
    if cls.core is None or cls.petals is None or any(len(p) > 1 for p in cls.petals):
        raise ValidationError("cls must be a sunflower class with one core and petals of size <= 1 (e.g. "
                              "singleton_policies). Fix: build it with sunflower_class or singleton_policies.")
    H, o = mdp.H, mdp.offsets
    core = cls.core.astype(np.int64)
    dev_action = core.copy()
    for k, p in enumerate(cls.petals):
        for s in p:
            dev_action[s] = cls.actions[k, s]
    n_core = n // 2
    n_dev = n - n_core
    ep_c = access.episodes(core, n_core)
    t = access.rng.integers(0, H, size=n_dev)
    Gd = np.zeros(n_dev)
    Sd = np.zeros((n_dev, H), dtype=np.int64)
    for h in range(H):
        idx = np.flatnonzero(t == h)
        if idx.size == 0:
            continue
        pol = core.copy()
        pol[o[h]:o[h + 1]] = dev_action[o[h]:o[h + 1]]
        ep = access.episodes(pol, idx.size)
        Gd[idx] = ep.returns
        Sd[idx] = ep.states
    Gc = ep_c.returns
    glob_c = ep_c.states + o[:-1][None, :]
    glob_d = Sd + o[:-1][None, :]
    est = np.empty(cls.size)
    base = Gc.mean()
    for k, p in enumerate(cls.petals):
        if not p:
            est[k] = base
            continue
        s = p[0]
        h = int(np.searchsorted(o, s, side="right") - 1)
        est[k] = (Gc * (glob_c[:, h] != s)).mean() + H * (Gd * ((t == h) & (glob_d[:, h] == s))).mean()
    k = int(np.argmax(est))
    return LearnerResult(cls.actions[k].astype(np.int64), k, est, access.n_episodes, "episodes", "popler_lite")


def online_replay(access, cls) -> LearnerResult:
    r"""Explore a **deterministic** layered MDP online by replaying policy prefixes.

    Keeps the transitions observed so far; for each :math:`\pi \in \Pi` in turn, predicts its
    path through known transitions and spends an episode only if the path reaches a pair not yet
    observed. Each episode reveals at least one new (state, action) pair, so every pair the class
    reaches is visited after at most :math:`\sum_h C_h(\Pi; M) \le H \mathfrak S(\Pi)` episodes
    (the replay mechanism behind the deterministic online result of Jia et al. 2023; our
    reconstruction). On stochastic MDPs the prediction is meaningless: a typed error is raised.

    Parameters
    ----------
    access : OnlineAccess
    cls : PolicyClass

    Returns
    -------
    LearnerResult
        ``n_samples``: episodes spent; ``details["visited_pairs"]``: pairs observed per layer.
    """
    _need(access, ("online",), "online_replay")
    mdp = access.mdp
    cls.check_mdp(mdp)
    if not mdp.is_deterministic:
        raise ValidationError("online_replay needs a deterministic MDP (access.mdp has stochastic transitions). "
                              "Fix: use importance_sampling or popler_lite on stochastic MDPs.")
    o = mdp.offsets
    known = {}
    visited = [set() for _ in range(mdp.H)]
    for k in range(cls.size):
        s, need = mdp.start, False
        for h in range(mdp.H):
            a = int(cls.actions[k, o[h] + s])
            if (h, s, a) not in known:
                need = True
                break
            s = known[(h, s, a)]
        if not need:
            continue
        ep = access.episodes(cls.actions[k], 1)
        for h in range(mdp.H):
            s, a = int(ep.states[0, h]), int(ep.actions[0, h])
            visited[h].add((s, a))
            known[(h, s, a)] = int(ep.states[0, h + 1]) if h < mdp.H - 1 else -1
    return LearnerResult(cls.actions[0].astype(np.int64), -1, None, access.n_episodes, "episodes", "online_replay",
                         details={"visited_pairs": np.array([len(v) for v in visited])})
