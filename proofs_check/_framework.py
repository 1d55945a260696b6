"""Step registry and runner of ``proofs_check``.

A step is a function returning ``(ok, detail)`` -- ``ok`` a bool, ``detail`` a short string with
the evidence (the simplified expression, the worst slack found and where) -- registered with::

    @step("cen2022", "spi-identity", "eta = (1-gamma)/tau turns update (18) into soft policy iteration")
    def _():
        ...
        return ok, detail

Kinds of evidence (``style.md`` section 9.3): ``"symbolic"`` (SymPy proves an identity or
inequality), ``"exact"`` (exact rationals), ``"falsification"`` (a seeded search over small
instances tries to break an inequality and reports the worst slack; PASS means no counterexample
was found, not a proof).

Status: PASS, FAIL (``ok`` False: a finding), ERROR (the step raised: a bug in the check).
Exit status of :func:`main`: 1 if any ERROR (or any FAIL with ``--strict``), else 0.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import pkgutil
import time
import traceback
from pathlib import Path

__all__ = ["step", "STEPS", "StepResult", "run_all", "main"]


@dataclasses.dataclass(frozen=True)
class _Step:
    paper: str
    name: str
    claim: str
    kind: str
    fn: object


@dataclasses.dataclass(frozen=True)
class StepResult:
    """Outcome of one step: paper, step, claim, kind, status (PASS/FAIL/ERROR), detail, seconds."""

    paper: str
    step: str
    claim: str
    kind: str
    status: str
    detail: str
    seconds: float


STEPS: list = []


def step(paper: str, name: str, claim: str, kind: str = "symbolic"):
    """Register a proof step (decorator). The function takes no argument and returns ``(ok, detail)``."""

    def deco(fn):
        STEPS.append(_Step(paper, name, claim, kind, fn))
        return fn

    return deco


def _discover() -> None:
    pkg = importlib.import_module("proofs_check")
    for mod in sorted(m.name for m in pkgutil.iter_modules(pkg.__path__)):
        if not mod.startswith("_"):
            importlib.import_module(f"proofs_check.{mod}")


def run_all(papers=None) -> list:
    """Run every registered step (optionally only those of ``papers``) and return StepResults."""
    _discover()
    out = []
    for s in STEPS:
        if papers and s.paper not in papers:
            continue
        t0 = time.perf_counter()
        try:
            ok, detail = s.fn()
            status = "PASS" if bool(ok) else "FAIL"
        except Exception as exc:  # a broken check, not a finding
            status, detail = "ERROR", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
        out.append(StepResult(s.paper, s.name, s.claim, s.kind, status, str(detail), time.perf_counter() - t0))
    return out


def _table(results) -> str:
    lines = [f"{'paper':<14} {'step':<34} {'kind':<13} {'status':<6} detail", "-" * 120]
    for r in results:
        first = r.detail.splitlines()[0] if r.detail else ""
        lines.append(f"{r.paper:<14} {r.step:<34} {r.kind:<13} {r.status:<6} {first}")
    return "\n".join(lines)


def main(argv=None) -> int:
    """Command line of ``python -m proofs_check``; returns the exit status."""
    p = argparse.ArgumentParser(prog="python -m proofs_check", description=__doc__.splitlines()[0])
    p.add_argument("--paper", nargs="+", default=None, help="only these papers (module names)")
    p.add_argument("--json", type=Path, default=None, help="write the results as JSON")
    p.add_argument("--markdown", type=Path, default=None, help="write a markdown table")
    p.add_argument("--strict", action="store_true", help="exit 1 when a step FAILs")
    args = p.parse_args(argv)
    res = run_all(args.paper)
    print(_table(res))
    counts = {k: sum(r.status == k for r in res) for k in ("PASS", "FAIL", "ERROR")}
    print(f"\n{len(res)} steps: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    for r in res:
        if r.status != "PASS":
            print(f"\n{r.status}: {r.paper} / {r.step}: {r.claim}\n{r.detail}")
    if args.json:
        args.json.write_text(json.dumps([dataclasses.asdict(r) for r in res], indent=1))
    if args.markdown:
        md = ["| paper | step | kind | status | detail |", "|---|---|---|---|---|"]
        md += [f"| {r.paper} | {r.step} | {r.kind} | {r.status} | {r.detail.splitlines()[0] if r.detail else ''} |"
               for r in res]
        args.markdown.write_text("\n".join(md) + "\n")
    if counts["ERROR"] or (args.strict and counts["FAIL"]):
        return 1
    return 0
