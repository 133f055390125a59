"""Carrier business-day calendars and delivery-date estimates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from shipopt.errors import InputError, Problem

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class CalendarRules(Protocol):
    """What a carrier calendar reads of a service's transit rules (the rate-table file's
    ``[transit]`` section has these fields)."""

    @property
    def pickup_cutoff(self) -> time: ...
    @property
    def timezone(self) -> str: ...
    @property
    def pickup_weekdays(self) -> Sequence[str]: ...
    @property
    def delivery_weekdays(self) -> Sequence[str]: ...
    @property
    def holidays(self) -> str: ...
    @property
    def works_on(self) -> Sequence[str]: ...
    @property
    def extra_closed(self) -> Sequence[date]: ...


@dataclass
class CarrierCalendar:
    """Pickup and delivery days of one service: its weekdays, less holidays it does not work."""

    transit: CalendarRules
    _closed: dict[int, frozenset[date]] = field(default_factory=dict)
    _after: dict[date, list[date]] = field(default_factory=dict)
    _backlog: dict[date, bool] = field(default_factory=dict)  # after_closed, per day asked
    _cutoff_tz: ZoneInfo | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if self.transit.timezone != "origin":
            self._cutoff_tz = ZoneInfo(self.transit.timezone)  # validated with the table

    def closed_days(self, year: int) -> frozenset[date]:
        cached = self._closed.get(year)
        if cached is None:
            days: set[date] = set(self.transit.extra_closed)
            if self.transit.holidays == "US":
                works = {name.lower() for name in self.transit.works_on}
                for day, name in holidays.country_holidays("US", years=year).items():
                    names = {n.strip().lower() for n in name.split(";")}
                    base = {n.removesuffix(" (observed)") for n in names}
                    if not base <= works:
                        days.add(day)
            cached = frozenset(days)
            self._closed[year] = cached
        return cached

    def is_pickup_day(self, day: date) -> bool:
        return WEEKDAYS[
            day.weekday()
        ] in self.transit.pickup_weekdays and day not in self.closed_days(day.year)

    def is_delivery_day(self, day: date) -> bool:
        return WEEKDAYS[
            day.weekday()
        ] in self.transit.delivery_weekdays and day not in self.closed_days(day.year)

    def after_closed(self, day: date) -> bool:
        """Whether a closed day (a holiday, not a weekend) lies within the last two delivery
        days before ``day``: the carrier is still working off the backlog."""
        known = self._backlog.get(day)
        if known is None:
            known = self._backlog[day] = self._after_closed(day)
        return known

    def _after_closed(self, day: date) -> bool:
        seen = 0
        for back in range(1, 31):
            earlier = day - timedelta(days=back)
            if earlier in self.closed_days(earlier.year):
                return True
            seen += self.is_delivery_day(earlier)
            if seen == 2:
                return False
        return False

    def next_pickup_day(self, day: date) -> date:
        for _ in range(60):
            if self.is_pickup_day(day):
                return day
            day += timedelta(days=1)
        raise InputError(Problem("transit", "no pickup day within 60 days"))

    def ship_date(self, ready_local: datetime, handling_days: int) -> date:
        """First pickup day on or after the ready time, plus handling. A parcel ready by the
        cutoff (at it included) goes that day, after it the next pickup day. The cutoff is read in
        the service's ``timezone`` when it names one, else in the origin's (``ready_local``)."""
        if self._cutoff_tz is not None and ready_local.tzinfo is not None:
            ready_local = ready_local.astimezone(self._cutoff_tz)
        day = ready_local.date()
        if ready_local.time() > self.transit.pickup_cutoff or not self.is_pickup_day(day):
            day = self.next_pickup_day(day + timedelta(days=1))
        for _ in range(handling_days):
            day = self.next_pickup_day(day + timedelta(days=1))
        return day

    def delivery_days_after(self, ship_day: date, most: int) -> list[date]:
        """The ship day, then its 1st ... ``most``-th delivery days after it (kept per ship
        day: quotes of one day ask for the same ones)."""
        known = self._after.get(ship_day)
        if known is None or len(known) <= most:
            known = [ship_day]
            day = ship_day
            for _ in range(366):
                if len(known) > most:
                    break
                day += timedelta(days=1)
                if self.is_delivery_day(day):
                    known.append(day)
            if len(self._after) > 4096:
                self._after.clear()
            self._after[ship_day] = known
        return known

    def add_transit_days(self, ship_day: date, days: int) -> date:
        """The ``days``-th delivery day after the ship day (the ship day itself not counted)."""
        if 0 <= days <= 60:  # from the days kept per ship day (quotes of a day share them)
            known = self.delivery_days_after(ship_day, days)
            if len(known) > days:
                return known[days]
        day = ship_day
        counted = 0
        guard = 0
        while counted < days:
            day += timedelta(days=1)
            guard += 1
            if self.is_delivery_day(day):
                counted += 1
            if guard > 366:
                raise InputError(Problem("transit", "no delivery day within a year"))
        return day


def zone_info(name: str, field_name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(Problem(field_name, f"unknown time zone {name!r}")) from None


def local_time(moment: datetime, tz: ZoneInfo) -> datetime:
    """``moment`` in ``tz``; a naive datetime is taken as already local there."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz)
    return moment.astimezone(tz)
