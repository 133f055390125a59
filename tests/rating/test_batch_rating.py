"""The numpy batch path agrees with the scalar quote path to the cent."""

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

from shipopt.domain.quote import QuoteRequest
from shipopt.geo import ZipDirectory, default_zip_directory
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.lane import Lane, coverage_problem
from shipopt.pipeline.quote import quote
from shipopt.pipeline.random_parcels import RandomParcels, random_parcels
from shipopt.ratetables.registry import RateRegistry
from shipopt.rating.batch import BatchRates, rate_batch
from shipopt.rating.parcel_rate import ParcelPrice, price_parcel
from shipopt.rating.vectorized import NOT_CARRIED
from shipopt.zones import ZoneArrays
from tests.conftest import SAMPLE_TABLES

DAY = date(2026, 12, 1)


def scalar_totals(
    ctx: QuoteContext,
    origin: str,
    dest: str,
    sides: tuple[int, int, int],
    weight: int,
    residential: bool,
    keys: list[str],
) -> list[int]:
    o, d = ctx.directory.resolve(origin), ctx.directory.resolve(dest)
    lane = Lane(o, d, datetime(2026, 12, 1, 9, 0))
    out = []
    for key in keys:
        service = ctx.registry.in_force(key, DAY)
        assert service is not None
        if coverage_problem(service, lane):
            out.append(NOT_CARRIED)
            continue
        zone = ctx.zones.zone(service, o, d)
        priced = price_parcel(ctx.rules(service), sides, weight, zone, residential, d.zip5, DAY)
        out.append(priced.total if isinstance(priced, ParcelPrice) else NOT_CARRIED)
    return out


def batch_of(ctx: QuoteContext, sample: RandomParcels) -> BatchRates:
    """The numpy path's prices of a random sample on the plan day."""
    return rate_batch(
        ctx.registry,
        ctx.rules,
        ZoneArrays(ctx.directory),
        ctx.directory,
        sample.origin_zip,
        sample.parcels,
        DAY,
    )


def sample_totals(ctx: QuoteContext, sample: RandomParcels, i: int, keys: list[str]) -> list[int]:
    """:func:`scalar_totals` of parcel ``i`` of a random sample."""
    p = sample.parcels
    return scalar_totals(
        ctx,
        f"{sample.origin_zip[i]:05d}",
        f"{p.dest_zip[i]:05d}",
        (int(p.sides_nm[i][0]), int(p.sides_nm[i][1]), int(p.sides_nm[i][2])),
        int(p.weight_ng[i]),
        bool(p.residential[i]),
        keys,
    )


def test_batch_matches_scalar(ctx: QuoteContext, directory: ZipDirectory) -> None:
    sample = random_parcels(directory, 3000, seed=11)
    batch = batch_of(ctx, sample)
    assert len(batch.keys) >= 7 and batch.totals.shape == (3000, len(batch.keys))
    carried = 0
    for i in range(3000):
        expected = sample_totals(ctx, sample, i, batch.keys)
        assert list(batch.totals[i]) == expected, i
        carried += sum(e != NOT_CARRIED for e in expected)
    assert carried > 3000 * 3  # most parcels fit most services


def test_batch_matches_full_quote(ctx: QuoteContext, directory: ZipDirectory) -> None:
    sample = random_parcels(directory, 200, seed=5)
    batch = batch_of(ctx, sample)
    p = sample.parcels
    for i in range(200):
        sides = [f"{int(x) / 25_400_000}" for x in p.sides_nm[i]]
        oz = int(p.weight_ng[i]) // 28_349_523_125
        dest = {"postal_code": f"{p.dest_zip[i]:05d}", "residential": bool(p.residential[i])}
        shipment = {
            "origin": {"postal_code": f"{sample.origin_zip[i]:05d}"},
            "destination": dest,
            "parcels": [{"dimensions": "x".join(sides) + " in", "weight": f"{oz} oz"}],
            "ship_at": "2026-12-01T09:00:00",
        }
        req = QuoteRequest.model_validate({"shipment": shipment})
        resp = quote(req, ctx, datetime(2026, 12, 1, tzinfo=UTC))
        got = {r.key: int(r.total * 100) for r in resp.rates}
        for j, key in enumerate(batch.keys):
            assert got.get(key, NOT_CARRIED) == int(batch.totals[i, j]), (i, key)


def test_zone_arrays_match_resolver(ctx: QuoteContext, directory: ZipDirectory) -> None:
    zips = sorted(directory.zip3_centroids)
    rng = np.random.default_rng(3)
    o = np.array([int(z) * 100 + 1 for z in rng.choice(zips, 400)])
    d = np.array([int(z) * 100 + 1 for z in rng.choice(zips, 400)])
    arrays = ZoneArrays(directory)
    for key in ctx.registry.keys:
        service = ctx.registry.in_force(key, DAY)
        assert service is not None
        many = arrays.zones(service, o, d)
        for k in range(len(o)):
            op = directory.resolve(f"{o[k]:05d}") if directory.has_point(f"{o[k]:05d}") else None
            dp = directory.resolve(f"{d[k]:05d}") if directory.has_point(f"{d[k]:05d}") else None
            if op and dp:
                assert many[k] == ctx.zones.zone(service, op, dp)


def _tables_with(tmp_path: Path, extra: dict[str, str]) -> QuoteContext:
    folder = tmp_path / "tables"
    shutil.copytree(SAMPLE_TABLES, folder)
    ground = (folder / "summit" / "ground_2026.toml").read_text()
    for name, edit in extra.items():
        (folder / "summit" / name).write_text(
            edit + ground.replace('service = "ground"', f'service = "{name[:-5]}"')
        )
    return QuoteContext(RateRegistry.from_directory(folder), default_zip_directory())


def test_batch_skips_other_currencies_and_prices_point_zones(
    tmp_path: Path, directory: ZipDirectory
) -> None:
    ctx = _tables_with(
        tmp_path,
        {"euro.toml": 'currency = "EUR"\n', "pointzones.toml": ""},
    )
    text = (tmp_path / "tables" / "summit" / "pointzones.toml").read_text()
    (tmp_path / "tables" / "summit" / "pointzones.toml").write_text(
        text.replace("[zones]", '[zones]\nbasis = "point"')
        if "[zones]" in text
        else text + '\n[zones]\nbasis = "point"\n'
    )
    ctx = QuoteContext(RateRegistry.from_directory(tmp_path / "tables"), directory)
    sample = random_parcels(directory, 300, seed=2)
    batch = batch_of(ctx, sample)
    assert "summit/euro" not in batch.keys  # a USD quote refuses it: so does the batch
    assert "summit/pointzones" in batch.keys
    j = batch.keys.index("summit/pointzones")
    for i in range(300):
        (expected,) = sample_totals(ctx, sample, i, ["summit/pointzones"])
        assert int(batch.totals[i, j]) == expected, i
