"""Shared frozen result types.

All results are frozen dataclasses holding plain NumPy arrays and scalars, with a
readable ``__repr__`` (arrays summarised by shape), ``to_dict()`` for saving (arrays
become lists) and ``summary()`` for a short text table.  A flag never changes the
return type of a function (scipy's lesson): optional fields are ``None`` when absent.

Other packages define their own results with :class:`ResultMixin` (e.g.
``pgtheory.games`` has an equilibrium result); the ones used across packages live here.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import numpy as np

from ._plain import _to_plain
from .errors import ValidationError

__all__ = ["ResultMixin", "Solution", "GradientEstimate", "Trace", "CheckReport", "RateCheckResult"]


def __getattr__(name):
    # RateCheckResult is defined beside the code that builds it (pgtheory.ratecheck) and
    # re-exported here lazily, so that importing results stays cheap and acyclic.
    if name == "RateCheckResult":
        from .ratecheck import RateCheckResult

        return RateCheckResult
    raise AttributeError(f"module 'pgtheory.results' has no attribute {name!r}")


def _short(x: Any) -> str:
    if isinstance(x, np.ndarray):
        if x.size <= 6:
            return np.array2string(x, precision=4, separator=", ")
        return f"array(shape={x.shape}, dtype={x.dtype})"
    if isinstance(x, float):
        return f"{x:.6g}"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k}: {_short(v)}" for k, v in list(x.items())[:8]) + (", ..." if len(x) > 8 else "") + "}"
    if isinstance(x, (list, tuple)) and len(x) > 6:
        return f"[{len(x)} items]"
    return repr(x)


class ResultMixin:
    """Mixin giving frozen result dataclasses ``__repr__``, ``to_dict`` and ``summary``."""

    def to_dict(self) -> dict:
        """Return the result as JSON-serialisable plain Python objects."""
        return _to_plain(self)

    def to_json(self) -> str:
        """Return :meth:`to_dict` as a JSON string."""
        return json.dumps(self.to_dict())

    def summary(self) -> str:
        """Return a short text table of the fields."""
        width = max(len(f.name) for f in dataclasses.fields(self))
        return "\n".join(f"{f.name:>{width}} : {_short(getattr(self, f.name))}" for f in dataclasses.fields(self))

    def __repr__(self) -> str:
        inner = ", ".join(f"{f.name}={_short(getattr(self, f.name))}" for f in dataclasses.fields(self) if f.repr)
        return f"{type(self).__name__}({inner})"


@dataclasses.dataclass(frozen=True, repr=False)
class Solution(ResultMixin):
    """Result of an exact MDP solver.

    Attributes
    ----------
    V : array, shape (S,) or (H+1, S)
        State values of ``policy`` (finite horizon: one row per stage, last row 0).
    Q : array, shape (S, A) or (H, S, A)
        Action values.
    policy : array, shape (S, A) or (H, S, A)
        The (greedy / optimal / evaluated) policy as action probabilities.
    iterations : int
        Number of iterations (sweeps, improvement steps, or LP iterations).
    residual : float
        Certificate: the final Bellman residual ``||T V - V||_inf`` (or, for the LP, the duality gap),
        computed after the solver stopped. For the discounted solvers (value / policy / modified policy
        iteration, soft VI, LP, ``iterative_policy_evaluation``) it is an upper bound that includes the
        rounding error of its own float64 computation (see ``pgtheory.mdp._rounding``).
    converged : bool
        Whether the solver met its stopping rule (never silently True at an iteration cap).
    method : str
        Name of the solver.
    certificate : dict
        Further evidence, e.g. ``{"value_error_bound": ..., "greedy_gap": ..., "duality_gap": ...}``.
    occupancy : array or None
        Optimal (normalised) state-action occupancy measure, for LP-dual solutions.
    message : str
        Human-readable status.
    """

    V: np.ndarray
    Q: np.ndarray
    policy: np.ndarray
    iterations: int
    residual: float
    converged: bool
    method: str
    certificate: dict = dataclasses.field(default_factory=dict)
    occupancy: np.ndarray | None = None
    message: str = ""


@dataclasses.dataclass(frozen=True, repr=False)
class GradientEstimate(ResultMixin):
    """A Monte-Carlo gradient (or Hessian-vector, or value) estimate.

    Attributes
    ----------
    mean : array
        The estimate (average of per-sample estimates), shaped like the parameter.
    stderr : array
        Per-coordinate standard error ``std(samples, ddof=1) / sqrt(n)``.
    n_trajectories : int
        Number of independent trajectories (samples) averaged.
    n_steps : int
        Number of environment steps consumed.
    samples : array or None
        Per-sample estimates, shape ``(n_trajectories, *mean.shape)``, when requested.
    estimator : str
        Estimator name (e.g. ``"reinforce"``, ``"gpomdp"``).
    backend : str
        Backend that produced it.
    """

    mean: np.ndarray
    stderr: np.ndarray
    n_trajectories: int
    n_steps: int
    samples: np.ndarray | None = None
    estimator: str = ""
    backend: str = "numpy"

    def confidence_interval(self, level: float = 0.95, *, simultaneous: bool = False) -> tuple:
        r"""Per-coordinate normal confidence intervals :math:`\hat g_i \pm z\,\mathrm{se}_i`.

        Built from :attr:`mean` and :attr:`stderr` (the central limit theorem over the
        ``n_trajectories`` independent samples), so the coverage is ``level`` up to an
        :math:`O(1/\sqrt n)` error for each coordinate.

        Parameters
        ----------
        level : float
            Nominal coverage in (0, 1).
        simultaneous : bool
            If True, Bonferroni intervals: :math:`z = \Phi^{-1}(1 - (1-\text{level})/(2d))` with
            ``d`` the number of coordinates, so all coordinates are covered together with
            probability at least ``level`` (asymptotically). Otherwise
            :math:`z = \Phi^{-1}(1 - (1-\text{level})/2)` for each coordinate alone.

        Returns
        -------
        lower, upper : ndarray
            Arrays shaped like :attr:`mean`.

        Raises
        ------
        pgtheory.errors.ValidationError
            ``level`` not in (0, 1).

        Examples
        --------
        >>> import numpy as np
        >>> from pgtheory.results import GradientEstimate
        >>> g = GradientEstimate(mean=np.array([1.0, 0.0]), stderr=np.array([0.1, 0.2]), n_trajectories=100, n_steps=100)
        >>> lo, hi = g.confidence_interval(0.95)
        >>> np.round(hi - g.mean, 4)
        array([0.196, 0.392])
        """
        from scipy.stats import norm  # lazy: scipy.stats costs ~0.4 s to import

        if isinstance(level, bool) or not isinstance(level, (int, float, np.floating)) or not 0.0 < float(level) < 1.0:
            raise ValidationError(f"confidence_interval: level must be a number in (0, 1); got {level!r}. "
                                  f"Fix: e.g. level=0.95.")
        mean = np.asarray(self.mean, dtype=np.float64)
        se = np.asarray(self.stderr, dtype=np.float64)
        m = max(int(mean.size), 1) if simultaneous else 1
        z = float(norm.ppf(1.0 - (1.0 - float(level)) / (2.0 * m)))
        return mean - z * se, mean + z * se


@dataclasses.dataclass(frozen=True, repr=False)
class Trace(ResultMixin):
    """What an algorithm run measured.

    Attributes
    ----------
    iterations : array of int, shape (K,)
        Iteration index at each record.
    samples : array of int, shape (K,)
        Cumulative samples consumed at each record (trajectories, preference queries, or
        gradient calls for exact methods; see ``sample_unit``).
    metrics : dict of str -> array, shape (K,)
        The quantities the theorem talks about (``"suboptimality"``, ``"kl"``, ``"gap"``, ...).
    algorithm : str
        Algorithm name.
    params : dict
        Hyper-parameters used (step sizes, batch sizes, seed, ...).
    sample_unit : str
        What ``samples`` counts.
    final : dict
        Final iterate(s), e.g. ``{"theta": ..., "pi": ...}``.
    """

    iterations: np.ndarray
    samples: np.ndarray
    metrics: dict
    algorithm: str
    params: dict = dataclasses.field(default_factory=dict)
    sample_unit: str = "iterations"
    final: dict = dataclasses.field(default_factory=dict)

    def metric(self, name: str) -> np.ndarray:
        """Return metric ``name``; raises a KeyError listing the available metrics."""
        try:
            return self.metrics[name]
        except KeyError:
            raise KeyError(f"Trace of {self.algorithm!r} has no metric {name!r}; "
                           f"available: {sorted(self.metrics)}") from None


@dataclasses.dataclass(frozen=True, repr=False)
class CheckReport(ResultMixin):
    """Outcome of one named experiment (one line of ``pgtheory reproduce``).

    Attributes
    ----------
    name : str
        Experiment name (``pgtheory check NAME``).
    source : str
        Short citation: paper, theorem (e.g. ``"Mei et al. 2020, Thm 4"``).
    stated : str
        The stated rate / bound in words (e.g. ``"O(1/t)"``, ``"(1+2 beta)^(-N/2)"``).
    measured : str
        The measured rate with its confidence interval (e.g. ``"slope -1.00 [-1.01, -0.99]"``).
    verdict : str
        Headline verdict over the claims: ``"consistent"`` (every claim consistent),
        ``"violated"`` (some claim violated), ``"inconclusive"`` (otherwise), or ``"error"``
        (the experiment crashed).
    details : dict
        The numbers behind the verdict (JSON-serialisable).
    figures : tuple of str
        Paths of figures written (PNG + PDF by default; see ``--formats``).
    data_files : tuple of str
        Paths of data written (CSV / JSON).
    seconds : float
        Wall-clock time of the run.
    reason : str
        One sentence explaining the headline verdict (which claims decided it).
    tightness : str
        Tightness of the consistent claims (smallest slack, exponent margin), for the table.
    claims : tuple of dict
        Every claim: ``name``, ``kind``, ``verdict``, ``reason``, ``source``, ``stated``,
        ``measured``, ``tightness`` (see :class:`pgtheory.ratecheck.ClaimResult.row`).
    settings : dict
        The settings that produced the report (quick, seeds, seed, versions, bound ids); a
        resumed run reuses a report only when they match.
    """

    name: str
    source: str
    stated: str
    measured: str
    verdict: str
    details: dict = dataclasses.field(default_factory=dict)
    figures: tuple = ()
    data_files: tuple = ()
    seconds: float = 0.0
    reason: str = ""
    tightness: str = ""
    claims: tuple = ()
    settings: dict = dataclasses.field(default_factory=dict)
