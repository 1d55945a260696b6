"""pgtheory.estimators (see shared/design.md)."""

__all__: list[str] = []
