r"""Proof-step checks for Munos et al. (ICML 2024), Nash-MD's Theorem 1.

Each step is either **symbolic** (SymPy proves an identity / inequality under the stated
assumptions) or **falsification** (a seeded random search over small preference games with the
exact solver, reporting the worst slack found). A failing step is a finding, not a bug.

Steps
-----
1. ``munos2024.thm1`` induction: the recursion with :math:`\eta_t = 2/(\tau(t+2))` implies
   :math:`8/(\tau^2(T+1))` for every :math:`T \ge 1` (symbolic).
2. The recursion's constant: the smallest :math:`c` with :math:`\mathrm{KL}_{t+1} \le (1-\eta_t\tau)\mathrm{KL}_t
   + c\,\eta_t^2` along Nash-MD runs must be :math:`\le 2` (falsification).
3. Base case :math:`T = 0` for :math:`\pi_0 = \mu`: :math:`\mathrm{KL}(\pi^*\|\mu) \le 1/(2\tau)`
   (falsification) and :math:`1/(2\tau) \le 8/\tau^2 \iff \tau \le 16` (symbolic).

The Nash-MP and EGPO steps are in ``proofs_check/tiapkin2025.py``.

Run: ``python -m proofs_check --paper munos2024``.
"""

from __future__ import annotations

import numpy as np

from ._framework import step

__all__: list = []

PAPER = "Munos et al. 2024 (ICML; arXiv:2312.00886)"


def _step(name, bound_id, kind, claim, ok, detail, expected=True):
    """(ok, detail) for the framework; ``expected=False`` steps PASS when the inequality fails."""
    if not expected:
        return (not ok), f"[{bound_id}] expected to fail and {'does' if not ok else 'does NOT'}: {detail}"
    return bool(ok), f"[{bound_id}] {detail}"


def step_munos_induction():
    """Munos et al. Thm 1: the recursion and eta_t = 2/(tau(t+2)) give 8/(tau^2 (T+1)) by induction."""
    import sympy as sp

    t, tau = sp.symbols("t tau", positive=True)
    eta = 2 / (tau * (t + 2))
    K_t = 8 / (tau ** 2 * (t + 1))
    rhs = (1 - eta * tau) * K_t + 2 * eta ** 2
    slack = sp.factor(sp.simplify(8 / (tau ** 2 * (t + 2)) - rhs))
    ok_step = sp.simplify(slack - 8 / (tau ** 2 * (t + 1) * (t + 2) ** 2)) == 0
    base = sp.simplify(8 / (tau ** 2 * 2) - (2 * (2 / (tau * 2)) ** 2))  # K_1 <= 2 eta_0^2 since eta_0 tau = 1
    ok_base = sp.simplify(base - 2 / tau ** 2) == 0
    return _step("Munos Thm 1: induction from the recursion", "munos2024.thm1", "symbolic",
                 "(1 - eta_t tau) 8/(tau^2(t+1)) + 2 eta_t^2 <= 8/(tau^2(t+2)) with eta_t = 2/(tau(t+2)); K_1 <= 2/tau^2 <= 4/tau^2",
                 bool(ok_step and ok_base), f"slack = {slack} (>= 0); base-case slack = {base}")


def step_munos_recursion_constant(n_games: int = 100, seed: int = 3):
    """Smallest c with KL_{t+1} <= (1 - eta_t tau) KL_t + c eta_t^2 along Nash-MD runs (paper: c = 2)."""
    from pgtheory.algorithms.nash import nash_md
    from pgtheory.games import PreferenceGame, random_preference_game

    rng = np.random.default_rng(seed)
    worst = -np.inf
    for s in range(n_games):
        n = int(rng.integers(2, 8))
        tau = float(10 ** rng.uniform(-2, 0.5))
        if s % 2:
            g = random_preference_game(n, rng=rng)
        else:
            L = (rng.random((n, n)) < 0.5).astype(float)
            P = np.tril(L, -1)
            P = P + np.triu(1 - P.T, 1)
            np.fill_diagonal(P, 0.5)
            g = PreferenceGame(P)
        mu = rng.dirichlet(np.full(n, 0.5))
        pi0 = rng.dirichlet(np.full(n, 0.5))
        eta = "theorem1" if s % 3 else float(rng.uniform(0.05, 1.0) / tau)
        tr = nash_md(g, tau, 200, mu=mu, pi0=pi0, eta=eta)
        kl, e = tr.metric("kl"), tr.metric("eta")
        c = (kl[1:] - (1 - e[:-1] * tau) * kl[:-1]) / e[:-1] ** 2
        worst = max(worst, float(np.max(c)))
    return _step("Munos Thm 1: constant of the recursion", "munos2024.thm1_recursion", "falsification",
                 "KL_{t+1} - (1 - eta_t tau) KL_t <= 2 eta_t^2 (Theorem 1 schedule and constant steps)",
                 worst <= 2.0 + 1e-9, f"largest (KL_(t+1) - (1-eta_t tau) KL_t) / eta_t^2 over {n_games} runs x 200 "
                                      f"steps: {worst:.4f} (paper's constant: 2)")


def step_munos_base_case(n_games: int = 200, seed: int = 0):
    """KL(pi*||mu) <= 1/(2 tau) on random games (falsification) and 1/(2 tau) <= 8/tau^2 iff tau <= 16."""
    import sympy as sp

    from pgtheory.games import random_preference_game, regularized_nash

    rng = np.random.default_rng(seed)
    worst = 0.0
    for _ in range(n_games):
        n = int(rng.integers(2, 8))
        tau = float(10 ** rng.uniform(-2, 1))
        g = random_preference_game(n, rng=rng)
        mu = rng.dirichlet(np.full(n, 0.5))
        eq = regularized_nash(g, tau, mu)
        kl = float(np.sum(eq.pi * (eq.log_pi - np.log(mu))))
        worst = max(worst, kl * 2 * tau)
    tau_s = sp.symbols("tau", positive=True)
    sol = sp.solve_univariate_inequality(1 / (2 * tau_s) <= 8 / tau_s ** 2, tau_s, relational=False)
    return _step("Munos Thm 1: T = 0 with pi_0 = mu", "munos2024.thm1", "falsification+symbolic",
                 "KL(pi*_tau||mu) <= 1/(2 tau); hence KL_0 <= 8/tau^2 when tau <= 16",
                 worst <= 1 + 1e-12, f"worst 2 tau KL(pi*||mu) over {n_games} games = {worst:.4f} (<= 1); "
                                     f"1/(2tau) <= 8/tau^2 on {sol}")


_REGISTRY = (
    ("munos-thm1-induction", step_munos_induction, "symbolic",
     "Munos Thm 1: recursion + eta_t = 2/(tau(t+2)) give KL_T <= 8/(tau^2(T+1)) for every T >= 1"),
    ("munos-recursion-constant", step_munos_recursion_constant, "falsification",
     "Munos Thm 1: KL_{t+1} <= (1 - eta_t tau) KL_t + 2 eta_t^2 along Nash-MD runs (constant 2)"),
    ("munos-base-case", step_munos_base_case, "falsification",
     "Munos Thm 1 at T = 0, pi_0 = mu: KL(pi*||mu) <= 1/(2 tau) <= 8/tau^2 for tau <= 16"),
)

for _name, _fn, _kind, _claim in _REGISTRY:
    step("munos2024", _name, _claim, _kind)(_fn)
