"""Registered bounds and checks of Fatkhullin et al. 2023 (cheap parts only)."""

import numpy as np
import pytest

from pgtheory import bounds
from pgtheory.experiments._registry import RunConfig, get
from pgtheory.experiments.fatkhullin2023 import _hitting, _slope


@pytest.mark.parametrize("bid, var, expo", [
    ("fatkhullin2023.thm1", "T", -0.4), ("fatkhullin2023.thm2_harpg", "T", -0.5),
    ("fatkhullin2023.thm2_nharpg", "T", -0.5), ("fatkhullin2023.vanilla_pg", "n", -1 / 3),
    ("fatkhullin2023.thm1_samples", "eps", -2.5), ("fatkhullin2023.thm2_samples", "eps", -2.0),
    ("fatkhullin2023.vanilla_pg_samples", "eps", -3.0)])
def test_registered_exponents(bid, var, expo):
    b = bounds.get_bound(bid)
    vals = {"eps_bias": 0} if "eps_bias" in b.symbol_names else {}
    assert float(b.exponent(var, **vals)) == pytest.approx(expo)
    assert "2302.01734" in b.citation.arxiv or "2107.11433" in b.citation.arxiv


def test_lemma1_bound_value():
    b = bounds.get_bound("fatkhullin2023.lemma1")
    # (M_g/mu_F) (G + mu_F sqrt(eb)/(M_g (1-gamma))) at G=0.1, mu_F=0.1, M_g=2, eb=0.01, gamma=0 -> 20*0.1 + 0.1
    assert b.evaluate(G=0.1, mu_F=0.1, M_g=2.0, eps_bias=0.01, gamma=0.0) == pytest.approx(2.1)


def test_hitting_time_and_slope_helpers():
    n = np.logspace(0, 4, 41)
    mean = 2.0 * n ** -0.5
    eps = np.array([0.2, 0.02])
    h = _hitting(n, mean, eps)
    assert h == pytest.approx((2.0 / eps) ** 2, rel=1e-9)
    assert _slope(eps, h) == pytest.approx(-2.0)
    assert np.isnan(_hitting(n, mean, np.array([1e-6]))[0])


def test_lemma1_check_quick():
    rep = get("fatkhullin2023-lemma1").run(RunConfig(quick=True))
    # was "holds exactly" (outside the verdict vocabulary); the tightness says how close it comes
    assert rep.verdict == "consistent"
    assert rep.details["max_ratio_pointwise"] <= 1.0
    assert [c["kind"] for c in rep.claims] == ["inequality", "inequality"]
    assert all(c["slack_min"] >= 1.0 for c in rep.claims)
