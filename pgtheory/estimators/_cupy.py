r"""CuPy backend: the CUDA kernels on CuPy arrays where they apply, else the NumPy reference run with
CuPy as the array module.

:func:`run` first tries the CUDA kernels of :mod:`pgtheory.estimators._cuda` (``numba.cuda``, from
the ``numba-cuda`` package), launched on CuPy arrays: they apply to every estimator mode whenever
numba-cuda is installed and the per-thread scratch of one block fits the kernels' memory budget
(:func:`pgtheory.estimators._cuda.plan`; it does not for very large ``S * A`` with the softmax or
very many features with a score table). Otherwise it falls back on the vectorised path: it moves
the sampling tables to the device, derives a device generator from the caller's ``rng`` through
:class:`numpy.random.SeedSequence`, runs :func:`pgtheory.estimators._reference.run` with
``xp = cupy`` (vectorised over all trajectories alive at a step, one kernel launch per array
operation) in large blocks, and copies the mean, sums of squares, returns and lengths back to the
host. The returned dict says which path ran (``"backend"``: ``"cuda"`` or ``"cupy"``). CuPy is
imported only inside :func:`run` (lazily, through :func:`pgtheory.backend.get_cupy`), numba.cuda
only when the kernels are tried.

The same code runs with ``xp = numpy`` (``run(..., xp=numpy)``, vectorised path), which is how the
glue is tested on machines without a GPU; with ``kernels=True`` and ``xp = numpy`` under the CUDA
simulator it exercises the kernel path and its fallback. The GPU tests (``@pytest.mark.gpu``)
compare the device results with the NumPy reference in distribution.
"""

from __future__ import annotations

import dataclasses
import logging

import numpy as np

from . import _reference
from ..backend import cuda_available, get_cupy
from ._tables import EnvTable, PolicyMap

__all__: list[str] = []

_log = logging.getLogger(__name__)

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
        xp=None, kernels: bool | None = None) -> dict:
    """CuPy counterpart of :func:`pgtheory.estimators._reference.run` (host inputs, host outputs).

    ``kernels``: try the CUDA kernels first (default: when ``xp`` is CuPy and numba-cuda can launch
    on a device); ``False`` forces the vectorised path. The result has ``"backend"`` = ``"cuda"`` when
    the kernels ran, ``"cupy"`` otherwise.
    """
    if xp is None:
        xp = get_cupy()
    if kernels is None:
        kernels = xp is not np and cuda_available()
    if kernels:
        from . import _cuda  # lazy: numba.cuda kernels (numba-cuda)

        if _cuda.simulator() and xp is not np:
            _log.info("CUDA kernels skipped: numba.cuda is the simulator, which cannot read CuPy arrays.")
        else:
            geo = _cuda.plan(env, pmap, n, hvp=hvp is not None)
            if geo is not None:
                out = _cuda.run(env, sample_pi, pmap, n, est_mode=est_mode, b_tab=b_tab, b_const=b_const,
                                ratio=ratio, hvp=hvp, rng=rng, start_states=start_states,
                                start_actions=start_actions, keep_samples=keep_samples, xp=xp, geometry=geo)
                return {**out, "backend": "cuda"}
            _log.info("CUDA kernels do not apply (scratch of one block > %d bytes for S=%d, A=%d, d=%d): "
                      "vectorised CuPy path.", _cuda.SCRATCH_BYTES, env.S, env.A, pmap.d)
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
    return {**{k: _to_host(v, xp) for k, v in out.items()}, "backend": "cupy"}
