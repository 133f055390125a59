"""shipopt: shipping and carrier optimization.

Quote path::

    from shipopt import QuoteContext, QuoteRequest, Settings, quote
    ctx = QuoteContext.from_directory(Settings().tables())  # the sample tables unless set
    response = quote(QuoteRequest.model_validate(payload), ctx)
"""

from importlib.metadata import PackageNotFoundError, version

from shipopt.domain.address import Address, Coordinates
from shipopt.domain.parcel import Dimensions, Parcel
from shipopt.domain.quote import (
    BestValue,
    Charge,
    Constraints,
    Ineligible,
    QuoteRequest,
    QuoteResponse,
    Rate,
    Reason,
    Tag,
)
from shipopt.domain.shipment import Accessorials, Shipment
from shipopt.errors import InputError, Problem, RateTableError, ShipoptError
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.quote import quote
from shipopt.ratetables.registry import RateRegistry
from shipopt.settings import Settings
from shipopt.units import Length, Mass

try:
    __version__ = version("shipopt")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "Accessorials",
    "Address",
    "BestValue",
    "Charge",
    "Constraints",
    "Coordinates",
    "Dimensions",
    "Ineligible",
    "InputError",
    "Length",
    "Mass",
    "Parcel",
    "Problem",
    "QuoteContext",
    "QuoteRequest",
    "QuoteResponse",
    "Rate",
    "RateRegistry",
    "RateTableError",
    "Reason",
    "Settings",
    "Shipment",
    "ShipoptError",
    "Tag",
    "__version__",
    "quote",
]
