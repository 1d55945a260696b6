"""Conversion of result objects to plain JSON-ready Python values (private).

Shared by :mod:`pgtheory.results` (``to_dict``) and :mod:`pgtheory.plotting` (figure data files);
kept in its own leaf module so that ``plotting`` need not import ``results`` (``results`` re-exports
``RateCheckResult`` from ``ratecheck``, whose ``.plot()`` imports ``plotting``: that was a cycle).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np


def _to_plain(x: Any) -> Any:
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, (np.floating, np.integer, np.bool_)):
        return x.item()
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return {f.name: _to_plain(getattr(x, f.name)) for f in dataclasses.fields(x)}
    if isinstance(x, dict):
        return {str(k): _to_plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_to_plain(v) for v in x]
    if hasattr(x, "toarray"):  # scipy.sparse
        return x.toarray().tolist()
    return x
