"""Shared fixtures: the shipped sample tables and a builder for tiny tables in tmp_path."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from shipopt.geo import ZipDirectory, default_zip_directory
from shipopt.pipeline.context import QuoteContext
from shipopt.ratetables.registry import RateRegistry

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_TABLES = ROOT / "rate_tables"
DATA = Path(__file__).resolve().parent / "data"  # fixture files

TINY_GRID = (DATA / "tiny" / "tiny_grid.csv").read_text()

TINY_SERVICE = (DATA / "tiny" / "tiny_service.toml").read_text()


@pytest.fixture(scope="session")
def directory() -> ZipDirectory:
    return default_zip_directory()


@pytest.fixture(scope="session")
def registry() -> RateRegistry:
    return RateRegistry.from_directory(SAMPLE_TABLES)


@pytest.fixture(scope="session")
def ctx(registry: RateRegistry, directory: ZipDirectory) -> QuoteContext:
    return QuoteContext(registry, directory)


TableWriter = Callable[..., Path]


@pytest.fixture
def write_table(tmp_path: Path) -> TableWriter:
    """Write a service TOML (TINY_SERVICE plus ``extra``) and its grid; returns the folder."""

    def write(
        extra: str = "", grid: str = TINY_GRID, name: str = "svc.toml", service: str = TINY_SERVICE
    ) -> Path:
        (tmp_path / name).write_text(textwrap.dedent(service) + textwrap.dedent(extra))
        (tmp_path / "grid.csv").write_text(grid)
        return tmp_path

    return write


TEST_BOXES = [
    {
        "name": "S",
        "inner": "10x8x6 in",
        "outer": "10.5x8.5x6.5 in",
        "max_gross_weight": "30 lb",
        "cost": "0.50",
        "tare_weight": "6 oz",
    },
    {
        "name": "M",
        "inner": "14x12x10 in",
        "outer": "14.5x12.5x10.5 in",
        "max_gross_weight": "50 lb",
        "cost": "0.90",
        "tare_weight": "10 oz",
    },
    {
        "name": "L",
        "inner": "20x16x12 in",
        "outer": "20.5x16.5x12.5 in",
        "max_gross_weight": "65 lb",
        "cost": "1.40",
        "tare_weight": "1 lb",
    },
]
