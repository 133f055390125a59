"""Settings of the HTTP service: ``SHIPOPT_*`` environment variables or a TOML file."""

from __future__ import annotations

import hashlib
import re
import secrets
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from shipopt.errors import InputError, Problem, problems_from_validation
from shipopt.settings import PROJECT_FILE, Settings

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def hash_key(key: str) -> str:
    """How an API key is stored: its SHA-256, hex."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return "sk_" + secrets.token_urlsafe(32)


class ApiSettings(Settings):
    """Everything the service reads at start: the library's settings (rate tables, boxes) and
    the service's own. Lists are JSON in the environment, e.g.
    ``SHIPOPT_API_KEY_HASHES='["9f86d0..."]'``."""

    model_config = SettingsConfigDict(env_prefix="SHIPOPT_", extra="ignore", toml_file=PROJECT_FILE)

    database_url: str = Field(
        default="sqlite:///shipopt-jobs.db",
        description="sqlite:///PATH (WAL) or postgresql://user:pass@host/db",
    )
    api_key_hashes: list[str] = Field(default=[], description="SHA-256 (hex) of each API key.")
    admin_key_hashes: list[str] = Field(
        default=[], description="SHA-256 (hex) of the keys that may call /v1/admin routes."
    )
    insecure_dev: bool = Field(default=False, description="No API keys needed (development).")
    cors_origins: list[str] = Field(default=[], description="Allowed origins; empty: CORS off.")
    max_body_bytes: int = Field(default=8_000_000, ge=1024)
    max_parcels: int = Field(default=100, ge=1)
    max_units: int = Field(default=500, ge=1, description="Item units per quote or pack.")
    max_stops: int = Field(default=1000, ge=1)
    max_batch_quotes: int = Field(
        default=10_000, ge=1, description="Shipments per POST /v1/quotes/batch."
    )
    max_orders: int = Field(default=20_000, ge=1, description="Orders per plan job.")
    max_solver_seconds: float = Field(default=10.0, gt=0)
    job_threads: int = Field(default=1, ge=0, le=64, description="Plan jobs run at once.")
    plan_workers: int = Field(default=1, ge=1, le=256, description="Processes per plan job.")
    job_lease_seconds: float = Field(
        default=30.0, gt=0, description="A running job whose server stopped beating is retried."
    )
    job_max_attempts: int = Field(default=3, ge=1)
    result_retention_hours: float | None = Field(
        default=168.0,
        gt=0,
        description="Finished plan jobs (and their results) are deleted this long after they "
        "finished; null keeps them forever.",
    )
    read_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=600,
        description="A connection whose request (headers and body) is not in within this many "
        "seconds of its first byte is closed.",
    )
    rate_limit_per_second: float | None = Field(
        default=None, gt=0, description="Requests a second per API key (null: no limit)."
    )
    rate_limit_burst: int | None = Field(
        default=None, ge=1, description="Requests a key may make at once (default: the rate)."
    )
    key_rate_limits: dict[str, float] = Field(
        default={}, description="Requests a second for named keys: their SHA-256 hash -> rate."
    )
    webhook_hosts: list[str] = Field(
        default=[],
        description="Hosts (or host:port) a plan job's callback_url may name; empty: none.",
    )
    webhook_secrets: dict[str, str] = Field(
        default={},
        description="The HMAC secret of each key's webhooks: the key's SHA-256 hash (or 'dev' "
        "for --insecure-dev) -> secret.",
    )
    webhook_max_attempts: int = Field(default=6, ge=1, le=50)
    webhook_backoff_seconds: float = Field(
        default=2.0, gt=0, description="Wait before the 2nd attempt; doubled after each."
    )
    webhook_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    log_level: Literal["critical", "error", "warning", "info", "debug", "trace"] = Field(
        default="info", description="Log level (info logs one line per request)."
    )
    log_format: Literal["json", "text"] = Field(
        default="json", description="shipopt serve's logs: JSON lines or plain text."
    )
    max_listed_errors: int = Field(
        default=50, ge=1, le=10_000, description="Field errors listed in one 422 answer."
    )
    map_tile_url: str = Field(
        default="",
        max_length=500,
        description="A map tile server ({z}/{x}/{y}) under the planner page's routes, for "
        "users online; empty: the offline state outlines only.",
    )
    map_tile_attribution: str = Field(default="", max_length=500)

    @field_validator("api_key_hashes", "admin_key_hashes")
    @classmethod
    def _hashes(cls, value: list[str]) -> list[str]:
        for k, h in enumerate(value):
            if not _SHA256.match(h):
                raise ValueError(f"entry {k} is not a lowercase hex SHA-256 (64 characters)")
        return value

    @field_validator("key_rate_limits")
    @classmethod
    def _key_rates(cls, value: dict[str, float]) -> dict[str, float]:
        for h, rate in value.items():
            if not _SHA256.match(h):
                raise ValueError(f"key {h[:20]!r} is not a lowercase hex SHA-256 (64 characters)")
            if not rate > 0:
                raise ValueError(f"the rate of {h[:12]}... must be above 0")
        return value

    def webhook_secret_of(self, owner: str) -> str | None:
        """The webhook secret of a key owner (the first 16 hex of its hash, or 'dev')."""
        for name, secret in self.webhook_secrets.items():
            if name == owner or name[:16] == owner:
                return secret
        return None

    @classmethod
    def from_file(cls, path: Path, **overrides: Any) -> ApiSettings:
        """A TOML file's values over the environment's; ``overrides`` over both."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(Problem(str(path), f"cannot read: {exc}")) from None
        except tomllib.TOMLDecodeError as exc:
            raise InputError(Problem(str(path), f"not valid TOML: {exc}")) from None
        return cls.build(**{**data, **overrides}, where=str(path))

    @classmethod
    def build(cls, where: str = "settings", **values: Any) -> ApiSettings:
        from pydantic import ValidationError

        try:
            return cls(**values)
        except ValidationError as err:
            raise InputError(problems_from_validation(err, where)) from None
