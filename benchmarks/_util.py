"""Timing and table helpers shared by the benchmark modules."""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["best_time", "interleaved_times", "table"]


def best_time(fn: Callable[[], object], repeat: int = 3, min_total: float = 0.0) -> tuple[float, object]:
    """Minimum wall time of ``repeat`` calls (the least-disturbed run on a shared machine) and the last result."""
    best, out, total, n = float("inf"), None, 0.0, 0
    while n < repeat or total < min_total:
        t0 = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t0
        best, total, n = min(best, dt), total + dt, n + 1
    return best, out


def interleaved_times(fns: dict[str, Callable[[], object]], repeat: int = 3) -> tuple[dict, dict]:
    """Time each function ``repeat`` times in round-robin order (so load spikes hit all alike).

    Returns ``(best_times, last_results)``.
    """
    best = {k: float("inf") for k in fns}
    res = {}
    for _ in range(repeat):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            res[k] = fn()
            best[k] = min(best[k], time.perf_counter() - t0)
    return best, res


def table(rows: list[dict], columns: list[str] | None = None) -> str:
    """Format a list of dicts as an aligned text table (floats with 4 significant digits)."""
    if not rows:
        return "(no rows)"
    columns = columns or list(rows[0])

    def fmt(v):
        if isinstance(v, float):
            return f"{v:.3g}" if (abs(v) < 1e-3 or abs(v) >= 1e4) and v != 0 else f"{v:.4g}"
        return str(v)

    cells = [[fmt(r.get(c, "")) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    line = "  ".join(c.rjust(w) for c, w in zip(columns, widths))
    sep = "  ".join("-" * w for w in widths)
    body = "\n".join("  ".join(v.rjust(w) for v, w in zip(row, widths)) for row in cells)
    return f"{line}\n{sep}\n{body}"
