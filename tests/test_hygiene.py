"""Repository hygiene: no comparison whose result is thrown away in tests or proof checks."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BARE = re.compile(r"^\s*(np|numpy)\.(allclose|isclose|array_equal)\(")


def test_no_bare_comparisons():
    offenders = []
    for folder in ("tests", "proofs_check"):
        for path in (ROOT / folder).rglob("*.py"):
            for i, line in enumerate(path.read_text().splitlines(), 1):
                if BARE.match(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{i}: {line.strip()}")
    assert not offenders, "comparisons computed and thrown away:\n" + "\n".join(offenders)


def test_numba_kernels_are_cached():
    """Every @njit / @numba.jit in the package passes cache=True (compiled once per machine)."""
    offenders = []
    for path in (ROOT / "pgtheory").rglob("*.py"):
        for i, line in enumerate(path.read_text().splitlines(), 1):
            s = line.strip()
            if re.match(r"@(numba\.)?(njit|jit)\b", s) and "cache=True" not in s:
                offenders.append(f"{path.relative_to(ROOT)}:{i}: {s}")
    assert not offenders, "numba kernels without cache=True:\n" + "\n".join(offenders)
