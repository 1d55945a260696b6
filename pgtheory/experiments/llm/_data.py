"""Data files of the LLM-RL checks whose figures are drawn by ``figures/<check>.py`` (issue 18, part D1).

A check function may return, beside ``"subchecks"``, a ``"data"`` dict ``{file name: content}``:
``.csv`` files are a dict of equal-length columns (written with :func:`pgtheory.plotting.write_csv`),
other files any JSON-able object (:func:`pgtheory.plotting.write_json`). :func:`write_data` is the
``draw`` hook of :func:`~pgtheory.experiments.llm.register_check` that writes them into the
check's output folder: the experiment computes and writes, the figure script reads and draws.
"""

from __future__ import annotations

import numpy as np

from .._registry import out_path

__all__ = ["write_data"]


def write_data(config, result: dict, claims) -> tuple:
    """Write ``result["data"]`` into ``config.out_dir``; returns ``((), data_files)`` (no figure drawn here).

    Parameters
    ----------
    config : RunConfig
    result : dict
        The check function's result, with an optional ``"data"`` entry.
    claims : list of ClaimResult
        Unused (the figure script reads the verdict from ``report.json``).

    Returns
    -------
    (tuple, tuple of str)
    """
    from ...plotting import write_csv, write_json  # lazy: pgtheory.plotting (only when writing)

    written = []
    for fname, obj in result.get("data", {}).items():
        p = out_path(config, fname)
        if p is None:
            continue
        if fname.endswith(".csv"):
            written.append(write_csv(p, {k: np.asarray(v, dtype=np.float64) for k, v in obj.items()}))
        else:
            written.append(write_json(p, obj))
    return (), tuple(written)
