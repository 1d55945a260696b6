r"""SubPO: policy gradient on greedy marginal gains for submodular RL, and the modular baseline.

SubPO (Prajapat, Mutný, Zeilinger, Krause, ICLR 2024, arXiv:2307.13372) ascends
:math:`J(\pi_\theta) = \mathbb E[F(\text{visited set})]` with the policy gradient whose per-step
reward is the marginal gain :math:`F(s_{h+1} \mid \tau_{0:h})`:

.. math::

    \theta_{t+1} = \theta_t + \eta\, \hat g_t, \qquad
    \hat g_t = \sum_{i} \nabla_\theta \log \pi_{\theta_t}(a_i \mid x_i)
    \Big(\sum_{j \ge i} F(s_{j+1} \mid \tau_{0:j}) - b(\tau_{0:i})\Big),

with either the exact expectation of :math:`\hat g` (``oracle="exact"``, computed on the history
graph) or its sample mean over a batch (``oracle="sampled"``). The *modular* baseline replaces the
marginal gain by :math:`F(\{s_{h+1}\})` (revisits counted, diminishing returns ignored).

Policies are tabular softmax: ``"markov"`` (time-indexed, SubPO-M), ``"history"`` (on
``(h, s, visited set)``, SubPO-NM) or ``"state_independent"`` (:math:`\pi^h(a)`, the class of
the paper's guarantee on :math:`\varepsilon`-Bandit SMDPs).
"""

from __future__ import annotations

import numpy as np

from .._validate import check_positive, check_positive_int
from ..errors import ValidationError
from ..results import Trace
from ..submodular import (
    sample_gradient,
    sample_objective,
    HistoryGraph,
    SubRLEnv,
    build_history_graph,
    exact_gradient,
    exact_gradient_direct,
    exact_objective,
    policy_shape,
)

__all__ = ["subpo", "modular_pg", "continuous_greedy", "projected_gradient_ascent"]


def subpo(env: SubRLEnv, *, policy: str = "markov", oracle: str = "exact", reward: str = "submodular",
          iterations: int = 200, step_size: float = 1.0, batch_size: int = 100, baseline: str = "loo",
          optimizer: str = "sgd", theta0=None, rng=None, graph: HistoryGraph | None = None,
          opt: float | None = None, eval_every: int = 1, eval_samples: int = 1000) -> Trace:
    r"""Run SubPO (or, with ``reward="modular"``, the modular-reward policy gradient).

    Parameters
    ----------
    env : SubRLEnv
    policy : {"markov", "state_independent", "history"}
        Tabular softmax policy class (``"history"`` needs the history graph).
    oracle : {"exact", "sampled"}
        Exact expected gradient (history graph) or the sampled SubPO estimator.
    reward : {"submodular", "modular"}
        Marginal gains (SubPO) or singleton values :math:`F(\{s\})` (modular-RL baseline).
    iterations : int
        Number of gradient steps.
    step_size : float
        :math:`\eta` (for ``"adam"``: its learning rate).
    batch_size : int
        Trajectories per sampled gradient.
    baseline : {"loo", "none"}
        Baseline of the sampled estimator (see :func:`pgtheory.submodular.sample_gradient`).
    optimizer : {"sgd", "adam"}
        Plain gradient ascent or Adam (as in the official code's experiments).
    theta0 : array, optional
        Initial logits (default zeros: the uniform policy).
    rng : Generator or int, optional
        Randomness of the sampled oracle and of Monte-Carlo evaluation.
    graph : HistoryGraph, optional
        Reused if given; built when needed (exact oracle, ``"history"`` class). When a graph is
        available the recorded objective is exact, else a Monte-Carlo estimate.
    opt : float, optional
        OPT, to record the ratio :math:`J(\pi_t)/\mathrm{OPT}`.
    eval_every : int
        Record metrics every ``eval_every`` iterations (and at the last).
    eval_samples : int
        Trajectories per Monte-Carlo evaluation (no graph).

    Returns
    -------
    Trace
        Metrics ``"objective"`` (true submodular :math:`J`), ``"objective_stderr"`` (0 when exact),
        ``"surrogate"`` (the objective of ``reward``; NaN for the modular reward with the sampled
        oracle and no graph), and ``"ratio"`` when ``opt`` is given;
        ``final = {"theta", "objective"}``.

    References
    ----------
    Prajapat et al., Submodular Reinforcement Learning, ICLR 2024, arXiv:2307.13372 (SubPO,
    Algorithm 1 in the version cited by reviewers; numbering unconfirmed).
    """
    if oracle not in ("exact", "sampled"):
        raise ValidationError(f"oracle: expected 'exact' or 'sampled'; got {oracle!r}.")
    if reward not in ("submodular", "modular"):
        raise ValidationError(f"reward: expected 'submodular' or 'modular'; got {reward!r}.")
    if optimizer not in ("sgd", "adam"):
        raise ValidationError(f"optimizer: expected 'sgd' or 'adam'; got {optimizer!r}.")
    iterations = check_positive_int(iterations, "iterations", minimum=0)
    eval_every = check_positive_int(eval_every, "eval_every")
    step_size = check_positive(step_size, "step_size")
    if opt is not None and not opt > 0:
        raise ValidationError(f"opt: must be > 0 to form ratios; got {opt!r}.")
    if graph is None and (oracle == "exact" or policy == "history"):
        graph = build_history_graph(env)
    shape = policy_shape(env, policy, graph)
    theta = np.zeros(shape) if theta0 is None else np.array(theta0, dtype=np.float64)
    if theta.shape != shape:
        raise ValidationError(f"theta0: expected shape {shape}; got {theta.shape}.")
    ss = np.random.SeedSequence(rng if isinstance(rng, (int, np.integer)) else
                                np.random.default_rng(rng).integers(2 ** 63))
    grad_rng, eval_rng = (np.random.default_rng(s) for s in ss.spawn(2))
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    rec_it, rec_samples, obj, obj_se, sur = [], [], [], [], []
    used = 0

    def evaluate(th):
        if graph is not None:
            return exact_objective(env, th, policy, graph=graph), 0.0
        return sample_objective(env, th, policy, eval_samples, eval_rng, graph=graph)

    for t in range(iterations + 1):
        if oracle == "exact":
            val, g = exact_gradient(env, theta, policy, graph=graph, reward=reward)
        elif t < iterations:
            est = sample_gradient(env, theta, policy, batch_size, grad_rng, graph=graph, reward=reward,
                                  baseline=baseline)
            g, val = est.mean, np.nan
        if t % eval_every == 0 or t == iterations:
            J, se = evaluate(theta)
            if oracle == "sampled" and graph is not None:
                val = exact_objective(env, theta, policy, graph=graph, reward=reward)
            rec_it.append(t)
            rec_samples.append(used)
            obj.append(J)
            obj_se.append(se)
            sur.append(J if reward == "submodular" and np.isnan(val) else val)
        if t == iterations:
            break
        if optimizer == "sgd":
            theta = theta + step_size * g
        else:
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            mh = m / (1 - 0.9 ** (t + 1))
            vh = v / (1 - 0.999 ** (t + 1))
            theta = theta + step_size * mh / (np.sqrt(vh) + 1e-8)
        used += 1 if oracle == "exact" else batch_size
    metrics = {"objective": np.array(obj), "objective_stderr": np.array(obj_se), "surrogate": np.array(sur)}
    if opt is not None:
        metrics["ratio"] = metrics["objective"] / opt
    return Trace(iterations=np.array(rec_it), samples=np.array(rec_samples), metrics=metrics,
                 algorithm=f"SubPO[{policy}]" if reward == "submodular" else f"ModularPG[{policy}]",
                 params={"policy": policy, "oracle": oracle, "reward": reward, "iterations": iterations,
                         "step_size": step_size, "batch_size": batch_size, "baseline": baseline,
                         "optimizer": optimizer, "env": env.name},
                 sample_unit="gradient calls" if oracle == "exact" else "trajectories",
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


def continuous_greedy(env: SubRLEnv, *, steps: int = 100, null_action: int | None = None,
                      graph: HistoryGraph | None = None, opt: float | None = None) -> Trace:
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
    steps : int
        ``K``.
    null_action : int, optional
        The "do nothing" action (default: the last action).
    graph : HistoryGraph, optional
    opt : float, optional
        OPT, to record ratios.

    Returns
    -------
    Trace
        Metric ``"objective"`` (and ``"ratio"``); ``final = {"pi": (H, A) policy, "objective"}``.

    References
    ----------
    Prajapat et al., ICLR 2024, arXiv:2307.13372 (guarantee on eps-Bandit SMDPs, per reviewers);
    Bian, Mirzasoleiman, Buhmann, Krause, AISTATS 2017 (continuous greedy for DR-submodular maximisation).
    """
    steps = check_positive_int(steps, "steps")
    null = _null_index(env, null_action)
    if graph is None:
        graph = build_history_graph(env)
    real = np.array([a for a in range(env.A) if a != null])
    x = np.zeros((env.H, env.A))
    x[:, null] = 1.0
    objs = []
    for _ in range(steps):
        J, g = exact_gradient_direct(env, x, graph=graph)
        objs.append(J)
        gx = g[:, real] - g[:, [null]]
        best = np.argmax(gx, axis=1)
        take = gx[np.arange(env.H), best] > 0
        h = np.flatnonzero(take)
        x[h, real[best[take]]] += 1.0 / steps
        x[h, null] = np.maximum(x[h, null] - 1.0 / steps, 0.0)
    J, _ = exact_gradient_direct(env, x, graph=graph)
    objs.append(J)
    metrics = {"objective": np.array(objs)}
    if opt is not None:
        metrics["ratio"] = metrics["objective"] / opt
    return Trace(iterations=np.arange(steps + 1), samples=np.arange(steps + 1), metrics=metrics,
                 algorithm="ContinuousGreedy[state_independent]", params={"steps": steps, "null_action": null},
                 sample_unit="gradient calls", final={"pi": np.clip(x, 0.0, 1.0), "objective": J})


def _project_simplex(y):
    u = np.sort(y, axis=1)[:, ::-1]
    css = np.cumsum(u, axis=1) - 1.0
    k = np.arange(1, y.shape[1] + 1)
    cond = u - css / k > 0
    r = cond.shape[1] - 1 - np.argmax(cond[:, ::-1], axis=1)
    tau = css[np.arange(y.shape[0]), r] / (r + 1)
    return np.maximum(y - tau[:, None], 0.0)


def projected_gradient_ascent(env: SubRLEnv, *, iterations: int = 500, step_size: float = 0.1,
                              graph: HistoryGraph | None = None, opt: float | None = None,
                              pi0=None) -> Trace:
    r"""Projected gradient ascent on direct state-independent policies :math:`\pi^h \in \Delta_A`.

    :math:`\pi^h \leftarrow \Pi_{\Delta}\big(\pi^h + \eta\, \partial J / \partial \pi^h\big)` (Euclidean
    projection on the simplex, row by row). Its stationary points are the ones the ``1/2``
    guarantee refers to (per reviews of Prajapat et al. 2024).

    Parameters
    ----------
    env : SubRLEnv
    iterations : int
    step_size : float
    graph : HistoryGraph, optional
    opt : float, optional
    pi0 : array, shape (H, A), optional
        Start (default uniform).

    Returns
    -------
    Trace
        Metrics ``"objective"``, ``"stationarity"`` (:math:`\|\Pi(\pi + \nabla J) - \pi\|_\infty`)
        and ``"ratio"`` when ``opt`` is given; ``final = {"pi", "objective"}``.
    """
    iterations = check_positive_int(iterations, "iterations", minimum=0)
    step_size = check_positive(step_size, "step_size")
    if graph is None:
        graph = build_history_graph(env)
    x = np.full((env.H, env.A), 1.0 / env.A) if pi0 is None else np.array(pi0, dtype=np.float64)
    objs, stat = [], []
    for t in range(iterations + 1):
        J, g = exact_gradient_direct(env, x, graph=graph)
        objs.append(J)
        stat.append(float(np.abs(_project_simplex(x + g) - x).max()))
        if t < iterations:
            x = _project_simplex(x + step_size * g)
    metrics = {"objective": np.array(objs), "stationarity": np.array(stat)}
    if opt is not None:
        metrics["ratio"] = metrics["objective"] / opt
    return Trace(iterations=np.arange(iterations + 1), samples=np.arange(iterations + 1), metrics=metrics,
                 algorithm="PGA[state_independent, direct]", params={"step_size": step_size},
                 sample_unit="gradient calls", final={"pi": x, "objective": objs[-1]})
