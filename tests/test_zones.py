"""Zone rules as documented: chart first, then fixed destination ZIP3s, then bands; no floor by
default."""

from pathlib import Path

from pytest import MonkeyPatch

from shipopt.geo import ZipDirectory
from shipopt.ratetables.loader import load_directory
from shipopt.zones import ZoneResolver
from tests.conftest import TINY_SERVICE, TableWriter

# the tiny service without its floor and dimensional weight, pricing zones 1-9
NO_FLOOR_SERVICE = (
    TINY_SERVICE.replace("[zones]\nfloor = 2\n", "")
    .replace("[weights]\ndim_divisor = 139\n", "")
    .replace(
        "days_by_zone = { 2 = 1, 3 = 2, 4 = 3, 5 = 3, 6 = 4, 7 = 4, 8 = 5 }",
        "days_by_zone = { 1 = 1, 2 = 1, 3 = 2, 4 = 3, 5 = 3, 6 = 4, 7 = 4, 8 = 5, 9 = 7 }",
    )
)
GRID = "weight_lb,1,2,3,4,5,6,7,8,9\n1," + ",".join(["5.00"] * 9) + "\n"


def test_no_floor_by_default(write_table: TableWriter, directory: ZipDirectory) -> None:
    (service,) = load_directory(write_table(service=NO_FLOOR_SERVICE, grid=GRID))
    assert service.spec.zones.floor is None
    a, b = directory.resolve("10001"), directory.resolve("10002")
    assert ZoneResolver(directory).zone(service, a, b) == 1


def test_chart_beats_fixed_destination_zip3(
    write_table: TableWriter, directory: ZipDirectory, tmp_path: Path
) -> None:
    (tmp_path / "chart.csv").write_text(
        "origin_zip,dest_zip_start,dest_zip_end,zone\n100,969,969,8\n"
    )
    service_text = NO_FLOOR_SERVICE + '\n[zones]\nchart = "chart.csv"\n'
    (service,) = load_directory(write_table(service=service_text, grid=GRID))
    resolver = ZoneResolver(directory)
    guam = directory.resolve("96910")
    assert resolver.zone(service, directory.resolve("10001"), guam) == 8  # the chart's zone
    assert resolver.zone(service, directory.resolve("60601"), guam) == 9  # fixed_destination_zip3


def test_one_distance_per_lane_however_many_services_ask(
    write_table: TableWriter, directory: ZipDirectory, monkeypatch: MonkeyPatch
) -> None:
    import shipopt.zones

    (service,) = load_directory(write_table(service=NO_FLOOR_SERVICE, grid=GRID))
    asked: list[tuple[object, object]] = []
    measure = shipopt.zones.distance_miles

    def counted(a: tuple[float, float], b: tuple[float, float]) -> float:
        asked.append((a, b))
        return measure(a, b)

    monkeypatch.setattr(shipopt.zones, "distance_miles", counted)
    resolver = ZoneResolver(directory)
    ny, la, chicago = (directory.resolve(z) for z in ("10001", "90001", "60601"))
    far = [resolver._from_distance(service.spec.zones, ny, la, service) for _ in range(3)]
    near = resolver._from_distance(service.spec.zones, ny, chicago, service)
    assert len(asked) == 2  # the same lane again is not measured again
    fresh = ZoneResolver(directory)
    assert far == [fresh._from_distance(service.spec.zones, ny, la, service)] * 3
    assert near == fresh._from_distance(service.spec.zones, ny, chicago, service) != far[0]
