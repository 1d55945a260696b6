"""Shared machinery of the LLM-RL checks: rounding tolerances, claim sources, registration.

Private to :mod:`pgtheory.experiments.llm`. :func:`register_check` registers one paper's check
function as an experiment (``pgtheory check NAME``) and in :data:`ALL_CHECKS`; a paper module
``llm/<key>.py`` calls it once at import, and the package imports every module, so adding a paper
is adding one file.
"""

from __future__ import annotations

import numpy as np

from ...results import CheckReport
from .._registry import RunConfig, experiment, out_path
from .._runner import report_from_claims

__all__ = ["ALL_CHECKS", "register_check", "compute_checks", "check_claims", "verdict_caption", "EPS", "SAFETY"]

#: float64 unit roundoff used in every rounding tolerance below.
EPS = float(np.finfo(np.float64).eps)

#: safety factor on n x eps x magnitude: a few flops per summed term (product, division, score).
SAFETY = 8

_PROV = {"paper": "full text [V]", "code": "authors' code [C]", "abstract": "abstract [A]",
         "secondary": "third-party summary [T]", "recalled": "recalled [R]",
         "inferred": "our derivation from the paper's formulas [I]"}


def _src(text: str, provenance: str) -> str:
    """Claim source with its provenance tag, e.g. ``"... (provenance: full text [V])"``."""
    return f"{text} (provenance: {_PROV[provenance]})"


def _sum_tol(n_terms: int, magnitude: float, what: str = "") -> tuple:
    """Rounding tolerance of a float64 sum of ``n_terms`` terms of size <= ``magnitude``, and its reason."""
    atol = SAFETY * int(n_terms) * EPS * float(magnitude)
    why = (f"{int(n_terms)} summed terms x eps x magnitude {float(magnitude):.3g}{what}, x{SAFETY} for the "
           f"flops per term: {atol:.2g}")
    return atol, why


def _rms(m) -> float:
    """Largest per-prompt root mean square sqrt(E||g||^2) of an exact-moments result.

    A probability-weighted sum of the per-group values has rounding error at most
    n eps E|g| <= n eps sqrt(E||g||^2), so this is the magnitude of the enumeration's sums.
    """
    cov, mean = np.asarray(m.cov), np.asarray(m.mean)
    if cov.ndim == 3:  # one covariance per prompt
        return float(np.sqrt(np.max(np.trace(cov, axis1=1, axis2=2) + np.sum(mean.reshape(cov.shape[0], -1) ** 2, axis=1))))
    return float(np.sqrt(np.trace(cov) + np.sum(mean ** 2)))  # joint (batch-coupled) estimator


def _sub(claim, source, hypothesis, numbers, provenance, claims):
    """One sub-result: its numbers (evidence) and the claims that state and check it."""
    return {"claim": claim, "source": source, "hypothesis": hypothesis, "numbers": numbers,
            "provenance": provenance, "claims": tuple(claims)}


def _rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300))


def _cos(a, b):
    a, b = np.ravel(a), np.ravel(b)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


#: ``{name: (check function, title, source)}`` of every registered LLM-RL check, in registration order.
ALL_CHECKS: dict = {}


def compute_checks(quick: bool = True) -> dict:
    """Run every check function; returns ``{name: result dict}`` (used by the docs table generator).

    Parameters
    ----------
    quick : bool
        Small sizes.

    Returns
    -------
    dict
        ``{name: {"name", "subchecks": [{"claim", "source", "hypothesis", "numbers", "provenance",
        "claims": (ClaimResult, ...)}, ...]}}``.
    """
    return {name: fn(quick) for name, (fn, _, _) in ALL_CHECKS.items()}


def check_claims(result: dict) -> list:
    """All claims (:class:`~pgtheory.ratecheck.ClaimResult`) of one check's result dict, in order.

    Parameters
    ----------
    result : dict
        Output of one check function (an entry of :func:`compute_checks`).

    Returns
    -------
    list of ClaimResult
    """
    return [c for s in result["subchecks"] for c in s["claims"]]


def verdict_caption(claims) -> tuple:
    """Headline verdict of ``claims`` and a short reason for a figure caption.

    Parameters
    ----------
    claims : list of ClaimResult

    Returns
    -------
    (str, str)
        :func:`~pgtheory.ratecheck.combine`'s verdict, and its reason followed by each claim's
        name, verdict and measurement.
    """
    from ...ratecheck import combine

    verdict, reason = combine(claims)
    return verdict, f"{reason}. " + "; ".join(f"{c.name}: {c.verdict} ({c.measured})" for c in claims) + "."


def _json_subs(subs) -> list:
    """Sub-results with their claims as plain rows (JSON-safe)."""
    return [{**s, "claims": [c.row() for c in s["claims"]]} for s in subs]


def register_check(name: str, fn, title: str, source: str, *, papers: tuple, bounds: tuple = (),
                   algorithms: tuple = (), draw=None, replaces: tuple = ()):
    """Register ``fn`` (``quick -> {"name", "subchecks"}``) as the experiment ``name`` and in :data:`ALL_CHECKS`.

    The experiment runs ``fn(config.quick)``, states its claims with
    :func:`~pgtheory.experiments.report_from_claims` (headline = ``combine`` of the claims), keeps
    every sub-result's numbers and claim rows in ``details["subchecks"]`` and writes them to
    ``<name>.json``; ``draw(config, result, claims) -> (figures, data_files)`` adds a figure.

    Parameters
    ----------
    name : str
        Check name, starting with the key of the paper whose claim it tests (``shao2024-...``).
    fn : callable
        ``fn(quick: bool) -> dict`` with ``"subchecks"`` (see :func:`compute_checks`).
    title, source : str
        One-line title and the papers' short references.
    papers : tuple of str
        Paper keys whose claims it tests, the name's key first.
    bounds, algorithms : tuple of str
        Registered bound ids and :mod:`pgtheory.algorithms` names used (none for the exact
        bandit computations).
    draw : callable, optional
        Figure writer, called only when ``config.out_dir`` is set.
    replaces : tuple of str
        Former names (resolved with a DeprecationWarning).

    Returns
    -------
    callable
        The registered ``run(config) -> CheckReport``.
    """
    if name in ALL_CHECKS and ALL_CHECKS[name][0] is not fn:
        raise ValueError(f"an LLM-RL check named {name!r} is already registered.")
    ALL_CHECKS[name] = (fn, title, source)

    def run(config: RunConfig) -> CheckReport:
        res = fn(config.quick)
        claims = check_claims(res)
        figures, data = (), ()
        if draw is not None and config.out_dir is not None:
            figures, data = draw(config, res, claims)
        details = {"subchecks": _json_subs(res["subchecks"])}
        jp = out_path(config, f"{name}.json")
        if jp is not None:
            from ...plotting import write_json

            data = tuple(data) + (write_json(jp, details),)
        return report_from_claims(name, claims, source=source, stated=title, details=details,
                                  figures=tuple(figures), data_files=tuple(data))

    run.__name__ = f"run_{name.replace('-', '_')}"
    run.__doc__ = f"{title} ({source})."
    return experiment(name, title, tags=("llm", "bandits", "estimators", papers[0]), papers=papers, bounds=bounds,
                      algorithms=algorithms, replaces=replaces)(run)
