"""shipopt: shipping and carrier optimization.

Quote path::

    from shipopt import QuoteContext, QuoteRequest, quote
    ctx = QuoteContext.from_directory(Path("rate_tables"))
    response = quote(QuoteRequest.model_validate(payload), ctx)
"""

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
from shipopt.units import Length, Mass

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
    "Shipment",
    "ShipoptError",
    "Tag",
    "quote",
]
