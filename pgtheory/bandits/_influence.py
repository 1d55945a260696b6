r"""First-order influence of a token's gradient step on other tokens' log-likelihoods (Token Hidden Reward).

A log-linear (last-layer) token model has a fixed context feature :math:`h_t\in\mathbb R^d` at each
position and logits :math:`z_t=Wh_t`, :math:`W\in\mathbb R^{V\times d}`;
:math:`\log\pi(y_t\mid h_t)=z_{t,y_t}-\log\sum_ve^{z_{t,v}}` and
:math:`\nabla_W\log\pi(y_t\mid h_t)=(e_{y_t}-\pi_t)h_t^\top`. A gradient step on token ``j`` with
advantage :math:`A_j`, :math:`W\leftarrow W+\eta A_j\nabla_W\log\pi_j`, changes the log-likelihood
of token ``i`` by

.. math:: \Delta\log\pi_i=\eta A_j\,\underbrace{\langle e_{y_i}-\pi_i,\,e_{y_j}-\pi_j\rangle\,\langle h_i,h_j\rangle}_{I_{ij}}
          +O(\eta^2),

the object behind the Token Hidden Reward score of Deng et al. (the NTHR score of their
precursor sums :math:`I_{ij}` over the tokens ``i`` of the correct responses [third-party note]).
The second-order term is exact too (:func:`loglik_curvature`):
:math:`\frac{d^2}{d\eta^2}\log\pi_i(W+\eta D)=-\mathrm{Var}_{\pi_i(W+\eta D)}(Dh_i)`, and
:math:`|\frac{d^3}{d\eta^3}|\le\mathrm{range}(Dh_i)^3`, so the remainder after the first-order
term is certified by :func:`influence_remainder_bound`. A tabular model (one-hot :math:`h`) has
:math:`\langle h_i,h_j\rangle=0` across contexts: no cross-context influence.
"""

from __future__ import annotations

import numpy as np

from .._math import log_softmax, softmax
from .._validate import as_float_array
from ..errors import ShapeError, ValidationError

__all__ = ["token_log_probs", "token_score_matrices", "token_influence", "thr_scores", "loglik_change",
           "loglik_curvature", "influence_remainder_bound"]


def _check(W, H, y):
    W = as_float_array(W, "W", ndim=2)
    H = as_float_array(H, "H", ndim=2)
    yy = np.asarray(y)
    if yy.dtype.kind not in "iu" or yy.ndim != 1:
        raise ValidationError(f"y must be a 1-D array of token ids; got dtype {yy.dtype}, shape {yy.shape}.")
    V, d = W.shape
    if H.shape[1] != d:
        raise ShapeError(f"H must have shape (n, {d}) to match W of shape {W.shape}; got {H.shape}.")
    if H.shape[0] != yy.shape[0]:
        raise ShapeError(f"y must have one token per row of H ({H.shape[0]}); got {yy.shape[0]}.")
    if np.any(yy < 0) or np.any(yy >= V):
        raise ValidationError(f"token ids must lie in [0, {V}); got range [{yy.min()}, {yy.max()}].")
    return W, H, yy.astype(np.int64)


def token_log_probs(W, H, y) -> np.ndarray:
    r""":math:`\log\pi(y_t\mid h_t)` of each position, shape (n,).

    Parameters
    ----------
    W : array_like, shape (V, d)
        Output matrix.
    H : array_like, shape (n, d)
        Context features (fixed).
    y : array_like of int, shape (n,)
        Tokens.

    Returns
    -------
    numpy.ndarray, shape (n,)

    References
    ----------
    Log-linear (last-layer) token model [inferred], the setting of Deng et al. 2025, *Token Hidden
    Reward*, arXiv:2510.03669 v3.
    """
    W, H, y = _check(W, H, y)
    return log_softmax(H @ W.T, axis=-1)[np.arange(y.size), y]


def token_score_matrices(W, H, y) -> np.ndarray:
    r"""Scores :math:`\nabla_W\log\pi(y_t\mid h_t)=(e_{y_t}-\pi_t)h_t^\top`, shape (n, V, d).

    Parameters
    ----------
    W : array_like, shape (V, d)
    H : array_like, shape (n, d)
    y : array_like of int, shape (n,)

    Returns
    -------
    numpy.ndarray, shape (n, V, d)

    References
    ----------
    Softmax score of a log-linear model [inferred]; Deng et al. 2025, arXiv:2510.03669 v3.
    """
    W, H, y = _check(W, H, y)
    E = np.eye(W.shape[0])[y] - softmax(H @ W.T, axis=-1)
    return E[:, :, None] * H[:, None, :]


def token_influence(W, H, y) -> np.ndarray:
    r"""Influence matrix :math:`I_{ij}=\langle e_{y_i}-\pi_i,e_{y_j}-\pi_j\rangle\langle h_i,h_j\rangle`, shape (n, n).

    :math:`I_{ij}=\langle\nabla_W\log\pi_i,\nabla_W\log\pi_j\rangle_F`: the first-order change of
    :math:`\log\pi_i` per unit step :math:`\eta A_j` on token ``j``.

    Parameters
    ----------
    W : array_like, shape (V, d)
    H : array_like, shape (n, d)
    y : array_like of int, shape (n,)

    Returns
    -------
    numpy.ndarray, shape (n, n)
        Symmetric, positive semi-definite.

    References
    ----------
    Deng et al. 2025, arXiv:2510.03669 v3 (abstract) [abstract]; the NTHR score of the authors'
    precursor (prediction-error inner product x hidden-state inner product) [secondary]; the identity
    :math:`I_{ij}=\langle\nabla\log\pi_i,\nabla\log\pi_j\rangle` [inferred].
    """
    W, H, y = _check(W, H, y)
    E = np.eye(W.shape[0])[y] - softmax(H @ W.T, axis=-1)
    return (E @ E.T) * (H @ H.T)


def thr_scores(W, H, y, advantages, correct) -> np.ndarray:
    r"""Per-token influence on the log-likelihood of the correct tokens under a GRPO step.

    .. math:: \mathrm{THR}_j=A_j\sum_{i\in\mathcal C}I_{ij},

    the first-order change of :math:`\sum_{i\in\mathcal C}\log\pi_i` per unit step size caused by
    token ``j``'s term of the step :math:`W\leftarrow W+\eta\sum_jA_j\nabla_W\log\pi_j`
    (:math:`\mathcal C` = tokens of correct responses). Positive: the token's update raises the
    correct responses' likelihood. Our reading [inferred] of Token Hidden Reward from its abstract
    and the NTHR score of its precursor (third-party note); the paper's own formula was not read.

    Parameters
    ----------
    W : array_like, shape (V, d)
    H : array_like, shape (n, d)
    y : array_like of int, shape (n,)
    advantages : array_like, shape (n,)
        Advantage of each token (its response's).
    correct : array_like of bool, shape (n,)
        Whether each token belongs to a correct response.

    Returns
    -------
    numpy.ndarray, shape (n,)

    References
    ----------
    Deng et al. 2025, arXiv:2510.03669 v3 (abstract) [abstract]; NTHR of the precursor [secondary].
    """
    I = token_influence(W, H, y)
    A = as_float_array(advantages, "advantages", ndim=1)
    c = np.asarray(correct, dtype=bool)
    if A.shape != (I.shape[0],) or c.shape != (I.shape[0],):
        raise ShapeError(f"advantages and correct must have shape ({I.shape[0]},); got {A.shape}, {c.shape}.")
    return A * I[c].sum(axis=0)


def loglik_change(W, H, y, D, eta, target) -> float:
    r"""Exact change of :math:`\sum_{i\in\text{target}}\log\pi_i` when :math:`W\leftarrow W+\eta D`.

    Parameters
    ----------
    W : array_like, shape (V, d)
    H : array_like, shape (n, d)
    y : array_like of int, shape (n,)
    D : array_like, shape (V, d)
        Step direction.
    eta : float
    target : array_like of bool, shape (n,)

    Returns
    -------
    float

    References
    ----------
    Exact evaluation [inferred] used to check the first-order influence of Deng et al. 2025,
    arXiv:2510.03669 v3.
    """
    W, H, y = _check(W, H, y)
    D = as_float_array(D, "D", ndim=2)
    if D.shape != W.shape:
        raise ShapeError(f"D must have the shape of W {W.shape}; got {D.shape}.")
    t = np.asarray(target, dtype=bool)
    before = token_log_probs(W, H, y)[t]
    after = token_log_probs(W + float(eta) * D, H, y)[t]
    return float(np.sum(after - before))


def loglik_curvature(W, H, y, D, target) -> float:
    r"""Exact :math:`\frac{d^2}{d\eta^2}\sum_{i\in\text{target}}\log\pi_i(W+\eta D)` at :math:`\eta=0`: :math:`-\sum_i\mathrm{Var}_{\pi_i}(Dh_i)`.

    Parameters
    ----------
    W : array_like, shape (V, d)
    H : array_like, shape (n, d)
    y : array_like of int, shape (n,)
    D : array_like, shape (V, d)
    target : array_like of bool, shape (n,)

    Returns
    -------
    float

    References
    ----------
    Second derivative of a log-softmax along a line [inferred].
    """
    W, H, y = _check(W, H, y)
    D = as_float_array(D, "D", ndim=2)
    t = np.asarray(target, dtype=bool)
    P = softmax(H[t] @ W.T, axis=-1)
    U = H[t] @ D.T  # (n_t, V): derivative of the logits along D
    m = (P * U).sum(axis=-1)
    return float(-np.sum((P * U ** 2).sum(axis=-1) - m ** 2))


def influence_remainder_bound(H, D, target) -> float:
    r"""Bound :math:`\sum_i\mathrm{range}(Dh_i)^3/6` on :math:`|R(\eta)-\tfrac{\eta^2}2c|/\eta^3`.

    :math:`R(\eta)=\Delta(\eta)-\eta\,\Delta'(0)`, :math:`c=\Delta''(0)`; the third derivative of a
    log-softmax along a line is minus the third cumulant of :math:`Dh_i` under :math:`\pi_i`, at most
    :math:`\mathrm{range}^3` in absolute value, so Taylor's theorem gives the bound.

    Parameters
    ----------
    H : array_like, shape (n, d)
    D : array_like, shape (V, d)
    target : array_like of bool, shape (n,)

    Returns
    -------
    float

    References
    ----------
    Taylor's theorem with the third cumulant of a bounded variable [inferred].
    """
    H = as_float_array(H, "H", ndim=2)
    D = as_float_array(D, "D", ndim=2)
    t = np.asarray(target, dtype=bool)
    U = H[t] @ D.T
    rng = U.max(axis=-1) - U.min(axis=-1)
    return float(np.sum(rng ** 3) / 6.0)
