"""Bad input raises named pgtheory errors (one test per case)."""

import numpy as np
import pytest

import pgtheory.bandits as B
from pgtheory.errors import InfeasibleSizeError, ShapeError, ValidationError

TH = np.array([0.1, -0.2, 0.3])
R = np.array([1.0, 0.0, 1.0])


def test_group_size_below_one():
    with pytest.raises(ValidationError, match="G"):
        B.exact_moments("reinforce", TH, R, 0)


def test_leave_one_out_needs_two():
    with pytest.raises(ValidationError, match="G >= 2"):
        B.exact_moments("rloo", TH, R, 1)
    with pytest.raises(ValidationError, match="G >= 2"):
        B.rloo_advantages(np.array([[1.0]]))


def test_group_std_ddof1_needs_two():
    with pytest.raises(ValidationError, match="G >= 2"):
        B.exact_moments("grpo", TH, R, 1, ddof=1)


def test_nan_logits():
    with pytest.raises(ValidationError, match="NaN"):
        B.exact_moments("rloo", np.array([0.0, np.nan, 1.0]), R, 3)


def test_rewards_wrong_shape():
    with pytest.raises(ShapeError, match="rewards"):
        B.exact_moments("rloo", TH, np.ones(4), 3)
    with pytest.raises(ShapeError, match="rewards"):
        B.sample_groups(TH, np.ones((2, 3)), 3, 10, rng=0)


def test_unknown_loss_type():
    with pytest.raises(ValidationError, match="loss_type"):
        B.make_estimator("grpo", loss_type="token_mean")
    with pytest.raises(ValidationError, match="loss_type"):
        B.loss_type_weights(np.ones((1, 3)), "seq_mean")


def test_unknown_scale_rewards_and_ddof():
    with pytest.raises(ValidationError, match="scale_rewards"):
        B.make_estimator("grpo", scale_rewards="global")
    with pytest.raises(ValidationError, match="ddof"):
        B.grpo_advantages(np.ones((1, 3)), ddof=2)


def test_unknown_estimator():
    with pytest.raises(ValidationError, match="unknown estimator"):
        B.make_estimator("ppo")


def test_binary_rewards_out_of_range():
    with pytest.raises(ValidationError, match=r"\[0, 1\]"):
        B.exact_moments("grpo", TH, np.array([1.5, 0.0, 0.0]), 3, binary=True)
    with pytest.raises(ValidationError, match="binary"):
        B.psr_nsr_advantages(np.array([[0.5, 1.0]]))


def test_san_needs_strata():
    with pytest.raises(ValidationError, match="strata"):
        B.make_estimator("san")


def test_binary_weight_rejects_arm_dependent():
    with pytest.raises(ValidationError, match="arms"):
        B.binary_weight("san", 0.5, 4, strata=[0, 1, 1])


def test_too_many_count_vectors():
    with pytest.raises(InfeasibleSizeError):
        B.count_vectors(30, 30)


def test_contextual_bandit_validation():
    with pytest.raises(ShapeError):
        B.ContextualBandit(np.ones((2, 3)), rho=[1.0])
    with pytest.raises(ValidationError):
        B.ContextualBandit(np.array([[2.0, 0.0]]), binary=True)
    bandit = B.ContextualBandit(np.array([[1.0, 0.0], [0.0, 1.0]]))
    with pytest.raises(ShapeError):
        bandit.gradient(np.zeros((3, 2)))
