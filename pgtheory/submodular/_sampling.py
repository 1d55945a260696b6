r"""Monte-Carlo trajectories, objective estimates and SubPO gradient estimates for SubRL.

This is a self-contained NumPy sampler (the tabular estimator engine of ``pgtheory.estimators``
assumes additive Markov rewards; SubRL rewards are marginal gains of a set function, which
depend on the whole visited set).

The SubPO estimator (Prajapat et al., ICLR 2024, arXiv:2307.13372) over ``N`` trajectories is

.. math::

    \hat g = \frac1N \sum_{n=1}^N \sum_{i=0}^{H-1} \nabla_\theta \log \pi_\theta(a^n_i \mid x^n_i)
    \Big(\sum_{j=i}^{H-1} r^n_j - b^n_i\Big),
    \qquad r^n_j = F(s^n_{j+1} \mid \tau^n_{0:j})

(``reward="modular"`` uses :math:`r_j = F(\{s_{j+1}\})` instead). Baselines: ``"none"``, or
``"loo"`` — the leave-one-out batch mean of the reward-to-go at step ``i``,
:math:`b^n_i = \frac{1}{N-1}\sum_{m \ne n} G^m_i`, which is independent of trajectory ``n`` and so
keeps :math:`\hat g` unbiased (the paper allows any baseline depending on the history prefix).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._math import softmax
from .._validate import check_positive_int
from ..errors import ValidationError
from ..results import GradientEstimate, ResultMixin
from ._subrl import HistoryGraph, SubRLEnv, _check_theta, policy_shape

__all__ = ["SubRLTrajectoryBatch", "sample_subrl_trajectories", "sample_objective", "sample_gradient"]


@dataclasses.dataclass(frozen=True, repr=False)
class SubRLTrajectoryBatch(ResultMixin):
    """Sampled SubRL trajectories.

    Attributes
    ----------
    states : ndarray of int, shape (N, H + 1)
    actions : ndarray of int, shape (N, H)
    rows : ndarray of int, shape (N, H)
        Row of ``theta.reshape(-1, A)`` used at each step.
    probs : ndarray, shape (N, H, A)
        Policy probabilities at each step.
    gains : ndarray, shape (N, H)
        Marginal gains :math:`F(s_{h+1} \\mid \\tau_{0:h})`.
    modular : ndarray, shape (N, H)
        Modular rewards :math:`F(\\{s_{h+1}\\})`.
    initial_value, initial_modular : ndarray, shape (N,)
        :math:`F(\\{s_0\\})` (both coincide; kept for clarity).
    final_value : ndarray, shape (N,)
        :math:`F(\\text{visited set})`.
    """

    states: np.ndarray
    actions: np.ndarray
    rows: np.ndarray
    probs: np.ndarray
    gains: np.ndarray
    modular: np.ndarray
    initial_value: np.ndarray
    initial_modular: np.ndarray
    final_value: np.ndarray


def _inverse_cdf(p, u):
    c = np.cumsum(p, axis=-1)
    return np.minimum((c < u[:, None] * c[:, -1:]).sum(-1), p.shape[-1] - 1)


def sample_subrl_trajectories(env: SubRLEnv, theta, policy: str = "markov", n: int = 100, rng=None, *,
                        graph: HistoryGraph | None = None) -> SubRLTrajectoryBatch:
    """Sample ``n`` trajectories of ``env`` under the softmax policy ``theta``.

    Parameters
    ----------
    env : SubRLEnv
    theta : array
        Logits of shape :func:`~pgtheory.submodular.policy_shape` ``(env, policy, graph)``.
    policy : {"markov", "state_independent", "history"}
        ``"history"`` walks the history graph ``graph`` (required).
    n : int
        Number of trajectories.
    rng : Generator or int, optional

    graph : HistoryGraph, optional

    Returns
    -------
    SubRLTrajectoryBatch
    """
    n = check_positive_int(n, "n")
    rng = np.random.default_rng(rng)
    theta = _check_theta(theta, policy_shape(env, policy, graph))
    logits = theta.reshape(-1, env.A)
    H, A = env.H, env.A
    single = env.singleton_values()
    states = np.zeros((n, H + 1), dtype=np.int64)
    actions = np.zeros((n, H), dtype=np.int64)
    rows = np.zeros((n, H), dtype=np.int64)
    probs = np.zeros((n, H, A))
    gains = np.zeros((n, H))
    s = _inverse_cdf(np.broadcast_to(env.rho, (n, env.S)), rng.random(n))
    states[:, 0] = s
    if policy == "history":
        l0 = graph.layer(0)
        start_states = graph.state[l0]
        pos = np.searchsorted(start_states, s)
        node = l0.start + pos
        f0 = graph.value[node]
    else:
        mask = env.state_masks(s[:, None])
        f0 = env.F.values(mask)
    fcur = f0.copy()
    for h in range(H):
        if policy == "markov":
            r = h * env.S + s
        elif policy == "state_independent":
            r = np.full(n, h)
        else:
            r = node
        pi = softmax(logits[r], axis=-1)
        a = _inverse_cdf(pi, rng.random(n))
        if policy == "history":
            pk = graph.prob[node, a]
            k = _inverse_cdf(pk, rng.random(n))
            s_next = graph.next_state[node, a, k]
            node = graph.child[node, a, k]
            fnew = graph.value[node]
        else:
            s_next = _inverse_cdf(env.P[s, a], rng.random(n))
            it = env.items[s_next]
            has = it >= 0
            mask[np.flatnonzero(has), it[has]] = True
            fnew = env.F.values(mask)
        rows[:, h], actions[:, h], probs[:, h], gains[:, h] = r, a, pi, fnew - fcur
        s = s_next
        states[:, h + 1] = s
        fcur = fnew
    modular = single[states[:, 1:]]
    return SubRLTrajectoryBatch(states=states, actions=actions, rows=rows, probs=probs, gains=gains,
                           modular=modular, initial_value=f0, initial_modular=single[states[:, 0]],
                           final_value=fcur)


def sample_objective(env: SubRLEnv, theta, policy: str = "markov", n: int = 1000, rng=None, *,
                     graph: HistoryGraph | None = None, reward: str = "submodular") -> tuple[float, float]:
    r"""Monte-Carlo estimate of :math:`J(\pi_\theta)` and its standard error.

    Parameters
    ----------
    env : SubRLEnv
    theta : array
    policy : {"markov", "state_independent", "history"}
    n : int
        Number of trajectories.
    rng : Generator or int, optional
    graph : HistoryGraph, optional
    reward : {"submodular", "modular"}

    Returns
    -------
    mean, stderr : float
    """
    b = sample_subrl_trajectories(env, theta, policy, n, rng, graph=graph)
    x = b.final_value if reward == "submodular" else b.initial_modular + b.modular.sum(1)
    se = float(x.std(ddof=1) / np.sqrt(n)) if n > 1 else float("inf")
    return float(x.mean()), se


def sample_gradient(env: SubRLEnv, theta, policy: str = "markov", n: int = 100, rng=None, *,
                    graph: HistoryGraph | None = None, reward: str = "submodular",
                    baseline: str = "loo", return_samples: bool = False) -> GradientEstimate:
    r"""SubPO policy-gradient estimate from ``n`` sampled trajectories (see module docstring).

    Parameters
    ----------
    env : SubRLEnv
    theta : array
        Softmax logits of shape :func:`~pgtheory.submodular.policy_shape`.
    policy : {"markov", "state_independent", "history"}
    n : int
        Trajectories (``n >= 2`` with ``baseline="loo"``).
    rng : Generator or int, optional
    graph : HistoryGraph, optional
        Required for ``policy="history"``.
    reward : {"submodular", "modular"}
        Marginal gains (SubPO) or per-state singleton values (modular-RL baseline).
    baseline : {"loo", "none"}
    return_samples : bool
        Also return the ``n`` per-trajectory gradients (dense; memory ``n * theta.size``).

    Returns
    -------
    GradientEstimate
        ``mean`` has the shape of ``theta``; ``stderr`` is per coordinate.

    References
    ----------
    Prajapat et al., ICLR 2024, arXiv:2307.13372 (SubPO estimator with history baseline).
    """
    if reward not in ("submodular", "modular"):
        raise ValidationError(f"reward: expected 'submodular' or 'modular'; got {reward!r}.")
    if baseline not in ("loo", "none"):
        raise ValidationError(f"baseline: expected 'loo' or 'none'; got {baseline!r}.")
    n = check_positive_int(n, "n", minimum=2 if baseline == "loo" else 1)
    shape = policy_shape(env, policy, graph)
    b = sample_subrl_trajectories(env, theta, policy, n, rng, graph=graph)
    r = b.gains if reward == "submodular" else b.modular
    G = np.cumsum(r[:, ::-1], axis=1)[:, ::-1]                     # reward-to-go (N, H)
    if baseline == "loo":
        G = G - (G.sum(0, keepdims=True) - G) / (n - 1)
    onehot = np.zeros_like(b.probs)
    np.put_along_axis(onehot, b.actions[:, :, None], 1.0, axis=-1)
    c = (onehot - b.probs) * G[:, :, None]                         # (N, H, A)
    n_rows = int(np.prod(shape[:-1]))
    rows = b.rows.ravel()
    # sums, mean and variance on the rows the trajectories visited (a history policy has ~10^5 rows, a
    # batch visits <= n H): a row never visited has mean 0.0 and stderr 0.0 either way, and add.at adds a
    # visited row's terms in the same order whatever it is numbered (issue 17)
    used, inv = (np.unique(rows, return_inverse=True) if n_rows > 4 * rows.size
                 else (np.arange(n_rows), rows))
    tot = np.zeros((used.size, env.A))
    sq = np.zeros((used.size, env.A))
    np.add.at(tot, inv, c.reshape(-1, env.A))
    np.add.at(sq, inv, (c ** 2).reshape(-1, env.A))                # rows are distinct within a trajectory
    mean_u = tot / n
    var_u = np.maximum(sq / n - mean_u ** 2, 0.0) * (n / max(n - 1, 1))
    if used.size == n_rows:
        mean, se = mean_u, np.sqrt(var_u / n)
    else:
        mean, se = np.zeros((n_rows, env.A)), np.zeros((n_rows, env.A))
        mean[used], se[used] = mean_u, np.sqrt(var_u / n)
    samples = None
    if return_samples:
        samples = np.zeros((n, n_rows, env.A))
        np.add.at(samples, (np.repeat(np.arange(n), env.H), rows), c.reshape(-1, env.A))
        samples = samples.reshape((n,) + tuple(shape))
    return GradientEstimate(mean=mean.reshape(shape), stderr=se.reshape(shape), n_trajectories=n,
                            n_steps=n * env.H, samples=samples,
                            estimator=f"subpo[{reward},{baseline}]", backend="numpy")
