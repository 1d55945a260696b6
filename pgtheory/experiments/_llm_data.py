"""Registration of LLM-RL claim checks that write their figure data (issue 18, part D1).

A check function ``fn(quick) -> dict`` returns ``{"name", "subchecks", "data"}``: the sub-results
with their claims (as in :mod:`pgtheory.experiments.llm_estimators`) and the data a figure needs,
``{file name: columns}`` (``.csv``: a dict of equal-length arrays, written with
:func:`pgtheory.plotting.write_csv`) or ``{file name: object}`` (``.json``,
:func:`pgtheory.plotting.write_json`). :func:`register_llm_check` registers the check: it states
the claims through :func:`~pgtheory.experiments.report_from_claims` (the only place a verdict is
made), writes the data into the check's output folder and lists it in ``report.data_files``. The
experiment never draws: ``figures/<check_name_with_underscores>.py`` reads the data and draws.
"""

from __future__ import annotations

import numpy as np

from ..results import CheckReport
from ._registry import RunConfig, experiment, out_path
from ._runner import report_from_claims
from .llm_estimators import _json_subs, check_claims

__all__ = ["register_llm_check", "D1_CHECKS"]

#: ``{name: (fn, title, source)}`` of every check registered here (the docs table reads it).
D1_CHECKS: dict = {}


def _write(config: RunConfig, data: dict) -> tuple:
    from ..plotting import write_csv, write_json  # lazy: pgtheory.plotting (only when writing)

    written = []
    for fname, obj in data.items():
        p = out_path(config, fname)
        if p is None:
            continue
        if fname.endswith(".csv"):
            written.append(write_csv(p, {k: np.asarray(v, dtype=np.float64) for k, v in obj.items()}))
        else:
            written.append(write_json(p, obj))
    return tuple(written)


def register_llm_check(name: str, fn, title: str, source: str, *, key: str):
    """Register ``fn`` as the check ``name`` (tags ``llm``, ``bandits``, ``estimators`` and the paper ``key``).

    Parameters
    ----------
    name : str
        ``<key>-<slug>``.
    fn : callable
        ``fn(quick: bool) -> {"name", "subchecks", "data"}``.
    title : str
        One line: what is checked.
    source : str
        The paper (citation, arXiv id).
    key : str
        Paper key ``<firstauthor><year>``.

    Returns
    -------
    callable
        The registered ``run(config) -> CheckReport``.
    """
    if not name.startswith(key + "-"):
        raise ValueError(f"check name {name!r} must start with its paper key {key!r} + '-'.")

    def run(config: RunConfig) -> CheckReport:
        res = fn(config.quick)
        claims = check_claims(res)
        details = {"subchecks": _json_subs(res["subchecks"])}
        data = _write(config, {**res.get("data", {}), f"{name}.json": details})
        return report_from_claims(name, claims, source=source, stated=title, details=details, data_files=data)

    run.__name__ = f"run_{name.replace('-', '_')}"
    run.__doc__ = f"{title} ({source})."
    D1_CHECKS[name] = (fn, title, source)
    return experiment(name, title, tags=("llm", "bandits", "estimators", key))(run)
