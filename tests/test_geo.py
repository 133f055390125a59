from zoneinfo import ZoneInfo

import numpy as np
import pytest

from shipopt.domain.quote import QuoteRequest
from shipopt.errors import InputError
from shipopt.geo import ZipDirectory, distance_miles, distance_miles_many, haversine_miles
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.quote import quote
from shipopt.zones import band_zone


def test_resolve_known_zip(directory: ZipDirectory) -> None:
    p = directory.resolve("10001-1234")
    assert p.zip5 == "10001" and p.state == "NY" and p.timezone == "America/New_York"
    assert abs(p.lat - 40.75) < 0.1 and not p.from_zip3_centroid


def test_zero_coordinates_fall_back_to_zip3_centroid(directory: ZipDirectory) -> None:
    import zipcodes

    missing = [
        z["zip_code"]
        for z in zipcodes.list_all()
        if float(z["lat"]) == 0 and directory.zip3_centroid(z["zip_code"][:3]) is not None
    ]
    assert missing, "the zipcodes package has (0,0) records with known neighbours"
    p = directory.resolve(missing[0])
    assert p.from_zip3_centroid
    assert (p.lat, p.lon) == directory.zip3_centroid(missing[0][:3])


@pytest.mark.parametrize(
    "zip_code, message",
    [
        ("00000", "unknown ZIP code"),
        ("1234", "not a US ZIP"),
        ("ABCDE", "not a US ZIP"),
        ("09001", "military"),
    ],
)
def test_bad_zip(directory: ZipDirectory, zip_code: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        directory.resolve(zip_code, "shipment.destination.postal_code")
    assert info.value.problems[0].where == "shipment.destination.postal_code"


def test_vectorized_distance_agrees_with_geopy(directory: ZipDirectory) -> None:
    rng = np.random.default_rng(7)
    zip3s = sorted(directory.zip3_centroids)
    pairs = rng.choice(len(zip3s), size=(2000, 2))
    a = np.array([directory.zip3_centroids[zip3s[i]] for i in pairs[:, 0]])
    b = np.array([directory.zip3_centroids[zip3s[j]] for j in pairs[:, 1]])
    many = distance_miles_many(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    for k in range(len(pairs)):
        ref = distance_miles(tuple(a[k]), tuple(b[k]))
        assert abs(many[k] - ref) <= 0.005 * ref + 1e-6
        assert abs(haversine_miles(tuple(a[k]), tuple(b[k])) - many[k]) < 1e-6


def test_new_york_to_san_francisco() -> None:
    # published great-circle distance is about 2,565 miles
    assert 2540 < distance_miles((40.7484, -73.9967), (37.7864, -122.3892)) < 2590


@pytest.mark.parametrize(
    "miles, zone",
    [
        (0, 1),
        (50, 1),
        (50.01, 2),
        (150, 2),
        (300, 3),
        (600, 4),
        (1000, 5),
        (1400, 6),
        (1800, 7),
        (1800.5, 8),
        (5000, 8),
    ],
)
def test_usps_bands(miles: float, zone: int) -> None:
    assert band_zone(miles, [50, 150, 300, 600, 1000, 1400, 1800], 1) == zone


def test_bad_time_zone_in_the_zip_data_takes_the_areas(directory: ZipDirectory) -> None:
    # the ZIP data gives 99634 (Napakiak, AK) the time zone "Napakiak"
    point = directory.resolve("99634")
    assert point.timezone == "America/Anchorage"
    ZoneInfo(point.timezone)


def test_military_zips_have_a_clear_reason(directory: ZipDirectory) -> None:
    for zip5 in ("09002", "96201", "34002"):  # APO AE, APO AP, APO AA
        with pytest.raises(InputError) as err:
            directory.resolve(zip5, "shipment.destination.postal_code")
        (problem,) = err.value.problems
        assert problem.code == "MILITARY_ADDRESS" and "military" in problem.message
        assert "give coordinates" not in problem.message


def test_a_quote_from_99634_is_answered(ctx: QuoteContext) -> None:
    req = QuoteRequest.model_validate(
        {
            "shipment": {
                "origin": {"postal_code": "99634"},
                "destination": {"postal_code": "99501"},
                "parcels": [{"dimensions": "10x8x6 in", "weight": "2 lb"}],
                "ship_at": "2026-12-01T10:00:00",
            }
        }
    )
    assert quote(req, ctx).rates
