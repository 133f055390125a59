from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from shipopt.calendar import CarrierCalendar, local_time
from shipopt.ratetables.schema import Transit


def cal(**kw: object) -> CarrierCalendar:
    return CarrierCalendar(Transit.model_validate({"days_by_zone": {2: 1}, **kw}))


def test_before_and_after_cutoff() -> None:
    c = cal(pickup_cutoff=time(17, 0))
    assert c.ship_date(datetime(2026, 12, 1, 16, 59), 0) == date(2026, 12, 1)  # Tuesday
    assert c.ship_date(datetime(2026, 12, 1, 17, 1), 0) == date(2026, 12, 2)
    # Friday after cutoff -> Monday
    assert c.ship_date(datetime(2026, 12, 4, 18, 0), 0) == date(2026, 12, 7)


def test_handling_days_count_pickup_days() -> None:
    c = cal()
    # ready Thursday 10:00, 2 handling days -> Friday, Monday
    assert c.ship_date(datetime(2026, 12, 3, 10, 0), 2) == date(2026, 12, 7)


def test_transit_skips_weekends_and_holidays() -> None:
    c = cal()
    # Monday + 2 = Wednesday (ship day not counted)
    assert c.add_transit_days(date(2026, 12, 7), 2) == date(2026, 12, 9)
    # Wed 2026-11-25 + 1: Thursday is Thanksgiving -> Friday 11-27
    assert c.add_transit_days(date(2026, 11, 25), 1) == date(2026, 11, 27)
    # Christmas 2026 is a Friday: Thu 12-24 + 1 -> Monday 12-28
    assert c.add_transit_days(date(2026, 12, 24), 1) == date(2026, 12, 28)
    # Independence Day 2026 is a Saturday, observed Friday 07-03: Thu + 1 -> Mon 07-06
    assert c.add_transit_days(date(2026, 7, 2), 1) == date(2026, 7, 6)


def test_carrier_works_some_holidays() -> None:
    closed = cal()
    works = cal(works_on=["Columbus Day", "Veterans Day"])
    veterans = date(2026, 11, 11)  # a Wednesday
    assert not closed.is_delivery_day(veterans)
    assert works.is_delivery_day(veterans) and works.is_pickup_day(veterans)
    assert not works.is_delivery_day(date(2026, 11, 26))  # still closed on Thanksgiving


def test_saturday_delivery_and_extra_closed_days() -> None:
    sat = cal(delivery_weekdays=["mon", "tue", "wed", "thu", "fri", "sat"])
    assert sat.add_transit_days(date(2026, 12, 4), 1) == date(2026, 12, 5)
    extra = cal(extra_closed=[date(2026, 12, 24)])
    assert extra.add_transit_days(date(2026, 12, 23), 1) == date(2026, 12, 28)


def test_no_holidays_option() -> None:
    assert cal(holidays="none").is_delivery_day(date(2026, 11, 26))


def test_cutoff_in_origin_time_zone() -> None:
    c = cal(pickup_cutoff=time(17, 0))
    la = ZoneInfo("America/Los_Angeles")
    # 23:30 UTC on Dec 1 is 15:30 in Los Angeles: before the cutoff there
    ready = local_time(datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("UTC")), la)
    assert c.ship_date(ready, 0) == date(2026, 12, 1)
    ny = ZoneInfo("America/New_York")
    assert c.ship_date(
        local_time(datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("UTC")), ny), 0
    ) == date(2026, 12, 2)


@pytest.mark.parametrize("weekday_list", [[], ["mon"]])
def test_weekdays_validation(weekday_list: list[str]) -> None:
    if not weekday_list:
        with pytest.raises(ValueError, match="must not be empty"):
            cal(delivery_weekdays=weekday_list)
    else:
        assert cal(delivery_weekdays=weekday_list).add_transit_days(date(2026, 12, 1), 1) == date(
            2026, 12, 7
        )


def test_ready_at_the_cutoff_ships_that_day() -> None:
    c = cal(pickup_cutoff=time(17, 0))
    assert c.ship_date(datetime(2026, 12, 1, 17, 0), 0) == date(2026, 12, 1)
    assert c.ship_date(datetime(2026, 12, 1, 17, 0, 1), 0) == date(2026, 12, 2)


def test_cutoff_in_the_services_time_zone() -> None:
    new_york = ZoneInfo("America/New_York")
    origin_zone = cal(pickup_cutoff=time(17, 0))
    chicago = cal(pickup_cutoff=time(17, 0), timezone="America/Chicago")
    ready = datetime(2026, 12, 1, 17, 30, tzinfo=new_york)  # 16:30 in Chicago
    assert origin_zone.ship_date(ready, 0) == date(2026, 12, 2)
    assert chicago.ship_date(ready, 0) == date(2026, 12, 1)
    # 18:30 in New York is 17:30 in Chicago: past that cutoff too
    assert chicago.ship_date(datetime(2026, 12, 1, 18, 30, tzinfo=new_york), 0) == date(2026, 12, 2)


def test_holiday_closed_on_the_actual_and_the_observed_date() -> None:
    # Independence Day 2026 is a Saturday, observed Friday 07-03: both are closed
    sat = cal(delivery_weekdays=["mon", "tue", "wed", "thu", "fri", "sat"])
    assert not sat.is_delivery_day(date(2026, 7, 4)) and not sat.is_delivery_day(date(2026, 7, 3))
    assert sat.is_delivery_day(date(2026, 7, 11))
