"""The bases every calculator's result shares: frozen, JSON-ready models, the top one with a one-sentence summary."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class FrozenModel(BaseModel):
    """A result or a row inside one (a formula's value, a zone, a load): immutable, and no undeclared field."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class FitnessResult(FrozenModel):
    """A calculator's structured answer; `summary()` is the short text shown beside it."""

    def summary(self) -> str:
        """One human-readable sentence restating the result (numbers and category only, no advice)."""
        raise NotImplementedError
