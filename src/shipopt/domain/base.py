"""Shared model configuration."""

from datetime import time
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict


class Frozen(BaseModel):
    """Immutable model that refuses unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def _naive(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("give a local time of day without a UTC offset (e.g. 09:30)")
    return value


LocalTime = Annotated[time, AfterValidator(_naive)]
"""A wall-clock time of day at the place it applies to (a depot, a stop, a warehouse)."""
