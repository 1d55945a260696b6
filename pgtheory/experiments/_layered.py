"""Shared helper of the layered-MDP checks (jia2023, krishnamurthy2025): a figure with its verdict.

Private to :mod:`pgtheory.experiments`; each check lives in the module of its paper.
"""

from __future__ import annotations

import numpy as np

from ._registry import out_path


def _figure(config, stem, draw, verdict, reason, ncols=1, figsize=(7.5, 4.6)):
    p = out_path(config, stem)
    if p is None:
        return ()
    from ..plotting import add_verdict, new_axes, save_figure

    fig, axes = new_axes(1, ncols, figsize=figsize)
    draw(fig, np.atleast_1d(axes))
    fig.tight_layout()
    add_verdict(fig, verdict, reason)
    return save_figure(fig, p)
