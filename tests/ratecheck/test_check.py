"""check_rate verdicts: consistent, violated (inequality or rate), inconclusive (short tail)."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from pgtheory.errors import ValidationError  # noqa: E402
from pgtheory.ratecheck import check_rate, combine_verdicts  # noqa: E402

T = np.arange(1.0, 3001.0)
NPG = dict(A=2, eta=1.0, gamma=0.9)


def test_consistent_trace():
    res = check_rate("agarwal2021.npg_softmax", T, 0.5 / T, params=NPG)
    assert res.verdict == "consistent" and res.inequality_holds and res.rate_verdict == "consistent"
    assert res.stated == -1.0
    assert res.worst_ratio < 1


def test_faster_than_stated_is_consistent():
    res = check_rate("agarwal2021.npg_softmax", T, 0.5 / T**2, params=NPG)
    assert res.verdict == "consistent"


def test_trace_breaking_the_inequality_is_violated():
    B = np.log(2) / T + 100 / T
    res = check_rate("agarwal2021.npg_softmax", T, np.where(T == 500, 2 * B, 0.5 / T), params=NPG)
    assert res.verdict == "violated" and res.n_violations == 1 and res.worst_at == 500
    assert "fails at 1" in res.reason


def test_slower_rate_is_violated_even_below_the_constant():
    # y = 1e-3 t^-0.5 stays below the bound over this range but decays too slowly
    res = check_rate("agarwal2021.npg_softmax", T, 1e-3 / np.sqrt(T), params=NPG)
    assert res.inequality_holds
    assert res.verdict == "violated" and res.rate_verdict == "violated"


def test_rate_only_check_on_noisy_seeds():
    rng = np.random.default_rng(0)
    y = 0.5 / T * rng.lognormal(0, 0.2, size=(20, T.size))
    res = check_rate("mei2020.thm10", T, y, check="rate")  # constants not explicit: rate only
    assert not res.inequality_checked and res.fit.statistical
    assert res.verdict == "consistent"


def test_too_short_tail_is_inconclusive():
    t = np.arange(1.0, 4.0)
    res = check_rate("agarwal2021.npg_softmax", t, 0.5 / t, params=NPG)
    assert res.verdict == "inconclusive" and res.inequality_holds
    assert "points" in res.reason or "decades" in res.reason


def test_straddling_interval_is_inconclusive():
    # an oscillating local slope -0.95 +- 0.9: the local-slope range straddles the stated -1 (+0.05)
    y = T**-0.95 * np.exp(0.3 * np.sin(3 * np.log(T)))
    res = check_rate("mei2020.thm10", T, y, check="rate")
    assert res.rate_verdict == "undecided" and res.verdict == "inconclusive"


def test_linear_bound_with_running_constant_and_plot(tmp_path):
    t = np.arange(0.0, 200.0)
    eta, tau = 0.5, 0.2
    y = 0.5 * (1 - eta * tau) ** t * 0.9
    res = check_rate("cen2022.thm1_q", t, y, params=dict(C1=np.full(t.size, 1.0), gamma=0.9, eta=eta, tau=tau))
    assert res.verdict == "consistent"
    assert abs(res.fit.rate - 0.9) < 1e-9 and res.stated == pytest.approx(0.9)
    slower = 0.5 * 0.95**t
    res2 = check_rate("cen2022.thm1_q", t, slower, params=dict(C1=1e6, gamma=0.9, eta=eta, tau=tau))
    assert res2.inequality_holds and res2.verdict == "violated"
    ax = res.plot()
    ax.figure.savefig(tmp_path / "x.png")
    assert (tmp_path / "x.png").stat().st_size > 1000
    assert res.row()["verdict"] == "consistent"


def test_lower_bound_direction():
    res = check_rate("mei2020.thm10", T, 1.0 / T, params=dict(gamma=0.5, Delta=0.1), check="rate")
    assert res.verdict == "consistent"
    res2 = check_rate("mei2020.thm10", T, 1.0 / T**2, check="rate")
    assert res2.verdict == "violated"  # decays faster than a lower bound allows


def test_errors():
    with pytest.raises(ValidationError, match="eta"):
        check_rate("agarwal2021.npg_softmax", T, 1 / T, params=dict(A=2, gamma=0.9))
    with pytest.raises(ValidationError, match="check"):
        check_rate("agarwal2021.npg_softmax", T, 1 / T, params=NPG, check="vibes")
    with pytest.raises(ValidationError, match="shape"):
        check_rate("agarwal2021.npg_softmax", T, np.ones(3), params=NPG)
    # the variable given as a constant too was an untyped TypeError deep inside the evaluation
    with pytest.raises(ValidationError, match=r"'T' is the bound's variable.*drop params\['T'\]"):
        check_rate("agarwal2021.npg_softmax", T, 1 / T, params={**NPG, "T": 3.0})


def test_combine_verdicts():
    assert combine_verdicts(["consistent", "consistent"]) == "consistent"
    assert combine_verdicts(["consistent", "inconclusive"]) == "inconclusive"
    assert combine_verdicts(["inconclusive", "violated"]) == "violated"
    assert combine_verdicts([]) == "inconclusive"
