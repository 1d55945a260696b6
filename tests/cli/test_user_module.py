"""A check defined outside the package runs through the CLI (``--module``) like a built-in one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

MODULE = textwrap.dedent('''
    """A user's own check: the softmax gradient of a 2-armed bandit against its closed form."""
    import json

    import numpy as np

    import pgtheory
    from pgtheory.experiments import experiment, out_path, report_from_claims
    from pgtheory.ratecheck import check_identity


    @experiment("zz-user-bandit-grad", "user check: exact softmax bandit gradient = pi (r - pi^T r)")
    def run(config):
        r = np.array([1.0, 0.25])
        theta = np.array([0.3, -0.2])
        pi = np.exp(theta) / np.exp(theta).sum()
        g = pgtheory.policies.policy_gradient(pgtheory.mdp.bandit(r), pgtheory.policies.SoftmaxPolicy(1, 2),
                                             theta[None, :])
        claim = check_identity(np.ravel(g), pi * (r - pi @ r), rtol=1e-12, atol=1e-14,
                               name="closed form", source="user")
        data = []
        p = out_path(config, "user.json")
        if p is not None:
            p.write_text(json.dumps({"grad": np.ravel(g).tolist()}))
            data = [str(p)]
        return report_from_claims("zz-user-bandit-grad", [claim], source="user", stated="pi (r - pi^T r)",
                                  data_files=data)
''')


def _cli(*args, cwd):
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("PGTHEORY_EXPERIMENT_MODULES", None)
    return subprocess.run([sys.executable, "-m", "pgtheory", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd, env=env)


@pytest.fixture
def user_module(tmp_path):
    path = tmp_path / "mychecks.py"
    path.write_text(MODULE)
    return path


def test_check_and_reproduce_a_user_module(user_module, tmp_path):
    out = tmp_path / "out"
    proc = _cli("check", "zz-user-bandit-grad", "--module", str(user_module), "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "zz-user-bandit-grad" in proc.stdout and "consistent" in proc.stdout
    rep = json.loads((out / "report.json").read_text())
    assert rep["name"] == "zz-user-bandit-grad" and rep["verdict"] == "consistent"
    assert (out / "user.json").exists()
    # reproduce --module runs the module's checks (an importable name from cwd); then resumes
    rdir = tmp_path / "rep"
    proc = _cli("reproduce", "--module", "mychecks", "--out", str(rdir), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads((rdir / "zz-user-bandit-grad" / "report.json").read_text())["verdict"] == "consistent"
    assert [s["name"] for s in json.loads((rdir / "summary.json").read_text())] == ["zz-user-bandit-grad"]
    proc = _cli("reproduce", "--module", str(user_module), "--only", "zz-user-bandit-grad", "--out", str(rdir),
                cwd=tmp_path)
    assert proc.returncode == 0 and "1 resumed" in proc.stdout, proc.stdout + proc.stderr


def test_bad_module_is_a_usage_error(tmp_path):
    proc = _cli("check", "x", "--module", str(tmp_path / "missing.py"), cwd=tmp_path)
    assert proc.returncode == 2 and "--module" in proc.stderr and "missing.py" in proc.stderr
    proc = _cli("list", "--module", "no_such_module_xyz", cwd=tmp_path)
    assert proc.returncode == 2 and "no_such_module_xyz" in proc.stderr


def test_load_module_in_process(user_module):
    from pgtheory.experiments import _registry, load_module

    try:
        names = load_module(str(user_module))
        assert names == ["zz-user-bandit-grad"] and load_module(str(user_module)) == names
        assert _registry.get("zz-user-bandit-grad").title.startswith("user check")
    finally:
        _registry._REGISTRY.pop("zz-user-bandit-grad", None)
        _registry._USER_MODULES.clear()
        os.environ.pop(_registry.MODULES_ENV, None)
