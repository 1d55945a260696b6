r"""``pgtheory.cite(obj)``: BibTeX for a bound, an algorithm, an experiment or the package.

Resolution order for ``obj``:

1. ``None``, the string ``"pgtheory"`` or the :mod:`pgtheory` module: the package entry;
2. a :class:`~pgtheory.bounds.Bound` or :class:`~pgtheory.bounds.Citation`: its source;
3. a string naming a registered bound id (``"mei2020.thm4"``);
4. any object with a ``__citation__`` attribute (a Citation, a Bound, a BibTeX string, or a
   tuple of them): algorithms declare their sources this way, e.g.
   ``softmax_pg.__citation__ = (MEI2020, AGARWAL2021)``;
5. otherwise a :class:`~pgtheory.errors.ValidationError` naming what was received.

One key per paper: the BibTeX entry holds the paper only, and *where* in the paper a bound
is stated travels in a comment line after the entry, e.g. for ``cite("mei2020.thm4")``::

    @inproceedings{mei2020global,
      ...
    }
    % cite as \cite[Thm.~4]{mei2020global}  [mei2020.thm4]

Citing several bounds of one paper (``cite(["mei2020.thm4", "mei2020.thm6"])``) prints the entry
once with one ``% cite as`` line per bound, so the result never holds a key twice and can be
pasted into a ``.bib`` file as is (BibTeX ignores text outside entries). Entries are separated
by blank lines, in the order first cited.
"""

from __future__ import annotations

__all__ = ["cite", "PACKAGE_BIBTEX"]

import re
import types

from . import __version__
from .bounds import Bound, Citation, get_bound
from .errors import ValidationError

#: Package metadata, kept in step with ``CITATION.cff`` (``tests/test_citation.py`` compares them).
_PACKAGE_TITLE = "pgtheory: numerical checks of policy-gradient theory"
_PACKAGE_AUTHORS = ("The pgtheory developers",)
_PACKAGE_YEAR = 2026  # CITATION.cff date-released


def _package_bibtex() -> str:
    title = _PACKAGE_TITLE.replace("pgtheory", "{pgtheory}", 1)
    return ("@software{pgtheory,\n"
            f"  author = {{{' and '.join('{' + a + '}' for a in _PACKAGE_AUTHORS)}}},\n"
            f"  title = {{{title}}},\n"
            f"  year = {{{_PACKAGE_YEAR}}},\n"
            f"  version = {{{__version__}}},\n"
            "  note = {Python package; see CITATION.cff}\n"
            "}")


#: BibTeX entry of the package itself (title, authors, version as in ``CITATION.cff``).
PACKAGE_BIBTEX = _package_bibtex()


def _collect(obj, out: list) -> None:
    """Append ``(Citation or BibTeX str, label)`` pairs for ``obj`` to ``out``."""

    if isinstance(obj, (list, tuple)):
        for o in obj:
            _collect(o, out)
        return
    if isinstance(obj, Bound):
        out.append((obj.citation, obj.id))
        return
    if isinstance(obj, Citation):
        out.append((obj, ""))
        return
    if isinstance(obj, str):
        if obj.lstrip().startswith("@"):
            out.append((obj.strip(), ""))
            return
        try:
            b = get_bound(obj)
        except KeyError:
            pass
        else:
            out.append((b.citation, b.id))
            return
    cit = getattr(obj, "__citation__", None)
    if cit is not None:
        _collect(cit, out)
        return

    raise ValidationError(f"cite: don't know the source of {obj!r} (type {type(obj).__name__}). Fix: pass a Bound, a "
                          f"registered bound id (`pgtheory list --bounds`), a Citation, an object with a "
                          f"__citation__ attribute, a list of these, or nothing for the package.")


def _render(items: list) -> str:
    """One entry per key (first occurrence order), each followed by its ``% cite as`` hints."""
    order: list = []
    entries: dict = {}
    hints: dict = {}
    for cit, label in items:
        if isinstance(cit, str):
            m = re.match(r"@\w+\s*\{\s*([^,\s]+)", cit)
            key = m.group(1) if m else cit
            if key not in entries:
                order.append(key)
                entries[key] = cit
            continue
        if cit.key not in entries:
            order.append(cit.key)
            entries[cit.key] = cit.paper().bibtex()
            hints[cit.key] = []
        if cit.theorem or cit.equation:
            line = f"% cite as {cit.hint()}" + (f"  [{label}]" if label else "")
            if line not in hints[cit.key]:
                hints[cit.key].append(line)
    return "\n\n".join("\n".join([entries[k], *hints.get(k, [])]) for k in order)


def cite(obj=None) -> str:
    """Return BibTeX for ``obj`` (default: the pgtheory package).

    Parameters
    ----------
    obj : Bound, Citation, str, callable, module, list or None
        What to cite: a bound (or its id), a citation, an algorithm function or experiment
        carrying ``__citation__``, a list of these, or None / ``"pgtheory"`` / the module for
        the package.

    Returns
    -------
    str
        One BibTeX entry per paper (one key per paper), separated by blank lines; after each
        entry, one ``% cite as \\cite[Thm.~4]{key}  [bound id]`` line per cited statement.

    Raises
    ------
    pgtheory.errors.ValidationError
        When ``obj`` has no known source.

    Examples
    --------
    >>> import pgtheory
    >>> print(pgtheory.cite("cen2022.thm1_q").splitlines()[0])
    @article{cen2022fast,
    >>> print(pgtheory.cite(["mei2020.thm4", "mei2020.thm6"]).splitlines()[-2:])
    ['% cite as \\\\cite[Thm.~4]{mei2020global}  [mei2020.thm4]', '% cite as \\\\cite[Thm.~6]{mei2020global}  [mei2020.thm6]']
    """

    if obj is None or (isinstance(obj, str) and obj == "pgtheory") or (
            isinstance(obj, types.ModuleType) and obj.__name__ == "pgtheory"):
        return PACKAGE_BIBTEX
    items: list = []
    _collect(obj, items)
    return _render(items)
