"""Shared pytest configuration.

Hypothesis profiles (as scipy does): ``ci`` (default) is derandomised with no example
database so CI is deterministic; ``explore`` draws fresh examples (``HYPOTHESIS_PROFILE=explore``,
300 per test: for hunting bugs locally); ``ci-explore`` draws fresh examples too, with
``max_examples=25`` (as many as ``ci``, so it costs what the default run of those files costs),
so that ``.ci/run`` can run every hypothesis test file on fresh examples within its time budget (``HYPOTHESIS_PROFILE=ci-explore python -m pytest --hypothesis-seed=K``;
the seed is printed by ``.ci/run`` so a failure can be replayed). Tests that set their own
``@settings(max_examples=...)`` keep that count under every profile; the statistical ones do, so
their false-alarm budgets (alpha split over a fixed number of examples) hold under every profile.

Statistical tests: each ``@pytest.mark.statistical`` test has a per-test false-alarm rate
(stated in its docstring, 1e-5 unless said otherwise) that holds for a random seed, and draws
its samples from ``pgtheory.testing.test_seed(BASE)``: the fixed ``BASE`` by default (so the
default run is deterministic on every machine), a seed derived from ``BASE`` and
``PGTHEORY_TEST_SEED`` when that variable is set (``.ci/run`` sets it to a fresh value and prints
it). For any value of ``PGTHEORY_TEST_SEED``, the probability that some statistical test fails
although the code is right (the suite's family-wise error rate) is bounded by the sum of the
per-test rates (Bonferroni), which is kept <= 1e-3 (fewer than 100 tests at <= 1e-5 each; see
``pgtheory.testing`` and the docstrings of the tests). ``python -m pgtheory.testing.flake_rate
--runs 50`` measures the failure rate over reseeded runs.
"""

import os

import matplotlib

matplotlib.use("Agg")

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("ci", derandomize=True, database=None, deadline=None, max_examples=25,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", deadline=None, max_examples=300)
settings.register_profile("ci-explore", database=None, deadline=None, max_examples=25,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
