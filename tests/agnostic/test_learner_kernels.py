"""The compiled trajectory-tree learner equals the NumPy path draw for draw (issue 17): same estimates,
queries per tree, checkpoint choices, query count and generator state afterwards; other access
models keep the NumPy path."""

import numpy as np
import pytest

from pgtheory import agnostic as ag
from pgtheory.errors import ValidationError
from pgtheory.testing import test_seed

pytest.importorskip("numba")


def _same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def _cases():
    rng = np.random.default_rng(test_seed(1721))
    sizes = (1, 2, 4, 8)
    det = ag.LayeredMDP.deterministic([np.array([[0, 1]]), np.array([[0, 1], [2, 3]]),
                                       np.array([[0, 1], [2, 3], [4, 5], [6, 7]])],
                                      [rng.random((n, 2)) for n in sizes])
    out = [("open-loop, tree", det, ag.open_loop_policies(sizes, 2)),
           ("singletons, tree", det, ag.singleton_policies(sizes))]
    for H, A, n in ((1, 3, 4), (3, 2, 3), (4, 3, 5)):                 # stochastic, H = 1 included
        lay = (1,) + (n,) * (H - 1)
        cls = ag.PolicyClass(rng.integers(0, A, size=(7, sum(lay))), lay, A)
        P = tuple(rng.dirichlet(np.full(lay[h + 1], 0.4), size=(lay[h], A)) for h in range(H - 1))
        out.append((f"random H={H}", ag.LayeredMDP(P, tuple(rng.random((m, A)) for m in lay)), cls))
    return out


@pytest.mark.parametrize("case", range(5))
def test_numba_trajectory_tree_equals_numpy_draw_for_draw(case):
    name, mdp, cls = _cases()[case]
    seed = test_seed(1722 + case)
    got = {}
    for backend in ("numpy", "numba"):
        rng = np.random.default_rng(seed)
        acc = ag.GenerativeAccess(mdp, rng)
        res = ag.trajectory_tree(acc, cls, 777, chunk=64, checkpoints=(1, 2, 5, 64, 100, 777), backend=backend)
        got[backend] = (res.estimates, res.per_round, res.details["checkpoint_index"], res.index,
                        np.int64(acc.n_queries), rng.random(4))   # the generator's state afterwards too
    for a, b in zip(got["numpy"], got["numba"]):
        assert _same(a, b), name


def test_local_simulator_keeps_the_numpy_path_and_its_checks():
    name, mdp, cls = _cases()[2]
    a = ag.trajectory_tree(ag.LocalSimulatorAccess(mdp, rng=5), cls, 50, backend="numba")
    b = ag.trajectory_tree(ag.LocalSimulatorAccess(mdp, rng=5), cls, 50, backend="numpy")
    assert _same(a.estimates, b.estimates) and _same(a.per_round, b.per_round)


def test_trajectory_tree_rejects_an_unknown_backend_before_work():
    name, mdp, cls = _cases()[0]
    acc = ag.GenerativeAccess(mdp, rng=0)
    with pytest.raises(ValidationError, match="backend"):
        ag.trajectory_tree(acc, cls, 10, backend="cupy")
    assert acc.n_queries == 0
