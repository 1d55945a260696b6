r"""Bounds as objects: :class:`Citation`, :class:`Bound`, and the registry.

A :class:`Bound` is a SymPy expression for a quantity (the *bounded* quantity, e.g.
:math:`V^*(\rho) - V^{\pi_t}(\rho)`) together with the meaning of every symbol, the
assumptions under which it holds, its kind (``"upper"``, ``"lower"``, ``"rate"``), the
source (:class:`Citation`) and a provenance note saying how each constant was obtained
(``"verified"`` in the full text, read in the ``"abstract"``, taken from ``"code"``,
``"recalled"`` or ``"inferred"``).

Catalog modules (``pgtheory/bounds/catalog/<firstauthor><year>.py``) register bounds at
import time with :func:`register`; :func:`get_bound` and :func:`list_bounds` import every
catalog module on first use.

This module holds the data model; evaluation, exponents and LaTeX live on the class:

* :meth:`Bound.evaluate` substitutes numbers (or NumPy arrays, broadcast together, e.g. a
  running constant ``c_t`` aligned with ``t``) for the symbols, by name;
* :meth:`Bound.exponent` is the asymptotic polynomial exponent
  :math:`\lim_{x\to\infty} \log B(x) / \log x` in the bound's variable, derived by SymPy
  (every symbol is treated as positive);
* :meth:`Bound.linear_rate` is the contraction per unit of the variable,
  :math:`\lim_{x\to\infty} B(x+1)/B(x)`, for geometric rates;
* :meth:`Bound.latex` prints ``quantity <= expr`` (or ``>=`` for lower bounds).

SymPy is imported lazily (inside the methods), so importing :mod:`pgtheory.bounds` stays
cheap; catalog modules import SymPy themselves when they build their expressions.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import pkgutil
import re
import threading
import warnings
from typing import Any

__all__ = ["Citation", "Bound", "register", "get_bound", "list_bounds", "load_errors", "PROVENANCE"]

import numpy as np

from . import catalog
from ..errors import ValidationError

#: Allowed provenance tags: read in the full text, in the abstract only, taken from the authors' code,
#: recalled (not checked against the paper), inferred by us, or derived by us from stated results.
PROVENANCE = ("verified", "abstract", "code", "recalled", "inferred", "derived")


#: BibTeX entry types a :class:`Citation` can print, and the fields each must carry.
ENTRY_TYPES = {
    "article": ("author", "title", "journal", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
    "misc": ("author", "title", "year"),
}

_LOCATORS = (("Theorem", "Thm."), ("Lemma", "Lem."), ("Corollary", "Cor."), ("Proposition", "Prop."),
             ("Section", "Sec."), ("Appendix", "App."), ("Table", "Tab."), ("Figure", "Fig."))


@dataclasses.dataclass(frozen=True)
class Citation:
    """Where a result is stated: one paper (the BibTeX entry) and a place in it (the locator).

    The entry depends on the paper only: :attr:`theorem` and :attr:`equation` say *where* in the
    paper a bound is stated and go into the citation hint (:meth:`hint`, e.g.
    ``\\cite[Thm.~4]{mei2020global}``), never into the BibTeX fields, so every bound of one paper
    prints the same entry under the same key.

    BibTeX conventions (checked by ``tests/bounds/test_bibtex.py``):

    * conference papers (ICML, NeurIPS, ICLR, COLT, COLM, AISTATS, ...) are ``@inproceedings`` with
      the proceedings in ``booktitle`` (PMLR volumes in ``series`` / ``volume``);
    * journal papers are ``@article`` with ``journal``;
    * preprints (arXiv only) are ``@misc`` with ``howpublished = {arXiv preprint arXiv:XXXX.XXXXX}``
      and ``eprint`` / ``archivePrefix`` (biblatex and natbib styles both read these);
    * ``year`` is the year of the version cited (the published one when ``venue`` is a journal or
      proceedings); the arXiv version read is in ``eprint`` (``arxiv`` + ``arxiv_version``).

    Attributes
    ----------
    key : str
        BibTeX key, e.g. ``"mei2020global"``; one key per paper.
    authors : tuple of str
        Authors as ``"Last, First"``.
    title, venue : str
        Title, and journal (``article``) or proceedings (``inproceedings``); for ``misc`` the
        ``howpublished`` text (default ``"arXiv preprint arXiv:<arxiv>"``).
    year : int
        Year of the version cited.
    arxiv : str
        arXiv identifier, e.g. ``"2005.06392"``.
    arxiv_version : str
        Version read, e.g. ``"v1"`` (results differ between versions).
    theorem : str
        Theorem / lemma / proposition, e.g. ``"Theorem 4"`` (the locator; not a BibTeX field).
    equation : str
        Equation number where the statement is, if any, without parentheses (``"21"``).
    url : str
    entry_type : str
        ``"article"``, ``"inproceedings"`` or ``"misc"`` (see the conventions above).
    volume, number, pages, series, doi : str
        Optional bibliographic fields.
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
    entry_type: str = "article"
    volume: str = ""
    number: str = ""
    pages: str = ""
    series: str = ""
    doi: str = ""

    def __post_init__(self):
        if self.entry_type not in ENTRY_TYPES:
            raise ValueError(f"Citation.entry_type must be one of {tuple(ENTRY_TYPES)}; got {self.entry_type!r}. "
                             f"Fix: 'inproceedings' for conference papers, 'article' for journals, 'misc' for "
                             f"preprints.")
        if self.entry_type == "misc" and not (self.venue or self.arxiv):
            raise ValueError(f"Citation {self.key!r}: a 'misc' entry needs venue (howpublished) or arxiv.")
        if self.entry_type != "misc" and not self.venue:
            raise ValueError(f"Citation {self.key!r}: venue is empty; an {self.entry_type!r} entry needs its "
                             f"{'journal' if self.entry_type == 'article' else 'booktitle'}.")

    def short(self) -> str:
        """``"Mei et al. 2020, Theorem 4"``."""
        last = self.authors[0].split(",")[0] if self.authors else "?"
        who = last + (" et al." if len(self.authors) > 2 else (f" & {self.authors[1].split(',')[0]}" if len(self.authors) == 2 else ""))
        return f"{who} {self.year}" + (f", {self.theorem}" if self.theorem else "")

    def paper(self) -> "Citation":
        """This citation without its locator (theorem, equation): the paper alone."""
        return dataclasses.replace(self, theorem="", equation="")

    def locator(self) -> str:
        r"""The place in the paper as a short LaTeX locator, e.g. ``"Thm.~1, Eq.~(21)"``.

        A leading ``Theorem/Lemma/Corollary/Proposition/Section/Appendix/Table/Figure <number>`` is
        abbreviated; any other text (``"abstract"``, ``"theorem number not read"``) is kept as
        written. Empty when neither :attr:`theorem` nor :attr:`equation` is set.
        """
        parts = []
        th = self.theorem.strip()
        if th:
            m = re.match(r"^(\w+)s?\s+([A-Z]?\d+(?:\.\d+)*)(.*)$", th)
            abbrev = dict(_LOCATORS)
            if m and m.group(1) in abbrev:
                parts.append(f"{abbrev[m.group(1)]}~{m.group(2)}{m.group(3)}")
            else:
                parts.append(th)
        eq = self.equation.strip().strip("()")
        if eq:
            parts.append(f"Eq.~({eq})")
        return ", ".join(parts)

    def hint(self) -> str:
        r"""How to cite the statement in LaTeX: ``\cite[Thm.~4]{mei2020global}``.

        When the locator is not a numbered theorem (e.g. ``"abstract"``), the hint is
        ``\cite{key}; located: abstract``.
        """
        loc = self.locator()
        if not loc:
            return rf"\cite{{{self.key}}}"
        if "~" in loc.split(",")[0]:
            return rf"\cite[{loc}]{{{self.key}}}"
        return rf"\cite{{{self.key}}}; located: {loc}"

    def fields(self) -> dict:
        """The BibTeX fields of the paper, in print order (no locator)."""
        f = {"author": " and ".join(self.authors), "title": "{" + self.title + "}"}
        if self.entry_type == "article":
            f["journal"] = self.venue
        elif self.entry_type == "inproceedings":
            f["booktitle"] = self.venue
        else:
            f["howpublished"] = self.venue or f"arXiv preprint arXiv:{self.arxiv}"
        for name in ("series", "volume", "number", "pages"):
            if getattr(self, name):
                f[name] = getattr(self, name)
        f["year"] = str(self.year)
        if self.doi:
            f["doi"] = self.doi
        if self.arxiv:
            f["eprint"] = self.arxiv + self.arxiv_version
            f["archivePrefix"] = "arXiv"
        if self.url:
            f["url"] = self.url
        return f

    def bibtex(self, hint: bool = False) -> str:
        r"""The paper's BibTeX entry (``@article``, ``@inproceedings`` or ``@misc``).

        Parameters
        ----------
        hint : bool
            Append a comment line ``% cite as \cite[Thm.~4]{key}`` with the locator (BibTeX
            ignores text outside entries).

        Returns
        -------
        str
        """
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in self.fields().items())
        out = f"@{self.entry_type}{{{self.key},\n{body}\n}}"
        if hint and (self.theorem or self.equation):
            out += f"\n% cite as {self.hint()}"
        return out


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
    constants_explicit : bool or None
        Whether every constant of ``expr`` is known, so the inequality can be checked at
        every point (None: True for ``kind`` ``"upper"`` / ``"lower"``, False for ``"rate"``).
        Lower bounds with unspecified universal constants set it to False.
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
    constants_explicit: bool | None = None

    def __post_init__(self):
        if self.kind not in ("upper", "lower", "rate"):
            raise ValueError(f"Bound.kind must be 'upper', 'lower' or 'rate'; got {self.kind!r}.")
        if self.provenance not in PROVENANCE:
            raise ValueError(f"Bound.provenance must be one of {PROVENANCE}; got {self.provenance!r}.")
        if self.rate_type not in ("polynomial", "linear"):
            raise ValueError(f"Bound.rate_type must be 'polynomial' or 'linear'; got {self.rate_type!r}.")

    # ------------------------------------------------------------------ symbols
    @property
    def symbol_names(self) -> tuple:
        """Names of the free symbols of :attr:`expr`, sorted."""
        return tuple(sorted(s.name for s in self.expr.free_symbols))

    @property
    def explicit(self) -> bool:
        """Whether the constants are explicit (``kind`` is ``"upper"`` or ``"lower"``), so the
        inequality itself can be checked at every point, not only the rate."""
        if self.constants_explicit is not None:
            return bool(self.constants_explicit)
        return self.kind in ("upper", "lower")

    def symbol(self, name: str):
        """Return the SymPy symbol called ``name`` (KeyError lists the names)."""
        for s in self.expr.free_symbols:
            if s.name == name:
                return s
        for s in self.symbols:
            if str(s) == name:
                return s
        raise KeyError(f"bound {self.id!r} has no symbol {name!r}; symbols: {list(self.symbol_names)}")

    def meaning(self, name: str) -> str:
        """The documented meaning of symbol ``name``."""
        for k, v in self.symbols.items():
            if str(k) == name:
                return v
        raise KeyError(f"bound {self.id!r} has no symbol {name!r}; symbols: {list(self.symbol_names)}")

    def _positive(self, expr=None):
        """``expr`` with every free symbol replaced by a positive symbol of the same name."""
        import sympy  # lazy: sympy, 0.2 s

        expr = self.expr if expr is None else expr
        rep = {s: sympy.Symbol(s.name, positive=True) for s in expr.free_symbols}
        return expr.xreplace(rep), {s.name: v for s, v in rep.items()}

    # --------------------------------------------------------------- evaluation
    def evaluate(self, **values):
        r"""Evaluate the bound numerically.

        Parameters
        ----------
        **values : float or array_like
            A value for every free symbol, by name (``t=100, gamma=0.9, ...``). Arrays are
            broadcast together, so ``t=np.arange(1, K+1)`` with a running constant
            ``c=c_t`` of the same shape gives the bound at every iterate.

        Returns
        -------
        float or ndarray
            ``float`` when every value is a scalar, otherwise a float64 array of the
            broadcast shape.

        Raises
        ------
        pgtheory.errors.ValidationError
            When a symbol has no value or an unknown name is given.

        Examples
        --------
        >>> from pgtheory import bounds
        >>> b = bounds.get_bound("agarwal2021.npg_softmax")
        >>> round(b.evaluate(A=2, eta=1.0, gamma=0.9, T=100), 4)
        1.0069
        """
        names = self.symbol_names
        missing = [n for n in names if n not in values]
        unknown = [n for n in values if n not in names]
        if missing:
            raise ValidationError(f"Bound {self.id!r} needs values for {missing}. "
                                  f"Fix: pass them as keywords, e.g. evaluate({missing[0]}=...).")
        if unknown:
            raise ValidationError(f"Bound {self.id!r} has no symbol(s) {unknown}; its symbols are {list(names)}. "
                                  f"Fix: drop or rename them.")
        fn = self.__dict__.get("_lambdified")
        if fn is None:
            import sympy  # lazy: sympy, 0.2 s

            syms = [self.symbol(n) for n in names]
            fn = sympy.lambdify(syms, self.expr, modules="numpy")
            object.__setattr__(self, "_lambdified", fn)
        args = [np.asarray(values[n], dtype=np.float64) for n in names]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = np.asarray(fn(*args), dtype=np.float64)
        if out.ndim == 0 and all(a.ndim == 0 for a in args):
            return float(out)
        shape = np.broadcast_shapes(*(a.shape for a in args)) if args else ()
        return np.broadcast_to(out, shape).astype(np.float64)

    def _var(self, var):
        var = self.variable if var is None else str(var)
        if var not in self.symbol_names:
            raise ValidationError(f"Bound {self.id!r} has no symbol {var!r}; symbols: {list(self.symbol_names)}.")
        return var

    def _subs(self, expr, pos, values):
        import sympy  # lazy: sympy, 0.2 s

        unknown = [n for n in values if n not in pos]
        if unknown:
            raise ValidationError(f"Bound {self.id!r} has no symbol(s) {unknown}; symbols: {list(self.symbol_names)}.")
        return expr.subs({pos[n]: sympy.nsimplify(v) if isinstance(v, (int, float)) else v for n, v in values.items()})

    def _cached(self, key, fn):
        cache = self.__dict__.setdefault("_sym_cache", {})
        if key not in cache:
            cache[key] = fn()
        return cache[key]

    def exponent(self, var=None, **values):
        r"""Asymptotic polynomial exponent of the bound in ``var``, derived symbolically.

        .. math:: p = \lim_{x\to\infty} \frac{\log B(x)}{\log x}

        with every other symbol treated as a positive constant (or fixed by ``values``), so
        ``16 S/(c^2 (1-\gamma)^6 t)`` gives ``-1`` and ``C (T+1)^{-2/5} + \epsilon`` gives
        ``0`` (set ``epsilon=0`` to see the ``-2/5`` of the transient).

        Parameters
        ----------
        var : str, optional
            Variable name (default :attr:`variable`).
        **values
            Symbols to fix before taking the limit (e.g. a bias floor set to 0).

        Returns
        -------
        sympy.Expr
            Usually a rational number (``sympy.Integer(-1)``); ``float(b.exponent())`` gives
            a float. ``-oo`` for geometric rates.
        """
        key = ("exponent", var, tuple(sorted((k, float(v)) for k, v in values.items())))
        return self._cached(key, lambda: self._exponent(var, values))

    def _exponent(self, var, values):
        import sympy  # lazy: sympy, 0.2 s

        var = self._var(var)
        expr, pos = self._positive()
        expr = self._subs(expr, pos, values)
        x = pos[var]
        try:
            return sympy.limit(sympy.log(expr) / sympy.log(x), x, sympy.oo)
        except NotImplementedError as exc:
            raise ValidationError(f"Bound {self.id!r}: SymPy cannot take the limit of log B/log {var} "
                                  f"symbolically ({exc}). Fix: pass numbers for the other symbols, "
                                  f"e.g. exponent({var!r}, S=1e8).") from exc

    def linear_rate(self, var=None, **values):
        r"""Contraction factor per unit of ``var`` of a geometric bound, derived symbolically.

        .. math:: \rho = \lim_{x\to\infty} \frac{B(x+1)}{B(x)}

        e.g. ``C_1 \gamma (1-\eta\tau)^t`` gives ``1 - \eta\tau``.

        Parameters
        ----------
        var : str, optional
            Variable name (default :attr:`variable`).
        **values
            Numbers for other symbols; when every remaining symbol is given the result is a
            Python float.

        Returns
        -------
        sympy.Expr or float
            The contraction (1 for polynomial bounds).
        """
        key = ("linear_rate", var, tuple(sorted((k, float(v)) for k, v in values.items())))
        return self._cached(key, lambda: self._linear_rate(var, values))

    def _linear_rate(self, var, values):
        import sympy  # lazy: sympy, 0.2 s

        var = self._var(var)
        expr, pos = self._positive()
        x = pos[var]
        ratio = sympy.simplify(expr.subs(x, x + 1) / expr)
        if x in ratio.free_symbols:
            # Substitute the given numbers first: the limit may depend on signs SymPy cannot
            # decide symbolically (e.g. whether 1 - eta*tau < 1 when a floor C2 is present).
            ratio = self._subs(ratio, pos, values)
            try:
                ratio = sympy.limit(ratio, x, sympy.oo)
            except NotImplementedError as exc:
                raise ValidationError(f"Bound {self.id!r}: SymPy cannot take the limit of B({var}+1)/B({var}) "
                                      f"symbolically ({exc}). Fix: pass numbers for the other symbols, "
                                      f"e.g. linear_rate(eta=0.1, tau=1.0).") from exc
        else:
            ratio = self._subs(ratio, pos, values)
        if not ratio.free_symbols:
            return float(ratio)
        return ratio

    def latex(self, full: bool = True) -> str:
        r"""LaTeX of the bound: ``quantity \le expr`` (``\ge`` for lower bounds).

        Parameters
        ----------
        full : bool
            With the quantity and relation (default) or the expression alone.

        Returns
        -------
        str
        """
        import sympy  # lazy: sympy, 0.2 s

        rhs = sympy.latex(self.expr)
        if not full:
            return rhs
        rel = {"upper": r"\le", "lower": r"\ge", "rate": "="}[self.kind]
        rhs = rhs if self.kind != "rate" else rf"O\left({rhs}\right)"
        return f"{self.quantity} {rel} {rhs}"

    def bibtex(self) -> str:
        r"""BibTeX entry of the source paper, then a ``% cite as \cite[Thm.~4]{key}  [id]`` line
        (the same text as ``pgtheory.cite(bound)``; see :meth:`Citation.bibtex`)."""
        out = self.citation.bibtex()
        if self.citation.theorem or self.citation.equation:
            out += f"\n% cite as {self.citation.hint()}  [{self.id}]"
        return out

    def describe(self) -> str:
        """A multi-line, human-readable description: statement, symbols, source, provenance."""
        lines = [f"{self.id}: {self.quantity} {'<=' if self.kind == 'upper' else '>=' if self.kind == 'lower' else '='} "
                 f"{'O(' if self.kind == 'rate' else ''}{self.expr}{')' if self.kind == 'rate' else ''}",
                 f"  source: {self.citation.short()} (arXiv:{self.citation.arxiv}{self.citation.arxiv_version})",
                 f"  kind: {self.kind}, {self.rate_type} in {self.variable}",
                 "  symbols:"]
        lines += [f"    {k} : {v}" for k, v in self.symbols.items()]
        if self.assumptions:
            lines.append("  assumptions:")
            lines += [f"    - {a}" for a in self.assumptions]
        lines.append(f"  provenance: {self.provenance}" + (f" -- {self.provenance_note}" if self.provenance_note else ""))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Bound(id={self.id!r}, kind={self.kind!r}, expr={self.expr}, source={self.citation.short()!r})"


_REGISTRY: dict[str, Bound] = {}
_LOADED = False  # True once every catalog module has been imported
_LOADING = False  # True while the thread holding _LOAD_LOCK imports them (re-entrant calls return)
_LOAD_LOCK = threading.RLock()


def register(bound: Bound) -> Bound:
    """Add ``bound`` to the registry (ids are unique) and return it."""
    if bound.id in _REGISTRY and _REGISTRY[bound.id] is not bound:
        raise ValueError(f"a bound with id {bound.id!r} is already registered.")
    _REGISTRY[bound.id] = bound
    return bound


#: Catalog modules that failed to import: ``{module name: "ExceptionType: message"}``.
_LOAD_ERRORS: dict[str, str] = {}


def _load_catalog() -> None:
    """Import every catalog module once. Thread-safe: other threads wait until the registry is full
    (``--executor thread`` ran checks whose first lookup saw an empty registry); a catalog module
    that looks a bound up while loading (same thread) returns at once."""
    global _LOADED, _LOADING
    if _LOADED:
        return
    with _LOAD_LOCK:
        if _LOADED or _LOADING:
            return
        _LOADING = True
        try:
            for mod in pkgutil.iter_modules(catalog.__path__):
                name = f"{catalog.__name__}.{mod.name}"
                try:
                    importlib.import_module(name)
                except Exception as exc:  # one broken paper module must not hide the others
                    _LOAD_ERRORS[name] = f"{type(exc).__name__}: {exc}"
                    logging.getLogger(__name__).error("bound catalog module %s failed to import: %s", name, exc)
        finally:
            _LOADED, _LOADING = True, False


def load_errors() -> dict:
    """Catalog modules that failed to import, ``{module: error}`` (empty when all loaded).

    A broken catalog module is logged and recorded here instead of breaking every other
    paper's bounds; ``tests/bounds`` asserts this is empty.

    Returns
    -------
    dict of str -> str
    """
    _load_catalog()
    return dict(_LOAD_ERRORS)


#: Paper keys renamed to the year of the version cited (one key per paper, issue 13): ``{old: new}``.
#: :func:`get_bound` resolves ``old.<name>`` to ``new.<name>`` with a DeprecationWarning for one
#: release, unless ``old.<name>`` is itself registered (``cen2021`` now names Cen, Wei and Chi's
#: NeurIPS 2021 paper).
RENAMED_KEYS = {"munos2023": "munos2024", "cen2021": "cen2022"}


def get_bound(id: str) -> Bound:
    """Return the registered bound ``id`` (KeyError lists close ids).

    Parameters
    ----------
    id : str
        ``"<paper key>.<name>"``, e.g. ``"mei2020.thm4"``. An id under a renamed key
        (:data:`RENAMED_KEYS`, e.g. ``"munos2023.thm1"``) resolves to the new id with a
        :class:`DeprecationWarning`.

    Returns
    -------
    Bound
    """
    _load_catalog()
    key, _, rest = id.partition(".")
    if id not in _REGISTRY and key in RENAMED_KEYS and f"{RENAMED_KEYS[key]}.{rest}" in _REGISTRY:
        new = f"{RENAMED_KEYS[key]}.{rest}"
        warnings.warn(f"bound id {id!r} was renamed {new!r} (paper key = year of the version cited); the old id "
                      f"works for one more release. Fix: use {new!r}.", DeprecationWarning, stacklevel=2)
        return _REGISTRY[new]
    try:
        return _REGISTRY[id]
    except KeyError:
        extra = f"; catalog modules that failed to import: {_LOAD_ERRORS}" if _LOAD_ERRORS else ""
        raise KeyError(f"no bound {id!r}; registered: {sorted(_REGISTRY)}{extra}") from None


def list_bounds() -> list[Bound]:
    """All registered bounds, sorted by id."""
    _load_catalog()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


#: Deprecated alias of :func:`get_bound` (not in ``__all__``): ``pgtheory/cli.py`` still imports it.
get = get_bound
