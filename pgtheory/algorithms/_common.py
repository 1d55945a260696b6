"""Helpers shared by the algorithm modules (private).

The HARPG update rules live here, not in ``harpg.py``, so that ``igt`` (the runner of every
Fatkhullin et al. method) and ``harpg`` (whose public functions are built by ``igt``'s
``_method_function``) do not import each other; ``harpg`` re-exports them as its public names.
:func:`driver_backend` and :func:`renamed_keyword` implement the one calling convention
(``oracle``, ``n_iter``, ``eta``, ``rng``, ``backend``; ``docs/explanation/architecture.md``).
"""

from __future__ import annotations

import warnings

from ..backend import resolve_backend
from ..errors import ValidationError

__all__ = ["harpg_point", "harpg_momentum", "driver_backend", "renamed_keyword"]


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


def driver_backend(backend) -> str:
    r"""Resolve the ``backend`` keyword of an algorithm whose loop exists in NumPy only.

    Every algorithm accepts ``backend`` (one calling convention, ``docs/explanation/architecture.md``);
    for the loops without a compiled kernel (NPG, SubPO, the exact Nash family) it selects the driver loop,
    so ``"auto"`` / ``None`` / ``"numpy"`` give NumPy and an explicit ``"numba"`` or ``"cupy"`` raises.
    A sampled oracle's own ``backend`` (set on the oracle) chooses where its samples are drawn.

    Parameters
    ----------
    backend : {"auto", "numpy"} or None

    Returns
    -------
    str
        ``"numpy"``.

    Raises
    ------
    pgtheory.errors.ValidationError
        Any other backend, with the fix.
    """
    return resolve_backend(backend, allowed=("numpy",))


def renamed_keyword(new_value, old_value, new: str, old: str, default=None):
    r"""Value of a renamed keyword: ``new`` wins; ``old`` still works and warns :class:`DeprecationWarning`.

    Parameters
    ----------
    new_value, old_value
        Values passed under the new and the old name (``None`` when not passed).
    new, old : str
        The names, for the messages.
    default
        Value when neither was passed.

    Returns
    -------
    object

    Raises
    ------
    pgtheory.errors.ValidationError
        Both names passed.
    """
    if old_value is None:
        return default if new_value is None else new_value
    if new_value is not None:
        raise ValidationError(f"pass {new}= only ({old}= is its deprecated alias); got both.")
    warnings.warn(f"{old}= is deprecated and will be removed in the next release; use {new}= (the name every "
                  f"algorithm of pgtheory.algorithms uses).", DeprecationWarning, stacklevel=3)
    return old_value
