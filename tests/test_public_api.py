"""Public-API contract (after scipy's test_public_api): every name in a subpackage's ``__all__``
exists and has a docstring; public functions document their parameters (numpydoc)."""

import importlib
import inspect

import pytest

import pgtheory

PACKAGES = [m for m in pgtheory._SUBMODULES]


@pytest.mark.parametrize("pkg", PACKAGES)
def test_all_names_exist_and_are_documented(pkg):
    mod = importlib.import_module(f"pgtheory.{pkg}")
    assert (mod.__doc__ or "").strip(), f"pgtheory.{pkg} has no module docstring"
    names = getattr(mod, "__all__", None)
    assert names is not None, f"pgtheory.{pkg} declares no __all__"
    missing, undocumented, no_params = [], [], []
    for name in names:
        if not hasattr(mod, name):
            missing.append(name)
            continue
        obj = getattr(mod, name)
        if inspect.ismodule(obj) or not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue
        doc = inspect.getdoc(obj) or ""
        if len(doc) < 20:
            undocumented.append(name)
        elif inspect.isfunction(obj):
            params = [p for p in inspect.signature(obj).parameters.values()
                      if p.name not in ("self", "cls") and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
            if len(params) >= 2 and "Parameters" not in doc and "See Also" not in doc:
                no_params.append(name)
    assert not missing, f"pgtheory.{pkg}.__all__ names that do not exist: {missing}"
    assert not undocumented, f"pgtheory.{pkg}: public names without a docstring: {undocumented}"
    assert not no_params, f"pgtheory.{pkg}: public functions without a numpydoc Parameters section: {no_params}"
