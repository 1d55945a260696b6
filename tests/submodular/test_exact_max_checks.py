"""Issue 11: branch and bound is exact only for submodular F; exact_max(method="branch_and_bound")
must not return a wrong "exact" maximum silently.

Counterexample: F(S) = 2 [0 in S] + 10.2 [{1, 2} <= S] (supermodular in 1, 2), k = 2. The greedy
incumbent is {0, x} with value 2; the root bound 2 + 0 + 0 = 2 prunes everything, so branch and
bound returned 2.0 while enumeration finds F({1, 2}) = 10.2.
"""

import warnings

import numpy as np
import pytest

from pgtheory.errors import ModelWarning, NotSubmodularError
from pgtheory.submodular import CallableSetFunction, exact_max, random_coverage


def _supermodular_pair():
    return CallableSetFunction(lambda S: 2.0 * (0 in S) + 10.2 * ({1, 2} <= S), 3)


def test_branch_and_bound_refuses_a_non_submodular_function():
    f = _supermodular_pair()
    assert exact_max(f, 2, method="enumerate").value == pytest.approx(10.2)
    # what branch and bound alone returns (the silent wrong answer, now only with verify=False)
    assert exact_max(f, 2, method="branch_and_bound", verify=False).value == pytest.approx(2.0)
    with pytest.raises(NotSubmodularError, match=r"exhaustive check.*S = \(\).*Fix: use method='enumerate'"):
        exact_max(f, 2, method="branch_and_bound")


def _violation_hidden_from_sampling(n=24):
    """Coverage-like F on n = 24 > 14 (sampled check) whose violations all involve the sets
    S in {{}, {0}, {2}, {0, 2}} (the bonus is on {0, 2} exactly), e.g. F(2 | {0}) = 0.9 > F(2 | {}) = 0.6.
    The sampled check's random S (22 free elements) hits them with probability ~ 4 * 2^-22 per
    triple (~0.02 over its 20000 triples; seed 0 misses), but branch and bound visits {0}
    (greedy value 1.6 < root bound 2), so the in-search diminishing-returns check catches it."""
    return CallableSetFunction(lambda S: 1.0 * bool(S & {0, 1}) + 0.6 * (2 in S) + 0.3 * (S == {0, 2}), n)


def test_violation_found_during_the_search():
    with pytest.raises(NotSubmodularError, match=r"during the branch-and-bound search.*F\(2 \| S\) = 0\.6 < "
                                                 r"F\(2 \| S \+ \{0\}\) = 0\.9 for S = \(\)"):
        exact_max(_violation_hidden_from_sampling(), 2, method="branch_and_bound")


def test_uncertified_large_callable_warns_but_builtin_classes_do_not():
    # submodular (coverage) but given as a plain callable with n > 14: checks refute, cannot certify
    f = CallableSetFunction(lambda S: float(bool(S & {0, 1})) + 0.6 * (2 in S), 16)
    with pytest.warns(ModelWarning, match=r"f: submodularity .* exact only if f is submodular.*verify=False"):
        res = exact_max(f, 2, method="branch_and_bound")
    assert res.value == pytest.approx(1.6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exact_max(f, 2, method="branch_and_bound", verify=False)
        cov = random_coverage(18, 10, rng=0)
        b = exact_max(cov, 3, method="branch_and_bound")  # submodular by construction: no check, no warning
        assert b.value == pytest.approx(exact_max(cov, 3).value)


@pytest.mark.parametrize("seed", range(5))
def test_random_small_functions_never_give_a_silent_wrong_answer(seed):
    """Random F on 6 elements: branch and bound either agrees with enumeration or raises."""
    rng = np.random.default_rng(seed)
    table = rng.random(64)
    f = CallableSetFunction(lambda S: table[sum(1 << i for i in S)], 6)
    try:
        b = exact_max(f, 3, method="branch_and_bound")
    except NotSubmodularError:
        return
    assert b.value == pytest.approx(exact_max(f, 3).value)
