"""pgtheory.lqr (see shared/design.md)."""

__all__: list[str] = []
