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
from typing import Any

__all__ = ["Citation", "Bound", "register", "get_bound", "list_bounds", "load_errors", "PROVENANCE"]

import numpy as np

from . import catalog
from ..errors import ValidationError

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
    entry_type : str
        BibTeX entry type: ``"article"`` (default; the venue goes to ``journal``, also used for
        arXiv preprints) or ``"inproceedings"`` (conference proceedings; the venue goes to
        ``booktitle``).
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

    def __post_init__(self):
        if self.entry_type not in ("article", "inproceedings"):
            raise ValueError(f"Citation.entry_type must be 'article' or 'inproceedings'; got {self.entry_type!r}.")

    def short(self) -> str:
        """``"Mei et al. 2020, Theorem 4"``."""
        last = self.authors[0].split(",")[0] if self.authors else "?"
        who = last + (" et al." if len(self.authors) > 2 else (f" & {self.authors[1].split(',')[0]}" if len(self.authors) == 2 else ""))
        return f"{who} {self.year}" + (f", {self.theorem}" if self.theorem else "")

    def bibtex(self) -> str:
        """A BibTeX entry (``@article`` or ``@inproceedings`` per ``entry_type``, with ``eprint``
        when an arXiv id is known)."""
        fields = {
            "author": " and ".join(self.authors),
            "title": "{" + self.title + "}",
            ("booktitle" if self.entry_type == "inproceedings" else "journal"): self.venue,
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
        return f"@{self.entry_type}{{{self.key},\n{body}\n}}"


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

        .. math:: p = \lim_{x	o\infty} rac{\log B(x)}{\log x}

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

        .. math:: 
ho = \lim_{x	o\infty} rac{B(x+1)}{B(x)}

        e.g. ``C_1 \gamma (1-\eta	au)^t`` gives ``1 - \eta	au``.

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
        """BibTeX entry of the source (see :meth:`Citation.bibtex`)."""
        return self.citation.bibtex()

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
_LOADED = False


def register(bound: Bound) -> Bound:
    """Add ``bound`` to the registry (ids are unique) and return it."""
    if bound.id in _REGISTRY and _REGISTRY[bound.id] is not bound:
        raise ValueError(f"a bound with id {bound.id!r} is already registered.")
    _REGISTRY[bound.id] = bound
    return bound


#: Catalog modules that failed to import: ``{module name: "ExceptionType: message"}``.
_LOAD_ERRORS: dict[str, str] = {}


def _load_catalog() -> None:
    global _LOADED
    if _LOADED:
        return

    _LOADED = True
    for mod in pkgutil.iter_modules(catalog.__path__):
        name = f"{catalog.__name__}.{mod.name}"
        try:
            importlib.import_module(name)
        except Exception as exc:  # one broken paper module must not hide the others
            _LOAD_ERRORS[name] = f"{type(exc).__name__}: {exc}"
            logging.getLogger(__name__).error("bound catalog module %s failed to import: %s", name, exc)


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


def get_bound(id: str) -> Bound:
    """Return the registered bound ``id`` (KeyError lists close ids)."""
    _load_catalog()
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
