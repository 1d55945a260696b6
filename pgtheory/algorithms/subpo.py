r"""SubPO: policy gradient on greedy marginal gains for submodular RL, and the modular baseline.

SubPO (Prajapat, Mutný, Zeilinger, Krause, ICLR 2024, arXiv:2307.13372) ascends
:math:`J(\pi_\theta) = \mathbb E[F(\text{visited set})]` with the policy gradient whose per-step
reward is the marginal gain :math:`F(s_{h+1} \mid \tau_{0:h})`:

.. math::

    \theta_{t+1} = \theta_t + \eta\, \hat g_t, \qquad
    \hat g_t = \sum_{i} \nabla_\theta \log \pi_{\theta_t}(a_i \mid x_i)
    \Big(\sum_{j \ge i} F(s_{j+1} \mid \tau_{0:j}) - b(\tau_{0:i})\Big),

with either the exact expectation of :math:`\hat g` (the default oracle,
:class:`~pgtheory.oracles.ExactSubRLOracle`, computed on the history graph) or its sample mean over a
batch (:class:`~pgtheory.oracles.SubRLOracle`). The *modular* baseline replaces the marginal gain by
:math:`F(\{s_{h+1}\})` (revisits counted, diminishing returns ignored).

Calling convention (``docs/explanation/architecture.md``): ``oracle``, ``n_iter``, ``eta``, ``rng``,
``backend``; the old keywords ``iterations``, ``step_size`` (and ``steps`` of
:func:`continuous_greedy`) and the strings ``oracle="exact"`` / ``"sampled"`` still work for one
release and warn :class:`DeprecationWarning`.

Policies are tabular softmax: ``"markov"`` (time-indexed, SubPO-M), ``"history"`` (on
``(h, s, visited set)``, SubPO-NM) or ``"state_independent"`` (:math:`\pi^h(a)`, the class of
the paper's guarantee on :math:`\varepsilon`-Bandit SMDPs).
"""

from __future__ import annotations

import warnings

import numpy as np

from .._validate import check_positive, check_positive_int
from ..backend import resolve_backend
from ..errors import ValidationError
from ..oracles import ExactSubRLOracle, SubRLOracle
from ..results import Trace
from ..submodular import (
    POLICY_CLASSES,
    sample_objective,
    HistoryGraph,
    SubRLEnv,
    build_history_graph,
    exact_objective,
    policy_shape,
)
from ._common import driver_backend, renamed_keyword

__all__ = ["subpo", "modular_pg", "continuous_greedy", "projected_gradient_ascent"]


def _subpo_oracle(env, oracle, policy, reward, batch_size, baseline, graph):
    """Normalise ``oracle`` (None, a deprecated string, or an object) to ``(oracle, policy, reward, graph, legacy)``.

    ``legacy`` is True for the deprecated strings: their sampled calls keep drawing from the run's
    gradient stream, so their numbers are unchanged. ``batch_size`` / ``baseline`` configure only the
    deprecated ``"sampled"`` string (ignored by the exact default, as before)."""
    legacy = isinstance(oracle, str)
    if legacy and oracle not in ("exact", "sampled"):
        raise ValidationError(f"oracle: expected an oracle object (pgtheory.oracles.ExactSubRLOracle / SubRLOracle) "
                              f"or, deprecated, 'exact' / 'sampled'; got {oracle!r}.")
    if legacy:
        fix = ("leave oracle unset (the exact gradient), or pass pgtheory.oracles.ExactSubRLOracle(env, policy, "
               "reward=...)" if oracle == "exact" else
               "pass oracle=pgtheory.oracles.SubRLOracle(env, policy, n=batch_size, reward=..., baseline=...)")
        warnings.warn(f"subpo(oracle={oracle!r}) is deprecated and will be removed in the next release; {fix}.",
                      DeprecationWarning, stacklevel=3)
    if oracle is None or legacy:
        policy = "markov" if policy is None else policy
        reward = "submodular" if reward is None else reward
        if oracle == "sampled":
            obj = SubRLOracle(env, policy, n=100 if batch_size is None else batch_size, reward=reward,
                              baseline="loo" if baseline is None else baseline, graph=graph)
        else:
            obj = ExactSubRLOracle(env, policy, reward=reward, graph=graph)
        return obj, policy, reward, obj.graph, legacy
    if not callable(getattr(oracle, "gradient", None)):
        raise ValidationError(f"oracle must be a gradient oracle (pgtheory.oracles.ExactSubRLOracle or SubRLOracle); "
                              f"got {oracle!r}. Fix: pass SubRLOracle(env, policy, n=...).")
    if batch_size is not None or baseline is not None:
        raise ValidationError("batch_size / baseline belong to the oracle when an oracle object is given. Fix: pass "
                              "them to pgtheory.oracles.SubRLOracle(env, policy, n=..., baseline=...).")
    for name, given in (("policy", policy), ("reward", reward)):
        own = getattr(oracle, name, None)
        if given is not None and own is not None and given != own:
            raise ValidationError(f"{name}={given!r} disagrees with the oracle's {name}={own!r}. Fix: drop {name}= "
                                  f"(the oracle fixes it) or build the oracle with {name}={given!r}.")
    if getattr(oracle, "env", env) is not env:
        raise ValidationError("the oracle samples another environment than env. Fix: build it with this env.")
    policy = policy if policy is not None else getattr(oracle, "policy", "markov")
    reward = reward if reward is not None else getattr(oracle, "reward", "submodular")
    if policy not in POLICY_CLASSES:
        raise ValidationError(f"policy: expected one of {POLICY_CLASSES}; got {policy!r}.")
    return oracle, policy, reward, (graph if graph is not None else getattr(oracle, "graph", None)), False


def subpo(env: SubRLEnv, *, policy: str | None = None, oracle=None, reward: str | None = None,
          n_iter: int | None = None, eta: float | None = None, batch_size: int | None = None,
          baseline: str | None = None, optimizer: str = "sgd", theta0=None, rng=None,
          backend: str | None = "auto", graph: HistoryGraph | None = None, opt: float | None = None,
          eval_every: int = 1, eval_samples: int = 1000, iterations: int | None = None,
          step_size: float | None = None) -> Trace:
    r"""Run SubPO (or, with ``reward="modular"``, the modular-reward policy gradient).

    Parameters
    ----------
    env : SubRLEnv
    policy : {"markov", "state_independent", "history"}, optional
        Tabular softmax policy class (``"history"`` needs the history graph). Default: the oracle's,
        else ``"markov"``.
    oracle : None, ExactSubRLOracle, SubRLOracle or any GradientOracle
        Source of the gradient (:mod:`pgtheory.oracles`). ``None``: the exact expected gradient on the
        history graph (:class:`~pgtheory.oracles.ExactSubRLOracle`); a
        :class:`~pgtheory.oracles.SubRLOracle` samples the SubPO estimator (``n`` trajectories per
        call, its own ``baseline``). The strings ``"exact"`` / ``"sampled"`` still work for one release
        and warn :class:`DeprecationWarning` (``"sampled"`` builds ``SubRLOracle(env, policy,
        n=batch_size, reward=reward, baseline=baseline)``).
    reward : {"submodular", "modular"}, optional
        Marginal gains (SubPO) or singleton values :math:`F(\{s\})` (modular-RL baseline). Default:
        the oracle's, else ``"submodular"``.
    n_iter : int
        Number of gradient steps (default 200; ``iterations=`` is its deprecated alias).
    eta : float
        Step size :math:`\eta` (for ``"adam"``: its learning rate; default 1.0; ``step_size=`` is
        its deprecated alias).
    batch_size : int, optional
        Only with the deprecated ``oracle="sampled"``: trajectories per sampled gradient (default 100).
    baseline : {"loo", "none"}, optional
        Only with the deprecated ``oracle="sampled"`` (default ``"loo"``; see
        :func:`pgtheory.submodular.sample_gradient`).
    optimizer : {"sgd", "adam"}
        Plain gradient ascent or Adam (as in the official code's experiments).
    theta0 : array, optional
        Initial logits (default zeros: the uniform policy).
    rng : Generator or int, optional
        Randomness of Monte-Carlo evaluation and of a sampling oracle's calls (with ``rng=None`` an
        oracle object draws from its own generator).
    backend : {"auto", "numpy"} or None
        Driver loop (NumPy only).
    graph : HistoryGraph, optional
        Reused if given (else the oracle's); built when needed (exact oracle, ``"history"`` class).
        When a graph is available the recorded objective is exact, else a Monte-Carlo estimate.
    opt : float, optional
        OPT, to record the ratio :math:`J(\pi_t)/\mathrm{OPT}`.
    eval_every : int
        Record metrics every ``eval_every`` iterations (and at the last).
    eval_samples : int
        Trajectories per Monte-Carlo evaluation (no graph).
    iterations, step_size
        Deprecated aliases of ``n_iter`` and ``eta``.

    Returns
    -------
    Trace
        Metrics ``"objective"`` (true submodular :math:`J`), ``"objective_stderr"`` (0 when exact),
        ``"surrogate"`` (the objective of ``reward``; NaN for the modular reward with the sampled
        oracle and no graph), and ``"ratio"`` when ``opt`` is given; ``samples`` counts the oracle's
        cost before each recorded iterate (gradient calls or trajectories);
        ``final = {"theta", "objective"}``.

    Raises
    ------
    pgtheory.errors.ValidationError
        Unknown option, non-positive step, negative ``n_iter``, wrong ``theta0`` shape, or an oracle
        that disagrees with ``policy`` / ``reward``.

    References
    ----------
    Prajapat et al., Submodular Reinforcement Learning, ICLR 2024, arXiv:2307.13372 (SubPO,
    Algorithm 1 in the version cited by reviewers; numbering unconfirmed).
    """
    n_iter = renamed_keyword(n_iter, iterations, "n_iter", "iterations", default=200)
    eta = renamed_keyword(eta, step_size, "eta", "step_size", default=1.0)
    if optimizer not in ("sgd", "adam"):
        raise ValidationError(f"optimizer: expected 'sgd' or 'adam'; got {optimizer!r}.")
    n_iter = check_positive_int(n_iter, "n_iter (iterations)", minimum=0)
    eval_every = check_positive_int(eval_every, "eval_every")
    eta = check_positive(eta, "eta (step_size)")
    driver_backend(backend)
    if opt is not None and not opt > 0:
        raise ValidationError(f"opt: must be > 0 to form ratios; got {opt!r}.")
    if reward is not None and reward not in ("submodular", "modular"):
        raise ValidationError(f"reward: expected 'submodular' or 'modular'; got {reward!r}.")
    oracle, policy, reward, graph, legacy = _subpo_oracle(env, oracle, policy, reward, batch_size, baseline, graph)
    if graph is None and policy == "history":
        graph = build_history_graph(env)
    shape = policy_shape(env, policy, graph)
    theta = np.zeros(shape) if theta0 is None else np.array(theta0, dtype=np.float64)
    if theta.shape != shape:
        raise ValidationError(f"theta0: expected shape {shape}; got {theta.shape}.")
    ss = np.random.SeedSequence(rng if isinstance(rng, (int, np.integer)) else
                                np.random.default_rng(rng).integers(2 ** 63))
    grad_rng, eval_rng = (np.random.default_rng(s) for s in ss.spawn(2))
    call_rng = grad_rng if (legacy or rng is not None) else None
    exact_pass = getattr(oracle, "value_and_gradient", None) if getattr(oracle, "exact", False) else None
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    rec_it, rec_samples, obj, obj_se, sur = [], [], [], [], []

    def evaluate(th):
        if graph is not None:
            return exact_objective(env, th, policy, graph=graph), 0.0
        return sample_objective(env, th, policy, eval_samples, eval_rng, graph=graph)

    for t in range(n_iter + 1):
        before = int(oracle.samples_used)
        if exact_pass is not None:
            val, g = exact_pass(theta)      # value and gradient in one pass (the surrogate is free)
        else:
            val = np.nan
            if t < n_iter:
                g = np.asarray(oracle.gradient(theta, rng=call_rng).mean)
        if t % eval_every == 0 or t == n_iter:
            J, se = evaluate(theta)
            if exact_pass is None and graph is not None:   # the submodular surrogate is J itself: one pass
                val = J if reward == "submodular" else exact_objective(env, theta, policy, graph=graph, reward=reward)
            rec_it.append(t)
            rec_samples.append(before)
            obj.append(J)
            obj_se.append(se)
            sur.append(J if reward == "submodular" and np.isnan(val) else val)
        if t == n_iter:
            break
        if optimizer == "sgd":
            theta = theta + eta * g
        else:
            # m = 0.9 m + 0.1 g, v = 0.999 v + 0.001 g g, theta += eta mh / (sqrt(vh) + 1e-8): the same
            # operations in place on the optimizer's own arrays (a history policy has ~10^6 logits; fresh
            # temporaries cost more than the arithmetic)
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            mh = m / (1 - 0.9 ** (t + 1))
            vh = v / (1 - 0.999 ** (t + 1))
            np.sqrt(vh, out=vh)
            vh += 1e-8
            mh *= eta
            mh /= vh
            theta = theta + mh
    metrics = {"objective": np.array(obj), "objective_stderr": np.array(obj_se), "surrogate": np.array(sur)}
    if opt is not None:
        metrics["ratio"] = metrics["objective"] / opt
    exact = bool(getattr(oracle, "exact", False))
    return Trace(iterations=np.array(rec_it), samples=np.array(rec_samples), metrics=metrics,
                 algorithm=f"SubPO[{policy}]" if reward == "submodular" else f"ModularPG[{policy}]",
                 params={"policy": policy, "oracle": "exact" if exact else "sampled",
                         "oracle_class": type(oracle).__name__, "reward": reward, "n_iter": n_iter, "eta": eta,
                         "batch_size": getattr(oracle, "n", None), "baseline": getattr(oracle, "baseline", None),
                         "optimizer": optimizer, "env": env.name},
                 sample_unit="gradient calls" if exact else "trajectories",
                 final={"theta": theta, "objective": obj[-1]})


def modular_pg(env: SubRLEnv, **kwargs) -> Trace:
    r"""The modular-RL baseline: :func:`subpo` with per-step reward :math:`F(\{s_{h+1}\})`.

    Parameters
    ----------
    env : SubRLEnv
    **kwargs
        As for :func:`subpo` (``reward`` is fixed to ``"modular"``).

    Returns
    -------
    Trace
        The recorded ``"objective"`` is still the true submodular :math:`J`.
    """
    if "reward" in kwargs:
        raise ValidationError("reward: modular_pg fixes reward='modular'; call subpo for other rewards.")
    return subpo(env, reward="modular", **kwargs)


def _null_index(env, null_action):
    if null_action is None:
        null_action = env.A - 1
    if not (0 <= int(null_action) < env.A):
        raise ValidationError(f"null_action: must be an action index in 0..{env.A - 1}; got {null_action!r}.")
    sink = np.flatnonzero(env.P[:, int(null_action), :].max(axis=0) > 0)
    if np.any(env.items[sink] >= 0):
        raise ValidationError("null_action: must lead only to states without an item (it must earn nothing). "
                              "Fix: build the environment with bandit_env(F, H, null_action=True).")
    return int(null_action)


def continuous_greedy(env: SubRLEnv, *, n_iter: int | None = None, null_action: int | None = None,
                      graph: HistoryGraph | None = None, opt: float | None = None, oracle=None, rng=None,
                      backend: str | None = "auto", steps: int | None = None) -> Trace:
    r"""Frank-Wolfe / continuous greedy on the state-independent policy polytope :math:`\pi^h(a)`.

    Coordinates :math:`x^h(a) = \pi^h(a)` for the real actions, with the remaining mass on the
    ``null_action`` (which earns nothing), so the feasible set is the down-closed polytope
    :math:`\{x \ge 0, \sum_a x^h(a) \le 1\}`. From :math:`x_0 = 0`,

    .. math::

        v_k = \arg\max_{v \in P} \langle v, \nabla J(x_k) \rangle, \qquad x_{k+1} = x_k + v_k / K,

    with the LMO picking, per step ``h``, the action of largest positive partial derivative. For
    a monotone DR-submodular :math:`J` this gives :math:`J(x_K) \ge (1 - 1/e)\,\mathrm{OPT} - O(1/K)`.

    Parameters
    ----------
    env : SubRLEnv
        E.g. ``bandit_env(F, H, eps, null_action=True)``.
    n_iter : int
        ``K`` (default 100; ``steps=`` is its deprecated alias).
    null_action : int, optional
        The "do nothing" action (default: the last action).
    graph : HistoryGraph, optional
    opt : float, optional
        OPT, to record ratios.
    oracle : None or GradientOracle, optional
        Source of :math:`\nabla J(x_k)`: default the exact direct-parameterisation gradient
        (:class:`~pgtheory.oracles.ExactSubRLOracle` with ``parameterization="direct"``); any oracle
        whose ``gradient(x, rng=...)`` returns :math:`\partial J/\partial\pi^h(a)` at the (H, A) point
        ``x``. The recorded objective stays exact.
    rng : Generator, int or None
        Randomness of a sampling oracle's calls.
    backend : {"auto", "numpy"} or None
        Driver loop (NumPy only).
    steps
        Deprecated alias of ``n_iter``.

    Returns
    -------
    Trace
        Metric ``"objective"`` (and ``"ratio"``); ``final = {"pi": (H, A) policy, "objective"}``.

    References
    ----------
    Prajapat et al., ICLR 2024, arXiv:2307.13372 (guarantee on eps-Bandit SMDPs, per reviewers);
    Bian, Mirzasoleiman, Buhmann, Krause, AISTATS 2017 (continuous greedy for DR-submodular maximisation).
    """
    steps = check_positive_int(renamed_keyword(n_iter, steps, "n_iter", "steps", default=100), "n_iter (steps)")
    driver_backend(backend)
    null = _null_index(env, null_action)
    direct, ext, gen = _direct_oracle(env, oracle, graph, rng)
    graph = direct.graph
    real = np.array([a for a in range(env.A) if a != null])
    x = np.zeros((env.H, env.A))
    x[:, null] = 1.0
    objs = []
    for _ in range(steps):
        J, g = direct.value_and_gradient(x)
        if ext is not None:
            g = np.asarray(ext.gradient(x, rng=gen).mean)
        objs.append(J)
        gx = g[:, real] - g[:, [null]]
        best = np.argmax(gx, axis=1)
        take = gx[np.arange(env.H), best] > 0
        h = np.flatnonzero(take)
        x[h, real[best[take]]] += 1.0 / steps
        x[h, null] = np.maximum(x[h, null] - 1.0 / steps, 0.0)
    J, _ = direct.value_and_gradient(x)
    objs.append(J)
    metrics = {"objective": np.array(objs)}
    if opt is not None:
        metrics["ratio"] = metrics["objective"] / opt
    return Trace(iterations=np.arange(steps + 1), samples=np.arange(steps + 1), metrics=metrics,
                 algorithm="ContinuousGreedy[state_independent]",
                 params={"n_iter": steps, "null_action": null, "oracle": type(ext or direct).__name__},
                 sample_unit="gradient calls", final={"pi": np.clip(x, 0.0, 1.0), "objective": J})


def _direct_oracle(env, oracle, graph, rng):
    """(exact direct oracle for the recorded objective, external gradient oracle or None, call rng)."""
    if oracle is not None and not callable(getattr(oracle, "gradient", None)):
        raise ValidationError(f"oracle must be None or a gradient oracle of the direct parameterisation (e.g. "
                              f"pgtheory.oracles.ExactSubRLOracle(env, 'state_independent', parameterization='direct'));"
                              f" got {oracle!r}.")
    if oracle is not None and getattr(oracle, "parameterization", "direct") != "direct":
        raise ValidationError("oracle: these methods move the policy pi^h(a) itself. Fix: build the oracle with "
                              "parameterization='direct'.")
    if graph is None:
        graph = getattr(oracle, "graph", None)
    if isinstance(oracle, ExactSubRLOracle) and (graph is None or oracle.graph is graph):
        return oracle, None, None
    direct = ExactSubRLOracle(env, "state_independent", graph=graph, parameterization="direct")
    return direct, oracle, (None if rng is None else np.random.default_rng(rng))


def _project_simplex(y, kern=None):
    """Row-wise Euclidean projection on the simplex (NumPy reference; ``kern``: its numba twin)."""
    if kern is not None:
        return kern.project_simplex_rows(y)
    u = np.sort(y, axis=1)[:, ::-1]
    css = np.cumsum(u, axis=1) - 1.0
    k = np.arange(1, y.shape[1] + 1)
    cond = u - css / k > 0
    r = cond.shape[1] - 1 - np.argmax(cond[:, ::-1], axis=1)
    tau = css[np.arange(y.shape[0]), r] / (r + 1)
    return np.maximum(y - tau[:, None], 0.0)


def projected_gradient_ascent(env: SubRLEnv, *, n_iter: int | None = None, eta: float | None = None,
                              graph: HistoryGraph | None = None, opt: float | None = None,
                              pi0=None, oracle=None, rng=None, backend: str | None = "auto",
                              iterations: int | None = None, step_size: float | None = None) -> Trace:
    r"""Projected gradient ascent on direct state-independent policies :math:`\pi^h \in \Delta_A`.

    :math:`\pi^h \leftarrow \Pi_{\Delta}\big(\pi^h + \eta\, \partial J / \partial \pi^h\big)` (Euclidean
    projection on the simplex, row by row). Its stationary points are the ones the ``1/2``
    guarantee refers to (per reviews of Prajapat et al. 2024).

    Parameters
    ----------
    env : SubRLEnv
    n_iter : int
        Number of steps (default 500; ``iterations=`` is its deprecated alias).
    eta : float
        Step size (default 0.1; ``step_size=`` is its deprecated alias).
    graph : HistoryGraph, optional
    opt : float, optional
    pi0 : array, shape (H, A), optional
        Start (default uniform).
    oracle : None or GradientOracle, optional
        As in :func:`continuous_greedy` (default: the exact direct-parameterisation gradient).
    rng : Generator, int or None
        Randomness of a sampling oracle's calls.
    backend : {"auto", "numpy", "numba"} or None
        The simplex projection of the driver loop: ``"numba"`` a compiled kernel that agrees with the
        NumPy reference bit for bit; ``"auto"`` uses it when Numba is installed (the rule of
        :func:`pgtheory.backend.resolve_backend`).
    iterations, step_size
        Deprecated aliases of ``n_iter`` and ``eta``.

    Returns
    -------
    Trace
        Metrics ``"objective"``, ``"stationarity"`` (:math:`\|\Pi(\pi + \nabla J) - \pi\|_\infty`)
        and ``"ratio"`` when ``opt`` is given; ``final = {"pi", "objective"}``.
    """
    iterations = check_positive_int(renamed_keyword(n_iter, iterations, "n_iter", "iterations", default=500),
                                    "n_iter (iterations)", minimum=0)
    step_size = check_positive(renamed_keyword(eta, step_size, "eta", "step_size", default=0.1), "eta (step_size)")
    kern = None
    if resolve_backend(backend, allowed=("numba", "numpy")) == "numba":
        from . import _subpo_kernels as kern  # lazy: numba kernels
    direct, ext, gen = _direct_oracle(env, oracle, graph, rng)
    graph = direct.graph
    x = np.full((env.H, env.A), 1.0 / env.A) if pi0 is None else np.array(pi0, dtype=np.float64)
    objs, stat = [], []
    for t in range(iterations + 1):
        J, g = direct.value_and_gradient(x)
        objs.append(J)
        stat.append(float(np.abs(_project_simplex(x + g, kern) - x).max()))
        if t < iterations:
            if ext is not None:
                g = np.asarray(ext.gradient(x, rng=gen).mean)
            x = _project_simplex(x + step_size * g, kern)
    metrics = {"objective": np.array(objs), "stationarity": np.array(stat)}
    if opt is not None:
        metrics["ratio"] = metrics["objective"] / opt
    return Trace(iterations=np.arange(iterations + 1), samples=np.arange(iterations + 1), metrics=metrics,
                 algorithm="PGA[state_independent, direct]",
                 params={"n_iter": iterations, "eta": step_size, "oracle": type(ext or direct).__name__},
                 sample_unit="gradient calls", final={"pi": x, "objective": objs[-1]})
