"""Symbolic bounds with their sources.

Public API
----------
Citation, Bound, register, get, list_bounds
"""

from ._core import PROVENANCE, Bound, Citation, get, list_bounds, register

__all__ = ["Citation", "Bound", "register", "get", "list_bounds", "PROVENANCE"]
