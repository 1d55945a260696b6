r"""Compute-backend selection: ``"numpy"`` (reference), ``"numba"`` (CPU kernels), ``"cupy"`` (GPU).

Every stochastic estimator in :mod:`pgtheory.estimators` takes a keyword-only
``backend="auto" | "numpy" | "numba" | "cupy"``. :func:`resolve_backend` turns that string
into the name of a backend that can actually run here:

* ``"numpy"`` -- the readable reference implementation (always available).
* ``"numba"`` -- JIT-compiled CPU kernels (``@njit(cache=True)``, ``prange`` over trajectories);
  compiled on first use and cached on disk.
* ``"cupy"`` -- the same vectorised algorithm on a CUDA device; needs the optional CuPy wheel
  (``pip install "pgtheory[cuda12]"``) and a visible device.
* ``"auto"`` -- the one rule used everywhere in pgtheory: ``"cupy"`` if CuPy imports *and* sees
  at least one CUDA device, else ``"numba"`` if Numba imports, else ``"numpy"``; with a
  ``size_hint`` (an estimate of the work of the call, in elementary operations) below
  ``min_size`` the compile / launch overhead is not worth paying and ``"auto"`` means
  ``"numpy"``, and ``allowed`` restricts the candidates (a routine without a GPU kernel passes
  ``allowed=("numba", "numpy")``).
* ``None`` -- the value of the environment variable ``PGTHEORY_BACKEND`` (default ``"auto"``).

Nothing heavy is imported at ``import pgtheory``: Numba and CuPy are imported only inside the
functions below, the first time a backend is resolved or used (cf. PythonOT/POT#516).

References
----------
The string-keyed registry follows ``get_backend`` of cvxpy's ``lin_ops/backends``; the lazy
GPU import follows the lesson of POT (``ot/backend.py``).
"""

from __future__ import annotations

import functools
import importlib.util
import os

from .errors import BackendUnavailableError, ValidationError

__all__ = ["BACKENDS", "resolve_backend", "available_backends", "numba_available", "cupy_available",
           "get_cupy", "ENV_VAR"]

#: The backend names accepted by :func:`resolve_backend` (besides ``"auto"``).
BACKENDS = ("numpy", "numba", "cupy")

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
    backend : {"auto", "numpy", "numba", "cupy"} or None
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
        One of ``"numpy"``, ``"numba"``, ``"cupy"``.

    Raises
    ------
    pgtheory.errors.ValidationError
        For an unknown name (also when it comes from ``PGTHEORY_BACKEND``).
    pgtheory.errors.BackendUnavailableError
        When ``"cupy"`` or ``"numba"`` is requested explicitly but cannot run.

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
                              f"Fix: pass one of 'auto', 'numpy', 'numba', 'cupy'.")
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
                              f"Fix: use one of 'auto', 'numpy', 'numba', 'cupy'.")
    if name == "cupy":
        get_cupy()
    elif name == "numba" and not numba_available():
        raise BackendUnavailableError("backend='numba' is unavailable: Numba is not installed. "
                                      "Fix: `pip install numba`, or pass backend='numpy'.")
    return name
