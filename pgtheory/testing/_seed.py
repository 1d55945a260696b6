"""Reseedable seeds for statistical tests.

Every ``@pytest.mark.statistical`` test draws its Monte-Carlo samples from
``test_seed(BASE)`` instead of a bare literal ``BASE``.  Without the environment variable
``PGTHEORY_TEST_SEED`` this is ``BASE`` itself, so the default suite is deterministic (the
same draws on every machine).  With ``PGTHEORY_TEST_SEED=K`` every test gets a fresh seed
derived from ``(BASE, K)``, so ``PGTHEORY_TEST_SEED=$(date +%s) python -m pytest -m statistical``
runs the statistical tests on new draws, and a failure is reproduced by rerunning with the
printed ``K``.  Each test's false-alarm rate ``alpha`` holds for any seed, which is what makes a
reseeded run meaningful (the flake rate measured by ``python -m pgtheory.testing.flake_rate``
estimates it).
"""

from __future__ import annotations
import numpy as np

import os

__all__ = ["test_seed", "SEED_ENV"]

#: Environment variable that reseeds every statistical test.
SEED_ENV = "PGTHEORY_TEST_SEED"


def test_seed(base: int) -> int:
    """Seed of a statistical test: ``base``, or one derived from ``base`` and ``$PGTHEORY_TEST_SEED``.

    Parameters
    ----------
    base : int
        The test's own fixed seed (distinct tests should use distinct bases).

    Returns
    -------
    int
        ``base`` when ``PGTHEORY_TEST_SEED`` is unset or empty; otherwise
        ``int(numpy.random.SeedSequence([base, K]).generate_state(1)[0])`` with
        ``K = int($PGTHEORY_TEST_SEED)``: a 32-bit seed that differs between bases and between
        values of ``K`` and is the same on every machine.

    Raises
    ------
    ValueError
        If ``PGTHEORY_TEST_SEED`` is not a non-negative integer, or ``base`` is negative.

    Examples
    --------
    >>> rng = np.random.default_rng(test_seed(7))  # doctest: +SKIP
    >>> test_seed(7)  # with PGTHEORY_TEST_SEED unset  # doctest: +SKIP
    7
    """
    base = int(base)
    if base < 0:
        raise ValueError(f"test_seed(base) needs a non-negative integer base, got {base}.")
    raw = os.environ.get(SEED_ENV, "").strip()
    if not raw:
        return base
    try:
        k = int(raw)
    except ValueError:
        raise ValueError(f"{SEED_ENV}={raw!r} is not an integer; set it to a non-negative integer "
                         f"(e.g. {SEED_ENV}=$(date +%s)) or unset it.") from None
    if k < 0:
        raise ValueError(f"{SEED_ENV}={k} is negative; set it to a non-negative integer or unset it.")
    return int(np.random.SeedSequence([base, k]).generate_state(1)[0])


# pytest collects module-level functions named ``test_*`` from test modules that import this one;
# this marks it as a helper, not a test.
test_seed.__test__ = False
