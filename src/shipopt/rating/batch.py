"""Rate many single-parcel shipments on every parcel service at once (the numpy path)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from shipopt.geo import ZipDirectory
from shipopt.ratetables.registry import RateRegistry
from shipopt.rating.parcel_rules import ParcelRuleBook
from shipopt.rating.vectorized import NOT_CARRIED, ParcelArrays, price_parcels
from shipopt.zones import ZoneArrays


@dataclass(frozen=True)
class BatchRates:
    """``totals[i, j]``: net cents for parcel i on service ``keys[j]``, or -1 if not carried;
    ``list_totals`` the same at list prices."""

    keys: list[str]
    totals: np.ndarray
    zones: np.ndarray
    list_totals: np.ndarray

    @property
    def prices_computed(self) -> int:
        return int(self.totals.size)


def _states(directory: ZipDirectory, zips: np.ndarray) -> np.ndarray:
    unique, inverse = np.unique(zips, return_inverse=True)
    states = np.array([directory.state_of(f"{int(z):05d}") for z in unique], dtype=object)
    result: np.ndarray = states[inverse]
    return result


def rate_batch(
    registry: RateRegistry,
    rules: ParcelRuleBook,
    zone_arrays: ZoneArrays,
    directory: ZipDirectory,
    origin_zip: np.ndarray,
    parcels: ParcelArrays,
    ship_date: date,
    currency: str = "USD",
) -> BatchRates:
    """Every parcel service in force on ``ship_date`` and priced in ``currency`` (as a single
    quote in that currency would), for every parcel (US lanes only)."""
    keys, columns, zone_columns, list_columns = [], [], [], []
    origin_states = dest_states = None
    for key in registry.keys:
        service = registry.in_force(key, ship_date)
        if service is None or service.spec.mode != "parcel" or service.spec.currency != currency:
            continue
        zones = zone_arrays.zones(service, origin_zip, parcels.dest_zip)
        priced = price_parcels(rules(service), parcels, zones, ship_date)
        totals, listed = priced.net, priced.list
        cov = service.spec.coverage
        if (
            cov.origin_states is not None
            or cov.destination_states is not None
            or cov.exclude_destination_states
        ):
            if origin_states is None:
                origin_states = _states(directory, origin_zip)
                dest_states = _states(directory, parcels.dest_zip)
            assert dest_states is not None
            served = np.ones(len(parcels), dtype=bool)
            if cov.origin_states is not None:
                served &= np.isin(origin_states, cov.origin_states)
            if cov.destination_states is not None:
                served &= np.isin(dest_states, cov.destination_states)
            if cov.exclude_destination_states:
                served &= ~np.isin(dest_states, cov.exclude_destination_states)
            totals = np.where(served, totals, NOT_CARRIED)
            listed = np.where(served, listed, NOT_CARRIED)
        keys.append(key)
        columns.append(totals)
        list_columns.append(listed)
        zone_columns.append(zones)
    n = len(parcels)

    def stack(cols: list[np.ndarray]) -> np.ndarray:
        return np.stack(cols, axis=1) if cols else np.empty((n, 0), dtype=np.int64)

    return BatchRates(keys, stack(columns), stack(zone_columns), stack(list_columns))
