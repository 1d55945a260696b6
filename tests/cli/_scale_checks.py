"""Test checks for the executor seam, sweeps and interruption (loaded with ``--module`` / ``load_module``).

* ``zz-scale-mc``: a Monte-Carlo mean of Bernoulli(p) draws, one stream per seed spawned from
  ``SeedSequence(config.seed)`` *before* ``config.map``, so its report must be identical whatever
  the executor. Declares the sweepable parameters ``p`` and ``n``. When the environment variable
  ``PGTHEORY_TEST_COUNT`` names a file, each computation appends one line to it (so tests can
  count computations across processes); ``PGTHEORY_TEST_SLEEP`` seconds are slept per run.
* ``zz-scale-fast-a`` / ``-b``: finish at once; ``zz-scale-slow-a`` / ``-b``: run for two minutes
  in short sleeps (only an interruption ends them early).
"""

import json
import os
import time

import numpy as np

from pgtheory.experiments import experiment, report_from_claims
from pgtheory.ratecheck import ClaimResult, check_unbiased


def _bernoulli_mean(p, n, seed_seq):
    rng = np.random.default_rng(seed_seq)
    return (rng.random(n) < p).astype(float)


def _count(config):
    path = os.environ.get("PGTHEORY_TEST_COUNT")
    if path:
        line = json.dumps({"seed": config.seed, "params": config.params, "pid": os.getpid()}) + "\n"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)


@experiment("zz-scale-mc", "test: Bernoulli mean over seeds mapped by config.map", params={"p": 0.3, "n": 64})
def mc(config):
    _count(config)
    time.sleep(float(os.environ.get("PGTHEORY_TEST_SLEEP", "0")))
    p, n = config.param("p", 0.3), config.param("n", 64)
    R = config.seeds or 6
    children = np.random.SeedSequence(config.seed).spawn(R)
    draws = config.map(lambda s: _bernoulli_mean(p, n, s), children)
    samples = np.concatenate(draws)
    claim = check_unbiased(p, samples=samples, alpha=1e-3, name="Bernoulli mean", source="test")
    return report_from_claims("zz-scale-mc", [claim], source="test", stated="E[X] = p",
                              measured=f"mean {samples.mean()!r} over {samples.size} draws",
                              details={"means": [float(d.mean()) for d in draws]})


def _instant(name):
    def run(config):
        c = ClaimResult(name="instant", kind="identity", verdict="consistent", reason="fixture")
        return report_from_claims(name, [c], source="test", stated="-")
    return run


def _slow(name):
    def run(config):
        t0 = time.monotonic()
        while time.monotonic() - t0 < 120:
            time.sleep(0.05)
        c = ClaimResult(name="slow", kind="identity", verdict="consistent", reason="fixture")
        return report_from_claims(name, [c], source="test", stated="-")
    return run


for _n in ("zz-scale-fast-a", "zz-scale-fast-b"):
    experiment(_n, "test: finishes at once")(_instant(_n))
for _n in ("zz-scale-slow-a", "zz-scale-slow-b"):
    experiment(_n, "test: runs two minutes unless interrupted")(_slow(_n))
