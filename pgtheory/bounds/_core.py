r"""Bounds as objects: :class:`Citation`, :class:`Bound`, and the registry.

A :class:`Bound` is a SymPy expression for a quantity (the *bounded* quantity, e.g.
:math:`V^*(\rho) - V^{\pi_t}(\rho)`) together with the meaning of every symbol, the
assumptions under which it holds, its kind (``"upper"``, ``"lower"``, ``"rate"``), the
source (:class:`Citation`) and a provenance note saying how each constant was obtained
(``"verified"`` in the full text, read in the ``"abstract"``, taken from ``"code"``,
``"recalled"`` or ``"inferred"``).

Catalog modules (``pgtheory/bounds/catalog/<firstauthor><year>.py``) register bounds at
import time with :func:`register`; :func:`get` and :func:`list_bounds` import every
catalog module on first use.

This module holds the data model; evaluation, exponents and LaTeX live on the class.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from typing import Any

__all__ = ["Citation", "Bound", "register", "get", "list_bounds", "PROVENANCE"]

#: Allowed provenance tags, following ``shared/dossiers/theorems.md`` §0.1.
PROVENANCE = ("verified", "abstract", "code", "recalled", "inferred", "derived")


@dataclasses.dataclass(frozen=True)
class Citation:
    """Where a result is stated.

    Attributes
    ----------
    key : str
        BibTeX key, e.g. ``"mei2020global"``.
    authors : tuple of str
        Authors as ``"Last, First"``.
    title, venue : str
    year : int
    arxiv : str
        arXiv identifier, e.g. ``"2005.06392"``.
    arxiv_version : str
        Version read, e.g. ``"v1"`` (results differ between versions).
    theorem : str
        Theorem / lemma / proposition, e.g. ``"Theorem 4"``.
    equation : str
        Equation number where the statement is, if any.
    url : str
    """

    key: str
    authors: tuple
    title: str
    venue: str
    year: int
    arxiv: str = ""
    arxiv_version: str = ""
    theorem: str = ""
    equation: str = ""
    url: str = ""

    def short(self) -> str:
        """``"Mei et al. 2020, Theorem 4"``."""
        last = self.authors[0].split(",")[0] if self.authors else "?"
        who = last + (" et al." if len(self.authors) > 2 else (f" & {self.authors[1].split(',')[0]}" if len(self.authors) == 2 else ""))
        return f"{who} {self.year}" + (f", {self.theorem}" if self.theorem else "")

    def bibtex(self) -> str:
        """A BibTeX entry (``@article`` with ``eprint`` when an arXiv id is known)."""
        fields = {
            "author": " and ".join(self.authors),
            "title": "{" + self.title + "}",
            "journal": self.venue,
            "year": str(self.year),
        }
        if self.arxiv:
            fields["eprint"] = self.arxiv + self.arxiv_version
            fields["archivePrefix"] = "arXiv"
        if self.url:
            fields["url"] = self.url
        if self.theorem:
            fields["note"] = self.theorem + (f", Eq. ({self.equation})" if self.equation else "")
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items())
        return f"@article{{{self.key},\n{body}\n}}"


@dataclasses.dataclass(frozen=True, eq=False)
class Bound:
    """A stated bound or rate, as a SymPy expression with its source.

    Attributes
    ----------
    id : str
        Registry id, ``"<firstauthor><year>.<short-name>"``, e.g. ``"mei2020.thm4"``.
    expr : sympy.Expr
        Right-hand side of the bound.
    quantity : str
        What is bounded, in words and LaTeX (e.g. ``"V*(rho) - V^{pi_t}(rho)"``).
    symbols : dict
        ``{sympy.Symbol: meaning}`` for every free symbol of ``expr``.
    kind : str
        ``"upper"``, ``"lower"`` or ``"rate"`` (an order statement; constants not explicit).
    citation : Citation
    assumptions : tuple of str
    provenance : str
        One of :data:`PROVENANCE` for the statement as a whole.
    provenance_note : str
        Which constants were read, inferred or recalled, and how confirmed.
    variable : str
        Name of the symbol the rate is in (``"t"``, ``"T"``, ``"N"``, ``"eps"``).
    rate_type : str
        ``"polynomial"`` or ``"linear"`` (geometric), describing the decay in ``variable``.
    """

    id: str
    expr: Any
    quantity: str
    symbols: dict
    kind: str
    citation: Citation
    assumptions: tuple = ()
    provenance: str = "verified"
    provenance_note: str = ""
    variable: str = "t"
    rate_type: str = "polynomial"

    def __post_init__(self):
        if self.kind not in ("upper", "lower", "rate"):
            raise ValueError(f"Bound.kind must be 'upper', 'lower' or 'rate'; got {self.kind!r}.")
        if self.provenance not in PROVENANCE:
            raise ValueError(f"Bound.provenance must be one of {PROVENANCE}; got {self.provenance!r}.")
        if self.rate_type not in ("polynomial", "linear"):
            raise ValueError(f"Bound.rate_type must be 'polynomial' or 'linear'; got {self.rate_type!r}.")


_REGISTRY: dict[str, Bound] = {}
_LOADED = False


def register(bound: Bound) -> Bound:
    """Add ``bound`` to the registry (ids are unique) and return it."""
    if bound.id in _REGISTRY and _REGISTRY[bound.id] is not bound:
        raise ValueError(f"a bound with id {bound.id!r} is already registered.")
    _REGISTRY[bound.id] = bound
    return bound


def _load_catalog() -> None:
    global _LOADED
    if _LOADED:
        return
    from . import catalog

    for mod in pkgutil.iter_modules(catalog.__path__):
        importlib.import_module(f"{catalog.__name__}.{mod.name}")
    _LOADED = True


def get(id: str) -> Bound:
    """Return the registered bound ``id`` (KeyError lists close ids)."""
    _load_catalog()
    try:
        return _REGISTRY[id]
    except KeyError:
        raise KeyError(f"no bound {id!r}; registered: {sorted(_REGISTRY)}") from None


def list_bounds() -> list[Bound]:
    """All registered bounds, sorted by id."""
    _load_catalog()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]
