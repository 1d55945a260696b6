"""Architecture contracts (issue 13): one meaning per public name, public faces only, no import
cycles, lazy imports only where they are needed, one Policy protocol.

The import graph is read from the source with :mod:`ast` (nothing is imported), so these tests
are fast and see every module, including ones that need optional dependencies.
"""

from __future__ import annotations

import ast
import collections
import importlib
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "pgtheory"

#: Subpackages and top-level modules with a public ``__all__``.
PUBLIC_MODULES = ("mdp", "policies", "bandits", "games", "lqr", "submodular", "agnostic", "estimators",
                  "algorithms", "bounds", "ratecheck", "experiments", "testing", "results", "errors", "backend")

#: Imports that may stay inside functions, each for a stated reason.
#: * heavy optional dependencies: importing them costs 0.1-1 s or needs a GPU, and ``import pgtheory``
#:   (and each subpackage) must stay cheap;
#: * scipy.stats / optimize / special / integrate: 0.05-0.3 s each, used by a few functions only;
#: * modules whose import compiles or loads numba / CuPy (the kernels and backends), and
#:   ``pgtheory.plotting`` (only ``Result.plot`` imports it, so matplotlib stays optional).
HEAVY_TOP = {"numba", "cupy", "cupyx", "sympy", "matplotlib", "cvxpy", "gymnasium", "tqdm", "hypothesis",
             "mdptoolbox", "pymdptoolbox"}
HEAVY_MODULES = {"scipy.stats", "scipy.optimize", "scipy.special", "scipy.integrate"}
LAZY_INTERNAL = {"pgtheory.plotting", "pgtheory.estimators._numba", "pgtheory.estimators._cupy",
                 "pgtheory.algorithms._pg_kernels", "pgtheory.algorithms._igt_kernels",
                 "pgtheory.bounds.catalog"}
LAZY_INTERNAL |= {"pgtheory.estimators._cuda"}  # imports numba.cuda (numba-cuda): GPU kernels, on use only
LAZY_INTERNAL |= {"pgtheory.algorithms._ac_kernels"}  # numba kernels of nora_tabular, on use only
LAZY_INTERNAL |= {"pgtheory.submodular._subrl_kernels", "pgtheory.algorithms._subpo_kernels",
                  "pgtheory.agnostic._kernels"}  # numba kernels
LAZY_INTERNAL |= {"pgtheory._preference_kernels"}  # numba kernels of sampled preference queries, on use only
#: Modules whose function-level imports are allowed wholesale, with the reason.
LAZY_MODULE_PREFIXES = {
    # `pgtheory list` imports every experiment module to read the registry: each check imports
    # the algorithms, problems and bounds it runs only when it runs (importing them all up front
    # costs ~0.9 s, against 0.27 s for `pgtheory list` today).
    "pgtheory.experiments.": "the registry imports every experiment module to list them",
    # the command line starts fast and imports the subcommand's machinery on use
    "pgtheory.cli": "the CLI imports each subcommand's machinery on use",
    "pgtheory.__main__": "entry point",
    # selects numpy / numba / cupy at run time; its lazy imports are the point of the module
    "pgtheory.backend": "backend selection imports backends on demand",
}
#: Private-module imports that cross packages and cannot be removed in this change, with the reason.
ALLOWED_CROSSINGS = {
    ("pgtheory.cli", "pgtheory.experiments._runner"): "cli.py is the runner's only client; frozen here",
}


def _modname(p: Path) -> str:
    parts = list(p.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_modname(p): p for p in sorted(PKG.rglob("*.py"))}


def _resolve(mod: str, node: ast.ImportFrom, is_pkg: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = mod.split(".")
    if not is_pkg:
        base = base[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


Import = collections.namedtuple("Import", "src target names line top func lazy_alias")


def _imports(mod: str, path: Path) -> list[Import]:
    """Every import in ``path``: target module, names, line, whether at module level, enclosing function."""
    is_pkg = path.name == "__init__.py"
    out = []

    def visit(node, func):
        for ch in ast.iter_child_nodes(node):
            if isinstance(ch, ast.If) and "TYPE_CHECKING" in ast.unparse(ch.test):
                continue  # typing only, never executed
            if isinstance(ch, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(ch, func or ch.name)
                continue
            if isinstance(ch, ast.Import):
                for a in ch.names:
                    out.append(Import(mod, a.name, [], ch.lineno, func is None, func, func == "__getattr__"))
            elif isinstance(ch, ast.ImportFrom):
                out.append(Import(mod, _resolve(mod, ch, is_pkg), [a.name for a in ch.names], ch.lineno,
                                  func is None, func, func == "__getattr__"))
            else:
                visit(ch, func)

    visit(ast.parse(path.read_text()), None)
    return out


ALL_IMPORTS = [imp for m, p in MODULES.items() for imp in _imports(m, p)]


def _targets(imp: Import) -> list[str]:
    """Package modules an import loads (``from pkg import sub`` loads ``pkg.sub``)."""
    if not imp.target.startswith("pgtheory"):
        return []
    subs = [f"{imp.target}.{n}" for n in imp.names if f"{imp.target}.{n}" in MODULES]
    res = subs[:]
    if imp.target in MODULES and (not imp.names or len(subs) < len(imp.names)):
        res.append(imp.target)
    return [t for t in res if not imp.src.startswith(t + ".")]  # a module's own ancestors load first anyway


def _graph(include_functions: bool) -> dict:
    g = collections.defaultdict(set)
    for imp in ALL_IMPORTS:
        if imp.lazy_alias:
            continue  # a module-level __getattr__ re-export is an alias, not a dependency
        if imp.top or include_functions:
            g[imp.src].update(_targets(imp))
    return g


def _cycles(graph) -> list[list[str]]:
    index, low, stack, on, out = {}, {}, [], set(), []

    def strong(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in MODULES:
        if v not in index:
            strong(v)
    return out


# ----------------------------------------------------------------------------- public names
def test_public_names_mean_one_object():
    owners = collections.defaultdict(list)
    for name in PUBLIC_MODULES:
        mod = importlib.import_module(f"pgtheory.{name}")
        for n in getattr(mod, "__all__", []):
            owners[n].append((name, getattr(mod, n)))
    clashes = {n: [m for m, _ in lst] for n, lst in owners.items() if len({id(o) for _, o in lst}) > 1}
    assert not clashes, f"public names exported by several packages for different objects: {clashes}"


# ----------------------------------------------------------------------------- private modules
def _private_owner(target: str) -> str | None:
    """The package owning the first private component of ``target`` (None if all public)."""
    parts = target.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:i])
    return None


def test_no_module_imports_another_packages_private_module():
    offenders = []
    for imp in ALL_IMPORTS:
        for t in _targets(imp):
            owner = _private_owner(t)
            if owner is None:
                continue
            src_pkg = imp.src if MODULES[imp.src].name == "__init__.py" else imp.src.rpartition(".")[0]
            if src_pkg == owner or src_pkg.startswith(owner + "."):
                continue
            if (imp.src, t) in ALLOWED_CROSSINGS:
                continue
            offenders.append(f"{imp.src}:{imp.line} imports {t}")
    assert not offenders, ("imports of another package's private module (use its __init__ re-exports):\n"
                           + "\n".join(offenders))


# ----------------------------------------------------------------------------- cycles
def test_no_import_cycles_at_import_time():
    cycles = _cycles(_graph(include_functions=False))
    assert not cycles, f"module-level import cycles: {cycles}"


def test_no_import_cycles_through_function_level_imports():
    """Deferred imports hide cycles rather than remove them (harpg <-> igt, results -> ratecheck ->
    plotting -> results were two); only ``__getattr__`` re-exports are exempt."""
    cycles = _cycles(_graph(include_functions=True))
    assert not cycles, f"import cycles through function-level imports: {cycles}"


# ----------------------------------------------------------------------------- lazy imports
LAZY_INTERNAL |= {"pgtheory.algorithms._hnpg_kernels"}  # numba kernels of the HAC samplers, on use only


def _allowed_lazy(imp: Import) -> bool:
    if imp.lazy_alias:
        return True
    if any(imp.src == p or imp.src.startswith(p) for p in LAZY_MODULE_PREFIXES):
        return True
    t = imp.target
    if t.split(".")[0] in HEAVY_TOP:
        return True
    cands = [t] + [f"{t}.{n}" for n in imp.names]
    if any(c == h or c.startswith(h + ".") for c in cands for h in HEAVY_MODULES | LAZY_INTERNAL):
        return True
    return False


def test_function_level_imports_only_for_heavy_dependencies():
    offenders = [f"{i.src}:{i.line} ({i.func}) imports {i.target} {i.names}"
                 for i in ALL_IMPORTS if not i.top and not _allowed_lazy(i)]
    assert not offenders, ("function-level imports of light modules (move them to the top of the module):\n"
                           + "\n".join(offenders))


def test_every_lazy_import_says_why():
    """Outside the wholesale-lazy modules, each function-level import carries a ``# lazy: why`` comment."""
    offenders = []
    for i in ALL_IMPORTS:
        if i.top or i.lazy_alias or any(i.src == p or i.src.startswith(p) for p in LAZY_MODULE_PREFIXES):
            continue
        if "lazy:" not in MODULES[i.src].read_text().split("\n")[i.line - 1]:
            offenders.append(f"{i.src}:{i.line}")
    assert not offenders, "function-level imports without a '# lazy: reason' comment:\n" + "\n".join(offenders)


# ----------------------------------------------------------------------------- Policy protocol
def test_every_tabular_policy_satisfies_the_protocol():
    from pgtheory.policies import (ContinuousPolicy, DirectPolicy, LogLinearPolicy, Policy, SoftmaxPolicy,
                                   as_policy)
    from pgtheory.policies import CauchyLinearPolicy, GaussianLinearPolicy
    from pgtheory.mdp import instances

    tabular = [SoftmaxPolicy(3, 2), DirectPolicy(3, 2), LogLinearPolicy(np.ones((3, 2, 4))),
               as_policy("softmax", instances.chain(4))]
    for pol in tabular:
        assert isinstance(pol, Policy), type(pol).__name__
        theta = pol.check_theta(np.full(pol.param_shape, 0.5) if isinstance(pol, DirectPolicy)
                                else np.zeros(pol.param_shape))
        assert pol.probs(theta).shape == (pol.S, pol.A)
        assert pol.jacobian(theta).shape == (pol.S, pol.A) + tuple(pol.param_shape)
        assert pol.n_params == int(np.prod(pol.param_shape))
    for cls in (GaussianLinearPolicy, CauchyLinearPolicy):  # protocols with properties: check the members
        assert all(hasattr(cls, m) for m in ("param_shape", "check_theta", "score")), cls.__name__
        assert ContinuousPolicy.__doc__


def test_gradient_code_accepts_any_protocol_policy():
    """A user-defined class providing only the protocol members works with the exact gradient."""
    from pgtheory.mdp import instances
    from pgtheory.policies import Policy, SoftmaxPolicy, policy_gradient

    mdp = instances.chain(4)
    inner = SoftmaxPolicy(mdp.S, mdp.A)

    class Wrapped:
        S, A = inner.S, inner.A
        param_shape = inner.param_shape
        n_params = inner.n_params
        check_theta = staticmethod(inner.check_theta)
        probs = staticmethod(inner.probs)
        score = staticmethod(inner.score)
        jacobian = staticmethod(inner.jacobian)

    assert isinstance(Wrapped(), Policy)
    theta = np.random.default_rng(0).normal(size=inner.param_shape)
    np.testing.assert_allclose(policy_gradient(mdp, Wrapped(), theta), policy_gradient(mdp, inner, theta),
                               rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("mod", ["pgtheory.mdp", "pgtheory.policies", "pgtheory.estimators", "pgtheory.algorithms"])
def test_subpackages_do_not_import_heavy_dependencies(mod):
    import subprocess
    import sys

    code = (f"import sys, {mod}; print(','.join(m for m in ('numba', 'cupy', 'cvxpy', 'matplotlib', 'sympy') "
            f"if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "", f"import {mod} loaded {out.stdout.strip()}"


# ----------------------------------------------------------------------------- one exact core
#: Linear solves outside the exact core, each of a system that is not I - gamma P_pi.
OTHER_LINEAR_SYSTEMS = {
    "pgtheory/algorithms/_pg_kernels.py": "numba kernels (cannot call Python); tested against the core",
    "pgtheory/bandits/_continuous.py": "2x2 covariance inverse of the Cauchy bandit",
    "pgtheory/games/_regularized.py": "Newton step of the regularised Nash fixed point",
    "pgtheory/lqr/_model.py": "Lyapunov and Riccati equations of the LQR",
    "pgtheory/bandits/_preference.py": "Newton step of the Bradley-Terry adversary's convex problem (RPO maximin)",
}


def test_policy_system_is_solved_in_one_place():
    """Every dense / sparse linear solve lives in pgtheory/mdp/_bellman.py (PolicySystem), except the
    listed solves of other systems."""
    names = {"solve", "lu_factor", "lu_solve", "spsolve", "splu", "gmres", "inv", "lstsq", "cho_solve"}
    offenders = []
    for path in sorted(PKG.rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        if rel == "pgtheory/mdp/_bellman.py" or rel in OTHER_LINEAR_SYSTEMS:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in names
                    and any(k in ast.unparse(node.func.value) for k in ("linalg", "sla", "spla"))):
                offenders.append(f"{rel}:{node.lineno}: {ast.unparse(node.func)}")
    assert not offenders, "linear solves outside pgtheory.mdp.PolicySystem:\n" + "\n".join(offenders)


# ----------------------------------------------------------------------------- experiments do not draw


def test_experiments_compute_and_do_not_draw():
    """Issue 13 item 4: no module of pgtheory/experiments imports matplotlib or a drawing function
    of pgtheory.plotting (only its data helpers, ``plotting.DATA_HELPERS``); the drawing code of
    each check lives in its script in figures/."""
    from pgtheory.plotting import DATA_HELPERS

    offenders = []
    for i in ALL_IMPORTS:
        if not i.src.startswith("pgtheory.experiments"):
            continue
        if i.target.split(".")[0] == "matplotlib":
            offenders.append(f"{i.src}:{i.line} imports {i.target}")
        elif i.target == "pgtheory.plotting":
            offenders += [f"{i.src}:{i.line} imports plotting.{n}" for n in i.names if n not in DATA_HELPERS]
        elif i.target == "pgtheory" and "plotting" in i.names:
            offenders.append(f"{i.src}:{i.line} imports the whole pgtheory.plotting module")
    assert not offenders, "experiment modules drawing (move the drawing to figures/<check>.py):\n" + "\n".join(offenders)
