r"""Shared matplotlib style and helpers for pgtheory figures (imported lazily).

Nothing here is imported by ``import pgtheory``; matplotlib is imported inside the functions
and forced to the non-interactive ``Agg`` backend when no backend was chosen, so figures can
be written on a headless machine. Every figure pgtheory writes goes through
:func:`save_figure` (PNG + PDF, written atomically) and its data through :func:`write_csv` /
:func:`write_json` (atomic: a temporary file then ``os.replace``), so an interrupted run never
leaves a half-written file behind.

Public API
----------
STYLE, use_style, new_axes, save_figure, write_csv, write_json, atomic_write_text,
plot_rate_check, fit_band
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np

__all__ = ["STYLE", "use_style", "new_axes", "save_figure", "write_csv", "write_json", "atomic_write_text",
           "plot_rate_check", "fit_band"]

#: rcParams shared by every pgtheory figure.
STYLE = {
    "figure.figsize": (6.4, 4.4),
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linestyle": ":",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 8,
    "legend.framealpha": 0.85,
    "lines.linewidth": 1.6,
    "font.size": 10,
    "pdf.fonttype": 42,
}


def _mpl():
    import matplotlib

    if "MPLBACKEND" not in os.environ:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return matplotlib, plt


def use_style() -> None:
    """Apply :data:`STYLE` to matplotlib's global ``rcParams`` (Agg backend when none is set)."""
    matplotlib, _ = _mpl()
    matplotlib.rcParams.update(STYLE)


def new_axes(nrows: int = 1, ncols: int = 1, **kwargs):
    """A new figure with pgtheory's style: ``(fig, axes)`` as from ``plt.subplots``.

    Parameters
    ----------
    nrows, ncols : int
        Grid of panels.
    **kwargs
        Passed to ``matplotlib.pyplot.subplots`` (e.g. ``figsize``).

    Returns
    -------
    (matplotlib.figure.Figure, Axes or array of Axes)
    """
    _, plt = _mpl()
    use_style()
    if "figsize" not in kwargs:
        w, h = STYLE["figure.figsize"]
        kwargs["figsize"] = (w * ncols if ncols > 1 else w, h * nrows if nrows > 1 else h)
    return plt.subplots(nrows, ncols, **kwargs)


def atomic_write_text(path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (temporary file in the same folder, then ``os.replace``).

    Parameters
    ----------
    path : str or Path
    text : str

    Returns
    -------
    Path
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def save_figure(fig, stem, *, close: bool = True) -> tuple:
    """Save ``fig`` as ``stem.png`` and ``stem.pdf`` atomically.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    stem : str or Path
        Path without suffix (a suffix, if given, is replaced).
    close : bool
        Close the figure afterwards (default True).

    Returns
    -------
    tuple of str
        The two paths written.
    """
    _, plt = _mpl()
    stem = Path(stem)
    stem = stem.with_suffix("") if stem.suffix in (".png", ".pdf") else stem
    stem.parent.mkdir(parents=True, exist_ok=True)
    out = []
    for ext in ("png", "pdf"):
        final = stem.parent / f"{stem.name}.{ext}"
        fd, tmp = tempfile.mkstemp(dir=stem.parent, prefix=f".{stem.name}.", suffix=f".{ext}")
        os.close(fd)
        try:
            fig.savefig(tmp, format=ext)
            os.replace(tmp, final)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        out.append(str(final))
    if close:
        plt.close(fig)
    return tuple(out)


def write_csv(path, columns: dict) -> str:
    """Write equal-length columns ``{name: array}`` as CSV (header line, ``%.17g``), atomically.

    Parameters
    ----------
    path : str or Path
    columns : dict of str -> array, each shape (K,)

    Returns
    -------
    str
        The path written.
    """
    names = list(columns)
    cols = [np.asarray(columns[n], dtype=np.float64).reshape(-1) for n in names]
    K = max(c.size for c in cols) if cols else 0
    if any(c.size != K for c in cols):
        raise ValueError(f"write_csv: columns have different lengths {[c.size for c in cols]}.")
    lines = [",".join(names)]
    for i in range(K):
        lines.append(",".join(f"{c[i]:.17g}" for c in cols))
    return str(atomic_write_text(path, "\n".join(lines) + "\n"))


def write_json(path, obj) -> str:
    """Write ``obj`` (results become plain objects via ``to_dict``) as JSON, atomically.

    Parameters
    ----------
    path : str or Path
    obj : object
        JSON-serialisable, or a pgtheory result, or containing them.

    Returns
    -------
    str
    """
    from .results import _to_plain

    def default(o):
        if hasattr(o, "to_dict"):
            return o.to_dict()
        return _to_plain(o) if not isinstance(o, (set, frozenset)) else sorted(o)

    return str(atomic_write_text(path, json.dumps(_to_plain(obj) if not hasattr(obj, "to_dict") else obj.to_dict(),
                                                  indent=1, default=default, allow_nan=True)))


def fit_band(fit, x=None):
    """The fitted line of a :class:`~pgtheory.ratecheck.RateFit` and its interval band on its window.

    The band pivots the line at the window's centre (in ``log x`` or ``x``) with the slopes at
    the ends of the interval.

    Parameters
    ----------
    fit : RateFit
    x : array, optional
        Where to evaluate (default: the fitted window's points).

    Returns
    -------
    x, line, low, high : arrays
    """
    xs = fit.x[fit.mask] if x is None else np.asarray(x, dtype=float)
    u = np.log(xs) if fit.model == "polynomial" else xs
    uc = float(np.mean(u))
    vc = fit.intercept + fit.slope * uc
    line = np.exp(vc + fit.slope * (u - uc))
    a = np.exp(vc + fit.ci[0] * (u - uc))
    b = np.exp(vc + fit.ci[1] * (u - uc))
    return xs, line, np.minimum(a, b), np.maximum(a, b)


def plot_rate_check(result, ax=None, *, color=None, label=None, title=None, show_fit: bool = True,
                    bound_label=None):
    """Draw a :class:`~pgtheory.ratecheck.RateCheckResult`: measurement, seed band, fit with its
    interval band, and the bound, on log axes (log-log for polynomial rates, semi-log for linear).

    Parameters
    ----------
    result : RateCheckResult
    ax : Axes, optional
    color : str, optional
    label : str, optional
        Legend label of the measurement (default ``result.label``).
    title : str, optional
    show_fit : bool
        Draw the fitted line and its band.
    bound_label : str, optional
        Legend label of the bound (default names the paper and theorem).

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        _, ax = new_axes()
    x, y = result.x, result.y
    pos = y > 0
    lab = label or result.label or "measured"
    (line,) = ax.plot(x[pos], y[pos], color=color, label=lab)
    c = line.get_color()
    if result.y_band is not None:
        ax.fill_between(x[pos], result.y_band[0][pos], result.y_band[1][pos], color=c, alpha=0.15, lw=0,
                        label=f"{lab}: seed range")
    fit = result.fit
    if show_fit and fit is not None and fit.ok:
        xs, fl, lo, hi = fit_band(fit)
        what = (f"fit: slope {fit.slope:.2f}" if fit.model == "polynomial" else f"fit: rate {fit.rate:.4f}")
        ci = f"{fit.confidence:.0%} CI ({fit.ci_method.replace('-seeds', '')})" if fit.statistical else "local-slope range"
        ax.plot(xs, fl, color="k", lw=1.0, ls="-.", label=what)
        ax.fill_between(xs, lo, hi, color="k", alpha=0.12, lw=0, label=ci)
    if result.bound_values is not None:
        bv = result.bound_values
        ok = np.isfinite(bv) & (bv > 0)
        ax.plot(x[ok], bv[ok], color=c, ls="--", lw=1.3,
                label=bound_label or f"bound: {result.source}")
    if result.rate_type == "polynomial":
        ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(result.variable)
    ax.set_ylabel(result.label or "error")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax
