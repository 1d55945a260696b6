"""Symbolic bounds with their sources.

Every result pgtheory checks is a :class:`Bound`: a SymPy expression with the meaning of each
symbol, its assumptions, its kind (``"upper"``, ``"lower"``, ``"rate"``), the quantity bounded,
a :class:`Citation` and a provenance note. Catalog modules
``pgtheory/bounds/catalog/<firstauthor><year>.py`` register them; :func:`get_bound` and
:func:`list_bounds` (alias ``list``) load every catalog module on first use.

Examples
--------
>>> from pgtheory import bounds
>>> b = bounds.get_bound("cen2022.thm1_q")
>>> b.linear_rate(eta=0.5, tau=0.1)
0.95

Public API
----------
Citation, Bound, register, get_bound, list_bounds, load_errors, PROVENANCE
"""

from ._core import PROVENANCE, Bound, Citation, get, get_bound, list_bounds, load_errors, register

#: Alias of :func:`list_bounds` (``pgtheory.bounds.list()``); not in ``__all__`` so that
#: ``from pgtheory.bounds import *`` never shadows the builtin.
list = list_bounds  # noqa: A001

#: ``get``: deprecated alias of :func:`get_bound`, not in ``__all__``; ``pgtheory/cli.py``
#: (outside this change) still imports ``bounds.get``.

__all__ = ["Citation", "Bound", "register", "get_bound", "list_bounds", "load_errors", "PROVENANCE"]
