r"""Optimistic rare-switching actor-critic for finite-horizon tabular MDPs: a **reconstruction from
the abstract** of Tan, Fan and Wei (ICML 2025, arXiv:2505.03710).

Only the paper's abstracts were read (not its pseudo-code, theorems or constants). What the
abstract states: an actor-critic with *optimism*, an *off-policy critic targeting* :math:`Q^*`
and *rare-switching policy resets* reaches :math:`O(dH^5\log|A|/\varepsilon^2 +
dH^4\log|F|/\varepsilon^2)` trajectories and :math:`\sqrt T` regret; a *non-optimistic* hybrid
variant needs :math:`N_{off}\ge c^*_{off}dH^4/\varepsilon^2` offline samples. Everything below
that the abstract does not say is **our assumption**:

* critic (tabular, UCBVI-style): empirical model :math:`\hat r,\hat P` from all data (offline
  included), Hoeffding bonus :math:`b = c\,H\sqrt{\log(SAHT/\delta)/\max(1,N_h(s,a))}`, optimistic
  backward induction with the greedy (:math:`\max_{a'}`) backup -- an optimistic element of a
  tabular confidence set for :math:`Q^*` -- clipped to :math:`[0, H-h]`; ``bonus_scale=0`` gives
  the non-optimistic critic (plain fitted :math:`Q^*` on the data);
* switching rule: recompute the critic when some :math:`N_h(s,a)` has doubled since the last
  switch (so at most :math:`SAH(\log_2 T + 1)` switches; counts start at the offline counts);
* actor: exponential weights (mirror ascent / NPG)
  :math:`\pi_h^{(t+1)}(a|s)\propto\pi_h^{(t)}(a|s)\exp(\eta f_h(s,a))` on the fixed critic, reset to
  uniform at every switch, :math:`\eta=\sqrt{2N\log A/(H^2T)}` with :math:`N = SAH(\log_2T+1)`
  (the step that balances the actor term :math:`H^2\sqrt{2NT\log A}` of our derivation);
* policies are non-stationary (per step ``h``); rewards are the model's expected rewards.

The estimator engine samples stationary policies only, so episodes are drawn by a small
vectorised sampler here, batched over independent seeds (one row per seed).

References
----------
K. Tan, W. Fan, Y. Wei (2025). Actor-Critics Can Achieve Optimal Sample Efficiency. ICML 2025,
PMLR 267:58545-58590; arXiv:2505.03710 (abstract only).
"""

from __future__ import annotations

import math
import numbers
import time

import numpy as np

from .._math import log_softmax
from .._validate import check_positive_int
from ..errors import ShapeError, ValidationError
from ..results import Trace
from ..errors import InvalidStepSizeError
from ..mdp import FiniteHorizonMDP
from ..mdp import backward_induction
from ..mdp import finite_horizon_occupancy
from ..backend import resolve_backend
from .hnpg import hybrid_combination_lock
from .pg import record_schedule

__all__ = ["layered_mdp", "comblock_finite_horizon", "concentrability_occupancy", "concentrability_policy_ratio",
           "sample_offline_episodes", "nora_tabular"]

#: Online episodes from which ``backend="auto"`` runs :func:`nora_tabular` on the numba kernels (below, loading
#: the compiled kernels costs more than the NumPy loop; the two backends give the same trace).
_NORA_KERNEL_MIN_EPISODES = 100


def _check_fh(fh):

    if not isinstance(fh, FiniteHorizonMDP):
        raise ValidationError(f"fh_mdp must be a FiniteHorizonMDP; got {type(fh).__name__}.")
    return fh


def layered_mdp(H: int, S: int, A: int, seed=None, alpha: float = 0.5):
    r"""A random finite-horizon MDP (non-stationary Dirichlet transitions, rewards uniform in [0, 1]).

    Parameters
    ----------
    H : int
        Horizon (>= 1).
    S, A : int
        States and actions per step.
    seed : int or Generator, optional
    alpha : float
        Dirichlet concentration of the transition rows.

    Returns
    -------
    FiniteHorizonMDP
        Start distribution: state 0.
    """

    H = check_positive_int(H, "H")
    S = check_positive_int(S, "S")
    A = check_positive_int(A, "A")
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.full(S, alpha), size=(H, S, A))
    r = rng.uniform(0.0, 1.0, size=(H, S, A))
    rho = np.zeros(S)
    rho[0] = 1.0
    return FiniteHorizonMDP(P, r, H, rho)


def comblock_finite_horizon(H: int, A: int = 4, seed=None):
    r"""The combination lock of :func:`pgtheory.algorithms.hnpg.hybrid_combination_lock` as a
    finite-horizon MDP with horizon ``H`` (undiscounted: :math:`V^*_1 = 1`, a uniform policy
    collects the reward w.p. :math:`A^{-H}`).

    Parameters
    ----------
    H : int
        Layers = horizon (>= 1).
    A : int
        Actions (>= 2).
    seed : int or Generator, optional
        Draws the good actions.

    Returns
    -------
    (FiniteHorizonMDP, HybridCombLock)
        The finite-horizon model and the lock (``pi_star``, ``eps_greedy``).
    """

    cl = hybrid_combination_lock(H, A=A, gamma=0.5, seed=seed)
    return FiniteHorizonMDP(np.asarray(cl.mdp.P), np.asarray(cl.mdp.r), cl.H, np.asarray(cl.mdp.rho)), cl


def _fh_pi(fh, pi, name):
    pi = np.asarray(pi, dtype=np.float64)
    if pi.ndim == 2:
        pi = np.broadcast_to(pi, (fh.H,) + pi.shape)
    if pi.shape != (fh.H, fh.S, fh.A):
        raise ShapeError(f"{name} must have shape (H, S, A) = {(fh.H, fh.S, fh.A)} or (S, A); got {pi.shape}.")
    if np.any(pi < -1e-12) or np.any(np.abs(pi.sum(-1) - 1) > 1e-8):
        raise ValidationError(f"{name}[h, s, :] must be distributions over actions.")
    return pi


def concentrability_occupancy(fh_mdp, pi_star, mu) -> float:
    r"""Single-policy concentrability, occupancy-ratio definition:
    :math:`c^*_{off}=\max_h\max_{s,a} d_h^{\pi^*}(s,a)/d_h^{\mu}(s,a)` (exact, stage-wise occupancies).

    This is the standard offline notion (Rashidinejad et al. 2021; Xie et al. 2021) and our reading
    of the abstract's "single-policy concentrability"; the paper's own definition was not read.

    Parameters
    ----------
    fh_mdp : FiniteHorizonMDP
    pi_star : array, shape (H, S, A) or (S, A)
        Comparator (optimal) policy.
    mu : array, shape (H, S, A) or (S, A)
        Behaviour policy of the offline data.

    Returns
    -------
    float
        ``inf`` when :math:`\mu` misses a pair that :math:`\pi^*` visits.
    """

    fh = _check_fh(fh_mdp)
    pe, pb = _fh_pi(fh, pi_star, "pi_star"), _fh_pi(fh, mu, "mu")
    de = finite_horizon_occupancy(fh, pe, state_action=True)
    db = finite_horizon_occupancy(fh, pb, state_action=True)
    pos = de > 1e-300
    if np.any(pos & (db <= 0)):
        return float("inf")
    return float(np.max(np.where(pos, de / np.where(db > 0, db, 1.0), 0.0)))


def concentrability_policy_ratio(pi_star, mu) -> float:
    r"""Policy-ratio "C*": :math:`\max_{h,s,a}\pi^*_h(a|s)/\mu_h(a|s)` with 0/0 = 1 (the ``c_star`` of the
    authors' earlier hybrid-RL code). It ignores how the state distributions compound over steps,
    so on the combination lock it is :math:`1/(1-\varepsilon)` where the occupancy ratio is
    :math:`(1-\varepsilon)^{-H}`: the two differ by a power of :math:`H`.

    Parameters
    ----------
    pi_star, mu : array, shape (H, S, A) or (S, A)

    Returns
    -------
    float
    """
    pe = np.asarray(pi_star, dtype=np.float64)
    pb = np.asarray(mu, dtype=np.float64)
    if pe.shape != pb.shape:
        raise ShapeError(f"pi_star and mu must have the same shape; got {pe.shape} and {pb.shape}.")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(pe > 0, pe / np.where(pb > 0, pb, 0.0), 1.0)
    return float(np.max(ratio))


def _draw(cum, u):
    """Inverse-CDF draws: ``cum`` (R, K) cumulative rows, ``u`` (R,) uniforms -> indices (R,)."""
    return np.minimum((u[:, None] > cum).sum(axis=1), cum.shape[1] - 1)


def sample_offline_episodes(fh_mdp, mu, n_episodes: int, rng):
    r"""``n_episodes`` episodes of the behaviour policy ``mu`` (vectorised), as per-step counts.

    Parameters
    ----------
    fh_mdp : FiniteHorizonMDP
    mu : array, shape (H, S, A) or (S, A)
    n_episodes : int
        :math:`N_{off}` (>= 0).
    rng : Generator or seed

    Returns
    -------
    (N, Nsas)
        Visit counts ``N[h, s, a]`` and transition counts ``Nsas[h, s, a, s']``.

    Raises
    ------
    pgtheory.errors.ValidationError
        ``n_episodes`` negative or not an integer.
    """
    fh = _check_fh(fh_mdp)
    if isinstance(n_episodes, bool) or not isinstance(n_episodes, numbers.Integral) or n_episodes < 0:
        raise ValidationError(f"n_episodes (N_off) must be an integer >= 0; got {n_episodes!r}.")
    mu = _fh_pi(fh, mu, "mu")
    rng = np.random.default_rng(rng)
    H, S, A = fh.H, fh.S, fh.A
    N = np.zeros((H, S, A))
    Nsas = np.zeros((H, S, A, S))
    if n_episodes == 0:
        return N, Nsas
    n = int(n_episodes)
    s = _draw(np.broadcast_to(np.cumsum(fh.rho), (n, S)), rng.random(n))
    mc = np.cumsum(mu, axis=-1)
    Pc = np.cumsum(fh.P, axis=-1)
    for h in range(H):
        a = _draw(mc[h, s], rng.random(n))
        s2 = _draw(Pc[h, s, a], rng.random(n))
        np.add.at(N[h], (s, a), 1.0)
        np.add.at(Nsas[h], (s, a, s2), 1.0)
        s = s2
    return N, Nsas


def _optimistic_q(fh, N, Nsas, bonus_coef):
    """Backward induction on the empirical model, batched over seeds: N (R,H,S,A), Nsas (R,H,S,A,S)."""
    R, H, S, A = N.shape
    Q = np.empty((R, H, S, A))
    V = np.zeros((R, S))
    seen = N > 0
    Phat = Nsas / np.maximum(N, 1.0)[..., None]
    for h in range(H - 1, -1, -1):
        cap = float(H - h)
        q = fh.r[h][None] + np.einsum("rsat,rt->rsa", Phat[:, h], V)
        if bonus_coef > 0:
            q = q + bonus_coef / np.sqrt(np.maximum(N[:, h], 1.0))
            q = np.where(seen[:, h], q, cap)  # unvisited pairs: the optimistic maximum
        else:
            q = np.where(seen[:, h], q, 0.0)  # non-optimistic: unvisited pairs get no credit
        Q[:, h] = np.clip(q, 0.0, cap)
        V = Q[:, h].max(axis=2)
    return Q


def nora_tabular(fh_mdp, T: int, *, n_seeds: int = 1, rng=None, bonus_scale: float = 1.0, delta: float = 0.05,
                 eta: float | None = None, reset: bool = True, switch: str = "doubling", n_offline: int = 0,
                 behavior=None, n_records: int | None = 200, backend: str | None = "auto") -> Trace:
    r"""NORA-style optimistic rare-switching actor-critic, tabular **reconstruction from the abstract** of
    Tan, Fan, Wei (2025) -- see the module docstring for every assumption.

    ``n_seeds`` independent runs are advanced together (vectorised). Optional hybrid start:
    ``n_offline`` episodes of ``behavior`` are loaded into the counts and model before the first
    critic is computed. ``bonus_scale = 0`` is the non-optimistic (hybrid) variant.

    Parameters
    ----------
    fh_mdp : FiniteHorizonMDP
    T : int
        Online episodes.
    n_seeds : int
        Independent runs.
    rng : Generator or seed
    bonus_scale : float
        :math:`c` in the Hoeffding bonus (>= 0; 0 = no optimism).
    delta : float
        Confidence level in the bonus.
    eta : float, optional
        Actor step (default :math:`\sqrt{2N\log A/(H^2T)}`, :math:`N = SAH(\log_2 T+1)`).
    reset : bool
        Reset the actor to uniform at every switch (the abstract's "policy resets").
    switch : {"doubling", "every"}
        Rare switching (a count doubled) or a critic update after every episode (ablation).
    n_offline : int
        :math:`N_{off}` offline episodes (>= 0).
    behavior : array, shape (H, S, A) or (S, A), optional
        Behaviour policy of the offline episodes (required when ``n_offline > 0``).
    n_records : int, optional
        About this many log-spaced records (None: every episode).
    backend : {"auto", "numpy", "numba"} or None
        ``"numpy"`` runs the reference loop written here; ``"numba"`` runs the same loop with the
        per-episode work in compiled kernels (``pgtheory.algorithms._ac_kernels``), consuming the
        same uniforms and calling NumPy for ``exp``, ``log1p`` and ``V @ rho``, so the trace is
        bitwise identical where NumPy's ``einsum`` sums in its SSE2 order (tested; otherwise equal to
        rounding). ``"auto"`` (default) picks numba from ``T = 100`` episodes on when Numba is installed
        (below, loading the kernels costs more than it saves); ``None`` reads ``PGTHEORY_BACKEND``.

    Returns
    -------
    Trace
        ``iterations`` = episodes ``t``; metrics (shape ``(n_seeds, K)``) ``"regret"``
        :math:`\sum_{\tau\le t}V^*_1(\rho)-V^{\pi_\tau}_1(\rho)` (exact values), ``"gap"`` (the
        uniform mixture's gap ``regret / t``), ``"suboptimality"`` (gap of :math:`\pi_t` itself),
        ``"switches"``; ``final``: ``switches`` per seed,
        ``switch_cap`` :math:`SAH(\log_2T+1)`.

    Raises
    ------
    pgtheory.errors.ValidationError
        Negative ``n_offline``, missing ``behavior``, bad ``switch`` or ``bonus_scale``.

    References
    ----------
    Tan, Fan, Wei (2025), arXiv:2505.03710, abstract (rates); algorithm reconstructed (our choices).
    """

    fh = _check_fh(fh_mdp)
    T = check_positive_int(T, "T")
    R = check_positive_int(n_seeds, "n_seeds")
    if isinstance(bonus_scale, bool) or not isinstance(bonus_scale, numbers.Real) or not bonus_scale >= 0:
        raise ValidationError(f"bonus_scale must be a real number >= 0; got {bonus_scale!r}.")
    if switch not in ("doubling", "every"):
        raise ValidationError(f"switch must be 'doubling' or 'every'; got {switch!r}.")
    if isinstance(n_offline, bool) or not isinstance(n_offline, numbers.Integral) or n_offline < 0:
        raise ValidationError(f"n_offline (N_off) must be an integer >= 0; got {n_offline!r}.")
    if n_offline > 0 and behavior is None:
        raise ValidationError("behavior (the offline behaviour policy) is required when n_offline > 0.")
    mu = _fh_pi(fh, behavior, "behavior") if n_offline > 0 else None
    if backend is not None and backend not in ("auto", "numpy", "numba"):
        raise ValidationError(f"backend must be 'auto', 'numpy' or 'numba'; got {backend!r}.")
    use_numba = resolve_backend(backend, size_hint=T, min_size=_NORA_KERNEL_MIN_EPISODES,
                                allowed=("numba", "numpy")) == "numba"
    rng = np.random.default_rng(rng)
    H, S, A = fh.H, fh.S, fh.A
    cap_switches = S * A * H * (math.log2(T) + 1)
    eta = math.sqrt(2 * cap_switches * math.log(A) / (H ** 2 * T)) if eta is None else float(eta)
    if not (eta > 0 and math.isfinite(eta)):

        raise InvalidStepSizeError(f"eta must be a finite number > 0; got {eta!r}.")
    bonus_coef = float(bonus_scale) * H * math.sqrt(math.log(S * A * H * T / delta))
    v_star = float(fh.rho @ backward_induction(fh).V[0])
    children = np.random.SeedSequence(int(rng.integers(2**63))).spawn(R) if n_offline > 0 else []
    rec = record_schedule(T, n_records)
    rec = rec[rec >= 1]
    args = (fh, T, rng, bonus_coef, eta, reset, switch, v_star, rec)
    out = None
    if use_numba:
        state = rng.bit_generator.state
        out = _nora_numba(*args, *_offline_counts(fh, mu, int(n_offline), children, R, True))
        if out is None:  # the sampler left the reachable pairs (probability <= 2^-53 a draw): redo on the reference
            rng.bit_generator.state = state
            use_numba = False
    if out is None:
        out = _nora_numpy(*args, *_offline_counts(fh, mu, int(n_offline), children, R, False))
    reg_rec, sw_rec, sub_rec, switches, seconds = out
    params = {"T": T, "n_seeds": R, "eta": eta, "bonus_scale": float(bonus_scale), "bonus_coef": bonus_coef,
              "reset": reset, "switch": switch, "n_offline": int(n_offline), "H": H, "S": S, "A": A,
              "backend": "numba" if use_numba else "numpy"}
    return Trace(iterations=rec, samples=rec.copy(),
                 metrics={"regret": reg_rec, "gap": reg_rec / rec[None, :], "switches": sw_rec,
                          "suboptimality": sub_rec},
                 algorithm="nora_tabular_reconstruction", params={**params, "seconds": seconds},
                 sample_unit="online episodes", final={"switches": switches, "switch_cap": cap_switches, "v_star": v_star})


def _offline_counts(fh, mu, n_offline, children, R, use_numba):
    """Counts ``N`` (R, H, S, A) and ``Nsas`` (R, H, S, A, S) of ``n_offline`` episodes of ``mu`` per seed, seed
    ``i`` drawn from ``children[i]``: :func:`sample_offline_episodes`, or its kernel on the same draws."""
    H, S, A = fh.H, fh.S, fh.A
    N = np.zeros((R, H, S, A))
    Nsas = np.zeros((R, H, S, A, S))
    if n_offline == 0:
        return N, Nsas
    if not use_numba:
        for i, child in enumerate(children):
            N[i], Nsas[i] = sample_offline_episodes(fh, mu, n_offline, np.random.default_rng(child))
        return N, Nsas
    from ._ac_kernels import offline_counts  # lazy: numba kernels

    rho_c, mc, Pc = np.cumsum(fh.rho), np.cumsum(mu, axis=-1), np.cumsum(fh.P, axis=-1)
    for i, child in enumerate(children):  # sample_offline_episodes' draws, in its order
        u = np.random.default_rng(child).random((1 + 2 * H) * n_offline).reshape(1 + 2 * H, n_offline)
        offline_counts(rho_c, mc, Pc, u, N[i], Nsas[i])
    return N, Nsas


def _nora_numpy(fh, T, rng, bonus_coef, eta, reset, switch, v_star, rec, N, Nsas):
    """The reference online loop of :func:`nora_tabular` (NumPy, batched over the seeds' rows)."""
    R, H, S, A = N.shape
    N_last = N.copy()
    f = _optimistic_q(fh, N, Nsas, bonus_coef)
    logpi = np.full((R, H, S, A), -math.log(A))
    K = rec.size
    reg_rec, sw_rec, sub_rec = np.empty((R, K)), np.empty((R, K)), np.empty((R, K))
    cum = np.zeros(R)
    switches = np.zeros(R)
    rho_c = np.cumsum(fh.rho)
    Pc = np.cumsum(fh.P, axis=-1)
    rows = np.arange(R)
    j = 0
    t0 = time.perf_counter()
    for t in range(1, T + 1):
        pi = np.exp(logpi)
        # exact value of pi_t (backward induction, batched over seeds)
        V = np.zeros((R, S))
        for h in range(H - 1, -1, -1):
            Qh = fh.r[h][None] + np.einsum("sat,rt->rsa", fh.P[h], V)
            V = np.einsum("rsa,rsa->rs", pi[:, h], Qh)
        gap_t = v_star - V @ fh.rho
        cum += gap_t
        # play one episode per seed
        s = _draw(np.broadcast_to(rho_c, (R, S)), rng.random(R))
        for h in range(H):
            a = _draw(np.cumsum(pi[rows, h, s], axis=1), rng.random(R))
            s2 = _draw(Pc[h, s, a], rng.random(R))
            N[rows, h, s, a] += 1.0
            Nsas[rows, h, s, a, s2] += 1.0
            s = s2
        # rare switching: some count doubled since the last switch
        if switch == "every":
            sw = np.ones(R, dtype=bool)
        else:
            sw = np.any(N >= 2.0 * np.maximum(N_last, 1.0), axis=(1, 2, 3))
        if np.any(sw):
            f[sw] = _optimistic_q(fh, N[sw], Nsas[sw], bonus_coef)
            N_last[sw] = N[sw]
            switches += sw
            if reset:
                logpi[sw] = -math.log(A)
        logpi = log_softmax(logpi + eta * f, axis=-1)
        if j < K and rec[j] == t:
            reg_rec[:, j] = cum
            sw_rec[:, j] = switches
            sub_rec[:, j] = gap_t
            j += 1
    return reg_rec, sw_rec, sub_rec, switches, time.perf_counter() - t0


def _nora_numba(fh, T, rng, bonus_coef, eta, reset, switch, v_star, rec, N, Nsas):
    """The online loop of :func:`_nora_numpy` with the per-episode work in numba kernels.

    Per episode: ``pi = exp(logpi)`` (NumPy), :func:`~._ac_kernels.episode_head` (exact value of
    ``pi_t``, one episode per seed, switching and critic, the shifted logits ``z`` of the actor
    step), ``V @ rho`` (NumPy), ``exp(z)`` (NumPy), the normaliser ratio (kernel), ``log1p``
    (NumPy), :func:`~._ac_kernels.episode_tail` (new logits, gap, regret). The uniforms are drawn
    in blocks of episodes in the reference's order (one ``(1 + 2H, R)`` slab per episode), which
    leaves the generator's stream unchanged. Policies, logits and critics are kept only at the
    ``(h, s)`` pairs reachable from ``rho`` (:func:`~._ac_kernels.reachable_states`; at most 3 of the
    lock's ``3H + 1`` states per step); the other pairs never reach an output, and ``V @ rho`` sees 0
    there, where ``rho`` is 0. ``exp`` and ``log1p`` are elementwise, so their values do not depend
    on the layout. Returns None when a drawn state (offline or online) falls outside those pairs,
    which the inverse-CDF draw allows with probability at most ``2^-53`` a draw; the caller then
    reruns on the reference.
    """
    from ._ac_kernels import (critic_rows, einsum_support, episode_head, episode_tail,  # lazy: numba kernels
                              normaliser_ratio, reachable_states)

    R, H, S, A = N.shape
    # writable C copies: one compiled signature whatever the model's flags (frozen models are read-only)
    r = np.array(fh.r, dtype=np.float64, order="C")
    P = np.array(fh.P, dtype=np.float64, order="C")
    rho = np.asarray(fh.rho)
    rho_c = np.cumsum(fh.rho)
    Pc = np.cumsum(fh.P, axis=-1)
    idx, cnt = einsum_support(P)  # value sums skip the zero transitions (exactly: see einsum_support)
    # policies, logits and critics live on the (h, s) pairs the sampler can reach (see reachable_states)
    reach = reachable_states(P, np.asarray(fh.rho, dtype=np.float64))
    if np.any(N[:, ~reach]):  # offline data outside them (probability <= 2^-53 a draw): the reference reruns
        return None
    hs, ss = np.nonzero(reach)  # ordered by step, then state
    M = hs.size
    hs_start = np.searchsorted(hs, np.arange(H + 1)).astype(np.int64)
    pm = np.full((H, S), -1, dtype=np.int64)
    pm[hs, ss] = np.arange(M)
    pair_s = ss.astype(np.int64)
    N_last = N.copy()
    f = np.zeros((R, M, A))
    critic_rows(r, hs_start, pair_s, N, Nsas, bonus_coef, np.arange(R), f)
    log_unif = -math.log(A)
    logpi = np.full((R, M, A), log_unif)
    pi, z, e = np.empty_like(logpi), np.empty_like(logpi), np.empty_like(logpi)
    k = np.empty((R, M), dtype=np.int64)
    ratio, l1p = np.empty((R, M)), np.empty((R, M))
    log_k = np.log(np.maximum(np.arange(A + 1, dtype=np.int64), 1))  # the reference's np.log(kk), kk = 1..A
    V = np.empty((R, S))
    gap = np.empty(R)
    K = rec.size
    reg_rec, sw_rec, sub_rec = np.empty((R, K)), np.empty((R, K)), np.empty((R, K))
    cum = np.zeros(R)
    switches = np.zeros(R)
    every = switch == "every"
    block = max(1, 2**18 // ((1 + 2 * H) * R))  # episodes of uniforms drawn at once (<= 2 MiB)
    j = 0
    t0 = time.perf_counter()
    for b0 in range(1, T + 1, block):
        U = rng.random((min(block, T + 1 - b0), 1 + 2 * H, R))
        for c in range(U.shape[0]):
            t = b0 + c
            np.exp(logpi, out=pi)
            if episode_head(pi, P, idx, cnt, hs_start, pair_s, pm, r, Pc, rho_c, U[c], N, Nsas, N_last, f, logpi,
                            switches, every, reset, log_unif, eta, bonus_coef, V, z, k) < 0:
                return None
            Vrho = V @ rho
            np.exp(z, out=e)
            normaliser_ratio(z, e, k, ratio)
            np.log1p(ratio, out=l1p)
            episode_tail(z, k, ratio, l1p, log_k, logpi, Vrho, v_star, cum, gap)
            if j < K and rec[j] == t:
                reg_rec[:, j] = cum
                sw_rec[:, j] = switches
                sub_rec[:, j] = gap
                j += 1
    return reg_rec, sw_rec, sub_rec, switches, time.perf_counter() - t0


nora_tabular.__citation__ = ("tan2025.regret", "tan2025.sample_complexity")
