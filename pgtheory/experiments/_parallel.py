r"""The executor seam: map independent runs (checks, seeds, instances, sweep cells) over any executor.

Everything that loops over independent runs calls :func:`parallel_map` (or
:meth:`RunConfig.map <pgtheory.experiments.RunConfig.map>`) with a
:class:`concurrent.futures.Executor` or None (serial). Randomness is fixed **before** the map:
the caller spawns one :class:`numpy.random.SeedSequence` child (or one Generator built from it)
per item, so each item's result depends only on its own stream and the results are identical,
bitwise, whatever the executor and however many workers it has. Results come back in the
order of ``items``.

Executors by name (:func:`open_executor`, the ``--executor`` option of ``pgtheory reproduce``
and ``pgtheory sweep``):

``serial``
    In this process, one item after the other (:class:`SerialExecutor`).
``thread``
    :class:`concurrent.futures.ThreadPoolExecutor` (only useful for code that releases the GIL).
``process`` (the default of the command line)
    :class:`concurrent.futures.ProcessPoolExecutor` with ``workers`` processes. Each worker gets
    ``cores // workers`` threads for parallel Numba kernels (so their kernels never run more
    threads than cores). The same count goes to ``OPENBLAS_NUM_THREADS`` / ``OMP_NUM_THREADS`` /
    ``MKL_NUM_THREADS``, which a BLAS reads only when it is loaded: a worker forked after NumPy was
    imported keeps the parent's BLAS thread count. That is kept on purpose: BLAS reductions round
    differently with another thread count, and reports must not depend on ``--workers``. Workers ignore SIGINT (Ctrl-C reaches the whole process group; the
    parent decides) and are terminated by the parent when the run is interrupted.
``dask`` / ``dask=ADDRESS``
    Dask distributed (extra ``pgtheory[dask]``): a ``distributed.LocalCluster`` with ``workers``
    single-threaded worker processes (each with ``cores // workers`` threads for parallel Numba
    kernels, as in the process pool), or the scheduler at ``ADDRESS``
    (``dask=tcp://10.0.0.1:8786``); the executor is ``Client.get_executor()``.
``ray`` / ``ray=ADDRESS``
    Ray (extra ``pgtheory[ray]``): ``ray.init(num_cpus=workers)`` or ``ray.init(address=ADDRESS)``;
    each item is one remote task, whose ObjectRef's future is returned.

Functions sent to a process pool are pickled with :mod:`cloudpickle` when it is installed (it
comes with the dask and ray extras), so closures work there as they do on Dask and Ray; without
it they must be module-level functions or :func:`functools.partial` objects of them.

Nested pools do not multiply processes: ``run_all`` sends whole checks to the executor and runs
the seeds inside each check serially in its worker (``RunConfig.executor`` is None there); a
single check (``pgtheory check``, ``reproduce --only NAME``) gets the executor for its seeds.

Interruption: when the code waiting on the map is interrupted (KeyboardInterrupt from Ctrl-C,
or SIGTERM turned into one by the command line), pending items are cancelled and, on leaving
:func:`open_executor`, the workers are stopped without waiting for running items (process pool:
children terminated; Dask: futures cancelled, cluster closed; Ray: tasks force-cancelled,
``ray.shutdown()``). What had finished and was written stays written.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import os
import pickle
import signal
import sys
import threading
from pathlib import Path

from ..errors import ValidationError

__all__ = ["parallel_map", "open_executor", "SerialExecutor", "parse_executor", "default_workers",
           "EXECUTOR_KINDS", "abort_executor"]

log = logging.getLogger(__name__)

#: Executor kinds accepted by :func:`open_executor` (``dask`` and ``ray`` take ``=ADDRESS``).
EXECUTOR_KINDS = ("serial", "thread", "process", "dask", "ray")


def default_workers() -> int:
    """The number of CPU cores this process may use (``os.sched_getaffinity``; ``os.cpu_count`` elsewhere).

    Returns
    -------
    int
        At least 1.
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class SerialExecutor(cf.Executor):
    """An executor that runs each submitted call at once, in this process and thread.

    ``submit`` returns an already finished :class:`concurrent.futures.Future` (holding the
    result or the exception); ``KeyboardInterrupt`` and ``SystemExit`` are not caught.
    """

    def __init__(self):
        self._shutdown = False

    def submit(self, fn, /, *args, **kwargs):
        """Run ``fn(*args, **kwargs)`` now.

        Parameters
        ----------
        fn : callable
        *args, **kwargs
            Its arguments.

        Returns
        -------
        concurrent.futures.Future
            Finished.
        """
        if self._shutdown:
            raise RuntimeError("cannot submit to a SerialExecutor after shutdown")
        fut = cf.Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except Exception as exc:
            fut.set_exception(exc)
        return fut

    def shutdown(self, wait=True, *, cancel_futures=False):
        """Refuse further submissions (nothing runs in the background).

        Parameters
        ----------
        wait, cancel_futures : bool
            Accepted for the Executor interface; there is never anything pending.
        """
        self._shutdown = True


def parse_executor(spec: str) -> tuple:
    """Split an executor spec ``KIND`` or ``KIND=ADDRESS`` and check it.

    Parameters
    ----------
    spec : str
        One of :data:`EXECUTOR_KINDS`; ``dask`` and ``ray`` may carry ``=ADDRESS``.

    Returns
    -------
    tuple
        ``(kind, address)`` with ``address`` None when not given.

    Raises
    ------
    pgtheory.errors.ValidationError
        Unknown kind, or an address given to a kind that takes none.
    """
    text = str(spec).strip()
    kind, sep, address = text.partition("=")
    kind = kind.strip().lower()
    address = address.strip() or None
    if kind not in EXECUTOR_KINDS:
        raise ValidationError(f"executor: unknown kind {text!r}. Fix: give one of {', '.join(EXECUTOR_KINDS)} "
                              "(dask and ray may add =ADDRESS, e.g. dask=tcp://host:8786).")
    if sep and kind not in ("dask", "ray"):
        raise ValidationError(f"executor: {kind!r} takes no address (got {text!r}). Fix: give {kind!r} alone; "
                              "only dask=ADDRESS and ray=ADDRESS connect to a running cluster.")
    if sep and address is None:
        raise ValidationError(f"executor: empty address in {text!r}. Fix: give {kind}=ADDRESS or {kind} alone "
                              "(a local cluster).")
    return kind, address


def _init_worker(paths, threads: int) -> None:
    # Ctrl-C reaches every process of the terminal's group: workers ignore it and the parent,
    # which knows what finished, stops them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _limit_threads(threads)
    for p in reversed(paths):
        if p not in sys.path:
            sys.path.insert(0, p)


def _limit_threads(threads: int) -> None:
    """Give a pool worker its share of the cores for parallel Numba kernels (``prange`` would
    otherwise start one thread per core in every worker). The BLAS variables take effect only
    for a BLAS loaded after this point (not in a forked worker; see the module docstring).

    ``NUMBA_NUM_THREADS`` (the size of Numba's thread pool) is set only when Numba is not loaded
    yet. Once it is (imported by the parent before the fork, or by the worker's start-up), the
    pool size is fixed: Numba rereads its variables at every compilation and raised
    "Cannot set NUMBA_NUM_THREADS to a different value once the threads have been launched"
    in every check that compiled a kernel. The share is then set with ``numba.set_num_threads``,
    which gives the same kernels the same thread count.
    """
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)
    numba = sys.modules.get("numba")
    if numba is None:
        os.environ["NUMBA_NUM_THREADS"] = str(threads)
        return
    with contextlib.suppress(Exception):
        numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))


def _call_pickled(blob: bytes, item):
    return pickle.loads(blob)(item)


def _dumps(fn) -> bytes | None:
    """``fn`` pickled for a process pool (cloudpickle when installed, so closures travel too)."""
    try:
        import cloudpickle  # lazy: optional (comes with the dask / ray extras); closures need it

        return cloudpickle.dumps(fn)
    except ImportError:
        return None


def parallel_map(fn, items, executor=None) -> list:
    """``[fn(x) for x in items]``, computed on ``executor``; results in the order of ``items``.

    Parameters
    ----------
    fn : callable
        One argument. For a process pool it is pickled once (:mod:`cloudpickle` when installed,
        so closures work; otherwise it must be a module-level function or a
        :func:`functools.partial` of one).
    items : iterable
        The inputs; any randomness must already be fixed in them (one ``SeedSequence`` child or
        Generator per item, spawned before the call), so the results do not depend on the
        executor.
    executor : concurrent.futures.Executor, optional
        None (default) runs serially in this process.

    Returns
    -------
    list
        ``fn(x)`` for each item, in order. The first exception raised by an item is re-raised
        (after cancelling the items not yet started).

    Notes
    -----
    If the wait is interrupted (``KeyboardInterrupt``, ``SystemExit``), every item not yet
    started is cancelled before the exception propagates; stopping the running ones is the job
    of whoever owns the executor (:func:`open_executor` does it).

    Examples
    --------
    >>> import numpy as np
    >>> from pgtheory.experiments import parallel_map
    >>> seeds = np.random.SeedSequence(0).spawn(3)
    >>> draws = parallel_map(lambda s: float(np.random.default_rng(s).random()), seeds)
    >>> len(draws)
    3
    """
    items = list(items)
    if executor is None or isinstance(executor, SerialExecutor) or len(items) <= 1:
        return [fn(x) for x in items]
    call, first = fn, ()
    if isinstance(executor, cf.ProcessPoolExecutor):
        blob = _dumps(fn)
        if blob is not None:
            call, first = _call_pickled, (blob,)
    futs = []
    try:
        for x in items:
            futs.append(executor.submit(call, *first, x))
        return [f.result() for f in futs]
    except BaseException:
        for f in futs:
            f.cancel()
        raise


def _process_pool(workers: int) -> cf.ProcessPoolExecutor:
    import multiprocessing

    # fork (Linux default) starts workers in milliseconds and shares the parent's imports; the
    # paths are passed so that a spawn/forkserver start finds the same modules.
    threads = max(1, default_workers() // workers)
    return cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(),
                                  initializer=_init_worker, initargs=(list(sys.path), threads))


def _terminate_process_pool(ex: cf.ProcessPoolExecutor, timeout: float = 2.0) -> None:
    # Python >= 3.14 has the public ``terminate_workers``; before it the stdlib has no public "stop
    # the workers now", and the process objects are in the private ``_processes``.
    if hasattr(ex, "terminate_workers"):  # it cancels pending futures (shutdown) and terminates
        ex.terminate_workers()
        return
    procs = list((getattr(ex, "_processes", None) or {}).values())
    ex.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        with contextlib.suppress(Exception):
            p.terminate()
    for p in procs:
        with contextlib.suppress(Exception):
            p.join(timeout)
            if p.is_alive():
                p.kill()


class _RayExecutor(cf.Executor):
    """``submit`` starts one Ray task; its ObjectRef's future is returned."""

    def __init__(self, ray):
        self._ray = ray
        self._remote = ray.remote(_ray_call)
        self._refs = []
        self._lock = threading.Lock()

    def submit(self, fn, /, *args, **kwargs):
        ref = self._remote.remote(fn, args, kwargs)
        with self._lock:
            self._refs.append(ref)
        return ref.future()

    def shutdown(self, wait=True, *, cancel_futures=False):
        if cancel_futures or not wait:
            for ref in self._refs:
                with contextlib.suppress(Exception):
                    self._ray.cancel(ref, force=True)
        elif wait:
            with contextlib.suppress(Exception):
                self._ray.wait(self._refs, num_returns=len(self._refs))
        self._refs = []


def _ray_call(fn, args, kwargs):
    return fn(*args, **kwargs)


def _code_paths() -> list:
    """Folders that must be importable in remote workers: the one holding ``pgtheory``, then sys.path."""
    root = str(Path(__file__).resolve().parents[2])
    return [root] + [p for p in sys.path if p and p != root and Path(p).is_dir()]


def abort_executor(executor, handle: dict | None = None) -> None:
    """Stop ``executor`` now: cancel what is pending and stop the workers without waiting for running calls.

    Parameters
    ----------
    executor : concurrent.futures.Executor or None
        The executor; for a process pool its children are terminated (then killed after 2 s).
    handle : dict, optional
        What :func:`open_executor` created beside it (``client``, ``cluster``, ``ray``), closed too.
    """
    handle = handle or {}
    if executor is None:
        return
    # a second Ctrl-C must not cut the clean-up short (and leave workers behind)
    main = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        _abort(executor, handle)
    finally:
        if main:
            signal.signal(signal.SIGINT, old)


def _abort(executor, handle: dict) -> None:
    if isinstance(executor, cf.ProcessPoolExecutor):
        _terminate_process_pool(executor)
    else:
        with contextlib.suppress(Exception):
            executor.shutdown(wait=False, cancel_futures=True)
    if handle.get("client") is not None:
        # closing connections to workers we kill is expected: keep their tracebacks off the terminal
        for name in ("distributed", "tornado", "asyncio"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    for pid in handle.get("pids", ()):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    client = handle.get("client")
    if client is not None:
        with contextlib.suppress(Exception):
            client.close(timeout=1)
    cluster = handle.get("cluster")
    if cluster is not None:
        with contextlib.suppress(Exception):
            cluster.close(timeout=1)
    if handle.get("ray") is not None:
        with contextlib.suppress(Exception):
            handle["ray"].shutdown()


@contextlib.contextmanager
def open_executor(spec="process", workers: int | None = None):
    """Open the executor named by ``spec`` and close it on exit (stopping it at once on an exception).

    Parameters
    ----------
    spec : str or concurrent.futures.Executor or None
        ``"serial"``, ``"thread"``, ``"process"``, ``"dask"``, ``"dask=ADDRESS"``, ``"ray"``,
        ``"ray=ADDRESS"`` (see the module docstring); an Executor is passed through unchanged and
        left open (its owner closes it); None means ``"serial"``.
    workers : int, optional
        Workers of a local pool or cluster (default: :func:`default_workers`); ignored with an
        address (the cluster has its own).

    Yields
    ------
    concurrent.futures.Executor
        A :class:`SerialExecutor` for ``"serial"``.

    Raises
    ------
    pgtheory.errors.ValidationError
        Bad spec or ``workers`` (before anything starts), or dask / ray not installed
        (the message names the extra to install).

    Notes
    -----
    On a normal exit the executor is shut down waiting for its work; when the ``with`` body
    raises (including ``KeyboardInterrupt``), :func:`abort_executor` stops it without waiting.
    """
    if isinstance(spec, cf.Executor):
        yield spec
        return
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ValidationError(f"workers: {workers!r} is not a positive integer. Fix: give workers >= 1 "
                              "(or None for all cores).")
    kind, address = parse_executor("serial" if spec is None else spec)
    n = int(workers) if workers is not None else default_workers()
    handle: dict = {}
    if kind == "serial":
        ex = SerialExecutor()
    elif kind == "thread":
        ex = cf.ThreadPoolExecutor(max_workers=n)
    elif kind == "process":
        ex = _process_pool(n)
    elif kind == "dask":
        try:
            import distributed  # lazy: optional extra pgtheory[dask]; importing it costs ~1 s
        except ImportError as exc:
            raise ValidationError("executor: 'dask' needs Dask distributed. Fix: pip install 'pgtheory[dask]' "
                                  "(or choose --executor process).") from exc
        if address is None:
            # each worker's share of the cores for parallel Numba kernels, as in the process pool (the
            # workers are fresh interpreters, so the variable sizes their thread pool); the BLAS
            # variables are left alone: BLAS rounds differently with another thread count
            share = {"NUMBA_NUM_THREADS": str(max(1, default_workers() // n))}
            cluster = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True, env=share,
                                               dashboard_address=None, silence_logs=logging.ERROR)
            handle["cluster"] = cluster
            client = distributed.Client(cluster)
            # the worker processes are this process's children: an interruption kills them at once
            # (closing a cluster whose workers are busy waits for their tasks)
            handle["pids"] = sorted(client.run(os.getpid).values())
        else:
            client = distributed.Client(address)
        handle["client"] = client
        ex = client.get_executor()
    else:  # ray
        try:
            import ray  # lazy: optional extra pgtheory[ray]; importing it costs seconds
        except ImportError as exc:
            raise ValidationError("executor: 'ray' needs Ray. Fix: pip install 'pgtheory[ray]' "
                                  "(or choose --executor process).") from exc
        env = {"env_vars": {"PYTHONPATH": os.pathsep.join(_code_paths())}}
        if address is None:
            ray.init(num_cpus=n, include_dashboard=False, log_to_driver=False, runtime_env=env,
                     ignore_reinit_error=True)
        else:
            ray.init(address=address, log_to_driver=False, runtime_env=env, ignore_reinit_error=True)
        handle["ray"] = ray
        # Ray pickles with its own copy of cloudpickle: checks loaded from .py files (load_module)
        # travel by value, since Ray's workers cannot import them by name
        for mname, mod in list(sys.modules.items()):
            if mname.startswith("pgtheory_user_") and mod is not None:
                with contextlib.suppress(Exception):
                    ray.cloudpickle.register_pickle_by_value(mod)
        ex = _RayExecutor(ray)
    try:
        yield ex
    except BaseException:
        abort_executor(ex, handle)
        raise
    else:
        ex.shutdown(wait=True)
        if "client" in handle:
            handle["client"].close()
        if "cluster" in handle:
            handle["cluster"].close()
        if "ray" in handle:
            handle["ray"].shutdown()
