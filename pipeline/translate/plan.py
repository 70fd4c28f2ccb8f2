"""What a run would send, per locale, and what it would cost: the dry-run plan and the spend gate."""

from __future__ import annotations

import math
from dataclasses import dataclass

from pipeline.errors import ConfigError

CHARS_PER_TOKEN = 4
"""A rough, engine-independent estimate (English prose with markup placeholders)."""
PROMPT_TOKENS = 150
"""Instructions and JSON framing per request."""


@dataclass(frozen=True, slots=True)
class LocalePlan:
    """One locale's share of a run."""

    locale: str
    pages: int
    """Pages with something to fill."""
    segments: int
    """Entries to fill."""
    send: int
    """Distinct segments not in the translation memory: what goes to the engine."""
    cached: int
    """Entries the memory (or the run itself: a repeated segment) answers without sending."""
    characters: int
    """Characters sent."""
    tokens: int
    """Estimated tokens, input and output."""
    cost: float
    """Estimated cost: tokens x the engine's price per million tokens."""


def tokens(characters: int, segments: int, batch_size: int) -> int:
    """Input (the text plus a prompt per request) and output (about as long as the input text)."""
    if segments == 0:
        return 0
    requests = math.ceil(segments / max(1, batch_size))
    text = math.ceil(characters / CHARS_PER_TOKEN)
    return 2 * text + PROMPT_TOKENS * requests


def cost(n_tokens: int, price: float) -> float:
    return n_tokens * price / 1_000_000


class SpendGate(ConfigError):
    """The estimated cost is above what the configuration allows: nothing was sent."""


def gate(plans: list[LocalePlan], max_spend: float, spend: float | None, engine: str) -> None:
    """Refuse a run whose estimate exceeds ``[translate] max_spend`` (or ``--spend N`` when given)."""
    total = sum(p.cost for p in plans)
    allowed = spend if spend is not None else max_spend
    if total <= allowed:
        return
    need = math.ceil(total * 100) / 100
    raise SpendGate(
        f"engine {engine!r}: estimated cost {total:.2f} for {sum(p.send for p in plans)} segments "
        f"({sum(p.characters for p in plans):,} characters) exceeds "
        + (f"--spend {spend:g}" if spend is not None else f"[translate] max_spend = {max_spend:g}")
        + "; nothing was sent",
        hint=f"check the plan with --dry-run, then run again with --spend {need:.2f} to allow it",
    )
