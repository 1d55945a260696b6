"""Named end-to-end checks (problem, algorithm, oracle, bound, defaults).

Public API
----------
RunConfig, Experiment, experiment, get, list_experiments, out_path, load_module, renamed
    Registry of named checks; ``load_module`` imports a user module of checks (``--module``);
    ``renamed`` maps former check names to their new ones (one key per paper).
paper_map, PaperPlaces, format_map
    Where each paper key lives (catalog module, experiments, figures, proofs_check, tests,
    algorithms, BibTeX key), computed from the code (``pgtheory list --map``).
run_one, run_all, format_table, report_from_claims, report_from_checks
    Running checks (atomic report files, resume, any ``concurrent.futures`` executor) and
    building their reports.
load_report, run_settings, format_reasons
    Reading a ``report.json`` back, the settings a report records (and resume compares), and the
    printed claim-by-claim reasons.
write_data_csv, write_data_json, figures_dir, figure_script, draw_report_figures, figure_main, figure_caption, FIGURES_ENV, default_formats
    Experiments compute, figures draw: a check writes the data its figure needs; the runner
    finds its script ``figures/<name>.py`` and calls its ``draw(folder)``; the scripts' command
    line and verdict captions (``docs/explanation/architecture.md``).
parallel_map, open_executor, SerialExecutor, default_workers, parse_executor
    The executor seam: map independent runs (seeds, instances, checks, cells) over any
    ``concurrent.futures.Executor`` (serial, threads, processes, Dask, Ray); results do not depend on it.
sweep, load_sweep, SweepResult, parse_grid
    A check over a grid of its settings, streamed to an append-only store that a rerun resumes.
"""

from ._papers import PaperPlaces, format_map, paper_map
from ._registry import Experiment, RunConfig, experiment, get, list_experiments, load_module, out_path, renamed
from ._runner import (format_reasons, format_table, load_report, report_from_checks,
                      report_from_claims, run_all, run_one, run_settings)
from ._figures import FIGURES_ENV, figure_script, figures_dir
from ._runner import default_formats, draw_report_figures, write_data_csv, write_data_json
from ._script import figure_caption, figure_main

from ._parallel import SerialExecutor, default_workers, open_executor, parallel_map, parse_executor
from ._sweep import SweepResult, load_sweep, parse_grid, sweep

__all__ = ["RunConfig", "Experiment", "experiment", "get", "list_experiments", "out_path", "load_module",
           "run_one", "run_all", "format_table", "report_from_claims", "report_from_checks",
           "load_report", "run_settings", "format_reasons", "renamed", "paper_map",
           "PaperPlaces", "format_map"]
__all__ += ["parallel_map", "open_executor", "SerialExecutor", "default_workers", "parse_executor", "sweep", "load_sweep",
            "SweepResult", "parse_grid"]
__all__ += ["write_data_csv", "write_data_json", "figures_dir", "figure_script", "draw_report_figures",
            "figure_main", "figure_caption", "FIGURES_ENV", "default_formats"]
