"""Iterative policy-optimisation methods, each returning a :class:`~pgtheory.results.Trace`.

One module per family; this package re-exports every module's ``__all__`` (modules are
discovered automatically, so a new ``pgtheory/algorithms/<family>.py`` needs no edit here).

* :mod:`~pgtheory.algorithms.pg` -- exact softmax policy gradient (Mei et al. 2020).
* :mod:`~pgtheory.algorithms.npg` -- exact softmax NPG (Agarwal et al. 2021) and
  entropy-regularised NPG (Cen et al. 2021).
* other families (N-PG-IGT / HARPG, Nash-MD / Nash-MP / EGPO, SubPO, ...) in their modules.

Every algorithm function carries ``__citation__`` so :func:`pgtheory.cite` gives its sources.
"""

import importlib as _importlib
import pkgutil as _pkgutil

__all__: list = []

for _mod in sorted(m.name for m in _pkgutil.iter_modules(__path__) if not m.name.startswith("_")):
    _m = _importlib.import_module(f"{__name__}.{_mod}")
    for _name in getattr(_m, "__all__", ()):
        if _name not in globals() or isinstance(globals()[_name], type(_importlib)):
            globals()[_name] = getattr(_m, _name)
            __all__.append(_name)
del _mod, _m, _name
