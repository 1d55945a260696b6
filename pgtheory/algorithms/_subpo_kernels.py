"""Numba kernel of the simplex projection of :func:`pgtheory.algorithms.projected_gradient_ascent`
(imported on first use).

Mirrors the NumPy reference ``subpo._project_simplex`` operation by operation, in the same
floating-point order (sort, sequential cumulative sum, the same divisions, ``np.maximum``'s
``+0.0`` for ``max(-0.0, 0.0)`` and its NaN propagation), so the two agree bit for bit (tested in
``tests/submodular/test_subrl_kernels.py``). Arrays only.
"""

import numpy as np
from numba import njit


@njit(cache=True)
def project_simplex_rows(y):
    """Euclidean projection of each row of ``y`` (m, n) on the probability simplex."""
    m, n = y.shape
    out = np.empty((m, n))
    u = np.empty(n)
    css = np.empty(n)
    for i in range(m):
        s = np.sort(y[i])
        for j in range(n):
            u[j] = s[n - 1 - j]                 # descending
        acc = u[0]
        css[0] = acc - 1.0
        for j in range(1, n):
            acc += u[j]
            css[j] = acc - 1.0
        r = n - 1                               # argmax of an all-False reversed row is 0
        for j in range(n - 1, -1, -1):
            if u[j] - css[j] / (j + 1) > 0:
                r = j
                break
        tau = css[r] / (r + 1)
        for j in range(n):
            v = y[i, j] - tau
            out[i, j] = v if (v > 0.0 or v != v) else 0.0
    return out
