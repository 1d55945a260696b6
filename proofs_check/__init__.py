"""Checks that papers' algebra is right, step by step (not collected by pytest).

Run ``python -m proofs_check`` for a per-step report (paper, step, status, detail). Each module
``proofs_check/<paper>.py`` registers steps with :func:`proofs_check._framework.step`; modules are
discovered automatically. A FAIL is a finding about a paper's statement (or our reading of it) to
route to the theory owner, not a crash: the runner prints it and exits 0 unless ``--strict``.
It exits 1 when a step raises (an ERROR: the check itself is broken).
"""

from ._framework import STEPS, StepResult, run_all, step

__all__ = ["STEPS", "StepResult", "run_all", "step"]
