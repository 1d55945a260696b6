r"""Compute-backend selection: ``"numpy"`` (reference), ``"numba"`` (CPU), ``"cupy"`` and ``"cuda"`` (GPU).

Every stochastic estimator in :mod:`pgtheory.estimators` takes a keyword-only
``backend="auto" | "numpy" | "numba" | "cupy" | "cuda"``. :func:`resolve_backend` turns that
string into the name of a backend that can actually run here:

* ``"numpy"`` -- the readable reference implementation (always available).
* ``"numba"`` -- JIT-compiled CPU kernels (``@njit(cache=True)``, ``prange`` over trajectories);
  compiled on first use and cached on disk.
* ``"cupy"`` -- the GPU through CuPy; needs the optional CuPy wheel (``pip install
  "pgtheory[cuda12]"``) and a visible device. When ``numba-cuda`` is installed too (it is, with
  that extra) the estimators run the CUDA kernels of ``"cuda"`` on CuPy arrays; where those do not
  apply (numba-cuda missing, or the per-thread scratch of one block larger than the kernels'
  memory budget: very large ``S * A`` or feature counts) they run the vectorised NumPy reference
  with ``xp = cupy`` (one kernel launch per array operation per step). The result's ``backend``
  field says which ran: ``"cuda"`` (kernels) or ``"cupy"`` (vectorised).
* ``"cuda"`` -- the CUDA kernels only (``numba.cuda``, from the ``numba-cuda`` package: one thread
  per trajectory, a counter-based Philox generator, per-block accumulation in shared memory),
  launched on CuPy arrays when CuPy is installed and on Numba device arrays otherwise. Needs
  ``numba-cuda`` and a CUDA device -- or Numba's CUDA simulator (``NUMBA_ENABLE_CUDASIM=1`` set
  before ``numba.cuda`` is first imported), which runs the same kernels on the CPU, slowly, for
  tests. Never chosen by ``"auto"`` (explicit only; ``"auto"`` picks ``"cupy"``, which uses the
  kernels when it can). A problem too large for the kernels raises
  :class:`~pgtheory.errors.InfeasibleSizeError` instead of falling back.
* ``"auto"`` -- the one rule used everywhere in pgtheory: ``"cupy"`` if CuPy imports *and* sees
  at least one CUDA device, else ``"numba"`` if Numba imports, else ``"numpy"``; with a
  ``size_hint`` (an estimate of the work of the call, in elementary operations) below
  ``min_size`` the compile / launch overhead is not worth paying and ``"auto"`` means
  ``"numpy"``, and ``allowed`` restricts the candidates (a routine without a GPU kernel passes
  ``allowed=("numba", "numpy")``).
* ``None`` -- the value of the environment variable ``PGTHEORY_BACKEND`` (default ``"auto"``).

Nothing heavy is imported at ``import pgtheory``: Numba, CuPy and ``numba.cuda`` are imported only
inside the functions below, the first time a backend is resolved or used (cf. PythonOT/POT#516);
``"auto"`` never imports ``numba.cuda``, and :func:`cuda_available` imports it only where a CUDA
driver library is present or the simulator is requested.

References
----------
The string-keyed registry follows ``get_backend`` of cvxpy's ``lin_ops/backends``; the lazy
GPU import follows the lesson of POT (``ot/backend.py``).
"""

from __future__ import annotations

import ctypes
import functools
import importlib.util
import os
import sys

from .errors import BackendUnavailableError, ValidationError

__all__ = ["BACKENDS", "resolve_backend", "available_backends", "numba_available", "cupy_available",
           "get_cupy", "ENV_VAR", "cuda_available"]

#: The backend names accepted by :func:`resolve_backend` (besides ``"auto"``).
BACKENDS = ("numpy", "numba", "cupy", "cuda")

#: Environment variable giving the default backend when ``backend=None``.
ENV_VAR = "PGTHEORY_BACKEND"

_CUPY_FIX = ("Fix: install the CuPy wheel matching your CUDA toolkit, e.g. `pip install cupy-cuda12x` "
             "(or `pip install 'pgtheory[cuda12]'`), make sure a CUDA device is visible "
             "(nvidia-smi), or pass backend='numba' / backend='numpy'.")


@functools.lru_cache(maxsize=1)
def numba_available() -> bool:
    """Return whether Numba can be imported (checked once, without compiling anything).

    Returns
    -------
    bool
        True when the ``numba`` package is installed.
    """
    return importlib.util.find_spec("numba") is not None


@functools.lru_cache(maxsize=1)
def _cupy_status() -> tuple[bool, str]:
    if importlib.util.find_spec("cupy") is None:
        return False, "CuPy is not installed."
    try:
        import cupy  # noqa: PLC0415 (lazy on purpose)

        n = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # ImportError, CUDARuntimeError, missing driver ...
        return False, f"CuPy is installed but unusable ({type(exc).__name__}: {exc})."
    if n < 1:
        return False, "CuPy is installed but sees no CUDA device."
    return True, f"CuPy with {n} CUDA device(s)."


def cupy_available() -> bool:
    """Return whether CuPy imports and sees at least one CUDA device (checked once, lazily).

    Returns
    -------
    bool
        True when ``backend="cupy"`` can run.
    """
    return _cupy_status()[0]


def get_cupy():
    """Import and return the ``cupy`` module, or raise :class:`~pgtheory.errors.BackendUnavailableError`.

    Returns
    -------
    module
        The ``cupy`` module.

    Raises
    ------
    pgtheory.errors.BackendUnavailableError
        When CuPy is missing or has no device; the message says how to fix it.
    """
    ok, why = _cupy_status()
    if not ok:
        raise BackendUnavailableError(f"backend='cupy' is unavailable: {why} {_CUPY_FIX}")
    import cupy  # noqa: PLC0415

    return cupy


_CUDA_FIX = ("Fix: `pip install numba-cuda` (or `pip install 'pgtheory[cuda12]'`, which also installs CuPy) "
             "on a machine with a CUDA device (nvidia-smi); to run the kernels on the CPU (slowly, for tests) "
             "set NUMBA_ENABLE_CUDASIM=1 before numba.cuda is first imported; or pass backend='cupy' / "
             "'numba' / 'numpy'.")


def _cuda_simulator_requested() -> bool:
    value = os.environ.get("NUMBA_ENABLE_CUDASIM", "").strip()
    try:
        return int(value or 0) != 0
    except ValueError:
        return False


@functools.lru_cache(maxsize=1)
def _cuda_driver_present() -> bool:
    """Whether the CUDA driver library loads (no driver initialisation, no numba import)."""
    names = ("nvcuda.dll",) if sys.platform == "win32" else ("libcuda.so.1", "libcuda.so", "libcuda.dylib")
    for name in names:
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return True
    return False


def _cuda_status() -> tuple[bool, str]:
    if importlib.util.find_spec("numba_cuda") is None:
        return False, "numba-cuda is not installed."
    if "numba.cuda" not in sys.modules and not _cuda_simulator_requested() and not _cuda_driver_present():
        # Importing numba.cuda here would fix the process to the real target (the simulator can no
        # longer be switched on later) only to find no driver: say so without importing it.
        return False, "no CUDA driver library (libcuda) and the simulator is off (NUMBA_ENABLE_CUDASIM unset)."
    try:
        from numba import cuda  # lazy: numba.cuda initialises the CUDA target

        ok = bool(cuda.is_available())
    except Exception as exc:  # ImportError, CudaSupportError, missing bindings ...
        return False, f"numba.cuda is installed but unusable ({type(exc).__name__}: {exc})."
    if not ok:
        return False, "numba.cuda sees no CUDA device."
    sim = "numba.cuda.simulator_init" in sys.modules
    return True, "the CUDA simulator (NUMBA_ENABLE_CUDASIM=1)." if sim else "numba.cuda with a CUDA device."


def cuda_available() -> bool:
    """Return whether ``backend="cuda"`` can run: numba-cuda with a CUDA device, or its simulator.

    Imports ``numba.cuda`` only when a CUDA driver library is present or ``NUMBA_ENABLE_CUDASIM``
    is set (so a CPU-only process stays free to turn the simulator on later). Not cached: the
    simulator can be requested after the first call.

    Returns
    -------
    bool
        True when the CUDA kernels can be launched (on a device, or simulated on the CPU).
    """
    return _cuda_status()[0]


def available_backends() -> tuple[str, ...]:
    """Return the backends that can run on this machine, in order of preference for ``"auto"``.

    Returns
    -------
    tuple of str
        A subset of ``("cupy", "numba", "numpy")``; always contains ``"numpy"``.
    """
    out = []
    if cupy_available():
        out.append("cupy")
    if numba_available():
        out.append("numba")
    out.append("numpy")
    return tuple(out)


def resolve_backend(backend: str | None = None, *, size_hint: float | None = None, min_size: float = 0.0,
                    allowed: tuple | None = None) -> str:
    """Resolve a backend request to the name of a backend that can run here.

    Parameters
    ----------
    backend : {"auto", "numpy", "numba", "cupy", "cuda"} or None
        ``None`` reads the environment variable ``PGTHEORY_BACKEND`` (default ``"auto"``).
        ``"auto"`` picks the first of ``"cupy"`` (CuPy imports and sees a CUDA device),
        ``"numba"`` (Numba is installed), ``"numpy"`` that is in ``allowed`` -- unless
        ``size_hint < min_size``, when it picks ``"numpy"`` (small work: compiling or launching a
        kernel costs more than it saves).
    size_hint : float, optional
        Estimated work of the call (e.g. iterations for an exact loop, trajectories x steps for an
        estimator). ``None``: large.
    min_size : float
        Threshold of ``size_hint`` below which ``"auto"`` means ``"numpy"``.
    allowed : tuple of str, optional
        Backends the caller implements (default all of :data:`BACKENDS`). An explicit request for a
        backend outside it raises.

    Returns
    -------
    str
        One of ``"numpy"``, ``"numba"``, ``"cupy"``, ``"cuda"`` (the last only when requested explicitly).

    Raises
    ------
    pgtheory.errors.ValidationError
        For an unknown name (also when it comes from ``PGTHEORY_BACKEND``).
    pgtheory.errors.BackendUnavailableError
        When ``"cupy"``, ``"cuda"`` or ``"numba"`` is requested explicitly but cannot run.

    Examples
    --------
    >>> from pgtheory.backend import resolve_backend
    >>> resolve_backend("numpy")
    'numpy'
    """
    source = "backend"
    if backend is None:
        backend = os.environ.get(ENV_VAR, "auto") or "auto"
        source = f"environment variable {ENV_VAR}"
    if not isinstance(backend, str):
        raise ValidationError(f"backend must be a string; got {backend!r}. "
                              f"Fix: pass one of 'auto', 'numpy', 'numba', 'cupy', 'cuda'.")
    name = backend.strip().lower()
    allowed = BACKENDS if allowed is None else tuple(allowed)
    if name == "auto":
        if size_hint is not None and size_hint < min_size:
            return "numpy"
        # first of cupy, numba, numpy that the caller implements and that runs here; availability is
        # probed only for allowed candidates (a NumPy-only loop never imports CuPy)
        probes = {"cupy": cupy_available, "numba": numba_available, "numpy": lambda: True}
        return next((b for b in ("cupy", "numba", "numpy") if b in allowed and probes[b]()), "numpy")
    if name not in allowed and name in BACKENDS:
        raise ValidationError(f"backend={backend!r} is not implemented here (from {source}). "
                              f"Fix: use one of 'auto', {', '.join(repr(b) for b in allowed)}.")
    if name not in BACKENDS:
        raise ValidationError(f"unknown backend {backend!r} (from {source}). "
                              f"Fix: use one of 'auto', 'numpy', 'numba', 'cupy', 'cuda'.")
    if name == "cupy":
        get_cupy()
    elif name == "cuda":
        ok, why = _cuda_status()
        if not ok:
            raise BackendUnavailableError(f"backend='cuda' is unavailable: {why} {_CUDA_FIX}")
    elif name == "numba" and not numba_available():
        raise BackendUnavailableError("backend='numba' is unavailable: Numba is not installed. "
                                      "Fix: `pip install numba`, or pass backend='numpy'.")
    return name
