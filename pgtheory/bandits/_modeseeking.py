r"""Mode-seeking vs mass-covering updates of a categorical policy: exact gradient flows and negative gradients.

A categorical policy :math:`q_\theta=\mathrm{softmax}(\theta)` is moved towards a target :math:`p`
(e.g. the KL-regularised optimum) by the gradient flow of

* the forward KL :math:`\mathrm{KL}(p\|q_\theta)` — maximum likelihood / SFT on samples of :math:`p`
  (mass-covering): :math:`\dot\theta=p-q`;
* the reverse KL :math:`\mathrm{KL}(q_\theta\|p)` — on-policy RL with reward :math:`\log p`
  (mode-seeking): :math:`\dot\theta=q\odot(\log p-\log q+\mathrm{KL}(q\|p)\mathbf 1)`.

(The components of the reverse-KL field sum to zero, as every logit flow must; our reading notes
wrote the last term with a minus sign, which would not.) :func:`kl_gradient_flow` integrates either
flow to ODE tolerance (``scipy.integrate.solve_ivp``, DOP853, rtol 1e-10) and
:func:`flow_hitting_time` returns the first time a quantity of :math:`q(t)` reaches a level
(event location on the dense solution).

The "negative gradient" of contrastive objectives on a fixed pair :math:`(y_w,y_l)`: SFT on the
winner moves the logits by :math:`e_{y_w}-q`, DPO by
:math:`\beta\sigma(-\beta\Delta)(e_{y_w}-e_{y_l})` (:func:`pair_update`); the first pushes the
loser's log-probability down at rate :math:`q(y_w)` per unit step, the second at a rate that does
not shrink with :math:`q(y_w)`.

References
----------
Tajwar et al. 2024, *Preference Fine-Tuning of LLMs Should Leverage Suboptimal, On-Policy Data*,
ICML 2024, arXiv:2404.14367 (abstract: "mode-seeking objectives are able to alter probability
mass on specific bins of a categorical distribution at a fast rate compared to maximum
likelihood"). The paper's theory section was not read; the flows are our formalisation [inferred].
"""

from __future__ import annotations

import numpy as np

from .._math import log_softmax, softmax
from .._validate import as_float_array, check_positive
from ..errors import ShapeError, ValidationError

__all__ = ["FLOW_DIRECTIONS", "kl_flow_field", "kl_gradient_flow", "flow_hitting_time", "pair_update"]

#: Which KL the flow descends: "forward" = KL(p || q) (SFT / MLE), "reverse" = KL(q || p) (on-policy RL).
FLOW_DIRECTIONS = ("forward", "reverse")


def _target(target, K) -> np.ndarray:
    p = as_float_array(target, "target", ndim=1)
    if p.shape[0] != K:
        raise ShapeError(f"target must have {K} entries (one per bin); got {p.shape[0]}.")
    if np.any(p <= 0) or abs(p.sum() - 1.0) > 1e-12 * K:
        raise ValidationError("target must be a full-support distribution (> 0, sum 1); log p must be finite.")
    return p


def kl_flow_field(logits, target, direction: str = "reverse") -> np.ndarray:
    r"""Velocity :math:`\dot\theta=-\nabla_\theta\mathrm{KL}` of the forward or reverse KL flow.

    Parameters
    ----------
    logits : array_like, shape (K,)
    target : array_like, shape (K,)
        Full-support target distribution :math:`p`.
    direction : {"forward", "reverse"}
        ``forward``: :math:`p-q`; ``reverse``: :math:`q\odot(\log p-\log q+\mathrm{KL}(q\|p))`.

    Returns
    -------
    numpy.ndarray, shape (K,)
        Sums to 0 (up to rounding).
    """
    th = as_float_array(logits, "logits", ndim=1)
    p = _target(target, th.shape[0])
    if direction not in FLOW_DIRECTIONS:
        raise ValidationError(f"unknown direction {direction!r}. Fix: use one of {FLOW_DIRECTIONS}.")
    lq = log_softmax(th)
    q = np.exp(lq)
    if direction == "forward":
        return p - q
    lp = np.log(p)
    kl = float(q @ (lq - lp))
    return q * (lp - lq + kl)


def kl_gradient_flow(logits0, target, direction: str, t_end: float, *, n_eval: int = 200) -> dict:
    r"""Integrate the KL gradient flow :math:`\dot\theta=-\nabla\mathrm{KL}` from ``logits0`` on :math:`[0,t_{end}]`.

    Parameters
    ----------
    logits0 : array_like, shape (K,)
    target : array_like, shape (K,)
    direction : {"forward", "reverse"}
    t_end : float
        > 0.
    n_eval : int
        Number of (log-spaced after 0) output times.

    Returns
    -------
    dict
        ``t`` (n_eval,), ``q`` (n_eval, K) the policies, ``solution`` the scipy dense solution
        (callable on times, returning logits), ``rtol``, ``atol``.
    """
    from scipy.integrate import solve_ivp  # lazy: scipy.integrate, used here only

    th0 = as_float_array(logits0, "logits0", ndim=1)
    _target(target, th0.shape[0])
    t_end = check_positive(t_end, "t_end")
    kl_flow_field(th0, target, direction)  # validates direction
    rtol, atol = 1e-10, 1e-12
    sol = solve_ivp(lambda t, y: kl_flow_field(y, target, direction), (0.0, t_end), th0, method="DOP853",
                    rtol=rtol, atol=atol, dense_output=True)
    if not sol.success:
        raise ValidationError(f"the ODE solver failed: {sol.message}")
    t = np.concatenate([[0.0], np.geomspace(t_end * 1e-4, t_end, n_eval - 1)])
    q = softmax(sol.sol(t).T, axis=-1)
    return {"t": t, "q": q, "solution": sol.sol, "rtol": rtol, "atol": atol}


def flow_hitting_time(logits0, target, direction: str, weights, level: float, *, rising: bool = True,
                      t_max: float = 1e4) -> float:
    r"""First time :math:`\tau` at which :math:`w^\top q(t)` reaches ``level`` along the KL flow (``inf`` if not by ``t_max``).

    Parameters
    ----------
    logits0 : array_like, shape (K,)
    target : array_like, shape (K,)
    direction : {"forward", "reverse"}
    weights : array_like, shape (K,)
        The watched quantity :math:`w^\top q` (e.g. an indicator of the mode, or of low-target bins).
    level : float
    rising : bool
        Whether the quantity must rise to ``level`` (True) or fall to it (False).
    t_max : float

    Returns
    -------
    float
        Located by the ODE solver's event finder (accurate to the solver's tolerance).
    """
    from scipy.integrate import solve_ivp  # lazy: scipy.integrate, used here only

    th0 = as_float_array(logits0, "logits0", ndim=1)
    w = as_float_array(weights, "weights", ndim=1)
    if w.shape != th0.shape:
        raise ShapeError(f"weights must have shape {th0.shape}; got {w.shape}.")
    level = float(level)
    start = float(w @ softmax(th0))
    if (rising and start >= level) or (not rising and start <= level):
        return 0.0

    def event(t, y):
        return float(w @ softmax(y)) - level

    event.terminal = True
    event.direction = 1.0 if rising else -1.0
    sol = solve_ivp(lambda t, y: kl_flow_field(y, target, direction), (0.0, float(t_max)), th0, method="DOP853",
                    rtol=1e-10, atol=1e-12, events=event)
    return float(sol.t_events[0][0]) if sol.t_events[0].size else float("inf")


def pair_update(logits, winner: int, loser: int | None = None, *, ref_logits=None, beta: float = 1.0) -> np.ndarray:
    r"""Ascent direction on the logits from one preference pair: SFT on the winner, or DPO with its negative gradient.

    ``loser=None``: SFT, :math:`\nabla\log q(y_w)=e_{y_w}-q`. Otherwise DPO,
    :math:`\beta\,\sigma(-\beta\Delta)(e_{y_w}-e_{y_l})` with
    :math:`\Delta=\log\frac{q(y_w)}{q_{ref}(y_w)}-\log\frac{q(y_l)}{q_{ref}(y_l)}`.

    Parameters
    ----------
    logits : array_like, shape (K,)
    winner : int
    loser : int, optional
    ref_logits : array_like, shape (K,), optional
        Reference (default: ``logits``, i.e. the first DPO step).
    beta : float

    Returns
    -------
    numpy.ndarray, shape (K,)
    """
    th = as_float_array(logits, "logits", ndim=1)
    K = th.shape[0]
    for name, y in (("winner", winner), ("loser", loser)):
        if y is not None and not (0 <= int(y) < K):
            raise ValidationError(f"{name} must be an arm in [0, {K}); got {y!r}.")
    e = np.eye(K)
    if loser is None:
        return e[int(winner)] - softmax(th)
    if int(loser) == int(winner):
        raise ValidationError("winner and loser must differ.")
    beta = check_positive(beta, "beta")
    ref = th if ref_logits is None else as_float_array(ref_logits, "ref_logits", ndim=1)
    lq, lr = log_softmax(th), log_softmax(ref)
    delta = (lq[winner] - lr[winner]) - (lq[loser] - lr[loser])
    return beta * (1.0 / (1.0 + np.exp(beta * delta))) * (e[int(winner)] - e[int(loser)])
