"""Importers / exporters: pymdptoolbox layout, Gymnasium toy-text tables, exported environments."""

import numpy as np
import pytest
import scipy.sparse as sp

from pgtheory.errors import ShapeError, ValidationError
from pgtheory.mdp import TabularMDP, from_gymnasium, from_pymdptoolbox, policy_iteration, to_gymnasium, value_iteration
from pgtheory.mdp.instances import garnet
from pgtheory.testing import assert_close, test_seed

gym = pytest.importorskip("gymnasium")


def test_pymdptoolbox_forest_agrees_with_mdptoolbox():
    mdptoolbox = pytest.importorskip("mdptoolbox")
    from mdptoolbox import example, mdp as tbx

    P, R = example.forest(S=6, r1=4, r2=2, p=0.1)
    ours = policy_iteration(from_pymdptoolbox(P, R, 0.9))
    theirs = tbx.PolicyIteration(P, R, 0.9)
    theirs.run()
    assert_close(ours.V, np.asarray(theirs.V), rtol=1e-10)
    assert tuple(np.argmax(ours.policy, axis=1)) == tuple(theirs.policy)


def test_pymdptoolbox_layouts_are_equivalent():
    mdp = garnet(7, 3, 3, 0.9, seed=0)
    P_tbx = np.transpose(mdp.P, (1, 0, 2))  # (A, S, S)
    a = from_pymdptoolbox(P_tbx, mdp.r, 0.9)
    assert_close(a.P, mdp.P)
    b = from_pymdptoolbox([sp.csr_matrix(m) for m in P_tbx], mdp.r, 0.9)
    assert b.is_sparse
    assert_close(b.P.toarray().reshape(7, 3, 7), mdp.P)
    # transition rewards R[a, s, s'] -> expected rewards
    Rt = np.random.default_rng(0).normal(size=(3, 7, 7))
    c = from_pymdptoolbox(P_tbx, Rt, 0.9)
    assert_close(c.r, np.einsum("ast,ast->sa", P_tbx, Rt))
    d = from_pymdptoolbox([sp.csr_matrix(m) for m in P_tbx], Rt, 0.9)
    assert_close(d.r, c.r)
    e = from_pymdptoolbox(P_tbx, np.arange(7.0), 0.9)
    assert_close(e.r, np.repeat(np.arange(7.0)[:, None], 3, axis=1))
    with pytest.raises(ShapeError):
        from_pymdptoolbox(P_tbx, np.zeros((3, 7)), 0.9)
    with pytest.raises(ShapeError):
        from_pymdptoolbox(np.zeros((2, 3, 4)), np.zeros((3, 2)), 0.9)


def _table_value_iteration(table, gamma, n_iter=3000):
    """Independent episodic Bellman iteration straight on the toy-text table."""
    S, A = len(table), len(table[0])
    V = np.zeros(S)
    for _ in range(n_iter):
        V = np.array([max(sum(p * (rew + (0.0 if term else gamma * V[s2])) for p, s2, rew, term in table[s][a])
                          for a in range(A)) for s in range(S)])
    return V


def test_frozenlake_import_matches_episodic_bellman():
    env = gym.make("FrozenLake-v1", map_name="4x4", is_slippery=True)
    mdp = from_gymnasium(env, 0.95)
    assert mdp.S == 17  # 16 cells + the absorbing terminal state
    sol = value_iteration(mdp, tol=1e-12)
    ref = _table_value_iteration(env.unwrapped.P, 0.95, n_iter=800)
    assert_close(sol.V[:16], ref, rtol=0, atol=1e-10)
    assert abs(sol.V[16]) <= 1e-12  # VI value within tol of V*(terminal) = 0
    assert_close(mdp.rho[:16], env.unwrapped.initial_state_distrib)


def test_frozenlake_round_trip_through_export():
    env = gym.make("FrozenLake-v1", map_name="4x4", is_slippery=True)
    mdp = from_gymnasium(env, 0.9)
    back = from_gymnasium(to_gymnasium(mdp), 0.9)
    assert_close(back.P, mdp.P)
    assert_close(back.r, mdp.r)
    assert_close(back.rho, mdp.rho)
    assert_close(policy_iteration(back).V, policy_iteration(mdp).V)


def test_exported_env_api_and_truncation():
    mdp = garnet(5, 2, 2, 0.9, seed=0, sparse=True)
    env = to_gymnasium(mdp, horizon=3)
    s, info = env.reset(seed=0)
    assert env.observation_space.contains(s) and env.action_space.n == 2
    for t in range(3):
        s2, rew, term, trunc, _ = env.step(1)
        assert rew == mdp.r[s, 1] and not term and trunc == (t == 2)
        assert mdp.P_matrix()[s * 2 + 1, s2] > 0
        s = s2
    with pytest.raises(ValidationError):
        to_gymnasium(mdp, horizon=0)


@pytest.mark.statistical
def test_exported_env_samples_the_transition_law():
    """n = 20000 draws of P(.|s=0, a=1); chi-square-free check: every frequency within 5 standard
    errors of its probability (per-coordinate alpha ~ 6e-7, Bonferroni over 4 successors < 1e-5)."""
    mdp = garnet(6, 2, 4, 0.9, seed=3)
    env = to_gymnasium(mdp)
    n = 20000
    counts = np.zeros(6)
    env.reset(seed=test_seed(1))
    for _ in range(n):
        env.unwrapped.s = 0
        s2, *_ = env.step(1)
        counts[s2] += 1
    p = mdp.P[0, 1]
    se = np.sqrt(p * (1 - p) / n)
    assert np.all(np.abs(counts / n - p) <= 5 * se + 1e-12)


def test_from_gymnasium_rejects_envs_without_a_table():
    env = gym.make("CartPole-v1")
    with pytest.raises(ValidationError, match="toy-text"):
        from_gymnasium(env, 0.9)


def test_to_gymnasium_without_gymnasium_names_the_fix(monkeypatch):
    import sys

    from pgtheory.errors import BackendUnavailableError

    monkeypatch.setitem(sys.modules, "gymnasium", None)
    with pytest.raises(BackendUnavailableError, match="pip install"):
        to_gymnasium(garnet(3, 2, 2, 0.9, seed=0))


# ---- issue 11: environments whose step() goes beyond unwrapped.P are refused ----

def test_taxi_fickle_passenger_is_refused():
    """Taxi's fickle passenger changes the destination inside step(): P gave 6.33, the env 6.79."""
    from pgtheory.errors import ModelMismatchError

    env = gym.make("Taxi-v4", fickle_passenger=True)
    with pytest.raises(ModelMismatchError, match=r"env: TaxiEnv has fickle_passenger=True.*Fix:.*check_step=False"):
        from_gymnasium(env, 0.9)
    assert from_gymnasium(env, 0.9, check_step=False).S == 501  # the opt-out imports P as before


@pytest.mark.parametrize("kwargs", [dict(id="Taxi-v4"), dict(id="Taxi-v4", is_rainy=True),
                                    dict(id="FrozenLake-v1", is_slippery=True),
                                    dict(id="CliffWalking-v1", is_slippery=True)])
def test_toy_text_envs_whose_dynamics_are_in_P_pass_the_probe(kwargs):
    env = gym.make(**kwargs)
    env.reset(seed=3)
    state, rng_state = env.unwrapped.s, env.unwrapped.np_random.bit_generator.state
    from_gymnasium(env, 0.9)
    # the probe ran on a copy: the caller's environment is untouched
    assert env.unwrapped.s == state and env.unwrapped.np_random.bit_generator.state == rng_state


class _LeakyEnv(gym.Env):
    """A 3-state chain whose table says "stay or move right", but step() sometimes jumps to state
    0 (not in P[s][a] for s >= 1). ``settable=False`` hides the state (no attribute ``s``)."""

    def __init__(self, settable=True):
        self.observation_space = gym.spaces.Discrete(3)
        self.action_space = gym.spaces.Discrete(2)
        self.P = {s: {a: [(0.5, s, 1.0, False), (0.5, min(s + 1, 2), 1.0, False)] for a in range(2)}
                  for s in range(3)}
        self.settable = settable
        self._state = 0

    @property
    def s(self):
        if not self.settable:
            raise AttributeError("s")
        return self._state

    @s.setter
    def s(self, value):
        self._state = value

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self._state = 0
        return 0, {}

    def step(self, a):
        u = self.np_random.random()
        s2 = 0 if u < 0.2 else (self._state if u < 0.6 else min(self._state + 1, 2))
        self._state = s2
        return s2, 1.0, False, False, {}


@pytest.mark.parametrize("settable", [True, False])
def test_generic_probe_finds_outcomes_missing_from_P(settable):
    from pgtheory.errors import ModelMismatchError

    with pytest.raises(ModelMismatchError, match=r"env: step\(\) from state [12] with action [01] returned "
                                                 r"\(next_state=0, .*probability 0 in unwrapped\.P.*check_step=False"):
        from_gymnasium(_LeakyEnv(settable), 0.9)
    from_gymnasium(_LeakyEnv(settable), 0.9, check_step=False)


def test_generic_probe_finds_rewards_missing_from_P():
    from pgtheory.errors import ModelMismatchError

    env = to_gymnasium(garnet(4, 2, 2, 0.9, seed=0))
    from_gymnasium(env, 0.9)  # the exported environment is consistent with its own table
    with pytest.raises(ModelMismatchError, match=r"unwrapped\.P\[\d\]\[\d\] gives reward\(s\) \[.*\] for that "
                                                 r"transition.*pass env\.unwrapped if a wrapper changes"):
        from_gymnasium(_RewardShifted(env), 0.9)


class _RewardShifted(gym.Wrapper):
    """A wrapper that changes rewards: the table of the unwrapped environment no longer describes it."""

    def step(self, a):
        obs, r, term, trunc, info = self.env.step(a)
        return obs, r + 0.5, term, trunc, info
