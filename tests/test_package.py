"""Package-level contracts: cheap import, public API, version consistency."""

import subprocess
import sys
from pathlib import Path

import pgtheory

ROOT = Path(__file__).resolve().parents[1]


def test_import_is_fast_and_lazy():
    code = ("import time, sys; t=time.perf_counter(); import pgtheory; dt=time.perf_counter()-t; "
            "heavy=[m for m in ('numba','cupy','cvxpy','matplotlib','sympy') if m in sys.modules]; "
            "print(dt); print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert float(out[0]) < 0.5, f"import pgtheory took {out[0]} s"
    assert out[1] == "", f"import pgtheory imported heavy modules: {out[1]}"


def test_version_matches_citation():
    cff = (ROOT / "CITATION.cff").read_text()
    assert f"version: {pgtheory.__version__}" in cff


def test_all_names_resolve():
    for name in pgtheory.__all__:
        assert getattr(pgtheory, name) is not None
