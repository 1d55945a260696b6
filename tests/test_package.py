"""Package-level contracts: cheap import, public API, version consistency."""

import subprocess
import sys
from pathlib import Path

import pgtheory

ROOT = Path(__file__).resolve().parents[1]


#: Heavy or optional dependencies that ``import pgtheory`` must not load (each costs 0.1-1 s or needs a GPU).
HEAVY = ("numba", "scipy", "sympy", "matplotlib", "cvxpy", "cupy")


def test_import_loads_no_heavy_dependency():
    """Deterministic form of the import-time contract (< 0.05 s, measured by ``python -m benchmarks import``):
    a fresh interpreter's ``import pgtheory`` puts none of the heavy dependencies in ``sys.modules``."""
    code = ("import sys; import pgtheory; "
            f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.strip() == "", f"import pgtheory loaded heavy modules: {out.strip()}"
    # the check can fail: importing a subpackage that needs scipy is seen
    code = code.replace("import pgtheory;", "import pgtheory; import pgtheory.mdp;")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert "scipy" in out.strip().split(",")


def test_version_matches_citation():
    cff = (ROOT / "CITATION.cff").read_text()
    assert f"version: {pgtheory.__version__}" in cff


def test_all_names_resolve():
    for name in pgtheory.__all__:
        assert getattr(pgtheory, name) is not None
