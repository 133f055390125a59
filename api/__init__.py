"""shipopt's HTTP service: ``create_app(settings)`` builds the FastAPI app."""

from shipopt.api.app import create_app
from shipopt.api.config import ApiSettings

__all__ = ["ApiSettings", "create_app"]
