"""Registration of the LLM-RL claim checks of issue 18, part D2 (one module ``llm_<key>.py`` per paper).

A check function ``fn(quick) -> dict`` returns ``{"name", "subchecks", ...}``: the sub-results with
their claims, as in :mod:`pgtheory.experiments.llm_estimators`, plus whatever data its figure needs.
:func:`register_check` registers it as an experiment: the claims are stated through
:func:`~pgtheory.experiments.report_from_claims` (the only place a verdict is made), the
sub-results are kept in ``details["subchecks"]`` and written to ``<name>.json``, and
``write_data(config, result, claims) -> ((), data_files)`` writes the figure's data (CSV / JSON).
The experiment never draws: ``figures/<check_name_with_underscores>.py`` reads the data and the
report and draws.

The signature is that of ``register_check`` in the planned ``pgtheory/experiments/llm/_common.py``
(one key per paper), so moving a module there is changing its imports.
"""

from __future__ import annotations

from ..results import CheckReport
from ._registry import RunConfig, experiment, out_path
from ._runner import report_from_claims
from .llm_estimators import _json_subs, check_claims

__all__ = ["register_check", "D2_CHECKS", "compute_d2_checks"]

#: ``{name: (fn, title, source)}`` of every check registered here (the docs table reads it).
D2_CHECKS: dict = {}


def register_check(name: str, fn, title: str, source: str, *, papers: tuple, draw=None):
    """Register ``fn`` (``quick -> {"name", "subchecks", ...}``) as the experiment ``name`` and in :data:`D2_CHECKS`.

    Parameters
    ----------
    name : str
        ``<key>-<slug>``, ``key = papers[0]``.
    fn : callable
        ``fn(quick: bool) -> dict`` with ``"subchecks"``.
    title, source : str
        One-line title and the papers' short references.
    papers : tuple of str
        Paper keys whose claims it tests, the name's key first.
    draw : callable, optional
        ``draw(config, result, claims) -> (figures, data_files)``, called when ``config.out_dir`` is
        set; the D2 checks write data only (``figures == ()``).

    Returns
    -------
    callable
        The registered ``run(config) -> CheckReport``.
    """
    if not name.startswith(papers[0] + "-"):
        raise ValueError(f"check name {name!r} must start with its paper key {papers[0]!r} + '-'.")
    if name in D2_CHECKS and D2_CHECKS[name][0] is not fn:
        raise ValueError(f"an LLM-RL check named {name!r} is already registered.")
    D2_CHECKS[name] = (fn, title, source)

    def run(config: RunConfig) -> CheckReport:
        res = fn(config.quick)
        claims = check_claims(res)
        figures, data = (), ()
        if draw is not None and config.out_dir is not None:
            figures, data = draw(config, res, claims)
        details = {"subchecks": _json_subs(res["subchecks"])}
        jp = out_path(config, f"{name}.json")
        if jp is not None:
            from ..plotting import write_json

            data = tuple(data) + (write_json(jp, details),)
        return report_from_claims(name, claims, source=source, stated=title, details=details,
                                  figures=tuple(figures), data_files=tuple(data))

    run.__name__ = f"run_{name.replace('-', '_')}"
    run.__doc__ = f"{title} ({source})."
    return experiment(name, title, tags=("llm", "bandits", "estimators", *papers))(run)


def compute_d2_checks(quick: bool = True) -> dict:
    """Run every D2 check function; returns ``{name: result dict}`` (the docs table generator uses it).

    Parameters
    ----------
    quick : bool
        Small sizes.

    Returns
    -------
    dict
    """
    import importlib
    import pkgutil

    pkg = importlib.import_module("pgtheory.experiments")
    for mod in pkgutil.iter_modules(pkg.__path__):
        if mod.name.startswith("llm_") and mod.name != "llm_estimators":
            importlib.import_module(f"pgtheory.experiments.{mod.name}")
    return {name: fn(quick) for name, (fn, _, _) in D2_CHECKS.items()}
