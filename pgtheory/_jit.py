"""Serial twins of the parallel Numba kernels (imported only by the kernel modules, which import Numba).

A ``parallel=True`` kernel costs 1-4 s more to compile than the same function compiled without it
(measured with a ``numba:compile`` event listener on a cold cache: ``lqr_chunk`` 9.5 s against 5.3 s,
``pg_kernel`` 6.5 s against 3.8 s). A worker of ``pgtheory reproduce`` runs one Numba thread (the
process pool shares out the cores), and a run with a single seed or chunk uses one thread anyway, so
they would pay for a parallel compile they never use. :func:`serial_twin` compiles the same Python
function a second time without ``parallel`` (``prange`` is then ``range``), under its own name so
that the two have separate on-disk caches, and :func:`pick` chooses between them at call time.

The twins give the same results bit for bit: every task of a ``prange`` loop in these kernels
computes its own outputs from its own inputs (no reductions across tasks), with the same arithmetic
in both compilations (no ``fastmath``); ``tests/test_jit.py`` compares them on every kernel.
"""

from __future__ import annotations

import types

__all__ = ["serial_twin", "pick"]


def serial_twin(kernel, name: str):
    """The Python function of the Numba dispatcher ``kernel`` compiled with ``cache=True`` and
    without ``parallel``, named ``name`` (which also names its cache files, so they never collide
    with the parallel kernel's: Numba keys a cache by module, qualified name and first line)."""
    from numba import njit  # lazy: numba is optional; only the kernel modules call this

    f = kernel.py_func
    code = f.__code__.replace(co_name=name, co_qualname=name)
    g = types.FunctionType(code, f.__globals__, name, f.__defaults__, f.__closure__)
    g.__qualname__ = name
    g.__module__ = f.__module__
    g.__doc__ = f":func:`{f.__name__}` compiled without ``parallel`` (same results, one thread; see :mod:`pgtheory._jit`)."
    return njit(cache=True)(g)


def pick(parallel, serial, tasks: int):
    """``parallel`` when there is more than one task (seed, chunk, row block) and more than one Numba
    thread to run them on, else its :func:`serial_twin` ``serial``."""
    import numba  # lazy: numba is optional; only callers of the kernels get here

    return parallel if tasks > 1 and numba.get_num_threads() > 1 else serial
