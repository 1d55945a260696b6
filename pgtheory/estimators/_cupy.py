r"""CuPy backend: the NumPy reference run with CuPy as the array module (correct by construction).

:func:`run` moves the sampling tables to the device, derives a device generator from the
caller's ``rng`` through :class:`numpy.random.SeedSequence`, runs
:func:`pgtheory.estimators._reference.run` with ``xp = cupy`` (vectorised over all trajectories
alive at a step, one kernel launch per array operation) in large blocks, and copies the mean,
sums of squares, returns and lengths back to the host. CuPy is imported only inside :func:`run`
(lazily, through :func:`pgtheory.backend.get_cupy`).

The same code runs with ``xp = numpy`` (``run(..., xp=numpy)``), which is how the glue is tested
on machines without a GPU; the GPU tests (``@pytest.mark.gpu``) compare the device results with
the NumPy reference in distribution.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from . import _reference
from ..backend import get_cupy
from ._tables import EnvTable, PolicyMap

__all__: list[str] = []

#: Entries of the per-block weight matrix ``W`` (block x S*A) kept on the device at once.
BLOCK_ENTRIES = 20_000_000


class _DeviceRng:
    """Adapter exposing ``random(size)`` for CuPy's Generator (CuPy >= 11) or RandomState."""

    def __init__(self, xp, seed: int):
        self._gen = None
        if hasattr(xp.random, "default_rng"):
            try:
                self._gen = xp.random.default_rng(seed)
            except (TypeError, NotImplementedError):  # pragma: no cover - old CuPy
                self._gen = None
        if self._gen is None:  # pragma: no cover - old CuPy
            self._rs = xp.random.RandomState(seed)

    def random(self, size):
        if self._gen is not None:
            return self._gen.random(size)
        return self._rs.random_sample(size)  # pragma: no cover


def _to_host(x, xp):
    if x is None:
        return None
    return x.get() if hasattr(x, "get") and xp is not np else np.asarray(x)


def run(env: EnvTable, sample_pi: np.ndarray, pmap: PolicyMap, n: int, *, est_mode: int, b_tab, b_const,
        ratio=None, hvp=None, rng=None, start_states=None, start_actions=None, keep_samples: bool = False,
        xp=None) -> dict:
    """CuPy counterpart of :func:`pgtheory.estimators._reference.run` (host inputs, host outputs)."""
    if xp is None:
        xp = get_cupy()
    seed = int(np.random.SeedSequence(int(rng.integers(0, 2**63 - 1))).generate_state(1, dtype=np.uint64)[0]
               >> np.uint64(1))
    dev_rng = _DeviceRng(xp, seed)
    denv = dataclasses.replace(env, rho_cum=xp.asarray(env.rho_cum), p_indptr=xp.asarray(env.p_indptr),
                               p_indices=xp.asarray(env.p_indices), p_cum=xp.asarray(env.p_cum),
                               r=xp.asarray(env.r))
    dhvp = None if hvp is None else (xp.asarray(hvp[0]), xp.asarray(hvp[1]))
    block = max(1, min(n, BLOCK_ENTRIES // max(pmap.d, env.S * env.A, 1)))
    out = _reference.run(denv, sample_pi, pmap, n, est_mode=est_mode, b_tab=xp.asarray(b_tab), b_const=b_const,
                         ratio=None if ratio is None else xp.asarray(ratio), hvp=dhvp, rng=dev_rng,
                         start_states=None if start_states is None else xp.asarray(start_states),
                         start_actions=None if start_actions is None else xp.asarray(start_actions),
                         keep_samples=keep_samples, block=block, xp=xp)
    return {k: _to_host(v, xp) for k, v in out.items()}
