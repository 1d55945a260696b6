r"""Finite classes of deterministic Markov policies on a layered state space.

A class is an integer array ``actions[k, s]``: the action of policy ``k`` at global state ``s``
(states numbered layer by layer, see :class:`~pgtheory.agnostic.LayeredMDP`). Named classes:
constants, all deterministic policies, open-loop sequences, singletons, :math:`\ell`-tons and
sunflower-structured classes (a core policy plus per-policy petal states).

``tree_exact`` marks classes whose constructor guarantees the *unfolding property*: for every
deterministic MDP and every policy there is a class member whose trajectory in the tree
unfolding of the MDP copies the policy's trajectory. For those the spanning capacity is attained
on a tree of fresh states (:func:`~pgtheory.agnostic.spanning_capacity`, ``method="tree"``).

References
----------
Jia et al. 2023 (arXiv:2310.06113): the examples of classes (singletons, :math:`\ell`-tons,
sunflowers) are recalled, not read; the exact counts are derived and checked by enumeration.
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np

from ..errors import InfeasibleSizeError, ShapeError, ValidationError

__all__ = ["PolicyClass", "constant_policies", "all_policies", "open_loop_policies", "singleton_policies",
           "ell_ton_policies", "sunflower_class", "spanning_capacity_closed_form"]

#: Largest class the constructors enumerate (number of policies).
MAX_CLASS_SIZE = 1 << 16
#: Largest ``|Pi| x |S|`` table the constructors build.
MAX_TABLE = 1 << 26


def _sizes(layer_sizes):
    sizes = tuple(int(n) for n in layer_sizes)
    if len(sizes) == 0:
        raise ValidationError("layer_sizes must describe at least one layer (horizon H >= 1); got H = 0. "
                              "Fix: pass one entry per layer, e.g. layer_sizes=(1, 2, 2).")
    if min(sizes) < 1:
        raise ValidationError(f"layer_sizes must be positive; got {sizes}. Fix: every layer needs a state.")
    return sizes


def _guard(count: int, n_states: int, what: str):
    if count > MAX_CLASS_SIZE or count * n_states > MAX_TABLE:
        raise InfeasibleSizeError(
            f"{what} has {count} policies on {n_states} states ({count * n_states} table entries); the limit is "
            f"{MAX_CLASS_SIZE} policies and {MAX_TABLE} entries. Fix: use fewer layers or states, or a "
            f"closed form (spanning_capacity_closed_form).")


@dataclasses.dataclass(frozen=True, eq=False)
class PolicyClass:
    r"""A finite class :math:`\Pi` of deterministic Markov policies, one action per state.

    Parameters
    ----------
    actions : int array, shape (K, |S|)
        ``actions[k, offsets[h] + s]`` is :math:`\pi_k(s)` for state ``s`` of layer ``h``.
    layer_sizes : sequence of int
        States per layer (``H = len(layer_sizes)``).
    A : int
        Number of actions.
    name : str
    tree_exact : bool
        The class has the unfolding property (see the module docstring); set by the named
        constructors, False for user classes.
    core : int array, shape (|S|,), optional
        Sunflower core policy (one core, :math:`K = 1`).
    petals : tuple of tuple of int, optional
        ``petals[k]``: the global states where policy ``k`` differs from the core (its petal set
        :math:`S_\pi`, here exactly the deviation set).

    Raises
    ------
    pgtheory.errors.ValidationError
        ``H = 0``, an empty class, or a policy with an action outside ``0..A-1`` at some state of a
        layer (it does not cover that layer).
    pgtheory.errors.ShapeError
        ``actions`` has not one column per state.

    References
    ----------
    Jia et al. 2023 (arXiv:2310.06113), deterministic Markov policy classes without realizability.
    """

    actions: np.ndarray
    layer_sizes: tuple
    A: int
    name: str = "user class"
    tree_exact: bool = False
    core: np.ndarray | None = None
    petals: tuple | None = None

    def __post_init__(self):
        sizes = _sizes(self.layer_sizes)
        acts = np.asarray(self.actions)
        if acts.ndim != 2:
            raise ShapeError(f"actions must have shape (K, |S|) = (K, {sum(sizes)}); got {acts.shape}. "
                             f"Fix: one row per policy, one column per state (layer by layer).")
        if acts.shape[0] == 0:
            raise ValidationError("actions holds no policy; a class needs at least one. Fix: pass K >= 1 rows.")
        if acts.shape[1] != sum(sizes):
            raise ShapeError(f"actions must have one column per state: {sum(sizes)} for layer_sizes={sizes}; got "
                             f"{acts.shape[1]}. Fix: give every policy an action at every state of every layer.")
        if int(self.A) < 1:
            raise ValidationError(f"A must be >= 1; got {self.A}.")
        off = np.concatenate([[0], np.cumsum(sizes)])
        bad = (acts < 0) | (acts >= int(self.A))
        if bad.any():
            k, s = map(int, np.argwhere(bad)[0])
            h = int(np.searchsorted(off, s, side="right") - 1)
            raise ValidationError(f"actions[{k}] does not cover layer {h}: action {acts[k, s]} at state {s - off[h]} of "
                                  f"layer {h} is not in 0..{int(self.A) - 1}. Fix: give policy {k} a valid action at "
                                  f"every state of layer {h}.")
        # the smallest integer type: the open-loop class on a fresh tree (H = 12) has 4096 x 4095 entries
        object.__setattr__(self, "actions", acts.astype(np.int8 if int(self.A) <= 127 else np.int64))
        object.__setattr__(self, "layer_sizes", sizes)
        object.__setattr__(self, "A", int(self.A))

    @property
    def H(self) -> int:
        """Horizon."""
        return len(self.layer_sizes)

    @property
    def size(self) -> int:
        """Number of policies :math:`|\\Pi|` (rows, duplicates counted)."""
        return int(self.actions.shape[0])

    @property
    def offsets(self) -> np.ndarray:
        """Global index of each layer's first state; last entry is the number of states."""
        return np.concatenate([[0], np.cumsum(self.layer_sizes)]).astype(np.int64)

    def layer(self, h: int) -> np.ndarray:
        """Actions of every policy on layer ``h``: array ``(K, n_h)``.

        Parameters
        ----------
        h : int

        Returns
        -------
        ndarray
        """
        o = self.offsets
        return self.actions[:, o[h]:o[h + 1]]

    def check_mdp(self, mdp) -> None:
        """Raise :class:`~pgtheory.errors.ShapeError` unless ``mdp`` has this class's layers and actions.

        Parameters
        ----------
        mdp : LayeredMDP
        """
        if tuple(mdp.layer_sizes) != self.layer_sizes or mdp.A != self.A:
            raise ShapeError(f"mdp has layer sizes {mdp.layer_sizes} and A = {mdp.A}; the class has "
                             f"{self.layer_sizes} and A = {self.A}. Fix: build both on the same state space.")

    def with_policies(self, extra, name: str | None = None) -> "PolicyClass":
        """This class with extra policies appended (e.g. to *complete* it).

        Parameters
        ----------
        extra : int array, shape (K', |S|)
        name : str, optional

        Returns
        -------
        PolicyClass
        """
        extra = np.atleast_2d(np.asarray(extra, dtype=np.int64))
        return PolicyClass(np.vstack([self.actions, extra]), self.layer_sizes, self.A,
                           name=name or f"{self.name} + {extra.shape[0]}")


def constant_policies(layer_sizes, A: int) -> PolicyClass:
    r"""The ``A`` constant policies :math:`\pi_a(s) = a`; :math:`\mathfrak S = A`.

    Parameters
    ----------
    layer_sizes : sequence of int
    A : int

    Returns
    -------
    PolicyClass
    """
    sizes = _sizes(layer_sizes)
    return PolicyClass(np.repeat(np.arange(A)[:, None], sum(sizes), axis=1), sizes, A, name="constants",
                       tree_exact=True)


def all_policies(layer_sizes, A: int) -> PolicyClass:
    r"""Every deterministic Markov policy, :math:`|\Pi| = A^{|S|}`.

    With a start state and ``n`` states in each later layer,
    :math:`\mathfrak S = \min(A^H, nA)` (derived; checked by enumeration).

    Parameters
    ----------
    layer_sizes : sequence of int
    A : int

    Returns
    -------
    PolicyClass

    Raises
    ------
    pgtheory.errors.InfeasibleSizeError
        When :math:`A^{|S|}` exceeds the enumeration limit.
    """
    sizes = _sizes(layer_sizes)
    S = sum(sizes)
    _guard(A ** S, S, f"all_policies(layer_sizes={sizes}, A={A})")
    acts = np.array(list(itertools.product(range(A), repeat=S)), dtype=np.int64).reshape(-1, S)
    return PolicyClass(acts, sizes, A, name="all policies", tree_exact=True)


def open_loop_policies(layer_sizes, A: int) -> PolicyClass:
    r"""Open-loop sequences :math:`\pi_b(s) = b_{h(s)}`, :math:`b \in [A]^H`; :math:`|\Pi| = A^H = \mathfrak S`.

    Parameters
    ----------
    layer_sizes : sequence of int
    A : int

    Returns
    -------
    PolicyClass
    """
    sizes = _sizes(layer_sizes)
    H = len(sizes)
    _guard(A ** H, sum(sizes), f"open_loop_policies(H={H}, A={A})")
    seqs = (np.arange(A ** H)[:, None] // (A ** np.arange(H - 1, -1, -1))[None, :]) % A  # lexicographic b
    acts = np.repeat(seqs.astype(np.int8 if A <= 127 else np.int64), sizes, axis=1)
    return PolicyClass(acts, sizes, A, name="open-loop", tree_exact=True)


def ell_ton_policies(layer_sizes, ell: int) -> PolicyClass:
    r""":math:`\ell`-tons: binary actions, play 1 on at most :math:`\ell` states.

    :math:`|\Pi| = \sum_{i \le \ell} \binom{|S|}{i}` and, with enough states per layer,
    :math:`\mathfrak S = \sum_{i=0}^{\ell} \binom{H}{i} = \Theta(H^\ell)` (derived; the
    :math:`\Theta(H^\ell)` order is recalled from Jia et al. 2023). A :math:`(1, \ell)`-sunflower
    with core :math:`\pi \equiv 0`.

    Parameters
    ----------
    layer_sizes : sequence of int
    ell : int

    Returns
    -------
    PolicyClass
    """
    sizes = _sizes(layer_sizes)
    S = sum(sizes)
    if ell < 0:
        raise ValidationError(f"ell must be >= 0; got {ell}.")
    count = sum(math.comb(S, i) for i in range(ell + 1))
    _guard(count, S, f"ell_ton_policies(layer_sizes={sizes}, ell={ell})")
    rows, petals = [], []
    for i in range(ell + 1):
        for comb in itertools.combinations(range(S), i):
            row = np.zeros(S, dtype=np.int64)
            row[list(comb)] = 1
            rows.append(row)
            petals.append(tuple(comb))
    name = "singletons" if ell == 1 else f"{ell}-tons"
    return PolicyClass(np.array(rows), sizes, 2, name=name, tree_exact=True, core=np.zeros(S, dtype=np.int64),
                       petals=tuple(petals))


def singleton_policies(layer_sizes) -> PolicyClass:
    r"""Singletons: :math:`\pi_\emptyset \equiv 0` and :math:`\pi_s` playing 1 only at ``s``.

    :math:`|\Pi| = 1 + |S|`, :math:`\mathfrak S = H + 1` with enough states (a (1,1)-sunflower).

    Parameters
    ----------
    layer_sizes : sequence of int

    Returns
    -------
    PolicyClass
    """
    return ell_ton_policies(layer_sizes, 1)


def sunflower_class(layer_sizes, A: int, core, petals) -> PolicyClass:
    r"""A sunflower-structured class: each policy is a core policy changed on its petal states.

    Policy ``k`` plays ``core(s)`` except at the states of ``petals[k]`` (a dict
    ``{global state: action}``), so it behaves like the core until its first petal visit:
    a :math:`(1, D)`-sunflower with :math:`D = \max_k |S_{\pi_k}|` (our reading of the recalled
    definition of Jia et al. 2023; quantifiers not checked against the paper).

    Parameters
    ----------
    layer_sizes : sequence of int
    A : int
    core : int array, shape (|S|,)
    petals : sequence of dict

    Returns
    -------
    PolicyClass
    """
    sizes = _sizes(layer_sizes)
    core = np.asarray(core, dtype=np.int64)
    if core.shape != (sum(sizes),):
        raise ShapeError(f"core must have one action per state ({sum(sizes)}); got shape {core.shape}.")
    rows, pet = [], []
    for k, p in enumerate(petals):
        row = core.copy()
        for s, a in dict(p).items():
            if not 0 <= int(s) < sum(sizes):
                raise ValidationError(f"petals[{k}] names state {s}, outside 0..{sum(sizes) - 1}.")
            row[int(s)] = int(a)
        rows.append(row)
        pet.append(tuple(sorted(int(s) for s in dict(p))))
    if not rows:
        raise ValidationError("petals is empty; a class needs at least one policy.")
    return PolicyClass(np.array(rows), sizes, A, name="sunflower", core=core, petals=tuple(pet))


def spanning_capacity_closed_form(kind: str, H: int, A: int = 2, n: int | None = None, ell: int | None = None) -> int:
    r"""Closed-form spanning capacity of a named class (derived; checked by enumeration).

    ================  ==========================================
    ``kind``          :math:`\mathfrak S(\Pi)`
    ================  ==========================================
    ``"constants"``   :math:`A`
    ``"all"``         :math:`\min(A^H, nA)` (``n`` states per layer after the start)
    ``"open_loop"``   :math:`A^H`
    ``"singletons"``  :math:`H + 1`
    ``"ell_tons"``    :math:`\sum_{i=0}^{\ell} \binom{H}{i}`
    ================  ==========================================

    Parameters
    ----------
    kind : str
    H, A : int
    n : int, optional
        States per layer after the start (``"all"`` only).
    ell : int, optional
        For ``"ell_tons"``.

    Returns
    -------
    int

    References
    ----------
    Jia et al. 2023 (arXiv:2310.06113): spanning capacity (definition recalled); the exact
    counts are ours, with enough fresh states per layer.
    """
    if H < 1:
        raise ValidationError(f"H must be >= 1; got {H}.")
    if kind == "constants":
        return A
    if kind == "all":
        if n is None:
            raise ValidationError("kind='all' needs n (states per layer after the start).")
        return min(A ** H, n * A)
    if kind == "open_loop":
        return A ** H
    if kind == "singletons":
        return H + 1
    if kind == "ell_tons":
        if ell is None:
            raise ValidationError("kind='ell_tons' needs ell.")
        return sum(math.comb(H, i) for i in range(ell + 1))
    raise ValidationError(f"unknown kind {kind!r}; use constants, all, open_loop, singletons or ell_tons.")
