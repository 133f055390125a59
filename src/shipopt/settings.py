"""One settings class, read from ``SHIPOPT_*`` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """``SHIPOPT_RATE_TABLES``: the rate-table folder; ``SHIPOPT_DATA``: benchmark instances."""

    model_config = SettingsConfigDict(env_prefix="SHIPOPT_", extra="ignore")

    rate_tables: Path = Path("rate_tables")
    data: Path = Path("../shared/data")
