r"""Shared matplotlib style and helpers for pgtheory figures (imported lazily).

Nothing here is imported by ``import pgtheory``; matplotlib is imported inside the functions
and forced to the non-interactive ``Agg`` backend when no backend was chosen, so figures can
be written on a headless machine. Every figure pgtheory writes goes through
:func:`save_figure` (PNG + PDF unless :func:`figure_formats` says otherwise, written atomically) and its data through :func:`write_csv` /
:func:`write_json` (atomic: a temporary file then ``os.replace``), so an interrupted run never
leaves a half-written file behind.

Public API
----------
STYLE, use_style, new_axes, save_figure, plot_rate_check, add_verdict, legend_outside, legends_inside
    Style, saving and the shared drawing helpers of the figure scripts.
write_csv, write_json, atomic_write_text, strict_json, fit_band, plain_label, short_verdict
    Data files (atomic, strict JSON) and the numbers and words a figure shows.
read_csv, read_json, rate_check_data, rate_check_figure, shared_legend, informative_ylim, decade_ylim, plot_rate_series, DATA_HELPERS
    Figures drawn from data files: the experiments write what a figure needs (CSV / JSON, and
    :func:`rate_check_data` for a rate check's panel) and compute nothing for drawing; the scripts
    in ``figures/`` read it back (:func:`read_csv`, :func:`read_json`) and draw it with these
    helpers (see ``docs/explanation/architecture.md``, "Experiments compute, figures draw").
read_data, plot_rate_curves
    The two pieces the figure scripts shared as copies: reading a check's data files by name
    (every missing file named at once, before anything is read) and the rate panel of a check
    that measured a suboptimality over seeds (mean, 95% band, fitted tail and stated rate on
    log-log axes).

Data and drawing are separate: :func:`write_csv`, :func:`write_json`, :func:`atomic_write_text`,
:func:`strict_json`, :func:`read_csv`, :func:`read_json`, :func:`rate_check_data` and
:func:`fit_band` use NumPy only (the experiment modules may call them); every other function
draws and imports matplotlib.

Files are created with the user's umask (``0o666 & ~umask``, as ``open`` would), not the
``0o600`` of :func:`tempfile.mkstemp`. JSON is strict (RFC 8259): non-finite floats are written
as the strings ``"nan"``, ``"inf"`` and ``"-inf"`` (:func:`strict_json`), never as bare ``NaN``.

Cost of saving (measured on the 60 figures of ``pgtheory reproduce --quick``, issue 17): drawing
is matplotlib text layout (tick labels of log axes are mathtext, parsed and measured once per
renderer: the layout at the figure's dpi, the PNG at ``savefig.dpi``, the PDF at 72 dpi) and,
for the PDF, subsetting the embedded TrueType fonts (``pdf.fonttype`` 42) with fontTools.
:func:`save_figure` therefore (1) saves without the layout engine placeholder that
``Figure.tight_layout`` leaves behind, which made every ``savefig`` draw the figure twice
(a layout pre-draw, then the real one) although there is nothing to lay out; and (2) embeds the
PDF's font subsets without their OpenType layout tables (GSUB, GPOS, GDEF, MATH, BASE, JSTF),
which fontTools otherwise decompiles and subsets in full for every PDF (the slowest step of
the save). A PDF places every glyph itself, so no viewer reads those tables: the PNGs are
pixel-identical and the PDFs render pixel-identically (and extract the same text) to before,
and are smaller. See ``docs/explanation/architecture.md`` for the numbers.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import tempfile
import threading
from pathlib import Path

import numpy as np
import textwrap

from ._plain import _to_plain
from .errors import ValidationError

__all__ = ["STYLE", "use_style", "new_axes", "save_figure", "write_csv", "write_json", "atomic_write_text",
           "plot_rate_check", "fit_band", "add_verdict", "legend_outside", "legends_inside", "strict_json",
           "plain_label", "short_verdict", "read_csv", "read_json", "rate_check_data", "rate_check_figure",
           "informative_ylim", "plot_rate_series", "shared_legend", "decade_ylim", "DATA_HELPERS"]
__all__ += ["read_data", "plot_rate_curves", "FIGURE_FORMATS", "figure_formats", "check_formats"]

#: The functions of this module that touch no matplotlib (data files and the numbers a figure
#: draws): the only ones the experiment modules may import (``tests/test_structure.py``).
DATA_HELPERS = ("write_csv", "write_json", "atomic_write_text", "strict_json", "read_csv", "read_json",
                "rate_check_data", "fit_band", "read_data", "check_formats", "figure_formats", "FIGURE_FORMATS")

#: File formats :func:`save_figure` can write (matplotlib's Agg PNG, PDF and SVG backends).
FIGURE_FORMATS = ("png", "pdf", "svg")

#: The formats :func:`save_figure` writes when it is not told (set by :func:`figure_formats`).
_FORMATS: contextvars.ContextVar = contextvars.ContextVar("pgtheory_figure_formats", default=("png", "pdf"))


def check_formats(formats) -> tuple:
    """Validate figure formats: a comma-separated string or an iterable of names from :data:`FIGURE_FORMATS`.

    Parameters
    ----------
    formats : str or iterable of str
        For example ``"png,pdf"`` or ``("png",)``; case and spaces are ignored, repeats dropped.

    Returns
    -------
    tuple of str
        The formats, lower case, in the order given.

    Raises
    ------
    pgtheory.errors.ValidationError
        For an empty list or a format that is not in :data:`FIGURE_FORMATS`.

    Examples
    --------
    >>> from pgtheory.plotting import check_formats
    >>> check_formats("PNG, pdf")
    ('png', 'pdf')
    """
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    out = []
    for item in items:
        if not isinstance(item, str):
            raise ValidationError(f"formats: {item!r} is not a format name. Fix: give names from {FIGURE_FORMATS}.")
        name = item.strip().lower().lstrip(".")
        if not name:
            continue  # "png," or "": blank items are no format
        if name not in FIGURE_FORMATS:
            raise ValidationError(f"formats: unknown figure format {item.strip()!r}. "
                                  f"Fix: give a comma-separated list from {', '.join(FIGURE_FORMATS)}.")
        if name not in out:
            out.append(name)
    if not out:
        raise ValidationError(f"formats: empty. Fix: give at least one of {', '.join(FIGURE_FORMATS)}.")
    return tuple(out)


@contextlib.contextmanager
def figure_formats(formats):
    """Within the block, :func:`save_figure` writes these formats unless told otherwise.

    The figure scripts call :func:`save_figure` without formats; the runner (``pgtheory
    reproduce --formats``) chooses them this way. Outside any block the formats are PNG and PDF.

    Parameters
    ----------
    formats : str or iterable of str
        See :func:`check_formats`.

    Examples
    --------
    >>> from pgtheory.plotting import figure_formats
    >>> with figure_formats("png"):
    ...     pass  # save_figure(fig, stem) writes stem.png only here
    """
    token = _FORMATS.set(check_formats(formats))
    try:
        yield _FORMATS.get()
    finally:
        _FORMATS.reset(token)

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
    import matplotlib  # lazy: matplotlib, plots only

    if "MPLBACKEND" not in os.environ:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt  # lazy: matplotlib, plots only

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


def _umask_mode() -> int:
    # os.umask can only be read by setting it; restore at once (files get 0o666 & ~umask, as open() gives).
    old = os.umask(0o022)
    os.umask(old)
    return 0o666 & ~old


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
        os.chmod(tmp, _umask_mode())
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def save_figure(fig, stem, *, close: bool = True, formats=None) -> tuple:
    """Save ``fig`` as ``stem.png`` and ``stem.pdf`` (or ``formats``) atomically, drawing it once per format.

    The figure is saved as laid out (call ``fig.tight_layout()`` or :func:`add_verdict` before):
    the layout placeholder that ``tight_layout`` leaves on the figure is set aside while saving,
    so that ``savefig`` does not draw the figure a second time before drawing it (it is put
    back when ``close`` is False). Figures with an active layout engine (``layout="constrained"``)
    are laid out by each ``savefig`` as usual. The PDF embeds its fonts (``pdf.fonttype`` 42)
    without their OpenType layout tables, which no PDF viewer reads (see the module docstring).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    stem : str or Path
        Path without suffix (a suffix, if given, is replaced).
    close : bool
        Close the figure afterwards (default True).
    formats : str or iterable of str, optional
        Formats to write (:func:`check_formats`); default those of the enclosing
        :func:`figure_formats` block, else PNG and PDF.

    Returns
    -------
    tuple of str
        The paths written, one per format, in the order of ``formats``.

    Raises
    ------
    pgtheory.errors.ValidationError
        For an unknown format, before anything is drawn.
    """
    formats = _FORMATS.get() if formats is None else check_formats(formats)
    _, plt = _mpl()
    stem = Path(stem)
    stem = stem.with_suffix("") if stem.suffix.lstrip(".") in FIGURE_FORMATS else stem
    stem.parent.mkdir(parents=True, exist_ok=True)
    out = []
    with _SAVE_LOCK, _without_layout_placeholder(fig):
        for ext in formats:
            final = stem.parent / f"{stem.name}.{ext}"
            fd, tmp = tempfile.mkstemp(dir=stem.parent, prefix=f".{stem.name}.", suffix=f".{ext}")
            os.close(fd)
            try:
                os.chmod(tmp, _umask_mode())
                with _pdf_fonts_without_layout_tables() if ext == "pdf" else contextlib.nullcontext():
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


#: Held while :func:`save_figure` saves: the PDF font hook below is process-wide while it is set.
_SAVE_LOCK = threading.RLock()

#: OpenType layout tables left out of the font subsets embedded in PDFs: glyph substitution and
#: positioning, their glyph classes, math layout, baselines and justification. Text in a PDF is
#: placed glyph by glyph (matplotlib shapes it before writing), so viewers never read them.
_PDF_DROPPED_FONT_TABLES = ("GSUB", "GPOS", "GDEF", "MATH", "BASE", "JSTF")


@contextlib.contextmanager
def _without_layout_placeholder(fig):
    """Set aside the ``PlaceHolderLayoutEngine`` that ``Figure.tight_layout`` leaves on ``fig``.

    ``savefig`` draws a figure once more before drawing it whenever it has a layout engine, to
    let the engine lay it out; a placeholder lays out nothing, so that draw is wasted (a third
    to a half of the time of a save). Restored on exit.
    """
    from matplotlib.layout_engine import PlaceHolderLayoutEngine  # lazy: matplotlib, plots only

    engine = fig.get_layout_engine()
    if not isinstance(engine, PlaceHolderLayoutEngine):
        yield
        return
    import matplotlib  # lazy: matplotlib, plots only

    # set_layout_engine(None) means "none" only while the rcParams ask for no automatic layout
    with matplotlib.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)
    try:
        yield
    finally:
        fig.set_layout_engine(engine)


class _SubsetWithoutLayoutTables:
    """``fontTools.subset`` whose ``Options()`` also drop :data:`_PDF_DROPPED_FONT_TABLES`."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        return getattr(self._module, name)

    def Options(self, *args, **kwargs):  # noqa: N802 (the name matplotlib calls)
        options = self._module.Options(*args, **kwargs)
        options.drop_tables = list(options.drop_tables) + [t for t in _PDF_DROPPED_FONT_TABLES
                                                           if t not in options.drop_tables]
        return options


@contextlib.contextmanager
def _pdf_fonts_without_layout_tables():
    """While saving a PDF, let matplotlib subset its Type 42 fonts without the layout tables.

    matplotlib's PDF backend subsets each embedded TrueType font with ``fontTools.subset``
    (``matplotlib.backends._backend_pdf_ps.get_glyphs_subset``, which reads the module through
    its attribute ``subset``). Decompiling and subsetting DejaVu Sans's GSUB/GPOS tables is more
    than half of that work (66 ms per font and PDF, 29 ms without them). This hook swaps that
    attribute for :class:`_SubsetWithoutLayoutTables` for the duration of one ``savefig`` (under
    :data:`_SAVE_LOCK`). Where matplotlib has no such attribute (another version's internals) it
    does nothing, and the PDF is written as matplotlib writes it.
    """
    try:
        from matplotlib.backends import _backend_pdf_ps as pdf_ps  # lazy: matplotlib, plots only
    except ImportError:  # pragma: no cover - another matplotlib layout
        yield
        return
    module = getattr(pdf_ps, "subset", None)
    if module is None or not callable(getattr(module, "Options", None)) or isinstance(module, _SubsetWithoutLayoutTables):
        yield
        return
    pdf_ps.subset = _SubsetWithoutLayoutTables(module)
    try:
        yield
    finally:
        pdf_ps.subset = module


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
    return str(atomic_write_text(path, json.dumps(strict_json(obj), indent=1, allow_nan=False)))


def strict_json(obj):
    """``obj`` as plain JSON values with non-finite floats encoded as the strings ``"nan"``, ``"inf"``, ``"-inf"``.

    Results become plain objects via ``to_dict``; NumPy scalars and arrays become Python values
    and lists; sets become sorted lists. The output passes ``json.dumps(..., allow_nan=False)``.

    Parameters
    ----------
    obj : object

    Returns
    -------
    object
    """
    def enc(o):
        if hasattr(o, "to_dict") and not isinstance(o, type):
            return enc(o.to_dict())
        if isinstance(o, (set, frozenset)):
            return [enc(v) for v in sorted(o)]
        o = _to_plain(o)
        if isinstance(o, float):
            if o != o:
                return "nan"
            if o in (float("inf"), float("-inf")):
                return "inf" if o > 0 else "-inf"
            return o
        if isinstance(o, dict):
            return {str(k): enc(v) for k, v in o.items()}
        if isinstance(o, (list, tuple)):
            return [enc(v) for v in o]
        if o is None or isinstance(o, (str, int, bool)):
            return o
        return str(o)

    return enc(obj)


_NONFINITE = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}


def _decode(o):
    if isinstance(o, str):
        return _NONFINITE.get(o, o)
    if isinstance(o, dict):
        return {k: _decode(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_decode(v) for v in o]
    return o


def read_json(path):
    """Read a JSON file written by :func:`write_json` back, non-finite floats included.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    object
        Plain JSON values (dicts, lists, numbers, strings); every string ``"nan"``, ``"inf"``
        or ``"-inf"`` becomes the float again (:func:`write_json` writes non-finite floats as
        those strings, and pgtheory never stores them as text in its data files). Arrays come
        back as lists: ``numpy.asarray(..., dtype=float)`` restores them bit for bit (JSON floats
        round-trip exactly).
    """
    return _decode(json.loads(Path(path).read_text()))


def read_csv(path) -> dict:
    """Read a CSV file written by :func:`write_csv` back into ``{name: array}``.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    dict of str -> array, each shape (K,), float64
        The columns in file order; values round-trip bit for bit (``%.17g``), NaN and inf
        included.

    Raises
    ------
    ValueError
        When a row has another number of fields than the header.
    """
    lines = Path(path).read_text().splitlines()
    if not lines:
        return {}
    names = lines[0].split(",")
    rows = [ln.split(",") for ln in lines[1:] if ln]
    bad = [i + 2 for i, r in enumerate(rows) if len(r) != len(names)]
    if bad:
        raise ValueError(f"read_csv: {path}: lines {bad[:5]} have another number of fields than the header "
                         f"({len(names)}); write the file with pgtheory.plotting.write_csv.")
    data = np.array([[float(v) for v in r] for r in rows], dtype=np.float64).reshape(len(rows), len(names))
    return {n: data[:, j].copy() for j, n in enumerate(names)}


#: How :func:`read_data` reads a data file, by its suffix.
_READERS = {".csv": read_csv, ".json": read_json}


def read_data(folder, *names) -> tuple:
    """Read the data files ``names`` of a check's output ``folder`` back, each by its suffix.

    A ``.csv`` file is read with :func:`read_csv` (``{column: array}``), a ``.json`` file with
    :func:`read_json` (plain values, non-finite floats restored). Every name is checked before
    any file is read, so a folder that lacks some files is reported once, naming all of them.
    Uses NumPy only.

    Parameters
    ----------
    folder : str or Path
        The check's output folder (``DIR/<check>/`` of ``pgtheory reproduce --out DIR``).
    *names : str
        File names inside ``folder``, each ending in ``.csv`` or ``.json``; at least one.

    Returns
    -------
    tuple
        One entry per name, in the order given (a tuple of one for one name:
        ``(cols,) = read_data(folder, "x.csv")``).

    Raises
    ------
    pgtheory.errors.ValidationError
        When no name is given, a name has another suffix, or a file is missing (naming the
        missing files and how to write them).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from pgtheory.plotting import read_data, write_csv, write_json
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = write_csv(Path(tmp) / "curve.csv", {"n": [1.0, 2.0], "gap": [0.5, 0.25]})
    ...     _ = write_json(Path(tmp) / "fit.json", {"slope": -1.0})
    ...     cols, fit = read_data(tmp, "curve.csv", "fit.json")
    >>> cols["gap"].tolist(), fit["slope"]
    ([0.5, 0.25], -1.0)
    """
    if not names:
        raise ValidationError("names: no data file named. Fix: give the file names the check wrote into its "
                              "folder, e.g. read_data(folder, 'name.csv', 'name.json').")
    folder = Path(folder)
    bad = [n for n in names if Path(n).suffix not in _READERS]
    if bad:
        raise ValidationError(f"names: {bad} end in neither .csv nor .json. Fix: read other files yourself; "
                              f"read_data reads what write_csv / write_json wrote.")
    missing = [n for n in names if not (folder / n).is_file()]
    if missing:
        raise ValidationError(f"folder: {str(folder)!r} holds no {missing}. Fix: give the output folder of a finished "
                              f"run of the check (`pgtheory check NAME --out DIR` writes DIR/, `pgtheory reproduce "
                              f"--out DIR` writes DIR/NAME/), or run the figure script without --from.")
    return tuple(_READERS[Path(n).suffix](folder / n) for n in names)


def rate_check_data(result) -> dict:
    """What :func:`plot_rate_check` draws of a rate check, as plain values for a data file.

    An experiment writes it (``write_json(path, [rate_check_data(rc), ...])``) and a figure script
    draws it back (``plot_rate_check(read_json(path)[k], ax)``) with the same pixels as drawing
    the result itself: the arrays round-trip exactly through JSON. Uses NumPy only.

    Parameters
    ----------
    result : RateCheckResult
        Or a mapping already in this form (returned as a plain copy).

    Returns
    -------
    dict
        ``bound_id``, ``source``, ``verdict``, ``reason``, ``rate_type``, ``variable``,
        ``label``; arrays ``x``, ``y`` (shape (K,)), ``y_band`` (shape (2, K) or None),
        ``bound_values`` (shape (K,) or None); ``tightness`` (``slack_min``, ``loose``, or None);
        ``fit`` (None, or ``model``, ``slope``, ``ci``, ``intercept``, ``rate``, ``ci_method``,
        ``statistical``, ``confidence``, ``ok``, ``x``, ``mask``: what :func:`fit_band` and the
        legend need).
    """
    if isinstance(result, dict):
        return dict(result)
    fit = result.fit
    tight = result.tightness
    return {
        "bound_id": result.bound_id, "source": result.source, "verdict": result.verdict,
        "reason": result.reason, "rate_type": result.rate_type, "variable": result.variable,
        "label": result.label, "x": np.asarray(result.x), "y": np.asarray(result.y),
        "y_band": None if result.y_band is None else np.asarray(result.y_band),
        "bound_values": None if result.bound_values is None else np.asarray(result.bound_values),
        "tightness": None if tight is None else {"slack_min": float(tight.slack_min), "loose": bool(tight.loose)},
        "fit": None if fit is None else {
            "model": fit.model, "slope": float(fit.slope), "ci": [float(c) for c in fit.ci],
            "intercept": float(fit.intercept), "rate": float(fit.rate), "ci_method": fit.ci_method,
            "statistical": bool(fit.statistical), "confidence": float(fit.confidence), "ok": bool(fit.ok),
            "x": np.asarray(fit.x), "mask": np.asarray(fit.mask, dtype=bool)},
    }


class _View:
    """Attribute access to a :func:`rate_check_data` mapping (what the drawing code reads)."""

    def __init__(self, d: dict):
        self.__dict__.update(d)


def _as_rate_check(data: dict) -> _View:
    def arr(v, dtype=np.float64):
        return None if v is None else np.asarray(v, dtype=dtype)

    d = dict(data)
    d.update(x=arr(d["x"]), y=arr(d["y"]), y_band=arr(d.get("y_band")), bound_values=arr(d.get("bound_values")))
    t = d.get("tightness")
    d["tightness"] = None if t is None else _View({"slack_min": float(t["slack_min"]), "loose": bool(t["loose"])})
    f = d.get("fit")
    if f is not None:
        f = dict(f)
        f.update(x=arr(f["x"]), mask=arr(f["mask"], bool), ci=tuple(float(c) for c in f["ci"]))
        d["fit"] = _View(f)
    return _View(d)


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


def plain_label(text):
    """A label without raw TeX braces: ``{``/``}`` outside ``$...$`` are dropped (``V^{pi_t}`` -> ``V^pi_t``).

    Parameters
    ----------
    text : str or None

    Returns
    -------
    str or None
    """
    if not text:
        return text
    parts = str(text).split("$")
    for i in range(0, len(parts), 2):  # even pieces are outside math mode
        parts[i] = parts[i].replace("{", "").replace("}", "")
    return "$".join(parts)


def short_verdict(result) -> str:
    """A few words for a figure: the verdict and its decisive reason, e.g.
    ``"consistent (slack >= 2.1x)"``, ``"inconclusive: pre-asymptotic"``, ``"violated: bound fails"``.

    Parameters
    ----------
    result : RateCheckResult or ClaimResult

    Returns
    -------
    str
    """
    v = result.verdict
    reason = getattr(result, "reason", "") or ""
    tight = getattr(result, "tightness", None)
    if v == "consistent":
        if tight is not None and np.isfinite(getattr(tight, "slack_min", np.nan)):
            smin = tight.slack_min
            sl = f"{smin:.2g}x" if smin < 1e4 else f"{smin:.0e}x"
            return f"consistent, slack >= {sl}" + (" (loose)" if tight.loose else "")
        return "consistent"
    keys = (("pre-asymptotic", "pre-asymptotic"), ("NaN", "NaN points"), ("single stochastic", "one stochastic trace"),
            ("seeds", "too few seeds"), ("straddles", "interval straddles the stated rate"),
            ("fails at", "bound fails"), ("slower", "rate slower than stated"), ("faster", "rate faster than stated"),
            ("no fit", "window too short"), ("points in the tail", "window too short"), ("decades", "window too short"))
    for k, w in keys:
        if k in reason:
            return f"{v}: {w}"
    return v


def informative_ylim(ax, ys, bounds_=()) -> None:
    """Spend a log y-axis on the informative range of measured values ``ys`` and bound values ``bounds_``.

    The range runs from just below the smallest measured value above the floating-point floor
    (1e-12 x the largest), or the smallest bound value if lower but never more than 3 decades
    below that measured value, to 3x above the largest value.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    ys : list of array
        Measured values (non-positive and non-finite entries are ignored).
    bounds_ : list of array
        Bound values drawn on the same axes.
    """
    _informative_ylim(ax, list(ys), list(bounds_))


def decade_ylim(ax, arrays, top=None, floor: float = 1e-14) -> None:
    """Log y-limits in whole decades, from the smallest value above ``floor`` to above the largest.

    For traces that reach the rounding floor (a KL of equal policies in float64 is ~1e-16): the
    axis is not spent on values below ``floor``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    arrays : list of array
        The values drawn.
    top : float, optional
        Upper limit (default: the decade above ``max * 10**0.3``).
    floor : float
        Values at or below it are rounding and left out (default 1e-14).
    """
    v = np.concatenate([np.asarray(a, float).reshape(-1) for a in arrays])
    v = v[np.isfinite(v) & (v > floor)]
    if v.size:
        ax.set_ylim(max(10 ** np.floor(np.log10(v.min())), floor), top or 10 ** np.ceil(np.log10(v.max()) + 0.3))


def _informative_ylim(ax, ys, bounds_):
    """Spend a log y-axis on the informative range: from just below the smallest measured value above
    the floating-point floor (1e-12 x the largest), or the smallest bound value if lower but never
    more than 3 decades below that measured value, to above the largest value."""
    yv = np.concatenate([np.asarray(v, dtype=float).reshape(-1) for v in ys]) if ys else np.zeros(0)
    bv = np.concatenate([np.asarray(v, dtype=float).reshape(-1) for v in bounds_]) if bounds_ else np.zeros(0)
    yv = yv[np.isfinite(yv) & (yv > 0)]
    bv = bv[np.isfinite(bv) & (bv > 0)]
    if not (yv.size or bv.size):
        return
    top = max(yv.max() if yv.size else 0.0, bv.max() if bv.size else 0.0)
    meas = yv[yv > 1e-12 * yv.max()] if yv.size else yv
    lows = ([meas.min()] if meas.size else []) + ([bv.min()] if bv.size else [])
    lo = min(lows)
    if meas.size:  # a bound decaying far below the measurable range is clipped 3 decades under it
        lo = max(lo, 1e-3 * meas.min())
    lo /= 3.0
    ax.set_ylim(lo, top * 3.0)


def plot_rate_check(result, ax=None, *, color=None, label=None, title=None, show_fit: bool = True,
                    bound_label=None, legend: str | None = "outside", show_verdict: bool = True):
    """Draw a :class:`~pgtheory.ratecheck.RateCheckResult`: measurement, seed band, fit with its
    interval band, and the bound, on log axes (log-log for polynomial rates, semi-log for linear).

    The panel's title ends with the verdict in a few words (:func:`short_verdict`); the legend is
    placed beside the axes, off the data (:func:`legend_outside`); the y-range runs from just below
    the smallest measured value above the floating-point floor (or the smallest bound value) to
    above the largest value, so points at 1e-300 do not squash the plot; a geometric trace that
    reaches the floor early gets an x-axis ending at twice that point; labels carry no raw TeX
    braces (:func:`plain_label`).

    Parameters
    ----------
    result : RateCheckResult or dict
        A result, or its :func:`rate_check_data` as read back from a data file (drawn the same).
    ax : Axes, optional
    color : str, optional
    label : str, optional
        Legend label of the measurement (default ``result.label``).
    title : str, optional
    show_fit : bool
        Draw the fitted line and its band.
    bound_label : str, optional
        Legend label of the bound (default names the paper and theorem).
    legend : {"outside", "inside", None}
        Where the legend goes ("outside": right of the axes; "inside": best place in the axes;
        None: no legend, e.g. when the caller draws one for several panels).
    show_verdict : bool
        Append the verdict to the title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if isinstance(result, dict):
        result = _as_rate_check(result)
    if ax is None:
        _, ax = new_axes()
    x, y = result.x, result.y
    pos = np.isfinite(y) & (y > 0)
    lab = plain_label(label or result.label or "measured")
    (line,) = ax.plot(x[pos], y[pos], color=color, label=lab, marker="." if pos.sum() <= 60 else None, ms=3)
    c = line.get_color()
    ys, bs = [y[pos]], []
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
                label=plain_label(bound_label or f"bound: {result.source}"))
        bs.append(bv[ok])
    if result.rate_type == "polynomial":
        ax.set_xscale("log")
    ax.set_yscale("log")
    _informative_ylim(ax, ys, bs)
    if result.rate_type != "polynomial" and pos.any():
        # geometric traces: stop the x-axis soon after the measurement reaches the floating-point floor
        above = np.flatnonzero(pos & (y > 1e-12 * np.nanmax(np.where(pos, y, np.nan))))
        x_end = float(x[above[-1]]) if above.size else float(x[-1])
        if x_end < x[0] + (x[-1] - x[0]) / 3:
            ax.set_xlim(x[0] - 0.02 * (2 * x_end - x[0]), x[0] + 2 * (x_end - x[0]))
    ax.set_xlabel(plain_label(result.variable))
    ax.set_ylabel(plain_label(result.label or "error"))
    head = plain_label(title) if title else ""
    if show_verdict:
        head = f"{head}\n{short_verdict(result)}" if head else short_verdict(result)
    if head:
        ax.set_title(head, fontsize=9)
    if legend == "outside":
        legend_outside(ax, fontsize=7)
    elif legend == "inside":
        ax.legend(fontsize=7)
    return ax


def add_verdict(fig, verdict: str, reason: str = "", *, width: int = 110) -> None:
    """Write a check's verdict and its reason under the figure (wrapped, never cut), inside the canvas.

    The figure's bottom margin is enlarged to make room, so the text never covers data. Call it
    after the panels are drawn and before :func:`save_figure`.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    verdict : str
        ``"consistent"``, ``"violated"``, ``"inconclusive"`` (or ``"error"``).
    reason : str
        One sentence.
    width : int
        Characters per line.
    """
    colour = {"consistent": "#1a7f37", "violated": "#b42318", "inconclusive": "#9a6700"}.get(verdict, "k")
    lines = textwrap.wrap(f"{verdict.upper()}: {reason}" if reason else verdict.upper(), width=width) or [verdict]
    h_in = fig.get_figheight()
    line_in = 8 * 1.25 / 72  # 8 pt text at 1.25 line spacing, in inches
    extra = line_in * (len(lines) + 0.6)
    fig.set_figheight(h_in + extra)
    try:  # keep the panels where they were in inches: shift them up by the added band
        fig.subplots_adjust(bottom=(fig.subplotpars.bottom * h_in + extra) / (h_in + extra),
                            top=1 - (1 - fig.subplotpars.top) * h_in / (h_in + extra))
    except Exception:  # constrained layouts manage themselves
        pass
    fig.text(0.01, 0.2 * line_in / (h_in + extra), "\n".join(lines), ha="left", va="bottom", fontsize=8,
             color=colour, wrap=False)


def legend_outside(ax, *, where: str = "right", **kwargs):
    """Place ``ax``'s legend outside the data area (right of or below the axes), inside the canvas.

    Use with ``fig.tight_layout()`` or ``bbox_inches``-free saving: the legend is a figure artist
    anchored to the axes, and :func:`legends_inside` checks it stays on the canvas.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    where : {"right", "below"}
    **kwargs
        Passed to ``ax.legend``.

    Returns
    -------
    matplotlib.legend.Legend
    """
    if where == "right":
        return ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, **kwargs)
    return ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), borderaxespad=0.0, ncol=2, **kwargs)


def legends_inside(fig, *, pad: float = 0.5) -> list:
    """The legends of ``fig`` whose bounding box is not inside the canvas (empty list when all are).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    pad : float
        Pixels of tolerance.

    Returns
    -------
    list of str
        One description per legend that sticks out.
    """
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    W, H = fig.bbox.width, fig.bbox.height
    bad = []
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    for leg in legends:
        bb = leg.get_window_extent(r)
        if bb.x0 < -pad or bb.y0 < -pad or bb.x1 > W + pad or bb.y1 > H + pad:
            bad.append(f"legend at ({bb.x0:.0f}, {bb.y0:.0f})-({bb.x1:.0f}, {bb.y1:.0f}) outside the "
                       f"{W:.0f}x{H:.0f} canvas")
    return bad


def plot_rate_series(ax, x, mean, lo=None, hi=None, *, color=None, label=None, fit=None, reference=None,
                     marker=None, ms=None, band_alpha: float = 0.2, reference_lw: float = 1.0):
    """Draw a measured curve (mean over seeds) with its band, its fitted tail and a reference rate.

    The drawing of a rate measured over seeds beside the rate a theorem states: the mean as a
    solid line, the pointwise band shaded, the fitted tail as a thin black dashed line and the
    stated rate (e.g. ``C n^p`` from the tail start, or a registered bound's shape) as a dotted
    line in the same colour. The caller sets log scales, labels and the legend.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    x, mean : array, shape (K,)
        Abscissae and measured mean.
    lo, hi : array, shape (K,), optional
        Lower and upper edge of the band (none drawn when omitted).
    color : str, optional
    label : str, optional
        Legend entry of the mean.
    fit : (array, array), optional
        ``(x_fit, y_fit)`` of the fitted line (:func:`fit_band`'s first two outputs).
    reference : (array, array), optional
        ``(x_ref, y_ref)`` of the stated rate's line.
    marker : str, optional
    ms : float, optional
        Marker and marker size of the mean.
    band_alpha : float
        Opacity of the band.
    reference_lw : float
        Line width of the reference line.

    Returns
    -------
    matplotlib.lines.Line2D
        The mean's line.
    """
    kw = {} if marker is None else {"marker": marker, "ms": ms}
    (line,) = ax.plot(x, mean, color=color, label=label, **kw)
    c = line.get_color() if color is None else color
    if lo is not None and hi is not None:
        ax.fill_between(x, lo, hi, color=c, alpha=band_alpha, lw=0)
    if fit is not None:
        ax.plot(fit[0], fit[1], color="k", lw=0.8, ls="--")
    if reference is not None:
        ax.plot(reference[0], reference[1], color=c, lw=reference_lw, ls=":")
    return line


#: Where :func:`plot_rate_curves` puts its legend.
_LEGEND_PLACES = ("outside", "below", "inside", None)


def plot_rate_curves(ax, columns, fits, *, colors=None, xlabel=None, ylabel=None, title=None,
                     legend: str | None = "outside", ylim: str | None = "informative", marker=None, ms=None,
                     reference_lw: float = 1.0):
    r"""Draw the rate panel of a check that measured a quantity over seeds for several methods.

    For each method ``m`` (the keys of ``fits``, in order): the mean over seeds against ``n`` as a
    solid line with its pointwise 95% band shaded, the fitted tail as a thin black dashed line and
    the stated rate as a dotted line of the same colour (:func:`plot_rate_series`), on log-log
    axes. The legend entry reads ``"<label>: slope s [lo, hi], stated p"``. The stated rate is the
    method's registered bound shape when the check wrote one (``bound_x``, ``bound_y``), else the
    power law with the stated exponent :math:`p` from the start of the fitted tail
    :math:`(x_0, y_0)` to the last point :math:`n_K`,

    .. math:: y(n) = y_0 \left(\frac{n}{x_0}\right)^{p},

    and no line when the stated exponent is NaN (an ablation the theorems say nothing about).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    columns : dict of str -> array, each shape (K,)
        The check's CSV read back (:func:`read_csv`): ``<m>_n``, ``<m>_mean``, ``<m>_lo``,
        ``<m>_hi`` per method; rows where ``<m>_n`` is NaN (the padding of shorter columns) are
        skipped.
    fits : dict of str -> dict
        The check's JSON read back (:func:`read_json`), per method: ``label``, ``slope``, ``ci``
        (two numbers), ``stated`` (exponent, NaN for none), ``fit_x``, ``fit_y`` (the fitted tail)
        and, optionally, ``bound_x``, ``bound_y`` (the bound's shape to draw instead).
    colors : dict of str -> str, optional
        Colour per method (default: matplotlib's colour cycle).
    xlabel, ylabel, title : str, optional
        Axis labels and panel title (title in 9 pt).
    legend : {"outside", "below", "inside", None}
        Right of the axes, below them (:func:`legend_outside`), in the axes, or none.
    ylim : {"informative", None}
        ``"informative"`` spends the y-axis on the measured means (:func:`informative_ylim`);
        None leaves matplotlib's limits.
    marker : str, optional
    ms : float, optional
        Marker and marker size of the means.
    reference_lw : float
        Line width of the stated rate's line.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    pgtheory.errors.ValidationError
        Before anything is drawn: when ``fits`` is empty, a method of ``fits`` lacks a key, its
        columns or its colour, or ``legend`` / ``ylim`` is not one of the values above.
    """
    if legend not in _LEGEND_PLACES:
        raise ValidationError(f"legend: {legend!r} is not one of {_LEGEND_PLACES}. Fix: pick one of them.")
    if ylim not in ("informative", None):
        raise ValidationError(f"ylim: {ylim!r} is neither 'informative' nor None. Fix: pick one of them.")
    if not fits:
        raise ValidationError("fits: no method to draw. Fix: pass the check's JSON read back (one entry per method).")
    need = ("label", "slope", "ci", "stated", "fit_x", "fit_y")
    for m, row in fits.items():
        lacks = [k for k in need if k not in row] + [f"{m}_{c}" for c in ("n", "mean", "lo", "hi")
                                                     if f"{m}_{c}" not in columns]
        lacks += ["a colour in colors"] if colors is not None and m not in colors else []
        if lacks:
            raise ValidationError(f"fits / columns: method {m!r} lacks {lacks}. Fix: pass the CSV and JSON the "
                                  f"check wrote together (read_data(folder, 'NAME.csv', 'NAME.json')).")
    means = []
    for m, row in fits.items():
        keep = np.isfinite(columns[f"{m}_n"])  # the CSV pads shorter columns with NaN
        n, mean = columns[f"{m}_n"][keep], columns[f"{m}_mean"][keep]
        lab = f"{row['label']}: slope {row['slope']:.2f} [{row['ci'][0]:.2f}, {row['ci'][1]:.2f}]"
        xf, yf = np.asarray(row["fit_x"], float), np.asarray(row["fit_y"], float)
        ref = None
        if np.isfinite(row["stated"]):
            lab += f", stated {row['stated']:.2f}"
            ref = ([xf[0], n[-1]], [yf[0], yf[0] * (n[-1] / xf[0]) ** row["stated"]])
        if "bound_x" in row:
            ref = (row["bound_x"], row["bound_y"])
        plot_rate_series(ax, n, mean, columns[f"{m}_lo"][keep], columns[f"{m}_hi"][keep],
                         color=None if colors is None else colors[m], label=lab, fit=(xf, yf), reference=ref,
                         marker=marker, ms=ms, reference_lw=reference_lw)
        means.append(mean)
    ax.set_xscale("log")
    ax.set_yscale("log")
    if ylim == "informative":
        informative_ylim(ax, means)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=9)
    if legend in ("outside", "below"):
        legend_outside(ax, where="right" if legend == "outside" else "below", fontsize=7)
    elif legend == "inside":
        ax.legend(fontsize=7)
    return ax


def shared_legend(ax_from, ax_to):
    """One legend for several rate-check panels, beside ``ax_to``, with generic entry names.

    The entries of ``ax_from`` are reused; the fit's entry (``"fit: slope ..."``, whose numbers
    differ per panel and are in each panel's title) is renamed ``"fit on the tail window"``.

    Parameters
    ----------
    ax_from : matplotlib.axes.Axes
        The panel whose entries are shown.
    ax_to : matplotlib.axes.Axes
        The panel beside which the legend goes (:func:`legend_outside`).

    Returns
    -------
    matplotlib.legend.Legend
    """
    handles, labels = ax_from.get_legend_handles_labels()
    out = ["fit on the tail window" if lab.startswith("fit:") else lab for lab in labels]
    return legend_outside(ax_to, handles=handles, labels=out, fontsize=7)


def rate_check_figure(checks, stem, *, title: str = "", labels=None, ncols: int | None = None,
                      xlabel: str | None = None, ylabel: str | None = None, bound_label: str | None = None,
                      figsize=None, verdict=None) -> tuple:
    """Rate checks side by side (one :func:`plot_rate_check` panel each, log axes, bound beside the
    measurement), one shared legend, the verdict under the figure; saved by :func:`save_figure`.

    Each panel's title is its label followed by the fitted slope (polynomial rates) or contraction
    (linear rates); the legend, beside the top-right panel, names the entries generically
    (:func:`shared_legend`).

    Parameters
    ----------
    checks : list of RateCheckResult or dict
        Results, or their :func:`rate_check_data` read back from a data file.
    stem : str or Path
        Output path without suffix.
    title : str
        Figure title.
    labels : list of str, optional
        Panel titles (default: each check's ``label``).
    ncols : int, optional
        Panels per row (default: all in one row up to 3).
    xlabel, ylabel : str, optional
        Axis labels of every panel (default: the checks' variable and label).
    bound_label : str, optional
        Legend entry of the bound (default ``"bound: <source>"``).
    figsize : (float, float), optional
        Default ``(4.2 ncols + 2.6, 3.6 nrows + 0.8)`` inches.
    verdict : (str, str), optional
        ``(verdict, reason)`` written under the figure (:func:`add_verdict`).

    Returns
    -------
    tuple of str
        The paths written, one per format (empty when ``checks`` is empty).
    """
    if not checks:
        return ()
    checks = [_as_rate_check(c) if isinstance(c, dict) else c for c in checks]
    n = len(checks)
    ncols = ncols or min(n, 3)
    nrows = -(-n // ncols)
    fig, axes = new_axes(nrows, ncols, squeeze=False, figsize=figsize or (4.2 * ncols + 2.6, 3.6 * nrows + 0.8))
    for k, (ax, res) in enumerate(zip(axes.ravel(), checks)):
        slope = ""
        if res.fit is not None and res.fit.ok:
            slope = (f", slope {res.fit.slope:.2f}" if res.fit.model == "polynomial" else f", rate {res.fit.rate:.4f}")
        head = labels[k] if labels else res.label
        plot_rate_check(res, ax=ax, title=f"{head}{slope}", legend=None, label="measured",
                        bound_label=bound_label or f"bound: {res.source}")
        if xlabel:
            ax.set_xlabel(xlabel)
        if ylabel:
            ax.set_ylabel(plain_label(ylabel))
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    shared_legend(axes[0, 0], axes[0, min(n, ncols) - 1])
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    if verdict is not None:
        add_verdict(fig, *verdict)
    return save_figure(fig, stem)
