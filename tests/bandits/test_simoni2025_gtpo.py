"""GTPO's conflict-token mask on a token tree (Simoni et al. 2025): exact updates against brute force."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import pgtheory.bandits as B
from pgtheory.errors import ValidationError
from pgtheory.testing import assert_close

EPS = np.finfo(float).eps
TREES = [[(0, 1, 1, 1), (0, 2), (3,), (3, 4, 4)], [(0,), (0, 1), (2, 1), (2, 3, 3)], [(5, 1), (5, 2), (5, 2, 2), (6,)]]


def _brute(tree, th, rr, G, **kw):
    """Sum over the R^G ordered groups."""
    p = tree.probs(th)
    mean = np.zeros(tree.n_params)
    for grp in itertools.product(range(tree.R), repeat=G):
        mean += np.prod(p[list(grp)]) * B.token_group_update(tree, th, np.array(grp), rr, **kw)
    return mean


@pytest.mark.parametrize("gtpo", [False, True])
@pytest.mark.parametrize("aggregation", B.AGGREGATIONS)
def test_exact_update_matches_brute_force(gtpo, aggregation):
    tree = B.TokenTree(TREES[0])
    rng = np.random.default_rng(5)
    th = rng.normal(0, 1, tree.n_params)
    rr = np.array([1.0, 0.0, 0.0, 1.0])
    kw = dict(gtpo=gtpo, aggregation=aggregation, positive_scale=1.5, ddof=1, epsilon=0.0)
    out = B.exact_token_update(tree, th, rr, 3, **kw)
    assert_close(out["mean"], _brute(tree, th, rr, 3, **kw), rtol=0, atol=1e-14)


@st.composite
def token_trees(draw):
    """Random prefix trees: 2-5 distinct responses of 1-3 tokens over a vocabulary of 4 (prefixes allowed)."""
    resp = draw(st.lists(st.lists(st.integers(0, 3), min_size=1, max_size=3).map(tuple), min_size=2, max_size=5,
                         unique=True))
    return resp


@given(st.one_of(st.sampled_from(TREES), token_trees()), st.integers(0, 2**31), st.integers(2, 5))
@settings(max_examples=25)
def test_grpo_sequence_update_is_w_G_times_grad_p(responses, seed, G):
    """Binary rewards, one prompt, sequence aggregation: E[update] = w_G(p) grad p (tool 2 on a token tree)."""
    tree = B.TokenTree(responses)
    rng = np.random.default_rng(seed)
    th = rng.normal(0, 1.5, tree.n_params)
    rr = (rng.random(tree.R) < 0.5).astype(float)
    out = B.exact_token_update(tree, th, rr, G, advantage="grpo", ddof=0, epsilon=0.0)
    p = float(tree.probs(th) @ rr)
    w = float(B.binary_weight("grpo", p, G, ddof=0, epsilon=0.0))
    assert_close(out["mean"], w * out["grad_p"], rtol=0, atol=64 * out["n_groups"] * G * EPS * 4)


@given(st.integers(0, 2**31), st.integers(2, 5))
@settings(max_examples=20)
def test_essential_token_never_lowered_with_sequence_aggregation(seed, G):
    tree = B.TokenTree(TREES[0])
    rng = np.random.default_rng(seed)
    th = rng.normal(0, 1.5, tree.n_params)
    rr = np.array([1.0, 0.0, 0.0, 0.0])  # only (0, 1, 1, 1) is correct: token 0 at the root is essential
    out = B.exact_token_update(tree, th, rr, G, watch=((), 0), aggregation="sequence")
    assert out["p_decrease"] == 0.0


def test_token_mean_aggregation_can_lower_the_essential_token():
    tree = B.TokenTree(TREES[0])
    out = B.exact_token_update(tree, np.zeros(tree.n_params), np.array([1.0, 0, 0, 0]), 4, watch=((), 0),
                               aggregation="token_mean")
    assert out["p_decrease"] > 0 and out["worst_group"] is not None
    masked = B.exact_token_update(tree, np.zeros(tree.n_params), np.array([1.0, 0, 0, 0]), 4, watch=((), 0),
                                  aggregation="token_mean", gtpo=True)
    assert masked["p_decrease"] == 0.0


def test_mask_removes_negative_updates_of_conflict_tokens():
    tree = B.TokenTree(TREES[0])
    th = np.zeros(tree.n_params)
    rr = np.array([1.0, 0.0, 0.0, 0.0])
    grp = np.array([0, 1])  # (0,1,1,1) correct, (0,2) wrong: conflict = token 0 at the root
    steps = B.token_steps(tree)
    A = B.grpo_advantages(rr[grp], ddof=1, epsilon=0.0)
    assert B.conflict_tokens(steps, grp, A) == {steps[0][0]}
    plain = B.token_group_update(tree, th, grp, rr)
    masked = B.token_group_update(tree, th, grp, rr, gtpo=True, positive_scale=1.0)
    o = tree.offsets[0]
    # root block: GRPO's two contributions cancel (same token, opposite advantages); GTPO keeps the positive one
    assert_close(plain[o:o + 2], np.zeros(2), rtol=0, atol=4 * EPS)
    assert masked[o] > 0 > masked[o + 1]
    # outside the root, the two updates agree
    assert_close(np.delete(masked, [o, o + 1]), np.delete(plain, [o, o + 1]), rtol=0, atol=0)


def test_bad_inputs():
    tree = B.TokenTree(TREES[0])
    th = np.zeros(tree.n_params)
    rr = np.ones(4)
    with pytest.raises(ValidationError, match="aggregation"):
        B.exact_token_update(tree, th, rr, 3, aggregation="mean")
    with pytest.raises(ValidationError, match="G"):
        B.exact_token_update(tree, th, rr, 1)
    with pytest.raises(ValidationError, match="watch"):
        B.exact_token_update(tree, th, rr, 3, watch=((9,), 0))
    with pytest.raises(ValidationError, match="positive_scale"):
        B.token_group_update(tree, th, [0, 1], rr, positive_scale=-1.0)
    with pytest.raises(ValidationError, match="G"):
        B.token_group_update(tree, th, [0], rr)


def test_registered_check(tmp_path, monkeypatch):
    from _d2_checks import run_check

    rep = run_check("simoni2025-conflict-tokens", tmp_path, expected="consistent", bibtex_key="simoni2025gtpo",
                    monkeypatch=monkeypatch)
    example = rep.details["subchecks"][0]["numbers"]["counterexample group (1/|o|)"]
    assert example["P(lowered)"] > 0 and len(example["group"]) == 4
