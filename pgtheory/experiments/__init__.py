"""Named end-to-end checks (problem, algorithm, oracle, bound, defaults).

Public API
----------
RunConfig, Experiment, experiment, get, list_experiments, out_path, load_module, renamed
    Registry of named checks; ``load_module`` imports a user module of checks (``--module``);
    ``renamed`` maps former check names to their new ones (one key per paper).
paper_map, PaperPlaces, format_map
    Where each paper key lives (catalog module, experiments, figures, proofs_check, tests,
    algorithms, BibTeX key), computed from the code (``pgtheory list --map``).
run_one, run_all, format_table, report_from_claims, report_from_checks, rate_check_figure
    Running checks (atomic report files, resume, any ``concurrent.futures`` executor) and
    building their reports and figures.
load_report, run_settings, format_reasons
    Reading a ``report.json`` back, the settings a report records (and resume compares), and the
    printed claim-by-claim reasons.
parallel_map, open_executor, SerialExecutor, default_workers, parse_executor
    The executor seam: map independent runs (seeds, instances, checks, cells) over any
    ``concurrent.futures.Executor`` (serial, threads, processes, Dask, Ray); results do not depend on it.
sweep, load_sweep, SweepResult, parse_grid
    A check over a grid of its settings, streamed to an append-only store that a rerun resumes.
"""

from ._papers import PaperPlaces, format_map, paper_map
from ._registry import Experiment, RunConfig, experiment, get, list_experiments, load_module, out_path, renamed
from ._runner import (format_reasons, format_table, load_report, rate_check_figure, report_from_checks,
                      report_from_claims, run_all, run_one, run_settings)

from ._parallel import SerialExecutor, default_workers, open_executor, parallel_map, parse_executor
from ._sweep import SweepResult, load_sweep, parse_grid, sweep

__all__ = ["RunConfig", "Experiment", "experiment", "get", "list_experiments", "out_path", "load_module",
           "run_one", "run_all", "format_table", "report_from_claims", "report_from_checks", "rate_check_figure",
           "load_report", "run_settings", "format_reasons", "renamed", "paper_map",
           "PaperPlaces", "format_map"]
__all__ += ["parallel_map", "open_executor", "SerialExecutor", "default_workers", "parse_executor", "sweep", "load_sweep",
            "SweepResult", "parse_grid"]
