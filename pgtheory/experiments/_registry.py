"""Registry of named end-to-end checks (what ``pgtheory check NAME`` runs).

An experiment is a function ``run(config: RunConfig) -> CheckReport`` registered with
:func:`experiment`.  Modules and subpackages in ``pgtheory/experiments/`` whose names do not start
with an underscore are imported on first use of :func:`get` / :func:`list_experiments`, so adding a
check is adding one module (``experiments/<key>.py``, or ``experiments/llm/<key>.py`` for an LLM-RL
paper: the ``llm`` package imports its modules).

One key per paper
-----------------
A check's name starts with the key of the paper whose claim it tests (``<author><year>``, the
prefix of the paper's BibTeX key, the year of the version cited: ``mei2020-bandit``,
``munos2024-theorem1``). A renamed check keeps its old name in ``replaces=``: :func:`get` resolves
the old name with a :class:`DeprecationWarning` naming the new one (for one release), and
:func:`list_experiments` lists only the new name.

Checks defined outside the package
----------------------------------
A user registers a check in their own module with the same decorator::

    # mychecks.py
    from pgtheory.experiments import experiment, report_from_claims

    @experiment("my-check", "what it checks")
    def run(config):
        ...
        return report_from_claims("my-check", claims, source="...", stated="...")

and runs it like a built-in one (same reports, resume, figures):
``pgtheory check my-check --module mychecks.py`` or ``pgtheory reproduce --module mychecks``
(an importable module name or a path to a ``.py`` file; :func:`load_module`). Installed
packages can also declare modules in the entry-point group ``pgtheory.experiments``
(``[project.entry-points."pgtheory.experiments"] mine = "mypkg.checks"``); :func:`get` and
:func:`list_experiments` import them with the built-in modules. Modules loaded with
:func:`load_module` are recorded in the environment variable ``PGTHEORY_EXPERIMENT_MODULES`` so
that worker processes (``reproduce --workers N``) load them too.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import os
import warnings
import pkgutil
import sys
from pathlib import Path
from typing import Callable

from ..results import CheckReport
from ._parallel import parallel_map

__all__ = ["RunConfig", "Experiment", "experiment", "get", "list_experiments", "load_module", "renamed"]

#: Entry-point group whose modules are imported with the built-in experiments.
ENTRY_POINT_GROUP = "pgtheory.experiments"
#: Prefix of the names under which modules loaded from ``.py`` files are imported.
USER_MODULE_PREFIX = "pgtheory_user_"
#: Environment variable listing user modules (``os.pathsep``-separated) for worker processes.
MODULES_ENV = "PGTHEORY_EXPERIMENT_MODULES"


@dataclasses.dataclass(frozen=True)
class RunConfig:
    """Options of one experiment run.

    Attributes
    ----------
    quick : bool
        Small sizes for CI (the whole ``reproduce --quick`` must stay under 5 minutes on 2 cores).
    seeds : int or None
        Number of seeds for stochastic experiments (None: the experiment's default).
    out_dir : Path or None
        Where to write figures and data (CSV/JSON); None writes nothing.
    seed : int
        Base seed; per-run streams are spawned from it with ``numpy.random.SeedSequence``.
    progress : bool
        Show progress bars (only on a terminal).
    executor : concurrent.futures.Executor or None
        Where independent runs (seeds, instances, grid cells) are mapped by :meth:`map`; None
        runs them serially. Results do not depend on it (seeds are spawned before the map).
    params : dict
        Values of the check's declared parameters (``experiment(..., params={...})``) that differ
        from their defaults, e.g. set by ``pgtheory sweep --grid NAME=...``; read with
        :meth:`param`. Recorded in the report's settings (and compared on resume) when non-empty.
    """

    quick: bool = False
    seeds: int | None = None
    out_dir: Path | None = None
    seed: int = 0
    progress: bool = False
    executor: object | None = None
    params: dict = dataclasses.field(default_factory=dict)

    def __reduce__(self):
        # A config pickled to another process (a closure over it sent to a pool) travels without
        # its executor: executors do not pickle, and a worker must not submit to its parent's pool.
        state = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "executor"}
        return (_config_from_state, (state,))

    def map(self, fn, items) -> list:
        """``[fn(x) for x in items]`` on :attr:`executor` (serially when it is None), in order.

        Parameters
        ----------
        fn : callable
            One argument (see :func:`pgtheory.experiments.parallel_map` for what may be sent to a
            process pool).
        items : iterable
            Independent inputs whose randomness is already fixed (one ``SeedSequence`` child or
            Generator per item, spawned before the call).

        Returns
        -------
        list
            The results in the order of ``items``, identical whatever the executor.
        """
        return parallel_map(fn, items, self.executor)

    def param(self, name: str, default=None):
        """The value of the check parameter ``name`` for this run (``default`` when not set).

        Parameters
        ----------
        name : str
            A parameter the check declared with ``experiment(..., params={name: default})``.
        default : object, optional
            The check's default, returned when the run does not set ``name``.

        Returns
        -------
        object
        """
        return self.params.get(name, default)


def _config_from_state(state: dict) -> RunConfig:
    return RunConfig(**state)


@dataclasses.dataclass(frozen=True)
class Experiment:
    """A named check: ``name``, one-line ``title``, ``tags``, the ``run`` function, what it uses, and its sweepable ``params``.

    ``papers`` are the paper keys whose claims it tests (the first is the key its name starts
    with), ``bounds`` the registered bound ids and ``algorithms`` the public
    :mod:`pgtheory.algorithms` names it runs; ``replaces`` are its former names.
    ``params`` maps each parameter the check reads with :meth:`RunConfig.param` to its default
    (an int, float, bool or str); ``pgtheory sweep NAME --grid PARAM=v1,v2`` may vary them, as
    it may the run options ``quick``, ``seeds`` and ``seed``. Checks with the same non-empty
    ``shares`` key reuse one in-process cache of computed runs; ``run_all`` sends them to one worker
    together so that the cache is computed once.
    ``figure`` says whether the check has a figure: the script ``figures/<name with _>.py``,
    whose ``draw(folder)`` the runner calls on the check's output folder (see
    :func:`pgtheory.experiments.figure_script`).
    """

    name: str
    title: str
    run: Callable[[RunConfig], CheckReport]
    tags: tuple = ()
    papers: tuple = ()
    bounds: tuple = ()
    algorithms: tuple = ()
    replaces: tuple = ()
    params: dict = dataclasses.field(default_factory=dict)
    shares: str = ""
    figure: bool = True


_REGISTRY: dict[str, Experiment] = {}
#: Former experiment names: ``{old: new}`` (filled from ``replaces=``).
_RENAMED: dict[str, str] = {}
_LOADED = False


def experiment(name: str, title: str, tags: tuple = (), *, papers: tuple = (), bounds: tuple = (),
               algorithms: tuple = (), replaces: tuple = (), params: dict | None = None,
               shares: str = "", figure: bool = True) -> Callable:
    """Decorator registering ``run(config) -> CheckReport`` under ``name``.

    Parameters
    ----------
    name : str
        Unique name (``pgtheory check NAME``), lower case with dashes; built-in checks start with
        the key of the paper whose claim they test (``<author><year>-...``).
    title : str
        One line saying what is checked.
    tags : tuple of str
        Free-form tags (paper, topic).
    papers : tuple of str
        Paper keys whose claims the check tests, the key its name starts with first.
    bounds : tuple of str
        Registered bound ids the check uses (:func:`pgtheory.bounds.get_bound`).
    algorithms : tuple of str
        Names in :mod:`pgtheory.algorithms` the check runs.
    replaces : tuple of str
        Former names; :func:`get` resolves them with a :class:`DeprecationWarning`.
    params : dict, optional
        Parameters a sweep may vary, name -> default (int, float, bool or str); the check reads
        each with ``config.param(name, default)``. Names may not shadow the run options
        ``quick``, ``seeds``, ``seed``.
    shares : str, optional
        A key naming an in-process cache the check shares with other checks (e.g. runs computed
        once and read by two checks): checks with the same key run in one worker, one after the
        other, when ``run_all`` distributes checks over an executor.
    figure : bool
        Whether the check has a figure script ``figures/<name with - as _>.py`` (default True);
        ``run`` then writes the data it needs and the runner draws it. False for checks whose
        claims are the whole result.

    Returns
    -------
    callable
        The decorator; it returns the function unchanged.
    """

    declared = dict(params or {})
    for k, v in declared.items():
        if k in ("quick", "seeds", "seed") or not k.isidentifier():
            raise ValueError(f"experiment {name!r}: parameter name {k!r} is a run option or not an identifier; "
                             "choose another name.")
        if not isinstance(v, (bool, int, float, str)):
            raise ValueError(f"experiment {name!r}: parameter {k!r} has default {v!r}; give an int, float, bool "
                             "or str default.")

    def deco(fn: Callable[[RunConfig], CheckReport]) -> Callable[[RunConfig], CheckReport]:
        if name in _REGISTRY and _REGISTRY[name].run is not fn:
            raise ValueError(f"an experiment named {name!r} is already registered.")
        for old in replaces:
            if old in _REGISTRY or _RENAMED.get(old, name) != name:
                raise ValueError(f"experiment {name!r} replaces {old!r}, which names another experiment.")
        _REGISTRY[name] = Experiment(name=name, title=title, run=fn, tags=tuple(tags), papers=tuple(papers),
                                     bounds=tuple(bounds), algorithms=tuple(algorithms), replaces=tuple(replaces),
                                     params=declared, shares=str(shares), figure=bool(figure))
        _RENAMED.update((old, name) for old in replaces)
        return fn

    return deco


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    pkg = importlib.import_module("pgtheory.experiments")
    for mod in pkgutil.iter_modules(pkg.__path__):
        if not mod.name.startswith("_"):
            importlib.import_module(f"pgtheory.experiments.{mod.name}")
    _LOADED = True
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            ep.load()
        except Exception as exc:  # a broken plug-in must not hide the built-in checks
            logging.getLogger(__name__).error("entry point %s = %s (group %s) failed to load: %s",
                                              ep.name, ep.value, ENTRY_POINT_GROUP, exc)
    for spec in filter(None, os.environ.get(MODULES_ENV, "").split(os.pathsep)):
        load_module(spec)


_USER_MODULES: dict = {}


def _pickle_by_value(mod) -> None:
    """Let cloudpickle send a module loaded from a file by value: Dask and Ray workers cannot import it."""
    try:
        import cloudpickle  # lazy: optional; only Dask / Ray / process pools pickle closures
    except ImportError:
        return
    cloudpickle.register_pickle_by_value(mod)


def load_module(spec: str) -> list:
    """Import a user module that registers checks with :func:`experiment`; return their names.

    Parameters
    ----------
    spec : str
        An importable module name (``"mypkg.checks"``) or a path to a ``.py`` file
        (``"~/work/mychecks.py"``).

    Returns
    -------
    list of str
        Names of the experiments the module registered (sorted); loading the same module again
        returns the same names without importing it twice.

    Raises
    ------
    pgtheory.errors.ValidationError
        When ``spec`` is neither an existing ``.py`` file nor an importable module, when
        importing it raises, or when it registers a name that is already taken.
    """
    from ..errors import ValidationError

    spec = str(spec)
    path = Path(spec).expanduser()
    is_file = spec.endswith(".py") or path.is_file()
    ident = str(path.resolve()) if is_file else spec
    if ident in _USER_MODULES:
        return list(_USER_MODULES[ident])
    if is_file and not path.is_file():
        raise ValidationError(f"module: no file {spec!r}. Fix: give an existing .py file or an importable module "
                              f"name (--module mypkg.checks).")
    before = set(_REGISTRY)
    try:
        if is_file:
            from importlib import util as import_util

            name = USER_MODULE_PREFIX + "".join(c if c.isalnum() else "_" for c in path.stem)
            mspec = import_util.spec_from_file_location(name, path)
            mod = import_util.module_from_spec(mspec)
            sys.modules[name] = mod
            mspec.loader.exec_module(mod)
            _pickle_by_value(mod)
        else:
            importlib.import_module(spec)
    except ModuleNotFoundError as exc:
        if is_file or exc.name is None or not spec.startswith(exc.name):
            raise ValidationError(f"module {spec!r} failed to import: {type(exc).__name__}: {exc}. "
                                  f"Fix: install what it needs or correct the module.") from exc
        raise ValidationError(f"module: cannot import {spec!r} ({exc}). Fix: give a path to a .py file or a module "
                              f"name importable from here (check PYTHONPATH).") from exc
    except ValidationError:
        raise
    except Exception as exc:
        raise ValidationError(f"module {spec!r} failed to import: {type(exc).__name__}: {exc}. "
                              f"Fix: correct the module (experiment names must be unique; `pgtheory list`).") from exc
    names = sorted(set(_REGISTRY) - before)
    _USER_MODULES[ident] = names
    env = [s for s in os.environ.get(MODULES_ENV, "").split(os.pathsep) if s]
    if ident not in env:
        os.environ[MODULES_ENV] = os.pathsep.join([*env, ident])
    return names


def get(name: str) -> Experiment:
    """Return the experiment ``name`` (a former name resolves to its new one with a DeprecationWarning).

    Parameters
    ----------
    name : str
        A registered name (``pgtheory list``) or a former one (``Experiment.replaces``).

    Returns
    -------
    Experiment
        Its ``name`` is the current one.

    Raises
    ------
    KeyError
        When no experiment has this name, now or formerly.
    """
    _load()
    if name not in _REGISTRY and name in _RENAMED:
        new = _RENAMED[name]
        warnings.warn(f"experiment {name!r} was renamed {new!r} (one key per paper); the old name works for one "
                      f"more release. Fix: use {new!r}.", DeprecationWarning, stacklevel=2)
        return _REGISTRY[new]
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"no experiment {name!r}; available: {sorted(_REGISTRY)}") from None


def renamed() -> dict:
    """Former experiment names and their new ones, ``{old: new}``.

    Returns
    -------
    dict of str -> str
    """
    _load()
    return dict(_RENAMED)


def list_experiments() -> list[Experiment]:
    """All experiments, sorted by name."""
    _load()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def out_path(config: RunConfig, name: str) -> Path | None:
    """``config.out_dir / name`` with the directory created, or None when not writing.

    Parameters
    ----------
    config : RunConfig
    name : str
        File name (e.g. ``"mei2020_bandit.png"``).

    Returns
    -------
    pathlib.Path or None
    """
    if config.out_dir is None:
        return None
    p = Path(config.out_dir)
    p.mkdir(parents=True, exist_ok=True)
    return p / name
