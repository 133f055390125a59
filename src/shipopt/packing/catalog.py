"""The box catalog in solver units, a packing's objective, and the packing's price model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from math import gcd

from shipopt.domain.packing import BoxType, Item, PackRequest, UnpackedReason
from shipopt.domain.parcel import Dimensions
from shipopt.packing.extreme_points import Bin, PItem, rotations
from shipopt.units import Mass

# One box's shipping price on each eligible service (None: that service cannot carry it), in a
# fixed service order: a shipment's boxes all go by one service, so a packing costs its boxes
# plus the least, over the services that carry every box, of that service's prices summed.
ServicePrices = tuple[Decimal | None, ...]
Pricer = Callable[[Dimensions, Mass], ServicePrices]


def cheapest(prices: ServicePrices) -> Decimal | None:
    """The least price of one box over the services (None if no service carries it)."""
    known = [p for p in prices if p is not None]
    return min(known) if known else None


def one_service_total(prices: list[ServicePrices]) -> tuple[Decimal, int] | None:
    """The least total of ``prices`` (one tuple per box) on a single service, and its index."""
    best: tuple[Decimal, int] | None = None
    for s in range(len(prices[0]) if prices else 0):
        column = [p[s] for p in prices]
        if all(c is not None for c in column):
            total = sum((c for c in column if c is not None), Decimal(0))
            if best is None or total < best[0]:
                best = (total, s)
    return best


@dataclass(frozen=True)
class Unit:
    """One unit of an order line."""

    sku: str
    unit: int
    item: Item


@dataclass
class Catalog:
    """Box types in solver units, with the objective's cost of one box per gross weight."""

    boxes: list[BoxType]
    dims: list[tuple[int, int, int]]
    capacity: list[int]  # payload in ng
    volume: list[int]
    pricer: Pricer | None
    _prices: dict[tuple[int, int], ServicePrices]

    def prices(self, b: int, payload_ng: int) -> ServicePrices:
        """Shipping of box ``b`` with ``payload_ng`` on each service (a pricer is set)."""
        key = (b, payload_ng)
        found = self._prices.get(key)
        if found is None:
            assert self.pricer is not None
            box = self.boxes[b]
            found = self.pricer(box.outer, Mass(box.tare_weight.ng + payload_ng))
            self._prices[key] = found
        return found

    def cost(self, b: int, payload_ng: int) -> Decimal | None:
        """Box cost plus its cheapest shipping alone (for ranking one box); None if no service
        carries it."""
        if self.pricer is None:
            return self.boxes[b].cost
        price = cheapest(self.prices(b, payload_ng))
        return None if price is None else price + self.boxes[b].cost


@dataclass
class Packed:
    """A solution: (box type, bin) pairs."""

    boxes: list[tuple[int, Bin]]

    def key(self, catalog: Catalog, by_cost: bool) -> tuple[object, ...]:
        if by_cost:
            if catalog.pricer is None:
                box_cost = sum((catalog.boxes[b].cost for b, _ in self.boxes), Decimal(0))
                return (0, box_cost, len(self.boxes))
            shipping = one_service_total([catalog.prices(b, bn.weight) for b, bn in self.boxes])
            if shipping is None:  # no one service carries every box
                return (1, Decimal(0), len(self.boxes))
            box_cost = sum((catalog.boxes[b].cost for b, _ in self.boxes), Decimal(0))
            return (0, box_cost + shipping[0], len(self.boxes))
        return (len(self.boxes), sum(catalog.volume[b] for b, _ in self.boxes))


PriceMemo = dict[tuple[int, int], ServicePrices]


def scale(request: PackRequest) -> int:
    """The greatest common divisor of every length (nm): solver lengths are in this unit."""
    g = 0
    for it in request.items:
        for d in (it.dimensions.length, it.dimensions.width, it.dimensions.height):
            g = gcd(g, d.nm)
    for b in request.boxes:
        for d in (b.inner.length, b.inner.width, b.inner.height):
            g = gcd(g, d.nm)
    return g or 1


def as_pitem(key: int, item: Item, g: int) -> PItem:
    """One unit of ``item`` for the packer, lengths in units of ``g`` nm."""
    d = item.dimensions
    return PItem(
        key,
        rotations(d.length.nm // g, d.width.nm // g, d.height.nm // g, item.orientation),
        item.weight.ng,
        item.fragile,
        item.max_stack_weight.ng if item.max_stack_weight is not None else -1,
    )


def fits_some_box(p: PItem, catalog: Catalog, usable: list[int]) -> UnpackedReason | None:
    """Why no box of ``usable`` could take ``p`` alone (None: one could)."""
    size_ok = [
        b
        for b in usable
        if any(
            r[0] <= catalog.dims[b][0] and r[1] <= catalog.dims[b][1] and r[2] <= catalog.dims[b][2]
            for r in p.rots
        )
    ]
    if not size_ok:
        return UnpackedReason.TOO_LARGE
    if not any(p.weight <= catalog.capacity[b] for b in size_ok):
        return UnpackedReason.TOO_HEAVY
    return None


def box_lower_bound(items: list[PItem], catalog: Catalog, usable: list[int]) -> int:
    """No packing uses fewer boxes than the volume or the weight needs of the largest box."""
    volume = max(catalog.volume[b] for b in usable)
    payload = max(catalog.capacity[b] for b in usable)
    return max(
        1, -(-sum(i.volume for i in items) // volume), -(-sum(i.weight for i in items) // payload)
    )
