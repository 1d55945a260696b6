"""Update rules shared by :mod:`~pgtheory.algorithms.igt` and :mod:`~pgtheory.algorithms.harpg` (private).

They live here, not in ``harpg.py``, so that ``igt`` (the runner of every Fatkhullin et al. method)
and ``harpg`` (whose public functions are built by ``igt``'s ``_method_function``) do not import
each other. ``harpg`` re-exports them as its public names.
"""

from __future__ import annotations

__all__ = ["harpg_point", "harpg_momentum"]


def harpg_point(theta, theta_prev, q):
    r""":math:`\hat\theta = q\theta + (1-q)\theta_{prev}` (``q`` broadcast against ``theta``).

    Parameters
    ----------
    theta, theta_prev : array (R, p)
        Current and previous iterates.
    q : float or array (R, 1)
        Uniform draws in [0, 1].

    Returns
    -------
    array (R, p)
    """
    return q * theta + (1.0 - q) * theta_prev


def harpg_momentum(d, v, g, eta):
    r""":math:`d^+ = (1-\eta)(d + v) + \eta g`.

    Parameters
    ----------
    d : array (R, p)
        Previous direction.
    v : array (R, p)
        Hessian-vector correction.
    g : array (R, p)
        Gradient estimate at the current iterate.
    eta : float
        Momentum weight.

    Returns
    -------
    array (R, p)
    """
    return (1.0 - eta) * (d + v) + eta * g
