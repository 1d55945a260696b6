"""pgtheory.games (see shared/design.md)."""

__all__: list[str] = []
