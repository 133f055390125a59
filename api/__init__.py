"""shipopt's HTTP service: ``create_app(settings)`` builds the FastAPI app."""

from api.app import create_app
from api.config import ApiSettings

__all__ = ["ApiSettings", "create_app"]
