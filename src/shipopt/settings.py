"""Every ``SHIPOPT_*`` setting in one class. Sources, highest first: values given in code, the
environment (``SHIPOPT_RATE_TABLES=...``), the project file ``shipopt.toml`` in the working
directory, the defaults. The HTTP service's settings (``shipopt.api.config.ApiSettings``) extend
this class, so one project file and one set of variables configure the CLI and the service."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from shipopt import samples

PROJECT_FILE = "shipopt.toml"


class Settings(BaseSettings):
    """Where shipopt finds its data. A folder left unset is the sample shipped in the package."""

    model_config = SettingsConfigDict(env_prefix="SHIPOPT_", extra="ignore", toml_file=PROJECT_FILE)

    rate_tables: Path | None = Field(
        default=None, description="Rate-table folder (unset: the sample tables)."
    )
    boxes: Path | None = Field(
        default=None, description="Box catalog JSON (unset: the sample catalog)."
    )
    transit_model: Path | None = Field(
        default=None,
        description="A model of `shipopt transit fit` (unset: the carriers' standard days only).",
    )
    data: Path = Field(
        default=Path("../shared/data"), description="Benchmark instances (benchmarks only)."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    def tables(self) -> Path:
        """The rate-table folder in force."""
        return self.rate_tables if self.rate_tables is not None else samples.rate_tables()

    def box_catalog(self) -> Path:
        """The box catalog in force."""
        return self.boxes if self.boxes is not None else samples.boxes()
