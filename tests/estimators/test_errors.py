"""Bad input raises a named pgtheory error that says the fix (one test per case)."""

import numpy as np
import pytest

from pgtheory.errors import BackendUnavailableError, ShapeError, ValidationError
from pgtheory.estimators import (
    gpomdp,
    hessian_vector_product_estimate,
    off_policy_gradient,
    q_estimate,
    reinforce,
    sample_trajectories,
)
from pgtheory.mdp import FiniteHorizonMDP, TabularMDP
from pgtheory.policies import LogLinearPolicy, SoftmaxPolicy

MDP = TabularMDP(np.full((2, 3, 2), 0.5), np.ones((2, 3)), 0.9)
POL = SoftmaxPolicy(2, 3)
TH = np.zeros((2, 3))


@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_non_positive_or_non_integer_n(n):
    with pytest.raises(ValidationError, match="n must be an integer"):
        reinforce(MDP, POL, TH, n, rng=0, backend="numpy")


@pytest.mark.parametrize("horizon", [0, -1])
def test_non_positive_horizon(horizon):
    with pytest.raises(ValidationError, match="horizon"):
        gpomdp(MDP, POL, TH, 10, rng=0, backend="numpy", termination="truncate", horizon=horizon)


def test_truncation_without_horizon_says_fix():
    with pytest.raises(ValidationError, match="needs horizon"):
        gpomdp(MDP, POL, TH, 10, rng=0, backend="numpy", termination="truncate")


def test_unknown_termination():
    with pytest.raises(ValidationError, match="termination"):
        gpomdp(MDP, POL, TH, 10, rng=0, backend="numpy", termination="random")


def test_policy_shape_mismatch():
    with pytest.raises(ShapeError, match="policy is for S=3"):
        reinforce(MDP, SoftmaxPolicy(3, 3), np.zeros((3, 3)), 10, rng=0, backend="numpy")


def test_theta_shape_mismatch():
    with pytest.raises(ShapeError, match="theta"):
        reinforce(MDP, POL, np.zeros((3, 2)), 10, rng=0, backend="numpy")


def test_nan_theta():
    th = TH.copy()
    th[1, 2] = np.nan
    with pytest.raises(ValidationError, match="NaN"):
        gpomdp(MDP, POL, th, 10, rng=0, backend="numpy")


def test_unknown_backend():
    with pytest.raises(ValidationError, match="unknown backend"):
        gpomdp(MDP, POL, TH, 10, rng=0, backend="jax")


def test_unknown_policy_string_and_object():
    with pytest.raises(ValidationError, match="policy string"):
        gpomdp(MDP, "gaussian", TH, 10, rng=0, backend="numpy")
    with pytest.raises(ValidationError, match="pgtheory.policies"):
        gpomdp(MDP, object(), TH, 10, rng=0, backend="numpy")


def test_bad_baselines():
    with pytest.raises(ValidationError, match="gpomdp"):
        reinforce(MDP, POL, TH, 10, rng=0, backend="numpy", baseline="value")
    with pytest.raises(ShapeError, match="scalar baseline"):
        reinforce(MDP, POL, TH, 10, rng=0, backend="numpy", baseline=np.zeros(2))
    with pytest.raises(ShapeError, match="baseline must be"):
        gpomdp(MDP, POL, TH, 10, rng=0, backend="numpy", baseline=np.zeros(5))
    with pytest.raises(ValidationError, match="unknown baseline"):
        gpomdp(MDP, POL, TH, 10, rng=0, backend="numpy", baseline="median")
    with pytest.raises(ValidationError, match="reinforce"):
        gpomdp(MDP, POL, TH, 10, rng=0, backend="numpy", baseline="optimal")


def test_bad_rng():
    with pytest.raises(ValidationError, match="rng"):
        gpomdp(MDP, POL, TH, 10, rng="seed", backend="numpy")


def test_behavior_without_support():
    mu = np.array([[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]])
    with pytest.raises(ValidationError, match="no support"):
        off_policy_gradient(MDP, POL, TH, 10, behavior=mu, rng=0, backend="numpy")


def test_behavior_not_a_policy():
    with pytest.raises(ValidationError, match="behavior"):
        off_policy_gradient(MDP, POL, TH, 10, behavior=np.ones((2, 3)), rng=0, backend="numpy")


def test_hvp_direction_shape():
    with pytest.raises(ShapeError, match="v must have"):
        hessian_vector_product_estimate(MDP, POL, TH, np.zeros(6), 10, rng=0, backend="numpy")


def test_finite_horizon_rejects_other_horizon():
    fh = FiniteHorizonMDP(np.full((2, 3, 2), 0.5), np.ones((2, 3)), 4)
    with pytest.raises(ValidationError, match="differs"):
        q_estimate(fh, POL, TH, 10, rng=0, backend="numpy", horizon=5)


def test_problem_type():
    with pytest.raises(ValidationError, match="TabularMDP"):
        sample_trajectories({"P": 1}, POL, TH, 10, rng=0)


def test_loglinear_theta_shape():
    pol = LogLinearPolicy(np.ones((2, 3, 4)))
    with pytest.raises(ShapeError):
        gpomdp(MDP, pol, np.zeros(3), 10, rng=0, backend="numpy")


def test_cupy_request_is_clear_when_unavailable():
    from pgtheory.backend import cupy_available

    if cupy_available():  # pragma: no cover - GPU machines
        pytest.skip("CuPy present")
    with pytest.raises(BackendUnavailableError, match="Fix"):
        gpomdp(MDP, POL, TH, 10, rng=0, backend="cupy")


def test_non_tabular_policy_points_to_continuous_estimators():
    class Continuous:
        param_shape = (3,)

        def probs(self, theta): ...

        def score(self, theta, states, actions): ...

        def check_theta(self, theta, name="theta"):
            return theta

    with pytest.raises(ValidationError, match="not a tabular policy"):
        gpomdp(MDP, Continuous(), np.zeros(3), 10, rng=0, backend="numpy")
