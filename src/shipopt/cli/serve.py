"""``shipopt serve`` (the HTTP service under uvicorn) and ``shipopt api-key new``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from shipopt.cli.errors import user_errors

serve_app = typer.Typer(help="API keys for the HTTP service.", no_args_is_help=True)

SETTINGS_ENV = "SHIPOPT_SETTINGS_FILE"


def load_settings(settings_file: Path | None, **overrides: Any) -> Any:
    """ApiSettings from the TOML file (when given) over SHIPOPT_* variables, then overrides."""
    from shipopt.api.config import ApiSettings

    if settings_file is not None:
        return ApiSettings.from_file(settings_file, **overrides)
    return ApiSettings.build(**overrides)


def app_from_environment() -> Any:
    """The uvicorn factory for several workers: each process builds its own app."""
    from shipopt.api import create_app
    from shipopt.api.observe import json_logging
    from shipopt.api.read_timeout import protocol

    file = os.environ.get(SETTINGS_ENV)
    settings = load_settings(Path(file) if file else None)
    protocol(settings.read_timeout_seconds)  # this worker's connections
    if settings.log_format == "json":
        json_logging(settings.log_level)
    return create_app(settings)


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Server processes.")] = 1,
    settings_file: Annotated[
        Path | None,
        typer.Option("--settings", help="TOML settings file (over SHIPOPT_* variables)."),
    ] = None,
    insecure_dev: Annotated[
        bool, typer.Option("--insecure-dev", help="Serve without API keys (development only).")
    ] = False,
    log_level: Annotated[
        str | None, typer.Option(help="Log level (default: the log_level setting, info).")
    ] = None,
) -> None:
    """Serve the HTTP API (quotes, pack, routes, plan jobs) with uvicorn."""
    import uvicorn

    from shipopt.api import create_app
    from shipopt.api.observe import json_logging
    from shipopt.api.read_timeout import protocol

    overrides: dict[str, Any] = {"insecure_dev": True} if insecure_dev else {}
    if log_level is not None:
        overrides["log_level"] = log_level
    with user_errors("settings"):
        settings = load_settings(settings_file, **overrides)
        if workers == 1:
            app = create_app(settings)
    http = protocol(settings.read_timeout_seconds)
    logs: dict[str, Any] = {}
    if settings.log_format == "json":  # one JSON line per request from the service instead
        json_logging(settings.log_level)
        logs = {"access_log": False, "log_config": None}
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level=settings.log_level, http=http, **logs)
        return
    if settings_file is not None:
        os.environ[SETTINGS_ENV] = str(settings_file.resolve())
    if insecure_dev:
        os.environ["SHIPOPT_INSECURE_DEV"] = "true"
    os.environ["SHIPOPT_LOG_LEVEL"] = settings.log_level  # each worker reads its settings
    uvicorn.run(
        "shipopt.cli.serve:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level,
        http=http,
        **logs,
    )


@serve_app.command("new")
def new_api_key() -> None:
    """Make a new API key: give the key to the client, put its hash in the settings."""
    from shipopt.api.config import hash_key, new_key

    key = new_key()
    typer.echo(f"key:  {key}")
    typer.echo(f"hash: {hash_key(key)}")
    typer.echo(f"settings: SHIPOPT_API_KEY_HASHES='[\"{hash_key(key)}\"]'")
