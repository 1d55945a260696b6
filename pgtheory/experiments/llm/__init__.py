r"""LLM-RL estimator claims settled exactly on softmax bandits, one module per paper (``llm/<key>.py``).

Each check computes exact expectations (count-vector enumeration, the binary-reward weight, or
sums over arms) and states every sub-result as a **claim** checked by one primitive of
:mod:`pgtheory.ratecheck`: exact identities by :func:`~pgtheory.ratecheck.check_identity` with a
rounding tolerance derived from the computation (number of summed terms x eps x magnitude,
stated beside it), exact unbiasedness by :func:`~pgtheory.ratecheck.check_unbiased`
(``exact=True``), orderings (variances, weights, biases above rounding) by
:func:`~pgtheory.ratecheck.check_ordering` and inequalities over instances by
:func:`~pgtheory.ratecheck.check_inequality`. The report is made by
:func:`~pgtheory.experiments.report_from_claims`, so the headline is ``combine`` of the claims
(violated if any claim is violated, ...); this module computes evidence and states claims, it
decides no verdict.

What is a claim of the paper and what is ours
---------------------------------------------
A claim is *violated* only when the evidence shows the claim **as its source states it** fails.
Where the paper makes no statement and the package only measures a property (e.g. "BNPO's
expected gradient is biased for grad J"), the claim is stated as ours, with ``stated`` starting
"finding (ours, ...)", and the primitive checks the finding (e.g. that the bias exceeds the
rounding tolerance). Each claim's ``source`` carries the provenance of the statement (what was read):
*full text [V]*, *authors' code [C]*, *abstract [A]*, *third-party summary [T]*, *recalled [R]*,
*our derivation from the paper's formulas [I]*.

``details["subchecks"]`` keeps every sub-result's numbers (unchanged) and the rows of its
claims; ``docs/_gen_estimator_table.py`` turns them into the table of
``docs/explanation/estimator_claims.md``.

Layout
------
One module per paper, named by its key (``shao2024``, ``liu2025``, ...): the check function and
one :func:`register_check` call, whose check name starts with the key of the paper whose claim it
tests first (the other papers are in ``papers=``). This package imports every module in it, so
adding a paper is adding ``llm/<key>.py``; the shared tolerances, claim sources and the
registration are in the private ``_common.py``.

Public API
----------
ALL_CHECKS, compute_checks, check_claims, verdict_caption, register_check
    The registered checks ``{name: (function, title, source)}``, running them all (the docs
    table), a result's claims, the headline and caption of a list of claims, and registering one
    more check.
"""

from __future__ import annotations

import importlib
import pkgutil

from ._common import ALL_CHECKS, check_claims, compute_checks, register_check, verdict_caption

__all__ = ["ALL_CHECKS", "compute_checks", "check_claims", "verdict_caption", "register_check"]

for _mod in pkgutil.iter_modules(__path__):
    if not _mod.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_mod.name}")
del _mod
