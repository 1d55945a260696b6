"""Finding and running the figure scripts of registered checks (experiments compute, figures draw).

A check's experiment writes the data its figure needs into its output folder (CSV / JSON) and
its ``report.json``; it never imports matplotlib. The drawing code of check ``NAME`` is the
function ``draw(folder) -> list[Path]`` of the script ``figures/<NAME with - as _>.py``, which
reads that folder and writes its figure into it (:func:`pgtheory.plotting.save_figure`). After a check finishes, the runner
(:func:`pgtheory.experiments.run_one`) looks the script up here and calls its ``draw``.

Where the scripts are (:func:`figures_dir`), first match wins:

1. the folder given explicitly (``run_one(..., figures=DIR)``, ``pgtheory check/reproduce --figures DIR``);
2. the environment variable ``PGTHEORY_FIGURES``;
3. the ``figures/`` folder beside the package source: a checkout installed with ``pip install -e .``
   (what the README does).

A wheel install has none of them: the checks run and give the same verdicts, and the figures can
be drawn later from a checkout with ``python figures/<name>.py --from DIR``.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from ..errors import ValidationError

__all__ = ["FIGURES_ENV", "figures_dir", "figure_script", "load_figure_script", "draw_figures", "NO_FIGURES_HINT",
           "defined_in"]

#: Environment variable naming the folder of figure scripts.
FIGURES_ENV = "PGTHEORY_FIGURES"

#: What to do when no figures folder is found (said once per run).
NO_FIGURES_HINT = ("figures not drawn: no figures/ folder found beside the pgtheory source (a wheel install). "
                   "The verdicts are unaffected. To draw them, use a checkout (`pip install -e .`) or point "
                   f"{FIGURES_ENV} / --figures at its figures/ folder, or run `python figures/<name>.py --from DIR` "
                   "there on this output folder.")


def _check_dir(path, what: str) -> Path:
    p = Path(path).expanduser()
    if not p.is_dir():
        raise ValidationError(f"{what}: no folder {str(path)!r}. Fix: give the figures/ folder of a pgtheory "
                              f"checkout (it holds one <check_name>.py script per figure), or leave {what} unset "
                              f"to use the one beside the installed source.")
    return p


def figures_dir(figures=None) -> Path | None:
    """The folder holding the figure scripts, or None when there is none (a wheel install).

    Parameters
    ----------
    figures : str or Path, optional
        An explicit folder (``--figures DIR``); else ``$PGTHEORY_FIGURES``; else the ``figures/``
        folder beside the package source, when it exists and holds scripts.

    Returns
    -------
    pathlib.Path or None

    Raises
    ------
    pgtheory.errors.ValidationError
        When ``figures`` or ``$PGTHEORY_FIGURES`` names a folder that does not exist.
    """
    if figures is not None:
        return _check_dir(figures, "figures")
    env = os.environ.get(FIGURES_ENV)
    if env:
        return _check_dir(env, FIGURES_ENV)
    import pgtheory

    cand = Path(pgtheory.__file__).resolve().parent.parent / "figures"
    return cand if cand.is_dir() and any(cand.glob("*.py")) else None


def figure_script(name: str, figures=None) -> Path | None:
    """The figure script of check ``name``: ``<figures_dir>/<name with - replaced by _>.py``, or None.

    Parameters
    ----------
    name : str
        Registered check name, e.g. ``"fatkhullin2023-lqr"`` (-> ``fatkhullin2023_lqr.py``).
    figures : str or Path, optional
        Folder of the scripts (see :func:`figures_dir`).

    Returns
    -------
    pathlib.Path or None
        None when there is no figures folder or no script of that name in it.
    """
    d = figures_dir(figures)
    if d is None:
        return None
    p = d / (name.replace("-", "_") + ".py")
    return p if p.is_file() else None


def load_figure_script(path):
    """Import a figure script from its path (a fresh module each call, so edits are picked up).

    Parameters
    ----------
    path : str or Path
        A ``figures/<name>.py`` script.

    Returns
    -------
    module
        With a callable ``draw(folder)``.

    Raises
    ------
    pgtheory.errors.ValidationError
        When the file does not exist or defines no ``draw`` function.
    """
    path = Path(path)
    if not path.is_file():
        raise ValidationError(f"figure script: no file {str(path)!r}. Fix: give an existing figures/<name>.py.")
    modname = "pgtheory_figure_" + "".join(c if c.isalnum() else "_" for c in path.stem)
    spec = importlib.util.spec_from_file_location(modname, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    if not callable(getattr(mod, "draw", None)):
        raise ValidationError(f"figure script {path}: defines no draw(folder) function. Fix: add "
                              f"`def draw(folder: pathlib.Path) -> list[pathlib.Path]` that reads the check's "
                              f"output folder and writes its figure there with pgtheory.plotting.save_figure (see figures/README.md).")
    return mod


def draw_figures(name: str, folder, figures=None, *, draw=None) -> tuple:
    """Draw the figures of check ``name`` from its output ``folder`` with its script's ``draw``.

    Parameters
    ----------
    name : str
        Registered check name.
    folder : str or Path
        The check's output folder (its data files and ``report.json``).
    figures : str or Path, optional
        Folder of the scripts (see :func:`figures_dir`).
    draw : callable, optional
        The ``draw(folder)`` to call instead of looking the script up (a script drawing its own
        check: :func:`pgtheory.experiments.figure_main`); ``figures`` is then not used.

    Returns
    -------
    tuple of str
        The files ``draw`` wrote (one per format), each checked to exist and be non-empty.

    Raises
    ------
    pgtheory.errors.ValidationError
        When there is no script for ``name`` (or no figures folder), or ``draw`` returned
        something else than a list of existing, non-empty files.
    Exception
        Whatever ``draw`` raises.
    """
    if draw is None:
        script = figure_script(name, figures)
        if script is None:
            where = figures_dir(figures)
            raise ValidationError(f"figures of {name!r}: no script {name.replace('-', '_')}.py in "
                                  f"{where if where is not None else 'any figures folder'}. Fix: "
                                  + (NO_FIGURES_HINT if where is None else "add it (see figures/README.md)."))
        draw = load_figure_script(script).draw
    else:
        script = defined_in(draw)
    out = draw(Path(folder))
    if isinstance(out, (str, Path)) or not hasattr(out, "__iter__"):
        raise ValidationError(f"{script}: draw() returned {type(out).__name__}; it must return the list of "
                              f"files it wrote.")
    paths = tuple(str(p) for p in out)
    bad = [p for p in paths if not Path(p).is_file() or Path(p).stat().st_size == 0]
    if bad or not paths:
        raise ValidationError(f"{script}: draw() reported {'no file' if not paths else 'missing or empty files'} "
                              f"{bad if bad else ''}; it must write and return its figure files.")
    return paths


def defined_in(draw) -> str:
    """The file that defines the function ``draw`` (its script), or its name when it has no file.

    Parameters
    ----------
    draw : callable

    Returns
    -------
    str
    """
    code = getattr(draw, "__code__", None)
    return str(code.co_filename) if code is not None else getattr(draw, "__qualname__", repr(draw))
