"""One example body per endpoint, shown in the OpenAPI schema."""

from __future__ import annotations

from typing import Any

_ADDRESSES = {
    "origin": {"postal_code": "60601"},
    "destination": {"postal_code": "94105", "residential": True},
}
_BOXES = [
    {
        "name": "S",
        "inner": "10x8x6 in",
        "outer": "10.5x8.5x6.5 in",
        "tare_weight": "6 oz",
        "max_gross_weight": "40 lb",
        "cost": "0.45",
    },
    {
        "name": "M",
        "inner": "16x12x10 in",
        "outer": "16.5x12.5x10.5 in",
        "tare_weight": "12 oz",
        "max_gross_weight": "50 lb",
        "cost": "0.80",
    },
]
_ITEMS = [
    {"sku": "MUG", "dimensions": "5x4x4 in", "weight": "14 oz", "quantity": 3, "fragile": True},
    {"sku": "BOOK", "dimensions": "9x6x1.5 in", "weight": "1.2 lb", "quantity": 2},
]

QUOTE: dict[str, Any] = {
    "shipment": {
        **_ADDRESSES,
        "parcels": [{"dimensions": "18x18x12 in", "weight": "10 lb"}],
        "ship_at": "2026-12-01T10:30:00",
    },
    "policy": "cheapest",
}
QUOTE_ITEMS: dict[str, Any] = {
    "shipment": {**_ADDRESSES, "items": _ITEMS, "boxes": _BOXES, "ship_at": "2026-12-01T10:30:00"},
    "constraints": {"deliver_by": "2026-12-04"},
    "policy": "best_value",
}
QUOTE_BATCH: dict[str, Any] = {
    "ship_at": "2026-12-01T10:30:00",
    "policy": "cheapest",
    "shipments": [
        {**_ADDRESSES, "parcel": {"dimensions": "12x10x6 in", "weight": "3 lb"}},
        {
            "origin": {"postal_code": "60601"},
            "destination": {"postal_code": "10001"},
            "parcel": {"dimensions": "20x16x12 in", "weight": "22 lb"},
        },
    ],
}
PACK: dict[str, Any] = {"items": _ITEMS, "boxes": _BOXES, "options": {"time_limit": 0.5}}
ROUTES: dict[str, Any] = {
    "depots": [{"id": "CHI", "place": {"postal_code": "60607"}}],
    "vehicle_types": [
        {
            "id": "van",
            "count": 2,
            "depot": "CHI",
            "capacity_weight": "1500 lb",
            "fixed_cost": "45.00",
            "cost_per_km": "0.55",
            "shift_start": "08:00",
            "shift_end": "17:00",
        }
    ],
    "stops": [
        {
            "id": "S1",
            "place": {"postal_code": "60614"},
            "weight": "40 lb",
            "parcels": 3,
            "time_windows": [{"start": "09:00", "end": "12:00"}],
            "drop_penalty": "14.20",
        },
        {"id": "S2", "place": {"postal_code": "60657"}, "weight": "12 lb", "drop_penalty": "9.80"},
        {"id": "S3", "place": {"postal_code": "60622"}, "weight": "85 lb", "parcels": 6},
    ],
    "solver": "auto",
    "time_limit": 2,
    "seed": 1,
}
PLAN: dict[str, Any] = {
    "orders": [
        {
            "id": "O-1",
            "lines": [{"sku": "MUG", "quantity": 2}],
            "destination": {"postal_code": "10001", "residential": True},
            "deliver_by": "2026-12-07",
            "ordered_at": "2026-12-01T09:00:00",
        },
        {
            "id": "O-2",
            "lines": [{"sku": "BOOK", "quantity": 1}, {"sku": "MUG", "quantity": 1}],
            "destination": {"postal_code": "30301"},
            "ordered_at": "2026-12-01T10:00:00",
        },
    ],
    "skus": [
        {"sku": "MUG", "dimensions": "5x4x4 in", "weight": "14 oz", "fragile": True},
        {"sku": "BOOK", "dimensions": "9x6x1.5 in", "weight": "1.2 lb"},
    ],
    "warehouses": [
        {"id": "CHI", "postal_code": "60601", "inventory": {"MUG": 100, "BOOK": 50}},
    ],
    "boxes": _BOXES,
    "strategy": "cheapest",
}
