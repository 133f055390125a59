"""A carrier calendar as numpy business days (weekmask and closed days), so that transit
business days of millions of parcels are counted at once, by the same rules as
:class:`shipopt.calendar.CarrierCalendar`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from shipopt.calendar import WEEKDAYS, CarrierCalendar


@dataclass(frozen=True)
class BusinessDays:
    weekmask: str  # "1111100": Monday to Friday
    holidays: np.ndarray  # datetime64[D], the closed days over the years covered

    @classmethod
    def of(cls, calendar: CarrierCalendar, first_year: int, last_year: int) -> BusinessDays:
        mask = "".join("1" if d in calendar.transit.delivery_weekdays else "0" for d in WEEKDAYS)
        closed = sorted(
            day for year in range(first_year, last_year + 1) for day in calendar.closed_days(year)
        )
        return cls(mask, np.array(closed, dtype="datetime64[D]"))

    def after_closed(self, shipped: np.ndarray) -> np.ndarray:
        """Whether a closed day (a holiday, not a weekend) lies within the last two delivery
        days before each ship day: the carrier is still working off the backlog."""
        if not len(self.holidays):
            return np.zeros(len(shipped), dtype=bool)
        second = np.busday_offset(
            shipped - 1, -1, roll="backward", weekmask=self.weekmask, holidays=self.holidays
        )
        last = np.searchsorted(self.holidays, shipped, side="left") - 1
        found: np.ndarray = (last >= 0) & (self.holidays[np.maximum(last, 0)] > second)
        return found

    def count(self, shipped: np.ndarray, delivered: np.ndarray) -> np.ndarray:
        """Delivery days after the ship day up to and including the delivery day."""
        counted: np.ndarray = np.busday_count(
            shipped + 1, delivered + 1, weekmask=self.weekmask, holidays=self.holidays
        )
        return counted

    def add(self, shipped: np.ndarray, days: np.ndarray) -> np.ndarray:
        """The ``days``-th delivery day after the ship day (0: the ship day itself)."""
        later: np.ndarray = np.busday_offset(
            shipped, days, roll="forward", weekmask=self.weekmask, holidays=self.holidays
        )
        # busday_offset counts from the ship day rolled forward; a ship day that is no delivery
        # day would then count itself: step from the last delivery day at or before it instead
        on = np.is_busday(shipped, weekmask=self.weekmask, holidays=self.holidays)
        back: np.ndarray = np.busday_offset(
            shipped, 0, roll="backward", weekmask=self.weekmask, holidays=self.holidays
        )
        fixed: np.ndarray = np.busday_offset(
            back, days, roll="forward", weekmask=self.weekmask, holidays=self.holidays
        )
        out: np.ndarray = np.where(on | (days == 0), later, fixed)
        return np.where(days == 0, shipped, out)


def to_days(values: list[date]) -> np.ndarray:
    return np.array(values, dtype="datetime64[D]")
