"""Shared pytest configuration.

Hypothesis profiles (as scipy does): ``ci`` (default) is derandomised with no example
database so CI is deterministic; ``explore`` draws fresh examples (``HYPOTHESIS_PROFILE=explore``).

Statistical tests: each ``@pytest.mark.statistical`` test uses a fixed seed and a per-test
false-alarm rate; the suite's family-wise error rate is bounded by the sum (Bonferroni) and
kept <= 1e-3 (see ``pgtheory.testing`` and the docstrings of the tests).
"""

import os

import matplotlib

matplotlib.use("Agg")

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("ci", derandomize=True, database=None, deadline=None, max_examples=25,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", deadline=None, max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
