r"""Dataset resets on a token tree: exact policy gradients started from offline prefixes (DR-PO skeleton).

The tabular skeleton of Dataset Reset Policy Optimization: responses are the :math:`V^H` token
sequences of length :math:`H` over a vocabulary of :math:`V` tokens, a state is a prefix (a node of
the full tree, :math:`S=(V^{H+1}-1)/(V-1)` nodes), the policy is a softmax over the next token at
every prefix, and the reward :math:`r(y)` of a complete response is paid on its last token (full
sequences are absorbing with reward 0). :func:`token_tree_mdp` builds this as a
:class:`~pgtheory.mdp.FiniteHorizonMDP` with horizon :math:`H`; a prefix of depth :math:`j` reached
at stage :math:`h\le j` has :math:`H-h\ge H-j` steps left, so its values do not depend on the stage
and a stationary policy per prefix is exact.

A *reset distribution* :math:`\nu` over prefixes (:func:`dataset_reset_distribution`: the root mixed
with the prefixes of a preferred response from the offline data) defines the objective
:math:`J_\nu(\pi)=\sum_s\nu(s)V^\pi(s)`; :func:`reset_policy_gradient` is its exact softmax policy
gradient :math:`\nabla_{\theta_s}J_\nu=d^\pi_\nu(s)\,\pi_s\odot(Q^\pi(s,\cdot)-V^\pi(s))` with the
visitation :math:`d^\pi_\nu=\sum_hd_h` of episodes started from :math:`\nu`.

Exact certificates [inferred; the classic reset-distribution argument (Kakade & Langford 2002) that
DR-PO's guarantee generalises]: the performance-difference identity
:math:`V^{\tilde\pi}(s_0)-V^\pi(s_0)=\sum_sd^{\tilde\pi}_{s_0}(s)\sum_a\tilde\pi(a|s)A^\pi(s,a)`
(:func:`tree_performance_difference`) and, since :math:`\max_aA^\pi(s,a)\ge0`,

.. math:: V^{\tilde\pi}(s_0)-V^\pi(s_0)\le C_\nu(\tilde\pi)\sum_s\nu(s)\max_aA^\pi(s,a),\qquad
          C_\nu(\tilde\pi)=\max_s\frac{d^{\tilde\pi}_{s_0}(s)}{\nu(s)}

(:func:`reset_coverage_bound`): a policy whose advantages vanish on the support of :math:`\nu` is at
least as good as every comparator covered by :math:`\nu`.

References
----------
Chang et al. 2024, *Dataset Reset Policy Optimization for RLHF*, arXiv:2404.08495 (abstract); code
Cornell-RL/drpo, ``src/tldr/drpo.py`` (generation forced through a dataset prefix, then PPO) [code].
The paper's theorem was not read.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._math import softmax
from .._validate import as_float_array, check_positive, check_positive_int
from ..errors import InfeasibleSizeError, ShapeError, ValidationError
from ..mdp import FiniteHorizonMDP, finite_horizon_evaluation, finite_horizon_occupancy
from ..results import ResultMixin

__all__ = ["TokenTreeMDP", "token_tree_mdp", "dataset_reset_distribution", "deterministic_sequence_policy",
           "reset_policy_gradient", "tree_performance_difference", "reset_coverage_bound", "reset_policy_gradient_ascent"]

#: Largest number of prefixes (states) built by :func:`token_tree_mdp`.
MAX_STATES = 20_000


@dataclasses.dataclass(frozen=True, repr=False)
class TokenTreeMDP(ResultMixin):
    r"""A full token tree as a finite-horizon MDP (see the module docstring).

    Attributes
    ----------
    mdp : FiniteHorizonMDP
        States = prefixes in breadth-first order (root = 0), actions = the ``V`` tokens, horizon ``H``.
    vocab : int
    horizon : int
    depth : numpy.ndarray of int, shape (S,)
    leaf_rewards : numpy.ndarray, shape (V**H,)
        Reward of each complete response, indexed by its base-``V`` number.
    """

    mdp: FiniteHorizonMDP
    vocab: int
    horizon: int
    depth: np.ndarray
    leaf_rewards: np.ndarray

    @property
    def S(self) -> int:
        """Number of prefixes (states)."""
        return int(self.depth.shape[0])

    def state(self, prefix) -> int:
        """Index of the state of a token prefix (a sequence of ints in ``[0, vocab)``, length <= horizon)."""
        seq = [int(t) for t in prefix]
        V, H = self.vocab, self.horizon
        if len(seq) > H or any(t < 0 or t >= V for t in seq):
            raise ValidationError(f"prefix must have at most {H} tokens in [0, {V}); got {tuple(seq)}.")
        j = len(seq)
        offset = (V ** j - 1) // (V - 1)
        num = 0
        for t in seq:
            num = num * V + t
        return offset + num


def token_tree_mdp(vocab: int, horizon: int, leaf_rewards) -> TokenTreeMDP:
    r"""Build the full token tree of depth ``horizon`` over ``vocab`` tokens as a finite-horizon MDP.

    Parameters
    ----------
    vocab : int
        Tokens per step, >= 2.
    horizon : int
        Response length, >= 1.
    leaf_rewards : array_like, shape (vocab**horizon,)
        Reward of each complete response (index = the response read as a base-``vocab`` number).

    Returns
    -------
    TokenTreeMDP

    Raises
    ------
    InfeasibleSizeError
        More than ``MAX_STATES`` prefixes.
    """
    V = check_positive_int(vocab, "vocab", 2)
    H = check_positive_int(horizon, "horizon", 1)
    S = (V ** (H + 1) - 1) // (V - 1)
    if S > MAX_STATES:
        raise InfeasibleSizeError(f"a full tree with vocab={V}, horizon={H} has {S} prefixes (> {MAX_STATES}). "
                                  f"Fix: use a smaller vocabulary or horizon.")
    r_leaf = as_float_array(leaf_rewards, "leaf_rewards", ndim=1)
    if r_leaf.shape[0] != V ** H:
        raise ShapeError(f"leaf_rewards must have vocab**horizon = {V ** H} entries; got {r_leaf.shape[0]}.")
    depth = np.concatenate([np.full(V ** j, j) for j in range(H + 1)]).astype(np.int64)
    P = np.zeros((S, V, S))
    r = np.zeros((S, V))
    n_internal = (V ** H - 1) // (V - 1)
    s = np.arange(n_internal)
    j = depth[s]
    num = s - (V ** j - 1) // (V - 1)
    for a in range(V):
        child = (V ** (j + 1) - 1) // (V - 1) + num * V + a
        P[s, a, child] = 1.0
        last = j == H - 1
        r[s[last], a] = r_leaf[num[last] * V + a]
    leaves = np.arange(n_internal, S)
    P[leaves, :, leaves] = 1.0  # absorbing, reward 0
    rho = np.zeros(S)
    rho[0] = 1.0
    r_leaf = r_leaf.copy()
    r_leaf.setflags(write=False)
    depth.setflags(write=False)
    return TokenTreeMDP(FiniteHorizonMDP(P, r, H, rho), V, H, depth, r_leaf)


def _check_tree(tree) -> TokenTreeMDP:
    if not isinstance(tree, TokenTreeMDP):
        raise ValidationError(f"tree must be a TokenTreeMDP (from token_tree_mdp); got {type(tree).__name__}.")
    return tree


def dataset_reset_distribution(tree: TokenTreeMDP, sequence, root_weight: float = 0.5) -> np.ndarray:
    r"""Reset distribution :math:`\nu`: ``root_weight`` on the root, the rest uniform on the proper prefixes of ``sequence``.

    DR-PO resets rollouts to prefixes of the preferred responses of the offline data (the code
    forces a dataset prefix before the policy continues [code]); one preferred response of
    length ``horizon`` gives the prefixes of lengths ``1 .. horizon-1``.

    Parameters
    ----------
    tree : TokenTreeMDP
    sequence : sequence of int, length ``horizon``
        A preferred response from the offline data.
    root_weight : float
        Mass on the root, in [0, 1] (1: no dataset reset, the usual on-policy start).

    Returns
    -------
    numpy.ndarray, shape (S,)
    """
    tree = _check_tree(tree)
    seq = [int(t) for t in sequence]
    if len(seq) != tree.horizon:
        raise ValidationError(f"sequence must have horizon = {tree.horizon} tokens; got {len(seq)}.")
    w = check_positive(root_weight, "root_weight", strict=False, upper=1.0)
    nu = np.zeros(tree.S)
    nu[0] = w
    if tree.horizon > 1:
        for j in range(1, tree.horizon):
            nu[tree.state(seq[:j])] += (1.0 - w) / (tree.horizon - 1)
    else:
        nu[0] = 1.0
    return nu


def deterministic_sequence_policy(tree: TokenTreeMDP, sequence, base_logits=None) -> np.ndarray:
    r"""A policy that generates ``sequence`` from the root (one-hot on its prefixes) and follows ``base_logits`` elsewhere.

    Parameters
    ----------
    tree : TokenTreeMDP
    sequence : sequence of int, length ``horizon``
    base_logits : array_like, shape (S, vocab), optional
        Logits off the sequence's path (default: uniform).

    Returns
    -------
    numpy.ndarray, shape (S, vocab)
        Rows are distributions.
    """
    tree = _check_tree(tree)
    seq = [int(t) for t in sequence]
    if len(seq) != tree.horizon:
        raise ValidationError(f"sequence must have horizon = {tree.horizon} tokens; got {len(seq)}.")
    pi = np.full((tree.S, tree.vocab), 1.0 / tree.vocab) if base_logits is None else softmax(
        _logits(tree, base_logits), axis=-1)
    for j in range(tree.horizon):
        s = tree.state(seq[:j])
        pi[s] = 0.0
        pi[s, seq[j]] = 1.0
    return pi


def _logits(tree, logits) -> np.ndarray:
    th = as_float_array(logits, "logits", ndim=2)
    if th.shape != (tree.S, tree.vocab):
        raise ShapeError(f"logits must have shape (S, vocab) = ({tree.S}, {tree.vocab}); got {th.shape}.")
    if not np.all(np.isfinite(th)):
        raise ValidationError("logits must be finite.")
    return th


def _distribution(tree, nu, name) -> np.ndarray:
    d = as_float_array(nu, name, ndim=1)
    if d.shape != (tree.S,):
        raise ShapeError(f"{name} must have one entry per prefix, shape ({tree.S},); got {d.shape}.")
    if np.any(d < 0) or abs(d.sum() - 1.0) > 1e-12 * tree.S:
        raise ValidationError(f"{name} must be a probability distribution over prefixes (>= 0, sum 1).")
    return d


def reset_policy_gradient(tree: TokenTreeMDP, logits, nu) -> tuple[float, np.ndarray]:
    r"""Exact :math:`J_\nu(\theta)=\sum_s\nu(s)V^{\pi_\theta}(s)` and its softmax policy gradient.

    .. math:: \nabla_{\theta_s}J_\nu=\Big(\sum_hd_h(s)\Big)\,\pi_s\odot\big(Q^\pi(s,\cdot)-V^\pi(s)\big),
              \qquad d_0=\nu .

    Parameters
    ----------
    tree : TokenTreeMDP
    logits : array_like, shape (S, vocab)
        Softmax logits per prefix.
    nu : array_like, shape (S,)
        Reset (start) distribution over prefixes.

    Returns
    -------
    J : float
    grad : numpy.ndarray, shape (S, vocab)
    """
    tree = _check_tree(tree)
    th = _logits(tree, logits)
    nu = _distribution(tree, nu, "nu")
    J, grad, _ = _objective_and_gradient(tree, th, nu)
    return J, grad


def _objective_and_gradient(tree, th, nu):
    pi = softmax(th, axis=-1)
    sol = finite_horizon_evaluation(tree.mdp, pi)
    V0, Q0 = sol.V[0], sol.Q[0]
    d = finite_horizon_occupancy(tree.mdp, pi, rho=nu).sum(axis=0)
    return float(nu @ V0), d[:, None] * pi * (Q0 - V0[:, None]), V0


def tree_performance_difference(tree: TokenTreeMDP, pi, pi_cmp, start: int = 0) -> tuple[float, float]:
    r"""Both sides of the performance-difference identity from state ``start``.

    .. math:: V^{\tilde\pi}(s_0)-V^{\pi}(s_0)=\sum_s d^{\tilde\pi}_{s_0}(s)\sum_a\tilde\pi(a|s)\,
              \big(Q^\pi(s,a)-V^\pi(s)\big).

    Parameters
    ----------
    tree : TokenTreeMDP
    pi, pi_cmp : array_like, shape (S, vocab)
        The policy :math:`\pi` and the comparator :math:`\tilde\pi` (rows are distributions).
    start : int
        Start state :math:`s_0` (default: the root).

    Returns
    -------
    lhs, rhs : float
    """
    tree = _check_tree(tree)
    pi, pc = _policy(tree, pi, "pi"), _policy(tree, pi_cmp, "pi_cmp")
    rho = np.zeros(tree.S)
    rho[int(start)] = 1.0
    s1, s2 = finite_horizon_evaluation(tree.mdp, pi), finite_horizon_evaluation(tree.mdp, pc)
    A = s1.Q[0] - s1.V[0][:, None]
    d = finite_horizon_occupancy(tree.mdp, pc, rho=rho).sum(axis=0)
    return float(s2.V[0][start] - s1.V[0][start]), float(np.sum(d[:, None] * pc * A))


def _policy(tree, pi, name) -> np.ndarray:
    p = as_float_array(pi, name, ndim=2)
    if p.shape != (tree.S, tree.vocab):
        raise ShapeError(f"{name} must have shape (S, vocab) = ({tree.S}, {tree.vocab}); got {p.shape}.")
    if np.any(p < 0) or np.max(np.abs(p.sum(axis=1) - 1.0)) > 1e-12 * tree.vocab:
        raise ValidationError(f"{name} must have rows that are distributions over the next token.")
    return p


def reset_coverage_bound(tree: TokenTreeMDP, pi, pi_cmp, nu, start: int = 0) -> dict:
    r"""The reset-distribution bound :math:`V^{\tilde\pi}(s_0)-V^\pi(s_0)\le C_\nu(\tilde\pi)\,\sum_s\nu(s)\max_aA^\pi(s,a)`.

    Parameters
    ----------
    tree : TokenTreeMDP
    pi, pi_cmp : array_like, shape (S, vocab)
    nu : array_like, shape (S,)
        Reset distribution.
    start : int

    Returns
    -------
    dict
        ``gap`` (left side), ``bound`` (right side; inf when :math:`\nu` misses a state the comparator
        visits), ``coverage`` :math:`C_\nu(\tilde\pi)`, ``residual`` :math:`\sum_s\nu(s)\max_aA^\pi(s,a)`
        and ``middle`` :math:`\sum_sd^{\tilde\pi}(s)\max_aA^\pi(s,a)` (gap <= middle <= bound).
    """
    tree = _check_tree(tree)
    pi, pc = _policy(tree, pi, "pi"), _policy(tree, pi_cmp, "pi_cmp")
    nu = _distribution(tree, nu, "nu")
    rho = np.zeros(tree.S)
    rho[int(start)] = 1.0
    s1, s2 = finite_horizon_evaluation(tree.mdp, pi), finite_horizon_evaluation(tree.mdp, pc)
    maxA = np.max(s1.Q[0] - s1.V[0][:, None], axis=1)
    d = finite_horizon_occupancy(tree.mdp, pc, rho=rho).sum(axis=0)
    visited = d > 0
    with np.errstate(divide="ignore"):
        C = float(np.max(np.where(visited, d / np.where(nu > 0, nu, 1.0), 0.0))) if np.all(nu[visited] > 0) else np.inf
    res = float(nu @ maxA)
    return {"gap": float(s2.V[0][start] - s1.V[0][start]), "middle": float(d @ maxA), "coverage": C,
            "residual": res, "bound": C * res if np.isfinite(C) else np.inf}


def reset_policy_gradient_ascent(tree: TokenTreeMDP, logits0, nu, eta: float, T: int, *, record=None) -> dict:
    r"""Exact softmax policy-gradient ascent on :math:`J_\nu` for ``T`` steps: :math:`\theta\leftarrow\theta+\eta\nabla J_\nu`.

    Parameters
    ----------
    tree : TokenTreeMDP
    logits0 : array_like, shape (S, vocab)
    nu : array_like, shape (S,)
        Reset distribution of the rollouts.
    eta : float
        Step size > 0.
    T : int
        Iterations.
    record : array_like of int, optional
        Iterations at which the policy is stored (default: none).

    Returns
    -------
    dict
        ``V_root`` (T+1,) value at the root after each step, ``J_nu`` (T+1,), ``logits`` (final),
        ``policies`` ``{t: (S, vocab)}`` at the recorded iterations.
    """
    tree = _check_tree(tree)
    th = _logits(tree, logits0).copy()
    nu = _distribution(tree, nu, "nu")
    eta = check_positive(eta, "eta", step=True)
    T = check_positive_int(T, "T", 0)
    rec = set() if record is None else {int(t) for t in record}
    Vr, Jn, pols = np.empty(T + 1), np.empty(T + 1), {}
    for t in range(T + 1):
        J, g, V0 = _objective_and_gradient(tree, th, nu)
        Jn[t] = J
        Vr[t] = V0[0]
        if t in rec:
            pols[t] = softmax(th, axis=-1)
        if t < T:
            th = th + eta * g
    return {"V_root": Vr, "J_nu": Jn, "logits": th, "policies": pols}
