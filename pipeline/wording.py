"""How the pipeline words counts for people: ``1 page``, ``3 pages``, ``2 fuzzy entries``."""

from __future__ import annotations


def counted(n: int, one: str, many: str | None = None) -> str:
    """``n`` with its noun: ``one`` for exactly 1, else ``many`` (default: ``one`` + ``s``)."""
    return f"{n} {one if n == 1 else (many or one + 's')}"
