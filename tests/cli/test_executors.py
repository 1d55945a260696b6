"""The executor seam (issue 17): identical reports whatever the executor and worker count; bad specs
fail before work; Dask (a LocalCluster of 2 workers) and Ray (skipped when not installed)."""

from __future__ import annotations

import concurrent.futures as cf
from pathlib import Path

import numpy as np
import pytest

from pgtheory import cli
from pgtheory.errors import ValidationError
from pgtheory.experiments import (RunConfig, SerialExecutor, load_module, open_executor, parallel_map,
                                  parse_executor, run_all, run_one)

HERE = Path(__file__).resolve().parent
MC = "zz-scale-mc"


@pytest.fixture(scope="module", autouse=True)
def scale_checks():
    load_module(str(HERE / "_scale_checks.py"))


def _result(rep):
    d = rep.to_dict()
    d.pop("seconds")
    return d


def _draw(seq):
    return np.random.default_rng(seq).standard_normal(3)


def test_parallel_map_is_ordered_and_executor_independent():
    seeds = np.random.SeedSequence(7).spawn(9)
    ref = parallel_map(_draw, seeds)
    with open_executor("process", 2) as ex:
        by_process = parallel_map(lambda s: _draw(s), seeds, ex)  # a closure: cloudpickled to the pool
    with open_executor("thread", 3) as ex:
        by_thread = parallel_map(_draw, seeds, ex)
    for other in (by_process, by_thread):
        assert len(other) == 9 and all(np.array_equal(a, b) for a, b in zip(ref, other))
    assert not np.array_equal(ref[0], ref[1])  # the streams differ, so equality above is informative


def test_parallel_map_reraises_the_first_failure():
    def boom(x):
        if x == 2:
            raise ZeroDivisionError("item 2")
        return x

    with open_executor("thread", 2) as ex:
        with pytest.raises(ZeroDivisionError, match="item 2"):
            parallel_map(boom, range(5), ex)


def test_reports_identical_across_serial_process_thread():
    base = run_one(MC, RunConfig(seeds=5, seed=3), catch=False)
    for spec, n in (("process", 2), ("process", 1), ("thread", 2)):
        with open_executor(spec, n) as ex:
            rep = run_one(MC, RunConfig(seeds=5, seed=3, executor=ex), catch=False)
        assert _result(rep) == _result(base), (spec, n)
    assert base.verdict == "consistent" and len(base.details["means"]) == 5


def test_run_all_identical_across_executors_and_workers(tmp_path):
    names = [MC, "zz-scale-fast-a", "zz-scale-fast-b"]
    ref = [_result(r) for r in run_all(names, seeds=4)]
    for spec, n in (("process", 2), ("process", 3), ("thread", 2)):
        got = [_result(r) for r in run_all(names, seeds=4, executor=spec, workers=n)]
        assert got == ref, (spec, n)


def test_dask_local_cluster_gives_identical_reports():
    distributed = pytest.importorskip("distributed")
    base = run_one(MC, RunConfig(seeds=5, seed=3), catch=False)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None)
    try:
        with distributed.Client(cluster) as client:
            ex = client.get_executor()
            rep = run_one(MC, RunConfig(seeds=5, seed=3, executor=ex), catch=False)
            reps = run_all([MC, "zz-scale-fast-a"], seeds=5, seed=3, executor=ex)
    finally:
        cluster.close()
    assert _result(rep) == _result(base)
    assert _result(reps[0]) == _result(base)


def _numba_threads(_):
    import numba

    return numba.config.NUMBA_NUM_THREADS


def test_dask_executor_gives_each_worker_its_share_of_numba_threads():
    """open_executor("dask", n) starts a LocalCluster whose worker processes size Numba's thread pool
    to cores // n, as the process pool does (n workers with all cores each would oversubscribe)."""
    pytest.importorskip("distributed")
    pytest.importorskip("numba")
    from pgtheory.experiments import default_workers

    with open_executor("dask", 2) as ex:
        got = parallel_map(_numba_threads, [0, 1], ex)
    assert got == [max(1, default_workers() // 2)] * 2


@pytest.mark.slow
def test_ray_gives_identical_reports():
    pytest.importorskip("ray")
    base = run_one(MC, RunConfig(seeds=3, seed=1), catch=False)
    with open_executor("ray", 2) as ex:
        rep = run_one(MC, RunConfig(seeds=3, seed=1, executor=ex), catch=False)
    assert _result(rep) == _result(base)


@pytest.mark.parametrize("spec,kind,address", [("process", "process", None), ("dask", "dask", None),
                                               ("dask=tcp://h:8786", "dask", "tcp://h:8786"),
                                               ("ray=auto", "ray", "auto"), (" Serial ", "serial", None)])
def test_parse_executor(spec, kind, address):
    assert parse_executor(spec) == (kind, address)


@pytest.mark.parametrize("spec,fix", [("gpu", "serial, thread, process, dask, ray"), ("process=host", "takes no address"),
                                      ("dask=", "empty address")])
def test_bad_executor_fails_before_work(spec, fix):
    with pytest.raises(ValidationError, match=fix):
        parse_executor(spec)
    with pytest.raises(ValidationError):
        run_all([MC], executor=spec)


def test_bad_executor_option_is_a_usage_error(capsys):
    assert _exit(["reproduce", "--executor", "gpu"]) == 2
    assert "--executor" in capsys.readouterr().err


def _exit(argv):
    with pytest.raises(SystemExit) as e:
        cli.main(argv)
    return e.value.code


def test_open_executor_rejects_bad_workers_and_passes_executors_through():
    with pytest.raises(ValidationError, match="workers"):
        with open_executor("process", 0):
            pass
    own = cf.ThreadPoolExecutor(1)
    with open_executor(own) as ex:
        assert ex is own
    assert own.submit(int, "4").result() == 4  # left open for its owner
    own.shutdown()
    with open_executor("serial") as ex:
        assert isinstance(ex, SerialExecutor) and ex.submit(pow, 2, 5).result() == 32


def test_a_config_captured_by_a_closure_travels_to_a_pool_without_its_executor():
    """Checks map closures that capture ``config``; the executor in it must not be pickled."""
    with open_executor("process", 2) as ex:
        cfg = RunConfig(seed=11, params={"p": 0.5}, executor=ex)
        got = cfg.map(lambda k: (cfg.seed + k, cfg.param("p"), cfg.executor), range(3))
    assert got == [(11, 0.5, None), (12, 0.5, None), (13, 0.5, None)]


def test_process_pool_compiles_when_the_parent_loaded_numba(tmp_path):
    """A parent that imported Numba before opening the pool (a notebook, a script that ran a kernel)
    forks workers with Numba loaded; a compilation in such a worker raised "Cannot set
    NUMBA_NUM_THREADS ... once the threads have been launched" because the worker set that variable
    after its thread pool was sized. Each worker still gets its share of threads."""
    import subprocess
    import sys
    import textwrap

    pytest.importorskip("numba")
    script = textwrap.dedent("""
        import numba
        import numpy as np
        from pgtheory.experiments import default_workers, open_executor, parallel_map

        def compile_and_call(x):
            f = numba.njit(lambda v: v * v + 1.0)  # a fresh compilation in the worker
            return float(f(x)), numba.get_num_threads()

        if __name__ == "__main__":
            numba.njit(lambda v: v + 1)(1)  # the parent compiles (and may start its threads) first
            with open_executor("process", 2) as ex:
                out = parallel_map(compile_and_call, [1.0, 2.0, 3.0], ex)
            assert [v for v, _ in out] == [2.0, 5.0, 10.0], out
            share = min(max(1, default_workers() // 2), numba.config.NUMBA_NUM_THREADS)
            assert all(t == share for _, t in out), (out, share)  # each worker's share of the cores
            print("ok")
    """)
    (tmp_path / "s.py").write_text(script)
    r = subprocess.run([sys.executable, str(tmp_path / "s.py")], capture_output=True, text=True, timeout=120,
                       cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stderr[-3000:]
