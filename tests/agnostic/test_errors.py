"""Bad input raises typed errors that name the argument."""

import numpy as np
import pytest

from pgtheory import agnostic as ag
from pgtheory.errors import AccessError, InfeasibleSizeError, ShapeError, ValidationError


def test_h_zero():
    with pytest.raises(ValidationError, match="layer_sizes"):
        ag.constant_policies((), 2)
    with pytest.raises(ValidationError, match="r must describe"):
        ag.LayeredMDP((), (), 0)
    with pytest.raises(ValidationError, match="H"):
        ag.spanning_capacity_closed_form("open_loop", 0)


def test_policy_not_covering_a_layer():
    acts = np.zeros((2, 5), dtype=int)
    acts[1, 3] = -1  # no action at state 0 of layer 2 (layer sizes 1, 2, 2)
    with pytest.raises(ValidationError, match=r"actions\[1\] does not cover layer 2"):
        ag.PolicyClass(acts, (1, 2, 2), 2)
    with pytest.raises(ShapeError, match="one column per state"):
        ag.PolicyClass(np.zeros((2, 4), dtype=int), (1, 2, 2), 2)


def test_class_too_large():
    with pytest.raises(InfeasibleSizeError, match=r"limit is 65536 policies"):
        ag.all_policies((1, 4, 4, 4, 4), 2)
    cls = ag.all_policies((1, 3, 3, 3), 2)  # 1024 policies, fine to build
    with pytest.raises(InfeasibleSizeError, match="max_work"):
        ag.spanning_capacity(cls, method="enumerate", max_work=50)


def test_tree_method_needs_unfolding_property():
    cls = ag.PolicyClass(np.zeros((2, 3), dtype=int), (1, 2), 2)
    with pytest.raises(ValidationError, match="method='tree'"):
        ag.spanning_capacity(cls, method="tree")


def test_local_simulator_unseen_state():
    mdp = ag.LayeredMDP.fresh_uniform(3, 2, 4)
    sim = ag.LocalSimulatorAccess(mdp, rng=0)
    ns, _ = sim.query(0, 0, 1)
    sim.query(1, ns, [0])  # observed: allowed
    unseen = [s for s in range(4) if not sim.seen[1][s]][0]
    with pytest.raises(AccessError, match=rf"s = {unseen} \(layer 1\) has not been observed"):
        sim.query(1, [unseen], [0])
    assert sim.n_queries == 2


def test_online_access_cannot_reset():
    mdp = ag.LayeredMDP.fresh_uniform(3, 2, 4)
    with pytest.raises(AccessError, match="layer = 1"):
        ag.OnlineAccess(mdp, rng=0).episodes(np.zeros(9, dtype=int), 3, layer=1)


def test_learner_rejects_wrong_access():
    mdp = ag.LayeredMDP.fresh_uniform(3, 2, 4)
    cls = ag.open_loop_policies(mdp.layer_sizes, 2)
    with pytest.raises(AccessError, match="access is a 'online' model"):
        ag.trajectory_tree(ag.OnlineAccess(mdp), cls, 3)
