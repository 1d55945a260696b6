"""Independent ground truth for the per-paper estimator tests: expectations over every ordered group.

Nothing here calls :mod:`pgtheory`: the softmax, the score :math:`e_y-\\pi` and the sum over all
:math:`K^G` ordered groups (or :math:`(2K)^G` ordered (arm, outcome) pairs for Bernoulli rewards) are
written out, and each test file writes its paper's advantage from the paper's formula. A test then
compares the library (count-vector enumeration ``exact_moments``, its closed forms, its advantages)
with this computation, which shares no code with it.

Rounding: both sides are sums of at most ``N`` terms bounded by ``mag`` (the largest per-group
update) with probabilities that are products of ``G`` factors, so they agree to
``(N + G + K) * eps * mag`` up to a few flops per term; :func:`tol` returns that bound x8.
"""

import itertools

import numpy as np

EPS = float(np.finfo(np.float64).eps)


def softmax(logits):
    """Softmax along the last axis (max-shifted)."""
    z = np.exp(np.asarray(logits, float) - np.max(logits, axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def ordered_groups(pi, rewards, G, binary=False):
    """Every ordered group: ``(probabilities (N,), arms (N, G), rewards (N, G))``.

    ``binary=True``: ``rewards`` are success probabilities and every (arm, outcome) sequence is listed.
    """
    pi, rewards = np.asarray(pi, float), np.asarray(rewards, float)
    K = pi.size
    if not binary:
        arms = np.array(list(itertools.product(range(K), repeat=G)), dtype=np.int64).reshape(-1, G)
        return np.prod(pi[arms], axis=1), arms, rewards[arms]
    cats = np.array(list(itertools.product(range(2 * K), repeat=G)), dtype=np.int64).reshape(-1, G)
    arms, out = cats // 2, (cats % 2).astype(float)
    q = np.where(out == 1, rewards[arms], 1.0 - rewards[arms])
    return np.prod(pi[arms] * q, axis=1), arms, out


def group_updates(pi, arms, coef, score_pi=None):
    """``(1/G) sum_i c_i (e_{y_i} - pi)`` per group, shape (N, K) (``score_pi``: the pi of the score)."""
    pi = np.asarray(pi if score_pi is None else score_pi, float)
    G = arms.shape[1]
    onehot = np.eye(pi.size)[arms]  # (N, G, K)
    return np.einsum("ng,ngk->nk", np.asarray(coef, float), onehot - pi) / G


def ordered_moments(advantage, logits, rewards, G, *, binary=False, behavior_logits=None):
    """Mean, covariance, number of groups and magnitude of ``(1/G) sum_i A_i (e_{y_i} - pi_theta)``.

    The magnitude is the largest |A_i| plus the largest |update| (the size of the summed terms and of
    the per-arm sums before the ``pi * sum A`` term is subtracted).

    ``advantage(arms, rewards) -> A`` of shape (N, G); groups are drawn from ``behavior_logits``
    (default ``logits``), the score is taken at ``logits``.
    """
    pi = softmax(logits)
    pib = pi if behavior_logits is None else softmax(behavior_logits)
    w, a, r = ordered_groups(pib, rewards, G, binary)
    A = np.asarray(advantage(a, r), float)
    g = group_updates(pib, a, A, score_pi=pi)
    mu = w @ g
    d = g - mu
    return mu, (d * w[:, None]).T @ d, w.size, float(np.max(np.abs(A), initial=0.0) + np.max(np.abs(g), initial=0.0))


def tol(n_terms, mag, G=0, K=0):
    """Rounding bound of two float64 sums of ``n_terms`` terms of size <= ``mag``: 8 (N + G + K) eps mag."""
    return 8 * (n_terms + G + K) * EPS * float(mag)


def policy_gradient(logits, rewards):
    """Exact gradient of p = sum_a pi_a r_a w.r.t. the logits, pi * (r - p) (written out)."""
    pi = softmax(logits)
    r = np.asarray(rewards, float)
    return pi * (r - pi @ r)
