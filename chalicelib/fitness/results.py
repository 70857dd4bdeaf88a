"""The base every calculator's result model shares: frozen, JSON-ready, with a one-sentence summary."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class FitnessResult(BaseModel):
    """A calculator's structured answer; `summary()` is the short text shown beside it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def summary(self) -> str:
        """One human-readable sentence restating the result (numbers and category only, no advice)."""
        raise NotImplementedError
