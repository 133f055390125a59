"""Addresses."""

from __future__ import annotations

from pydantic import Field, field_validator

from shipopt.domain.base import Frozen


class Coordinates(Frozen):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Address(Frozen):
    """A postal address; only US addresses are rated today."""

    country: str = Field(default="US", min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    line1: str | None = Field(default=None, max_length=200, description="Street address.")
    postal_code: str = Field(min_length=1, max_length=10, examples=["10001"])
    state: str | None = Field(default=None, max_length=2)
    city: str | None = None
    residential: bool = False
    coordinates: Coordinates | None = None

    @field_validator("country", "state")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value is not None else None
