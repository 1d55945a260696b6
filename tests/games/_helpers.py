r"""Helpers of the Nash-learning tests (``test_nash_algorithms.py``, ``test_munos2024.py``,
``test_tiapkin2025.py``, ``test_prajapat2024_verdicts.py``).

* :func:`instances`: hypothesis strategy for random (contextual) preference games with reference
  policies, some with tiny masses, and optional initial policies;
* :func:`run_recording` / :func:`check_claims_and_figures`: run a registered check in quick mode,
  record every figure its script saves, and check the claims and figures (issue 12);
* 40-digit ground truth (mpmath) independent of :mod:`pgtheory.games` and
  :mod:`pgtheory.algorithms.nash`: :func:`mp_equilibrium` (the beta-regularised equilibrium by
  mpmath's own multidimensional Newton solver in probability space, certified by its residual),
  :func:`mp_best_response`, :func:`mp_kl` and :func:`mp_log_policy`.
  Call them inside ``with mpmath.workdps(n):``; they compute at the current precision.
"""

import time

import mpmath as mp
import numpy as np
from hypothesis import strategies as st

from pgtheory import plotting
from pgtheory.experiments import RunConfig, run_one
from pgtheory.games import random_preference_game

#: Additive floor of the KL comparisons near the equilibrium (tests of munos2024, tiapkin2025 and the
#: Nash algorithms). Fixed, not derived per instance: the rounding of a float64 KL of n log-probabilities,
#: about n * eps * max|log pi|, reaches it at n = 30, |log pi| = 15 (see the closing note of issue 13).
ROUND = 1e-13
EPS = np.finfo(float).eps
#: mpmath digits of the 40-digit ground truth below
DPS = 40


def ctx(game):
    """A game's preference matrices and prompt weights, (A, rho), through its contextual form."""
    c = game.as_contextual()
    return c.A, c.rho


# ----------------------------------------------------------------------------- hypothesis
@st.composite
def instances(draw, max_n=30, contextual=False):
    n = draw(st.integers(2, max_n))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    beta = float(draw(st.floats(0.01, 3.0)))
    X = draw(st.integers(2, 3)) if contextual else None
    game = random_preference_game(n, rng=rng, contexts=X)
    shape = (n,) if X is None else (X, n)
    mu = rng.dirichlet(np.ones(n), size=None if X is None else X)
    if draw(st.booleans()):
        mu = np.where(rng.random(shape) < 0.3, 1e-9, mu)
        mu = mu / mu.sum(axis=-1, keepdims=True)
    pi0 = rng.dirichlet(np.ones(n), size=None if X is None else X) if draw(st.booleans()) else None
    return game, beta, mu, pi0


# ----------------------------------------------------------------------------- registered checks and figures
def run_recording(name, tmp_path, monkeypatch, **cfg):
    """Run check ``name`` quick into ``tmp_path`` (its script draws after it), recording each saved figure.

    Returns ``(report, seen, seconds)``; ``seen`` has, per saved figure, its stem, the legends outside
    the canvas, the verdict captions and the legend labels."""
    seen = []
    real = plotting.save_figure

    def recording(fig, stem, **kw):
        texts = [t.get_text() for t in fig.texts]
        seen.append({"stem": str(stem), "outside": plotting.legends_inside(fig),
                     "verdict_text": [t for t in texts if t.split(":")[0] in ("CONSISTENT", "VIOLATED",
                                                                              "INCONCLUSIVE")],
                     "labels": [t.get_text() for ax in fig.axes if ax.get_legend()
                                for t in ax.get_legend().get_texts()]})
        return real(fig, stem, **kw)

    monkeypatch.setattr(plotting, "save_figure", recording)
    t0 = time.perf_counter()
    rep = run_one(name, RunConfig(quick=True, out_dir=tmp_path, **cfg), catch=False)
    assert rep.details["figure"]["status"] == "drawn", rep.details["figure"]
    return rep, seen, time.perf_counter() - t0


def check_claims_and_figures(rep, seen):
    """Every figure keeps its legends inside and carries the verdict; every claim has a verdict, a reason, a source."""
    assert seen, "no figure was saved"
    for f in seen:
        assert not f["outside"], f"{f['stem']}: {f['outside']}"
        assert f["verdict_text"] and f["verdict_text"][0].startswith(rep.verdict.upper()), f["stem"]
        for lab in f["labels"]:   # no raw TeX braces outside math mode
            outside_math = "".join(lab.split("$")[::2])
            assert "{" not in outside_math and "\\" not in outside_math, lab
    assert rep.claims and rep.reason
    for c in rep.claims:
        assert c["verdict"] in ("consistent", "violated", "inconclusive")
        assert c["reason"], c["name"]
        assert c["source"], c["name"]


# ----------------------------------------------------------------------------- 40-digit ground truth
def mp_vector(x):
    """A float array as a list of mpf (exact conversion)."""
    return [mp.mpf(float(v)) for v in np.ravel(x)]


def mp_log_policy(z):
    """``log softmax(z)`` of a list of mpf."""
    m = max(z)
    lse = m + mp.log(mp.fsum(mp.exp(v - m) for v in z))
    return [v - lse for v in z]


def mp_best_response(P, pi, beta, log_mu):
    r"""Regularised best response :math:`\mathrm{BR}(\pi) \propto \mu\exp(P\pi/\beta)` (list of mpf).

    ``P`` is a list of rows of mpf, ``P[i][j] = P(y_i > y_j)``."""
    n = len(pi)
    return [mp.exp(v) for v in mp_log_policy([log_mu[i] + mp.fsum(P[i][j] * pi[j] for j in range(n)) / beta
                                              for i in range(n)])]


def mp_equilibrium(P, beta, mu, levels=6):
    r"""The :math:`\beta`-regularised symmetric equilibrium :math:`\pi = \mathrm{BR}(\pi)` of a
    preference matrix, at the current mpmath precision.

    Second method (independent of :func:`pgtheory.games.regularized_nash`, a log-space Newton in
    float64): :func:`mpmath.findroot` (multidimensional Newton with a numerical Jacobian) on
    :math:`\pi - \mathrm{BR}(\pi)` in probability space, started at :math:`\mu`; should that fail,
    continued from :math:`2^{levels}\beta` down to :math:`\beta` by halving. The answer is certified
    by its residual :math:`\|\pi - \mathrm{BR}(\pi)\|_\infty` (returned), and the equilibrium is
    unique (the regularised game is strongly monotone).

    Parameters
    ----------
    P : array, shape (n, n)
    beta : float
    mu : array, shape (n,)
    levels : int

    Returns
    -------
    (list of mpf, mpf)
        The equilibrium and its residual.
    """
    Pm = [mp_vector(row) for row in np.asarray(P)]
    lmu = [mp.log(v) for v in mp_vector(mu)]
    n = len(lmu)
    tol = mp.mpf(10) ** (-2 * mp.mp.dps + 5)

    def F_at(b):
        def F(*x):
            q = mp_best_response(Pm, list(x), b, lmu)
            return [x[i] - q[i] for i in range(n)]
        return F

    def solve(b, start):
        root = mp.findroot(F_at(b), start, solver="mdnewton", tol=tol, maxsteps=200)
        return [root[i] for i in range(n)]

    b0, start = mp.mpf(float(beta)), [mp.exp(v) for v in lmu]
    try:
        sol = solve(b0, start)
    except (ValueError, ZeroDivisionError):  # Newton from mu did not converge: continuation in beta
        sol = start
        for k in range(levels, -1, -1):
            sol = solve(b0 * 2**k, sol)
    return sol, max(abs(v) for v in F_at(b0)(*sol))


def mp_kl(p, log_p, log_q):
    r""":math:`\mathrm{KL}(p\|q) = \sum_i p_i(\log p_i - \log q_i)` of mpf lists."""
    return mp.fsum(pi * (a - b) for pi, a, b in zip(p, log_p, log_q))
