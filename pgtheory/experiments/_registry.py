"""Registry of named end-to-end checks (what ``pgtheory check NAME`` runs).

An experiment is a function ``run(config: RunConfig) -> CheckReport`` registered with
:func:`experiment`.  Modules in ``pgtheory/experiments/`` whose names do not start with an
underscore are imported on first use of :func:`get` / :func:`list_experiments`, so adding a
check is adding one module.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from pathlib import Path
from typing import Callable

from ..results import CheckReport

__all__ = ["RunConfig", "Experiment", "experiment", "get", "list_experiments"]


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
        Where to write figures (PNG + PDF) and data (CSV/JSON); None writes nothing.
    seed : int
        Base seed; per-run streams are spawned from it with ``numpy.random.SeedSequence``.
    progress : bool
        Show progress bars (only on a terminal).
    executor : concurrent.futures.Executor or None
        Where independent runs (seeds, instances) may be mapped; None runs serially.
    """

    quick: bool = False
    seeds: int | None = None
    out_dir: Path | None = None
    seed: int = 0
    progress: bool = False
    executor: object | None = None


@dataclasses.dataclass(frozen=True)
class Experiment:
    """A named check: ``name``, one-line ``title``, ``tags``, and the ``run`` function."""

    name: str
    title: str
    run: Callable[[RunConfig], CheckReport]
    tags: tuple = ()


_REGISTRY: dict[str, Experiment] = {}
_LOADED = False


def experiment(name: str, title: str, tags: tuple = ()) -> Callable:
    """Decorator registering ``run(config) -> CheckReport`` under ``name``.

    Parameters
    ----------
    name : str
        Unique name (``pgtheory check NAME``), lower case with dashes.
    title : str
        One line saying what is checked.
    tags : tuple of str
        Free-form tags (paper, topic).

    Returns
    -------
    callable
        The decorator; it returns the function unchanged.
    """

    def deco(fn: Callable[[RunConfig], CheckReport]) -> Callable[[RunConfig], CheckReport]:
        if name in _REGISTRY and _REGISTRY[name].run is not fn:
            raise ValueError(f"an experiment named {name!r} is already registered.")
        _REGISTRY[name] = Experiment(name=name, title=title, run=fn, tags=tuple(tags))
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


def get(name: str) -> Experiment:
    """Return the experiment ``name``."""
    _load()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"no experiment {name!r}; available: {sorted(_REGISTRY)}") from None


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
