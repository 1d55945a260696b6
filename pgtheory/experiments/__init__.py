"""Named end-to-end checks (problem, algorithm, oracle, bound, defaults).

Public API
----------
RunConfig, Experiment, experiment, get, list_experiments
"""

from ._registry import Experiment, RunConfig, experiment, get, list_experiments, out_path

__all__ = ["RunConfig", "Experiment", "experiment", "get", "list_experiments", "out_path"]
