r"""Importers and exporters: pymdptoolbox arrays, Gymnasium toy-text environments.

* :func:`from_pymdptoolbox` -- ``P[A, S, S]`` (array, or list of dense/sparse ``(S, S)``
  matrices) and ``R`` of shape ``(S, A)``, ``(S,)`` or ``(A, S, S)`` -> :class:`TabularMDP`.
* :func:`from_gymnasium` -- an environment exposing ``env.unwrapped.P`` in the toy-text format
  ``P[s][a] = [(prob, next_state, reward, terminated), ...]`` (FrozenLake, CliffWalking, Taxi).
* :func:`to_gymnasium` -- a :class:`TabularMDP` as a ``gymnasium.Env`` with ``Discrete`` spaces
  (Gymnasium imported lazily).

Terminal handling of :func:`from_gymnasium`: a transition flagged ``terminated`` ends the
episode, so nothing is earned after it. We route every terminated transition to one extra
**absorbing, zero-reward** state (index ``S``, the last one); its reward is kept. The
discounted value of a state is then exactly the expected discounted episodic return of the
environment. (Toy-text environments also make hole/goal states self-loops; those states stay
in the model but are never entered through a non-terminated transition.)

The table ``P`` describes the environment only if ``step()`` samples from it and does nothing
else. Taxi with ``fickle_passenger=True``, for example, changes the destination inside ``step()``
(the model's values then differ from the environment's returns: 6.33 vs 6.79, z = 6.6), so
:func:`from_gymnasium` checks ``step()`` against ``P`` by default (``check_step=True``) and raises
:class:`~pgtheory.errors.ModelMismatchError` naming what it found.
"""

from __future__ import annotations

import copy
import numbers
import warnings

import numpy as np
import scipy.sparse as sp

from .._validate import as_float_array, check_distribution, check_shape
from ..errors import BackendUnavailableError, ModelMismatchError, ModelWarning, ShapeError, ValidationError
from ._model import TabularMDP

#: Number of ``step()`` calls the consistency probe of :func:`from_gymnasium` makes at most.
PROBE_STEPS = 2048

__all__ = ["from_pymdptoolbox", "from_gymnasium", "to_gymnasium"]


def from_pymdptoolbox(P, R, gamma: float, rho=None) -> TabularMDP:
    r"""Build a :class:`TabularMDP` from pymdptoolbox's layout.

    pymdptoolbox stores transitions as ``P[a, s, s']`` and rewards as ``R[s, a]``, ``R[s]``
    (state rewards, the same for every action) or ``R[a, s, s']`` (transition rewards). We use the
    expected reward :math:`r(s,a) = \sum_{s'}P(s'|s,a)R(a,s,s')` in the last case.

    Parameters
    ----------
    P : array, shape (A, S, S), or sequence of A (S, S) arrays / scipy.sparse matrices
        Sparse inputs give a sparse MDP.
    R : array, shape (S, A), (S,) or (A, S, S) (or a sequence of A (S, S) matrices)
    gamma : float
        Discount factor in [0, 1).
    rho : array, shape (S,), optional
        Initial distribution (uniform by default).

    Returns
    -------
    TabularMDP

    Raises
    ------
    ShapeError
        When shapes of ``P`` and ``R`` disagree.

    References
    ----------
    Cordwell, Chadès et al., *pymdptoolbox* documentation, ``mdptoolbox.mdp.MDP`` (array layout).
    """
    mats = list(P) if isinstance(P, (list, tuple)) else None
    if mats is None:
        Parr = as_float_array(P, "P", ndim=3)
        if Parr.shape[1] != Parr.shape[2]:
            raise ShapeError(f"P must have shape (A, S, S); got {Parr.shape}. Fix: pymdptoolbox layout is P[a, s, s'].")
        mats = list(Parr)
    if not mats:
        raise ShapeError("P has no actions. Fix: pass A >= 1 transition matrices.")
    A = len(mats)
    sparse = any(sp.issparse(m) for m in mats)
    S = mats[0].shape[0]
    for a, m in enumerate(mats):
        if m.shape != (S, S):
            raise ShapeError(f"P[{a}] has shape {m.shape}; expected ({S}, {S}). Fix: every action's matrix is (S, S).")
    # rewards
    if isinstance(R, (list, tuple)) or sp.issparse(R):
        Rm = [R[a] for a in range(A)] if isinstance(R, (list, tuple)) else None
        if Rm is None:
            raise ShapeError("a sparse R must be a sequence of A (S, S) matrices.")
        r = np.stack([np.asarray((sp.csr_matrix(mats[a]).multiply(sp.csr_matrix(Rm[a]))).sum(axis=1)).ravel()
                      for a in range(A)], axis=1)
    else:
        Rarr = as_float_array(R, "R", ndim=(1, 2, 3))
        if Rarr.ndim == 1:
            check_shape(Rarr, (S,), "R", "Fix: state rewards R[s] have shape (S,).")
            r = np.repeat(Rarr[:, None], A, axis=1)
        elif Rarr.ndim == 2:
            check_shape(Rarr, (S, A), "R", "Fix: R[s, a] has shape (S, A).")
            r = Rarr
        else:
            check_shape(Rarr, (A, S, S), "R", "Fix: transition rewards R[a, s, s'] have shape (A, S, S).")
            r = np.stack([np.asarray(sp.csr_matrix(mats[a]).multiply(Rarr[a]).sum(axis=1)).ravel() if sparse
                          else np.sum(np.asarray(mats[a]) * Rarr[a], axis=1) for a in range(A)], axis=1)
    if sparse:
        # row s*A + a of the (S*A, S) matrix is P[a][s, :]
        stacked = sp.vstack([sp.csr_matrix(m, dtype=np.float64) for m in mats]).tocsr()  # row a*S + s
        perm = (np.arange(A)[None, :] * S + np.arange(S)[:, None]).ravel()
        return TabularMDP(stacked[perm], r, gamma, rho)
    Pd = np.stack([np.asarray(m, dtype=np.float64) for m in mats], axis=1)  # (S, A, S)
    return TabularMDP(Pd, r, gamma, rho)


def _outcomes(table, s, a):
    """``{(next_state, terminated): [rewards]}`` of the outcomes of ``P[s][a]`` with probability > 0."""
    out = {}
    for prob, s2, rew, term in table[s][a]:
        if prob > 0:
            out.setdefault((int(s2), bool(term)), []).append(float(rew))
    return out


def _step_mismatch(table, s, a, obs, rew, term):
    """None if ``step`` from ``s`` with ``a`` returned an outcome of ``P[s][a]``, else a description."""
    got = f"step() from state {s} with action {a} returned (next_state={obs!r}, reward={rew!r}, terminated={term!r})"
    if isinstance(obs, (bool, np.bool_)) or not isinstance(obs, (numbers.Integral, np.integer)):
        return f"{got}: the observation is not a state index"
    rewards = _outcomes(table, s, a).get((int(obs), bool(term)))
    if rewards is None:
        return f"{got}, an outcome with probability 0 in unwrapped.P[{s}][{a}]"
    # Rewards may pass through float32 (Gymnasium's Box/np.float32 conventions): allow its rounding,
    # eps32 * max(1, |r|); a reward the table does not list differs by more than that.
    r = float(rew)
    if not any(abs(r - x) <= np.finfo(np.float32).eps * max(1.0, abs(x)) for x in rewards):
        return f"{got}, but unwrapped.P[{s}][{a}] gives reward(s) {sorted(set(rewards))} for that transition"
    return None


def _check_step(env, table, S, A):
    """Probe ``env.step`` against the table ``P``; raise :class:`ModelMismatchError` on a mismatch.

    Known flags first (Taxi's ``fickle_passenger``), then up to :data:`PROBE_STEPS` steps on a deep
    copy of ``env`` (the caller's environment is not touched): when the unwrapped environment has
    a settable state ``s`` (toy-text), from every state (a seeded random sample of them when
    ``S * A > PROBE_STEPS``) with every action, each after a fresh ``reset`` (so per-episode hidden
    variables are redrawn); otherwise along seeded random-action episodes from ``reset``.
    """
    u = getattr(env, "unwrapped", env)
    fix = ("Fix: build the environment without that option, or pass check_step=False to import "
           "unwrapped.P anyway (the model's values then differ from the environment's returns).")
    if getattr(u, "fickle_passenger", False):
        raise ModelMismatchError(
            f"env: {type(u).__name__} has fickle_passenger=True: step() changes the passenger's destination "
            f"(with probability fickle_probability={getattr(u, 'fickle_probability', '?')}, drawn at reset) "
            f"outside unwrapped.P, so P does not describe the environment. {fix}")
    try:
        probe = copy.deepcopy(env)
    except Exception as exc:  # noqa: BLE001 - any copying failure means we cannot probe safely
        warnings.warn(f"env: could not copy the environment ({type(exc).__name__}: {exc}) to check step() "
                      f"against unwrapped.P without touching it; not checked. Fix: pass check_step=False "
                      f"to silence this, or make the environment deep-copyable.", ModelWarning, stacklevel=3)
        return
    pu = getattr(probe, "unwrapped", probe)
    rng = np.random.default_rng(0)
    fix = ("Fix: use an environment whose dynamics are all in unwrapped.P, pass env.unwrapped if a "
           "wrapper changes observations or rewards, or pass check_step=False to import P anyway.")
    if hasattr(pu, "s"):
        if S * A <= PROBE_STEPS:
            states = np.arange(S)
        else:
            states = np.sort(rng.choice(S, max(1, PROBE_STEPS // A), replace=False))
        for k, s in enumerate(states.tolist()):
            for a in range(A):
                probe.reset(seed=k * A + a)
                pu.s = s
                obs, rew, term, _, _ = probe.step(a)
                bad = _step_mismatch(table, s, a, obs, rew, term)
                if bad:
                    raise ModelMismatchError(f"env: {bad}. {fix}")
        return
    steps, episode = 0, 0
    while steps < PROBE_STEPS:
        s, _ = probe.reset(seed=episode)
        episode += 1
        for _ in range(64):  # episodes of at most 64 steps, so several start states are seen
            a = int(rng.integers(A))
            obs, rew, term, trunc, _ = probe.step(a)
            steps += 1
            bad = _step_mismatch(table, int(s), a, obs, rew, term)
            if bad:
                raise ModelMismatchError(f"env: {bad}. {fix}")
            s = obs
            if term or trunc or steps >= PROBE_STEPS:
                break


def from_gymnasium(env, gamma: float, rho=None, *, check_step: bool = True) -> TabularMDP:
    r"""Build a :class:`TabularMDP` from a Gymnasium toy-text environment's ``unwrapped.P``.

    ``P[s][a]`` is a list of ``(prob, next_state, reward, terminated)``. Expected rewards are
    :math:`r(s,a) = \sum \text{prob}\cdot\text{reward}`. Terminated transitions go to an extra
    absorbing zero-reward state (index ``S``), added only when some transition terminates (see
    the module docstring), so :math:`V^\pi(s)` is the expected discounted episodic return.

    Parameters
    ----------
    env : gymnasium.Env
        With ``env.unwrapped.P`` and ``Discrete`` observation and action spaces.
    gamma : float
        Discount factor in [0, 1).
    rho : array, optional
        Initial distribution over the model's states (``S`` or ``S+1`` entries). Default: the
        environment's ``initial_state_distrib`` when it has one, else uniform over its states.
    check_step : bool
        Check that ``env.step()`` does nothing beyond sampling from ``P`` (default True): refuse
        known options that act outside ``P`` (Taxi's ``fickle_passenger=True``), then call
        ``step`` up to :data:`PROBE_STEPS` (2048) times on a deep copy of ``env`` -- from every
        state (or a seeded sample) with every action when ``env.unwrapped.s`` can be set, else
        along seeded random episodes -- and require every observed ``(next_state, reward,
        terminated)`` to be an outcome of ``P[s][a]`` with positive probability (rewards up to
        float32 rounding). The probe can miss a rare deviation; it never touches ``env``.
        ``False`` skips the check.

    Returns
    -------
    TabularMDP

    Raises
    ------
    ValidationError
        If the environment has no ``P`` table in the toy-text format.
    ModelMismatchError
        If ``check_step`` and ``step()`` produced an outcome that ``P`` does not contain (the
        message names the state, action and outcome), or a known option acts outside ``P``.
    """
    u = getattr(env, "unwrapped", env)
    table = getattr(u, "P", None)
    if not isinstance(table, dict) or not table:
        raise ValidationError(f"{type(u).__name__} has no toy-text transition table `unwrapped.P` "
                              f"(dict P[s][a] = [(prob, next_state, reward, terminated)]). "
                              f"Fix: use a toy-text environment (FrozenLake, CliffWalking, Taxi).")
    S = len(table)
    A = len(table[0])
    terminal = any(bool(t[3]) for s in table for a in table[s] for t in table[s][a])
    n = S + 1 if terminal else S
    P = np.zeros((n, A, n))
    r = np.zeros((n, A))
    for s in range(S):
        if len(table[s]) != A:
            raise ValidationError(f"state {s} has {len(table[s])} actions, state 0 has {A}. Fix: all states need A actions.")
        for a in range(A):
            for prob, s2, rew, term in table[s][a]:
                P[s, a, S if term else int(s2)] += prob
                r[s, a] += prob * rew
    if terminal:
        P[S, :, S] = 1.0
    if not isinstance(check_step, (bool, np.bool_)):
        raise ValidationError(f"check_step: expected True or False; got {check_step!r}.")
    if check_step:
        _check_step(env, table, S, A)
    if rho is None:
        isd = getattr(u, "initial_state_distrib", None)
        rho = np.zeros(n)
        if isd is not None and np.asarray(isd).shape == (S,):
            rho[:S] = np.asarray(isd, dtype=np.float64)
        else:
            rho[:S] = 1.0 / S
        rho = rho / rho.sum()
    else:
        rho = as_float_array(rho, "rho", ndim=1)
        if rho.shape == (S,) and n == S + 1:
            rho = np.append(rho, 0.0)
        check_shape(rho, (n,), "rho", f"Fix: rho has {S} (or {n}, including the terminal state) entries.")
        rho = check_distribution(rho, "rho")
    return TabularMDP(P, r, gamma, rho)


def _gym():
    try:
        import gymnasium  # lazy: optional gymnasium
    except ImportError as exc:
        raise BackendUnavailableError("to_gymnasium needs gymnasium. Fix: pip install 'pgtheory[gym]' "
                                      "(or pip install gymnasium).") from exc
    return gymnasium


def to_gymnasium(mdp: TabularMDP, horizon: int | None = None):
    r"""Export a :class:`TabularMDP` as a ``gymnasium.Env`` with ``Discrete`` spaces.

    ``reset`` draws :math:`s_0\sim\rho`; ``step(a)`` returns the expected reward ``r[s, a]`` and
    :math:`s'\sim P(\cdot|s,a)`, never ``terminated`` (a discounted MDP does not end; discount
    the returns yourself with ``mdp.gamma``), and ``truncated`` once ``horizon`` steps were taken
    (never when ``horizon`` is None). The environment exposes ``P`` in the toy-text format
    (built on first access) and its current state as ``s`` (settable, as in toy-text), so
    ``from_gymnasium(to_gymnasium(mdp), mdp.gamma)`` round-trips and passes its ``step()`` check.

    Parameters
    ----------
    mdp : TabularMDP
        Dense or sparse.
    horizon : int, optional
        Truncation length.

    Returns
    -------
    gymnasium.Env

    Raises
    ------
    BackendUnavailableError
        If gymnasium is not installed.
    """
    gym = _gym()
    from gymnasium import spaces  # lazy: optional gymnasium

    if not isinstance(mdp, TabularMDP):
        raise ValidationError(f"mdp must be a TabularMDP; got {type(mdp).__name__}.")
    if horizon is not None and (isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1):
        raise ValidationError(f"horizon must be a positive integer or None; got {horizon!r}.")
    P2 = mdp.P_matrix()
    P2 = P2.tocsr() if sp.issparse(P2) else sp.csr_matrix(P2)

    class TabularEnv(gym.Env):
        """A pgtheory TabularMDP as a Gymnasium environment (expected rewards, no termination)."""

        metadata = {"render_modes": []}

        def __init__(self):
            self.observation_space = spaces.Discrete(mdp.S)
            self.action_space = spaces.Discrete(mdp.A)
            self.mdp = mdp
            self.horizon = horizon
            self.initial_state_distrib = np.array(mdp.rho)
            self.s = 0
            self._t = 0
            self._P = None

        @property
        def P(self):
            if self._P is None:
                table = {}
                for s in range(mdp.S):
                    table[s] = {}
                    for a in range(mdp.A):
                        row = P2[s * mdp.A + a]
                        table[s][a] = [(float(p), int(j), float(mdp.r[s, a]), False)
                                       for j, p in zip(row.indices, row.data) if p > 0]
                self._P = table
            return self._P

        def reset(self, *, seed=None, options=None):
            super().reset(seed=seed)
            self.s = int(self.np_random.choice(mdp.S, p=mdp.rho))
            self._t = 0
            return self.s, {}

        def step(self, action):
            a = int(action)
            if not 0 <= a < mdp.A:
                raise ValidationError(f"action {action!r} is outside [0, {mdp.A}).")
            row = P2[self.s * mdp.A + a]
            rew = float(mdp.r[self.s, a])
            self.s = int(row.indices[np.searchsorted(np.cumsum(row.data), self.np_random.random() * row.data.sum(),
                                                      side="right").clip(max=row.data.size - 1)])
            self._t += 1
            truncated = horizon is not None and self._t >= horizon
            return self.s, rew, False, truncated, {}

    return TabularEnv()
