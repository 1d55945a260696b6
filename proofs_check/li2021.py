"""Li, Wei, Chi, Chen (2021), arXiv:2102.11270: the crossing-time recursion.

Steps: recursion (46), t_s >~ t_{s-2}^{3/2}, makes log t_s grow like (3/2)^{s/2}, i.e. faster
than any polynomial in s (symbolic); Theorem 3's exponent (1/3)(3/2)^{floor(s/2)} has the same
ratio 3/2 between s and s+2 (symbolic).
"""

import sympy as sp

from pgtheory import bounds

from ._framework import step


@step("li2021", "recursion46-growth", "L_s = (3/2) L_{s-2} + log kappa solves to (3/2)^{s/2}-growth of log t_s")
def _growth():
    k = sp.Symbol("k", integer=True, nonnegative=True)
    L = sp.Function("L")
    a, L0 = sp.symbols("a L0")
    sol = sp.rsolve(L(k + 1) - sp.Rational(3, 2) * L(k) - a, L(k), {L(0): L0})
    expected = sp.Rational(3, 2) ** k * (L0 + 2 * a) - 2 * a
    ok = sp.simplify(sol - expected) == 0
    return ok, f"L_(2k) = {sp.simplify(sol)} (k = s/2 steps of two states)"


@step("li2021", "thm3-exponent-ratio", "Theorem 3's exponent grows by 3/2 from s to s+2, matching (46)")
def _ratio():
    b = bounds.get_bound("li2021.thm3")
    s = b.symbol("s")
    e = sp.Rational(1, 3) * sp.Rational(3, 2) ** sp.floor(s / 2)
    vals = [e.subs(s, v) for v in range(3, 12)]
    ratios = {sp.nsimplify(vals[i + 2] / vals[i]) for i in range(len(vals) - 2)}
    in_expr = any(sp.simplify(p.exp - e) == 0 for p in b.expr.atoms(sp.Pow))
    return ratios == {sp.Rational(3, 2)} and in_expr, f"ratios {ratios}; exponent present in bound: {in_expr}"
