"""pgtheory.ratecheck (see shared/design.md)."""

__all__: list[str] = []
