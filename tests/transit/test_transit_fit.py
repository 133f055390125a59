"""The transit model: numpy business days agree with the carrier calendar, the fit recovers
the generator's lane delays, bad rows are reported by row and reason, the hierarchy backs off,
and a model file loads back to the same answers."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shipopt.geo import ZipDirectory
from shipopt.ratetables.registry import RateRegistry
from shipopt.transit.days import BusinessDays
from shipopt.transit.fit import fit
from shipopt.transit.generate import History, sample_history, write_history_csv
from shipopt.transit.history import read_history
from shipopt.transit.model import EARLY, TransitModel, absolute_days, quantile_days, stratum
from shipopt.zones import ZoneArrays
from tests.conftest import SAMPLE_TABLES

KEY = "continental/ground"


@pytest.fixture(scope="module")
def fitted(
    registry: RateRegistry, directory: ZipDirectory, tmp_path_factory: pytest.TempPathFactory
) -> tuple[History, TransitModel, Path]:
    history = sample_history(registry, directory, 300_000, seed=7, destinations=40)
    path = tmp_path_factory.mktemp("history") / "history.csv"
    write_history_csv(history, path)
    obs, bad = read_history([path], registry, directory)
    assert bad.total == 0 and len(obs) == len(history)
    return history, fit(obs, bad), path


SAMPLE = RateRegistry.from_directory(SAMPLE_TABLES)
CALENDAR = SAMPLE.calendar(SAMPLE.versions(KEY)[-1])
DAYS = BusinessDays.of(CALENDAR, 2024, 2028)


@settings(max_examples=80, deadline=None)
@given(st.dates(date(2025, 1, 1), date(2026, 12, 20)), st.integers(0, 12))
def test_numpy_business_days_match_the_calendar(day: date, k: int) -> None:
    calendar, days = CALENDAR, DAYS
    expected = calendar.add_transit_days(day, k)
    assert calendar.delivery_days_after(day, k)[k] == expected  # the quote path's walk
    got = days.add(np.array([day], dtype="datetime64[D]"), np.array([k]))[0]
    assert got == np.datetime64(expected)
    counted = days.count(
        np.array([day], dtype="datetime64[D]"), np.array([expected], dtype="datetime64[D]")
    )
    assert counted[0] == k


@settings(max_examples=120, deadline=None)
@given(st.dates(date(2025, 1, 1), date(2027, 12, 20)))
def test_after_a_holiday_matches_the_calendar(day: date) -> None:
    got = DAYS.after_closed(np.array([day], dtype="datetime64[D]"))[0]
    assert bool(got) == CALENDAR.after_closed(day)


def test_after_a_holiday_is_two_delivery_days() -> None:
    thanksgiving = date(2026, 11, 26)
    assert thanksgiving in CALENDAR.closed_days(2026)
    assert CALENDAR.after_closed(date(2026, 11, 27))  # Friday: the first day after
    assert CALENDAR.after_closed(date(2026, 11, 30))  # Monday: the second (a weekend between)
    assert not CALENDAR.after_closed(date(2026, 12, 1))
    assert not CALENDAR.after_closed(date(2026, 6, 9))  # an ordinary week: weekends don't count
    assert stratum(date(2026, 11, 27), after_closed=True) == 7  # after, in peak, a Friday


def test_the_fit_recovers_the_lane_delays(
    fitted: tuple[History, TransitModel, Path], registry: RateRegistry, directory: ZipDirectory
) -> None:
    history, model, _ = fitted
    service = registry.versions(KEY)[-1]
    arrays = ZoneArrays(directory)
    by_zip3 = {}
    for z in history.columns["destination_postal_code"]:
        by_zip3.setdefault(int(z) // 100, int(z))
    checked = right = 0
    for (o3, d3), counts in model.services[KEY].counts["lane"].items():
        normal = counts[0]  # stratum 0: no peak, not a Friday, not just after a holiday
        if normal.sum() < 35:
            continue
        origin = next(int(o) for o in history.columns["origin_postal_code"] if int(o) // 100 == o3)
        zone = int(arrays.zones(service, np.array([origin]), np.array([by_zip3[d3]]))[0])
        standard = service.spec.transit.days_by_zone[zone]
        median = int(np.searchsorted(np.cumsum(normal) / normal.sum(), 0.5)) - EARLY + standard
        expected = max(1, standard + history.truth.lane_delay[("continental", f"{d3:03d}")])
        checked += 1
        right += median == expected
    assert checked >= 100
    assert right / checked >= 0.9, (right, checked)


def test_bad_rows_are_reported_by_row_and_reason(
    registry: RateRegistry, directory: ZipDirectory, tmp_path: Path
) -> None:
    path = tmp_path / "h.csv"
    path.write_text(
        "tracking_number,carrier,service,origin_postal_code,destination_postal_code,shipped_at,delivered_at\n"
        "T1,continental,ground,60601,10001,2026-03-02T10:00:00,2026-03-05T12:00:00\n"
        "T2,continental,ground,60601,10001,2026-03-05T10:00:00,2026-03-02T12:00:00\n"
        "T3,continental,teleport,60601,10001,2026-03-02T10:00:00,2026-03-05T12:00:00\n"
        "T4,continental,ground,60601,10001,yesterday,2026-03-05T12:00:00\n"
        "T1,continental,ground,60601,10001,2026-03-02T10:00:00,2026-03-05T12:00:00\n"
        "T6,continental,ground,6060,10001,2026-03-02T10:00:00,2026-03-05T12:00:00\n"
        "T7,continental,ground,60601,02108,2026-03-02 10:00:00-06:00,2026-03-06\n"
    )
    obs, bad = read_history([path], registry, directory)
    assert bad.counts == {
        "delivered before shipped": 1,
        "unknown service (not in the rate tables)": 1,
        "unparseable shipped_at or delivered_at": 1,
        "duplicate": 1,
        "postal code not a 5-digit ZIP": 1,
    }
    assert bad.examples["delivered before shipped"] == [3] and bad.examples["duplicate"] == [6]
    assert len(obs) == 2 and sorted(obs.days.tolist()) == [3, 4]
    assert sorted(obs.row.tolist()) == [2, 8]


def test_the_hierarchy_backs_off(
    fitted: tuple[History, TransitModel, Path], registry: RateRegistry, directory: ZipDirectory
) -> None:
    _, model, path = fitted
    sm = model.services[KEY]
    day = date(2026, 6, 2)  # a Tuesday out of peak: stratum 0
    assert stratum(day) == 0 and stratum(date(2026, 12, 4)) == 3
    zone, oreg, dreg = next(iter(sm.counts["region"]))
    o3, d3 = oreg * 100 + 99, dreg * 100 + 98
    assert (o3, d3) not in sm.counts["lane"]  # no such lane: the levels above answer
    assert (d3,) not in sm.counts["destination"]
    got = model.distribution(KEY, zone, o3, d3, day, 3)
    expected = np.zeros(21)
    expected[EARLY] = 1.0  # no day beyond the standard days, then each level blended over it
    for key in ((), (zone,), (zone, oreg, dreg)):
        level = {0: "service", 1: "zone", 3: "region"}[len(key)]
        n = sm.counts[level][key][0]
        expected = (n + model.strength * expected) / (n.sum() + model.strength)
    assert got is not None and np.allclose(got, absolute_days(expected, 3))
    # a known destination from an unknown origin: its destination's counts blended in
    (known,) = next(iter(sm.counts["destination"]))
    region = (zone, oreg, known // 100)
    prior = np.zeros(21)
    prior[EARLY] = 1.0
    for level, key in (
        ("service", ()),
        ("zone", (zone,)),
        ("region", region),
        ("destination", (known,)),
    ):
        if key in sm.counts[level]:
            n = sm.counts[level][key][0]
            prior = (n + model.strength * prior) / (n.sum() + model.strength)
    got = model.distribution(KEY, zone, oreg * 100 + 99, known, day, 2)
    assert got is not None and np.allclose(got, absolute_days(prior, 2))
    assert np.isclose(got.sum(), 1.0)
    # a service the history never saw: no distribution (the standard days stand)
    assert model.distribution("nobody/none", 5, 606, 100, day, 3) is None
    # parcels shipped just after a holiday are counted apart (strata 4-7)
    obs, _ = read_history([path], registry, directory)
    assert obs.after_closed.any() and not obs.after_closed.all()
    mine = obs.service == obs.services.index(KEY)
    after = sm.counts["service"][()][4:].sum()
    assert 0 < after < sm.counts["service"][()].sum()
    assert after == pytest.approx(
        sm.counts["service"][()].sum() * obs.after_closed[mine].mean(), rel=0.25
    )  # recency weights differ from plain shares, not by much
    # more data on a lane moves it further from its parent
    lanes = sorted(sm.counts["lane"].items(), key=lambda kv: kv[1][0].sum())
    thin, thick = lanes[0], lanes[-1]
    assert thin[1][0].sum() < thick[1][0].sum()


def test_model_file_round_trip(fitted: tuple[History, TransitModel, Path], tmp_path: Path) -> None:
    _, model, _ = fitted
    model.save(tmp_path / "m.npz")
    again = TransitModel.load(tmp_path / "m.npz")
    assert again.version == model.version and set(again.services) == set(model.services)
    for zone, o3, d3 in list(model.services[KEY].counts["region"])[:20]:
        a = model.distribution(KEY, zone, o3 * 100, d3 * 100, date(2026, 12, 4), 3)
        b = again.distribution(KEY, zone, o3 * 100, d3 * 100, date(2026, 12, 4), 3)
        assert a is not None and b is not None and np.allclose(a, b, atol=1e-5)
        cdf = np.cumsum(a)
        assert all(x <= y + 1e-12 for x, y in itertools.pairwise(cdf))  # monotone
        assert quantile_days(a, 0.5) <= quantile_days(a, 0.9) <= quantile_days(a, 0.99)
    (tmp_path / "bad.npz").write_bytes(b"not a model")
    from shipopt.errors import InputError

    with pytest.raises(InputError, match="not a transit model"):
        TransitModel.load(tmp_path / "bad.npz")


def test_reading_in_small_batches_gives_the_same_parcels(
    fitted: tuple[History, TransitModel, Path],
    registry: RateRegistry,
    directory: ZipDirectory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, _, path = fitted
    whole, _ = read_history([path], registry, directory)
    monkeypatch.setattr("shipopt.transit.history.BATCH_BYTES", 1 << 20)  # about 40 batches
    again, bad = read_history([path, path], registry, directory)  # the copy: all duplicates
    assert bad.counts == {"duplicate": len(whole)}
    assert np.array_equal(again.row[: len(whole)], whole.row)
    for name in ("service", "dest3", "days", "standard", "hour"):
        assert np.array_equal(getattr(again, name)[: len(whole)], getattr(whole, name))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 999)), min_size=1, max_size=300))
def test_dense_codes_number_the_distinct_keys_in_order(rows: list[tuple[int, int]]) -> None:
    from shipopt.transit.fit import _dense_codes

    a, b = (np.array(c, dtype=np.int64) for c in zip(*rows, strict=True))
    keys, inverse = _dense_codes([a, b])
    assert [tuple(k) for k in keys.tolist()] == sorted(set(rows))
    assert [tuple(keys[i]) for i in inverse] == rows


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=6)), max_size=60), st.booleans())
def test_duplicates_are_the_repeats_of_an_identity(names: list[str | None], collide: bool) -> None:
    """The first row of each tracking number stays, whatever the hashes (all equal: every
    row compared); a row without one is never a duplicate; chunks and slices hash alike."""
    import pyarrow as pa

    from shipopt.transit.history import _fingerprints, _first_of_each

    half = len(names) // 2
    ident = pa.chunked_array(
        [pa.array(names[:half], pa.string()), pa.array(names[half:], pa.string())]
    )
    hashes = _fingerprints(ident)
    assert (hashes == _fingerprints(pa.array(["x", *names], pa.string()).slice(1))).all()
    if collide:
        hashes = np.zeros(len(names), dtype=np.uint64)
    ok = np.ones(len(names), dtype=bool)
    seen: set[str] = set()
    expected = []
    for name in names:
        expected.append(name is None or name not in seen)
        if name is not None:
            seen.add(name)
    assert _first_of_each(hashes, ident, ok).tolist() == expected
