r"""``pgtheory.cite(obj)``: BibTeX for a bound, an algorithm, an experiment or the package.

Resolution order for ``obj``:

1. ``None``, the string ``"pgtheory"`` or the :mod:`pgtheory` module: the package entry;
2. a :class:`~pgtheory.bounds.Bound` or :class:`~pgtheory.bounds.Citation`: its source;
3. a string naming a registered bound id (``"mei2020.thm4"``);
4. any object with a ``__citation__`` attribute (a Citation, a Bound, a BibTeX string, or a
   tuple of them): algorithms declare their sources this way, e.g.
   ``softmax_pg.__citation__ = (MEI2020, AGARWAL2021)``;
5. otherwise a :class:`~pgtheory.errors.ValidationError` naming what was received.

Several citations are joined by blank lines; duplicates (same key) are dropped.
"""

from __future__ import annotations

import types

from .bounds import Bound, Citation, get_bound
from .errors import ValidationError

__all__ = ["cite", "PACKAGE_BIBTEX"]

#: BibTeX entry of the package itself (kept in step with ``CITATION.cff``).
PACKAGE_BIBTEX = """@software{pgtheory,
  author = {{The pgtheory developers}},
  title = {{pgtheory}: numerical checks of policy-gradient theory},
  year = {2026},
  version = {0.1.0},
  note = {Python package; see CITATION.cff}
}"""


def _entries(obj, seen: set) -> list:
    if isinstance(obj, (list, tuple)):
        out = []
        for o in obj:
            out.extend(_entries(o, seen))
        return out
    if isinstance(obj, Bound):
        obj = obj.citation
    if isinstance(obj, Citation):
        if obj.key in seen:
            return []
        seen.add(obj.key)
        return [obj.bibtex()]
    if isinstance(obj, str):
        if obj.lstrip().startswith("@"):
            return [obj.strip()]
        try:
            return _entries(get_bound(obj), seen)
        except KeyError:
            pass
    cit = getattr(obj, "__citation__", None)
    if cit is not None:
        return _entries(cit, seen)

    raise ValidationError(f"cite: don't know the source of {obj!r} (type {type(obj).__name__}). Fix: pass a Bound, a "
                          f"registered bound id, a Citation, an object with a __citation__ attribute, or nothing "
                          f"for the package.")


def cite(obj=None) -> str:
    """Return BibTeX for ``obj`` (default: the pgtheory package).

    Parameters
    ----------
    obj : Bound, Citation, str, callable, module or None
        What to cite: a bound (or its id), a citation, an algorithm function or experiment
        carrying ``__citation__``, or None / ``"pgtheory"`` / the module for the package.

    Returns
    -------
    str
        One or more BibTeX entries separated by blank lines.

    Raises
    ------
    pgtheory.errors.ValidationError
        When ``obj`` has no known source.

    Examples
    --------
    >>> import pgtheory
    >>> print(pgtheory.cite("cen2021.thm1_q").splitlines()[0])
    @article{cen2022fast,
    """
    if obj is None or (isinstance(obj, str) and obj == "pgtheory") or (
            isinstance(obj, types.ModuleType) and obj.__name__ == "pgtheory"):
        return PACKAGE_BIBTEX
    return "\n\n".join(_entries(obj, set()))
