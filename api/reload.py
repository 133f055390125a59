"""Rate tables reloaded without a restart: the folder is loaded and validated in full first,
then the new quote context replaces the old in one assignment (a request in flight keeps the
one it started with); on any error the old tables keep serving and the problems are returned.
Asked for by ``POST /v1/admin/reload`` (an admin key) or SIGHUP."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from fastapi import FastAPI

from shipopt.errors import ShipoptError
from shipopt.pipeline.context import QuoteContext
from shipopt.ratetables.registry import RateRegistry
from shipopt.transit.model import TransitModel

log = logging.getLogger("shipopt.api.reload")


@dataclass(frozen=True)
class Reloaded:
    services: int
    versions: dict[str, list[str]]  # service key -> table versions loaded


class TableReloader:
    """Reloads ``app``'s rate tables from its settings' folder, one reload at a time."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self._lock = threading.Lock()

    def reload(self) -> Reloaded:
        """The new tables in force, or the ShipoptError of the folder (the old ones serve on)."""
        with self._lock:
            old: QuoteContext = self.app.state.ctx
            folder = self.app.state.settings.tables()
            registry = RateRegistry.from_directory(folder)  # raises before anything changes
            path = self.app.state.settings.transit_model
            model = TransitModel.load(path) if path is not None else None  # and this
            new = QuoteContext(registry, old.directory, model)  # the ZIP data is not read again
            self.app.state.ctx = new
            self.app.state.metrics.show_tables(new)
            versions = {k: [v.spec.version for v in registry.versions(k)] for k in registry.keys}
            log.info("rate tables reloaded from %s: %d services", folder, len(versions))
            return Reloaded(len(versions), versions)

    def reload_logged(self) -> None:
        """For the SIGHUP handler: the outcome goes to the log."""
        try:
            self.reload()
        except ShipoptError as exc:
            log.error("rate tables not reloaded (the old ones keep serving): %s", exc)
